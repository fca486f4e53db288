//! GET /v1/sync/pull?cursor=…&limit=…: the organization's rows with a version above the
//! cursor, in version order, one page at a time. Versions come from a per-organization
//! counter whose row stays locked until the writing transaction commits, so versions
//! become visible in order and a page can never skip one.
//!
//! A device's first sync leaves out tombstones it cannot need: a row deleted before that
//! sync started (version at most the organization's head then) was never on the device.
//! A row deleted later may have reached the device alive in an earlier page, so its
//! tombstone is sent. The device keeps the head its first page reported and sends it
//! back on every later page of that first sync.
//!
//! Pages are kept for a while (`page_cache`): devices asking for the same page of the
//! same snapshot get it without another query, compressed once.
//!
//! A coordinator with a sync scope (`scope.rs`) gets every authoring row and only the
//! rows of the workers in their scope, read with that set of workers in one statement.
//! When the set is not the one the device says it holds, the page says which it is now:
//! the device then drops the workers that left (`stride_store`), and asks for the older
//! rows of those that came (`backfill.rs`); their later rows are in this page and after.

use crate::auth::AuthenticatedDevice;
use crate::error::ApiError;
use crate::extract::Params;
use crate::page_cache::{CachedPage, Encoding, PageKey};
use crate::scope::SCOPE_COLUMNS;
use crate::state::AppState;
use crate::tenant;
use axum::extract::State;
use axum::http::{header, HeaderMap};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use sqlx::Row;
use std::sync::{Arc, OnceLock};
use stride_domain::api::PageLayout;
#[cfg(doc)]
use stride_domain::api::PullResponse;
use stride_domain::registry::REGISTRY;
use stride_domain::scope::{PulledScope, SyncScope};
use stride_domain::WorkerId;

pub const DEFAULT_PAGE: i64 = 500;
pub const MAX_PAGE: i64 = 5000;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PullParams {
    /// The version of the last row the device has (0: none yet).
    #[serde(default)]
    #[param(minimum = 0, default = 0)]
    pub cursor: i64,
    /// Rows per page.
    #[param(minimum = 1, maximum = 5000, default = 500)]
    pub limit: Option<i64>,
    /// This pull belongs to the device's first sync: tombstones at or below the head are
    /// left out.
    #[serde(default)]
    pub first_sync: bool,
    /// With first_sync: the head the first sync's first page reported; without it, the
    /// head now.
    pub first_sync_head: Option<i64>,
    /// The scope the device holds: absent, the whole organization; else the hash a pull
    /// last gave it (empty: it holds part of the organization, but not which part).
    pub scope: Option<String>,
    /// How the page writes its rows: `rows` (one object each, the default), or
    /// `columns` (one table per entity, column by column: under half the bytes).
    #[serde(default)]
    #[param(inline)]
    pub layout: PageLayout,
}

/// What a page is read for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Reading {
    /// Every row of the organization.
    Organization,
    /// Every authoring row, and the rows of the workers in a scope (`scope.rs`).
    Scope,
    /// Only rows of the given workers up to a version (`backfill.rs`).
    Backfill,
}

/// One query over every synced table: each branch reads its (organization_id, version)
/// index from the cursor on, the merge keeps the first `limit` rows, and PostgreSQL
/// writes the page's rows as JSON text itself, which the server sends on unparsed.
///
/// `$1` the organization, `$2` the cursor, `$3` the limit; then for
/// [`Reading::Organization`] and [`Reading::Scope`] `$4` the version through which
/// tombstones are left out, and for a scope `$5`–`$7` its parameters (`scope::parameters`)
/// and `$8` the hash of the set the device holds (of the scope as it is now; NULL when
/// it holds another or none): the workers in scope are read in the
/// same statement (one snapshot), their set's hash answered as `hash`, and its members
/// as `workers` unless that is the device's; for [`Reading::Backfill`] `$4` the last version to send, `$5` the workers
/// asked for, `$6`–`$8` the scope and `$9` whether the scope limits them.
pub(crate) fn page_sql(reading: Reading, layout: PageLayout) -> &'static str {
    static SQL: [OnceLock<String>; 6] = [const { OnceLock::new() }; 6];
    let index = reading as usize * 2 + layout as usize;
    SQL[index].get_or_init(|| {
        let workers = "SELECT id FROM scope_ids";
        let branches: Vec<String> = REGISTRY
            .iter()
            .filter_map(|spec| {
                let owned = crate::scope::owned_by(spec, "t", workers);
                let condition = match (reading, &owned) {
                    (Reading::Organization, _) | (Reading::Scope, None) => {
                        "t.version > $2 AND (t.deleted_at IS NULL OR t.version > $4)".to_owned()
                    }
                    // `IS TRUE` keeps the condition a filter of the version-ordered scan
                    // (its set hashed once), which stops at the page's end: as a join,
                    // PostgreSQL read all of a worker table's rows and sorted them at
                    // every page (270 ms a page where the filter takes 35).
                    (Reading::Scope, Some(owned)) => {
                        format!("t.version > $2 AND (t.deleted_at IS NULL OR t.version > $4) AND ({owned}) IS TRUE")
                    }
                    (Reading::Backfill, None) => return None,
                    (Reading::Backfill, Some(owned)) => {
                        format!("t.version > $2 AND t.version <= $4 AND t.deleted_at IS NULL AND ({owned}) IS TRUE")
                    }
                };
                let written = match layout {
                    // Each row's JSON is built from its columns by name: cheaper than
                    // converting the whole row and deleting the server's own columns.
                    PageLayout::Rows => {
                        let columns: Vec<String> =
                            spec.columns.iter().map(|c| format!("'{0}', t.{0}", c.name)).collect();
                        format!(
                            "json_build_object('entity', '{table}', 'version', t.version,
                                               'deleted', t.deleted_at IS NOT NULL,
                                               'row', json_build_object({columns}))::text AS json",
                            table = spec.table,
                            columns = columns.join(", "),
                        )
                    }
                    // Each value's JSON, in the registry's column order (`to_json` is
                    // what json_build_object writes a value with; NULL is written null).
                    PageLayout::Columns => {
                        let values: Vec<String> = spec
                            .columns
                            .iter()
                            .map(|c| format!("coalesce(to_json(t.{})::text, 'null')", c.name))
                            .collect();
                        format!(
                            "'{table}'::text AS entity, t.deleted_at IS NOT NULL AS deleted, ARRAY[{values}] AS vals",
                            table = spec.table,
                            values = values.join(", "),
                        )
                    }
                };
                Some(format!(
                    "(SELECT t.version, {written}
                      FROM {table} t
                      WHERE t.{tenant} = $1 AND {condition}
                      ORDER BY t.version LIMIT $3)",
                    table = spec.table,
                    tenant = spec.tenant_column(),
                ))
            })
            .collect();
        // The workers the page is for, read once (MATERIALIZED).
        let scope = match reading {
            Reading::Organization => String::new(),
            Reading::Scope => format!(
                "WITH scope_ids AS MATERIALIZED ({}),
                      scope_named AS (SELECT md5(coalesce(string_agg(id::text, ',' ORDER BY id), '')) AS hash
                                      FROM scope_ids) ",
                crate::scope::workers_sql(5)
            ),
            Reading::Backfill => format!(
                "WITH scope_ids AS MATERIALIZED (SELECT c.id FROM unnest($5::uuid[]) c(id)
                                                 WHERE NOT $9 OR c.id IN ({})) ",
                crate::scope::workers_sql(6)
            ),
        };
        // The set's name, and its members only when the device holds another ($8).
        let held = if reading == Reading::Scope {
            "(SELECT hash FROM scope_named) AS hash,
             CASE WHEN (SELECT hash FROM scope_named) = $8 THEN NULL
                  ELSE (SELECT coalesce(array_agg(id ORDER BY id), '{}'::uuid[]) FROM scope_ids) END AS workers, "
        } else {
            ""
        };
        let page = format!("(SELECT * FROM ({}) merged ORDER BY version LIMIT $3) page", branches.join(" UNION ALL "));
        match layout {
            // The entity is its table's name, which is also EntityKind's serde name.
            PageLayout::Rows => format!(
                "{scope}SELECT {held}coalesce(string_agg(json, ',' ORDER BY version), '') AS rows,
                        count(*) AS count, coalesce(max(version), 0) AS last_version
                 FROM {page}"
            ),
            // One table per entity. Its lists are aggregated in one pass over the same
            // rows, so they line up whatever order the rows come in; the device puts
            // the rows in version order.
            PageLayout::Columns => format!(
                "{scope}SELECT {held}coalesce(string_agg(json, ','), '') AS rows,
                        coalesce(sum(count), 0)::bigint AS count, coalesce(max(last_version), 0)::bigint AS last_version
                 FROM (SELECT count(*) AS count, max(version) AS last_version,
                              '{{\"entity\":\"' || entity || '\",\"columns\":' || CASE entity {names} END
                              || ',\"versions\":[' || string_agg(version::text, ',')
                              || '],\"deleted\":[' || string_agg(deleted::text, ',')
                              || '],\"values\":[' || concat_ws(',', {values}) || ']}}' AS json
                       FROM {page} GROUP BY entity) tables",
                names = REGISTRY
                    .iter()
                    .map(|spec| {
                        let names: Vec<String> = spec.columns.iter().map(|c| format!("\"{}\"", c.name)).collect();
                        format!("WHEN '{}' THEN '[{}]'", spec.table, names.join(","))
                    })
                    .collect::<Vec<_>>()
                    .join(" "),
                values = (1..=REGISTRY.iter().map(|spec| spec.columns.len()).max().unwrap_or(0))
                    .map(|n| format!("'[' || string_agg(vals[{n}], ',') || ']'"))
                    .collect::<Vec<_>>()
                    .join(", "),
            ),
        }
    })
}

/// The organization's rows with a version above the cursor, in version order.
#[utoipa::path(get, path = "/v1/sync/pull", security(("device" = [])), params(PullParams), responses(
        (status = 200, description = "a page", body = stride_domain::api::PullResponse),
        (status = 401, description = "unauthenticated or device_revoked", body = stride_domain::api::ErrorBody),
        (status = 400, description = "invalid_request: bad query parameters", body = stride_domain::api::ErrorBody),
        crate::error::AnyOtherError,
))]
pub async fn pull(
    State(state): State<AppState>,
    device: AuthenticatedDevice,
    headers: HeaderMap,
    Params(params): Params<PullParams>,
) -> Result<Response, ApiError> {
    let limit = params.limit.unwrap_or(DEFAULT_PAGE);
    if !(1..=MAX_PAGE).contains(&limit) || params.cursor < 0 {
        return Err(ApiError::BadRequest(format!("limit must be 1 to {MAX_PAGE} and cursor not negative")));
    }
    // The head, read first and alone (as the tables' owner, for the device's own
    // organization), with the person's scope: a page served from the cache needs nothing
    // else from the database. The page, read after it, may hold rows above it; a later
    // pull asks past them. Both come from where pulls read (a replica, when the server
    // has one), so the head and the page are of the same database, however far behind
    // the primary it is.
    let first = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT coalesce((SELECT max(last_version) FROM organization_versions WHERE organization_id = $1), 0) AS head,
                {SCOPE_COLUMNS}, (extract(epoch FROM s.updated_at) * 1000000)::bigint AS scope_version
         FROM (SELECT 1) one LEFT JOIN user_scopes s ON s.organization_id = $1 AND s.user_id = $2"
    )))
    .bind(device.organization_id.as_uuid())
    .bind(device.user_id.as_uuid())
    .fetch_one(&state.reads)
    .await?;
    let head: i64 = first.get("head");
    let scope = crate::scope::scope_of(&first);
    // Tombstones at or below this version are left out (-1: none are).
    let skip_tombstones_through = if params.first_sync { params.first_sync_head.unwrap_or(head) } else { -1 };
    let answer_of = |page: &CachedPage, scope| page_json(page, params.layout, params.cursor, limit, head, scope);
    let json = |body: String| ([(header::CONTENT_TYPE, "application/json")], body).into_response();
    if scope.limits(device.role) {
        // The name a device keeps is the set's hash and the scope's version (when it was
        // last edited): the set is a function of the rows and the scope, so a device at
        // the head that holds the set of this version has nothing to learn, and is told
        // so without naming the set again.
        let version: Option<i64> = first.get("scope_version");
        let version = version.unwrap_or_default().to_string();
        let held = params.scope.as_deref().and_then(|held| held.split_once('.'));
        let held_hash = held.filter(|(_, of)| *of == version).map(|(hash, _)| hash);
        if held_hash.is_some() && params.cursor >= head {
            let nothing = CachedPage { rows: String::new(), count: 0, last_version: 0 };
            return Ok(json(answer_of(&nothing, None)));
        }
        let (mut page, hash, workers) =
            read_scoped(&state, &device, &params, limit, skip_tombstones_through, &scope, held_hash).await?;
        state.metrics.pulled(u64::try_from(page.count).unwrap_or(0));
        // A page that holds everything of the scope up to the head moves the device's
        // cursor to the head, past the rows of other workers above its last row: its next
        // pull does not read them again.
        if page.count < limit {
            page.last_version = page.last_version.max(head).max(params.cursor);
        }
        let hash = format!("{hash}.{version}");
        let Some(workers) = workers else { return Ok(json(answer_of(&page, None))) };
        // Kept before the device hears of it, on the primary: a push of this device is
        // held to it (`push_scope.rs`).
        crate::scope::record_sent(&state.pool, device.organization_id, device.device_id, &workers).await?;
        let told = PulledScope::Workers { hash, workers: workers.into_iter().map(WorkerId::from_uuid).collect() };
        return Ok(json(answer_of(&page, Some(&told))));
    }
    let key = PageKey {
        organization: device.organization_id.as_uuid(),
        cursor: params.cursor,
        limit,
        skip_tombstones_through,
        head,
        layout: params.layout,
    };
    let read = async {
        let mut tx = tenant::begin(&state.reads, device.organization_id).await?;
        let record = sqlx::query(sqlx::AssertSqlSafe(page_sql(Reading::Organization, params.layout)))
            .bind(device.organization_id.as_uuid())
            .bind(params.cursor)
            .bind(limit)
            .bind(skip_tombstones_through)
            .fetch_one(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok::<_, sqlx::Error>(page_of(&record))
    };
    // A read several requests waited on fails them all with one error; each keeps a copy.
    let page = state.pages.get_or_read(key, read).await.map_err(|shared: Arc<sqlx::Error>| {
        Arc::try_unwrap(shared).unwrap_or_else(|shared| sqlx::Error::Protocol(shared.to_string()))
    })?;
    state.metrics.pulled(u64::try_from(page.count).unwrap_or(0));
    if params.scope.is_some() {
        // A device that held part of the organization is told to pull all of it again,
        // and from now on holds all of it.
        crate::scope::forget_sent(&state.pool, device.organization_id, device.device_id).await?;
        return Ok(json(answer_of(&page, Some(&PulledScope::Organization))));
    }
    let body = || answer_of(&page, None);
    // Compressed here, once for every device that asks for this page so (the API's
    // compression layer leaves an answer with its encoding as it is).
    let encoding = Encoding::accepted(headers.get(header::ACCEPT_ENCODING).and_then(|v| v.to_str().ok()));
    let answer = state
        .pages
        .answer(key, encoding, body)
        .await
        .map_err(|problem| ApiError::Internal(format!("the page could not be compressed: {problem}")))?;
    let mut response =
        ([(header::CONTENT_TYPE, "application/json"), (header::VARY, "accept-encoding")], answer).into_response();
    if let Some(value) = encoding.header_value() {
        response.headers_mut().insert(header::CONTENT_ENCODING, header::HeaderValue::from_static(value));
    }
    Ok(response)
}

/// The page as JSON in [`PullResponse`]'s form, around the rows PostgreSQL wrote in
/// `layout`: asked from `from` with `limit`, at `head`, with the scope when the device
/// is told one.
pub(crate) fn page_json(
    page: &CachedPage,
    layout: PageLayout,
    from: i64,
    limit: i64,
    head: i64,
    scope: Option<&PulledScope>,
) -> String {
    let (rows, count, last_version) = (&page.rows, page.count, page.last_version);
    let cursor = if count > 0 { last_version } else { from.max(last_version) };
    let scope = scope.map(|scope| format!(r#","scope":{}"#, serde_json::json!(scope))).unwrap_or_default();
    let rows = match layout {
        PageLayout::Rows => format!(r#""rows":[{rows}]"#),
        PageLayout::Columns => format!(r#""tables":[{rows}]"#),
    };
    format!(
        r#"{{{rows},"cursor":{cursor},"up_to_date":{up_to_date},"head":{head},"server_time_ms":{now}{scope}}}"#,
        up_to_date = count < limit,
        now = crate::clock::now().millis(),
    )
}

/// A page's rows as the page statement answered them.
pub(crate) fn page_of(record: &sqlx::postgres::PgRow) -> CachedPage {
    CachedPage { rows: record.get("rows"), count: record.get("count"), last_version: record.get("last_version") }
}

/// A scoped device's page, the hash of the set of workers in its scope now, and their
/// ids (sorted) unless the device holds that set, in one statement.
async fn read_scoped(
    state: &AppState,
    device: &AuthenticatedDevice,
    params: &PullParams,
    limit: i64,
    skip_tombstones_through: i64,
    scope: &SyncScope,
    held_hash: Option<&str>,
) -> Result<(CachedPage, String, Option<Vec<uuid::Uuid>>), sqlx::Error> {
    let (sites, segments, programs) = crate::scope::parameters(scope);
    let mut tx = tenant::begin(&state.reads, device.organization_id).await?;
    let record = sqlx::query(sqlx::AssertSqlSafe(page_sql(Reading::Scope, params.layout)))
        .bind(device.organization_id.as_uuid())
        .bind(params.cursor)
        .bind(limit)
        .bind(skip_tombstones_through)
        .bind(sites)
        .bind(segments)
        .bind(programs)
        .bind(held_hash)
        .fetch_one(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok((page_of(&record), record.get("hash"), record.get("workers")))
}
