//! Raw input as a person typed it, parsed into domain values at the edge. Parsing
//! reports every field's problem at once, each naming its field, so a form can mark
//! them all.

use crate::entities::Worker;
use crate::ids::{OrganizationId, WorkerId};
use crate::values::*;
use serde::Deserialize;
use std::collections::BTreeMap;
use ts_rs::TS;

/// A worker's fields as typed into the enrollment or edit form. Empty text means "none"
/// for the optional fields.
#[derive(Debug, Clone, Default, Deserialize, TS)]
pub struct WorkerInput {
    pub full_name: String,
    pub phone_number: String,
    pub well_being_score: String,
    pub performance_metric: String,
    pub custom_attributes: BTreeMap<String, String>,
}

/// A worker's fields, valid.
#[derive(Debug, Clone, PartialEq)]
pub struct WorkerFields {
    pub full_name: Name,
    pub phone_number: Option<PhoneNumber>,
    pub well_being_score: Option<Score>,
    pub performance_metric: Option<Score>,
    pub custom_attributes: CustomAttributes,
}

fn optional<T>(raw: &str, parse: impl FnOnce(&str) -> Result<T, InvalidValue>) -> Result<Option<T>, InvalidValue> {
    if raw.trim().is_empty() {
        Ok(None)
    } else {
        parse(raw).map(Some)
    }
}

/// The value, or `None` with its problem added to `errors` under `name`.
fn field<T>(errors: &mut Vec<ValidationError>, name: &str, result: Result<T, InvalidValue>) -> Option<T> {
    result.map_err(|e| errors.push(e.in_field(name))).ok()
}

impl WorkerInput {
    /// Parses the form. National phone numbers take `default_code`.
    pub fn parse(&self, default_code: Option<&CallingCode>) -> Result<WorkerFields, Vec<ValidationError>> {
        let mut errors = Vec::new();
        let full_name = field(&mut errors, "full_name", Name::parse(&self.full_name));
        let phone_number = field(
            &mut errors,
            "phone_number",
            optional(&self.phone_number, |raw| PhoneNumber::parse_with_default(raw, default_code)),
        );
        let well_being_score = field(&mut errors, "well_being_score", optional(&self.well_being_score, Score::parse));
        let performance_metric =
            field(&mut errors, "performance_metric", optional(&self.performance_metric, Score::parse));
        let attributes: BTreeMap<String, AttributeValue> = self
            .custom_attributes
            .iter()
            .filter(|(_, value)| !value.trim().is_empty())
            .map(|(key, value)| (key.trim().to_owned(), AttributeValue::Text(value.trim().to_owned())))
            .collect();
        let custom_attributes = field(&mut errors, "custom_attributes", CustomAttributes::try_from(attributes));
        match (full_name, phone_number, well_being_score, performance_metric, custom_attributes) {
            (
                Some(full_name),
                Some(phone_number),
                Some(well_being_score),
                Some(performance_metric),
                Some(custom_attributes),
            ) if errors.is_empty() => {
                Ok(WorkerFields { full_name, phone_number, well_being_score, performance_metric, custom_attributes })
            }
            _ => Err(errors),
        }
    }
}

impl WorkerFields {
    /// A new worker of `organization_id`, enrolled at `now`.
    pub fn into_new_worker(self, organization_id: OrganizationId, now: Timestamp) -> Worker {
        Worker {
            id: WorkerId::new(),
            organization_id,
            full_name: self.full_name,
            phone_number: self.phone_number,
            well_being_score: self.well_being_score,
            performance_metric: self.performance_metric,
            custom_attributes: self.custom_attributes,
            created_at: now,
            updated_at: now,
        }
    }

    /// `worker` with these fields (its id, organization and timestamps kept).
    pub fn applied_to(self, worker: &Worker) -> Worker {
        Worker {
            full_name: self.full_name,
            phone_number: self.phone_number,
            well_being_score: self.well_being_score,
            performance_metric: self.performance_metric,
            custom_attributes: self.custom_attributes,
            ..worker.clone()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_bad_field_is_reported_by_name() {
        let input = WorkerInput {
            full_name: "  ".into(),
            phone_number: "0712".into(),
            well_being_score: "120".into(),
            performance_metric: "abc".into(),
            custom_attributes: BTreeMap::from([("Site".into(), "North".into())]),
        };
        let errors = input.parse(None).unwrap_err();
        let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            ["full_name", "phone_number", "well_being_score", "performance_metric", "custom_attributes"]
        );
    }

    #[test]
    fn a_good_form_parses_with_blanks_as_none() {
        let input = WorkerInput {
            full_name: " Amina  Wanjiru ".into(),
            phone_number: "0712 345 678".into(),
            custom_attributes: BTreeMap::from([("site".into(), "Kisumu".into()), ("language".into(), " ".into())]),
            ..Default::default()
        };
        let fields = input.parse(Some(&CallingCode::parse("254").unwrap())).unwrap();
        assert_eq!(fields.full_name.as_str(), "Amina Wanjiru");
        assert_eq!(fields.phone_number.unwrap().as_str(), "+254712345678");
        assert_eq!(fields.well_being_score, None);
        assert_eq!(fields.custom_attributes.iter().count(), 1);
    }
}
