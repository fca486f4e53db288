//! A pushed delete follows the seed's ON DELETE rules (`stride_domain::dependents`), as
//! the device's store does, for any client: a row that a live row still uses under
//! RESTRICT is refused (`restricted`, naming what uses it); live rows that hold it under
//! CASCADE become tombstones with it, and so on down; fields that hold it under SET NULL
//! are cleared. Every row touched takes the delete's stamp, so a later re-creation or
//! edit still wins by the usual rules.

use crate::push_rules::{key_condition, reject, DELETE_CLOCK};
use sqlx::{Postgres, Transaction};
use std::future::Future;
use std::pin::Pin;
use stride_domain::api::Outcome;
use stride_domain::ErrorCode;
use stride_domain::{dependents, EntityKind, EntitySpec, Hlc, OnDelete};
use uuid::Uuid;

/// Whether deleting a row of `spec` can reach other rows (the batch takes such deletes
/// change by change).
pub(crate) fn reaches_others(spec: &EntitySpec) -> bool {
    dependents(spec.kind).next().is_some()
}

type Deleted = Vec<(EntityKind, Uuid)>;
/// Every row deleted by the rules, or the refusal.
type Followed = Result<Result<Deleted, Outcome>, sqlx::Error>;

/// Deletes the row and what goes with it; returns every row deleted by the rules (the
/// row asked for aside), or the refusal.
pub(crate) fn delete_following_the_seed<'a>(
    tx: &'a mut Transaction<'_, Postgres>,
    spec: &'static EntitySpec,
    org: Uuid,
    key: &'a [Uuid],
    hlc: Hlc,
) -> Pin<Box<dyn Future<Output = Followed> + Send + 'a>> {
    Box::pin(async move {
        for dependent in dependents(spec.kind).filter(|d| d.on_delete == OnDelete::Restrict) {
            let sql = format!(
                "SELECT count(*) FROM {} WHERE organization_id = $1 AND {} = $2 AND deleted_at IS NULL",
                dependent.spec.table, dependent.column
            );
            let holders: i64 =
                sqlx::query_scalar(sqlx::AssertSqlSafe(sql)).bind(org).bind(key[0]).fetch_one(&mut **tx).await?;
            if holders > 0 {
                return Ok(Err(reject(
                    ErrorCode::Restricted,
                    format!("{holders} {} row(s) still use it ({})", dependent.spec.table, dependent.column),
                )));
            }
        }
        if let Err(refused) = delete(tx, spec, org, key, hlc).await? {
            return Ok(Err(refused));
        }
        let stamp = hlc.to_string();
        let mut deleted = Deleted::new();
        for dependent in dependents(spec.kind) {
            let (table, column) = (dependent.spec.table, dependent.column);
            match dependent.on_delete {
                OnDelete::Restrict => {}
                OnDelete::SetNull => {
                    let sql = format!(
                        "UPDATE {table} t SET {column} = NULL, field_hlc = t.field_hlc || jsonb_build_object('{column}', $3::text)
                         WHERE t.organization_id = $1 AND t.{column} = $2 AND t.deleted_at IS NULL"
                    );
                    sqlx::query(sqlx::AssertSqlSafe(sql))
                        .bind(org)
                        .bind(key[0])
                        .bind(&stamp)
                        .execute(&mut **tx)
                        .await?;
                }
                OnDelete::Cascade => {
                    let sql = format!(
                        "UPDATE {table} t SET deleted_at = now(),
                           field_hlc = t.field_hlc || jsonb_build_object('{DELETE_CLOCK}', greatest(t.field_hlc->>'{DELETE_CLOCK}', $3))
                         WHERE t.organization_id = $1 AND t.{column} = $2 AND t.deleted_at IS NULL
                         RETURNING t.{first}",
                        first = dependent.spec.key[0],
                    );
                    let held: Vec<Uuid> = sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
                        .bind(org)
                        .bind(key[0])
                        .bind(&stamp)
                        .fetch_all(&mut **tx)
                        .await?;
                    for id in held {
                        deleted.push((dependent.spec.kind, id));
                        // Rows keyed by their id may be held in turn (link rows are not).
                        // Deleting the tombstone again keeps the latest stamp, and its own
                        // dependents follow.
                        if dependent.spec.key == ["id"] && reaches_others(dependent.spec) {
                            match delete_following_the_seed(tx, dependent.spec, org, &[id], hlc).await? {
                                Ok(more) => deleted.extend(more),
                                Err(refused) => return Ok(Err(refused)),
                            }
                        }
                    }
                }
            }
        }
        Ok(Ok(deleted))
    })
}

/// Makes the row a tombstone and keeps the delete's stamp (the latest, if deleted again),
/// which a later re-creation must beat to bring it back.
pub(crate) async fn delete(
    tx: &mut Transaction<'_, Postgres>,
    spec: &EntitySpec,
    org: Uuid,
    key: &[Uuid],
    hlc: Hlc,
) -> Result<Result<(), Outcome>, sqlx::Error> {
    let sql = format!(
        "UPDATE {table} t SET deleted_at = coalesce(t.deleted_at, now()),
           field_hlc = t.field_hlc || jsonb_build_object('{DELETE_CLOCK}', greatest(t.field_hlc->>'{DELETE_CLOCK}', $2))
         WHERE t.{tenant} = $1 AND {key} RETURNING 1",
        table = spec.table,
        tenant = spec.tenant_column(),
        key = key_condition(spec, 3),
    );
    let mut query = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(org).bind(hlc.to_string());
    for part in key {
        query = query.bind(*part);
    }
    Ok(match query.fetch_optional(&mut **tx).await? {
        Some(_) => Ok(()),
        None => Err(reject(ErrorCode::NotFound, format!("{} has no such row", spec.table))),
    })
}
