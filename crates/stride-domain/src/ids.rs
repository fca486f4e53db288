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
    /// One installation of the app: the node of its hybrid logical clock.
    DeviceId;
    /// One captured change in a device's outbox.
    ChangeId;
}
