//! The seed schema's entities, one struct per table, field names equal to column names.
//! Every field is a validated value, so a struct holds a valid row; `Entity::check`
//! adds the rules that span fields (an end date not before its start).

use crate::enums::*;
use crate::ids::*;
use crate::registry::EntityKind;
use crate::values::*;
use chrono::NaiveDate;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use std::fmt;
use ts_rs::TS;

/// A row's identity within its organization, as text: the id, or for the link tables
/// the two ids joined by "/" in key order.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, TS)]
#[serde(transparent)]
pub struct RowKey(String);

#[cfg(feature = "openapi")]
crate::openapi::string_schema!(
    RowKey,
    None,
    None,
    "a row's id, or for a link table its two ids joined by / in key order"
);

impl RowKey {
    pub fn of(id: impl fmt::Display) -> Self {
        Self(id.to_string())
    }
    pub fn pair(first: impl fmt::Display, second: impl fmt::Display) -> Self {
        Self(format!("{first}/{second}"))
    }
    pub fn from_text(text: String) -> Self {
        Self(text)
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
    /// The key's parts in key order (one for most tables, two for link tables).
    pub fn parts(&self) -> impl Iterator<Item = &str> {
        self.0.split('/')
    }
}

impl fmt::Display for RowKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// What every stored entity can tell the generic repository and the sync engine.
pub trait Entity: Serialize + DeserializeOwned + Clone + fmt::Debug + PartialEq + Send + Sync + 'static {
    const KIND: EntityKind;
    fn row_key(&self) -> RowKey;
    fn organization_id(&self) -> OrganizationId;
    /// Rules that span fields. Single values are already valid by their types; the
    /// whole judgement of a row is `validate::entity`.
    fn check(&self) -> Result<(), ValidationError> {
        Ok(())
    }
}

macro_rules! entity {
    ($kind:ident, $ty:ident, id) => {
        impl Entity for $ty {
            const KIND: EntityKind = EntityKind::$kind;
            fn row_key(&self) -> RowKey {
                RowKey::of(self.id)
            }
            fn organization_id(&self) -> OrganizationId {
                self.organization_id
            }
        }
    };
    ($kind:ident, $ty:ident, id, check = $check:expr) => {
        impl Entity for $ty {
            const KIND: EntityKind = EntityKind::$kind;
            fn row_key(&self) -> RowKey {
                RowKey::of(self.id)
            }
            fn organization_id(&self) -> OrganizationId {
                self.organization_id
            }
            fn check(&self) -> Result<(), ValidationError> {
                let check: fn(&Self) -> Result<(), ValidationError> = $check;
                check(self)
            }
        }
    };
    ($kind:ident, $ty:ident, pair($first:ident, $second:ident), check = $check:expr) => {
        impl Entity for $ty {
            const KIND: EntityKind = EntityKind::$kind;
            fn row_key(&self) -> RowKey {
                RowKey::pair(self.$first, self.$second)
            }
            fn organization_id(&self) -> OrganizationId {
                self.organization_id
            }
            fn check(&self) -> Result<(), ValidationError> {
                let check: fn(&Self) -> Result<(), ValidationError> = $check;
                check(self)
            }
        }
    };
    ($kind:ident, $ty:ident, pair($first:ident, $second:ident)) => {
        impl Entity for $ty {
            const KIND: EntityKind = EntityKind::$kind;
            fn row_key(&self) -> RowKey {
                RowKey::pair(self.$first, self.$second)
            }
            fn organization_id(&self) -> OrganizationId {
                self.organization_id
            }
        }
    };
}

/// Refuses an end before its start.
fn ordered<T: PartialOrd>(start: Option<T>, end: Option<T>) -> Result<(), ValidationError> {
    match (start, end) {
        (Some(start), Some(end)) if end < start => Err(ValidationError::new("end_date", InvalidValue::EndsBeforeStart)),
        _ => Ok(()),
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Organization {
    pub id: OrganizationId,
    pub name: Name,
    #[serde(rename = "type")]
    pub organization_type: OrganizationType,
    pub subscription_tier: SubscriptionTier,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

impl Entity for Organization {
    const KIND: EntityKind = EntityKind::Organizations;
    fn row_key(&self) -> RowKey {
        RowKey::of(self.id)
    }
    fn organization_id(&self) -> OrganizationId {
        self.id
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct User {
    pub id: UserId,
    pub organization_id: OrganizationId,
    pub email: Email,
    pub role: Role,
    pub display_name: Option<Name>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    /// When an administrator deactivated them; None while they may work.
    #[serde(default)]
    pub deactivated_at: Option<Timestamp>,
}
entity!(Users, User, id);

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Worker {
    pub id: WorkerId,
    pub organization_id: OrganizationId,
    pub full_name: Name,
    pub phone_number: Option<PhoneNumber>,
    pub well_being_score: Option<Score>,
    pub performance_metric: Option<Score>,
    pub custom_attributes: CustomAttributes,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}
entity!(Workers, Worker, id);

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Segment {
    pub id: SegmentId,
    pub organization_id: OrganizationId,
    pub name: Name,
    pub rule_definition: Option<JsonObject>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}
entity!(Segments, Segment, id);

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct WorkerSegment {
    pub worker_id: WorkerId,
    pub segment_id: SegmentId,
    pub organization_id: OrganizationId,
    pub assigned_at: Timestamp,
}
entity!(WorkerSegment, WorkerSegment, pair(worker_id, segment_id));

/// Where a copied row came from: the marketplace listing and version it was copied from,
/// and whether its copy still follows the listing. All three or none (a row of the
/// organization's own); written by the server only.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize, TS)]
pub struct Source {
    #[serde(default)]
    pub source_listing_id: Option<ListingId>,
    #[serde(default)]
    pub source_version: Option<u32>,
    #[serde(default)]
    pub source_state: Option<CopyState>,
}

impl Source {
    /// Whether the row is a copy that follows its listing: the server updates it, and
    /// nobody else may change it.
    pub fn is_locked(&self) -> bool {
        self.source_state == Some(CopyState::Following)
    }

    fn check(&self) -> Result<(), ValidationError> {
        let given = [self.source_listing_id.is_some(), self.source_version.is_some(), self.source_state.is_some()];
        match given {
            [true, true, true] | [false, false, false] => Ok(()),
            _ => Err(ValidationError::new("source_listing_id", InvalidValue::IncompleteSource)),
        }
    }
}

/// An entity a marketplace copy is made of (content, journeys, phases, touchpoints).
pub trait Copied: Entity {
    fn source(&self) -> &Source;
}

macro_rules! copied {
    ($($ty:ident),*) => {$(
        impl Copied for $ty {
            fn source(&self) -> &Source {
                &self.source
            }
        }
    )*};
}
copied!(Content, JourneyBlueprint, Phase, Touchpoint);

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Content {
    pub id: ContentId,
    pub organization_id: OrganizationId,
    #[serde(rename = "type")]
    pub content_type: ContentType,
    pub title: Option<Name>,
    pub description: Option<String>,
    pub media_url: Option<String>,
    pub license_type: Option<LicenseType>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    #[serde(flatten)]
    #[ts(flatten)]
    pub source: Source,
}
entity!(Content, Content, id, check = |c| c.source.check());

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct JourneyBlueprint {
    pub id: JourneyBlueprintId,
    pub organization_id: OrganizationId,
    pub title: Name,
    pub purpose: Option<String>,
    pub created_by: Option<UserId>,
    pub updated_by: Option<UserId>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    #[serde(flatten)]
    #[ts(flatten)]
    pub source: Source,
    /// For a copy of a marketplace listing, the last day its license is in force (None:
    /// no end): workers are not newly enrolled in it after that day. Written by the server.
    #[serde(default, deserialize_with = "optional_date")]
    pub licensed_until: Option<NaiveDate>,
}
entity!(JourneyBlueprints, JourneyBlueprint, id, check = |j| j.source.check());

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Phase {
    pub id: PhaseId,
    pub journey_blueprint_id: JourneyBlueprintId,
    pub organization_id: OrganizationId,
    pub name: Name,
    pub sequence_order: i32,
    #[serde(flatten)]
    #[ts(flatten)]
    pub source: Source,
}
entity!(Phases, Phase, id, check = |p| p.source.check());

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Touchpoint {
    pub id: TouchpointId,
    pub phase_id: PhaseId,
    pub content_id: ContentId,
    pub organization_id: OrganizationId,
    pub rule_logic: Option<JsonObject>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    #[serde(flatten)]
    #[ts(flatten)]
    pub source: Source,
}
entity!(Touchpoints, Touchpoint, id, check = |t| t.source.check());

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Program {
    pub id: ProgramId,
    pub organization_id: OrganizationId,
    pub name: Name,
    #[serde(default, deserialize_with = "optional_date")]
    pub start_date: Option<NaiveDate>,
    #[serde(default, deserialize_with = "optional_date")]
    pub end_date: Option<NaiveDate>,
    pub created_by: Option<UserId>,
    pub updated_by: Option<UserId>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}
entity!(Programs, Program, id, check = |p| ordered(p.start_date, p.end_date));

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct ProgramBlueprint {
    pub id: ProgramBlueprintId,
    pub program_id: ProgramId,
    pub journey_blueprint_id: JourneyBlueprintId,
    pub organization_id: OrganizationId,
    pub order_in_program: i32,
}
entity!(ProgramBlueprints, ProgramBlueprint, id);

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct WorkerAssignment {
    pub id: WorkerAssignmentId,
    pub program_id: ProgramId,
    pub worker_id: WorkerId,
    pub organization_id: OrganizationId,
    pub enrollment_date: Timestamp,
    pub status: AssignmentStatus,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}
entity!(WorkerAssignments, WorkerAssignment, id);

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct WorkerProgress {
    pub id: WorkerProgressId,
    pub worker_assignment_id: WorkerAssignmentId,
    pub touchpoint_id: TouchpointId,
    pub organization_id: OrganizationId,
    pub started_at: Option<Timestamp>,
    pub completed_at: Option<Timestamp>,
    pub score: Option<Score>,
    pub feedback_text: Option<String>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}
entity!(
    WorkerProgress,
    WorkerProgress,
    id,
    check = |p| match (p.started_at, p.completed_at) {
        (Some(start), Some(end)) if end < start =>
            Err(ValidationError::new("completed_at", InvalidValue::CompletedBeforeStart)),
        _ => Ok(()),
    }
);

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Experiment {
    pub id: ExperimentId,
    pub organization_id: OrganizationId,
    pub experiment_type: ExperimentType,
    pub name: Name,
    pub status: ExperimentStatus,
    pub start_date: Option<Timestamp>,
    pub end_date: Option<Timestamp>,
    pub created_by: Option<UserId>,
    pub updated_by: Option<UserId>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    /// The audience: the workers of this program…
    #[serde(default)]
    pub program_id: Option<ProgramId>,
    /// …or of this segment, whom the experiment assigns to its variants.
    #[serde(default)]
    pub segment_id: Option<SegmentId>,
}
entity!(Experiments, Experiment, id, check = |e| ordered(e.start_date, e.end_date));

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct ExperimentVariant {
    pub id: ExperimentVariantId,
    pub experiment_id: ExperimentId,
    pub organization_id: OrganizationId,
    pub variant_name: Name,
    pub variant_details: Option<JsonObject>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}
entity!(ExperimentVariants, ExperimentVariant, id);

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct ExperimentAssignment {
    pub id: ExperimentAssignmentId,
    pub experiment_variant_id: ExperimentVariantId,
    pub worker_id: Option<WorkerId>,
    pub organization_id: OrganizationId,
    pub assigned_at: Timestamp,
}
entity!(ExperimentAssignments, ExperimentAssignment, id);

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Badge {
    pub id: BadgeId,
    pub organization_id: OrganizationId,
    pub name: Name,
    pub description: Option<String>,
    pub icon_url: Option<String>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    /// When the device awards it by itself (`badge.rs`); None: by hand only.
    #[serde(default)]
    pub award_rule: Option<JsonObject>,
}
entity!(
    Badges,
    Badge,
    id,
    check = |b| if b.name.as_str().chars().count() > 100 {
        Err(ValidationError::new("name", InvalidValue::TooLong { chars: b.name.as_str().chars().count(), max: 100 }))
    } else {
        Ok(())
    }
);

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct WorkerBadge {
    pub worker_id: WorkerId,
    pub badge_id: BadgeId,
    pub organization_id: OrganizationId,
    pub awarded_at: Timestamp,
}
entity!(WorkerBadges, WorkerBadge, pair(worker_id, badge_id));

/// A group session: one touchpoint run for a program's workers, from `started_at` to
/// `completed_at`. Who came is in its attendance; each present worker's result is their
/// progress row (`WorkerProgressId::of_session`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct GroupSession {
    pub id: GroupSessionId,
    pub organization_id: OrganizationId,
    pub program_id: ProgramId,
    pub touchpoint_id: TouchpointId,
    pub started_at: Timestamp,
    pub completed_at: Timestamp,
    pub recorded_by: Option<UserId>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}
entity!(
    GroupSessions,
    GroupSession,
    id,
    check = |s| if s.completed_at < s.started_at {
        Err(ValidationError::new("completed_at", InvalidValue::CompletedBeforeStart))
    } else {
        Ok(())
    }
);

/// Whether one worker on a session's roster came, and what they answered when asked to
/// reflect on it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct SessionAttendance {
    pub group_session_id: GroupSessionId,
    pub worker_assignment_id: WorkerAssignmentId,
    pub organization_id: OrganizationId,
    pub status: AttendanceStatus,
    pub reflection_text: Option<String>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}
entity!(
    SessionAttendance,
    SessionAttendance,
    pair(group_session_id, worker_assignment_id),
    check = |a| if a.status == AttendanceStatus::Absent && a.reflection_text.is_some() {
        Err(ValidationError::new("reflection_text", InvalidValue::ResultForAbsent))
    } else {
        Ok(())
    }
);

/// One version of a quiz content item's questions (`quiz.rs`). Versions are written,
/// never edited: the latest is the quiz, and each attempt names the one it answered.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct QuizVersion {
    pub id: QuizVersionId,
    pub content_id: ContentId,
    pub organization_id: OrganizationId,
    /// 1 for the first, one more for each change.
    pub version_number: i32,
    pub definition: JsonObject,
    pub created_by: Option<UserId>,
    pub created_at: Timestamp,
}
entity!(
    QuizVersions,
    QuizVersion,
    id,
    check = |q| if q.version_number < 1 {
        Err(ValidationError::new("version_number", InvalidValue::OutOfRange { min: 1, max: i64::from(i32::MAX) }))
    } else {
        Ok(())
    }
);

/// A worker's answers to a quiz, behind their progress record on its touchpoint, with
/// the points they scored against the version they were given.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct QuizAttempt {
    pub id: QuizAttemptId,
    pub worker_progress_id: WorkerProgressId,
    pub quiz_version_id: QuizVersionId,
    pub organization_id: OrganizationId,
    pub answers: JsonObject,
    pub points: i32,
    pub total: i32,
    pub taken_by: QuizTaker,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}
entity!(
    QuizAttempts,
    QuizAttempt,
    id,
    check = |a| if a.points < 0 || a.points > a.total {
        Err(ValidationError::new("points", InvalidValue::OutOfRange { min: 0, max: i64::from(a.total.max(0)) }))
    } else {
        Ok(())
    }
);

/// A question an organization asks in its well-being checks, on its scale.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct WellBeingQuestion {
    pub id: WellBeingQuestionId,
    pub organization_id: OrganizationId,
    pub prompt: Name,
    pub scale: WellBeingScale,
    /// Where it comes in the check (lowest first).
    pub position: i32,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}
entity!(WellBeingQuestions, WellBeingQuestion, id);

/// One well-being check of a worker: the answers, by question, and their score
/// (`well_being.rs`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct WellBeingCheck {
    pub id: WellBeingCheckId,
    pub worker_id: WorkerId,
    pub organization_id: OrganizationId,
    pub answers: JsonObject,
    pub score: Score,
    pub checked_at: Timestamp,
    pub recorded_by: Option<UserId>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}
entity!(WellBeingChecks, WellBeingCheck, id);

/// The most points one touchpoint or one badge may be worth.
pub const MAX_POINT_VALUE: i32 = 1_000;
/// The largest goal a challenge may set.
pub const MAX_CHALLENGE_GOAL: i32 = 100_000;

/// The points an organization gives for each different touchpoint a worker completes
/// and for each badge they earn (`points.rs`). One row per organization, its id
/// following from the organization's ([`PointValuesId::of_organization`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct PointValues {
    pub id: PointValuesId,
    pub organization_id: OrganizationId,
    pub per_touchpoint: i32,
    pub per_badge: i32,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}
entity!(
    PointValues,
    PointValues,
    id,
    check = |v| {
        let range = 0..=MAX_POINT_VALUE;
        if v.id != PointValuesId::of_organization(v.organization_id) {
            Err(ValidationError::new("id", InvalidValue::NotDerivedId))
        } else if !range.contains(&v.per_touchpoint) {
            Err(ValidationError::new(
                "per_touchpoint",
                InvalidValue::OutOfRange { min: 0, max: i64::from(*range.end()) },
            ))
        } else if !range.contains(&v.per_badge) {
            Err(ValidationError::new("per_badge", InvalidValue::OutOfRange { min: 0, max: i64::from(*range.end()) }))
        } else {
            Ok(())
        }
    }
);

/// A goal for a program's workers or a segment's members, to be reached within a
/// window: so many different touchpoints completed, or so many points earned
/// (`points.rs`). The window is two instants, the first and the first after it, so
/// every device counts the same completions in it whatever its clock's time zone.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Challenge {
    pub id: ChallengeId,
    pub organization_id: OrganizationId,
    pub title: Name,
    pub description: Option<String>,
    pub goal_kind: ChallengeGoal,
    pub goal: i32,
    pub starts_at: Timestamp,
    /// The first instant after the window.
    pub ends_at: Timestamp,
    /// The audience: this program's enrolled workers…
    pub program_id: Option<ProgramId>,
    /// …or this segment's members.
    pub segment_id: Option<SegmentId>,
    pub created_by: Option<UserId>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}
entity!(
    Challenges,
    Challenge,
    id,
    check = |c| if !(1..=MAX_CHALLENGE_GOAL).contains(&c.goal) {
        Err(ValidationError::new("goal", InvalidValue::OutOfRange { min: 1, max: i64::from(MAX_CHALLENGE_GOAL) }))
    } else if c.ends_at <= c.starts_at {
        Err(ValidationError::new("ends_at", InvalidValue::EndsBeforeStart))
    } else {
        match (c.program_id, c.segment_id) {
            (Some(_), Some(_)) => Err(ValidationError::new("segment_id", InvalidValue::AudienceOfBoth)),
            (None, None) => Err(ValidationError::new("program_id", InvalidValue::NoAudience)),
            _ => Ok(()),
        }
    }
);
