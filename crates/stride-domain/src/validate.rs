//! The one judgement of a row, shared by the device's store and the server: a row is
//! valid when its fields parse into the entity (every value through its type's parser),
//! the rules that span fields hold (`Entity::check`), no text holds a NUL (neither
//! PostgreSQL's text nor its JSON can store one), and every JSON column reads in its
//! language (`languages.rs`). The server judges each pushed row by it, merged with the
//! row it has, so a value no device could read never reaches the organization.

use crate::entities::*;
use crate::languages;
use crate::registry::{ColumnSpec, ColumnType, EntityKind};
use crate::values::{parse_date, InvalidValue, Timestamp, ValidationError};
use serde_json::{Map, Value};

type Fields = Map<String, Value>;

impl ColumnSpec {
    /// Checks one value against its column's type, as both databases store it: the
    /// entity's own parser (`row`) judges what the value means.
    pub fn check_value(&self, value: &Value) -> Result<(), InvalidValue> {
        let ok = match (self.ty, value) {
            (_, Value::Null) => self.nullable,
            (ColumnType::Uuid, Value::String(s)) => uuid::Uuid::parse_str(s).is_ok(),
            (ColumnType::Text, Value::String(_)) => true,
            (ColumnType::Enum(allowed), Value::String(s)) => {
                return allowed.contains(&s.as_str()).then_some(()).ok_or_else(|| InvalidValue::NotOneOf {
                    value: s.clone(),
                    allowed: allowed.iter().map(|a| (*a).to_owned()).collect(),
                });
            }
            // The seed's INTEGER is PostgreSQL's 32-bit integer, on both sides.
            (ColumnType::Integer, Value::Number(n)) => n.as_i64().is_some_and(|i| i32::try_from(i).is_ok()),
            (ColumnType::Real, Value::Number(n)) => n.as_f64().is_some_and(f64::is_finite),
            (ColumnType::Timestamp, Value::String(s)) => Timestamp::parse(s).is_ok(),
            (ColumnType::Date, Value::String(s)) => parse_date(s).is_ok(),
            (ColumnType::Json, Value::Object(_)) => true,
            _ => false,
        };
        if ok {
            Ok(())
        } else if value.is_null() {
            Err(InvalidValue::Required)
        } else {
            Err(InvalidValue::WrongType { value: value.to_string(), expected: self.ty.describe().to_owned() })
        }
    }
}

impl ColumnType {
    /// The type's name in a `WrongType` problem (the window words it).
    fn describe(self) -> &'static str {
        match self {
            ColumnType::Uuid => "uuid",
            ColumnType::Text | ColumnType::Enum(_) => "text",
            ColumnType::Integer => "integer",
            ColumnType::Real => "number",
            ColumnType::Timestamp => "timestamp",
            ColumnType::Date => "date",
            ColumnType::Json => "json",
        }
    }
}

/// Judges `row` (every column of one `kind` row; other keys, such as a stored row's
/// version, are ignored) and returns it in canonical form: names folded, timestamps in
/// UTC to the millisecond, scores to two decimals.
pub fn row(kind: EntityKind, row: &Fields) -> Result<Fields, ValidationError> {
    match kind {
        EntityKind::Organizations => judged::<Organization>(row),
        EntityKind::Users => judged::<User>(row),
        EntityKind::Workers => judged::<Worker>(row),
        EntityKind::Segments => judged::<Segment>(row),
        EntityKind::WorkerSegment => judged::<WorkerSegment>(row),
        EntityKind::Content => judged::<Content>(row),
        EntityKind::JourneyBlueprints => judged::<JourneyBlueprint>(row),
        EntityKind::Phases => judged::<Phase>(row),
        EntityKind::Touchpoints => judged::<Touchpoint>(row),
        EntityKind::Programs => judged::<Program>(row),
        EntityKind::ProgramBlueprints => judged::<ProgramBlueprint>(row),
        EntityKind::WorkerAssignments => judged::<WorkerAssignment>(row),
        EntityKind::WorkerProgress => judged::<WorkerProgress>(row),
        EntityKind::Experiments => judged::<Experiment>(row),
        EntityKind::ExperimentVariants => judged::<ExperimentVariant>(row),
        EntityKind::ExperimentAssignments => judged::<ExperimentAssignment>(row),
        EntityKind::Badges => judged::<Badge>(row),
        EntityKind::WorkerBadges => judged::<WorkerBadge>(row),
        EntityKind::GroupSessions => judged::<GroupSession>(row),
        EntityKind::SessionAttendance => judged::<SessionAttendance>(row),
        EntityKind::QuizVersions => judged::<QuizVersion>(row),
        EntityKind::QuizAttempts => judged::<QuizAttempt>(row),
        EntityKind::WellBeingQuestions => judged::<WellBeingQuestion>(row),
        EntityKind::WellBeingChecks => judged::<WellBeingCheck>(row),
        EntityKind::PointValues => judged::<PointValues>(row),
        EntityKind::Challenges => judged::<Challenge>(row),
    }
}

fn judged<E: Entity>(row: &Fields) -> Result<Fields, ValidationError> {
    let entity: E = serde_path_to_error::deserialize(Value::Object(row.clone())).map_err(|error| {
        let field = error.path().iter().next().map(|segment| segment.to_string());
        let message = error.into_inner().to_string();
        // serde names a missing field only in its message.
        let field = field.unwrap_or_else(|| {
            message.split('`').nth(1).map(str::to_owned).unwrap_or_else(|| E::KIND.table().to_owned())
        });
        ValidationError::new(field, InvalidValue::Unreadable { detail: message })
    })?;
    let fields = fields_of(&entity);
    rules(&entity, &fields)?;
    Ok(fields)
}

/// Everything a row must be beyond its types: the entity's own rules (`Entity::check`),
/// no NUL in any text, and JSON columns that read in their language. The store runs it
/// before every write; the server runs it (through `row`) on every pushed row.
pub fn entity<E: Entity>(entity: &E) -> Result<(), ValidationError> {
    rules(entity, &fields_of(entity))
}

/// The fields of a valid entity, as JSON keyed by column name.
fn fields_of<E: Entity>(entity: &E) -> Fields {
    match serde_json::to_value(entity) {
        Ok(Value::Object(fields)) => fields,
        other => unreachable!("entities serialize as objects, got {other:?}"),
    }
}

/// The rules of a parsed entity, given its fields.
fn rules<E: Entity>(entity: &E, fields: &Fields) -> Result<(), ValidationError> {
    entity.check()?;
    for (name, value) in fields {
        if holds_nul(value) {
            return Err(ValidationError::new(name.as_str(), InvalidValue::NulCharacter));
        }
        languages::check_column(E::KIND, name, value).map_err(|problem| problem.in_field(name))?;
    }
    Ok(())
}

fn holds_nul(value: &Value) -> bool {
    match value {
        Value::String(text) => text.contains('\0'),
        Value::Array(items) => items.iter().any(holds_nul),
        Value::Object(map) => map.iter().any(|(key, value)| key.contains('\0') || holds_nul(value)),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn worker() -> Fields {
        let Value::Object(fields) = json!({
            "id": "019a0000-0000-7000-8000-000000000001", "organization_id": "019a0000-0000-7000-8000-000000000002",
            "full_name": "  Amina   Wanjiru ", "phone_number": "+254712345678", "well_being_score": 70.456,
            "performance_metric": null, "custom_attributes": {"site": "Kisumu"},
            "created_at": "2026-11-22T05:39:00.123456+02:00", "updated_at": "2026-11-22T03:39:00Z",
            "version": 7, "field_hlc": {}
        }) else {
            unreachable!()
        };
        fields
    }

    #[test]
    fn a_valid_row_comes_back_canonical_without_extra_keys() {
        let canonical = row(EntityKind::Workers, &worker()).unwrap();
        assert_eq!(canonical["full_name"], "Amina Wanjiru");
        assert_eq!(canonical["well_being_score"], 70.46);
        assert_eq!(canonical["created_at"], "2026-11-22T03:39:00.123Z");
        assert!(!canonical.contains_key("version"));
    }

    #[test]
    fn each_bad_value_is_named_by_its_field() {
        let cases: [(&str, Value); 8] = [
            ("full_name", json!("   ")),
            ("full_name", json!("Amina\u{7}")),
            ("phone_number", json!("call me maybe")),
            ("well_being_score", json!(101)),
            ("custom_attributes", json!({"Site": 1})),
            ("custom_attributes", json!({"site": "a\u{0}b"})),
            ("created_at", json!("yesterday")),
            ("full_name", json!(5)),
        ];
        for (field, value) in cases {
            let mut fields = worker();
            fields.insert(field.into(), value.clone());
            let error = row(EntityKind::Workers, &fields).unwrap_err();
            assert_eq!(error.field, field, "{value}: {error}");
        }
        let mut fields = worker();
        fields.remove("full_name");
        assert_eq!(row(EntityKind::Workers, &fields).unwrap_err().field, "full_name");
    }

    #[test]
    fn rules_across_fields_and_languages_are_judged_too() {
        let Value::Object(program) = json!({
            "id": "019a0000-0000-7000-8000-000000000003", "organization_id": "019a0000-0000-7000-8000-000000000002",
            "name": "Harvest", "start_date": "2026-12-01", "end_date": "2026-11-01", "created_by": null,
            "updated_by": null, "created_at": "2026-11-22T03:39:00Z", "updated_at": "2026-11-22T03:39:00Z"
        }) else {
            unreachable!()
        };
        assert_eq!(row(EntityKind::Programs, &program).unwrap_err().field, "end_date");
        let Value::Object(segment) = json!({
            "id": "019a0000-0000-7000-8000-000000000004", "organization_id": "019a0000-0000-7000-8000-000000000002",
            "name": "Kisumu", "rule_definition": {"alll": []},
            "created_at": "2026-11-22T03:39:00Z", "updated_at": "2026-11-22T03:39:00Z"
        }) else {
            unreachable!()
        };
        assert_eq!(row(EntityKind::Segments, &segment).unwrap_err().field, "rule_definition");
    }

    #[test]
    fn integers_are_32_bit_on_both_sides() {
        let column = EntityKind::Phases.spec().column("sequence_order").unwrap();
        assert!(column.check_value(&json!(2_147_483_647)).is_ok());
        assert!(column.check_value(&json!(2_147_483_648_i64)).is_err());
        assert!(column.check_value(&json!(1.5)).is_err());
    }
}
