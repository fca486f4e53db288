// Every English sentence the window shows, in one place, so a translation can be added
// beside it. Errors are chosen by their code, never by the text the Rust side sent.
import type {
  Activity,
  AppError,
  AssignmentStatus,
  DueTouchpoint,
  EnrollmentFilter,
  EntityKind,
  ErrorCode,
  ProgressEntry,
  RecordSyncState,
  Urgency,
  RejectionCode,
  SyncProgress,
  SyncRun,
  SyncStartedBy,
} from './bindings'

/** A count and its noun, singular or plural: `plural(1, 'worker')` is "1 worker". */
function plural(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString('en')} ${n === 1 ? one : many}`
}

export const en = {
  appName: 'Stride',
  errorDetails: 'Details',
  nav: {
    label: 'Screens',
    home: 'Home',
    workers: 'Workers',
    programs: 'Programs',
    session: 'Group session',
    shortcut: (n: number) => `Alt+${n}`,
  },
  home: {
    title: 'Today',
    date: (at: string) => new Date(at).toLocaleDateString(undefined, { weekday: 'long', day: 'numeric', month: 'long' }),
    due: 'Due today',
    nothingDue: 'Nothing is due today. Enjoy the quiet, or look ahead on a worker’s page.',
    dueCounts: (t: DueTouchpoint) => {
      const parts = []
      if (t.overdue > 0) parts.push(`${plural(t.overdue, 'worker')} overdue`)
      if (t.today > 0) parts.push(`${plural(t.today, 'worker')} due today`)
      return parts.join(', ')
    },
    andMore: (names: string[], total: number) =>
      total > names.length ? `${names.join(', ')} and ${plural(total - names.length, 'other')}` : names.join(', '),
    touchpointName: (t: DueTouchpoint) => `${t.title ?? 'Untitled touchpoint'} · ${t.journey}, ${t.phase}`,
    runSession: 'Record a session',
    unreadable: (n: number) =>
      `${plural(n, 'touchpoint has', 'touchpoints have')} a rule this version of Stride cannot read; they are left out. Update Stride to see them.`,
    recent: 'Recent activity',
    nothingRecent: 'Nothing recorded yet.',
    activity: (a: Activity) => {
      switch (a.kind) {
        case 'progress': {
          const what = a.touchpoint ?? 'a touchpoint'
          const score = a.score !== null ? ` (score ${a.score})` : ''
          return `${a.worker_name} ${a.completed ? 'completed' : 'started'} ${what}${score}`
        }
        case 'enrollment':
          return `${a.worker_name} was enrolled in ${a.program ?? 'a program'}`
        case 'new_worker':
          return `${a.worker_name} joined`
      }
    },
    counts: 'On this device',
    workers: (n: number) => plural(n, 'worker'),
    programs: (n: number) => plural(n, 'program'),
    enrolled: (n: number) => plural(n, 'active enrollment'),
    recorded: (n: number) => `${plural(n, 'progress record')} in the last 7 days`,
  },
  setUp: {
    title: 'Set up this device',
    intro: 'Stride keeps its data on this computer and works without a network. Tell it which organization it works for.',
    organizationName: 'Organization name',
    organizationType: 'Organization type',
    types: { client: 'Client (runs programs)', expert: 'Expert (publishes content)' },
    tier: 'Subscription tier',
    tiers: { basic: 'Basic', standard: 'Standard', premium: 'Premium' },
    callingCode: 'Country calling code',
    callingCodeHint: 'Completes phone numbers typed without it, e.g. 254 for Kenya. Optional.',
    submit: 'Set up',
  },
  signIn: {
    title: 'Sign in',
    intro: 'Sign in to your organization’s Stride server. After the first sign-in, Stride works without a network and syncs when it can reach the server.',
    serverUrl: 'Server address',
    email: 'Email',
    password: 'Password',
    submit: 'Sign in',
    working: 'Signing in and fetching your organization…',
    offline: 'Set up without a server',
    wiped: (at: string) =>
      `An administrator signed this device out on ${new Date(at).toLocaleString()}, so Stride erased the data it held here. Sign in again to fetch your organization.`,
  },
  workers: {
    title: 'Workers',
    search: 'Search by name or phone',
    searchShortcut: 'press /',
    count: (total: number) => (total === 0 ? 'No workers' : total === 1 ? '1 worker' : `${total.toLocaleString('en')} workers`),
    noMatch: (text: string) => `No worker matches “${text}”.`,
    empty: 'No workers yet. Enroll the first one.',
    noFilterMatch: 'No worker matches these filters.',
    enroll: 'Enroll a worker',
    phone: 'Phone',
    wellBeing: 'Well-being',
    enrolled: 'Enrolled',
    edit: 'Edit',
    filters: 'Filters',
    segment: 'Segment',
    program: 'Program',
    enrollment: 'Enrollment',
    anySegment: 'Any segment',
    anyProgram: 'Any program',
    anyEnrollment: 'Any',
    enrollmentFilters: {
      active: 'Active',
      completed: 'Completed',
      dropped: 'Dropped',
      not_enrolled: 'Not enrolled',
    } satisfies Record<EnrollmentFilter, string>,
    clearFilters: 'Clear filters',
    listHint: 'Arrow keys move through the list; Enter opens a worker, E edits.',
  },
  programs: {
    title: 'Programs',
    back: 'Back',
    none: 'No programs on this device yet. They arrive with a sync.',
    enrolled: (n: number) => (n === 1 ? '1 worker enrolled' : `${n} workers enrolled`),
    enrollSegment: 'Enroll a segment',
    segment: 'Segment',
    members: (name: string, n: number) => `${name} (${n})`,
    enroll: 'Enroll',
    done: (n: number, program: string) =>
      n === 0 ? `Everyone there is already in ${program}.` : n === 1 ? `Enrolled 1 worker in ${program}.` : `Enrolled ${n} workers in ${program}.`,
    touchpoint: (title: string | null) => title ?? 'untitled touchpoint',
  },
  groupSession: {
    title: 'Group session',
    intro: 'Record one touchpoint for everyone who was there, in one go. It is saved on this device and syncs later.',
    back: 'Back',
    tickDue: 'Tick those due today',
    dueTicked: (n: number) =>
      n === 0
        ? 'It is due today for no one enrolled in this program.'
        : `Ticked the ${plural(n, 'worker')} for whom it is due; untick anyone who did not come.`,
    program: 'Program',
    touchpoint: 'Touchpoint',
    present: 'Who was there',
    everyone: 'Everyone',
    nobodyEnrolled: 'No one is enrolled in this program yet.',
    noPrograms: 'No programs on this device yet. They arrive with a sync.',
    score: 'Score (0–100, optional)',
    feedback: 'Feedback (optional)',
    record: (n: number) => (n === 1 ? 'Record for 1 worker' : `Record for ${n} workers`),
    recorded: (n: number) => (n === 1 ? 'Recorded for 1 worker on this device.' : `Recorded for ${n} workers on this device.`),
    touchpointName: (title: string | null, phase: string) => `${phase}: ${title ?? 'untitled touchpoint'}`,
  },
  workerPage: {
    back: 'Back to workers',
    enrollments: 'Programs',
    noEnrollments: 'Not enrolled in a program.',
    timeline: 'Progress',
    noProgress: 'No progress recorded yet.',
    segments: 'Segments',
    noSegments: 'In no segment.',
    badges: 'Badges',
    noBadges: 'No badges yet.',
    status: { active: 'active', completed: 'completed', dropped: 'dropped' } satisfies Record<AssignmentStatus, string>,
    enrolledOn: (program: string, status: AssignmentStatus, at: string) =>
      `${program}: ${en.workerPage.status[status]}, enrolled ${new Date(at).toLocaleDateString()}`,
    progressLine: (entry: ProgressEntry) => {
      const what = entry.title ?? 'A touchpoint'
      const state = entry.completed_at ? 'completed' : 'started'
      const score = entry.score !== null ? `, score ${entry.score}` : ''
      return `${what} (${entry.program}): ${state}${score}`
    },
    awarded: (name: string, at: string) => `${name}, ${new Date(at).toLocaleDateString()}`,
    next: 'Next',
    nothingNext: 'Nothing is due for this worker.',
    urgency: { overdue: 'overdue since', today: 'due today', later: 'due' } satisfies Record<Urgency, string>,
    nextLine: (title: string | null, program: string, urgency: Urgency, at: string) =>
      `${title ?? 'A touchpoint'} (${program}): ${en.workerPage.urgency[urgency]}${urgency === 'today' ? '' : ` ${new Date(at).toLocaleDateString()}`}`,
    enrollIn: 'Enroll in a program',
    enroll: 'Enroll',
    allEnrolled: 'Enrolled in every program on this device.',
    enrolledIn: (program: string) => `Enrolled in ${program} on this device.`,
    changeStatus: (program: string) => `Status in ${program}`,
    statusChanged: (program: string, status: AssignmentStatus) => `Now ${en.workerPage.status[status]} in ${program}.`,
    sync: (state: RecordSyncState) => {
      switch (state.state) {
        case 'synced':
          return 'Synced'
        case 'waiting':
          return 'Waiting to sync'
        case 'needs_attention':
          return `Needs attention: ${state.code ? en.rejections[state.code] : en.errors.server_error}`
      }
    },
  },
  enroll: {
    title: 'Enroll a worker',
    editTitle: 'Edit worker',
    fullName: 'Full name',
    phone: 'Phone number',
    phoneHint: 'With country code (+254…), or as dialled locally when a calling code is set.',
    wellBeing: 'Well-being score (0–100)',
    performance: 'Performance (0–100)',
    site: 'Site',
    language: 'Language',
    save: 'Save',
    cancel: 'Cancel',
    saved: (name: string) => `${name} is saved on this device.`,
    duplicatesTitle: 'This may be someone already enrolled:',
    reasons: { same_phone: 'same phone number', similar_name: 'similar name' },
    saveAnyway: 'Not the same person: save anyway',
  },
  status: {
    pending: (n: number) => (n === 1 ? '1 change waiting to sync' : `${n} changes waiting to sync`),
    rejected: (n: number) => (n === 1 ? '1 change needs attention' : `${n} changes need attention`),
    organization: (name: string) => `Working for ${name}`,
    lastSync: (at: string | null) => (at ? `Last sync ${new Date(at).toLocaleString()}` : 'Not synced yet'),
    notSignedIn: 'Not signed in to a server',
    sync: 'Sync now',
    syncing: 'Syncing…',
    progress: (p: SyncProgress) => {
      switch (p.phase) {
        case 'pushing':
          return `Sending changes: ${p.done} of ${p.total}`
        case 'pulling':
          return `Receiving updates: ${p.done} of about ${p.total}`
        case 'retrying':
          return `Connection lost. Trying again in ${Math.ceil((p.retry_in_ms ?? 0) / 1000)} s (attempt ${p.done} of ${p.total}); nothing is sent twice.`
      }
    },
    online: 'Online',
    offline: 'Offline: your work is kept here and syncs when the server answers',
    synced: (pushed: number, pulled: number) => `Synced: ${pushed} sent, ${pulled} received.`,
    signOut: 'Sign out',
  },
  syncPanel: {
    open: 'Sync details',
    close: 'Close',
    title: 'Sync',
    needsAttention: 'Needs attention',
    nothingRefused: 'The server has refused nothing.',
    waiting: 'Waiting to sync',
    nothingWaiting: 'Nothing waits to sync.',
    andMoreWaiting: (n: number) => `and ${plural(n, 'more change')}`,
    recent: 'Recent syncs',
    noSyncs: 'No sync yet.',
    sendAgain: 'Send again',
    serverSaid: (reason: string) => `The server said: ${reason}`,
    change: (entity: EntityKind, label: string | null, op: 'upsert' | 'delete') =>
      `${op === 'delete' ? 'Deleting' : 'Saving'} ${en.entities[entity]}${label ? ` “${label}”` : ''}`,
    waitingCount: (entity: EntityKind, count: number) => `${en.entityPlurals[entity]}: ${count}`,
    startedBy: { sign_in: 'at sign-in', button: 'by hand', background: 'by itself' } satisfies Record<SyncStartedBy, string>,
    result: (run: SyncRun) => {
      if (run.error_code) return en.errors[run.error_code as ErrorCode] ?? en.errors.internal
      const parts = [`${run.pushed} sent`, `${run.pulled} received`]
      if (run.rejected > 0) parts.push(`${run.rejected} refused`)
      if (run.retries > 0) parts.push(run.retries === 1 ? '1 retry' : `${run.retries} retries`)
      return parts.join(', ')
    },
  },
  /** Why the server refused a change, by its code. */
  rejections: {
    not_permitted: 'Your role may not make this change.',
    unknown_field: 'The change has a field the server does not know; Stride may need an update.',
    invalid_value: 'A value is not one the server accepts.',
    missing_field: 'A required field is missing.',
    missing_reference: 'It refers to something that is not on the server.',
    wrong_organization: 'It belongs to another organization.',
    not_found: 'The server does not have this record.',
    invalid_key: 'The record’s id is not valid.',
  } satisfies Record<RejectionCode, string>,
  entities: {
    organizations: 'organization', users: 'user', workers: 'worker', segments: 'segment',
    worker_segment: 'segment membership', content: 'content', journey_blueprints: 'journey', phases: 'phase',
    touchpoints: 'touchpoint', programs: 'program', program_blueprints: 'program journey',
    worker_assignments: 'enrollment', worker_progress: 'progress record', experiments: 'experiment',
    experiment_variants: 'experiment variant', experiment_assignments: 'experiment assignment', badges: 'badge',
    worker_badges: 'badge award',
  } satisfies Record<EntityKind, string>,
  entityPlurals: {
    organizations: 'Organizations', users: 'Users', workers: 'Workers', segments: 'Segments',
    worker_segment: 'Segment memberships', content: 'Content', journey_blueprints: 'Journeys', phases: 'Phases',
    touchpoints: 'Touchpoints', programs: 'Programs', program_blueprints: 'Program journeys',
    worker_assignments: 'Enrollments', worker_progress: 'Progress records', experiments: 'Experiments',
    experiment_variants: 'Experiment variants', experiment_assignments: 'Experiment assignments', badges: 'Badges',
    worker_badges: 'Badge awards',
  } satisfies Record<EntityKind, string>,
  errors: {
    invalid_input: 'Some fields need attention.',
    not_found: 'That record is no longer on this device.',
    already_exists: 'That record already exists.',
    device_not_set_up: 'Set up this device first.',
    device_already_set_up: 'This device is already set up.',
    database_unavailable: 'Stride could not open its database on this computer.',
    database_too_new: 'This database was written by a newer Stride. Update the app to open it.',
    bad_server_address: 'That is not a server address. It looks like http://server:8080.',
    server_unreachable: 'The server cannot be reached. Your work is kept on this device; sync again when there is a network.',
    invalid_credentials: 'The email or the password is wrong.',
    rate_limited: 'Too many sign-in attempts. Wait a few minutes and try again.',
    not_signed_in: 'Sign in to a server to sync.',
    device_revoked: 'An administrator signed this device out. Sign in again to sync.',
    other_organization: 'This account belongs to another organization than the one this device works for.',
    keyring_unavailable: 'The system keyring is locked, so Stride cannot keep your sign-in. Unlock it and try again.',
    server_error: 'The server could not handle the request. Try again later.',
    internal: 'Something went wrong inside Stride. Your saved data is safe; try again.',
  } satisfies Record<ErrorCode, string>,
}

export type Messages = typeof en

/** The sentence for an error, chosen by its code. */
export function describeError(error: AppError, messages: Messages = en): string {
  return messages.errors[error.code] ?? messages.errors.internal
}

/** Each field's problem, keyed by field name, for inline form messages. */
export function fieldErrors(error: AppError | null): Record<string, string> {
  const byField: Record<string, string> = {}
  for (const { field, message } of error?.fields ?? []) {
    byField[field] ??= message
  }
  return byField
}
