//! The seed schema's enumerations, and the marketplace's. Each is stored as its snake_case
//! name and checked by the databases that hold it (CHECK ... IN (...)); `ALL` lists the
//! values in schema order.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;
use ts_rs::TS;

/// A name that is not one of an enumeration's values.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{value:?} is not one of: {allowed}")]
pub struct UnknownVariant {
    pub value: String,
    pub allowed: String,
}

macro_rules! string_enum {
    ($($(#[$doc:meta])* $name:ident { $($variant:ident = $text:literal),+ $(,)? })*) => {$(
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
        #[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
        pub enum $name {
            $(#[serde(rename = $text)] #[cfg_attr(feature = "cli", value(name = $text))] $variant,)+
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            pub const NAMES: &'static [&'static str] = &[$($text),+];

            pub const fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text,)+
                }
            }
        }

        #[cfg(feature = "openapi")]
        $crate::openapi::string_schema!($name, None, Some($name::NAMES), stringify!($name));

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl FromStr for $name {
            type Err = UnknownVariant;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                match s {
                    $($text => Ok($name::$variant),)+
                    _ => Err(UnknownVariant { value: s.to_owned(), allowed: Self::NAMES.join(", ") }),
                }
            }
        }
    )*};
}

string_enum! {
    /// A client organization runs programs; an expert organization publishes content.
    OrganizationType { Client = "client", Expert = "expert" }
    SubscriptionTier { Basic = "basic", Standard = "standard", Premium = "premium" }
    /// The five staff roles. What each may write is in the entity registry.
    Role {
        OrgAdmin = "org_admin",
        TrainingManager = "training_manager",
        ProgramManager = "program_manager",
        ContentSpecialist = "content_specialist",
        Coordinator = "coordinator",
    }
    ContentType { Video = "video", Text = "text", Audio = "audio", Quiz = "quiz" }
    /// On what terms a content item (or a marketplace listing) may be used.
    LicenseType { Free = "free", Paid = "paid", Subscription = "subscription" }
    /// What a marketplace listing publishes: a journey blueprint (with its phases,
    /// touchpoints, content and media) or one content item.
    ListingKind { Journey = "journey", Content = "content" }
    /// A withdrawn listing takes no new licenses; its licensees keep what they have.
    ListingStatus { Published = "published", Withdrawn = "withdrawn" }
    /// A license as its publisher decided it (a free listing's is active at once).
    LicenseStatus { Requested = "requested", Active = "active", Declined = "declined" }
    /// What a licensee may do with its copy: a locked copy follows the listing's updates
    /// and is not edited; a forkable one may be forked into the licensee's own.
    CopyPolicy { Locked = "locked", Forkable = "forkable" }
    /// Whether a copied row still follows its listing (locked) or was forked.
    CopyState { Following = "following", Forked = "forked" }
    /// A part of a marketplace version, as an update names what changed.
    SnapshotPart { Journey = "journey", Phase = "phase", Touchpoint = "touchpoint", Content = "content" }
    /// What a newer version did to a part of the one copied.
    PartChange { Added = "added", Changed = "changed", Removed = "removed" }
    /// What of a part a newer version changed.
    PartField {
        Title = "title",
        Purpose = "purpose",
        Name = "name",
        Order = "order",
        Phase = "phase",
        Content = "content",
        Rule = "rule",
        Type = "type",
        Description = "description",
        Media = "media",
        Questions = "questions",
    }
    AssignmentStatus { Active = "active", Completed = "completed", Dropped = "dropped" }
    ExperimentStatus { Draft = "draft", Active = "active", Completed = "completed" }
    /// What an experiment varies. A/B versus multivariate is the number of variants.
    ExperimentType { JourneyLevel = "journey_level", ProgramLevel = "program_level" }
    /// Whether a worker on a group session's roster came.
    AttendanceStatus { Present = "present", Absent = "absent" }
    /// Who gave a quiz's answers on the laptop: the worker, handed it, or the
    /// coordinator, entering what the worker said.
    QuizTaker { Worker = "worker", Coordinator = "coordinator" }
    /// The answers a well-being question takes (`well_being.rs`).
    WellBeingScale { ZeroToTen = "zero_to_ten", OneToFive = "one_to_five" }
    /// What a challenge counts toward its goal (`points.rs`): different touchpoints
    /// completed, or points earned, within its window.
    ChallengeGoal { Touchpoints = "touchpoints", Points = "points" }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_unknown_names_are_refused() {
        for role in Role::ALL {
            assert_eq!(role.as_str().parse::<Role>(), Ok(*role));
            assert_eq!(serde_json::to_string(role).unwrap_or_default(), format!("\"{role}\""));
        }
        let err = "admin".parse::<Role>().unwrap_err();
        assert!(err.to_string().contains("org_admin"), "{err}");
    }
}
