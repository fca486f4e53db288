// The only module that talks to the Rust side. Every call is typed by the generated
// bindings; a failed call rejects with an AppError ({code, message, fields}).
import { invoke } from '@tauri-apps/api/core'
import { listen, type UnlistenFn } from '@tauri-apps/api/event'
import type {
  Account,
  BadgeDraft,
  BadgeId,
  BadgeInput,
  ContentId,
  ContentInput,
  ContentItem,
  DeletePlan,
  EntityKind,
  ExperimentDraft,
  ExperimentId,
  ExperimentInput,
  ExperimentResults,
  JourneyBlueprintId,
  JourneyDraft,
  JourneyInput,
  LeaderboardEntry,
  MediaProgress,
  OpenedMedia,
  OrganizationOverview,
  PhaseId,
  PhaseInput,
  PreviewStep,
  RecordHistory,
  ProgramDraft,
  ProgramInput,
  SegmentDraft,
  SegmentForm,
  SegmentId,
  SegmentInput,
  SegmentPreview,
  TouchpointInput,
  AppError,
  AssignmentStatus,
  DeviceStatus,
  Home,
  ProgramChoice,
  TouchpointId,
  WorkerAssignmentId,
  DuplicateCandidate,
  EnrollTarget,
  GroupSessionInput,
  ProgramId,
  SegmentChoice,
  SegmentName,
  ProgramOutline,
  Page,
  RosterEntry,
  SetUpInput,
  SignInInput,
  SyncDetails,
  SyncProgress,
  SyncSummary,
  Worker,
  WorkerId,
  WorkerInput,
  WorkerPage,
  WorkerQuery,
} from './bindings'

export type * from './bindings'

/** Whether a rejection is one of ours (and not, say, a bug in the page). */
export function isAppError(value: unknown): value is AppError {
  return typeof value === 'object' && value !== null && 'code' in value && 'message' in value
}

/** Any failure as an AppError: ours as it is, anything else as `internal`. */
export function asAppError(failure: unknown): AppError {
  return isAppError(failure) ? failure : { code: 'internal', message: String(failure), fields: [] }
}

async function call<T>(command: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(command, args)
  } catch (error) {
    throw asAppError(error)
  }
}

export const api = {
  deviceStatus: () => call<DeviceStatus>('device_status'),
  setUpDevice: (input: SetUpInput) => call<DeviceStatus>('set_up_device', { input }),
  searchWorkers: (query: WorkerQuery) => call<Page<Worker>>('search_workers', { query }),
  getWorker: (id: WorkerId) => call<Worker>('get_worker', { id }),
  /** Today's due touchpoints per program, recent activity and counts, all from this device. */
  home: () => call<Home>('home'),
  /** A program's enrollments for whom a touchpoint is due today or overdue. */
  dueEnrollments: (programId: ProgramId, touchpointId: TouchpointId) =>
    call<WorkerAssignmentId[]>('due_enrollments', { programId, touchpointId }),
  /** The programs on the device, by name, without their structure. */
  programChoices: () => call<ProgramChoice[]>('program_choices'),
  /** Marks an enrollment active, completed or dropped. */
  setEnrollmentStatus: (id: WorkerAssignmentId, status: AssignmentStatus) =>
    call<null>('set_enrollment_status', { id, status }),
  /** Every program with its journeys, phases, touchpoints and how many are enrolled. */
  programs: () => call<ProgramOutline[]>('programs'),
  /** Who is actively enrolled in a program, by name. */
  programRoster: (programId: ProgramId) => call<RosterEntry[]>('program_roster', { programId }),
  /** Segments on the device with how many workers each holds (rules judged: the slower). */
  segments: () => call<SegmentChoice[]>('segments'),
  /** Segments on the device, by name, without counting anyone. */
  segmentNames: () => call<SegmentName[]>('segment_names'),
  /** Enrolls a worker or a segment's members in a program, in one commit; answers how many. */
  enrollInProgram: (programId: ProgramId, whom: EnrollTarget) => call<number>('enroll_in_program', { programId, whom }),
  /** Records one touchpoint for every worker present, in one commit; answers how many. */
  recordGroupSession: (input: GroupSessionInput) => call<number>('record_group_session', { input }),
  /** A worker with their enrollments, progress timeline, segments and badges. */
  workerPage: (id: WorkerId) => call<WorkerPage>('worker_page', { id }),
  enrollWorker: (input: WorkerInput) => call<Worker>('enroll_worker', { input }),
  updateWorker: (id: WorkerId, input: WorkerInput) => call<Worker>('update_worker', { id, input }),
  findDuplicateWorkers: (input: WorkerInput, except: WorkerId | null) =>
    call<DuplicateCandidate[]>('find_duplicate_workers', { input, except }),
  signIn: (input: SignInInput) => call<DeviceStatus>('sign_in', { input }),
  /** Signs in with the account the app was launched with (see DeviceStatus). */
  signInAutomatically: () => call<DeviceStatus>('sign_in_automatically'),
  syncNow: () => call<SyncSummary>('sync_now'),
  /** Refused changes with their reasons, what waits, and the recent syncs. */
  syncDetails: () => call<SyncDetails>('sync_details'),
  /** Sends a refused change again, as a new change; answers with the new details. */
  retryChange: (seq: number) => call<SyncDetails>('retry_change', { seq }),
  signOut: () => call<DeviceStatus>('sign_out'),
  /** The signed-in account: its role, the screens it sees and what it may write. */
  account: () => call<Account>('account'),
  /** The organization's type, tier, the tier's limits and how much of them is used. */
  organizationOverview: () => call<OrganizationOverview>('organization_overview'),
  /** The content library, with whether each item's media is on this device. */
  contentLibrary: () => call<ContentItem[]>('content_library'),
  saveContent: (input: ContentInput) => call<ContentId>('save_content', { input }),
  /** Downloads a content item's media for offline use (progress: onMediaProgress). */
  downloadMedia: (id: ContentId) => call<ContentItem>('download_media', { id }),
  /** Opens downloaded media with no network: text as text, audio and video by type. */
  openMedia: (id: ContentId) => call<OpenedMedia>('open_media', { id }),
  /** The bytes of downloaded media, to play from a blob. */
  mediaBytes: (id: ContentId) => call<ArrayBuffer>('media_bytes', { id }),
  journeys: () => call<JourneyDraft[]>('journeys'),
  saveJourney: (input: JourneyInput) => call<JourneyBlueprintId>('save_journey', { input }),
  savePhase: (input: PhaseInput) => call<PhaseId>('save_phase', { input }),
  movePhase: (id: PhaseId, earlier: boolean) => call<null>('move_phase', { id, earlier }),
  saveTouchpoint: (input: TouchpointInput) => call<TouchpointId>('save_touchpoint', { input }),
  /** What deleting a row takes with it, before a person confirms (nothing is deleted). */
  deletePlan: (entity: EntityKind, key: string) => call<DeletePlan>('delete_plan', { entity, key }),
  /** Deletes a record and what the seed's rules say goes with it. */
  deleteRecord: (entity: EntityKind, key: string) => call<null>('delete_record', { entity, key }),
  /** Brings a deleted record back (and the deleted records it belongs to). */
  restoreRecord: (entity: EntityKind, key: string) => call<null>('restore_record', { entity, key }),
  dismissLostEdit: (id: number) => call<null>('dismiss_lost_edit', { id }),
  /** A record's history from the server (organization administrators, online). */
  recordHistory: (entity: EntityKind, key: string) => call<RecordHistory>('record_history', { entity, key }),
  /** What a worker would see of each touchpoint of a journey, judged by its rules. */
  previewJourney: (journey: JourneyBlueprintId, worker: WorkerId) =>
    call<PreviewStep[]>('preview_journey', { journey, worker }),
  programDrafts: () => call<ProgramDraft[]>('program_drafts'),
  saveProgram: (input: ProgramInput) => call<ProgramId>('save_program', { input }),
  segmentDrafts: () => call<SegmentDraft[]>('segment_drafts'),
  /** Who a segment form selects right now: the count and the first 50 by name. */
  previewSegment: (form: SegmentForm) => call<SegmentPreview>('preview_segment', { form }),
  saveSegment: (input: SegmentInput) => call<SegmentId>('save_segment', { input }),
  experimentDrafts: () => call<ExperimentDraft[]>('experiment_drafts'),
  saveExperiment: (input: ExperimentInput) => call<ExperimentId>('save_experiment', { input }),
  /** Assigns the audience's workers not yet assigned; answers how many. */
  assignExperiment: (id: ExperimentId) => call<number>('assign_experiment', { id }),
  experimentResults: (id: ExperimentId) => call<ExperimentResults>('experiment_results', { id }),
  badgeDrafts: () => call<BadgeDraft[]>('badge_drafts'),
  saveBadge: (input: BadgeInput) => call<BadgeId>('save_badge', { input }),
  awardBadge: (badge: BadgeId, worker: WorkerId) => call<null>('award_badge', { badge, worker }),
  leaderboard: (program: ProgramId) => call<LeaderboardEntry[]>('leaderboard', { program }),
  /** Calls `handler` as a media download comes in; returns how to stop. */
  onMediaProgress: (handler: (progress: MediaProgress) => void): Promise<UnlistenFn> =>
    listen<MediaProgress>('media-progress', (event) => handler(event.payload)),
  /** Calls `handler` with each progress report of a running sync; returns how to stop. */
  onSyncProgress: (handler: (progress: SyncProgress) => void): Promise<UnlistenFn> =>
    listen<SyncProgress>('sync-progress', (event) => handler(event.payload)),
  /** Calls `handler` when a sync the app started by itself (in the background) ends. */
  onSyncFinished: (handler: (outcome: BackgroundSyncOutcome) => void): Promise<UnlistenFn> =>
    listen<BackgroundSyncOutcome>('sync-finished', (event) => handler(event.payload)),
  /** Calls `handler` when the server starts or stops answering. */
  onConnectionChanged: (handler: (online: boolean) => void): Promise<UnlistenFn> =>
    listen<{ online: boolean }>('connection-changed', (event) => handler(event.payload.online)),
}

/** How a background sync ended (the `sync-finished` event). */
export type BackgroundSyncOutcome = { summary: SyncSummary } | { error: AppError }

export type Api = typeof api
