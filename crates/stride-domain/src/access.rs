//! What each role may see and do. Writing is decided per entity by the registry (and the
//! server refuses the rest: it is the authority); seeing is decided per screen here.
//! Every device pulls the whole organization, because what is due offline depends on
//! its journeys, experiments and rules, so hiding a screen is about focus, not secrecy:
//! coordinators do not see experiments (field staff who know the arms bias them), and
//! content specialists, who do not work with workers, see no worker lists.

use crate::registry::REGISTRY;
use crate::{EntityKind, Role};
use serde::Serialize;
use ts_rs::TS;

/// A screen of the app.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Screen {
    Home,
    Workers,
    Programs,
    GroupSession,
    Content,
    Journeys,
    Segments,
    Experiments,
    Badges,
    Organization,
    Marketplace,
}

impl Screen {
    pub const ALL: &'static [Screen] = &[
        Screen::Home,
        Screen::Workers,
        Screen::Programs,
        Screen::GroupSession,
        Screen::Content,
        Screen::Journeys,
        Screen::Segments,
        Screen::Experiments,
        Screen::Badges,
        Screen::Organization,
        Screen::Marketplace,
    ];
}

impl Role {
    pub fn sees(self, screen: Screen) -> bool {
        use Screen::*;
        match self {
            Role::OrgAdmin | Role::TrainingManager | Role::ProgramManager => true,
            Role::ContentSpecialist => {
                matches!(screen, Home | Programs | Content | Journeys | Badges | Organization | Marketplace)
            }
            Role::Coordinator => {
                matches!(screen, Home | Workers | Programs | GroupSession | Content | Badges | Organization)
            }
        }
    }

    pub fn may_write(self, kind: EntityKind) -> bool {
        kind.spec().may_write(self)
    }

    /// Whether the role may read a record's history (who changed what, from which
    /// device): the organization's administrators.
    pub fn reads_history(self) -> bool {
        self == Role::OrgAdmin
    }

    /// Whether the role manages the organization's staff and settings (on the server,
    /// which checks it again): its administrators.
    pub fn administers(self) -> bool {
        self == Role::OrgAdmin
    }
}

/// A role's screens and the entities it may write, as the window shows them.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct Permissions {
    pub role: Role,
    pub screens: Vec<Screen>,
    pub writes: Vec<EntityKind>,
    /// Whether a record's history may be read ([`Role::reads_history`]).
    pub reads_history: bool,
    /// Whether staff and the organization's settings may be managed ([`Role::administers`]).
    pub administers: bool,
    /// Whether the role publishes to the marketplace, in an expert organization
    /// ([`Role::publishes`]).
    pub publishes: bool,
    /// Whether the role licenses listings and copies them in, or decides the licenses of
    /// its organization's listings ([`Role::licenses`]).
    pub licenses: bool,
}

impl Permissions {
    pub fn of(role: Role) -> Self {
        Self {
            role,
            screens: Screen::ALL.iter().copied().filter(|s| role.sees(*s)).collect(),
            writes: REGISTRY.iter().filter(|spec| spec.may_write(role)).map(|spec| spec.kind).collect(),
            reads_history: role.reads_history(),
            administers: role.administers(),
            publishes: role.publishes(),
            licenses: role.licenses(),
        }
    }

    pub fn may_write(&self, kind: EntityKind) -> bool {
        self.writes.contains(&kind)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_role_sees_home_and_the_screens_it_may_write_for() {
        let editor_of = |screen: Screen| match screen {
            Screen::Content => Some(EntityKind::Content),
            Screen::Journeys => Some(EntityKind::Touchpoints),
            Screen::Segments => Some(EntityKind::Segments),
            Screen::Experiments => Some(EntityKind::Experiments),
            Screen::GroupSession => Some(EntityKind::WorkerProgress),
            _ => None,
        };
        for role in Role::ALL {
            let permissions = Permissions::of(*role);
            assert!(permissions.screens.contains(&Screen::Home));
            for screen in Screen::ALL {
                if let Some(kind) = editor_of(*screen) {
                    if role.may_write(kind) {
                        assert!(role.sees(*screen), "{role} may write {kind:?} but not see {screen:?}");
                    }
                }
            }
        }
        assert!(!Role::Coordinator.sees(Screen::Experiments));
        assert!(!Role::ContentSpecialist.sees(Screen::Workers));
        assert!(Permissions::of(Role::ContentSpecialist).may_write(EntityKind::Touchpoints));
        assert!(!Permissions::of(Role::Coordinator).may_write(EntityKind::Touchpoints));
        assert!(Permissions::of(Role::Coordinator).may_write(EntityKind::WorkerBadges));
    }
}
