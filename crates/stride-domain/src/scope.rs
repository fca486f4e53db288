//! Sync scopes: which workers a coordinator's laptop holds. An organization gives a
//! coordinator a scope (sites, segments, programs); their device then pulls every
//! authoring row and only the workers in the scope, with the rows that belong to those
//! workers. Which rows belong to a worker is read off the registry's foreign keys
//! ([`owner`]), so the server's filter, its push check and the device's eviction follow
//! one rule.

use crate::enums::Role;
use crate::ids::{ProgramId, SegmentId, WorkerId};
use crate::problem::{InvalidValue, ValidationError};
use crate::registry::{EntityKind, EntitySpec, REGISTRY};
use crate::values::Name;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// The most sites, segments or programs one scope names.
pub const MAX_SCOPE_ENTRIES: usize = 100;

/// The workers a coordinator's device holds: those whose `site` attribute is one of
/// `sites` (compared without case), who are members of one of `segments`, or who are
/// enrolled in one of `programs`. Empty is the whole organization, as for every manager
/// and administrator, whatever their scope says.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SyncScope {
    #[serde(default)]
    pub sites: Vec<String>,
    #[serde(default)]
    pub segments: Vec<SegmentId>,
    #[serde(default)]
    pub programs: Vec<ProgramId>,
}

impl SyncScope {
    /// Whether it names nothing: the whole organization.
    pub fn is_whole_organization(&self) -> bool {
        self.sites.is_empty() && self.segments.is_empty() && self.programs.is_empty()
    }

    /// Whether a member of `role` with this scope pulls only part of the organization.
    pub fn limits(&self, role: Role) -> bool {
        role == Role::Coordinator && !self.is_whole_organization()
    }

    /// The scope as it is kept: site names tidied (spaces) and each entry once, in
    /// order; every problem at once.
    pub fn validate(&self) -> Result<SyncScope, Vec<ValidationError>> {
        let mut problems = Vec::new();
        let mut sites: Vec<String> = Vec::new();
        for (index, raw) in self.sites.iter().enumerate() {
            match Name::parse(raw) {
                Ok(name) => {
                    let name = name.as_str().to_owned();
                    if !sites.iter().any(|known| known.to_lowercase() == name.to_lowercase()) {
                        sites.push(name);
                    }
                }
                Err(problem) => problems.push(ValidationError::new(format!("sites[{index}]"), problem)),
            }
        }
        for (field, count) in
            [("sites", self.sites.len()), ("segments", self.segments.len()), ("programs", self.programs.len())]
        {
            if count > MAX_SCOPE_ENTRIES {
                problems.push(ValidationError::new(field, InvalidValue::TooMany { count, max: MAX_SCOPE_ENTRIES }));
            }
        }
        if !problems.is_empty() {
            return Err(problems);
        }
        Ok(SyncScope { sites, segments: each_once(&self.segments), programs: each_once(&self.programs) })
    }
}

/// The items in their order, each once.
fn each_once<T: PartialEq + Copy>(items: &[T]) -> Vec<T> {
    let mut kept = Vec::with_capacity(items.len());
    for item in items {
        if !kept.contains(item) {
            kept.push(*item);
        }
    }
    kept
}

/// What a pull tells a device of its scope, when the scope it holds is not the one the
/// server has now (the device says which it holds; see `PullParams::scope`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum PulledScope {
    /// The device pulls the whole organization (again): its person is not limited.
    Organization,
    /// The device holds exactly these workers; the page was read for them. `hash` names
    /// the set, for the device to send back.
    Workers { hash: String, workers: Vec<WorkerId> },
}

/// How a row belongs to one worker.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Owner {
    /// The worker row itself.
    Itself,
    /// `column` names the worker (`parent` is workers) or a row of `parent` that belongs
    /// to one; `nullable` rows with no value belong to no worker.
    Through { column: &'static str, parent: EntityKind, nullable: bool },
}

/// How rows of `kind` belong to a worker, or None for rows every device holds (the
/// authoring rows, the organization, its staff). Read off the registry: a table is a
/// worker's when it refers to workers, or to a table that is.
pub fn owner(kind: EntityKind) -> Option<Owner> {
    if kind == EntityKind::Workers {
        return Some(Owner::Itself);
    }
    let spec = kind.spec();
    spec.columns.iter().find_map(|column| {
        let parent = EntityKind::from_table(column.references?.table)?;
        (parent != kind && owner(parent).is_some()).then_some(Owner::Through {
            column: column.name,
            parent,
            nullable: column.nullable,
        })
    })
}

/// The SQL condition that a row of `spec` (as `alias`) belongs to a worker of a set, or
/// None when its rows are everyone's; `in_set` renders "this column names a worker of
/// the set" in the database's own terms, and `organization` (the server's: a device
/// holds one) keeps the subqueries to an organization. A row that belongs through
/// another (progress through its enrollment) is found by a subquery over that table,
/// uncorrelated so that it is read once, not once a row; both databases read the same
/// shape, so the server's filter and the device's eviction are one rule.
pub fn owned_by_sql(
    spec: &EntitySpec,
    alias: &str,
    organization: Option<&str>,
    in_set: &dyn Fn(&str) -> String,
) -> Option<String> {
    Some(match owner(spec.kind)? {
        Owner::Itself => in_set(&format!("{alias}.id")),
        Owner::Through { column, parent, nullable } => {
            let held = if parent == EntityKind::Workers {
                in_set(&format!("{alias}.{column}"))
            } else {
                let inner = format!("{alias}_{}", parent.table());
                let parents = owned_by_sql(parent.spec(), &inner, organization, in_set)?;
                let within =
                    organization.map(|org| format!("{inner}.organization_id = {org} AND ")).unwrap_or_default();
                format!(
                    "{alias}.{column} IN (SELECT {inner}.id FROM {table} {inner} WHERE {within}{parents})",
                    table = parent.table(),
                )
            };
            if nullable {
                format!("({alias}.{column} IS NULL OR {held})")
            } else {
                held
            }
        }
    })
}

/// The entities whose rows belong to workers, in registry order (workers first).
pub fn worker_owned() -> impl Iterator<Item = &'static EntitySpec> {
    REGISTRY.iter().filter(|spec| owner(spec.kind).is_some())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_rows_of_a_worker_are_read_off_the_foreign_keys() {
        let owned: Vec<&str> = worker_owned().map(|spec| spec.table).collect();
        assert_eq!(
            owned,
            [
                "workers",
                "worker_segment",
                "worker_assignments",
                "worker_progress",
                "experiment_assignments",
                "worker_badges",
                "session_attendance",
                "quiz_attempts",
                "well_being_checks"
            ]
        );
        assert_eq!(
            owner(EntityKind::QuizAttempts),
            Some(Owner::Through { column: "worker_progress_id", parent: EntityKind::WorkerProgress, nullable: false })
        );
        assert_eq!(
            owner(EntityKind::ExperimentAssignments),
            Some(Owner::Through { column: "worker_id", parent: EntityKind::Workers, nullable: true })
        );
        assert_eq!(owner(EntityKind::GroupSessions), None, "a session is its program's");
        assert_eq!(owner(EntityKind::Users), None);
    }

    #[test]
    fn a_scope_is_tidied_and_its_problems_named() {
        let segment = SegmentId::new();
        let typed = SyncScope {
            sites: vec![" Kisumu ".into(), "kisumu".into(), "North  Hub".into()],
            segments: vec![segment, segment],
            programs: vec![],
        };
        let kept = typed.validate().unwrap();
        assert_eq!(kept.sites, ["Kisumu", "North Hub"]);
        assert_eq!(kept.segments, [segment]);
        assert!(kept.limits(Role::Coordinator));
        assert!(!kept.limits(Role::ProgramManager), "managers keep the whole organization");
        assert!(!SyncScope::default().limits(Role::Coordinator));

        let bad = SyncScope { sites: vec!["  ".into(); MAX_SCOPE_ENTRIES + 1], ..Default::default() };
        let problems = bad.validate().unwrap_err();
        assert_eq!(problems.first().map(|p| p.field.as_str()), Some("sites[0]"));
        assert_eq!(problems.last().map(|p| p.field.as_str()), Some("sites"));
    }
}
