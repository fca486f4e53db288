//! The rules of a push that need no database: who may write what, the shape of a change,
//! the judgement of the row it leaves (the domain's own, `stride_domain::validate`, so
//! the server accepts exactly what every device can read), and which fields win their
//! clock comparison. The plan of every batch (`push_plan.rs`) decides by these.

use crate::auth::AuthenticatedDevice;
use crate::authors::Authors;
use serde_json::{json, Map, Value};
use stride_domain::api::{Outcome, PushedChange};
use stride_domain::ErrorCode;
use stride_domain::{validate, ChangeId, CopyState, EntityKind, EntitySpec, Hlc, RowKey};
use uuid::Uuid;

pub(crate) type Fields = Map<String, Value>;

/// How far ahead of the server's clock a device's stamp may be before it is clamped.
pub const MAX_CLOCK_AHEAD_MS: i64 = 60_000;

/// The columns of a stored row (as `to_jsonb` gives it) that are the server's own.
pub(crate) const SERVER_COLUMNS: [&str; 2] = ["version", "field_hlc"];

pub(crate) fn reject(code: ErrorCode, reason: impl Into<String>) -> Outcome {
    Outcome::Rejected { code, reason: reason.into() }
}

/// A change that passed every check that needs no database: what to write, and where.
pub(crate) struct Checked<'a> {
    /// Who made it (`authors.rs`): the audit trail keeps it as theirs.
    pub author: stride_domain::UserId,
    pub spec: &'static EntitySpec,
    pub key: Vec<uuid::Uuid>,
    pub hlc: Hlc,
    pub change: &'a stride_domain::Change,
}

/// The checks of one change that need no database: its author may have made it here
/// (`authors.rs`), their role may write the entity, the key fits it, every field exists
/// with a value of its column's type, and the row is this organization's.
pub(crate) fn check<'a>(
    device: &AuthenticatedDevice,
    authors: &Authors,
    pushed: &'a PushedChange,
    now_ms: i64,
) -> Result<Checked<'a>, Outcome> {
    let change = &pushed.change;
    let spec = change.entity.spec();
    let (author, role) = authors.of(device, pushed)?;
    if !spec.may_write(role) {
        return Err(reject(ErrorCode::NotPermitted, format!("a {role} may not change {}", spec.table)));
    }
    let key: Vec<uuid::Uuid> = change.row_key.parts().filter_map(|part| uuid::Uuid::parse_str(part).ok()).collect();
    if key.len() != spec.key.len() || change.row_key.parts().count() != spec.key.len() {
        return Err(reject(
            ErrorCode::InvalidKey,
            format!("{:?} is not a key of {}", change.row_key.as_str(), spec.table),
        ));
    }
    for (name, value) in &change.fields {
        let Some(column) = spec.column(name) else {
            return Err(reject(ErrorCode::UnknownField, format!("{} has no field {name}", spec.table)));
        };
        if let Err(problem) = column.check_value(value) {
            return Err(reject(ErrorCode::InvalidValue, format!("{name}: {problem}")));
        }
    }
    let tenant = spec.tenant_column();
    if let Some(org) = change.fields.get(tenant) {
        if org.as_str() != Some(device.organization_id.to_string().as_str()) {
            return Err(reject(ErrorCode::WrongOrganization, "the row belongs to another organization"));
        }
    }
    for (column, part) in spec.key.iter().zip(&key) {
        if change.fields.get(*column).is_some_and(|v| v.as_str() != Some(part.to_string().as_str())) {
            return Err(reject(ErrorCode::InvalidKey, format!("{column} does not match the row key")));
        }
    }
    Ok(Checked { author, spec, key, hlc: change.hlc.clamped(now_ms + MAX_CLOCK_AHEAD_MS), change })
}

/// The rules of rows copied from a marketplace listing: a copy that follows its listing
/// is the server's to change (its updates), so a change or delete of one is refused; and
/// where a row came from (`ColumnSpec::server_written`) is never set by a push: a new
/// row leaves it empty, an edit repeats what is stored or leaves it out.
pub(crate) fn copy_rules(spec: &EntitySpec, stored: Option<&Fields>, fields: &Fields) -> Result<(), Outcome> {
    if stored.is_some_and(follows_listing) {
        return Err(reject(
            ErrorCode::CopyLocked,
            format!(
                "this {} row is a locked copy of a marketplace listing: it follows the listing's updates",
                spec.table
            ),
        ));
    }
    for (name, value) in fields {
        let written_by_server = spec.column(name).is_some_and(|column| column.server_written);
        let as_stored = stored.and_then(|row| row.get(name)).unwrap_or(&Value::Null);
        if written_by_server && value != as_stored {
            return Err(reject(ErrorCode::NotPermitted, format!("{name} is written by the server only")));
        }
    }
    Ok(())
}

/// Whether a stored row (as `to_jsonb` gives it) is a locked copy of a marketplace
/// listing: the server's side of `Source::is_locked`.
pub(crate) fn follows_listing(row: &Fields) -> bool {
    row.get("source_state").and_then(Value::as_str) == Some(CopyState::Following.as_str())
}

/// Judges the row a change leaves: a new row (`stored` None) made of its fields, or the
/// stored row with the change's fields laid over it. Returns the change's fields in
/// canonical form (for a new row, with its organization and key).
pub(crate) fn judge(
    spec: &EntitySpec,
    org: uuid::Uuid,
    key: &[uuid::Uuid],
    stored: Option<&Fields>,
    fields: &Fields,
) -> Result<Fields, Outcome> {
    let mut row = match stored {
        Some(stored) => {
            let mut row = stored.clone();
            row.extend(fields.iter().map(|(name, value)| (name.clone(), value.clone())));
            row
        }
        None => {
            let mut row = fields.clone();
            row.insert(spec.tenant_column().to_owned(), Value::String(org.to_string()));
            for (column, part) in spec.key.iter().zip(key) {
                row.insert((*column).to_owned(), Value::String(part.to_string()));
            }
            if let Some(missing) = spec.columns.iter().find(|c| !c.nullable && !row.contains_key(c.name)) {
                return Err(reject(
                    ErrorCode::MissingField,
                    format!("a new {} row needs {}", spec.table, missing.name),
                ));
            }
            row
        }
    };
    let canonical =
        validate::row(spec.kind, &row).map_err(|problem| reject(ErrorCode::InvalidValue, problem.to_string()))?;
    if stored.is_some() {
        row = fields.clone();
    }
    Ok(row.into_iter().map(|(name, value)| (name.clone(), canonical.get(&name).cloned().unwrap_or(value))).collect())
}

/// The fields of an edit whose clock is later than the stored field's. The key, the
/// organization and the creation time never change.
pub(crate) fn winners(spec: &EntitySpec, fields: &Fields, clocks: &Value, hlc: Hlc) -> Fields {
    let tenant = spec.tenant_column();
    let fixed = |name: &str| spec.key.contains(&name) || name == tenant || name == "created_at";
    let stamp = hlc.to_string();
    fields
        .iter()
        .filter(|(name, _)| !fixed(name))
        .filter(|(name, _)| {
            clocks.get(name.as_str()).and_then(Value::as_str).is_none_or(|theirs| stamp.as_str() > theirs)
        })
        .map(|(name, value)| (name.clone(), value.clone()))
        .collect()
}

/// A field where an edit met another device's without either having seen the other:
/// the value that lost, kept for the device that wrote it and for the record's history.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub(crate) struct FieldConflict {
    pub field: String,
    pub kept: Value,
    pub lost: Value,
    pub kept_hlc: Option<String>,
    pub lost_hlc: String,
    /// Whether the value lost is the pushed one; if not, it is the stored one, whose
    /// device the audit trail names by `lost_hlc` (a clock stamp names the device by
    /// its own id, not the server's).
    pub lost_by_pusher: bool,
}

/// The conflicts an edit of a live stored row meets. `judged` is the edit's fields in
/// canonical form, `won` those that win their clock comparison; the change's `base` is
/// what the device held before the edit. A field the edit loses is a conflict when its value differs
/// from the stored one (whatever the device had seen: its edit is discarded). A field
/// it wins is one when the value it replaces came from another device and is not the
/// value this device saw before its edit: that device's value is the one lost.
pub(crate) fn conflicts(
    c: &Checked<'_>,
    org: uuid::Uuid,
    stored: &Fields,
    clocks: &Value,
    judged: &Fields,
    won: &Fields,
) -> Vec<FieldConflict> {
    let (spec, key, hlc, base) = (c.spec, &c.key, c.hlc, &c.change.base);
    let tenant = spec.tenant_column();
    let compared =
        |name: &str| !spec.key.contains(&name) && ![tenant, "created_at", "updated_at", "deleted_at"].contains(&name);
    let differing: Vec<&String> =
        judged.keys().filter(|name| compared(name) && stored.get(*name) != judged.get(*name)).collect();
    if differing.is_empty() || stored.get("deleted_at").is_some_and(|at| !at.is_null()) {
        return Vec::new();
    }
    // The stored values and the device's base, in the same canonical form as `judged`
    // (a base that does not parse is no evidence either way).
    let named = |from: &Fields| -> Fields {
        differing.iter().filter_map(|name| from.get(*name).map(|v| ((*name).clone(), v.clone()))).collect()
    };
    let canonical_stored = judge(spec, org, key, Some(stored), &named(stored)).unwrap_or_else(|_| named(stored));
    let canonical_base = judge(spec, org, key, Some(stored), &named(base)).unwrap_or_default();
    let mut found = Vec::new();
    for name in differing {
        let (Some(mine), Some(theirs)) = (judged.get(name), canonical_stored.get(name)) else {
            continue;
        };
        if mine == theirs {
            continue;
        }
        let stored_clock = clocks.get(name.as_str()).and_then(Value::as_str);
        if !won.contains_key(name) {
            found.push(FieldConflict {
                field: name.clone(),
                kept: theirs.clone(),
                lost: mine.clone(),
                kept_hlc: stored_clock.map(str::to_owned),
                lost_hlc: hlc.to_string(),
                lost_by_pusher: true,
            });
            continue;
        }
        let Some(writer) = stored_clock.and_then(|clock| clock.parse::<Hlc>().ok()) else {
            continue;
        };
        let unseen = canonical_base.get(name).is_some_and(|seen| seen != theirs);
        if unseen && writer.node != hlc.node {
            found.push(FieldConflict {
                field: name.clone(),
                kept: mine.clone(),
                lost: theirs.clone(),
                kept_hlc: Some(hlc.to_string()),
                lost_hlc: writer.to_string(),
                lost_by_pusher: false,
            });
        }
    }
    found
}

/// Whether an upsert brings a deleted row back: it carries every column (the row made
/// again, as a device's create sends it: a worker put back in a segment, a badge awarded
/// again) and is stamped after the delete. A partial edit never does: a delete wins over
/// edits. Tombstones from before deletes were stamped stay tombstones.
pub(crate) fn revives(spec: &EntitySpec, stored: &Fields, clocks: &Value, fields: &Fields, hlc: Hlc) -> bool {
    let deleted = stored.get("deleted_at").is_some_and(|at| !at.is_null());
    deleted
        && spec.columns.iter().all(|column| fields.contains_key(column.name))
        && clocks.get(DELETE_CLOCK).and_then(Value::as_str).is_some_and(|deleted| hlc.to_string().as_str() > deleted)
}

/// The key of `field_hlc` that holds the stamp of the delete that made the tombstone.
pub(crate) const DELETE_CLOCK: &str = "deleted_at";

/// The condition `t.<key column> = $n AND …` of a row's key, its values bound from `first` on.
pub(crate) fn key_condition(spec: &EntitySpec, first: usize) -> String {
    spec.key
        .iter()
        .enumerate()
        .map(|(i, column)| format!("t.{column} = ${}", first + i))
        .collect::<Vec<_>>()
        .join(" AND ")
}

/// A new row ready to insert: its judged fields and a clock per field the change set.
pub(crate) fn with_clocks(mut row: Fields, set: &Fields, hlc: Hlc) -> Fields {
    let stamp = Value::String(hlc.to_string());
    let clocks: Fields = set.keys().map(|name| (name.clone(), stamp.clone())).collect();
    row.insert("field_hlc".into(), Value::Object(clocks));
    row
}

/// A stored row as `to_jsonb` reads it, without the server's own columns.
pub(crate) fn stored_fields(mut row: Value) -> Fields {
    let Some(fields) = row.as_object_mut() else {
        return Fields::new();
    };
    for column in SERVER_COLUMNS {
        fields.remove(column);
    }
    std::mem::take(fields)
}

/// One conflict met by a change that `pusher` sent, ready for `push_sql::record_conflicts`.
pub(crate) fn conflict_row(
    entity: EntityKind,
    key: &RowKey,
    change_id: ChangeId,
    pusher: Uuid,
    found: &FieldConflict,
) -> Value {
    json!({
        "entity": entity.table(), "row_key": key.as_str(), "field": found.field,
        "kept": found.kept, "lost": found.lost, "kept_hlc": found.kept_hlc, "lost_hlc": found.lost_hlc,
        "lost_device_id": found.lost_by_pusher.then_some(pusher), "change_id": change_id,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use stride_domain::EntityKind;

    fn fields(value: Value) -> Fields {
        value.as_object().cloned().unwrap_or_default()
    }

    #[test]
    fn an_edit_is_judged_with_the_row_it_lands_on() {
        let spec = EntityKind::Programs.spec();
        let org = uuid::Uuid::now_v7();
        let key = [uuid::Uuid::now_v7()];
        let stored = fields(json!({
            "id": key[0].to_string(), "organization_id": org.to_string(), "name": "Harvest",
            "start_date": "2026-12-01", "end_date": null, "created_by": null, "updated_by": null,
            "created_at": "2026-11-22T03:39:00+00:00", "updated_at": "2026-11-22T03:39:00+00:00", "deleted_at": null
        }));
        let early_end = fields(json!({"end_date": "2026-11-01"}));
        assert!(judge(spec, org, &key, Some(&stored), &early_end).is_err(), "the end is before the stored start");
        let renamed = judge(spec, org, &key, Some(&stored), &fields(json!({"name": "  Late   harvest "}))).unwrap();
        assert_eq!(Value::Object(renamed), json!({"name": "Late harvest"}), "only the change's fields, canonical");
        let missing = judge(spec, org, &key, None, &fields(json!({"name": "x"}))).unwrap_err();
        assert!(matches!(missing, Outcome::Rejected { code: ErrorCode::MissingField, .. }));
    }
}
