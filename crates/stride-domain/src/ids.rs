//! One UUID newtype per entity, so a worker id cannot be passed where a program id is
//! expected. Ids are never numbers: UUIDv7, made on the device, so rows created offline
//! on many devices never collide and sort by creation time.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;
use ts_rs::TS;
use uuid::Uuid;

macro_rules! entity_id {
    ($($(#[$doc:meta])* $name:ident;)*) => {$(
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, TS)]
        #[serde(transparent)]
        pub struct $name(Uuid);

        impl $name {
            /// A new time-ordered id (UUIDv7).
            pub fn new() -> Self {
                Self(Uuid::now_v7())
            }
            pub const fn from_uuid(uuid: Uuid) -> Self {
                Self(uuid)
            }
            pub const fn as_uuid(&self) -> Uuid {
                self.0
            }
        }

        #[cfg(feature = "openapi")]
        $crate::openapi::string_schema!(
            $name,
            Some(utoipa::openapi::KnownFormat::Uuid),
            None,
            concat!("a UUID: ", stringify!($name))
        );

        impl Default for $name {
            fn default() -> Self {
                Self::new()
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }

        impl FromStr for $name {
            type Err = uuid::Error;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Uuid::parse_str(s).map(Self)
            }
        }

        impl From<$name> for Uuid {
            fn from(id: $name) -> Uuid {
                id.0
            }
        }
    )*};
}

entity_id! {
    /// An organization (tenant).
    OrganizationId;
    /// A staff user account.
    UserId;
    /// A frontline worker.
    WorkerId;
    SegmentId;
    ContentId;
    JourneyBlueprintId;
    PhaseId;
    TouchpointId;
    ProgramId;
    ProgramBlueprintId;
    WorkerAssignmentId;
    WorkerProgressId;
    ExperimentId;
    ExperimentVariantId;
    ExperimentAssignmentId;
    BadgeId;
    /// A group session: one touchpoint run for a program's workers at one sitting.
    GroupSessionId;
    /// One version of a quiz's questions.
    QuizVersionId;
    /// A worker's answers to a quiz.
    QuizAttemptId;
    /// A question an organization asks in its well-being checks.
    WellBeingQuestionId;
    /// One well-being check of one worker.
    WellBeingCheckId;
    /// An organization's points for a completed touchpoint and for a badge.
    PointValuesId;
    /// A goal set for a program's workers or a segment, within a window of dates.
    ChallengeId;
    /// One installation of the app: the node of its hybrid logical clock.
    DeviceId;
    /// One captured change in a device's outbox.
    ChangeId;
    /// A marketplace listing: a journey or content item an expert organization publishes.
    ListingId;
    /// A client organization's license to a listing (or its request for one).
    LicenseId;
    /// A licensed version copied into a client organization.
    MarketplaceCopyId;
}

/// The namespace of enrollment ids (a fixed random UUID).
const ENROLLMENT_NAMESPACE: Uuid = Uuid::from_u128(0x6f1c_2d4e_8a3b_4c5d_9e7f_0a1b_2c3d_4e5f);

impl WorkerAssignmentId {
    /// A worker's one enrollment in a program: its id follows from the two (UUIDv5 of the
    /// program's and the worker's ids), so devices that enroll the same worker offline
    /// write the same row, and all its progress stays on it.
    pub fn of(program: ProgramId, worker: WorkerId) -> Self {
        let mut name = [0u8; 32];
        name[..16].copy_from_slice(program.as_uuid().as_bytes());
        name[16..].copy_from_slice(worker.as_uuid().as_bytes());
        Self::from_uuid(Uuid::new_v5(&ENROLLMENT_NAMESPACE, &name))
    }
}

/// The namespace of the progress a group session records (a fixed random UUID).
const SESSION_PROGRESS_NAMESPACE: Uuid = Uuid::from_u128(0x3b8e_51c0_7d2a_4f69_a1c4_5e0d_9b72_e816);

impl WorkerProgressId {
    /// The progress a group session records for one enrollment: its id follows from
    /// the two, so correcting the session edits that row instead of adding another.
    pub fn of_session(session: GroupSessionId, assignment: WorkerAssignmentId) -> Self {
        let mut name = [0u8; 32];
        name[..16].copy_from_slice(session.as_uuid().as_bytes());
        name[16..].copy_from_slice(assignment.as_uuid().as_bytes());
        Self::from_uuid(Uuid::new_v5(&SESSION_PROGRESS_NAMESPACE, &name))
    }
}

/// The namespace of quiz attempts (a fixed random UUID).
const ATTEMPT_NAMESPACE: Uuid = Uuid::from_u128(0x9d41_0c7e_25b6_4a18_b3f2_6e8c_1d57_a0c9);

impl QuizAttemptId {
    /// The answers behind one progress record: one attempt per record, so answering
    /// again in a correction edits it.
    pub fn of_progress(progress: WorkerProgressId) -> Self {
        Self::from_uuid(Uuid::new_v5(&ATTEMPT_NAMESPACE, progress.as_uuid().as_bytes()))
    }
}

/// The namespace of an organization's point values (a fixed random UUID).
const POINT_VALUES_NAMESPACE: Uuid = Uuid::from_u128(0x4be2_93d0_7c1a_4f65_a8e7_02d9_6b3f_c514);

impl PointValuesId {
    /// An organization has one set of point values: its id follows from the
    /// organization's, so two managers setting them offline edit one row.
    pub fn of_organization(organization: OrganizationId) -> Self {
        Self::from_uuid(Uuid::new_v5(&POINT_VALUES_NAMESPACE, organization.as_uuid().as_bytes()))
    }
}

/// Hashes ids cheaply: a UUIDv7's last 74 bits are random already, so folding its bytes
/// with a multiply spreads them well, at a fraction of SipHash's cost. For maps that are
/// probed millions of times (what is due for every enrollment); never for keys an
/// outsider could choose to collide.
#[derive(Debug, Clone, Copy, Default)]
pub struct IdHasher(u64);

impl std::hash::Hasher for IdHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut word = [0u8; 8];
            word[..chunk.len()].copy_from_slice(chunk);
            self.write_u64(u64::from_le_bytes(word));
        }
    }
    fn write_u64(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
    fn write_usize(&mut self, word: usize) {
        self.write_u64(word as u64);
    }
}

/// A map keyed by ids, hashed with [`IdHasher`].
pub type IdMap<K, V> = std::collections::HashMap<K, V, std::hash::BuildHasherDefault<IdHasher>>;
/// A set of ids, hashed with [`IdHasher`].
pub type IdSet<K> = std::collections::HashSet<K, std::hash::BuildHasherDefault<IdHasher>>;
