//! Who belongs to a segment: the rule language of `segments.rule_definition` and its
//! evaluation against a worker. Pure, so every device sees the same members offline.
//!
//! A rule is a JSON object, one of:
//!
//! | form | holds when |
//! | --- | --- |
//! | `{"all": [rule, …]}` | every rule holds (an empty list always holds) |
//! | `{"any": [rule, …]}` | at least one rule holds (an empty list never holds) |
//! | `{"not": rule}` | the rule does not hold |
//! | `{"field": F, "op": OP, "value": V}` | the worker's field F compares so with V |
//!
//! F is a worker column (`full_name`, `phone_number`, `well_being_score`: the latest
//! well-being check's score, `performance_metric`), `well_being_change` (the latest
//! check's score less the one before it; no value until a worker has two), or else the
//! name of a custom attribute (`site`, `language`, …).
//! OP is `eq`, `ne` (text compared without case), `lt`, `lte`, `gt`, `gte` (numbers),
//! `in` (V is a list; equal to one of them), `contains` (text, without case) or `exists`
//! (V is true or false: the field has a value or not). Attributes typed in by hand are
//! text, so text that reads as a number ("3") compares as that number. A field the worker has no value
//! for satisfies only `ne`, `exists: false` and their negations. Anything else is refused
//! with what is wrong, so a misspelt rule never silently selects nobody.

use crate::{AttributeValue, InvalidValue, JsonObject, Worker};
use serde_json::{json, Map, Value};

/// The deepest nesting a rule may have; deeper is refused (it is no one's intent, and
/// evaluation recurses).
pub const MAX_DEPTH: usize = 16;

/// A segment's `rule_definition`, parsed.
#[derive(Debug, Clone, PartialEq)]
pub enum SegmentRule {
    All(Vec<SegmentRule>),
    Any(Vec<SegmentRule>),
    Not(Box<SegmentRule>),
    Condition(Condition),
}

/// One comparison of a worker's field with a value.
#[derive(Debug, Clone, PartialEq)]
pub struct Condition {
    pub field: Field,
    pub op: Op,
}

/// What a condition looks at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Field {
    FullName,
    PhoneNumber,
    WellBeingScore,
    /// The latest well-being check's score less the one before.
    WellBeingChange,
    PerformanceMetric,
    /// A custom attribute, by name.
    Attribute(String),
}

/// How a condition compares.
#[derive(Debug, Clone, PartialEq)]
pub enum Op {
    Eq(AttributeValue),
    Ne(AttributeValue),
    Lt(f64),
    Lte(f64),
    Gt(f64),
    Gte(f64),
    In(Vec<AttributeValue>),
    Contains(String),
    Exists(bool),
}

impl Field {
    fn parse(name: &str) -> Result<Self, InvalidValue> {
        Ok(match name {
            "full_name" => Field::FullName,
            "phone_number" => Field::PhoneNumber,
            "well_being_score" => Field::WellBeingScore,
            "well_being_change" => Field::WellBeingChange,
            "performance_metric" => Field::PerformanceMetric,
            attribute => {
                let ok = (1..=64).contains(&attribute.len())
                    && attribute.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
                if !ok {
                    return Err(InvalidValue::rule(format!(
                        "field {attribute:?} must be a worker field or an attribute name (lower-case letters, digits, underscores)"
                    )));
                }
                Field::Attribute(attribute.to_owned())
            }
        })
    }

    pub fn name(&self) -> &str {
        match self {
            Field::FullName => "full_name",
            Field::PhoneNumber => "phone_number",
            Field::WellBeingScore => "well_being_score",
            Field::WellBeingChange => "well_being_change",
            Field::PerformanceMetric => "performance_metric",
            Field::Attribute(name) => name,
        }
    }

    fn of(&self, worker: &impl Subject) -> Option<AttributeValue> {
        worker.value_of(self)
    }
}

/// What a rule looks at: a worker, or the few columns of one a store reads to judge many
/// workers at once without decoding whole rows.
pub trait Subject {
    fn value_of(&self, field: &Field) -> Option<AttributeValue>;
}

impl Subject for Worker {
    fn value_of(&self, field: &Field) -> Option<AttributeValue> {
        match field {
            Field::FullName => Some(AttributeValue::Text(self.full_name.to_string())),
            Field::PhoneNumber => self.phone_number.as_ref().map(|p| AttributeValue::Text(p.to_string())),
            Field::WellBeingScore => self.well_being_score.map(|s| AttributeValue::Number(s.value())),
            // A worker row holds no history: the store judges with `WorkerFacts`.
            Field::WellBeingChange => None,
            Field::PerformanceMetric => self.performance_metric.map(|s| AttributeValue::Number(s.value())),
            Field::Attribute(name) => self.custom_attributes.get(name).cloned(),
        }
    }
}

/// The columns of a worker that rules read, as stored.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct WorkerFacts {
    pub full_name: String,
    pub phone_number: Option<String>,
    pub well_being_score: Option<f64>,
    /// From the worker's well-being checks (`Field::WellBeingChange`).
    pub well_being_change: Option<f64>,
    pub performance_metric: Option<f64>,
    pub custom_attributes: std::collections::BTreeMap<String, AttributeValue>,
}

impl WorkerFacts {
    /// The facts of one worker, with the change of their well-being score.
    pub fn of(worker: &Worker, well_being_change: Option<f64>) -> Self {
        Self {
            full_name: worker.full_name.to_string(),
            phone_number: worker.phone_number.as_ref().map(ToString::to_string),
            well_being_score: worker.well_being_score.map(|s| s.value()),
            well_being_change,
            performance_metric: worker.performance_metric.map(|s| s.value()),
            custom_attributes: worker.custom_attributes.iter().map(|(k, v)| (k.clone(), v.clone())).collect(),
        }
    }
}

impl Subject for WorkerFacts {
    fn value_of(&self, field: &Field) -> Option<AttributeValue> {
        match field {
            Field::FullName => Some(AttributeValue::Text(self.full_name.clone())),
            Field::PhoneNumber => self.phone_number.clone().map(AttributeValue::Text),
            Field::WellBeingScore => self.well_being_score.map(AttributeValue::Number),
            Field::WellBeingChange => self.well_being_change.map(AttributeValue::Number),
            Field::PerformanceMetric => self.performance_metric.map(AttributeValue::Number),
            Field::Attribute(name) => self.custom_attributes.get(name).cloned(),
        }
    }
}

fn scalar(what: &str, value: &Value) -> Result<AttributeValue, InvalidValue> {
    match value {
        Value::String(text) => Ok(AttributeValue::Text(text.clone())),
        Value::Number(n) => n
            .as_f64()
            .filter(|n| n.is_finite())
            .map(AttributeValue::Number)
            .ok_or_else(|| InvalidValue::rule(format!("{what} must be a finite number"))),
        Value::Bool(flag) => Ok(AttributeValue::Flag(*flag)),
        other => Err(InvalidValue::rule(format!("{what} must be text, a number or true/false, not {other}"))),
    }
}

fn number(op: &str, value: &Value) -> Result<f64, InvalidValue> {
    value
        .as_f64()
        .filter(|n| n.is_finite())
        .ok_or_else(|| InvalidValue::rule(format!("the value of {op} must be a number, not {value}")))
}

/// A value as a number: a number, or text that reads as one.
fn as_number(value: &AttributeValue) -> Option<f64> {
    match value {
        AttributeValue::Number(n) => Some(*n),
        AttributeValue::Text(text) => text.trim().parse::<f64>().ok().filter(|n| n.is_finite()),
        AttributeValue::Flag(_) => None,
    }
}

fn same(a: &AttributeValue, b: &AttributeValue) -> bool {
    match (a, b) {
        (AttributeValue::Text(a), AttributeValue::Text(b)) => a.to_lowercase() == b.to_lowercase(),
        (AttributeValue::Flag(a), AttributeValue::Flag(b)) => a == b,
        (AttributeValue::Flag(_), _) | (_, AttributeValue::Flag(_)) => false,
        _ => as_number(a).is_some_and(|a| as_number(b) == Some(a)),
    }
}

fn to_value(value: &AttributeValue) -> Value {
    match value {
        AttributeValue::Text(text) => json!(text),
        AttributeValue::Number(n) => json!(n),
        AttributeValue::Flag(flag) => json!(flag),
    }
}

impl Op {
    fn parse(op: &str, value: &Value) -> Result<Self, InvalidValue> {
        Ok(match op {
            "eq" => Op::Eq(scalar("the value of eq", value)?),
            "ne" => Op::Ne(scalar("the value of ne", value)?),
            "lt" => Op::Lt(number(op, value)?),
            "lte" => Op::Lte(number(op, value)?),
            "gt" => Op::Gt(number(op, value)?),
            "gte" => Op::Gte(number(op, value)?),
            "in" => Op::In(
                value
                    .as_array()
                    .ok_or_else(|| InvalidValue::rule(format!("the value of in must be a list, not {value}")))?
                    .iter()
                    .map(|item| scalar("each value of in", item))
                    .collect::<Result<_, _>>()?,
            ),
            "contains" => Op::Contains(
                value
                    .as_str()
                    .ok_or_else(|| InvalidValue::rule(format!("the value of contains must be text, not {value}")))?
                    .to_owned(),
            ),
            "exists" => Op::Exists(value.as_bool().ok_or_else(|| {
                InvalidValue::rule(format!("the value of exists must be true or false, not {value}"))
            })?),
            other => {
                return Err(InvalidValue::rule(format!(
                    "{other:?} is not a comparison (eq, ne, lt, lte, gt, gte, in, contains, exists)"
                )))
            }
        })
    }

    fn name_and_value(&self) -> (&'static str, Value) {
        match self {
            Op::Eq(v) => ("eq", to_value(v)),
            Op::Ne(v) => ("ne", to_value(v)),
            Op::Lt(n) => ("lt", json!(n)),
            Op::Lte(n) => ("lte", json!(n)),
            Op::Gt(n) => ("gt", json!(n)),
            Op::Gte(n) => ("gte", json!(n)),
            Op::In(values) => ("in", Value::Array(values.iter().map(to_value).collect())),
            Op::Contains(text) => ("contains", json!(text)),
            Op::Exists(flag) => ("exists", json!(flag)),
        }
    }

    fn holds(&self, value: Option<&AttributeValue>) -> bool {
        let as_number = || value.and_then(as_number);
        match self {
            Op::Eq(wanted) => value.is_some_and(|v| same(v, wanted)),
            Op::Ne(wanted) => !value.is_some_and(|v| same(v, wanted)),
            Op::Lt(n) => as_number().is_some_and(|v| v < *n),
            Op::Lte(n) => as_number().is_some_and(|v| v <= *n),
            Op::Gt(n) => as_number().is_some_and(|v| v > *n),
            Op::Gte(n) => as_number().is_some_and(|v| v >= *n),
            Op::In(wanted) => value.is_some_and(|v| wanted.iter().any(|w| same(v, w))),
            Op::Contains(part) => match value {
                Some(AttributeValue::Text(text)) => text.to_lowercase().contains(&part.to_lowercase()),
                _ => false,
            },
            Op::Exists(flag) => value.is_some() == *flag,
        }
    }
}

impl SegmentRule {
    /// The rule of a segment's `rule_definition` (None: the segment has no rule, and its
    /// members are the ones added by hand).
    pub fn parse(rule_definition: Option<&JsonObject>) -> Result<Option<Self>, InvalidValue> {
        match rule_definition {
            None => Ok(None),
            Some(object) if object.as_map().is_empty() => Ok(None),
            Some(object) => Self::from_map(object.as_map(), 0).map(Some),
        }
    }

    fn from_value(value: &Value, depth: usize) -> Result<Self, InvalidValue> {
        match value.as_object() {
            Some(map) => Self::from_map(map, depth),
            None => Err(InvalidValue::rule(format!("a rule must be an object, not {value}"))),
        }
    }

    fn from_map(map: &Map<String, Value>, depth: usize) -> Result<Self, InvalidValue> {
        if depth > MAX_DEPTH {
            return Err(InvalidValue::rule(format!("a rule may nest at most {MAX_DEPTH} deep")));
        }
        let list = |key: &str, value: &Value| -> Result<Vec<SegmentRule>, InvalidValue> {
            value
                .as_array()
                .ok_or_else(|| InvalidValue::rule(format!("{key} must be a list of rules, not {value}")))?
                .iter()
                .map(|item| Self::from_value(item, depth + 1))
                .collect()
        };
        let only = |key: &str| -> Result<(), InvalidValue> {
            match map.keys().find(|k| k.as_str() != key) {
                Some(extra) => Err(InvalidValue::rule(format!("{key} stands alone; {extra:?} cannot be beside it"))),
                None => Ok(()),
            }
        };
        if let Some(rules) = map.get("all") {
            only("all")?;
            return Ok(SegmentRule::All(list("all", rules)?));
        }
        if let Some(rules) = map.get("any") {
            only("any")?;
            return Ok(SegmentRule::Any(list("any", rules)?));
        }
        if let Some(rule) = map.get("not") {
            only("not")?;
            return Ok(SegmentRule::Not(Box::new(Self::from_value(rule, depth + 1)?)));
        }
        if let Some(extra) = map.keys().find(|k| !["field", "op", "value"].contains(&k.as_str())) {
            return Err(InvalidValue::rule(format!(
                "{extra:?} is not part of a rule (all, any, not, or field, op and value)"
            )));
        }
        let text = |key: &str| {
            map.get(key)
                .and_then(Value::as_str)
                .ok_or_else(|| InvalidValue::rule(format!("a condition needs {key} as text")))
        };
        let field = Field::parse(text("field")?)?;
        let value = map.get("value").ok_or_else(|| InvalidValue::rule("a condition needs a value"))?;
        Ok(SegmentRule::Condition(Condition { field, op: Op::parse(text("op")?, value)? }))
    }

    /// The rule as the JSON object stored in `rule_definition`.
    pub fn to_json(&self) -> JsonObject {
        JsonObject::try_from(self.to_value()).unwrap_or_default()
    }

    fn to_value(&self) -> Value {
        match self {
            SegmentRule::All(rules) => json!({"all": rules.iter().map(Self::to_value).collect::<Vec<_>>()}),
            SegmentRule::Any(rules) => json!({"any": rules.iter().map(Self::to_value).collect::<Vec<_>>()}),
            SegmentRule::Not(rule) => json!({"not": rule.to_value()}),
            SegmentRule::Condition(Condition { field, op }) => {
                let (name, value) = op.name_and_value();
                json!({"field": field.name(), "op": name, "value": value})
            }
        }
    }

    /// Whether any condition of the rule looks at `field`.
    pub fn reads(&self, field: &Field) -> bool {
        match self {
            SegmentRule::All(rules) | SegmentRule::Any(rules) => rules.iter().any(|rule| rule.reads(field)),
            SegmentRule::Not(rule) => rule.reads(field),
            SegmentRule::Condition(condition) => condition.field == *field,
        }
    }

    /// Whether the worker belongs.
    pub fn matches(&self, worker: &impl Subject) -> bool {
        match self {
            SegmentRule::All(rules) => rules.iter().all(|rule| rule.matches(worker)),
            SegmentRule::Any(rules) => rules.iter().any(|rule| rule.matches(worker)),
            SegmentRule::Not(rule) => !rule.matches(worker),
            SegmentRule::Condition(Condition { field, op }) => op.holds(field.of(worker).as_ref()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{CustomAttributes, Name, OrganizationId, PhoneNumber, Score, Timestamp, WorkerId};
    use proptest::prelude::*;
    use proptest::sample::select;
    use std::collections::BTreeMap;

    #[allow(clippy::disallowed_methods)] // a test's worker, stamped by the wall clock
    fn worker(name: &str, phone: Option<&str>, score: Option<f64>, attributes: Value) -> Worker {
        Worker {
            id: WorkerId::new(),
            organization_id: OrganizationId::new(),
            full_name: Name::parse(name).unwrap(),
            phone_number: phone.map(|p| PhoneNumber::parse(p).unwrap()),
            well_being_score: score.map(|s| Score::new(s).unwrap()),
            performance_metric: None,
            custom_attributes: serde_json::from_value(attributes).unwrap(),
            created_at: Timestamp::now(),
            updated_at: Timestamp::now(),
        }
    }

    fn rule(value: Value) -> Result<Option<SegmentRule>, InvalidValue> {
        SegmentRule::parse(Some(&JsonObject::try_from(value).unwrap()))
    }

    #[test]
    fn conditions_compare_fields_and_attributes() {
        let amina = worker("Amina Otieno", Some("+254712345678"), Some(72.0), json!({"site": "Kisumu", "years": 3}));
        let holds = |value: Value| rule(value).unwrap().unwrap().matches(&amina);
        assert!(holds(json!({"all": [{"field": "site", "op": "eq", "value": "kisumu"}]})));
        assert!(holds(json!({"field": "site", "op": "in", "value": ["Eldoret", "Kisumu"]})));
        assert!(holds(json!({"field": "full_name", "op": "contains", "value": "OTIENO"})));
        assert!(holds(json!({"field": "phone_number", "op": "contains", "value": "712"})));
        assert!(holds(json!({"field": "well_being_score", "op": "gte", "value": 72})));
        assert!(!holds(json!({"field": "well_being_score", "op": "gt", "value": 72})));
        assert!(holds(json!({"field": "years", "op": "lt", "value": 5})));
        assert!(!holds(json!({"field": "site", "op": "lt", "value": 5})), "text is not a number");
        let typed = worker("Brian", None, None, json!({"years": "4"}));
        let holds_typed = |value: Value| rule(value).unwrap().unwrap().matches(&typed);
        assert!(holds_typed(json!({"field": "years", "op": "gt", "value": 3})), "typed-in text that reads as a number");
        assert!(holds_typed(json!({"field": "years", "op": "eq", "value": 4})));
        assert!(holds_typed(json!({"field": "years", "op": "eq", "value": "4"})));
        assert!(holds(json!({"field": "language", "op": "exists", "value": false})));
        assert!(holds(json!({"field": "language", "op": "ne", "value": "sw"})), "a missing value is not equal");
        assert!(!holds(json!({"field": "language", "op": "eq", "value": "sw"})));
        assert!(!holds(json!({"field": "performance_metric", "op": "lte", "value": 100})), "no value");
        assert!(holds(json!({"any": [{"field": "site", "op": "eq", "value": "Eldoret"},
            {"not": {"field": "years", "op": "eq", "value": 4}}]})));
        assert!(!holds(json!({"any": []})));
        assert!(holds(json!({"all": []})));
        assert_eq!(rule(json!({})).unwrap(), None, "an empty rule is no rule");
        assert_eq!(SegmentRule::parse(None).unwrap(), None);
    }

    #[test]
    fn malformed_rules_are_refused_with_what_is_wrong() {
        let deep =
            (0..=MAX_DEPTH + 1).fold(json!({"field": "site", "op": "exists", "value": true}), |r, _| json!({"not": r}));
        for (bad, says) in [
            (json!({"every": []}), "\"every\" is not part of a rule"),
            (json!({"all": {}}), "all must be a list"),
            (json!({"all": [], "any": []}), "cannot be beside it"),
            (json!({"all": [3]}), "must be an object"),
            (json!({"field": "site", "op": "like", "value": "K"}), "\"like\" is not a comparison"),
            (json!({"field": "Site", "op": "eq", "value": "K"}), "field \"Site\""),
            (json!({"field": "site", "op": "eq"}), "needs a value"),
            (json!({"op": "eq", "value": 1}), "needs field"),
            (json!({"field": "years", "op": "gt", "value": "3"}), "must be a number"),
            (json!({"field": "site", "op": "in", "value": "K"}), "must be a list"),
            (json!({"field": "site", "op": "eq", "value": null}), "must be text, a number"),
            (json!({"field": "site", "op": "exists", "value": 1}), "true or false"),
            (deep, "nest at most"),
        ] {
            let err = rule(bad.clone()).unwrap_err();
            assert!(err.to_string().contains(says), "{bad}: {err}");
        }
    }

    fn values() -> impl Strategy<Value = AttributeValue> {
        prop_oneof![
            select(&["Kisumu", "kisumu", "Eldoret", "sw", "en"][..]).prop_map(|text| AttributeValue::Text(text.into())),
            (0..6u8).prop_map(|n| AttributeValue::Number(f64::from(n) * 20.0)),
            any::<bool>().prop_map(AttributeValue::Flag),
        ]
    }

    fn conditions() -> impl Strategy<Value = SegmentRule> {
        let fields = prop_oneof![
            Just(Field::FullName),
            Just(Field::WellBeingScore),
            Just(Field::PhoneNumber),
            Just(Field::Attribute("site".to_owned())),
            Just(Field::Attribute("trained".to_owned())),
        ];
        let numbers = || (0..6u8).prop_map(|n| f64::from(n) * 20.0);
        let ops = prop_oneof![
            values().prop_map(Op::Eq),
            values().prop_map(Op::Ne),
            numbers().prop_map(Op::Lt),
            numbers().prop_map(Op::Lte),
            numbers().prop_map(Op::Gt),
            numbers().prop_map(Op::Gte),
            prop::collection::vec(values(), 0..3).prop_map(Op::In),
            select(&["is", "K", "7"][..]).prop_map(|part| Op::Contains(part.into())),
            any::<bool>().prop_map(Op::Exists),
        ];
        (fields, ops).prop_map(|(field, op)| SegmentRule::Condition(Condition { field, op }))
    }

    /// Rules nested up to three deep, each list of up to three.
    fn rules() -> impl Strategy<Value = SegmentRule> {
        conditions().prop_recursive(3, 32, 3, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..4).prop_map(SegmentRule::All),
                prop::collection::vec(inner.clone(), 0..4).prop_map(SegmentRule::Any),
                inner.prop_map(|rule| SegmentRule::Not(Box::new(rule))),
            ]
        })
    }

    fn workers() -> impl Strategy<Value = Worker> {
        let names = select(&["Amina Kisumu", "Otieno", "Wanjiru Ki"][..]);
        (names, any::<bool>(), prop::option::of(0..=100u8), prop::option::of(values()), prop::option::of(any::<bool>()))
            .prop_map(|(name, phone, score, site, trained)| {
                let mut attributes = BTreeMap::new();
                if let Some(site) = site {
                    attributes.insert("site".to_owned(), site);
                }
                if let Some(trained) = trained {
                    attributes.insert("trained".to_owned(), AttributeValue::Flag(trained));
                }
                let mut w = worker(name, phone.then_some("+254712345678"), score.map(f64::from), json!({}));
                w.custom_attributes = CustomAttributes::try_from(attributes).unwrap();
                w
            })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2_000))]

        #[test]
        fn generated_rules_round_trip_and_obey_the_laws_of_logic(
            a in rules(),
            b in rules(),
            judged in prop::collection::vec(workers(), 5),
        ) {
            let parsed = SegmentRule::parse(Some(&a.to_json())).unwrap().unwrap();
            assert_eq!(parsed, a, "parse(to_json(rule)) is the rule");
            for w in judged {
                let facts = WorkerFacts {
                    full_name: w.full_name.to_string(),
                    phone_number: w.phone_number.as_ref().map(ToString::to_string),
                    well_being_score: w.well_being_score.map(Score::value),
                    well_being_change: None,
                    performance_metric: w.performance_metric.map(Score::value),
                    custom_attributes: w.custom_attributes.iter().map(|(k, v)| (k.clone(), v.clone())).collect(),
                };
                assert_eq!(a.matches(&facts), a.matches(&w), "a stored row's columns judge as the worker does");
                let not = |r: SegmentRule| SegmentRule::Not(Box::new(r));
                assert_eq!(not(not(a.clone())).matches(&w), a.matches(&w));
                assert_eq!(SegmentRule::All(vec![a.clone()]).matches(&w), a.matches(&w));
                assert_eq!(SegmentRule::Any(vec![a.clone()]).matches(&w), a.matches(&w));
                assert_eq!(
                    not(SegmentRule::All(vec![a.clone(), b.clone()])).matches(&w),
                    SegmentRule::Any(vec![not(a.clone()), not(b.clone())]).matches(&w),
                    "De Morgan"
                );
                if let SegmentRule::Condition(Condition { field, op: Op::Eq(v) }) = &a {
                    let ne = SegmentRule::Condition(Condition { field: field.clone(), op: Op::Ne(v.clone()) });
                    assert_eq!(ne.matches(&w), !a.matches(&w), "ne is not eq");
                }
                if let SegmentRule::Condition(Condition { field, op: Op::Lt(n) }) = &a {
                    let gte = SegmentRule::Condition(Condition { field: field.clone(), op: Op::Gte(*n) });
                    let has_number = field.of(&w).as_ref().and_then(as_number).is_some();
                    assert_eq!(a.matches(&w) || gte.matches(&w), has_number, "lt and gte split the numbers");
                }
            }
        }

        #[test]
        fn generated_garbage_is_refused_or_read_never_panics(
            entries in prop::collection::vec((0..7usize, 0..7usize), 0..4),
        ) {
            let keys = ["all", "any", "not", "field", "op", "value", "x"];
            let pieces = [json!("all"), json!([]), json!({}), json!(1), json!("site"), json!(null), json!(true)];
            let map: Map<String, Value> =
                entries.into_iter().map(|(key, piece)| (keys[key].to_owned(), pieces[piece].clone())).collect();
            let _ = SegmentRule::parse(Some(&JsonObject::try_from(Value::Object(map)).unwrap()));
        }
    }
}
