//! The registry of synced entities: for each of the 26 tables (the seed's 18 and those later issues added), its columns and their
//! types, its key, its foreign keys, and which roles may write it. The device store's
//! generic repository and the server's sync SQL are driven by it, and a test holds it
//! against both databases' real schemas, so the three cannot drift apart.

use crate::enums::{
    AssignmentStatus, AttendanceStatus, ChallengeGoal, ContentType, CopyState, ExperimentStatus, ExperimentType,
    LicenseType, OrganizationType, QuizTaker, Role, SubscriptionTier, WellBeingScale,
};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// The type of a column as the domain sees it; each database stores it its own way.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnType {
    Uuid,
    Text,
    Integer,
    /// A floating-point measure (on PostgreSQL, DECIMAL(5,2) for progress scores).
    Real,
    Timestamp,
    Date,
    /// A JSON document (an object).
    Json,
    /// Text restricted to these values.
    Enum(&'static [&'static str]),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OnDelete {
    Cascade,
    Restrict,
    SetNull,
}

impl OnDelete {
    pub const fn sql(self) -> &'static str {
        match self {
            OnDelete::Cascade => "CASCADE",
            OnDelete::Restrict => "RESTRICT",
            OnDelete::SetNull => "SET NULL",
        }
    }
}

/// A reference to another entity's `id` (within the same organization).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ForeignKey {
    pub table: &'static str,
    pub on_delete: OnDelete,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ColumnSpec {
    pub name: &'static str,
    pub ty: ColumnType,
    pub nullable: bool,
    pub references: Option<ForeignKey>,
    /// Written by the server only (where a copied row came from): a push may leave it
    /// out or repeat what is stored, never change it.
    pub server_written: bool,
}

impl ColumnSpec {
    const fn new(name: &'static str, ty: ColumnType) -> Self {
        Self { name, ty, nullable: false, references: None, server_written: false }
    }
    const fn by_server(self) -> Self {
        Self { server_written: true, ..self }
    }
    const fn null(self) -> Self {
        Self { nullable: true, ..self }
    }
    const fn fk(self, table: &'static str, on_delete: OnDelete) -> Self {
        Self { references: Some(ForeignKey { table, on_delete }), ..self }
    }
}

/// Every synced entity, named as its table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, TS)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum EntityKind {
    Organizations,
    Users,
    Workers,
    Segments,
    WorkerSegment,
    Content,
    JourneyBlueprints,
    Phases,
    Touchpoints,
    Programs,
    ProgramBlueprints,
    WorkerAssignments,
    WorkerProgress,
    Experiments,
    ExperimentVariants,
    ExperimentAssignments,
    Badges,
    WorkerBadges,
    GroupSessions,
    SessionAttendance,
    QuizVersions,
    QuizAttempts,
    WellBeingQuestions,
    WellBeingChecks,
    PointValues,
    Challenges,
}

#[derive(Debug)]
pub struct EntitySpec {
    pub kind: EntityKind,
    pub table: &'static str,
    /// The columns that identify a row within its organization.
    pub key: &'static [&'static str],
    /// The seed's columns plus organization_id, in schema order (then the columns later
    /// migrations added).
    pub columns: &'static [ColumnSpec],
    /// Roles whose devices may create, edit and delete these rows. Organizations and
    /// users are administered on the server only.
    pub writers: &'static [Role],
}

impl EntitySpec {
    pub fn column(&self, name: &str) -> Option<&ColumnSpec> {
        self.columns.iter().find(|c| c.name == name)
    }
    /// The column naming the row's organization: `id` for organizations themselves.
    pub fn tenant_column(&self) -> &'static str {
        if self.kind == EntityKind::Organizations {
            "id"
        } else {
            "organization_id"
        }
    }
    pub fn may_write(&self, role: Role) -> bool {
        self.writers.contains(&role)
    }
    pub fn has_column(&self, name: &str) -> bool {
        self.column(name).is_some()
    }
}

impl EntityKind {
    pub fn spec(self) -> &'static EntitySpec {
        REGISTRY
            .iter()
            .find(|spec| spec.kind == self)
            .unwrap_or_else(|| unreachable!("every entity kind has a registry entry"))
    }
    pub fn table(self) -> &'static str {
        self.spec().table
    }
    pub fn from_table(table: &str) -> Option<Self> {
        REGISTRY.iter().find(|spec| spec.table == table).map(|spec| spec.kind)
    }
}

/// A column of another entity that refers to rows of one table, and what deleting such
/// a row does to the rows that hold it (the seed's ON DELETE rule).
#[derive(Debug, Clone, Copy)]
pub struct Dependent {
    pub spec: &'static EntitySpec,
    pub column: &'static str,
    pub on_delete: OnDelete,
}

/// The columns that refer to rows of `kind` (the organization column aside: an
/// organization is not deleted by a change), in registry order. Deleting a row follows
/// them on every side alike: CASCADE deletes the rows that hold it, SET NULL clears the
/// field, RESTRICT refuses while a live row holds it.
pub fn dependents(kind: EntityKind) -> impl Iterator<Item = Dependent> {
    let table = kind.table();
    REGISTRY.iter().flat_map(move |spec| {
        spec.columns.iter().filter_map(move |column| {
            let fk = column.references?;
            (fk.table == table && column.name != "organization_id").then_some(Dependent {
                spec,
                column: column.name,
                on_delete: fk.on_delete,
            })
        })
    })
}

use ColumnType::{Date, Integer, Json, Real, Text, Timestamp, Uuid};
use OnDelete::{Cascade, Restrict, SetNull};

const fn col(name: &'static str, ty: ColumnType) -> ColumnSpec {
    ColumnSpec::new(name, ty)
}
const ORG: ColumnSpec = col("organization_id", Uuid).fk("organizations", Cascade);
const ID: ColumnSpec = col("id", Uuid);
const CREATED_AT: ColumnSpec = col("created_at", Timestamp);
const UPDATED_AT: ColumnSpec = col("updated_at", Timestamp);
// Where a row copied from a marketplace listing came from (`entities::Source`).
const SOURCE_LISTING: ColumnSpec = col("source_listing_id", Uuid).null().by_server();
const SOURCE_VERSION: ColumnSpec = col("source_version", Integer).null().by_server();
const SOURCE_STATE: ColumnSpec = col("source_state", ColumnType::Enum(CopyState::NAMES)).null().by_server();
const CREATED_BY: ColumnSpec = col("created_by", Uuid).null().fk("users", SetNull);
const UPDATED_BY: ColumnSpec = col("updated_by", Uuid).null().fk("users", SetNull);

use Role::{ContentSpecialist, Coordinator, OrgAdmin, ProgramManager, TrainingManager};
const ADMINISTERED_ON_SERVER: &[Role] = &[];
/// Records of workers and their progress: everyone who works with workers.
const FIELD_WORK: &[Role] = &[OrgAdmin, TrainingManager, ProgramManager, Coordinator];
/// Content and journeys.
const AUTHORING: &[Role] = &[OrgAdmin, TrainingManager, ContentSpecialist];
/// Programs, segments, experiments and badges.
const PROGRAM_DESIGN: &[Role] = &[OrgAdmin, TrainingManager, ProgramManager];

/// Every synced entity, parents before children (the order a fresh database fills in).
pub static REGISTRY: &[EntitySpec] = &[
    EntitySpec {
        kind: EntityKind::Organizations,
        table: "organizations",
        key: &["id"],
        columns: &[
            ID,
            col("name", Text),
            col("type", ColumnType::Enum(OrganizationType::NAMES)),
            col("subscription_tier", ColumnType::Enum(SubscriptionTier::NAMES)),
            CREATED_AT,
            UPDATED_AT,
        ],
        writers: ADMINISTERED_ON_SERVER,
    },
    EntitySpec {
        kind: EntityKind::Users,
        table: "users",
        key: &["id"],
        columns: &[
            ID,
            ORG,
            col("email", Text),
            col("role", ColumnType::Enum(Role::NAMES)),
            col("display_name", Text).null(),
            CREATED_AT,
            UPDATED_AT,
            col("deactivated_at", Timestamp).null(),
        ],
        writers: ADMINISTERED_ON_SERVER,
    },
    EntitySpec {
        kind: EntityKind::Workers,
        table: "workers",
        key: &["id"],
        columns: &[
            ID,
            ORG,
            col("full_name", Text),
            col("phone_number", Text).null(),
            col("well_being_score", Real).null(),
            col("performance_metric", Real).null(),
            col("custom_attributes", Json),
            CREATED_AT,
            UPDATED_AT,
        ],
        writers: FIELD_WORK,
    },
    EntitySpec {
        kind: EntityKind::Segments,
        table: "segments",
        key: &["id"],
        columns: &[ID, ORG, col("name", Text), col("rule_definition", Json).null(), CREATED_AT, UPDATED_AT],
        writers: PROGRAM_DESIGN,
    },
    EntitySpec {
        kind: EntityKind::WorkerSegment,
        table: "worker_segment",
        key: &["worker_id", "segment_id"],
        columns: &[
            col("worker_id", Uuid).fk("workers", Cascade),
            col("segment_id", Uuid).fk("segments", Cascade),
            ORG,
            col("assigned_at", Timestamp),
        ],
        writers: FIELD_WORK,
    },
    EntitySpec {
        kind: EntityKind::Content,
        table: "content",
        key: &["id"],
        columns: &[
            ID,
            ORG,
            col("type", ColumnType::Enum(ContentType::NAMES)),
            col("title", Text).null(),
            col("description", Text).null(),
            col("media_url", Text).null(),
            col("license_type", ColumnType::Enum(LicenseType::NAMES)).null(),
            CREATED_AT,
            UPDATED_AT,
            SOURCE_LISTING,
            SOURCE_VERSION,
            SOURCE_STATE,
        ],
        writers: AUTHORING,
    },
    EntitySpec {
        kind: EntityKind::JourneyBlueprints,
        table: "journey_blueprints",
        key: &["id"],
        columns: &[
            ID,
            ORG,
            col("title", Text),
            col("purpose", Text).null(),
            CREATED_BY,
            UPDATED_BY,
            CREATED_AT,
            UPDATED_AT,
            SOURCE_LISTING,
            SOURCE_VERSION,
            SOURCE_STATE,
            // The last day a copy's license is in force (`JourneyBlueprint::licensed_until`).
            col("licensed_until", Date).null().by_server(),
        ],
        writers: AUTHORING,
    },
    EntitySpec {
        kind: EntityKind::Phases,
        table: "phases",
        key: &["id"],
        columns: &[
            ID,
            col("journey_blueprint_id", Uuid).fk("journey_blueprints", Cascade),
            ORG,
            col("name", Text),
            col("sequence_order", Integer),
            SOURCE_LISTING,
            SOURCE_VERSION,
            SOURCE_STATE,
        ],
        writers: AUTHORING,
    },
    EntitySpec {
        kind: EntityKind::Touchpoints,
        table: "touchpoints",
        key: &["id"],
        columns: &[
            ID,
            col("phase_id", Uuid).fk("phases", Cascade),
            col("content_id", Uuid).fk("content", Restrict),
            ORG,
            col("rule_logic", Json).null(),
            CREATED_AT,
            UPDATED_AT,
            SOURCE_LISTING,
            SOURCE_VERSION,
            SOURCE_STATE,
        ],
        writers: AUTHORING,
    },
    EntitySpec {
        kind: EntityKind::Programs,
        table: "programs",
        key: &["id"],
        columns: &[
            ID,
            ORG,
            col("name", Text),
            col("start_date", Date).null(),
            col("end_date", Date).null(),
            CREATED_BY,
            UPDATED_BY,
            CREATED_AT,
            UPDATED_AT,
        ],
        writers: PROGRAM_DESIGN,
    },
    EntitySpec {
        kind: EntityKind::ProgramBlueprints,
        table: "program_blueprints",
        key: &["id"],
        columns: &[
            ID,
            col("program_id", Uuid).fk("programs", Cascade),
            col("journey_blueprint_id", Uuid).fk("journey_blueprints", Restrict),
            ORG,
            col("order_in_program", Integer),
        ],
        writers: PROGRAM_DESIGN,
    },
    EntitySpec {
        kind: EntityKind::WorkerAssignments,
        table: "worker_assignments",
        key: &["id"],
        columns: &[
            ID,
            col("program_id", Uuid).fk("programs", Cascade),
            col("worker_id", Uuid).fk("workers", Cascade),
            ORG,
            col("enrollment_date", Timestamp),
            col("status", ColumnType::Enum(AssignmentStatus::NAMES)),
            CREATED_AT,
            UPDATED_AT,
        ],
        writers: FIELD_WORK,
    },
    EntitySpec {
        kind: EntityKind::WorkerProgress,
        table: "worker_progress",
        key: &["id"],
        columns: &[
            ID,
            col("worker_assignment_id", Uuid).fk("worker_assignments", Cascade),
            col("touchpoint_id", Uuid).fk("touchpoints", Cascade),
            ORG,
            col("started_at", Timestamp).null(),
            col("completed_at", Timestamp).null(),
            col("score", Real).null(),
            col("feedback_text", Text).null(),
            CREATED_AT,
            UPDATED_AT,
        ],
        writers: FIELD_WORK,
    },
    EntitySpec {
        kind: EntityKind::Experiments,
        table: "experiments",
        key: &["id"],
        columns: &[
            ID,
            ORG,
            col("experiment_type", ColumnType::Enum(ExperimentType::NAMES)),
            col("name", Text),
            col("status", ColumnType::Enum(ExperimentStatus::NAMES)),
            col("start_date", Timestamp).null(),
            col("end_date", Timestamp).null(),
            CREATED_BY,
            UPDATED_BY,
            CREATED_AT,
            UPDATED_AT,
            col("program_id", Uuid).null().fk("programs", SetNull),
            col("segment_id", Uuid).null().fk("segments", SetNull),
        ],
        writers: PROGRAM_DESIGN,
    },
    EntitySpec {
        kind: EntityKind::ExperimentVariants,
        table: "experiment_variants",
        key: &["id"],
        columns: &[
            ID,
            col("experiment_id", Uuid).fk("experiments", Cascade),
            ORG,
            col("variant_name", Text),
            col("variant_details", Json).null(),
            CREATED_AT,
            UPDATED_AT,
        ],
        writers: PROGRAM_DESIGN,
    },
    EntitySpec {
        kind: EntityKind::ExperimentAssignments,
        table: "experiment_assignments",
        key: &["id"],
        columns: &[
            ID,
            col("experiment_variant_id", Uuid).fk("experiment_variants", Cascade),
            col("worker_id", Uuid).null().fk("workers", Cascade),
            ORG,
            col("assigned_at", Timestamp),
        ],
        // Assignment is computed offline on the coordinator's device (brief §5).
        writers: FIELD_WORK,
    },
    EntitySpec {
        kind: EntityKind::Badges,
        table: "badges",
        key: &["id"],
        columns: &[
            ID,
            ORG,
            col("name", Text),
            col("description", Text).null(),
            col("icon_url", Text).null(),
            CREATED_AT,
            UPDATED_AT,
            col("award_rule", Json).null(),
        ],
        writers: PROGRAM_DESIGN,
    },
    EntitySpec {
        kind: EntityKind::WorkerBadges,
        table: "worker_badges",
        key: &["worker_id", "badge_id"],
        columns: &[
            col("worker_id", Uuid).fk("workers", Cascade),
            col("badge_id", Uuid).fk("badges", Cascade),
            ORG,
            col("awarded_at", Timestamp),
        ],
        writers: FIELD_WORK,
    },
    // Beyond the seed: a group session, and who came to it (each present worker's
    // result is their worker_progress row, `WorkerProgressId::of_session`).
    EntitySpec {
        kind: EntityKind::GroupSessions,
        table: "group_sessions",
        key: &["id"],
        columns: &[
            ID,
            ORG,
            col("program_id", Uuid).fk("programs", Cascade),
            col("touchpoint_id", Uuid).fk("touchpoints", Cascade),
            col("started_at", Timestamp),
            col("completed_at", Timestamp),
            col("recorded_by", Uuid).null().fk("users", SetNull),
            CREATED_AT,
            UPDATED_AT,
        ],
        writers: FIELD_WORK,
    },
    EntitySpec {
        kind: EntityKind::SessionAttendance,
        table: "session_attendance",
        key: &["group_session_id", "worker_assignment_id"],
        columns: &[
            col("group_session_id", Uuid).fk("group_sessions", Cascade),
            col("worker_assignment_id", Uuid).fk("worker_assignments", Cascade),
            ORG,
            col("status", ColumnType::Enum(AttendanceStatus::NAMES)),
            col("reflection_text", Text).null(),
            CREATED_AT,
            UPDATED_AT,
        ],
        writers: FIELD_WORK,
    },
    // Beyond the seed: a quiz content item's questions, one row per version (never
    // edited once written), and the answers behind a quiz's progress record.
    EntitySpec {
        kind: EntityKind::QuizVersions,
        table: "quiz_versions",
        key: &["id"],
        columns: &[
            ID,
            col("content_id", Uuid).fk("content", Cascade),
            ORG,
            // `version` is the server's sync column.
            col("version_number", Integer),
            col("definition", Json),
            CREATED_BY,
            CREATED_AT,
        ],
        writers: AUTHORING,
    },
    EntitySpec {
        kind: EntityKind::QuizAttempts,
        table: "quiz_attempts",
        key: &["id"],
        columns: &[
            ID,
            col("worker_progress_id", Uuid).fk("worker_progress", Cascade),
            col("quiz_version_id", Uuid).fk("quiz_versions", Cascade),
            ORG,
            col("answers", Json),
            col("points", Integer),
            col("total", Integer),
            col("taken_by", ColumnType::Enum(QuizTaker::NAMES)),
            CREATED_AT,
            UPDATED_AT,
        ],
        writers: FIELD_WORK,
    },
    // Beyond the seed: the questions of an organization's well-being checks, and each
    // check of a worker (`well_being.rs`: its score, mirrored in workers.well_being_score).
    EntitySpec {
        kind: EntityKind::WellBeingQuestions,
        table: "well_being_questions",
        key: &["id"],
        columns: &[
            ID,
            ORG,
            col("prompt", Text),
            col("scale", ColumnType::Enum(WellBeingScale::NAMES)),
            col("position", Integer),
            CREATED_AT,
            UPDATED_AT,
        ],
        writers: PROGRAM_DESIGN,
    },
    EntitySpec {
        kind: EntityKind::WellBeingChecks,
        table: "well_being_checks",
        key: &["id"],
        columns: &[
            ID,
            col("worker_id", Uuid).fk("workers", Cascade),
            ORG,
            col("answers", Json),
            col("score", Real),
            col("checked_at", Timestamp),
            col("recorded_by", Uuid).null().fk("users", SetNull),
            CREATED_AT,
            UPDATED_AT,
        ],
        writers: FIELD_WORK,
    },
    // Beyond the seed: the organization's points (one row, `PointValuesId::of_organization`)
    // and its challenges, each for a program's workers or a segment's members, gone
    // with its audience (`points.rs`: points, progress and leaderboards are derived).
    EntitySpec {
        kind: EntityKind::PointValues,
        table: "point_values",
        key: &["id"],
        columns: &[ID, ORG, col("per_touchpoint", Integer), col("per_badge", Integer), CREATED_AT, UPDATED_AT],
        writers: PROGRAM_DESIGN,
    },
    EntitySpec {
        kind: EntityKind::Challenges,
        table: "challenges",
        key: &["id"],
        columns: &[
            ID,
            ORG,
            col("title", Text),
            col("description", Text).null(),
            col("goal_kind", ColumnType::Enum(ChallengeGoal::NAMES)),
            col("goal", Integer),
            col("starts_at", Timestamp),
            col("ends_at", Timestamp),
            col("program_id", Uuid).null().fk("programs", Cascade),
            col("segment_id", Uuid).null().fk("segments", Cascade),
            CREATED_BY,
            CREATED_AT,
            UPDATED_AT,
        ],
        writers: PROGRAM_DESIGN,
    },
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_has_one_entry_and_parents_come_first() {
        assert_eq!(REGISTRY.len(), 26);
        for (position, spec) in REGISTRY.iter().enumerate() {
            assert_eq!(spec.kind.spec().table, spec.table);
            assert_eq!(EntityKind::from_table(spec.table), Some(spec.kind));
            // The server writes a pulled row's entity as its table name.
            assert_eq!(serde_json::to_value(spec.kind).unwrap(), serde_json::json!(spec.table));
            for key in spec.key {
                assert!(spec.has_column(key), "{}: key column {key}", spec.table);
            }
            assert!(spec.has_column(spec.tenant_column()), "{}", spec.table);
            for column in spec.columns {
                if let Some(fk) = column.references {
                    let parent = REGISTRY.iter().position(|s| s.table == fk.table);
                    assert!(parent.is_some_and(|p| p < position), "{}.{} -> {}", spec.table, column.name, fk.table);
                }
            }
        }
    }

    #[test]
    fn dependents_follow_the_seeds_rules() {
        let of = |kind: EntityKind| -> Vec<(&str, &str, OnDelete)> {
            dependents(kind).map(|d| (d.spec.table, d.column, d.on_delete)).collect()
        };
        assert_eq!(
            of(EntityKind::Content),
            [("touchpoints", "content_id", Restrict), ("quiz_versions", "content_id", Cascade)]
        );
        assert_eq!(
            of(EntityKind::WorkerAssignments),
            [
                ("worker_progress", "worker_assignment_id", Cascade),
                ("session_attendance", "worker_assignment_id", Cascade)
            ],
            "an enrollment's progress goes with it"
        );
        assert!(of(EntityKind::Programs).contains(&("experiments", "program_id", SetNull)));
        assert_eq!(of(EntityKind::WorkerProgress), [("quiz_attempts", "worker_progress_id", Cascade)]);
    }

    #[test]
    fn coordinators_write_field_records_but_not_authored_ones() {
        for table in [
            "workers",
            "worker_assignments",
            "worker_progress",
            "worker_segment",
            "worker_badges",
            "group_sessions",
            "session_attendance",
            "quiz_attempts",
            "well_being_checks",
        ] {
            assert!(EntityKind::from_table(table).unwrap().spec().may_write(Role::Coordinator), "{table}");
        }
        for table in [
            "content",
            "journey_blueprints",
            "phases",
            "touchpoints",
            "programs",
            "segments",
            "experiments",
            "badges",
            "quiz_versions",
        ] {
            assert!(!EntityKind::from_table(table).unwrap().spec().may_write(Role::Coordinator), "{table}");
        }
    }
}
