//! The commands of the coordinator's day (the device, workers, programs, sessions, sync
//! and deletes), declared once each: one-line adapters onto the service.

use crate::events::progress_to;
use crate::ipc::commands;
use crate::service::{
    today, DeviceStatus, EnrollTarget, GroupSessionInput, Home, PasswordChangeInput, PinInput, ProgramChoice,
    ProgramOutline, QuizVersionView, ReminderKey, SegmentChoice, SegmentName, SessionOfToday, SessionRecord,
    SetUpInput, SignInInput, SnoozeFor, SyncDetails, SyncSummary, UnlockInput, WellBeingCheckInput, WellBeingView,
    WorkerPage, WorkerQuery,
};
use stride_domain::api::RecordHistory;
use stride_domain::duplicates::DuplicateCandidate;
use stride_domain::input::WorkerInput;
use stride_domain::quiz::{Answers, QuizScore};
use stride_domain::staff::{IssuedSetUpCode, NewStaffMember, Staff, StaffMember, StaffUpdate};
use stride_domain::{
    AssignmentStatus, EntityKind, GroupSessionId, Organization, Page, ProgramId, QuizVersionId, TouchpointId, UserId,
    Worker, WorkerAssignmentId, WorkerId,
};
use stride_store::{DeletePlan, RosterEntry, SessionSummary, SyncStartedBy};

commands! {
    /// Whether the device is set up and signed in, and what waits to sync.
    fn device_status() -> DeviceStatus = run_while_locked |service| service.status();
    /// Unlocks as a person signed in here, with their password or PIN, offline; switching
    /// to another person is unlocking as them.
    fn unlock(input: UnlockInput) -> DeviceStatus = run_while_locked |service| service.unlock(input);
    /// Locks the app until a person signed in here unlocks it.
    fn lock() -> DeviceStatus = run_while_locked |service| service.lock();
    /// The window was used: keeps the app unlocked.
    fn keep_unlocked() -> () = run |_service| Ok(());
    /// Sets or removes the PIN of the person working.
    fn set_pin(input: PinInput) -> () = run |service| service.set_pin(input);
    /// When the device's data cannot be read (its key is missing or wrong): sets it aside,
    /// kept, and starts with an empty database to sign in to. Refused while the data opens.
    fn start_over() -> DeviceStatus = shell |state| state.start_over().await;
    fn set_up_device(input: SetUpInput) -> DeviceStatus = run |service| service.set_up(input);
    fn search_workers(query: WorkerQuery) -> Page<Worker> = run |service| service.search_workers(query);
    fn get_worker(id: WorkerId) -> Worker = run |service| service.get_worker(id);
    /// A worker with their enrollments, progress timeline, segments and badges.
    fn worker_page(id: WorkerId) -> WorkerPage = run |service| service.worker_page(id, today());
    /// Today's due touchpoints per program, recent activity and counts, all from this device.
    fn home() -> Home = run |service| service.home(today());
    /// A program's enrollments for whom a touchpoint is due today or overdue.
    fn due_enrollments(program_id: ProgramId, touchpoint_id: TouchpointId) -> Vec<WorkerAssignmentId> =
        run |service| service.due_enrollments(program_id, touchpoint_id, today());
    /// The programs on the device, by name, without their structure.
    fn program_choices() -> Vec<ProgramChoice> = run |service| service.program_choices();
    /// Marks an enrollment active, completed or dropped.
    fn set_enrollment_status(id: WorkerAssignmentId, status: AssignmentStatus) -> () =
        run |service| service.set_enrollment_status(id, status);
    /// Every program with its journeys, phases, touchpoints and how many are enrolled.
    fn programs() -> Vec<ProgramOutline> = run |service| service.programs();
    /// Who is actively enrolled in a program, by name.
    fn program_roster(program_id: ProgramId) -> Vec<RosterEntry> = run |service| service.roster(program_id);
    /// Segments on the device with how many workers each holds (rules judged: the slower).
    fn segments() -> Vec<SegmentChoice> = run |service| service.segments();
    /// Segments on the device, by name, without counting anyone.
    fn segment_names() -> Vec<SegmentName> = run |service| service.segment_names();
    /// Enrolls a worker or a segment's members in a program, in one commit; answers how many.
    fn enroll_in_program(program_id: ProgramId, whom: EnrollTarget) -> u32 =
        run |service| service.enroll_in_program(program_id, whom);
    /// Records a group session (or corrects one of today) in one commit.
    fn record_group_session(input: GroupSessionInput) -> SessionSummary =
        run |service| service.record_group_session(input, today());
    /// A recorded session with its workers' lines, to correct it.
    fn group_session(id: GroupSessionId) -> SessionRecord = run |service| service.group_session(id, today());
    /// The quiz a touchpoint gives, in its latest version (None: no quiz).
    fn touchpoint_quiz(touchpoint_id: TouchpointId) -> Option<QuizVersionView> =
        run |service| service.touchpoint_quiz(touchpoint_id);
    /// Scores answers against a quiz version, on the device.
    fn score_quiz(version_id: QuizVersionId, answers: Answers) -> QuizScore =
        run |service| service.score_quiz(version_id, &answers);
    /// The sessions held today, the latest first.
    fn sessions_of_today() -> Vec<SessionOfToday> = run |service| service.sessions_of_today(today());
    fn enroll_worker(input: WorkerInput) -> Worker = run |service| service.enroll_worker(input);
    fn update_worker(id: WorkerId, input: WorkerInput) -> Worker = run |service| service.update_worker(id, input);
    /// Workers who may be the same person as the one being entered (`except`: the one edited).
    fn find_duplicate_workers(input: WorkerInput, except: Option<WorkerId>) -> Vec<DuplicateCandidate> =
        run |service| service.find_duplicate_workers(input, except);
    /// Signs a person in online, adding them to the people on this laptop.
    fn sign_in(input: SignInInput) -> DeviceStatus =
        online_while_locked |app, service| service.sign_in(input, progress_to(app)).await;
    /// Signs in with the account the app was launched with (see DeviceStatus).
    fn sign_in_automatically() -> DeviceStatus =
        online_while_locked |app, service| service.sign_in_automatically(progress_to(app)).await;
    fn sync_now() -> SyncSummary = online |app, service| service.sync(SyncStartedBy::Button, progress_to(app)).await;
    /// Refused changes with their reasons, what waits, and the recent syncs.
    fn sync_details() -> SyncDetails = run |service| service.sync_details();
    /// Sends a refused change again, as a new change; answers with the new details.
    fn retry_change(seq: i64) -> SyncDetails = run |service| service.retry_change(seq);
    /// What deleting a row takes with it, before a person confirms (nothing is deleted).
    fn delete_plan(entity: EntityKind, key: String) -> DeletePlan = run |service| service.delete_plan(entity, key);
    /// Deletes a record and what the seed's rules say goes with it.
    fn delete_record(entity: EntityKind, key: String) -> () = run |service| service.delete_record(entity, key);
    /// Brings a deleted record back (and the deleted records it belongs to).
    fn restore_record(entity: EntityKind, key: String) -> () = run |service| service.restore_record(entity, key);
    fn dismiss_lost_edit(id: i64) -> () = run |service| service.dismiss_lost_edit(id);
    /// A record's history from the server (organization administrators, online).
    fn record_history(entity: EntityKind, key: String) -> RecordHistory =
        online |_app, service| service.record_history(entity, key).await;
    /// Signs the person working out of this laptop; every waiting change stays.
    fn sign_out() -> DeviceStatus = run |service| service.sign_out();
    /// Changes the signed-in person's own password (online; the current one is needed).
    fn change_password(input: PasswordChangeInput) -> () = online |_app, service| service.change_password(input).await;
    /// The organization's staff from the server (its administrators, online).
    fn staff() -> Staff = online |_app, service| service.staff().await;
    /// Adds a member of staff; answers with the set-up code to pass on, shown this once.
    fn add_staff_member(input: NewStaffMember) -> IssuedSetUpCode =
        online |_app, service| service.add_staff_member(input).await;
    /// Changes a member's role or name, deactivates or reactivates them.
    fn update_staff_member(user: UserId, update: StaffUpdate) -> StaffMember =
        online |_app, service| service.update_staff_member(user, update).await;
    /// A new set-up code for a member who forgot their password.
    fn issue_set_up_code(user: UserId) -> IssuedSetUpCode = online |_app, service| service.issue_set_up_code(user).await;
    /// Renames the organization (its administrators, online).
    fn rename_organization(name: String) -> Organization =
        online |_app, service| service.rename_organization(name).await;
    /// A worker's well-being: the questions, every check so far, the latest score and its change.
    fn worker_well_being(worker_id: WorkerId) -> WellBeingView = run |service| service.well_being(worker_id);
    /// Records a well-being check, scored on the device; answers the worker's well-being.
    fn record_well_being_check(input: WellBeingCheckInput) -> WellBeingView =
        run |service| service.record_well_being_check(input);
    /// Keeps a reminder off home and the desktop for an hour or until tomorrow.
    fn snooze_reminder(key: ReminderKey, snooze: SnoozeFor) -> () = run |service| service.snooze_reminder(key, snooze);
    /// After how many days overdue a worker is reminded of, on this device.
    fn set_reminder_overdue_days(days: String) -> () = run |service| service.set_reminder_overdue_days(days);
}
