// Generated from the Rust declarations by src-tauri/bindings.rs (`make bindings`). Do not edit.

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

export type ActivityKind = "progress" | "enrollment" | "new_worker";

/**
 * One answer, of the kind its question asks for.
 */

export type Answer = { "kind": "choice", "value": number } | { "kind": "choices", "value": Array<number> } | { "kind": "true_false", "value": boolean } | { "kind": "number", "value": number };

export type AppError = { code: ErrorCode, message: string, 
/**
 * For `invalid_input`: each field's problem.
 */
fields: Array<ValidationError>, };

/**
 * Apply a newer version to the copy: the one the licensee looked at, so an update
 * published meanwhile is not applied unseen.
 */

export type ApplyUpdate = { version: number, };

export type AssignmentStatus = "active" | "completed" | "dropped";

/**
 * Whether a worker on a group session's roster came.
 */

export type AttendanceStatus = "present" | "absent";

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

export type Badge = { id: BadgeId, organization_id: OrganizationId, name: Name, description: string | null, icon_url: string | null, created_at: Timestamp, updated_at: Timestamp, 
/**
 * When the device awards it by itself (`badge.rs`); None: by hand only.
 */
award_rule: JsonObject | null, };

export type BadgeAward = { 
/**
 * The award's row key, for deleting it.
 */
key: RowKey, name: string, awarded_at: Timestamp, };

export type BadgeDraft = { badge: Badge, 
/**
 * None when the stored rule cannot be read by this version.
 */
rule: AwardForm | null, holders: number, };

export type BadgeId = string;

export type BadgeInput = { id: BadgeId | null, name: string, description: string, icon_url: string, rule: AwardForm, };

export type BadgeReport = { name: string, holders: number, };

/**
 * What the catalog is filtered by (query parameters; each one given must hold).
 */

export type CatalogQuery = { 
/**
 * Words in the title or description (each word must appear).
 */
search: string | null, language: string | null, license_type: LicenseType | null, publisher: OrganizationId | null, 
/**
 * Only the asking organization's own listings (withdrawn ones included).
 */
mine: boolean | null, };

/**
 * The catalog as the window shows it: fetched now, or as last seen when offline.
 */

export type CatalogView = { listings: Array<Listing>, 
/**
 * When the catalog shown was fetched (None: never yet).
 */
seen_at: Timestamp | null, 
/**
 * Whether the server could not be reached, so this is the catalog last seen.
 */
offline: boolean, };

/**
 * A goal for a program's workers or a segment's members, to be reached within a
 * window: so many different touchpoints completed, or so many points earned
 * (`points.rs`). The window is two instants, the first and the first after it, so
 * every device counts the same completions in it whatever its clock's time zone.
 */

export type Challenge = { id: ChallengeId, organization_id: OrganizationId, title: Name, description: string | null, goal_kind: ChallengeGoal, goal: number, starts_at: Timestamp, 
/**
 * The first instant after the window.
 */
ends_at: Timestamp, 
/**
 * The audience: this program's enrolled workers…
 */
program_id: ProgramId | null, 
/**
 * …or this segment's members.
 */
segment_id: SegmentId | null, created_by: UserId | null, created_at: Timestamp, updated_at: Timestamp, };

/**
 * A challenge and its board: everyone it is for, by points earned within it.
 */

export type ChallengeBoard = { summary: ChallengeSummary, lines: Array<ChallengeLine>, };

/**
 * What a challenge counts toward its goal (`points.rs`): different touchpoints
 * completed, or points earned, within its window.
 */

export type ChallengeGoal = "touchpoints" | "points";

/**
 * A goal set for a program's workers or a segment, within a window of dates.
 */

export type ChallengeId = string;

export type ChallengeInput = { id: ChallengeId | null, title: string, description: string, goal_kind: ChallengeGoal, 
/**
 * A whole number, as typed.
 */
goal: string, 
/**
 * The first and the last day (YYYY-MM-DD) on this device's calendar.
 */
starts_on: string, ends_on: string, program_id: ProgramId | null, segment_id: SegmentId | null, };

/**
 * A worker's line on a challenge's board: their standing and how far they are.
 */

export type ChallengeLine = { standing: Standing, progress: ChallengeProgress, };

/**
 * How far a worker is toward a challenge's goal.
 */

export type ChallengeProgress = { 
/**
 * Touchpoints or points, as the goal counts, so far.
 */
count: number, goal: number, reached: boolean, };

/**
 * A challenge as a list shows it.
 */

export type ChallengeSummary = { challenge: Challenge, 
/**
 * Its first and last day on this device's calendar.
 */
starts_on: string, ends_on: string, 
/**
 * The program's or the segment's name.
 */
audience: string, audience_size: number, 
/**
 * Workers of the audience who reached the goal.
 */
reached: number, };

/**
 * Who made a change: the user and the device it came from.
 */

export type ChangeAuthor = { email: string | null, display_name: string | null, device_name: string | null, };

export type ChangeOp = "upsert" | "delete";

export type ClearedField = { entity: EntityKind, column: string, rows: number, };

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
 * Whether the server answers.
 */

export type ConnectionChanged = { online: boolean, };

export type Content = { id: ContentId, organization_id: OrganizationId, type: ContentType, title: Name | null, description: string | null, media_url: string | null, license_type: LicenseType | null, created_at: Timestamp, updated_at: Timestamp, source_listing_id: ListingId | null, source_version: number | null, source_state: CopyState | null, };

export type ContentId = string;

/**
 * A content item as the form sends it: raw text where a person types.
 */

export type ContentInput = { 
/**
 * None for new content.
 */
id: ContentId | null, content_type: ContentType, title: string, description: string, media_url: string, 
/**
 * None: no license named.
 */
license_type: LicenseType | null, };

export type ContentItem = { content: Content, offline: Offline, };

export type ContentSnapshot = { key: ContentId, type: ContentType, title: string | null, description: string | null, 
/**
 * An outside address kept as it is; a file of the publisher's server is in `media`.
 */
media_url: string | null, media: SnapshotMedia | null, 
/**
 * A quiz's latest questions (`quiz.rs`'s definition).
 */
quiz: unknown, };

export type ContentType = "video" | "text" | "audio" | "quiz";

/**
 * What a licensee may do with its copy: a locked copy follows the listing's updates
 * and is not edited; a forkable one may be forked into the licensee's own.
 */

export type CopyPolicy = "locked" | "forkable";

/**
 * Whether a copied row still follows its listing (locked) or was forked.
 */

export type CopyState = "following" | "forked";

/**
 * What applying a newer version to a copy would do, shown before it is applied.
 */

export type CopyUpdate = { license_id: LicenseId, 
/**
 * The version the copy holds.
 */
from_version: number, 
/**
 * The newest version, the one the update brings (equal to `from_version` when the
 * copy is up to date).
 */
to_version: number, 
/**
 * The versions published since the copy's, newest first, with their notes.
 */
versions: Array<ListingVersion>, 
/**
 * Every part added, changed or removed, journey first, then phases, touchpoints and
 * content, each in the newer version's order (removed ones after).
 */
changes: Array<SnapshotChange>, };

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

/**
 * A worker's custom attributes, such as site or language: keys are 1 to 64 lower-case
 * letters, digits or underscores; values are text, numbers or true/false.
 */

export type CustomAttributes = Record<string, string | number | boolean>;

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

/**
 * One installation of the app: the node of its hybrid logical clock.
 */

export type DeviceId = string;

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
 * Whether the person working has a sign-in kept in the OS keyring.
 */
signed_in: boolean, 
/**
 * Everyone signed in on this laptop.
 */
people: Array<PersonOnDevice>, 
/**
 * The person working (whom new changes are by), if anyone signed in here.
 */
working: UserId | null, 
/**
 * Whether the app waits for a person to unlock it (see `unlock`).
 */
locked: boolean, 
/**
 * Wrong passwords or PINs in a row before a person must sign in online.
 */
unlock_tries: number, 
/**
 * How long the app stays unlocked without use.
 */
lock_after_seconds: number, last_sync_at: Timestamp | null, 
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
wiped_at: Timestamp | null, 
/**
 * Whether the server answered the background's last check (None: not asked yet),
 * for a window that opens after the `connection-changed` event went out.
 */
online: boolean | null, 
/**
 * Why the last sync failed, if it did (`user_deactivated`: the person signed in
 * here was deactivated, so the window asks for another).
 */
last_sync_error: ErrorCode | null, };

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
 * An existing worker who may be the one being enrolled, and why.
 */

export type DuplicateCandidate = { worker: Worker, reasons: Array<DuplicateReason>, };

/**
 * Why an existing worker may be the one being enrolled.
 */

export type DuplicateReason = "same_phone" | "similar_name";

/**
 * An email address, trimmed and lower-cased.
 */

export type Email = string;

/**
 * Whom to enroll in a program.
 */

export type EnrollTarget = { "kind": "worker", "id": WorkerId } | { "kind": "segment", "id": SegmentId };

export type Enrollment = { id: WorkerAssignmentId, program_id: ProgramId, program: string, status: AssignmentStatus, enrolled_at: Timestamp, sync: RecordSyncState, };

/**
 * Workers by the state of their enrollments.
 */

export type EnrollmentFilter = "active" | "completed" | "dropped" | "not_enrolled";

/**
 * Every synced entity, named as its table.
 */

export type EntityKind = "organizations" | "users" | "workers" | "segments" | "worker_segment" | "content" | "journey_blueprints" | "phases" | "touchpoints" | "programs" | "program_blueprints" | "worker_assignments" | "worker_progress" | "experiments" | "experiment_variants" | "experiment_assignments" | "badges" | "worker_badges" | "group_sessions" | "session_attendance" | "quiz_versions" | "quiz_attempts" | "well_being_questions" | "well_being_checks" | "point_values" | "challenges";

/**
 * What went wrong, for a program to branch on (the message is for people and logs).
 */

export type ErrorCode = "invalid_input" | "not_found" | "already_exists" | "device_not_set_up" | "device_already_set_up" | "database_unavailable" | "database_too_new" | "database_key_missing" | "database_key_wrong" | "bad_server_address" | "insecure_server_address" | "certificate_expired" | "certificate_wrong_host" | "certificate_untrusted" | "certificate_invalid" | "server_unreachable" | "not_signed_in" | "other_organization" | "keyring_unavailable" | "locked" | "wrong_unlock" | "unlock_needs_sign_in" | "not_on_device" | "server_error" | "download_failed" | "export_failed" | "invalid_request" | "unauthenticated" | "invalid_credentials" | "device_revoked" | "user_deactivated" | "wrong_password" | "last_administrator" | "rate_limited" | "forbidden" | "method_not_allowed" | "too_large" | "unsupported_media_type" | "not_ready" | "listing_withdrawn" | "license_not_in_force" | "copy_locked" | "copy_forked" | "not_permitted" | "unknown_field" | "invalid_value" | "missing_field" | "missing_reference" | "wrong_organization" | "invalid_key" | "tier_limit" | "inconsistent_change" | "duplicate_enrollment" | "out_of_scope" | "restricted" | "internal" | "unknown";

export type Experiment = { id: ExperimentId, organization_id: OrganizationId, experiment_type: ExperimentType, name: Name, status: ExperimentStatus, start_date: Timestamp | null, end_date: Timestamp | null, created_by: UserId | null, updated_by: UserId | null, created_at: Timestamp, updated_at: Timestamp, 
/**
 * The audience: the workers of this program…
 */
program_id: ProgramId | null, 
/**
 * …or of this segment, whom the experiment assigns to its variants.
 */
segment_id: SegmentId | null, };

export type ExperimentDraft = { experiment: Experiment, variants: Array<VariantDraft>, };

export type ExperimentId = string;

export type ExperimentInput = { id: ExperimentId | null, name: string, experiment_type: ExperimentType, status: ExperimentStatus, program_id: ProgramId | null, segment_id: SegmentId | null, variants: Array<VariantInput>, };

export type ExperimentResults = { variants: Array<VariantResult>, 
/**
 * None with fewer than two variants or nobody assigned.
 */
sample_ratio: SampleRatio | null, 
/**
 * Workers of the audience not assigned yet.
 */
unassigned: number, };

export type ExperimentStatus = "draft" | "active" | "completed";

/**
 * What an experiment varies. A/B versus multivariate is the number of variants.
 */

export type ExperimentType = "journey_level" | "program_level";

export type ExperimentVariantId = string;

/**
 * A group session: one touchpoint run for a program's workers at one sitting.
 */

export type GroupSessionId = string;

/**
 * What the session form sends: raw text where a person types.
 */

export type GroupSessionInput = { 
/**
 * None for a new session; a session of today to correct it.
 */
session_id: GroupSessionId | null, program_id: ProgramId, touchpoint_id: TouchpointId, 
/**
 * When the session began (the form opened); it ends when it is recorded.
 */
started_at: Timestamp, 
/**
 * One line per worker on the roster.
 */
lines: Array<SessionLineInput>, };

/**
 * A value of a record that lost to a concurrent edit, and whose it was.
 */

export type HistoryConflict = { noticed_at: Timestamp, field: string, lost: unknown, kept: unknown, 
/**
 * The device (and its user) whose value lost.
 */
lost_by: ChangeAuthor, };

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

export type Home = { day_starts: Timestamp, 
/**
 * Programs with something due today, by name.
 */
programs: Array<ProgramDay>, recent: Array<Activity>, counts: Counts, 
/**
 * Touchpoints whose rule this app cannot read, left out of what is due.
 */
unreadable_rules: number, reminders: Reminders, };

/**
 * A 95% confidence interval.
 */

export type Interval = { low: number, high: number, };

/**
 * The problem with a value, before it is known which field it came from.
 */

export type InvalidValue = { "problem": "required" } | { "problem": "empty" } | { "problem": "too_long", chars: number, max: number, } | { "problem": "too_short", chars: number, min: number, } | { "problem": "control_characters" } | { "problem": "nul_character" } | { "problem": "not_timestamp", value: string, } | { "problem": "year_out_of_range", value: string, } | { "problem": "not_date", value: string, } | { "problem": "not_email", value: string, } | { "problem": "not_calling_code", value: string, } | { "problem": "phone_needs_country_code", value: string, } | { "problem": "phone_digits_only", value: string, } | { "problem": "phone_length", value: string, } | { "problem": "score_out_of_range", value: number, min: number, max: number, } | { "problem": "not_number", value: string, } | { "problem": "not_whole_number" } | { "problem": "out_of_range", min: number, max: number, } | { "problem": "not_json", detail: string, } | { "problem": "not_json_object", found: string, } | { "problem": "attribute_name", name: string, } | { "problem": "not_one_of", value: string, allowed: Array<string>, } | { "problem": "wrong_type", value: string, expected: string, } | { "problem": "unreadable", detail: string, } | { "problem": "unreadable_rule", detail: string, } | { "problem": "missing_reference", table: string, } | { "problem": "unchangeable" } | { "problem": "incomplete_source" } | { "problem": "nothing_to_publish" } | { "problem": "copied_from_listing" } | { "problem": "license_ended", journey: string, last_day: string, } | { "problem": "not_language", value: string, } | { "problem": "ends_before_start" } | { "problem": "completed_before_start" } | { "problem": "not_web_address", value: string, } | { "problem": "not_media_address", media_path: string, } | { "problem": "not_server_file", value: string, media_path: string, } | { "problem": "no_media" } | { "problem": "no_value" } | { "problem": "no_number" } | { "problem": "no_values" } | { "problem": "no_text" } | { "problem": "not_comparison", op: string, } | { "problem": "nobody_present" } | { "problem": "not_program_touchpoint" } | { "problem": "not_program_on_device" } | { "problem": "not_segment_on_device" } | { "problem": "not_derived_id" } | { "problem": "file_unreadable", detail: string, } | { "problem": "not_certificates" } | { "problem": "not_journey_touchpoint" } | { "problem": "no_score_touchpoint" } | { "problem": "no_score" } | { "problem": "not_variant" } | { "problem": "not_library_content" } | { "problem": "waits_on_itself" } | { "problem": "waited_on" } | { "problem": "audience_of_both" } | { "problem": "no_audience" } | { "problem": "too_few_variants" } | { "problem": "experiment_not_active" } | { "problem": "journey_twice" } | { "problem": "not_journey_on_device" } | { "problem": "result_for_absent" } | { "problem": "not_on_roster" } | { "problem": "worker_twice" } | { "problem": "in_future" } | { "problem": "session_closed" } | { "problem": "not_session_on_device" } | { "problem": "no_questions" } | { "problem": "too_many", count: number, max: number, } | { "problem": "question_id" } | { "problem": "too_few_options" } | { "problem": "no_correct_option" } | { "problem": "not_quiz_on_device" } | { "problem": "no_answers" } | { "problem": "not_well_being_question" } | { "problem": "not_set_up_code" } | { "problem": "not_pin" } | { "problem": "pin_too_easy" };

/**
 * A set-up code just made, shown once to the administrator who asked for it.
 */

export type IssuedSetUpCode = { member: StaffMember, 
/**
 * As shown: `ABCD-EFGH-JKMN`.
 */
code: string, expires_at: Timestamp, };

export type JourneyBlueprintId = string;

/**
 * A journey with its phases in order and their touchpoints (in creation order).
 */

export type JourneyDraft = { id: JourneyBlueprintId, title: string, purpose: string | null, phases: Array<PhaseDraft>, };

/**
 * A journey's title and purpose as the form sends them.
 */

export type JourneyInput = { id: JourneyBlueprintId | null, title: string, purpose: string, };

export type JourneyOutline = { title: string, phases: Array<PhaseOutline>, };

export type JourneySnapshot = { title: string, purpose: string | null, 
/**
 * In their order.
 */
phases: Array<PhaseSnapshot>, };

/**
 * A JSON object: the form of the rule and configuration columns (segment
 * rule_definition, touchpoint rule_logic, variant_details). What their keys mean is
 * the business of the rule languages; here it is checked to be a well-formed object.
 */

export type JsonObject = Record<string, unknown>;

/**
 * A language tag (BCP 47's shape): two or three letters, then subtags of two to eight
 * letters or digits (`en`, `sw`, `pt-BR`). The first is kept lower-case.
 */

export type Language = string;

/**
 * A license, as either of its two parties sees it.
 */

export type License = { id: LicenseId, listing_id: ListingId, listing_title: string, license_type: LicenseType, publisher_organization_id: OrganizationId, publisher_name: string, licensee_organization_id: OrganizationId, licensee_name: string, status: LicenseStatus, seats: number | null, ends_on: string | null, terms: string | null, message: string | null, requested_at: Timestamp, decided_at: Timestamp | null, 
/**
 * Active and not past its end: a version may be copied in and updated.
 */
in_force: boolean, 
/**
 * The listing's newest version (a copy of an older one may be updated to it).
 */
latest_version: number, 
/**
 * Whether the licensee's copy may be forked into its own (the listing's policy).
 */
copies: CopyPolicy, 
/**
 * The licensee's copy holds an older version and may take the newest now
 * ([`update_available`]).
 */
update_available: boolean, 
/**
 * The licensee's copy, once made (shown to the licensee only).
 */
copy: MarketplaceCopy | null, };

/**
 * A publisher's answer to a request, or new terms for a license it granted.
 */

export type LicenseDecision = { grant: boolean, 
/**
 * How many workers may be enrolled on it; None is no limit.
 */
seats: number | null, 
/**
 * The last day it is in force (a subscription's end); None is no end.
 */
ends_on: string | null, terms: string, };

/**
 * A client organization's license to a listing (or its request for one).
 */

export type LicenseId = string;

/**
 * A client organization asks for a license (granted at once for a free listing).
 */

export type LicenseRequest = { 
/**
 * A note to the publisher (seats wanted, the program it is for).
 */
message: string, };

/**
 * A license as its publisher decided it (a free listing's is active at once).
 */

export type LicenseStatus = "requested" | "active" | "declined";

/**
 * On what terms a content item (or a marketplace listing) may be used.
 */

export type LicenseType = "free" | "paid" | "subscription";

/**
 * A licensee, as the publisher sees it.
 */

export type LicenseeUsage = { name: string, 
/**
 * The version its copy holds (None: not copied in yet).
 */
version: number | null, 
/**
 * Its workers enrolled (None: fewer than [`MIN_WORKERS`]).
 */
workers: number | null, };

/**
 * An organization's licenses: those it holds, and (for a publisher) those of its listings.
 */

export type Licenses = { held: Array<License>, granted: Array<License>, };

/**
 * A listing as the catalog shows it.
 */

export type Listing = { id: ListingId, publisher_organization_id: OrganizationId, publisher_name: string, kind: ListingKind, 
/**
 * The journey blueprint or content item published (the publisher's).
 */
source_id: string, title: string, description: string | null, language: Language, license_type: LicenseType, copies: CopyPolicy, status: ListingStatus, latest_version: number, updated_at: Timestamp, 
/**
 * The asking organization's license to it, if it has asked for one.
 */
license_status: LicenseStatus | null, };

/**
 * A listing's page: its terms, every version, a read-only preview of the latest, and
 * the asking organization's license.
 */

export type ListingDetail = { listing: Listing, terms: string | null, 
/**
 * Newest first.
 */
versions: Array<ListingVersion>, preview: Snapshot, license: License | null, };

/**
 * A marketplace listing: a journey or content item an expert organization publishes.
 */

export type ListingId = string;

/**
 * What a marketplace listing publishes: a journey blueprint (with its phases,
 * touchpoints, content and media) or one content item.
 */

export type ListingKind = "journey" | "content";

/**
 * A withdrawn listing takes no new licenses; its licensees keep what they have.
 */

export type ListingStatus = "published" | "withdrawn";

/**
 * What a publisher changes of a listing: each field given is set, the others are left
 * as they are. Withdrawing (`status: withdrawn`) stops new licenses; licensees keep
 * what they have. Publishing again reopens it.
 */

export type ListingUpdate = { title: string | null, description: string | null, language: string | null, license_type: LicenseType | null, terms: string | null, status: ListingStatus | null, };

/**
 * How a listing is used: for its publisher, across every licensee; for a licensee, its
 * own figures beside everyone's.
 */

export type ListingUsage = { listing_id: ListingId, title: string, 
/**
 * Newest first.
 */
versions: Array<VersionUsage>, 
/**
 * Every licensee, for the publisher (empty for a licensee).
 */
licensees: Array<LicenseeUsage>, 
/**
 * Across every licensee.
 */
all: UsageFigures, 
/**
 * The asking licensee's own (None for the publisher).
 */
own: UsageFigures | null, 
/**
 * Figures drawn from fewer workers than this are not shown.
 */
min_workers: number, };

/**
 * One published version.
 */

export type ListingVersion = { number: number, notes: string | null, published_at: Timestamp, counts: SnapshotCounts, };

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
 * A licensed version copied into the licensee's organization.
 */

export type MarketplaceCopy = { id: MarketplaceCopyId, license_id: LicenseId, listing_id: ListingId, version: number, kind: ListingKind, 
/**
 * The journey blueprint or content item made in the licensee's organization.
 */
root_id: string, copied_at: Timestamp, 
/**
 * Made the licensee's own: edited freely, taking no more updates.
 */
forked: boolean, };

/**
 * A licensed version copied into a client organization.
 */

export type MarketplaceCopyId = string;

/**
 * How far a download has come (the `media-progress` event).
 */

export type MediaProgress = { content_id: ContentId, received: number, 
/**
 * None when the server did not say.
 */
total: number | null, };

/**
 * A name or title: trimmed, inner runs of white space folded to one space,
 * 1 to 255 characters.
 */

export type Name = string;

export type NamedSessionLine = { name: string, phone: string | null, line: SessionLine, };

/**
 * A listing's first publish, as typed.
 */

export type NewListing = { kind: ListingKind, 
/**
 * The journey blueprint or content item published (the publisher's own).
 */
source_id: string, title: string, description: string, language: string, license_type: LicenseType, 
/**
 * What a licensee agrees to (free text; no payment is processed).
 */
terms: string, copies: CopyPolicy, 
/**
 * What version 1 is, for the catalog.
 */
notes: string, };

/**
 * A new member, as typed.
 */

export type NewStaffMember = { email: string, display_name: string, role: Role, };

/**
 * A new version of a listing, published from its journey or content as they are now.
 */

export type NewVersion = { 
/**
 * What changed, for licensees deciding whether to update.
 */
notes: string, };

/**
 * A touchpoint due for the worker, now or later.
 */

export type NextTouchpoint = { touchpoint_id: TouchpointId, program: string, title: string | null, due_at: Timestamp, urgency: Urgency, };

/**
 * Whether a content item's media can be opened without a network.
 */

export type Offline = { "state": "no_media" } | { "state": "not_downloaded" } | { "state": "downloaded", bytes: number, downloaded_at: Timestamp, } | { "state": "outdated", bytes: number, downloaded_at: Timestamp, };

/**
 * Downloaded media, as the window opens it.
 */

export type OpenedMedia = { "kind": "text", text: string, } | { "kind": "file", content_type: string, };

export type Organization = { id: OrganizationId, name: Name, type: OrganizationType, subscription_tier: SubscriptionTier, created_at: Timestamp, updated_at: Timestamp, };

/**
 * An organization (tenant).
 */

export type OrganizationId = string;

/**
 * The organization, its tier and how much of the tier it uses.
 */

export type OrganizationOverview = { organization: Organization, limits: TierLimits, usage: TierUsage, };

/**
 * A client organization runs programs; an expert organization publishes content.
 */

export type OrganizationType = "client" | "expert";

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
 * What a newer version did to a part of the one copied.
 */

export type PartChange = "added" | "changed" | "removed";

/**
 * What of a part a newer version changed.
 */

export type PartField = "title" | "purpose" | "name" | "order" | "phase" | "content" | "rule" | "type" | "description" | "media" | "questions";

/**
 * A person changes their own password.
 */

export type PasswordChangeInput = { current_password: string, new_password: string, };

/**
 * A role's screens and the entities it may write, as the window shows them.
 */

export type Permissions = { role: Role, screens: Array<Screen>, writes: Array<EntityKind>, 
/**
 * Whether a record's history may be read ([`Role::reads_history`]).
 */
reads_history: boolean, 
/**
 * Whether staff and the organization's settings may be managed ([`Role::administers`]).
 */
administers: boolean, 
/**
 * Whether the role publishes to the marketplace, in an expert organization
 * ([`Role::publishes`]).
 */
publishes: boolean, 
/**
 * Whether the role licenses listings and copies them in, or decides the licenses of
 * its organization's listings ([`Role::licenses`]).
 */
licenses: boolean, };

/**
 * A person signed in on this laptop, as the unlock screen and the switcher show them.
 */

export type PersonOnDevice = { user_id: UserId, email: string, display_name: string | null, 
/**
 * Their role when they last signed in here.
 */
role: Role, 
/**
 * Whether they can unlock offline now: a verifier is kept and the wrong tries are
 * under the limit (else they sign in online with their password).
 */
unlocks_offline: boolean, has_pin: boolean, 
/**
 * Wrong tries since their last unlock.
 */
failed_unlocks: number, signed_in_at: Timestamp, };

export type PhaseDraft = { id: PhaseId, name: string, sequence_order: number, touchpoints: Array<TouchpointDraft>, };

export type PhaseId = string;

export type PhaseInput = { id: PhaseId | null, journey_id: JourneyBlueprintId, name: string, };

export type PhaseOutline = { name: string, touchpoints: Array<TouchpointOutline>, };

export type PhaseReport = { journey: string, phase: string, 
/**
 * Enrollments that completed every touchpoint of the phase.
 */
completed: number, completion_rate: number | null, };

export type PhaseSnapshot = { key: PhaseId, name: string, sequence_order: number, touchpoints: Array<TouchpointSnapshot>, };

/**
 * A phone number in international form: "+" then the country calling code and the
 * subscriber number, digits only ("+254712345678"), 8 to 15 digits (E.164).
 */

export type PhoneNumber = string;

export type PinInput = { 
/**
 * The new PIN; None or empty removes the PIN (the password still unlocks).
 */
pin: string | null, };

/**
 * What a completed touchpoint and a badge are worth.
 */

export type Points = { per_touchpoint: number, per_badge: number, };

/**
 * The point values as a form holds them.
 */

export type PointsInput = { 
/**
 * Whole numbers, as typed.
 */
per_touchpoint: string, per_badge: string, };

export type PreviewStep = { touchpoint_id: TouchpointId, title: string | null, } & ({ "state": "done" } | { "state": "due", at: Timestamp, } | { "state": "waiting_for", title: string | null, } | { "state": "score_too_low", title: string | null, needed: number, } | { "state": "other_variant" });

/**
 * A program, for choosing one (to enroll in, to filter by).
 */

export type ProgramChoice = { id: ProgramId, name: string, };

/**
 * One program's day.
 */

export type ProgramDay = { id: ProgramId, name: string, 
/**
 * Most overdue first.
 */
touchpoints: Array<DueTouchpoint>, };

/**
 * A program as its editor shows it.
 */

export type ProgramDraft = { id: ProgramId, name: string, start_date: string | null, end_date: string | null, journeys: Array<JourneyBlueprintId>, };

export type ProgramId = string;

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
 * A program with its journeys in order, and how many are actively enrolled.
 */

export type ProgramOutline = { id: ProgramId, name: string, journeys: Array<JourneyOutline>, active_enrollments: number, };

/**
 * A program's report.
 */

export type ProgramReport = { program_id: ProgramId, program: string, enrolled: number, active: number, completed: number, dropped: number, sessions: number, present: number, absent: number, 
/**
 * Present over everyone on the sessions' rosters.
 */
attendance_rate: number | null, touchpoints: Array<TouchpointReport>, phases: Array<PhaseReport>, badges: Array<BadgeReport>, 
/**
 * The challenges set for the program's workers, with how many reached each goal.
 */
challenges: Array<ChallengeSummary>, };

/**
 * One progress record, named by its touchpoint's content.
 */

export type ProgressEntry = { id: WorkerProgressId, program: string, 
/**
 * The touchpoint's content title (None when it has none).
 */
title: string | null, content_type: ContentType | null, started_at: Timestamp | null, completed_at: Timestamp | null, score: Score | null, feedback: string | null, sync: RecordSyncState, };

export type Question = { 
/**
 * Stable across the quiz's versions, so an answer names its question.
 */
id: string, prompt: string, points: number, } & ({ "kind": "single_choice", options: Array<string>, correct: number, } | { "kind": "multiple_choice", options: Array<string>, correct: Array<number>, } | { "kind": "true_false", correct: boolean, } | { "kind": "number", correct: number, tolerance: number, });

/**
 * How one question of the latest version was answered, over every attempt that had it.
 */

export type QuestionAnalysis = { question_id: string, prompt: string, answered: number, correct: number, };

/**
 * A question as the editor sends it: raw text where a person types.
 */

export type QuestionInput = { 
/**
 * Kept across versions; empty for a new question (one is given).
 */
id: string, prompt: string, points: string, kind: QuestionKindName, 
/**
 * Choice questions: the options, and which are right (by index).
 */
options: Array<string>, correct_options: Array<number>, 
/**
 * A true/false question's right answer.
 */
correct_true: boolean, 
/**
 * A number question's right answer, and how far from it still counts.
 */
correct_number: string, tolerance: string, };

export type QuestionKindName = "single_choice" | "multiple_choice" | "true_false" | "number";

export type QuestionUsage = { content_key: ContentId, question_id: string, quiz: string, prompt: string, 
/**
 * Of the workers who answered it, the percentage who got it right.
 */
correct_percent: number | null, };

export type QuizAnswersInput = { 
/**
 * The version the worker was given.
 */
version_id: QuizVersionId, answers: { [key in string]: Answer }, taken_by: QuizTaker, };

/**
 * A quiz as its author wrote it.
 */

export type QuizDefinition = { 
/**
 * The share of the points needed to pass, in percent (0–100).
 */
pass_mark: number, questions: Array<Question>, };

export type QuizInput = { content_id: ContentId, 
/**
 * Percent of the points needed to pass.
 */
pass_mark: string, questions: Array<QuestionInput>, };

/**
 * A quiz for its editor: the latest version and how its questions were answered.
 */

export type QuizOverview = { content_id: ContentId, latest: QuizVersionView | null, attempts: number, passed: number, analysis: Array<QuestionAnalysis>, };

export type QuizReport = { attempts: number, passed: number, questions: Array<QuestionAnalysis>, };

/**
 * The score of a set of answers.
 */

export type QuizScore = { points: number, total: number, 
/**
 * points / total, in percent: what worker_progress.score holds.
 */
percent: Score, passed: boolean, 
/**
 * Per question, in the quiz's order: whether it was answered right.
 */
correct: Array<boolean>, };

/**
 * Who gave a quiz's answers on the laptop: the worker, handed it, or the
 * coordinator, entering what the worker said.
 */

export type QuizTaker = "worker" | "coordinator";

/**
 * One version of a quiz's questions.
 */

export type QuizVersionId = string;

/**
 * The latest version of a quiz, to take or to edit.
 */

export type QuizVersionView = { id: QuizVersionId, version_number: number, definition: QuizDefinition, };

/**
 * Bytes sent raw (an ArrayBuffer in the window), not as a JSON array of numbers.
 */

export type RawBytes = ArrayBuffer;

/**
 * A record's history (GET /v1/history/{entity}/{key}, organization administrators
 * only): its changes, newest first, and the values that lost.
 */

export type RecordHistory = { entries: Array<HistoryEntry>, conflicts: Array<HistoryConflict>, };

/**
 * Whether one record has reached the server.
 */

export type RecordSyncState = { "state": "synced" } | { "state": "waiting" } | { "state": "needs_attention", code: ErrorCode | null, reason: string, };

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

/**
 * What a reminder is about, as its snooze remembers it: "session:<program>:<touchpoint>"
 * or "worker:<worker>".
 */

export type ReminderKey = string;

export type Reminders = { 
/**
 * A worker is reminded of once overdue by more than this many days.
 */
overdue_days: number, sessions: Array<SessionReminder>, 
/**
 * The most overdue first, the first 8.
 */
workers: Array<WorkerReminder>, 
/**
 * Every overdue worker reminded of, listed or not.
 */
workers_total: number, 
/**
 * Reminders snoozed now.
 */
snoozed: number, };

/**
 * The five staff roles. What each may write is in the entity registry.
 */

export type Role = "org_admin" | "training_manager" | "program_manager" | "content_specialist" | "coordinator";

/**
 * A live worker actively enrolled in a program.
 */

export type RosterEntry = { assignment_id: WorkerAssignmentId, worker_id: WorkerId, name: string, 
/**
 * Tells apart workers of the same name.
 */
phone: string | null, };

/**
 * A row's identity within its organization, as text: the id, or for the link tables
 * the two ids joined by "/" in key order.
 */

export type RowKey = string;

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
 * A score from 0 to 100, kept to two decimal places (the seed's DECIMAL(5,2)).
 */

export type Score = number;

/**
 * A screen of the app.
 */

export type Screen = "home" | "workers" | "programs" | "group_session" | "content" | "journeys" | "segments" | "experiments" | "badges" | "organization" | "marketplace";

/**
 * A segment, for choosing whom to enroll.
 */

export type SegmentChoice = { id: SegmentId, name: string, members: number, };

export type SegmentDraft = { id: SegmentId, name: string, 
/**
 * None when the rule is nested deeper than the form shows, or cannot be read.
 */
form: SegmentForm | null, 
/**
 * The stored rule as JSON text, for a rule the form cannot show.
 */
rule_text: string | null, members: number, };

/**
 * A segment rule as a form holds it: all or any of a list of conditions, each of which
 * may be negated. Rules nested deeper (written elsewhere) are shown, not edited.
 */

export type SegmentForm = { combine: Combine, conditions: Array<ConditionForm>, };

export type SegmentId = string;

export type SegmentInput = { id: SegmentId | null, name: string, form: SegmentForm, };

/**
 * A segment, for choosing one to filter by or aim at: no count, so nothing is judged.
 */

export type SegmentName = { id: SegmentId, name: string, 
/**
 * Its members are listed by hand, not chosen by a rule (a sync scope takes these).
 */
listed: boolean, };

/**
 * Who a rule selects right now.
 */

export type SegmentPreview = { count: number, 
/**
 * The first 50, by name.
 */
first: Array<WorkerRef>, };

/**
 * A worker's answers to a session's quiz, scored against the version they were given.
 */

export type SessionAttempt = { quiz_version_id: QuizVersionId, answers: { [key in string]: Answer }, points: number, total: number, taken_by: QuizTaker, };

/**
 * One worker's line of a session.
 */

export type SessionLine = { assignment_id: WorkerAssignmentId, status: AttendanceStatus, score: Score | null, feedback: string | null, reflection: string | null, 
/**
 * On a quiz's touchpoint, the answers behind the score.
 */
attempt: SessionAttempt | null, };

export type SessionLineInput = { assignment_id: WorkerAssignmentId, present: boolean, 
/**
 * 0–100, or empty for none.
 */
score: string, feedback: string, reflection: string, 
/**
 * On a quiz's touchpoint: the worker's answers, which give the score.
 */
quiz: QuizAnswersInput | null, };

/**
 * A session of today, named for the list that offers to correct it.
 */

export type SessionOfToday = { summary: SessionSummary, program: string, touchpoint: string | null, };

/**
 * A recorded session, with its workers by name: what the form shows to correct it.
 */

export type SessionRecord = { summary: SessionSummary, 
/**
 * Whether it may still be corrected (it was held today).
 */
correctable: boolean, lines: Array<NamedSessionLine>, };

/**
 * A session due today: a touchpoint of a program some workers are due or overdue for.
 */

export type SessionReminder = { key: ReminderKey, program_id: ProgramId, program: string, touchpoint_id: TouchpointId, title: string | null, 
/**
 * Workers it is due for (overdue included).
 */
workers: number, };

/**
 * A session as a list shows it.
 */

export type SessionSummary = { id: GroupSessionId, program_id: ProgramId, touchpoint_id: TouchpointId, started_at: Timestamp, completed_at: Timestamp, present: number, absent: number, };

/**
 * The first-run form: the organization this device works for.
 */

export type SetUpInput = { organization_name: string, organization_type: OrganizationType, subscription_tier: SubscriptionTier, 
/**
 * Completes phone numbers typed without their country code; may be empty.
 */
default_calling_code: string, };

export type SignInInput = { server_url: string, email: string, 
/**
 * The password; at a first sign-in with a set-up code, the new password chosen.
 */
password: string, 
/**
 * A first sign-in: the set-up code the administrator passed on (None or empty: sign
 * in with the password).
 */
set_up_code: string | null, 
/**
 * A self-hosted server's: the path of the organization's own CA certificate (PEM);
 * empty when the server's certificate is from a CA the system trusts.
 */
ca_file: string, };

/**
 * A version's content: what a licensee previews and copies. Every row is named by its
 * publisher's id (`key`), which stays the same across versions, so an update knows
 * which touchpoint continues.
 */

export type Snapshot = { kind: ListingKind, 
/**
 * The journey, for a journey listing.
 */
journey: JourneySnapshot | null, 
/**
 * Every content item the journey's touchpoints use, or the one item listed.
 */
content: Array<ContentSnapshot>, };

/**
 * One part a newer version added, changed or removed.
 */

export type SnapshotChange = { part: SnapshotPart, 
/**
 * The part's key in the snapshots (the publisher's id); None for the journey itself.
 */
key: string | null, change: PartChange, 
/**
 * The part's name: the journey's title, a phase's name, a content item's title (a
 * touchpoint is named by its content's).
 */
name: string, 
/**
 * What changed, for a changed part.
 */
fields: Array<PartField>, 
/**
 * For a removed touchpoint: how many of the licensee's workers have progress
 * recorded on it. It is kept; the touchpoint is no longer scheduled.
 */
progress_kept: number | null, };

/**
 * What a version holds, counted.
 */

export type SnapshotCounts = { phases: number, touchpoints: number, content: number, media_files: number, };

/**
 * A media file a version carries, kept with the version by its SHA-256.
 */

export type SnapshotMedia = { 
/**
 * Its name on the publisher's server.
 */
name: string, sha256: string, bytes: number, };

/**
 * A part of a marketplace version, as an update names what changed.
 */

export type SnapshotPart = "journey" | "phase" | "touchpoint" | "content";

/**
 * How long a snooze lasts.
 */

export type SnoozeFor = "hour" | "tomorrow";

/**
 * The organization's staff, and how many may be active under its tier.
 */

export type Staff = { members: Array<StaffMember>, 
/**
 * Members not deactivated.
 */
active: number, 
/**
 * The most active members the tier allows; None is no limit.
 */
limit: number | null, };

/**
 * A device a member signed in on.
 */

export type StaffDevice = { device_id: DeviceId, name: string, last_seen_at: Timestamp | null, revoked: boolean, };

/**
 * A member of the organization's staff, as its administrators see them.
 */

export type StaffMember = { user_id: UserId, email: Email, display_name: Name | null, role: Role, 
/**
 * When they were deactivated; None while they may work.
 */
deactivated_at: Timestamp | null, 
/**
 * Their last request from any device.
 */
last_seen_at: Timestamp | null, devices: Array<StaffDevice>, 
/**
 * Whether a set-up code given to them has not been used yet.
 */
set_up_pending: boolean, 
/**
 * Which workers their laptop holds, when they are a coordinator (empty: all).
 */
scope: SyncScope, };

/**
 * What an administrator changes of a member: each field given is set, the others are
 * left as they are.
 */

export type StaffUpdate = { role: Role | null, display_name: string | null, 
/**
 * false deactivates (their tokens stop working at once, on every device); true
 * reactivates.
 */
active: boolean | null, 
/**
 * Their sync scope, replaced whole (empty: the whole organization).
 */
scope: SyncScope | null, };

/**
 * One line of a leaderboard.
 */

export type Standing = { 
/**
 * 1 for the first; workers with the same points share a rank.
 */
rank: number, worker_id: WorkerId, name: string, tally: Tally, };

export type SubscriptionTier = "basic" | "standard" | "premium";

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

/**
 * How a sync the app started by itself ended: `{ summary }` or `{ error }`.
 */

export type SyncFinished = { "summary": SyncSummary } | { "error": AppError };

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
 * One sync, finished (also what the sync panel's history shows).
 */

export type SyncRun = { started_at: Timestamp, finished_at: Timestamp, started_by: SyncStartedBy, pushed: number, rejected: number, pulled: number, retries: number, 
/**
 * The error's code when it failed.
 */
error_code: ErrorCode | null, };

/**
 * The workers a coordinator's device holds: those whose `site` attribute is one of
 * `sites` (compared without case), who are members of one of `segments`, or who are
 * enrolled in one of `programs`. Empty is the whole organization, as for every manager
 * and administrator, whatever their scope says.
 */

export type SyncScope = { sites: Array<string>, segments: Array<SegmentId>, programs: Array<ProgramId>, };

export type SyncStartedBy = "sign_in" | "button" | "background";

/**
 * What one sync did.
 */

export type SyncSummary = { pushed: number, rejected: number, pulled: number, 
/**
 * Failed attempts that were tried again.
 */
retries: number, };

/**
 * What a worker earned within a scope.
 */

export type Tally = { 
/**
 * Different touchpoints completed.
 */
touchpoints: number, badges: number, points: number, 
/**
 * Mean of the best score on each of those touchpoints that has one, to two decimals.
 */
mean_score: number | null, };

/**
 * One tier's limits; None is no limit.
 */

export type TierLimits = { workers: number | null, programs: number | null, segments: number | null, experiments: number | null, variants_per_experiment: number, 
/**
 * Users not deactivated.
 */
users: number | null, };

export type TierUsage = { workers: number, programs: number, segments: number, experiments: number, 
/**
 * Staff not deactivated, as last synced.
 */
users: number, };

/**
 * A point in time, UTC, to the millisecond: the precision both databases keep, so a
 * value read back compares equal to the one written. Serialized as
 * "2026-11-22T03:39:00.000Z", which sorts as text.
 */

export type Timestamp = string;

export type TouchpointDraft = { id: TouchpointId, content_id: ContentId, title: string | null, content_type: ContentType | null, 
/**
 * None when the stored rule cannot be read by this version (`rule_problem` says why).
 */
rule: RuleForm | null, rule_problem: InvalidValue | null, };

export type TouchpointId = string;

export type TouchpointInput = { id: TouchpointId | null, phase_id: PhaseId, content_id: ContentId, rule: RuleForm, };

export type TouchpointOutline = { id: TouchpointId, 
/**
 * The content's title (None when it has none).
 */
title: string | null, content_type: ContentType | null, };

export type TouchpointReport = { id: TouchpointId, journey: string, phase: string, title: string | null, content_type: ContentType | null, 
/**
 * Enrollments that completed it, and the share of all enrollments.
 */
completed: number, completion_rate: number | null, 
/**
 * The mean of the scores recorded on it, to two decimals.
 */
mean_score: number | null, scored: number, 
/**
 * A quiz touchpoint: how each question was answered by the program's workers.
 */
quiz: QuizReport | null, };

export type TouchpointSnapshot = { key: TouchpointId, content_key: ContentId, 
/**
 * The rule, naming other touchpoints by their keys; a condition on one of the
 * publisher's experiment variants is left out (experiments are each organization's
 * own).
 */
rule_logic: JsonObject | null, };

export type TouchpointUsage = { key: TouchpointId, name: string, 
/**
 * Whether the newest version still has it.
 */
current: boolean, 
/**
 * Of the workers enrolled, the percentage who completed it.
 */
completed_percent: number | null, 
/**
 * The mean of each scored worker's best score.
 */
mean_score: number | null, };

/**
 * No Debug: what is typed here must not reach a log.
 */

export type UnlockInput = { user_id: UserId, 
/**
 * Their password or their PIN.
 */
secret: string, };

/**
 * How a due moment stands against a day.
 */

export type Urgency = "overdue" | "today" | "later";

/**
 * The figures of a tally as a viewer may see them (None: drawn from too few workers).
 */

export type UsageFigures = { 
/**
 * Workers enrolled in programs that hold a copy.
 */
workers: number | null, touchpoints: Array<TouchpointUsage>, questions: Array<QuestionUsage>, };

/**
 * A staff user account.
 */

export type UserId = string;

/**
 * A value that failed validation, with the field it belongs to.
 */

export type ValidationError = { field: string, } & ({ "problem": "required" } | { "problem": "empty" } | { "problem": "too_long", chars: number, max: number, } | { "problem": "too_short", chars: number, min: number, } | { "problem": "control_characters" } | { "problem": "nul_character" } | { "problem": "not_timestamp", value: string, } | { "problem": "year_out_of_range", value: string, } | { "problem": "not_date", value: string, } | { "problem": "not_email", value: string, } | { "problem": "not_calling_code", value: string, } | { "problem": "phone_needs_country_code", value: string, } | { "problem": "phone_digits_only", value: string, } | { "problem": "phone_length", value: string, } | { "problem": "score_out_of_range", value: number, min: number, max: number, } | { "problem": "not_number", value: string, } | { "problem": "not_whole_number" } | { "problem": "out_of_range", min: number, max: number, } | { "problem": "not_json", detail: string, } | { "problem": "not_json_object", found: string, } | { "problem": "attribute_name", name: string, } | { "problem": "not_one_of", value: string, allowed: Array<string>, } | { "problem": "wrong_type", value: string, expected: string, } | { "problem": "unreadable", detail: string, } | { "problem": "unreadable_rule", detail: string, } | { "problem": "missing_reference", table: string, } | { "problem": "unchangeable" } | { "problem": "incomplete_source" } | { "problem": "nothing_to_publish" } | { "problem": "copied_from_listing" } | { "problem": "license_ended", journey: string, last_day: string, } | { "problem": "not_language", value: string, } | { "problem": "ends_before_start" } | { "problem": "completed_before_start" } | { "problem": "not_web_address", value: string, } | { "problem": "not_media_address", media_path: string, } | { "problem": "not_server_file", value: string, media_path: string, } | { "problem": "no_media" } | { "problem": "no_value" } | { "problem": "no_number" } | { "problem": "no_values" } | { "problem": "no_text" } | { "problem": "not_comparison", op: string, } | { "problem": "nobody_present" } | { "problem": "not_program_touchpoint" } | { "problem": "not_program_on_device" } | { "problem": "not_segment_on_device" } | { "problem": "not_derived_id" } | { "problem": "file_unreadable", detail: string, } | { "problem": "not_certificates" } | { "problem": "not_journey_touchpoint" } | { "problem": "no_score_touchpoint" } | { "problem": "no_score" } | { "problem": "not_variant" } | { "problem": "not_library_content" } | { "problem": "waits_on_itself" } | { "problem": "waited_on" } | { "problem": "audience_of_both" } | { "problem": "no_audience" } | { "problem": "too_few_variants" } | { "problem": "experiment_not_active" } | { "problem": "journey_twice" } | { "problem": "not_journey_on_device" } | { "problem": "result_for_absent" } | { "problem": "not_on_roster" } | { "problem": "worker_twice" } | { "problem": "in_future" } | { "problem": "session_closed" } | { "problem": "not_session_on_device" } | { "problem": "no_questions" } | { "problem": "too_many", count: number, max: number, } | { "problem": "question_id" } | { "problem": "too_few_options" } | { "problem": "no_correct_option" } | { "problem": "not_quiz_on_device" } | { "problem": "no_answers" } | { "problem": "not_well_being_question" } | { "problem": "not_set_up_code" } | { "problem": "not_pin" } | { "problem": "pin_too_easy" });

export type VariantDraft = { id: ExperimentVariantId, name: string, weight: number, 
/**
 * The other details, as JSON text.
 */
details: string, };

export type VariantInput = { id: ExperimentVariantId | null, name: string, 
/**
 * A whole number, as typed.
 */
weight: string, 
/**
 * Anything else that describes the variant, as a JSON object (may be empty).
 */
details: string, };

/**
 * One variant's results.
 */

export type VariantResult = { id: ExperimentVariantId, name: string, weight: number, assigned: number, completed: number, completion_rate: number | null, completion_interval: Interval | null, 
/**
 * Over the workers with scores: each worker's mean score.
 */
scored: number, mean_score: number | null, mean_interval: Interval | null, };

/**
 * How many licensees' copies hold a version.
 */

export type VersionUsage = { number: number, copies: number, };

export type WaitingChanges = { entity: EntityKind, count: number, };

/**
 * One change waiting to go up, oldest first.
 */

export type WaitingRecord = { seq: number, entity: EntityKind, op: ChangeOp, 
/**
 * Whose or which record it is, for a person to recognise.
 */
label: string | null, made_at: Timestamp, };

/**
 * One answer as the check's form sends it: raw text, empty when not answered.
 */

export type WellBeingAnswerInput = { question_id: WellBeingQuestionId, answer: string, };

/**
 * One well-being check of one worker.
 */

export type WellBeingCheckId = string;

export type WellBeingCheckInput = { worker_id: WorkerId, answers: Array<WellBeingAnswerInput>, };

/**
 * One check in a worker's history.
 */

export type WellBeingPoint = { id: WellBeingCheckId, checked_at: Timestamp, score: Score, };

/**
 * A question an organization asks in its well-being checks, on its scale.
 */

export type WellBeingQuestion = { id: WellBeingQuestionId, organization_id: OrganizationId, prompt: Name, scale: WellBeingScale, 
/**
 * Where it comes in the check (lowest first).
 */
position: number, created_at: Timestamp, updated_at: Timestamp, };

/**
 * A question an organization asks in its well-being checks.
 */

export type WellBeingQuestionId = string;

/**
 * A question as its form sends it.
 */

export type WellBeingQuestionInput = { 
/**
 * None for a new question (it comes last).
 */
id: WellBeingQuestionId | null, prompt: string, scale: WellBeingScale, };

/**
 * The answers a well-being question takes (`well_being.rs`).
 */

export type WellBeingScale = "zero_to_ten" | "one_to_five";

/**
 * A worker's well-being: the questions to ask, every check so far (the oldest first),
 * the latest score and its change since the check before.
 */

export type WellBeingView = { questions: Array<WellBeingQuestion>, history: Array<WellBeingPoint>, latest: Score | null, change: number | null, };

export type Worker = { id: WorkerId, organization_id: OrganizationId, full_name: Name, phone_number: PhoneNumber | null, well_being_score: Score | null, performance_metric: Score | null, custom_attributes: CustomAttributes, created_at: Timestamp, updated_at: Timestamp, };

export type WorkerAssignmentId = string;

/**
 * A frontline worker.
 */

export type WorkerId = string;

/**
 * A worker's fields as typed into the enrollment or edit form. Empty text means "none"
 * for the optional fields.
 */

export type WorkerInput = { full_name: string, phone_number: string, well_being_score: string, performance_metric: string, custom_attributes: { [key in string]: string }, };

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

export type WorkerProgressId = string;

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

export type WorkerRef = { id: WorkerId, name: string, };

/**
 * A worker overdue for longer than the device's number of days.
 */

export type WorkerReminder = { key: ReminderKey, worker_id: WorkerId, name: string, 
/**
 * Days since the first touchpoint they are overdue for was due.
 */
days_overdue: number, 
/**
 * Touchpoints they are overdue for.
 */
touchpoints: number, };

/** Sends a command by name with its named arguments; resolves with its result. */
export type Invoke = <T>(command: string, args?: Record<string, unknown>) => Promise<T>

/** Calls `handler` with each payload of an event; resolves with how to stop. */
export type Listen = <T>(event: string, handler: (payload: T) => void) => Promise<() => void>

/** Every command the window can send, typed as Rust declares it. */
export function commands(invoke: Invoke) {
  return {
    /** Whether the device is set up and signed in, and what waits to sync. */
    deviceStatus: () => invoke<DeviceStatus>('device_status'),
    /**
     * Unlocks as a person signed in here, with their password or PIN, offline; switching
     * to another person is unlocking as them.
     */
    unlock: (input: UnlockInput) => invoke<DeviceStatus>('unlock', { input }),
    /** Locks the app until a person signed in here unlocks it. */
    lock: () => invoke<DeviceStatus>('lock'),
    /** The window was used: keeps the app unlocked. */
    keepUnlocked: () => invoke<null>('keep_unlocked'),
    /** Sets or removes the PIN of the person working. */
    setPin: (input: PinInput) => invoke<null>('set_pin', { input }),
    /**
     * When the device's data cannot be read (its key is missing or wrong): sets it aside,
     * kept, and starts with an empty database to sign in to. Refused while the data opens.
     */
    startOver: () => invoke<DeviceStatus>('start_over'),
    setUpDevice: (input: SetUpInput) => invoke<DeviceStatus>('set_up_device', { input }),
    searchWorkers: (query: WorkerQuery) => invoke<Page<Worker>>('search_workers', { query }),
    getWorker: (id: WorkerId) => invoke<Worker>('get_worker', { id }),
    /** A worker with their enrollments, progress timeline, segments and badges. */
    workerPage: (id: WorkerId) => invoke<WorkerPage>('worker_page', { id }),
    /** Today's due touchpoints per program, recent activity and counts, all from this device. */
    home: () => invoke<Home>('home'),
    /** A program's enrollments for whom a touchpoint is due today or overdue. */
    dueEnrollments: (programId: ProgramId, touchpointId: TouchpointId) => invoke<Array<WorkerAssignmentId>>('due_enrollments', { programId, touchpointId }),
    /** The programs on the device, by name, without their structure. */
    programChoices: () => invoke<Array<ProgramChoice>>('program_choices'),
    /** Marks an enrollment active, completed or dropped. */
    setEnrollmentStatus: (id: WorkerAssignmentId, status: AssignmentStatus) => invoke<null>('set_enrollment_status', { id, status }),
    /** Every program with its journeys, phases, touchpoints and how many are enrolled. */
    programs: () => invoke<Array<ProgramOutline>>('programs'),
    /** Who is actively enrolled in a program, by name. */
    programRoster: (programId: ProgramId) => invoke<Array<RosterEntry>>('program_roster', { programId }),
    /** Segments on the device with how many workers each holds (rules judged: the slower). */
    segments: () => invoke<Array<SegmentChoice>>('segments'),
    /** Segments on the device, by name, without counting anyone. */
    segmentNames: () => invoke<Array<SegmentName>>('segment_names'),
    /** Enrolls a worker or a segment's members in a program, in one commit; answers how many. */
    enrollInProgram: (programId: ProgramId, whom: EnrollTarget) => invoke<number>('enroll_in_program', { programId, whom }),
    /** Records a group session (or corrects one of today) in one commit. */
    recordGroupSession: (input: GroupSessionInput) => invoke<SessionSummary>('record_group_session', { input }),
    /** A recorded session with its workers' lines, to correct it. */
    groupSession: (id: GroupSessionId) => invoke<SessionRecord>('group_session', { id }),
    /** The quiz a touchpoint gives, in its latest version (None: no quiz). */
    touchpointQuiz: (touchpointId: TouchpointId) => invoke<QuizVersionView | null>('touchpoint_quiz', { touchpointId }),
    /** Scores answers against a quiz version, on the device. */
    scoreQuiz: (versionId: QuizVersionId, answers: { [key in string]: Answer }) => invoke<QuizScore>('score_quiz', { versionId, answers }),
    /** The sessions held today, the latest first. */
    sessionsOfToday: () => invoke<Array<SessionOfToday>>('sessions_of_today'),
    enrollWorker: (input: WorkerInput) => invoke<Worker>('enroll_worker', { input }),
    updateWorker: (id: WorkerId, input: WorkerInput) => invoke<Worker>('update_worker', { id, input }),
    /** Workers who may be the same person as the one being entered (`except`: the one edited). */
    findDuplicateWorkers: (input: WorkerInput, except: WorkerId | null) => invoke<Array<DuplicateCandidate>>('find_duplicate_workers', { input, except }),
    /** Signs a person in online, adding them to the people on this laptop. */
    signIn: (input: SignInInput) => invoke<DeviceStatus>('sign_in', { input }),
    /** Signs in with the account the app was launched with (see DeviceStatus). */
    signInAutomatically: () => invoke<DeviceStatus>('sign_in_automatically'),
    syncNow: () => invoke<SyncSummary>('sync_now'),
    /** Refused changes with their reasons, what waits, and the recent syncs. */
    syncDetails: () => invoke<SyncDetails>('sync_details'),
    /** Sends a refused change again, as a new change; answers with the new details. */
    retryChange: (seq: number) => invoke<SyncDetails>('retry_change', { seq }),
    /** What deleting a row takes with it, before a person confirms (nothing is deleted). */
    deletePlan: (entity: EntityKind, key: string) => invoke<DeletePlan>('delete_plan', { entity, key }),
    /** Deletes a record and what the seed's rules say goes with it. */
    deleteRecord: (entity: EntityKind, key: string) => invoke<null>('delete_record', { entity, key }),
    /** Brings a deleted record back (and the deleted records it belongs to). */
    restoreRecord: (entity: EntityKind, key: string) => invoke<null>('restore_record', { entity, key }),
    dismissLostEdit: (id: number) => invoke<null>('dismiss_lost_edit', { id }),
    /** A record's history from the server (organization administrators, online). */
    recordHistory: (entity: EntityKind, key: string) => invoke<RecordHistory>('record_history', { entity, key }),
    /** Signs the person working out of this laptop; every waiting change stays. */
    signOut: () => invoke<DeviceStatus>('sign_out'),
    /** Changes the signed-in person's own password (online; the current one is needed). */
    changePassword: (input: PasswordChangeInput) => invoke<null>('change_password', { input }),
    /** The organization's staff from the server (its administrators, online). */
    staff: () => invoke<Staff>('staff'),
    /** Adds a member of staff; answers with the set-up code to pass on, shown this once. */
    addStaffMember: (input: NewStaffMember) => invoke<IssuedSetUpCode>('add_staff_member', { input }),
    /** Changes a member's role or name, deactivates or reactivates them. */
    updateStaffMember: (user: UserId, update: StaffUpdate) => invoke<StaffMember>('update_staff_member', { user, update }),
    /** A new set-up code for a member who forgot their password. */
    issueSetUpCode: (user: UserId) => invoke<IssuedSetUpCode>('issue_set_up_code', { user }),
    /** Renames the organization (its administrators, online). */
    renameOrganization: (name: string) => invoke<Organization>('rename_organization', { name }),
    /** A worker's well-being: the questions, every check so far, the latest score and its change. */
    workerWellBeing: (workerId: WorkerId) => invoke<WellBeingView>('worker_well_being', { workerId }),
    /** Records a well-being check, scored on the device; answers the worker's well-being. */
    recordWellBeingCheck: (input: WellBeingCheckInput) => invoke<WellBeingView>('record_well_being_check', { input }),
    /** Keeps a reminder off home and the desktop for an hour or until tomorrow. */
    snoozeReminder: (key: ReminderKey, snooze: SnoozeFor) => invoke<null>('snooze_reminder', { key, snooze }),
    /** After how many days overdue a worker is reminded of, on this device. */
    setReminderOverdueDays: (days: string) => invoke<null>('set_reminder_overdue_days', { days }),
    /** The marketplace's catalog, filtered: from the server, or as last seen when offline. */
    marketplaceCatalog: (query: CatalogQuery) => invoke<CatalogView>('marketplace_catalog', { query }),
    /** A marketplace listing's page (online). */
    marketplaceListing: (id: ListingId) => invoke<ListingDetail>('marketplace_listing', { id }),
    /** How a listing is used, as the asking organization may see it (online). */
    listingUsage: (id: ListingId) => invoke<ListingUsage>('listing_usage', { id }),
    /** Publishes a journey or content item to the marketplace (an expert organization's authors). */
    publishListing: (listing: NewListing) => invoke<ListingDetail>('publish_listing', { listing }),
    /** Publishes a listing's journey or content as it is now, as its next version. */
    publishListingVersion: (id: ListingId, version: NewVersion) => invoke<ListingDetail>('publish_listing_version', { id, version }),
    /** Changes a listing's description or terms, withdraws it, or publishes it again. */
    updateListing: (id: ListingId, update: ListingUpdate) => invoke<ListingDetail>('update_listing', { id, update }),
    /** Asks for a license to a listing (a free listing's is granted at once). */
    requestLicense: (id: ListingId, request: LicenseRequest) => invoke<License>('request_license', { id, request }),
    /** The licenses the organization holds, and those of its own listings. */
    marketplaceLicenses: () => invoke<Licenses>('marketplace_licenses'),
    /** Grants or declines a request for one of the organization's listings. */
    decideLicense: (id: LicenseId, decision: LicenseDecision) => invoke<License>('decide_license', { id, decision }),
    /** Copies a licensed listing's latest version into the organization, then syncs. */
    copyListing: (license: LicenseId) => invoke<MarketplaceCopy>('copy_listing', { license }),
    /** What the listing's newest version would change in the organization's copy. */
    copyUpdate: (license: LicenseId) => invoke<CopyUpdate>('copy_update', { license }),
    /** Applies the version previewed to the organization's copy, then syncs. */
    applyUpdate: (license: LicenseId, update: ApplyUpdate) => invoke<MarketplaceCopy>('apply_update', { license, update }),
    /** Makes a forkable copy the organization's own, then syncs. */
    forkCopy: (license: LicenseId) => invoke<MarketplaceCopy>('fork_copy', { license }),
    /** The signed-in account: its role, the screens it sees and what it may write. */
    account: () => invoke<Account>('account'),
    /** The organization's type, tier, the tier's limits and how much of them is used. */
    organizationOverview: () => invoke<OrganizationOverview>('organization_overview'),
    /** The content library, with whether each item's media is on this device. */
    contentLibrary: () => invoke<Array<ContentItem>>('content_library'),
    /** Downloads a content item's media for offline use (progress: onMediaProgress). */
    downloadMedia: (id: ContentId) => invoke<ContentItem>('download_media', { id }),
    /** Opens downloaded media with no network: text as text, audio and video by type. */
    openMedia: (id: ContentId) => invoke<OpenedMedia>('open_media', { id }),
    /** The bytes of downloaded media, to play from a blob. */
    mediaBytes: (id: ContentId) => invoke<RawBytes>('media_bytes', { id }),
    /** A quiz's latest version, its attempts and how each question was answered. */
    quiz: (contentId: ContentId) => invoke<QuizOverview>('quiz', { contentId }),
    /** A program's report, computed on this device from what it holds. */
    programReport: (programId: ProgramId) => invoke<ProgramReport>('program_report', { programId }),
    /** Writes a program's report as CSV to the Downloads folder; answers the file. */
    exportProgramReport: (programId: ProgramId) => invoke<string>('export_program_report', { programId }),
    /** The organization's well-being questions, in the order they are asked. */
    wellBeingQuestions: () => invoke<Array<WellBeingQuestion>>('well_being_questions'),
    /** Adds or edits a well-being question; answers the questions as they now stand. */
    saveWellBeingQuestion: (input: WellBeingQuestionInput) => invoke<Array<WellBeingQuestion>>('save_well_being_question', { input }),
    /** Saves a quiz's questions, as a new version when they changed. */
    saveQuiz: (input: QuizInput) => invoke<QuizOverview>('save_quiz', { input }),
    saveContent: (input: ContentInput) => invoke<ContentId>('save_content', { input }),
    journeys: () => invoke<Array<JourneyDraft>>('journeys'),
    saveJourney: (input: JourneyInput) => invoke<JourneyBlueprintId>('save_journey', { input }),
    savePhase: (input: PhaseInput) => invoke<PhaseId>('save_phase', { input }),
    movePhase: (id: PhaseId, earlier: boolean) => invoke<null>('move_phase', { id, earlier }),
    saveTouchpoint: (input: TouchpointInput) => invoke<TouchpointId>('save_touchpoint', { input }),
    /** What a worker would see of each touchpoint of a journey, judged by its rules. */
    previewJourney: (journey: JourneyBlueprintId, worker: WorkerId) => invoke<Array<PreviewStep>>('preview_journey', { journey, worker }),
    programDrafts: () => invoke<Array<ProgramDraft>>('program_drafts'),
    saveProgram: (input: ProgramInput) => invoke<ProgramId>('save_program', { input }),
    segmentDrafts: () => invoke<Array<SegmentDraft>>('segment_drafts'),
    /** Who a segment form selects right now: the count and the first 50 by name. */
    previewSegment: (form: SegmentForm) => invoke<SegmentPreview>('preview_segment', { form }),
    saveSegment: (input: SegmentInput) => invoke<SegmentId>('save_segment', { input }),
    experimentDrafts: () => invoke<Array<ExperimentDraft>>('experiment_drafts'),
    saveExperiment: (input: ExperimentInput) => invoke<ExperimentId>('save_experiment', { input }),
    /** Assigns the audience's workers not yet assigned; answers how many. */
    assignExperiment: (id: ExperimentId) => invoke<number>('assign_experiment', { id }),
    experimentResults: (id: ExperimentId) => invoke<ExperimentResults>('experiment_results', { id }),
    badgeDrafts: () => invoke<Array<BadgeDraft>>('badge_drafts'),
    saveBadge: (input: BadgeInput) => invoke<BadgeId>('save_badge', { input }),
    awardBadge: (badge: BadgeId, worker: WorkerId) => invoke<null>('award_badge', { badge, worker }),
    /** A program's enrolled workers ranked by the points they earned in it. */
    leaderboard: (program: ProgramId) => invoke<Array<Standing>>('leaderboard', { program }),
    /** What a completed touchpoint and a badge are worth. */
    points: () => invoke<Points>('points'),
    savePoints: (input: PointsInput) => invoke<Points>('save_points', { input }),
    /** The organization's challenges, with how many of each audience reached the goal. */
    challenges: () => invoke<Array<ChallengeSummary>>('challenges'),
    saveChallenge: (input: ChallengeInput) => invoke<ChallengeId>('save_challenge', { input }),
    /** A challenge's audience ranked by the points earned within it, with their progress. */
    challengeBoard: (id: ChallengeId) => invoke<ChallengeBoard>('challenge_board', { id }),
  }
}

/** Every event the window can listen for, typed as Rust declares it. */
export function events(listen: Listen) {
  return {
    /** A running sync's progress. */
    onSyncProgress: (handler: (payload: SyncProgress) => void) => listen<SyncProgress>('sync-progress', handler),
    /** A sync the app started by itself (in the background) has ended. */
    onSyncFinished: (handler: (payload: SyncFinished) => void) => listen<SyncFinished>('sync-finished', handler),
    /** The server started or stopped answering. */
    onConnectionChanged: (handler: (payload: ConnectionChanged) => void) => listen<ConnectionChanged>('connection-changed', handler),
    /** How far a media download has come. */
    onMediaProgress: (handler: (payload: MediaProgress) => void) => listen<MediaProgress>('media-progress', handler),
  }
}
