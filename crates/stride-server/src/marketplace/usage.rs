//! How a listing is used (`GET /v1/marketplace/listings/{id}/usage`), for its publisher
//! and for a licensee: each licensee's workers are tallied in a transaction scoped to
//! that licensee, so row-level security keeps every read inside it, and only counts and
//! sums leave it (`stride_domain::marketplace::UsageTally`); the figures drawn from them
//! are shown by the domain's rule of at least five workers (`Viewer`). No worker's name,
//! id or record is ever in the answer, nor read in the asking organization's transaction.

use super::copy::CopiedIds;
use super::licenses::of_licensee;
use super::{listing_of, listing_row, versions_since, Tx};
use crate::auth::AuthenticatedDevice;
use crate::error::ApiError;
use crate::extract::Segment;
use crate::state::AppState;
use crate::tenant;
use axum::extract::State;
use axum::Json;
use sqlx::Row;
use std::collections::{BTreeMap, HashMap, HashSet};
use stride_domain::marketplace::*;
use stride_domain::quiz::{self, QuizDefinition};
use stride_domain::*;
use uuid::Uuid;

/// How the listing is used: across every licensee (figures from five workers or more),
/// and for a licensee, its own beside them.
#[utoipa::path(get, path = "/v1/marketplace/listings/{listing_id}/usage", security(("device" = [])),
    params(("listing_id" = uuid::Uuid, Path, description = "the listing")),
    responses(
        (status = 200, description = "the figures the asking organization may see", body = ListingUsage),
        (status = 401, description = "unauthenticated, device_revoked or user_deactivated", body = stride_domain::api::ErrorBody),
        (status = 403, description = "forbidden: a role that neither publishes nor licenses", body = stride_domain::api::ErrorBody),
        (status = 404, description = "not_found: not the listing's publisher nor a licensee", body = stride_domain::api::ErrorBody),
        crate::error::AnyOtherError,
))]
pub(crate) async fn usage(
    State(state): State<AppState>,
    device: AuthenticatedDevice,
    Segment(listing_id): Segment<uuid::Uuid>,
) -> Result<Json<ListingUsage>, ApiError> {
    if !device.role.publishes() && !device.role.licenses() {
        return Err(ApiError::Forbidden(format!("a {} does not read how listings are used", device.role)));
    }
    let org = device.organization_id;
    let id = ListingId::from_uuid(listing_id);
    let mut tx = tenant::begin(&state.pool, org).await?;
    let listing = listing_of(&listing_row(&mut tx, org, id, false).await?)?;
    let publisher = listing.publisher_organization_id;
    let licensee = publisher != org;
    if licensee {
        let held = of_licensee(&mut tx, org, Some(id)).await?.pop();
        if !held.is_some_and(|license| license.decided_at.is_some() && license.status == LicenseStatus::Active) {
            return Err(ApiError::Missing("no such listing licensed by this organization".into()));
        }
    }
    let versions = versions_since(&mut tx, id, 0).await?;
    tx.commit().await?;
    let names = names(&versions);

    // Every license granted, read as the publisher sees them; each licensee's tally in
    // its own scope.
    let mut scope = tenant::begin(&state.pool, publisher).await?;
    let licenses: Vec<(Uuid, Uuid, String)> = sqlx::query_as(
        "SELECT id, licensee_organization_id, licensee_name FROM marketplace_licenses
         WHERE listing_id = $1 AND status = 'active' ORDER BY licensee_name, id",
    )
    .bind(id.as_uuid())
    .fetch_all(&mut *scope)
    .await?;
    scope.commit().await?;
    let mut all = UsageTally::default();
    let mut own = None;
    let mut licensees = Vec::with_capacity(licenses.len());
    let mut copies: BTreeMap<u32, u32> = BTreeMap::new();
    for (license, licensee_org, name) in licenses {
        let licensee_org = OrganizationId::from_uuid(licensee_org);
        let mut scope = tenant::begin(&state.pool, licensee_org).await?;
        let tallied = tally(&mut scope, licensee_org, license, listing.kind).await?;
        scope.commit().await?;
        let version = tallied.as_ref().map(|(version, _)| *version);
        if let Some(version) = version {
            *copies.entry(version).or_default() += 1;
        }
        let tally = tallied.map(|(_, tally)| tally).unwrap_or_default();
        all.add(&tally);
        let workers = tally.workers_for(Viewer::Publisher);
        licensees.push(LicenseeUsage { name, version, workers });
        if licensee_org == org {
            own = Some(tally);
        }
    }
    let (all, own, licensees) = match &own {
        Some(mine) if licensee => {
            (all.figures(&names, Viewer::Licensee { own: mine }), Some(mine.figures(&names, Viewer::Own)), Vec::new())
        }
        _ if licensee => (all.figures(&names, Viewer::Licensee { own: &UsageTally::default() }), None, Vec::new()),
        _ => (all.figures(&names, Viewer::Publisher), None, licensees),
    };
    let versions = versions
        .iter()
        .map(|(info, _)| VersionUsage { number: info.number, copies: copies.get(&info.number).copied().unwrap_or(0) })
        .collect();
    Ok(Json(ListingUsage {
        listing_id: id,
        title: listing.title,
        versions,
        licensees,
        all,
        own,
        min_workers: MIN_WORKERS,
    }))
}

/// Each part's name, from the newest version that has it: touchpoints in the newest
/// version's order, then those only earlier versions had; each quiz's questions.
fn names(versions: &[(ListingVersion, Snapshot)]) -> UsageNames {
    let mut names = UsageNames::default();
    let (mut touchpoints, mut questions) = (HashSet::new(), HashSet::new());
    for (index, (_, snapshot)) in versions.iter().enumerate() {
        let content: HashMap<_, _> = snapshot.content.iter().map(|c| (c.key, c)).collect();
        for touchpoint in snapshot.journey.iter().flat_map(|j| &j.phases).flat_map(|p| &p.touchpoints) {
            if touchpoints.insert(touchpoint.key) {
                let name =
                    content.get(&touchpoint.content_key).map_or_else(|| "Untitled".to_owned(), |c| content_name(c));
                names.touchpoints.push((touchpoint.key, name, index == 0));
            }
        }
        for item in &snapshot.content {
            let Some(definition) = item.quiz.as_ref().and_then(|q| JsonObject::try_from(q.clone()).ok()) else {
                continue;
            };
            let Ok(definition) = QuizDefinition::parse(&definition) else { continue };
            for question in definition.questions {
                let key = (item.key, question.id.clone());
                if questions.insert(key.clone()) {
                    names.questions.push((key, content_name(item), question.prompt));
                }
            }
        }
    }
    names
}

/// What one licensee's workers did with its copy, by the snapshot's keys, and the
/// version the copy holds (None: not copied in yet). Read in the licensee's scope.
async fn tally(
    tx: &mut Tx,
    org: OrganizationId,
    license: Uuid,
    kind: ListingKind,
) -> Result<Option<(u32, UsageTally)>, ApiError> {
    let Some(copy) = sqlx::query(
        "SELECT version, root_id, copied_ids FROM marketplace_copies WHERE organization_id = $1 AND license_id = $2",
    )
    .bind(org.as_uuid())
    .bind(license)
    .fetch_optional(&mut **tx)
    .await?
    else {
        return Ok(None);
    };
    let ids: CopiedIds = serde_json::from_value(copy.get("copied_ids"))
        .map_err(|e| ApiError::Internal(format!("stored copied ids: {e}")))?;
    let touchpoint_keys: HashMap<Uuid, TouchpointId> =
        ids.touchpoints.iter().map(|(key, id)| (id.as_uuid(), *key)).collect();
    let content_keys: HashMap<Uuid, ContentId> = ids.content.iter().map(|(key, id)| (id.as_uuid(), *key)).collect();
    let content: Vec<Uuid> = content_keys.keys().copied().collect();
    // The copy's touchpoints (a content item's: every touchpoint that shows it), and the
    // enrollments they count over.
    let (touchpoints, enrollments): (Vec<Uuid>, Vec<(Uuid, Uuid)>) = match kind {
        ListingKind::Journey => {
            let enrollments = sqlx::query_as(
                "SELECT DISTINCT a.id, a.worker_id FROM worker_assignments a
                 JOIN program_blueprints pb ON pb.organization_id = a.organization_id AND pb.program_id = a.program_id
                 JOIN workers w ON w.organization_id = a.organization_id AND w.id = a.worker_id
                 WHERE a.organization_id = $1 AND pb.journey_blueprint_id = $2
                   AND a.deleted_at IS NULL AND pb.deleted_at IS NULL AND w.deleted_at IS NULL",
            )
            .bind(org.as_uuid())
            .bind(copy.get::<Uuid, _>("root_id"))
            .fetch_all(&mut **tx)
            .await?;
            (touchpoint_keys.keys().copied().collect(), enrollments)
        }
        ListingKind::Content => {
            let touchpoints: Vec<Uuid> =
                sqlx::query_scalar("SELECT id FROM touchpoints WHERE organization_id = $1 AND content_id = ANY($2)")
                    .bind(org.as_uuid())
                    .bind(&content)
                    .fetch_all(&mut **tx)
                    .await?;
            let enrollments = sqlx::query_as(
                "SELECT DISTINCT a.id, a.worker_id FROM worker_progress p
                 JOIN worker_assignments a ON a.organization_id = p.organization_id AND a.id = p.worker_assignment_id
                 JOIN workers w ON w.organization_id = a.organization_id AND w.id = a.worker_id
                 WHERE p.organization_id = $1 AND p.touchpoint_id = ANY($2)
                   AND p.deleted_at IS NULL AND a.deleted_at IS NULL AND w.deleted_at IS NULL",
            )
            .bind(org.as_uuid())
            .bind(&touchpoints)
            .fetch_all(&mut **tx)
            .await?;
            (touchpoints, enrollments)
        }
    };
    let assignments: Vec<Uuid> = enrollments.iter().map(|(assignment, _)| *assignment).collect();
    let mut tally = UsageTally {
        workers: enrollments.iter().map(|(_, worker)| *worker).collect::<HashSet<_>>().len() as u32,
        ..UsageTally::default()
    };

    // Per touchpoint and worker: completed or not, and the best score.
    let best: Vec<(Uuid, i64, i64, f64)> = sqlx::query_as(
        "WITH best AS (
           SELECT p.touchpoint_id, a.worker_id, bool_or(p.completed_at IS NOT NULL) AS completed, max(p.score) AS score
           FROM worker_progress p
           JOIN worker_assignments a ON a.organization_id = p.organization_id AND a.id = p.worker_assignment_id
           WHERE p.organization_id = $1 AND p.deleted_at IS NULL AND p.touchpoint_id = ANY($2) AND a.id = ANY($3)
           GROUP BY p.touchpoint_id, a.worker_id)
         SELECT touchpoint_id, count(*) FILTER (WHERE completed), count(score), coalesce(sum(score), 0)::float8
         FROM best GROUP BY touchpoint_id",
    )
    .bind(org.as_uuid())
    .bind(&touchpoints)
    .bind(&assignments)
    .fetch_all(&mut **tx)
    .await?;
    if kind == ListingKind::Journey {
        for (touchpoint, completed, scored, score_sum) in best {
            let Some(key) = touchpoint_keys.get(&touchpoint) else { continue };
            tally
                .touchpoints
                .insert(*key, TouchpointTally { completed: completed as u32, scored: scored as u32, score_sum });
        }
    }

    // Per quiz question and worker: answered, and right at least once.
    let attempts = sqlx::query(
        "SELECT a.worker_id, v.content_id, v.definition, q.answers FROM quiz_attempts q
         JOIN quiz_versions v ON v.organization_id = q.organization_id AND v.id = q.quiz_version_id
         JOIN worker_progress p ON p.organization_id = q.organization_id AND p.id = q.worker_progress_id
         JOIN worker_assignments a ON a.organization_id = p.organization_id AND a.id = p.worker_assignment_id
         WHERE q.organization_id = $1 AND q.deleted_at IS NULL AND p.deleted_at IS NULL
           AND v.content_id = ANY($2) AND p.touchpoint_id = ANY($3) AND a.id = ANY($4)",
    )
    .bind(org.as_uuid())
    .bind(&content)
    .bind(&touchpoints)
    .bind(&assignments)
    .fetch_all(&mut **tx)
    .await?;
    let mut answered: HashMap<(QuestionKey, Uuid), bool> = HashMap::new();
    for attempt in attempts {
        let Some(key) = content_keys.get(&attempt.get::<Uuid, _>("content_id")) else { continue };
        let read = |column: &str| JsonObject::try_from(attempt.get::<serde_json::Value, _>(column)).ok();
        // Answers or questions this version cannot read are left out rather than guessed at.
        let Some(definition) = read("definition").and_then(|d| QuizDefinition::parse(&d).ok()) else { continue };
        let Some(answers) = read("answers").and_then(|a| quiz::parse_answers(&a).ok()) else { continue };
        let score = definition.score(&answers);
        let worker: Uuid = attempt.get("worker_id");
        for (question, right) in definition.questions.iter().zip(score.correct) {
            if answers.contains_key(&question.id) {
                *answered.entry(((*key, question.id.clone()), worker)).or_default() |= right;
            }
        }
    }
    for ((question, _), right) in answered {
        let counted = tally.questions.entry(question).or_default();
        counted.answered += 1;
        counted.correct += u32::from(right);
    }
    Ok(Some((copy.get::<i32, _>("version") as u32, tally)))
}
