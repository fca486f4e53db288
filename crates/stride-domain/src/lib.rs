//! Stride's domain, pure and free of I/O: one id type per entity, the seed schema's
//! entities and enumerations, the validated values they are made of (names, emails,
//! phone numbers, scores, JSON documents), parsing of raw input into those values, the
//! registry of synced entities that drives both databases' generic SQL, the hybrid
//! logical clock that stamps every change, and the little languages of its JSON columns
//! (when a touchpoint is due, who is in a segment, who earns a badge, a quiz and its
//! answers, scored the same on every device; a well-being check's score), points,
//! challenges and leaderboards derived from progress, experiment assignment and the
//! statistics of its results, tiers and roles, the rules of staff management, sync scopes (which workers a coordinator's laptop holds), and the one way secrets are hashed.

pub mod access;
pub mod api;
pub mod badge;
pub mod change;
pub mod duplicates;
pub mod entities;
pub mod enums;
pub mod error_code;
pub mod experiment;
pub mod hlc;
pub mod ids;
pub mod input;
pub mod journey;
pub mod languages;
pub mod marketplace;
pub mod media;
pub mod migration;
#[cfg(feature = "openapi")]
pub mod openapi;
pub mod page;
pub mod points;
pub mod problem;
pub mod quiz;
pub mod registry;
pub mod scope;
pub mod secret;
pub mod segment;
pub mod staff;
pub mod stats;
pub mod tier;
pub mod validate;
pub mod values;
pub mod well_being;

pub use change::{Change, ChangeOp};
pub use entities::*;
pub use enums::*;
pub use error_code::ErrorCode;
pub use hlc::{Hlc, HlcClock};
pub use ids::*;
pub use page::Page;
pub use registry::{dependents, ColumnSpec, ColumnType, Dependent, EntityKind, EntitySpec, ForeignKey, OnDelete};
pub use values::*;
