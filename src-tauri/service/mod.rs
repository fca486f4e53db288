//! What the window can ask of the app, in plain Rust (no Tauri here): each operation
//! parses raw input into domain values at the edge, then calls the store.

use crate::error::AppError;
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use stride_domain::duplicates::DuplicateCandidate;
use stride_domain::input::WorkerInput;
use stride_domain::*;
use stride_store::{EnrollmentFilter, Store, WorkerSearch};
use stride_sync::Credentials;
use tokio::sync::Mutex;
use ts_rs::TS;

mod access;
mod authoring;
#[cfg(test)]
mod authoring_tests;
mod badges;
mod calendar;
mod challenges;
mod content;
mod deletes;
mod experiments;
mod history;
mod home;
mod marketplace;
mod people;
mod program_editor;
mod programs;
mod quizzes;
mod reminders;
mod reports;
mod segments;
mod sessions;
mod staff;
mod sync;
mod well_being;
mod worker_page;

pub use access::{Account, OrganizationOverview};
pub use authoring::{JourneyDraft, JourneyInput, PhaseInput, PreviewStep, TouchpointInput};
#[cfg(test)]
pub use authoring::{PreviewState, RuleForm};
#[cfg(test)]
pub use badges::AwardForm;
pub use badges::{BadgeDraft, BadgeInput};
pub use calendar::today;
pub use challenges::{ChallengeBoard, ChallengeInput, ChallengeSummary, PointsInput};
pub use content::MediaProgress;
pub use content::{ContentInput, ContentItem, OpenedMedia};
#[cfg(test)]
pub use experiments::VariantInput;
pub use experiments::{ExperimentDraft, ExperimentInput, ExperimentResults};
pub use home::Home;
pub use marketplace::CatalogView;
pub use people::{PinInput, UnlockInput, LOCK_AFTER};
pub use program_editor::{ProgramDraft, ProgramInput};
pub use programs::{EnrollTarget, ProgramChoice, ProgramOutline, SegmentChoice, SegmentName};
pub use quizzes::{QuizInput, QuizOverview, QuizVersionView};
pub use reminders::{ReminderKey, Reminders, SnoozeFor};
pub use reports::ProgramReport;
#[cfg(test)]
pub use segments::{Combine, ConditionForm};
pub use segments::{SegmentDraft, SegmentForm, SegmentInput, SegmentPreview};
pub use sessions::{GroupSessionInput, SessionOfToday, SessionRecord};
pub use staff::PasswordChangeInput;
#[cfg(test)]
pub use sync::RecordSyncState;
pub use sync::{BackgroundEvent, SignInInput, SyncDetails, SyncProgress, SyncSummary, CHECK_EVERY};
pub use well_being::{WellBeingCheckInput, WellBeingQuestionInput, WellBeingView};
pub use worker_page::WorkerPage;

/// Text a person typed, trimmed; None when nothing is left.
pub(crate) fn optional_text(raw: &str) -> Option<String> {
    Some(raw.trim().to_owned()).filter(|text| !text.is_empty())
}

pub struct Service {
    store: Arc<Store>,
    credentials: Credentials,
    /// The server address to offer at sign-in (STRIDE_SERVER_URL), if any.
    suggested_server_url: Option<String>,
    /// An account to sign in with at first start, given by whoever launched the app
    /// (`make run` gives the demo's); the password never goes to the window.
    automatic_sign_in: Option<AutomaticSignIn>,
    /// Held by the sync that runs (one at a time: the Sync button's or the background's).
    sync_turn: Mutex<()>,
    /// What the background's last check of the server found (`keep_in_sync`).
    online: std::sync::Mutex<Option<bool>>,
    /// Woken when a sync brought rows that may be due (`keep_reminding` looks again).
    reminders_may_change: tokio::sync::Notify,
    /// Whether a person may use the window now (`people.rs`).
    lock: std::sync::Mutex<people::LockState>,
}

/// Credentials handed to the app at launch (STRIDE_SIGN_IN_EMAIL and _PASSWORD).
#[derive(Clone)]
pub struct AutomaticSignIn {
    pub email: String,
    pub password: String,
}

/// What the window needs to know at start.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct DeviceStatus {
    pub device_id: DeviceId,
    /// None until the device is set up.
    pub organization: Option<Organization>,
    pub default_calling_code: Option<String>,
    pub pending_changes: u64,
    /// Changes the server refused, waiting for a person.
    pub rejected_changes: u64,
    /// The server this device signs in to, once it has.
    pub server_url: Option<String>,
    /// Whether the person working has a sign-in kept in the OS keyring.
    pub signed_in: bool,
    /// Everyone signed in on this laptop.
    pub people: Vec<stride_store::PersonOnDevice>,
    /// The person working (whom new changes are by), if anyone signed in here.
    pub working: Option<UserId>,
    /// Whether the app waits for a person to unlock it (see `unlock`).
    pub locked: bool,
    /// Wrong passwords or PINs in a row before a person must sign in online.
    pub unlock_tries: u32,
    /// How long the app stays unlocked without use.
    #[ts(type = "number")]
    pub lock_after_seconds: u64,
    pub last_sync_at: Option<Timestamp>,
    /// What the sign-in form offers as the server address.
    pub suggested_server_url: Option<String>,
    /// The account the app will sign in as by itself, when it was launched with one.
    pub automatic_sign_in_as: Option<String>,
    /// When an administrator's revocation erased this device's data (until the next
    /// sign-in), so the window can say why it is empty.
    pub wiped_at: Option<Timestamp>,
    /// Whether the server answered the background's last check (None: not asked yet),
    /// for a window that opens after the `connection-changed` event went out.
    pub online: Option<bool>,
    /// Why the last sync failed, if it did (`user_deactivated`: the person signed in
    /// here was deactivated, so the window asks for another).
    pub last_sync_error: Option<ErrorCode>,
}

/// The first-run form: the organization this device works for.
#[derive(Debug, Clone, Deserialize, TS)]
pub struct SetUpInput {
    pub organization_name: String,
    pub organization_type: OrganizationType,
    pub subscription_tier: SubscriptionTier,
    /// Completes phone numbers typed without their country code; may be empty.
    pub default_calling_code: String,
}

#[derive(Debug, Clone, Deserialize, TS)]
pub struct WorkerQuery {
    /// Part of a name or phone number; empty lists everyone.
    pub text: String,
    /// Only members of this segment.
    pub segment: Option<SegmentId>,
    /// Only workers enrolled in this program (in `enrollment`'s state, when given).
    pub program: Option<ProgramId>,
    /// Only workers whose enrollment (in `program`, or in any) is in this state.
    pub enrollment: Option<EnrollmentFilter>,
    #[ts(type = "number")]
    pub offset: u64,
    pub limit: u32,
}

impl Service {
    pub fn new(
        store: Store,
        credentials: Credentials,
        suggested_server_url: Option<String>,
        automatic_sign_in: Option<AutomaticSignIn>,
        lock_after: std::time::Duration,
    ) -> Result<Self, AppError> {
        let service = Self {
            store: Arc::new(store),
            credentials,
            suggested_server_url,
            automatic_sign_in,
            sync_turn: Mutex::new(()),
            online: std::sync::Mutex::new(None),
            reminders_may_change: tokio::sync::Notify::new(),
            lock: std::sync::Mutex::new(people::LockState::new(true, lock_after)),
        };
        service.lock_at_launch()?;
        Ok(service)
    }

    /// Runs `work` on the blocking pool: the store (SQLite) and the OS keyring never run
    /// on the async threads, which only wait on the network.
    pub async fn blocking<T: Send + 'static>(
        self: &Arc<Self>,
        work: impl FnOnce(&Service) -> Result<T, AppError> + Send + 'static,
    ) -> Result<T, AppError> {
        let service = Arc::clone(self);
        tokio::task::spawn_blocking(move || work(&service)).await?
    }

    pub fn status(&self) -> Result<DeviceStatus, AppError> {
        let device = self.store.device();
        let working = self.user_id()?;
        Ok(DeviceStatus {
            device_id: device.device_id,
            organization: self.store.organization()?,
            default_calling_code: self.store.default_calling_code()?.map(|code| code.as_str().to_owned()),
            pending_changes: self.store.pending_count()?,
            rejected_changes: self.store.rejected_count()?,
            server_url: self.store.server_url()?,
            signed_in: match working {
                Some(user) => self.credentials.load(device.device_id, user)?.is_some(),
                None => false,
            },
            people: self.store.people()?,
            working,
            locked: self.is_locked(),
            unlock_tries: stride_store::UNLOCK_TRIES,
            lock_after_seconds: self.lock_after().as_secs(),
            last_sync_at: self.store.last_sync_at()?,
            suggested_server_url: self.suggested_server_url.clone(),
            automatic_sign_in_as: self.automatic_sign_in.as_ref().map(|account| account.email.clone()),
            wiped_at: self.store.wiped_at()?,
            online: *self.online.lock().unwrap_or_else(std::sync::PoisonError::into_inner),
            last_sync_error: self.store.recent_sync_runs(1)?.first().and_then(|run| run.error_code),
        })
    }

    pub fn set_up(&self, input: SetUpInput) -> Result<DeviceStatus, AppError> {
        let name = Name::parse(&input.organization_name).map_err(|e| e.in_field("organization_name"));
        let code = match input.default_calling_code.trim() {
            "" => Ok(None),
            raw => CallingCode::parse(raw).map(Some).map_err(|e| e.in_field("default_calling_code")),
        };
        let (name, code) = match (name, code) {
            (Ok(name), Ok(code)) => (name, code),
            (name, code) => return Err(AppError::invalid(name.err().into_iter().chain(code.err()).collect())),
        };
        let now = self.store.now();
        let organization = Organization {
            id: OrganizationId::new(),
            name,
            organization_type: input.organization_type,
            subscription_tier: input.subscription_tier,
            created_at: now,
            updated_at: now,
        };
        self.store.set_up_organization(&organization)?;
        self.store.set_default_calling_code(code.as_ref())?;
        self.status()
    }

    pub fn search_workers(&self, query: WorkerQuery) -> Result<Page<Worker>, AppError> {
        Ok(self.store.search_workers(&WorkerSearch {
            text: query.text,
            segment: query.segment,
            program: query.program,
            enrollment: query.enrollment,
            offset: query.offset,
            limit: query.limit,
        })?)
    }

    pub fn get_worker(&self, id: WorkerId) -> Result<Worker, AppError> {
        let key = RowKey::of(id);
        self.store
            .get::<Worker>(&key)?
            .ok_or_else(|| stride_store::StoreError::NotFound { entity: EntityKind::Workers, key }.into())
    }

    pub fn enroll_worker(&self, input: WorkerInput) -> Result<Worker, AppError> {
        let organization_id = self.store.device().organization_id.ok_or(stride_store::StoreError::NoOrganization)?;
        let fields = input.parse(self.store.default_calling_code()?.as_ref()).map_err(AppError::invalid)?;
        self.require_write(EntityKind::Workers)?;
        self.require_room(EntityKind::Workers)?;
        let worker = fields.into_new_worker(organization_id, self.store.now());
        self.store.create(&worker)?;
        Ok(worker)
    }

    /// Workers already on the device who may be the person in the form (same phone,
    /// or a close name), for the form to show before it saves.
    pub fn find_duplicate_workers(
        &self,
        input: WorkerInput,
        except: Option<WorkerId>,
    ) -> Result<Vec<DuplicateCandidate>, AppError> {
        let fields = input.parse(self.store.default_calling_code()?.as_ref()).map_err(AppError::invalid)?;
        Ok(self.store.duplicate_candidates(&fields.full_name, fields.phone_number.as_ref(), except)?)
    }

    pub fn update_worker(&self, id: WorkerId, input: WorkerInput) -> Result<Worker, AppError> {
        self.require_write(EntityKind::Workers)?;
        let current = self.get_worker(id)?;
        let fields = input.parse(self.store.default_calling_code()?.as_ref()).map_err(AppError::invalid)?;
        self.store.update(&fields.applied_to(&current))?;
        self.get_worker(id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorCode;

    pub(super) fn service() -> (tempfile::TempDir, Service) {
        let dir = tempfile::tempdir().unwrap();
        let store =
            Store::open(dir.path().join("stride.sqlite3"), std::sync::Arc::new(stride_store::KeptInMemory::new()))
                .unwrap();
        (dir, Service::new(store, Credentials::new("org.stride.test.service"), None, None, LOCK_AFTER).unwrap())
    }

    pub(super) fn set_up_input(name: &str, code: &str) -> SetUpInput {
        SetUpInput {
            organization_name: name.into(),
            organization_type: OrganizationType::Client,
            subscription_tier: SubscriptionTier::Basic,
            default_calling_code: code.into(),
        }
    }

    pub(super) fn form(name: &str, phone: &str) -> WorkerInput {
        WorkerInput { full_name: name.into(), phone_number: phone.into(), ..Default::default() }
    }

    #[test]
    fn enrolling_needs_a_set_up_device_then_parses_and_stores_the_worker() {
        let (_dir, service) = service();
        assert_eq!(service.enroll_worker(form("Amina", "")).unwrap_err().code, ErrorCode::DeviceNotSetUp);

        let err = service.set_up(set_up_input(" ", "0x")).unwrap_err();
        let fields: Vec<_> = err.fields.iter().map(|f| f.field.as_str()).collect();
        assert_eq!((err.code, fields), (ErrorCode::InvalidInput, vec!["organization_name", "default_calling_code"]));

        let status = service.set_up(set_up_input("Lakeside Farms", "+254")).unwrap();
        assert_eq!(status.default_calling_code.as_deref(), Some("254"));
        assert_eq!(service.set_up(set_up_input("Again", "")).unwrap_err().code, ErrorCode::DeviceAlreadySetUp);

        let worker = service.enroll_worker(form("  Amina   Wanjiru ", "0712 345 678")).unwrap();
        assert_eq!(worker.phone_number.as_ref().map(PhoneNumber::as_str), Some("+254712345678"));
        assert_eq!(service.get_worker(worker.id).unwrap(), worker);
        assert_eq!(service.status().unwrap().pending_changes, 1);

        let err = service.enroll_worker(form("", "12")).unwrap_err();
        assert_eq!(err.code, ErrorCode::InvalidInput);
        assert_eq!(err.fields.len(), 2);
        assert_eq!(service.status().unwrap().pending_changes, 1, "a refused form writes nothing");

        let query =
            WorkerQuery { text: "wanj".into(), segment: None, program: None, enrollment: None, offset: 0, limit: 20 };
        let found = service.search_workers(query).unwrap();
        assert_eq!(found.items, vec![worker.clone()]);

        let edited = service.update_worker(worker.id, form("Amina W. Otieno", "+254712345678")).unwrap();
        assert_eq!(edited.full_name.as_str(), "Amina W. Otieno");
        assert_eq!(service.status().unwrap().pending_changes, 2);
        assert_eq!(service.get_worker(WorkerId::new()).unwrap_err().code, ErrorCode::NotFound);
    }

    #[test]
    fn the_sync_panel_lists_refused_changes_by_code_and_sends_one_again() {
        use stride_domain::api::{ChangeResult, Outcome};
        use stride_domain::ErrorCode;
        let (_dir, service) = service();
        service.set_up(set_up_input("Lakeside Farms", "254")).unwrap();
        service.enroll_worker(form("Amina Wanjiru", "")).unwrap();
        let entry = service.store.pending_changes(0, 1).unwrap().remove(0);
        let outcome = Outcome::Rejected { code: ErrorCode::MissingReference, reason: "server words".into() };
        let result = ChangeResult { seq: entry.seq, change_id: entry.change.change_id, outcome };
        service.store.record_push_results(&[result]).unwrap();

        let details = service.sync_details().unwrap();
        assert_eq!(details.needs_attention.len(), 1);
        let refused = &details.needs_attention[0];
        assert_eq!((refused.entity, refused.label.as_deref()), (EntityKind::Workers, Some("Amina Wanjiru")));
        assert_eq!((refused.code, refused.reason.as_str()), (Some(ErrorCode::MissingReference), "server words"));
        assert!(details.waiting.is_empty() && details.recent.is_empty());

        let details = service.retry_change(refused.seq).unwrap();
        assert!(details.needs_attention.is_empty());
        assert_eq!((details.waiting[0].entity, details.waiting[0].count), (EntityKind::Workers, 1));
        assert_eq!(service.retry_change(refused.seq).unwrap_err().code, ErrorCode::NotFound);
    }

    #[test]
    fn enrolling_in_a_program_not_on_the_device_is_refused_by_field() {
        let (_dir, service) = service();
        service.set_up(set_up_input("Lakeside Farms", "254")).unwrap();
        let err = service.enroll_in_program(ProgramId::new(), EnrollTarget::Segment(SegmentId::new())).unwrap_err();
        assert_eq!((err.code, err.fields[0].field.as_str()), (ErrorCode::InvalidInput, "program_id"));
        assert!(service.segments().unwrap().is_empty());
    }
}
