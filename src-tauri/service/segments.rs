//! Segments, offline: a rule (`stride_domain::segment`) edited as a form of conditions
//! combined by all or any, each of which may be negated, with a live count and list of
//! the workers it selects. Membership itself is judged by the store when asked.

use super::Service;
use crate::error::AppError;
use serde::{Deserialize, Serialize};
use stride_domain::segment::{Condition, Field, Op, SegmentRule};
use stride_domain::*;
use ts_rs::TS;

/// How a segment form combines its conditions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Combine {
    All,
    Any,
}

/// One condition as a form holds it: raw text for the value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct ConditionForm {
    /// "Is not": the condition must not hold.
    pub negate: bool,
    /// A worker field or an attribute name.
    pub field: String,
    /// eq, ne, lt, lte, gt, gte, in, contains, exists, missing.
    pub op: String,
    /// For `in`, values separated by commas.
    pub value: String,
}

/// A segment rule as a form holds it: all or any of a list of conditions, each of which
/// may be negated. Rules nested deeper (written elsewhere) are shown, not edited.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct SegmentForm {
    pub combine: Combine,
    pub conditions: Vec<ConditionForm>,
}

#[derive(Debug, Clone, Deserialize, TS)]
pub struct SegmentInput {
    pub id: Option<SegmentId>,
    pub name: String,
    pub form: SegmentForm,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct SegmentDraft {
    pub id: SegmentId,
    pub name: String,
    /// None when the rule is nested deeper than the form shows, or cannot be read.
    pub form: Option<SegmentForm>,
    /// The stored rule as JSON text, for a rule the form cannot show.
    pub rule_text: Option<String>,
    pub members: u32,
}

/// Who a rule selects right now.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct SegmentPreview {
    pub count: u32,
    /// The first 50, by name.
    pub first: Vec<WorkerRef>,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct WorkerRef {
    pub id: WorkerId,
    pub name: String,
}

/// Turns one form value into a rule value: a number where one is expected (or typed),
/// true/false as a flag, else text.
fn scalar(field: &Field, raw: &str) -> Result<AttributeValue, InvalidValue> {
    let raw = raw.trim();
    let numeric_field = matches!(field, Field::WellBeingScore | Field::PerformanceMetric);
    if let Ok(number) = raw.parse::<f64>() {
        if number.is_finite() {
            return Ok(AttributeValue::Number(number));
        }
    }
    if numeric_field {
        return Err(InvalidValue::NotNumber { value: raw.to_owned() });
    }
    match raw {
        "" => Err(InvalidValue::NoValue),
        "true" => Ok(AttributeValue::Flag(true)),
        "false" => Ok(AttributeValue::Flag(false)),
        text => Ok(AttributeValue::Text(text.to_owned())),
    }
}

fn text_of(value: &AttributeValue) -> String {
    match value {
        AttributeValue::Text(text) => text.clone(),
        AttributeValue::Number(n) => n.to_string(),
        AttributeValue::Flag(flag) => flag.to_string(),
    }
}

impl SegmentForm {
    /// The rule, each problem named by its condition (`conditions.2.value`).
    fn parse(&self) -> Result<Option<SegmentRule>, Vec<ValidationError>> {
        let mut problems = Vec::new();
        let mut rules = Vec::new();
        for (i, condition) in self.conditions.iter().enumerate() {
            let field_name = format!("conditions.{i}.field");
            let value_name = format!("conditions.{i}.value");
            let field = match SegmentRule::parse(Some(
                &JsonObject::try_from(
                    serde_json::json!({"field": condition.field.trim(), "op": "exists", "value": true}),
                )
                .unwrap_or_default(),
            )) {
                Ok(Some(SegmentRule::Condition(c))) => c.field,
                Err(e) => {
                    problems.push(e.in_field(&field_name));
                    continue;
                }
                _ => continue,
            };
            let number = |raw: &str| -> Result<f64, InvalidValue> {
                raw.trim().parse::<f64>().ok().filter(|n| n.is_finite()).ok_or(InvalidValue::NoNumber)
            };
            let op = match condition.op.as_str() {
                "eq" => scalar(&field, &condition.value).map(Op::Eq),
                "ne" => scalar(&field, &condition.value).map(Op::Ne),
                "lt" => number(&condition.value).map(Op::Lt),
                "lte" => number(&condition.value).map(Op::Lte),
                "gt" => number(&condition.value).map(Op::Gt),
                "gte" => number(&condition.value).map(Op::Gte),
                "in" => condition
                    .value
                    .split(',')
                    .filter(|part| !part.trim().is_empty())
                    .map(|part| scalar(&field, part))
                    .collect::<Result<Vec<_>, _>>()
                    .and_then(
                        |values| {
                            if values.is_empty() {
                                Err(InvalidValue::NoValues)
                            } else {
                                Ok(Op::In(values))
                            }
                        },
                    ),
                "contains" => match condition.value.trim() {
                    "" => Err(InvalidValue::NoText),
                    text => Ok(Op::Contains(text.to_owned())),
                },
                "exists" => Ok(Op::Exists(true)),
                "missing" => Ok(Op::Exists(false)),
                other => Err(InvalidValue::NotComparison { op: other.to_owned() }),
            };
            match op {
                Ok(op) => {
                    let rule = SegmentRule::Condition(Condition { field, op });
                    rules.push(if condition.negate { SegmentRule::Not(Box::new(rule)) } else { rule });
                }
                Err(e) => problems.push(e.in_field(&value_name)),
            }
        }
        if !problems.is_empty() {
            return Err(problems);
        }
        Ok(match (rules.is_empty(), self.combine) {
            (true, _) => None,
            (false, Combine::All) => Some(SegmentRule::All(rules)),
            (false, Combine::Any) => Some(SegmentRule::Any(rules)),
        })
    }

    /// The form of a rule, when the rule is as flat as the form.
    fn of(rule: &SegmentRule) -> Option<Self> {
        let condition = |rule: &SegmentRule| -> Option<ConditionForm> {
            let (negate, inner) = match rule {
                SegmentRule::Not(inner) => (true, inner.as_ref()),
                other => (false, other),
            };
            let SegmentRule::Condition(Condition { field, op }) = inner else { return None };
            let (op, value) = match op {
                Op::Eq(v) => ("eq", text_of(v)),
                Op::Ne(v) => ("ne", text_of(v)),
                Op::Lt(n) => ("lt", n.to_string()),
                Op::Lte(n) => ("lte", n.to_string()),
                Op::Gt(n) => ("gt", n.to_string()),
                Op::Gte(n) => ("gte", n.to_string()),
                Op::In(values) => ("in", values.iter().map(text_of).collect::<Vec<_>>().join(", ")),
                Op::Contains(text) => ("contains", text.clone()),
                Op::Exists(true) => ("exists", String::new()),
                Op::Exists(false) => ("missing", String::new()),
            };
            Some(ConditionForm { negate, field: field.name().to_owned(), op: op.to_owned(), value })
        };
        let (combine, rules) = match rule {
            SegmentRule::All(rules) => (Combine::All, rules.as_slice()),
            SegmentRule::Any(rules) => (Combine::Any, rules.as_slice()),
            single => (Combine::All, std::slice::from_ref(single)),
        };
        Some(Self { combine, conditions: rules.iter().map(condition).collect::<Option<_>>()? })
    }
}

impl Service {
    pub fn segment_drafts(&self) -> Result<Vec<SegmentDraft>, AppError> {
        let sizes = self.store.segment_sizes()?;
        let mut segments = self.store.list_all::<Segment>(&[])?;
        segments.sort_by_cached_key(|s| s.name.as_str().to_lowercase());
        segments
            .into_iter()
            .map(|segment| {
                let parsed = SegmentRule::parse(segment.rule_definition.as_ref());
                let form = match &parsed {
                    Ok(Some(rule)) => SegmentForm::of(rule),
                    Ok(None) => Some(SegmentForm { combine: Combine::All, conditions: Vec::new() }),
                    Err(_) => None,
                };
                let rule_text = segment
                    .rule_definition
                    .as_ref()
                    .filter(|_| form.is_none())
                    .map(|rule| serde_json::Value::from(rule.clone()).to_string());
                Ok(SegmentDraft {
                    id: segment.id,
                    name: segment.name.to_string(),
                    form,
                    rule_text,
                    members: sizes.get(&segment.id).copied().unwrap_or(0),
                })
            })
            .collect()
    }

    /// Who the form's rule selects now (everyone no one added by hand, for no rule: none).
    pub fn preview_segment(&self, form: SegmentForm) -> Result<SegmentPreview, AppError> {
        let rule = form.parse().map_err(AppError::invalid)?;
        let Some(rule) = rule else { return Ok(SegmentPreview { count: 0, first: Vec::new() }) };
        let matching = self.store.workers_matching(&rule)?;
        Ok(SegmentPreview {
            count: matching.len() as u32,
            first: matching.iter().take(50).map(|(id, name)| WorkerRef { id: *id, name: name.clone() }).collect(),
        })
    }

    pub fn save_segment(&self, input: SegmentInput) -> Result<SegmentId, AppError> {
        self.require_write(EntityKind::Segments)?;
        let mut problems = Vec::new();
        let name = Name::parse(&input.name).map_err(|e| problems.push(e.in_field("name"))).ok();
        let rule = input.form.parse().map_err(|mut more| problems.append(&mut more)).ok().flatten();
        let Some(name) = name.filter(|_| problems.is_empty()) else { return Err(AppError::invalid(problems)) };
        let now = self.store.now();
        let mut segment = Segment {
            id: input.id.unwrap_or_default(),
            organization_id: self.organization_id()?,
            name,
            rule_definition: rule.map(|r| r.to_json()),
            created_at: now,
            updated_at: now,
        };
        match input.id {
            None => {
                self.require_room(EntityKind::Segments)?;
                self.store.create(&segment)?;
            }
            Some(id) => {
                segment.created_at = self.existing::<Segment>(RowKey::of(id))?.created_at;
                self.store.update(&segment)?;
            }
        }
        Ok(segment.id)
    }
}
