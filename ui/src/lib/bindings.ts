// Generated from the Rust types by src-tauri/bindings.rs (`make bindings`). Do not edit.

/**
 * An organization (tenant).
 */

export type OrganizationId = string;

/**
 * A frontline worker.
 */

export type WorkerId = string;

/**
 * One installation of the app: the node of its hybrid logical clock.
 */

export type DeviceId = string;

/**
 * A name or title: trimmed, inner runs of white space folded to one space,
 * 1 to 255 characters.
 */

export type Name = string;

/**
 * A point in time, UTC, to the millisecond: the precision both databases keep, so a
 * value read back compares equal to the one written. Serialized as
 * "2026-11-22T03:39:00.000Z", which sorts as text.
 */

export type Timestamp = string;

/**
 * A phone number in international form: "+" then the country calling code and the
 * subscriber number, digits only ("+254712345678"), 8 to 15 digits (E.164).
 */

export type PhoneNumber = string;

/**
 * A score from 0 to 100, kept to two decimal places (the seed's DECIMAL(5,2)).
 */

export type Score = number;

/**
 * A worker's custom attributes, such as site or language: keys are 1 to 64 lower-case
 * letters, digits or underscores; values are text, numbers or true/false.
 */

export type CustomAttributes = Record<string, string | number | boolean>;

/**
 * A client organization runs programs; an expert organization publishes content.
 */

export type OrganizationType = "client" | "expert";

export type SubscriptionTier = "basic" | "standard" | "premium";

/**
 * The five staff roles. What each may write is in the entity registry.
 */

export type Role = "org_admin" | "training_manager" | "program_manager" | "content_specialist" | "coordinator";

export type Organization = { id: OrganizationId, name: Name, type: OrganizationType, subscription_tier: SubscriptionTier, created_at: Timestamp, updated_at: Timestamp, };

export type Worker = { id: WorkerId, organization_id: OrganizationId, full_name: Name, phone_number: PhoneNumber | null, well_being_score: Score | null, performance_metric: Score | null, custom_attributes: CustomAttributes, created_at: Timestamp, updated_at: Timestamp, };

export type Page<T> = { items: Array<T>, 
/**
 * How many rows match in all.
 */
total: number, 
/**
 * Where this page starts within them.
 */
offset: number, };

/**
 * A worker's fields as typed into the enrollment or edit form. Empty text means "none"
 * for the optional fields.
 */

export type WorkerInput = { full_name: string, phone_number: string, well_being_score: string, performance_metric: string, custom_attributes: { [key in string]: string }, };

/**
 * Why an existing worker may be the one being enrolled.
 */

export type DuplicateReason = "same_phone" | "similar_name";

/**
 * An existing worker who may be the one being enrolled, and why.
 */

export type DuplicateCandidate = { worker: Worker, reasons: Array<DuplicateReason>, };

/**
 * Workers by the state of their enrollments.
 */

export type EnrollmentFilter = "active" | "completed" | "dropped" | "not_enrolled";

export type WorkerQuery = { 
/**
 * Part of a name or phone number; empty lists everyone.
 */
text: string, 
/**
 * Only members of this segment.
 */
segment: SegmentId | null, 
/**
 * Only workers enrolled in this program (in `enrollment`'s state, when given).
 */
program: ProgramId | null, 
/**
 * Only workers whose enrollment (in `program`, or in any) is in this state.
 */
enrollment: EnrollmentFilter | null, offset: number, limit: number, };

export type WorkerAssignmentId = string;

export type WorkerProgressId = string;

export type AssignmentStatus = "active" | "completed" | "dropped";

export type ContentType = "video" | "text" | "audio" | "quiz";

/**
 * Whether one record has reached the server.
 */

export type RecordSyncState = { "state": "synced" } | { "state": "waiting" } | { "state": "needs_attention", code: ErrorCode | null, reason: string, };

/**
 * How a due moment stands against a day.
 */

export type Urgency = "overdue" | "today" | "later";

export type Enrollment = { id: WorkerAssignmentId, program_id: ProgramId, program: string, status: AssignmentStatus, enrolled_at: Timestamp, sync: RecordSyncState, };

/**
 * A touchpoint due for the worker, now or later.
 */

export type NextTouchpoint = { touchpoint_id: TouchpointId, program: string, title: string | null, due_at: Timestamp, urgency: Urgency, };

/**
 * One progress record, named by its touchpoint's content.
 */

export type ProgressEntry = { id: WorkerProgressId, program: string, 
/**
 * The touchpoint's content title (None when it has none).
 */
title: string | null, content_type: ContentType | null, started_at: Timestamp | null, completed_at: Timestamp | null, score: Score | null, feedback: string | null, sync: RecordSyncState, };

export type BadgeAward = { 
/**
 * The award's row key, for deleting it.
 */
key: RowKey, name: string, awarded_at: Timestamp, };

export type WorkerPage = { worker: Worker, 
/**
 * Whether the worker's own record has reached the server.
 */
sync: RecordSyncState, enrollments: Array<Enrollment>, 
/**
 * Due now or next, soonest first (active enrollments only).
 */
next: Array<NextTouchpoint>, 
/**
 * Newest first.
 */
timeline: Array<ProgressEntry>, segments: Array<string>, badges: Array<BadgeAward>, 
/**
 * This device's edits of the worker, their enrollments and progress that lost to
 * a concurrent edit elsewhere: both values, until a person dismisses them.
 */
lost_edits: Array<LostEdit>, };

export type TouchpointId = string;

export type ProgramId = string;

export type TouchpointOutline = { id: TouchpointId, 
/**
 * The content's title (None when it has none).
 */
title: string | null, content_type: ContentType | null, };

export type PhaseOutline = { name: string, touchpoints: Array<TouchpointOutline>, };

export type JourneyOutline = { title: string, phases: Array<PhaseOutline>, };

/**
 * A live worker actively enrolled in a program.
 */

export type RosterEntry = { assignment_id: WorkerAssignmentId, worker_id: WorkerId, name: string, 
/**
 * Tells apart workers of the same name.
 */
phone: string | null, };

/**
 * A program with its journeys in order, and how many are actively enrolled.
 */

export type ProgramOutline = { id: ProgramId, name: string, journeys: Array<JourneyOutline>, active_enrollments: number, };

/**
 * What the group session form sends: raw text where a person types.
 */

export type GroupSessionInput = { touchpoint_id: TouchpointId, 
/**
 * The enrollments of the workers present.
 */
present: Array<WorkerAssignmentId>, 
/**
 * 0–100, or empty for none.
 */
score: string, feedback: string, };

export type SegmentId = string;

/**
 * A segment, for choosing whom to enroll.
 */

export type SegmentChoice = { id: SegmentId, name: string, members: number, };

/**
 * A segment, for choosing one to filter by or aim at: no count, so nothing is judged.
 */

export type SegmentName = { id: SegmentId, name: string, };

/**
 * A program, for choosing one (to enroll in, to filter by).
 */

export type ProgramChoice = { id: ProgramId, name: string, };

/**
 * A touchpoint due for some of a program's workers today.
 */

export type DueTouchpoint = { id: TouchpointId, 
/**
 * The content's title (None when it has none).
 */
title: string | null, content_type: ContentType | null, journey: string, phase: string, 
/**
 * Workers for whom it was due before today.
 */
overdue: number, 
/**
 * Workers for whom it becomes due today.
 */
today: number, 
/**
 * The first few of them, by name.
 */
names: Array<string>, };

/**
 * One program's day.
 */

export type ProgramDay = { id: ProgramId, name: string, 
/**
 * Most overdue first.
 */
touchpoints: Array<DueTouchpoint>, };

export type ActivityKind = "progress" | "enrollment" | "new_worker";

/**
 * One thing that happened, named for a person to read.
 */

export type Activity = { kind: ActivityKind, 
/**
 * When it happened: the completion (or start), the enrollment, the joining.
 */
at: Timestamp, worker_id: WorkerId, worker_name: string, 
/**
 * The program, for progress and enrollments.
 */
program: string | null, 
/**
 * The touchpoint's content title, for progress.
 */
touchpoint: string | null, completed: boolean, score: number | null, };

/**
 * How much there is on the device.
 */

export type Counts = { workers: number, programs: number, 
/**
 * Active enrollments of live workers.
 */
active_enrollments: number, 
/**
 * Progress records made since the given moment.
 */
recorded_since: number, };

export type Home = { day_starts: Timestamp, 
/**
 * Programs with something due today, by name.
 */
programs: Array<ProgramDay>, recent: Array<Activity>, counts: Counts, 
/**
 * Touchpoints whose rule this app cannot read, left out of what is due.
 */
unreadable_rules: number, };

/**
 * Whom to enroll in a program.
 */

export type EnrollTarget = { "kind": "worker", "id": WorkerId } | { "kind": "segment", "id": SegmentId };

/**
 * The first-run form: the organization this device works for.
 */

export type SetUpInput = { organization_name: string, organization_type: OrganizationType, subscription_tier: SubscriptionTier, 
/**
 * Completes phone numbers typed without their country code; may be empty.
 */
default_calling_code: string, };

/**
 * What the window needs to know at start.
 */

export type DeviceStatus = { device_id: DeviceId, 
/**
 * None until the device is set up.
 */
organization: Organization | null, default_calling_code: string | null, pending_changes: number, 
/**
 * Changes the server refused, waiting for a person.
 */
rejected_changes: number, 
/**
 * The server this device signs in to, once it has.
 */
server_url: string | null, 
/**
 * Whether a sign-in is kept in the OS keyring.
 */
signed_in: boolean, last_sync_at: Timestamp | null, 
/**
 * What the sign-in form offers as the server address.
 */
suggested_server_url: string | null, 
/**
 * The account the app will sign in as by itself, when it was launched with one.
 */
automatic_sign_in_as: string | null, 
/**
 * When an administrator's revocation erased this device's data (until the next
 * sign-in), so the window can say why it is empty.
 */
wiped_at: Timestamp | null, };

export type SignInInput = { server_url: string, email: string, password: string, };

/**
 * What one sync did.
 */

export type SyncSummary = { pushed: number, rejected: number, pulled: number, 
/**
 * Failed attempts that were tried again.
 */
retries: number, };

export type SyncPhase = "pushing" | "pulling" | "retrying";

/**
 * A running sync's progress, sent to the window as the `sync-progress` event.
 */

export type SyncProgress = { phase: SyncPhase, 
/**
 * Records done; while retrying, the attempt about to start.
 */
done: number, 
/**
 * Records in all (an upper bound while pulling); while retrying, the attempts.
 */
total: number, 
/**
 * While retrying: how long until the next attempt.
 */
retry_in_ms: number | null, };

/**
 * Every synced entity, named as its table.
 */

export type EntityKind = "organizations" | "users" | "workers" | "segments" | "worker_segment" | "content" | "journey_blueprints" | "phases" | "touchpoints" | "programs" | "program_blueprints" | "worker_assignments" | "worker_progress" | "experiments" | "experiment_variants" | "experiment_assignments" | "badges" | "worker_badges";

/**
 * A row's identity within its organization, as text: the id, or for the link tables
 * the two ids joined by "/" in key order.
 */

export type RowKey = string;

export type ChangeOp = "upsert" | "delete";

/**
 * A change the server refused, waiting for a person.
 */

export type RefusedChange = { 
/**
 * Its place in the outbox, which `retry_change` takes.
 */
seq: number, entity: EntityKind, row_key: string, op: ChangeOp, 
/**
 * The row's name, when the change carries one.
 */
label: string | null, 
/**
 * Why, as a code to choose a sentence by (None for a code this app does not know).
 */
code: ErrorCode | null, 
/**
 * The server's own words, for the details.
 */
reason: string, made_at: Timestamp, };

export type WaitingChanges = { entity: EntityKind, count: number, };

/**
 * One change waiting to go up, oldest first.
 */

export type WaitingRecord = { seq: number, entity: EntityKind, op: ChangeOp, 
/**
 * Whose or which record it is, for a person to recognise.
 */
label: string | null, made_at: Timestamp, };

export type SyncStartedBy = "sign_in" | "button" | "background";

/**
 * One sync, finished (also what the sync panel's history shows).
 */

export type SyncRun = { started_at: Timestamp, finished_at: Timestamp, started_by: SyncStartedBy, pushed: number, rejected: number, pulled: number, retries: number, 
/**
 * The error's code when it failed.
 */
error_code: ErrorCode | null, };

/**
 * The sync panel: what needs a person, what waits, and what happened lately.
 */

export type SyncDetails = { needs_attention: Array<RefusedChange>, 
/**
 * How many changes wait, per entity.
 */
waiting: Array<WaitingChanges>, 
/**
 * The oldest waiting changes, one by one (at most `WAITING_LISTED`).
 */
waiting_records: Array<WaitingRecord>, recent: Array<SyncRun>, 
/**
 * This device's edits that lost to a concurrent edit elsewhere, newest first.
 */
lost_edits: Array<LostEditRecord>, 
/**
 * Records left under a deleted one, for a person to resolve.
 */
orphans: Array<OrphanRecord>, };

export type ContentId = string;

export type JourneyBlueprintId = string;

export type PhaseId = string;

export type ExperimentId = string;

export type ExperimentVariantId = string;

export type BadgeId = string;

/**
 * A staff user account.
 */

export type UserId = string;

/**
 * A JSON object: the form of the rule and configuration columns (segment
 * rule_definition, touchpoint rule_logic, variant_details). What their keys mean is
 * the business of the rule languages; here it is checked to be a well-formed object.
 */

export type JsonObject = Record<string, unknown>;

/**
 * What an experiment varies. A/B versus multivariate is the number of variants.
 */

export type ExperimentType = "journey_level" | "program_level";

export type ExperimentStatus = "draft" | "active" | "completed";

export type Content = { id: ContentId, organization_id: OrganizationId, type: ContentType, title: Name | null, description: string | null, media_url: string | null, license_type: string | null, created_at: Timestamp, updated_at: Timestamp, };

export type Experiment = { id: ExperimentId, organization_id: OrganizationId, experiment_type: ExperimentType, name: Name, status: ExperimentStatus, start_date: Timestamp | null, end_date: Timestamp | null, created_by: UserId | null, updated_by: UserId | null, created_at: Timestamp, updated_at: Timestamp, 
/**
 * The audience: the workers of this program…
 */
program_id: ProgramId | null, 
/**
 * …or of this segment, whom the experiment assigns to its variants.
 */
segment_id: SegmentId | null, };

export type Badge = { id: BadgeId, organization_id: OrganizationId, name: Name, description: string | null, icon_url: string | null, created_at: Timestamp, updated_at: Timestamp, 
/**
 * When the device awards it by itself (`badge.rs`); None: by hand only.
 */
award_rule: JsonObject | null, };

/**
 * A screen of the app.
 */

export type Screen = "home" | "workers" | "programs" | "group_session" | "content" | "journeys" | "segments" | "experiments" | "badges" | "organization";

/**
 * A role's screens and the entities it may write, as the window shows them.
 */

export type Permissions = { role: Role, screens: Array<Screen>, writes: Array<EntityKind>, 
/**
 * Whether a record's history may be read ([`Role::reads_history`]).
 */
reads_history: boolean, };

/**
 * One tier's limits; None is no limit.
 */

export type TierLimits = { workers: number | null, programs: number | null, segments: number | null, experiments: number | null, variants_per_experiment: number, };

/**
 * A 95% confidence interval.
 */

export type Interval = { low: number, high: number, };

/**
 * The outcome of a sample-ratio-mismatch test.
 */

export type SampleRatio = { chi_square: number, degrees_of_freedom: number, 
/**
 * The chance of a split at least this uneven if assignment follows the weights.
 */
p_value: number, 
/**
 * p below 0.001, the usual threshold: the assignment is likely broken, so the
 * results should not be trusted.
 */
mismatch: boolean, };

/**
 * The account and its permissions.
 */

export type Account = { 
/**
 * None on a device set up without a server (its owner may do everything).
 */
email: string | null, display_name: string | null, permissions: Permissions, 
/**
 * What every role may see and write, for the organization screen.
 */
roles: Array<Permissions>, };

export type TierUsage = { workers: number, programs: number, segments: number, experiments: number, };

/**
 * The organization, its tier and how much of the tier it uses.
 */

export type OrganizationOverview = { organization: Organization, limits: TierLimits, usage: TierUsage, };

/**
 * A content item as the form sends it: raw text where a person types.
 */

export type ContentInput = { 
/**
 * None for new content.
 */
id: ContentId | null, content_type: ContentType, title: string, description: string, media_url: string, license_type: string, };

/**
 * Whether a content item's media can be opened without a network.
 */

export type Offline = { "state": "no_media" } | { "state": "not_downloaded" } | { "state": "downloaded", bytes: number, downloaded_at: Timestamp, } | { "state": "outdated", bytes: number, downloaded_at: Timestamp, };

export type ContentItem = { content: Content, offline: Offline, };

/**
 * How far a download has come (the `media-progress` event).
 */

export type MediaProgress = { content_id: ContentId, received: number, 
/**
 * None when the server did not say.
 */
total: number | null, };

/**
 * Downloaded media, as the window opens it.
 */

export type OpenedMedia = { "kind": "text", text: string, } | { "kind": "file", content_type: string, };

/**
 * A journey's title and purpose as the form sends them.
 */

export type JourneyInput = { id: JourneyBlueprintId | null, title: string, purpose: string, };

export type PhaseInput = { id: PhaseId | null, journey_id: JourneyBlueprintId, name: string, };

/**
 * A touchpoint rule as a form holds it (`journey.rs` is the language).
 */

export type RuleForm = { after_touchpoint: TouchpointId | null, 
/**
 * Whole days, as typed; empty is 0.
 */
after_days: string, min_score_touchpoint: TouchpointId | null, 
/**
 * 0–100, as typed; needed with `min_score_touchpoint`.
 */
min_score: string, variant: ExperimentVariantId | null, };

export type TouchpointInput = { id: TouchpointId | null, phase_id: PhaseId, content_id: ContentId, rule: RuleForm, };

export type TouchpointDraft = { id: TouchpointId, content_id: ContentId, title: string | null, content_type: ContentType | null, 
/**
 * None when the stored rule cannot be read by this version (`rule_problem` says why).
 */
rule: RuleForm | null, rule_problem: string | null, };

export type PhaseDraft = { id: PhaseId, name: string, sequence_order: number, touchpoints: Array<TouchpointDraft>, };

/**
 * A journey with its phases in order and their touchpoints (in creation order).
 */

export type JourneyDraft = { id: JourneyBlueprintId, title: string, purpose: string | null, phases: Array<PhaseDraft>, };

/**
 * What a worker would see of one touchpoint of a journey.
 */

export type PreviewState = { "state": "done" } | { "state": "due", at: Timestamp, } | { "state": "waiting_for", title: string | null, } | { "state": "score_too_low", title: string | null, needed: number, } | { "state": "other_variant" };

export type PreviewStep = { touchpoint_id: TouchpointId, title: string | null, } & ({ "state": "done" } | { "state": "due", at: Timestamp, } | { "state": "waiting_for", title: string | null, } | { "state": "score_too_low", title: string | null, needed: number, } | { "state": "other_variant" });

export type ProgramInput = { id: ProgramId | null, name: string, 
/**
 * YYYY-MM-DD or empty.
 */
start_date: string, end_date: string, 
/**
 * The journeys, in the order the program delivers them.
 */
journeys: Array<JourneyBlueprintId>, };

/**
 * A program as its editor shows it.
 */

export type ProgramDraft = { id: ProgramId, name: string, start_date: string | null, end_date: string | null, journeys: Array<JourneyBlueprintId>, };

/**
 * How a segment form combines its conditions.
 */

export type Combine = "all" | "any";

/**
 * One condition as a form holds it: raw text for the value.
 */

export type ConditionForm = { 
/**
 * "Is not": the condition must not hold.
 */
negate: boolean, 
/**
 * A worker field or an attribute name.
 */
field: string, 
/**
 * eq, ne, lt, lte, gt, gte, in, contains, exists, missing.
 */
op: string, 
/**
 * For `in`, values separated by commas.
 */
value: string, };

/**
 * A segment rule as a form holds it: all or any of a list of conditions, each of which
 * may be negated. Rules nested deeper (written elsewhere) are shown, not edited.
 */

export type SegmentForm = { combine: Combine, conditions: Array<ConditionForm>, };

export type SegmentInput = { id: SegmentId | null, name: string, form: SegmentForm, };

export type SegmentDraft = { id: SegmentId, name: string, 
/**
 * None when the rule is nested deeper than the form shows, or cannot be read.
 */
form: SegmentForm | null, 
/**
 * The stored rule as JSON text, for a rule the form cannot show.
 */
rule_text: string | null, members: number, };

export type WorkerRef = { id: WorkerId, name: string, };

/**
 * Who a rule selects right now.
 */

export type SegmentPreview = { count: number, 
/**
 * The first 50, by name.
 */
first: Array<WorkerRef>, };

export type VariantInput = { id: ExperimentVariantId | null, name: string, 
/**
 * A whole number, as typed.
 */
weight: string, 
/**
 * Anything else that describes the variant, as a JSON object (may be empty).
 */
details: string, };

export type ExperimentInput = { id: ExperimentId | null, name: string, experiment_type: ExperimentType, status: ExperimentStatus, program_id: ProgramId | null, segment_id: SegmentId | null, variants: Array<VariantInput>, };

export type VariantDraft = { id: ExperimentVariantId, name: string, weight: number, 
/**
 * The other details, as JSON text.
 */
details: string, };

export type ExperimentDraft = { experiment: Experiment, variants: Array<VariantDraft>, };

/**
 * One variant's results.
 */

export type VariantResult = { id: ExperimentVariantId, name: string, weight: number, assigned: number, completed: number, completion_rate: number | null, completion_interval: Interval | null, 
/**
 * Over the workers with scores: each worker's mean score.
 */
scored: number, mean_score: number | null, mean_interval: Interval | null, };

export type ExperimentResults = { variants: Array<VariantResult>, 
/**
 * None with fewer than two variants or nobody assigned.
 */
sample_ratio: SampleRatio | null, 
/**
 * Workers of the audience not assigned yet.
 */
unassigned: number, };

/**
 * A badge's award rule as a form holds it; all empty: awarded by hand only.
 */

export type AwardForm = { 
/**
 * Whole number, as typed.
 */
completed_touchpoints: string, touchpoint: TouchpointId | null, 
/**
 * 0–100, as typed.
 */
min_score: string, program: ProgramId | null, };

export type BadgeInput = { id: BadgeId | null, name: string, description: string, icon_url: string, rule: AwardForm, };

export type BadgeDraft = { badge: Badge, 
/**
 * None when the stored rule cannot be read by this version.
 */
rule: AwardForm | null, holders: number, };

/**
 * One worker's standing in a program.
 */

export type LeaderboardEntry = { 
/**
 * 1 for the first; workers who tie share a rank.
 */
rank: number, worker_id: WorkerId, name: string, 
/**
 * Different touchpoints of the program completed.
 */
completed: number, 
/**
 * Mean of their best scores on the program's touchpoints, when they have scores.
 */
mean_score: number | null, 
/**
 * Badges they hold (any program).
 */
badges: number, };

/**
 * What a delete takes with it.
 */

export type DeletePlan = { 
/**
 * Rows deleted, per entity (the row asked for among them).
 */
deleted: { [key in EntityKind]?: number }, 
/**
 * Fields cleared, per entity and column (rows that no longer point at a deleted one).
 */
cleared: Array<ClearedField>, };

export type ClearedField = { entity: EntityKind, column: string, rows: number, };

/**
 * A live row whose reference points at a deleted row.
 */

export type Orphan = { entity: EntityKind, key: RowKey, 
/**
 * The column that holds the deleted row.
 */
column: string, parent: EntityKind, parent_key: RowKey, };

/**
 * A record under a deleted one, named for a person.
 */

export type OrphanRecord = { orphan: Orphan, label: string | null, 
/**
 * The deleted record's name or title.
 */
parent_label: string | null, };

/**
 * One field of a record where this device's value lost.
 */

export type LostEdit = { id: number, entity: EntityKind, row_key: RowKey, field: string, 
/**
 * The value this device wrote.
 */
mine: unknown, 
/**
 * The value the record holds now.
 */
kept: unknown, noticed_at: Timestamp, };

/**
 * A lost edit, with the name of its record.
 */

export type LostEditRecord = { edit: LostEdit, label: string | null, };

/**
 * Who made a change: the user and the device it came from.
 */

export type ChangeAuthor = { email: string | null, display_name: string | null, device_name: string | null, };

/**
 * One applied change of a record, as the audit trail keeps it.
 */

export type HistoryEntry = { 
/**
 * When the server received it.
 */
received_at: Timestamp, op: ChangeOp, 
/**
 * The fields it set, as applied (those that lost to a later edit included).
 */
fields: Record<string, unknown>, by: ChangeAuthor, };

/**
 * A value of a record that lost to a concurrent edit, and whose it was.
 */

export type HistoryConflict = { noticed_at: Timestamp, field: string, lost: unknown, kept: unknown, 
/**
 * The device (and its user) whose value lost.
 */
lost_by: ChangeAuthor, };

/**
 * A record's history (GET /v1/history/{entity}/{key}, organization administrators
 * only): its changes, newest first, and the values that lost.
 */

export type RecordHistory = { entries: Array<HistoryEntry>, conflicts: Array<HistoryConflict>, };

/**
 * A value that failed validation, with the field it belongs to.
 */

export type ValidationError = { field: string, message: string, };

/**
 * What went wrong, for a program to branch on (the message is for people and logs).
 */

export type ErrorCode = "invalid_input" | "not_found" | "already_exists" | "device_not_set_up" | "device_already_set_up" | "database_unavailable" | "database_too_new" | "bad_server_address" | "server_unreachable" | "not_signed_in" | "other_organization" | "keyring_unavailable" | "server_error" | "download_failed" | "invalid_request" | "unauthenticated" | "invalid_credentials" | "device_revoked" | "rate_limited" | "forbidden" | "method_not_allowed" | "too_large" | "unsupported_media_type" | "not_permitted" | "unknown_field" | "invalid_value" | "missing_field" | "missing_reference" | "wrong_organization" | "invalid_key" | "tier_limit" | "inconsistent_change" | "duplicate_enrollment" | "restricted" | "internal" | "unknown";

export type AppError = { code: ErrorCode, message: string, 
/**
 * For `invalid_input`: each field's problem.
 */
fields: Array<ValidationError>, };
