//! The commands the window can invoke: one-line adapters onto the service.

use crate::error::AppError;
use crate::service::{
    today, BackgroundEvent, DeviceStatus, EnrollTarget, GroupSessionInput, Home, ProgramChoice, ProgramOutline,
    SegmentChoice, SegmentName, SetUpInput, SignInInput, SyncDetails, SyncProgress, SyncSummary, WorkerPage,
    WorkerQuery,
};
use crate::state::AppState;
use stride_domain::api::RecordHistory;
use stride_domain::duplicates::DuplicateCandidate;
use stride_domain::input::WorkerInput;
use stride_domain::{
    AssignmentStatus, EntityKind, Page, ProgramId, TouchpointId, Worker, WorkerAssignmentId, WorkerId,
};
use stride_store::{DeletePlan, RosterEntry, SyncStartedBy};
use tauri::{AppHandle, Emitter, State};

/// The event a running sync reports its progress on.
pub const SYNC_PROGRESS: &str = "sync-progress";
/// The event a sync the app started by itself ends with: `{ summary }` or `{ error }`.
pub const SYNC_FINISHED: &str = "sync-finished";
/// The event telling whether the server answers: `{ online }`.
pub const CONNECTION_CHANGED: &str = "connection-changed";

fn progress_to(app: AppHandle) -> impl FnMut(stride_sync::Progress) {
    move |progress| {
        let _ = app.emit(SYNC_PROGRESS, SyncProgress::from(progress));
    }
}

/// Sends what the background sync loop reports to the window.
pub fn tell_window(app: &AppHandle, event: BackgroundEvent) {
    let sent = match event {
        BackgroundEvent::Connection { online } => app.emit(CONNECTION_CHANGED, serde_json::json!({ "online": online })),
        BackgroundEvent::Progress(progress) => app.emit(SYNC_PROGRESS, progress),
        BackgroundEvent::Finished(Ok(summary)) => app.emit(SYNC_FINISHED, serde_json::json!({ "summary": summary })),
        BackgroundEvent::Finished(Err(error)) => app.emit(SYNC_FINISHED, serde_json::json!({ "error": error })),
    };
    if let Err(error) = sent {
        tracing::warn!(error = %error, "could not tell the window about a background sync");
    }
}

#[tauri::command]
pub async fn device_status(state: State<'_, AppState>) -> Result<DeviceStatus, AppError> {
    state.run(|service| service.status()).await
}

#[tauri::command]
pub async fn set_up_device(state: State<'_, AppState>, input: SetUpInput) -> Result<DeviceStatus, AppError> {
    state.run(move |service| service.set_up(input)).await
}

#[tauri::command]
pub async fn search_workers(state: State<'_, AppState>, query: WorkerQuery) -> Result<Page<Worker>, AppError> {
    state.run(move |service| service.search_workers(query)).await
}

#[tauri::command]
pub async fn get_worker(state: State<'_, AppState>, id: WorkerId) -> Result<Worker, AppError> {
    state.run(move |service| service.get_worker(id)).await
}

#[tauri::command]
pub async fn worker_page(state: State<'_, AppState>, id: WorkerId) -> Result<WorkerPage, AppError> {
    state.run(move |service| service.worker_page(id, today())).await
}

#[tauri::command]
pub async fn home(state: State<'_, AppState>) -> Result<Home, AppError> {
    state.run(|service| service.home(today())).await
}

#[tauri::command]
pub async fn due_enrollments(
    state: State<'_, AppState>,
    program_id: ProgramId,
    touchpoint_id: TouchpointId,
) -> Result<Vec<WorkerAssignmentId>, AppError> {
    state.run(move |service| service.due_enrollments(program_id, touchpoint_id, today())).await
}

#[tauri::command]
pub async fn program_choices(state: State<'_, AppState>) -> Result<Vec<ProgramChoice>, AppError> {
    state.run(|service| service.program_choices()).await
}

#[tauri::command]
pub async fn set_enrollment_status(
    state: State<'_, AppState>,
    id: WorkerAssignmentId,
    status: AssignmentStatus,
) -> Result<(), AppError> {
    state.run(move |service| service.set_enrollment_status(id, status)).await
}

#[tauri::command]
pub async fn programs(state: State<'_, AppState>) -> Result<Vec<ProgramOutline>, AppError> {
    state.run(|service| service.programs()).await
}

#[tauri::command]
pub async fn program_roster(state: State<'_, AppState>, program_id: ProgramId) -> Result<Vec<RosterEntry>, AppError> {
    state.run(move |service| service.roster(program_id)).await
}

#[tauri::command]
pub async fn segments(state: State<'_, AppState>) -> Result<Vec<SegmentChoice>, AppError> {
    state.run(|service| service.segments()).await
}

#[tauri::command]
pub async fn segment_names(state: State<'_, AppState>) -> Result<Vec<SegmentName>, AppError> {
    state.run(|service| service.segment_names()).await
}

#[tauri::command]
pub async fn enroll_in_program(
    state: State<'_, AppState>,
    program_id: ProgramId,
    whom: EnrollTarget,
) -> Result<u32, AppError> {
    state.run(move |service| service.enroll_in_program(program_id, whom)).await
}

#[tauri::command]
pub async fn record_group_session(state: State<'_, AppState>, input: GroupSessionInput) -> Result<u32, AppError> {
    state.run(move |service| service.record_group_session(input)).await
}

#[tauri::command]
pub async fn enroll_worker(state: State<'_, AppState>, input: WorkerInput) -> Result<Worker, AppError> {
    state.run(move |service| service.enroll_worker(input)).await
}

#[tauri::command]
pub async fn find_duplicate_workers(
    state: State<'_, AppState>,
    input: WorkerInput,
    except: Option<WorkerId>,
) -> Result<Vec<DuplicateCandidate>, AppError> {
    state.run(move |service| service.find_duplicate_workers(input, except)).await
}

#[tauri::command]
pub async fn update_worker(state: State<'_, AppState>, id: WorkerId, input: WorkerInput) -> Result<Worker, AppError> {
    state.run(move |service| service.update_worker(id, input)).await
}

#[tauri::command]
pub async fn sign_in(app: AppHandle, state: State<'_, AppState>, input: SignInInput) -> Result<DeviceStatus, AppError> {
    state.service()?.sign_in(input, progress_to(app)).await
}

#[tauri::command]
pub async fn sign_in_automatically(app: AppHandle, state: State<'_, AppState>) -> Result<DeviceStatus, AppError> {
    state.service()?.sign_in_automatically(progress_to(app)).await
}

#[tauri::command]
pub async fn sync_now(app: AppHandle, state: State<'_, AppState>) -> Result<SyncSummary, AppError> {
    state.service()?.sync(SyncStartedBy::Button, progress_to(app)).await
}

#[tauri::command]
pub async fn sync_details(state: State<'_, AppState>) -> Result<SyncDetails, AppError> {
    state.run(|service| service.sync_details()).await
}

/// What deleting a record would take with it (or why it may not be deleted).
#[tauri::command]
pub async fn delete_plan(state: State<'_, AppState>, entity: EntityKind, key: String) -> Result<DeletePlan, AppError> {
    state.run(move |service| service.delete_plan(entity, key)).await
}

#[tauri::command]
pub async fn delete_record(state: State<'_, AppState>, entity: EntityKind, key: String) -> Result<(), AppError> {
    state.run(move |service| service.delete_record(entity, key)).await
}

#[tauri::command]
pub async fn restore_record(state: State<'_, AppState>, entity: EntityKind, key: String) -> Result<(), AppError> {
    state.run(move |service| service.restore_record(entity, key)).await
}

#[tauri::command]
pub async fn dismiss_lost_edit(state: State<'_, AppState>, id: i64) -> Result<(), AppError> {
    state.run(move |service| service.dismiss_lost_edit(id)).await
}

/// A record's history from the server (organization administrators only).
#[tauri::command]
pub async fn record_history(
    state: State<'_, AppState>,
    entity: EntityKind,
    key: String,
) -> Result<RecordHistory, AppError> {
    state.service()?.record_history(entity, key).await
}

#[tauri::command]
pub async fn retry_change(state: State<'_, AppState>, seq: i64) -> Result<SyncDetails, AppError> {
    state.run(move |service| service.retry_change(seq)).await
}

#[tauri::command]
pub async fn sign_out(state: State<'_, AppState>) -> Result<DeviceStatus, AppError> {
    state.run(|service| service.sign_out()).await
}
