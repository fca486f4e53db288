//! The commands of authoring and program design (content, journeys, programs, segments,
//! experiments, badges) and of the account and organization: one-line adapters onto
//! the service, like `commands.rs`.

use crate::error::AppError;
use crate::service::{
    Account, BadgeDraft, BadgeInput, ContentInput, ContentItem, ExperimentDraft, ExperimentInput, ExperimentResults,
    JourneyDraft, JourneyInput, OpenedMedia, OrganizationOverview, PhaseInput, PreviewStep, ProgramDraft, ProgramInput,
    SegmentDraft, SegmentForm, SegmentInput, SegmentPreview, TouchpointInput,
};
use crate::state::AppState;
use stride_domain::{
    BadgeId, ContentId, ExperimentId, JourneyBlueprintId, PhaseId, ProgramId, SegmentId, TouchpointId, WorkerId,
};
use stride_store::LeaderboardEntry;
use tauri::{AppHandle, Emitter, State};

/// The event a running media download reports its progress on.
pub const MEDIA_PROGRESS: &str = "media-progress";

#[tauri::command]
pub async fn account(state: State<'_, AppState>) -> Result<Account, AppError> {
    state.run(|service| service.account()).await
}

#[tauri::command]
pub async fn organization_overview(state: State<'_, AppState>) -> Result<OrganizationOverview, AppError> {
    state.run(|service| service.organization_overview()).await
}

#[tauri::command]
pub async fn content_library(state: State<'_, AppState>) -> Result<Vec<ContentItem>, AppError> {
    state.run(|service| service.content_library()).await
}

#[tauri::command]
pub async fn download_media(
    app: AppHandle,
    state: State<'_, AppState>,
    id: ContentId,
) -> Result<ContentItem, AppError> {
    state.service()?.download_media(id, move |progress| drop(app.emit(MEDIA_PROGRESS, progress))).await
}

#[tauri::command]
pub async fn open_media(state: State<'_, AppState>, id: ContentId) -> Result<OpenedMedia, AppError> {
    state.run(move |service| service.open_media(id)).await
}

/// The bytes of downloaded media, sent raw (an ArrayBuffer in the window, not JSON).
#[tauri::command]
pub async fn media_bytes(state: State<'_, AppState>, id: ContentId) -> Result<tauri::ipc::Response, AppError> {
    state.run(move |service| service.media_bytes(id)).await.map(tauri::ipc::Response::new)
}

#[tauri::command]
pub async fn save_content(state: State<'_, AppState>, input: ContentInput) -> Result<ContentId, AppError> {
    state.run(move |service| service.save_content(input)).await
}

#[tauri::command]
pub async fn journeys(state: State<'_, AppState>) -> Result<Vec<JourneyDraft>, AppError> {
    state.run(|service| service.journeys()).await
}

#[tauri::command]
pub async fn save_journey(state: State<'_, AppState>, input: JourneyInput) -> Result<JourneyBlueprintId, AppError> {
    state.run(move |service| service.save_journey(input)).await
}

#[tauri::command]
pub async fn save_phase(state: State<'_, AppState>, input: PhaseInput) -> Result<PhaseId, AppError> {
    state.run(move |service| service.save_phase(input)).await
}

#[tauri::command]
pub async fn move_phase(state: State<'_, AppState>, id: PhaseId, earlier: bool) -> Result<(), AppError> {
    state.run(move |service| service.move_phase(id, earlier)).await
}

#[tauri::command]
pub async fn save_touchpoint(state: State<'_, AppState>, input: TouchpointInput) -> Result<TouchpointId, AppError> {
    state.run(move |service| service.save_touchpoint(input)).await
}

#[tauri::command]
pub async fn preview_journey(
    state: State<'_, AppState>,
    journey: JourneyBlueprintId,
    worker: WorkerId,
) -> Result<Vec<PreviewStep>, AppError> {
    state.run(move |service| service.preview_journey(journey, worker)).await
}

#[tauri::command]
pub async fn program_drafts(state: State<'_, AppState>) -> Result<Vec<ProgramDraft>, AppError> {
    state.run(|service| service.program_drafts()).await
}

#[tauri::command]
pub async fn save_program(state: State<'_, AppState>, input: ProgramInput) -> Result<ProgramId, AppError> {
    state.run(move |service| service.save_program(input)).await
}

#[tauri::command]
pub async fn segment_drafts(state: State<'_, AppState>) -> Result<Vec<SegmentDraft>, AppError> {
    state.run(|service| service.segment_drafts()).await
}

#[tauri::command]
pub async fn preview_segment(state: State<'_, AppState>, form: SegmentForm) -> Result<SegmentPreview, AppError> {
    state.run(move |service| service.preview_segment(form)).await
}

#[tauri::command]
pub async fn save_segment(state: State<'_, AppState>, input: SegmentInput) -> Result<SegmentId, AppError> {
    state.run(move |service| service.save_segment(input)).await
}

#[tauri::command]
pub async fn experiment_drafts(state: State<'_, AppState>) -> Result<Vec<ExperimentDraft>, AppError> {
    state.run(|service| service.experiment_drafts()).await
}

#[tauri::command]
pub async fn save_experiment(state: State<'_, AppState>, input: ExperimentInput) -> Result<ExperimentId, AppError> {
    state.run(move |service| service.save_experiment(input)).await
}

#[tauri::command]
pub async fn assign_experiment(state: State<'_, AppState>, id: ExperimentId) -> Result<u32, AppError> {
    state.run(move |service| service.assign_experiment(id)).await
}

#[tauri::command]
pub async fn experiment_results(state: State<'_, AppState>, id: ExperimentId) -> Result<ExperimentResults, AppError> {
    state.run(move |service| service.experiment_results(id)).await
}

#[tauri::command]
pub async fn badge_drafts(state: State<'_, AppState>) -> Result<Vec<BadgeDraft>, AppError> {
    state.run(|service| service.badge_drafts()).await
}

#[tauri::command]
pub async fn save_badge(state: State<'_, AppState>, input: BadgeInput) -> Result<BadgeId, AppError> {
    state.run(move |service| service.save_badge(input)).await
}

#[tauri::command]
pub async fn award_badge(state: State<'_, AppState>, badge: BadgeId, worker: WorkerId) -> Result<(), AppError> {
    state.run(move |service| service.award_badge(badge, worker)).await
}

#[tauri::command]
pub async fn leaderboard(state: State<'_, AppState>, program: ProgramId) -> Result<Vec<LeaderboardEntry>, AppError> {
    state.run(move |service| service.leaderboard(program)).await
}
