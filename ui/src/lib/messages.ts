// Every English sentence the window shows, in one place, so a translation can be added
// beside it. Errors are chosen by their code, never by the text the Rust side sent.
import type {
  Account,
  Activity,
  AppError,
  AssignmentStatus,
  AwardForm,
  Challenge,
  ChallengeGoal,
  Points,
  ContentType,
  DeletePlan,
  HistoryConflict,
  HistoryEntry,
  OrphanRecord,
  ExperimentStatus,
  ExperimentType,
  Interval,
  License,
  LicenseStatus,
  LicenseType,
  ListingKind,
  CopyPolicy,
  Offline,
  PartField,
  SnapshotChange,
  SnapshotPart,
  OrganizationType,
  PreviewStep,
  QuestionKindName,
  WellBeingScale,
  Role,
  RuleForm,
  SampleRatio,
  Screen as RoleScreen,
  SegmentForm,
  SubscriptionTier,
  VariantDraft,
  DueTouchpoint,
  EnrollmentFilter,
  EntityKind,
  ErrorCode,
  InvalidValue,
  ProgressEntry,
  RecordSyncState,
  Urgency,
  SyncProgress,
  SyncRun,
  SyncStartedBy,
} from './bindings'

/** A size in bytes as people read it: "16 kB", "2.4 MB". */
export function formatBytes(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`
  if (bytes < 1_000_000) return `${Math.round(bytes / 1000)} kB`
  return `${(bytes / 1_000_000).toFixed(1)} MB`
}

/** One sentence per kind of problem a value can have, given its particulars. */
type ProblemSentences = { [K in InvalidValue['problem']]: (problem: Extract<InvalidValue, { problem: K }>) => string }

/** A column type's name in a problem (`wrong_type`'s `expected`), as a person reads it. */
const typeNames: Record<string, string> = {
  uuid: 'id',
  text: 'text',
  integer: 'whole number',
  number: 'number',
  timestamp: 'date and time',
  date: 'date (YYYY-MM-DD)',
  json: 'JSON object',
}

/** A calendar day (YYYY-MM-DD) as people read it, on the device's calendar. */
function dateOf(day: string): string {
  return new Date(`${day}T00:00:00`).toLocaleDateString()
}

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
    content: 'Content',
    journeys: 'Journeys',
    segments: 'Segments',
    experiments: 'Experiments',
    badges: 'Rewards',
    organization: 'Organization',
    marketplace: 'Marketplace',
    /** The test ids the end-to-end tests know the screens by. */
    testIds: {
      home: 'home-open',
      workers: 'workers-open',
      programs: 'programs-open',
      session: 'group-session-open',
      content: 'content-open',
      journeys: 'journeys-open',
      segments: 'segments-open',
      experiments: 'experiments-open',
      badges: 'badges-open',
      organization: 'organization-open',
      marketplace: 'marketplace-open',
    },
  },
  home: {
    title: 'Today',
    date: (at: string) => new Date(at).toLocaleDateString(undefined, { weekday: 'long', day: 'numeric', month: 'long' }),
    due: 'Due today',
    nothingDue: 'Nothing is due today. Enjoy the quiet, or look ahead on a worker’s page.',
    dueCounts: (t: DueTouchpoint) => {
      const parts: string[] = []
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
  reminders: {
    title: 'Reminders',
    none: 'No reminders now.',
    session: (title: string | null, program: string, workers: number) =>
      `Session due today: ${title ?? 'untitled touchpoint'} (${program}), ${plural(workers, 'worker')}`,
    overdue: (days: number, touchpoints: number) =>
      `overdue ${plural(days, 'day')}, ${plural(touchpoints, 'touchpoint')}`,
    record: 'Record',
    hour: 'Snooze 1 hour',
    tomorrow: 'Until tomorrow',
    moreWorkers: (n: number) => `and ${plural(n, 'more worker')} overdue`,
    snoozed: (n: number) => `${plural(n, 'reminder')} snoozed.`,
    threshold: (days: number) => `Workers are reminded of once overdue by more than ${plural(days, 'day')}.`,
    change: 'Change',
    daysField: 'Remind of workers overdue by more than (days)',
    save: 'Save',
    cancel: 'Cancel',
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
  unreadableData: {
    title: 'This device’s data cannot be opened',
    why: 'Stride encrypts what it keeps on this computer, and keeps the key in the system keyring. The keyring was reset, or this data came from another computer, so it cannot be read here.',
    lost: 'Changes made on this computer that had not synced yet cannot be recovered without the key. Everything that had synced is safe on the server.',
    kept: 'Starting over keeps the unreadable file beside the new one, in case the key is found again. Then sign in to fetch your organization’s data anew.',
    startOver: 'Start over and sign in',
    working: 'Starting over…',
  },
  signIn: {
    title: 'Sign in',
    intro: 'Sign in to your organization’s Stride server. After the first sign-in, Stride works without a network and syncs when it can reach the server.',
    serverUrl: 'Server address',
    email: 'Email',
    password: 'Password',
    selfHosted: 'A self-hosted server',
    caFile: 'The organization’s CA certificate file',
    caFileHint: 'Only for a server whose certificate your organization signs itself: the path of its CA file (PEM), e.g. /etc/ssl/certs/lakeside-ca.pem.',
    submit: 'Sign in',
    working: 'Signing in and fetching your organization…',
    offline: 'Set up without a server',
    wiped: (at: string) =>
      `An administrator signed this device out on ${new Date(at).toLocaleString()}, so Stride erased the data it held here. Sign in again to fetch your organization.`,
    againTitle: 'Sign in to go on',
    addTitle: 'Sign in on this laptop',
    addIntro: 'Sign in once with the network; afterwards you unlock Stride here offline, with your password or a PIN. Everyone already signed in here stays, and so does every change waiting to sync.',
    againIntro: (pending: number) =>
      `Nobody is signed in on this device. Everything on it is kept${pending > 0 ? `, and ${plural(pending, 'change')} ${pending === 1 ? 'waits' : 'wait'} to sync` : ''}; sign in to sync again.`,
    deactivated: 'The person signed in here was deactivated by an administrator, so their sign-in ended. Sign in as another person to go on; nothing on this device was lost.',
    keepWorking: 'Keep working offline',
    firstTime: 'First sign-in, with a set-up code from an administrator',
    setUpCode: 'Set-up code',
    setUpCodeHint: 'Twelve letters and digits, as ABCD-EFGH-JKMN. It works once, for a week.',
    newPassword: 'Choose a password (8 characters or more)',
    newPasswordAgain: 'The same password again',
    passwordsDiffer: 'The two passwords are not the same.',
  },
  people: {
    lockedTitle: 'Who is working?',
    lockedIntro: 'Stride is locked. Choose yourself and unlock it with your password or your PIN; no network is needed.',
    nobodyChosen: 'Choose a person first.',
    secret: 'Password or PIN',
    unlock: 'Unlock',
    unlocking: 'Checking…',
    triesLeft: (n: number) => (n === 1 ? 'One more wrong try locks offline unlock.' : `${n} tries left before offline unlock stops.`),
    needsSignIn: 'Offline unlock stopped after too many wrong tries: sign in with the password (online).',
    signInInstead: 'Sign in online',
    addPerson: 'Add a person to this laptop',
    personLine: (name: string | null, email: string, role: Role) => `${name ?? email} (${en.roles[role]})`,
    working: (name: string) => `${name} is working`,
    menu: 'Switch person',
    switchTo: (name: string) => `Switch to ${name}`,
    lock: 'Lock (Ctrl+L)',
    setPin: 'Set a PIN',
    changePin: 'Change the PIN',
    pin: 'PIN (4 to 12 digits)',
    savePin: 'Save the PIN',
    removePin: 'Remove the PIN',
    pinSaved: 'PIN saved: it unlocks Stride on this laptop, offline.',
    pinRemoved: 'PIN removed: the password unlocks Stride.',
    signOut: 'Sign out of this laptop',
    signOutConfirm: (pending: number) =>
      `Sign out? Your sign-in and PIN leave this laptop${pending > 0 ? `; the ${plural(pending, 'change')} waiting to sync stay and go up under the names of who made them` : ''}.`,
    cancel: 'Cancel',
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
    add: 'New program',
    newTitle: 'New program',
    editTitle: 'Edit program',
    edit: 'Edit',
    name: 'Name',
    startDate: 'Starts',
    endDate: 'Ends',
    journeysInOrder: 'Journeys, in the order they are delivered',
    noJourneys: 'No journeys yet: add one below.',
    addJourney: 'Add a journey',
    chooseJourney: 'Choose a journey',
    addIt: 'Add',
    unknownJourney: 'a journey not on this device',
    moveUp: 'Move up',
    moveDown: 'Move down',
    remove: 'Remove',
    save: 'Save',
    cancel: 'Cancel',
    saved: (name: string) => `${name} is saved on this device.`,
    dates: (start: string | null, end: string | null) =>
      start || end ? ` · ${start ? new Date(start).toLocaleDateString() : '…'} to ${end ? new Date(end).toLocaleDateString() : '…'}` : '',
  },
  content: {
    title: 'Content library',
    add: 'New content',
    newTitle: 'New content',
    editTitle: 'Edit content',
    readOnly: 'Your role may download and open content; editing it is for authors.',
    none: 'No content on this device yet.',
    type: 'Type',
    types: { video: 'Video', text: 'Text', audio: 'Audio', quiz: 'Quiz' } satisfies Record<ContentType, string>,
    titleField: 'Title',
    description: 'Description',
    mediaUrl: 'Media address',
    mediaUrlHint: 'A file of your organization’s server (/v1/media/NAME), or an http(s) address.',
    license: 'License',
    noLicense: 'None named',
    licenses: { free: 'Free', paid: 'Paid', subscription: 'Subscription' } satisfies Record<LicenseType, string>,
    save: 'Save',
    cancel: 'Cancel',
    edit: 'Edit',
    untitled: 'Untitled',
    saved: (title: string) => `${title} is saved on this device.`,
    download: 'Download for offline use',
    downloadAgain: 'Download again',
    downloaded: (title: string | null) => `${title ?? 'The media'} is on this device now and opens without a network.`,
    open: 'Open',
    close: 'Close',
    offline: (state: Offline) => {
      switch (state.state) {
        case 'no_media':
          return 'No media'
        case 'not_downloaded':
          return 'Not on this device yet'
        case 'downloaded':
          return `On this device (${formatBytes(state.bytes)})`
        case 'outdated':
          return 'Its address changed since it was downloaded'
      }
    },
    progress: (received: number, total: number | null) =>
      total ? `${formatBytes(received)} of ${formatBytes(total)}` : `${formatBytes(received)} so far`,
  },
  journeys: {
    title: 'Journeys',
    choose: 'Journey',
    newJourney: 'New journey…',
    readOnly: 'Your role may look at journeys; editing them is for authors.',
    none: 'No journeys on this device yet.',
    journeyTitle: 'Title',
    purpose: 'Purpose',
    save: 'Save',
    create: 'Create journey',
    cancel: 'Cancel',
    edit: 'Edit',
    delete: 'Delete',
    untitled: 'Untitled',
    saved: (title: string) => `${title} is saved on this device.`,
    newPhase: 'New phase',
    addPhase: 'Add phase',
    phaseAdded: (name: string) => `Added the phase ${name}.`,
    deletePhase: 'Delete phase',
    moveUp: 'Move up',
    moveDown: 'Move down',
    moved: (name: string) => `Moved ${name}.`,
    addTouchpoint: 'Add a touchpoint',
    saveTouchpoint: 'Save touchpoint',
    touchpointSaved: 'The touchpoint is saved on this device.',
    content: 'Content',
    rule: 'When it is due',
    ruleHint: 'Every condition given must hold. With none, it is due as soon as a worker is enrolled.',
    afterTouchpoint: 'After completing',
    fromEnrollment: 'Nothing: count from enrollment',
    afterDays: 'Days later',
    minScoreOn: 'Only with a score on',
    noScoreNeeded: 'No score needed',
    minScore: 'Score at least (0–100)',
    variant: 'Only for experiment variant',
    everyone: 'Everyone',
    unknownVariant: 'a variant not on this device',
    unreadable: 'A rule this version cannot read.',
    ruleSummary: (rule: RuleForm, titleOf: (id: string | null) => string, variantName: (id: string | null) => string) => {
      const parts: string[] = []
      const days = Number(rule.after_days || '0')
      if (rule.after_touchpoint) parts.push(`${days > 0 ? `${plural(days, 'day')} after` : 'after'} ${titleOf(rule.after_touchpoint)}`)
      else parts.push(days > 0 ? `${plural(days, 'day')} after enrollment` : 'from enrollment')
      if (rule.min_score_touchpoint) parts.push(`with a score of ${rule.min_score} or more on ${titleOf(rule.min_score_touchpoint)}`)
      if (rule.variant) parts.push(`only for ${variantName(rule.variant)}`)
      return `Due ${parts.join(', ')}`
    },
    previewTitle: 'Preview for a worker',
    previewFor: 'Worker',
    previewSearch: 'Type a name',
    previewOf: (name: string) => `What ${name} would see, by the rules above:`,
    step: (step: PreviewStep) => {
      const what = step.title ?? 'Untitled'
      switch (step.state) {
        case 'done':
          return `${what}: done`
        case 'due':
          return `${what}: due ${new Date(step.at).toLocaleDateString()}`
        case 'waiting_for':
          return `${what}: waits for ${step.title === null ? 'another touchpoint' : 'them to complete'} ${step.title ?? ''}`.trim()
        case 'score_too_low':
          return `${what}: needs a score of ${step.needed} on ${step.title ?? 'another touchpoint'}`
        case 'other_variant':
          return `${what}: for another experiment variant`
      }
    },
  },
  segments: {
    title: 'Segments',
    add: 'New segment',
    newTitle: 'New segment',
    editTitle: 'Edit segment',
    none: 'No segments on this device yet.',
    name: 'Name',
    members: 'Members',
    rule: 'Rule',
    edit: 'Edit',
    save: 'Save',
    cancel: 'Cancel',
    remove: 'Remove',
    combine: 'Workers who match',
    all: 'all of these',
    any: 'any of these',
    not: 'not',
    field: 'Field or attribute',
    op: 'Is',
    value: 'Value',
    inHint: 'Separate values with commas.',
    addCondition: 'Add a condition',
    byHand: 'With no conditions, the segment holds the workers added to it by hand.',
    fieldNames: {
      site: 'Site',
      language: 'Language',
      full_name: 'Full name',
      phone_number: 'Phone number',
      well_being_score: 'Well-being score',
      well_being_change: 'Well-being change',
      performance_metric: 'Performance',
    } as Record<string, string>,
    ops: {
      eq: 'equal to',
      ne: 'not equal to',
      lt: 'less than',
      lte: 'at most',
      gt: 'more than',
      gte: 'at least',
      in: 'one of',
      contains: 'containing',
      exists: 'set',
      missing: 'not set',
    } as Record<string, string>,
    matching: (n: number) =>
      n === 0
        ? 'No worker on this device matches.'
        : `${plural(n, 'worker')} on this device ${n === 1 ? 'matches' : 'match'}.`,
    sample: (names: string[], total: number) => {
      const shown = names.slice(0, 12)
      return total > shown.length ? `${shown.join(', ')} and ${plural(total - shown.length, 'other')}` : shown.join(', ')
    },
    nested: 'This rule is nested deeper than the form shows. It stays as it is unless you replace it.',
    nestedShort: 'A nested rule',
    replace: 'Replace with a new rule',
    saved: (name: string) => `${name} is saved on this device; its members follow every change to a worker.`,
    summary: (form: SegmentForm) => {
      if (form.conditions.length === 0) return 'Members added by hand'
      const one = (c: SegmentForm['conditions'][number]) => {
        const op = en.segments.ops[c.op] ?? c.op
        const value = c.op === 'exists' || c.op === 'missing' ? '' : ` ${c.value}`
        return `${en.segments.fieldNames[c.field] ?? c.field} ${c.negate ? 'not ' : ''}${op}${value}`
      }
      return form.conditions.map(one).join(form.combine === 'all' ? ' and ' : ' or ')
    },
  },
  experiments: {
    title: 'Experiments',
    intro: 'Each worker of the audience gets one variant, chosen from their id and the weights: the same on every device, offline.',
    add: 'New experiment',
    newTitle: 'New experiment',
    editTitle: 'Edit experiment',
    none: 'No experiments on this device yet.',
    name: 'Name',
    type: 'What it varies',
    types: { journey_level: 'A journey', program_level: 'A program' } satisfies Record<ExperimentType, string>,
    status: 'Status',
    statuses: { draft: 'Draft', active: 'Active', completed: 'Completed' } satisfies Record<ExperimentStatus, string>,
    audience: 'Audience',
    noAudience: 'No audience yet',
    ofProgram: (name: string) => `Workers of the program ${name}`,
    ofSegment: (name: string) => `Members of the segment ${name}`,
    variants: 'Variants',
    variant: 'Variant',
    variantName: 'Name',
    weight: 'Weight',
    details: 'Details (JSON, optional)',
    addVariant: 'Add a variant',
    remove: 'Remove',
    save: 'Save',
    cancel: 'Cancel',
    edit: 'Edit',
    tierHint: (account: Account | null) =>
      account ? 'Your tier decides how many experiments and variants you may have; see Organization.' : '',
    saved: (name: string) => `${name} is saved on this device.`,
    variantList: (variants: VariantDraft[]) => variants.map((v) => `${v.name} (weight ${v.weight})`).join(', '),
    assign: 'Assign the audience',
    assigned: (n: number, name: string) =>
      n === 0 ? `Everyone in the audience of ${name} was assigned already.` : `Assigned ${plural(n, 'worker')} in ${name}.`,
    results: 'Results',
    assignedHeading: 'Workers',
    completion: 'Completion rate',
    meanScore: 'Mean score',
    weightOf: (w: number) => `weight ${w}`,
    rate: (completed: number, assigned: number, rate: number | null, interval: Interval | null) =>
      rate === null || !interval
        ? '—'
        : `${Math.round(rate * 100)}% (${completed} of ${assigned}; 95% CI ${Math.round(interval.low * 100)}–${Math.round(interval.high * 100)}%)`,
    mean: (mean: number | null, interval: Interval | null, scored: number) =>
      mean === null
        ? '—'
        : `${mean.toFixed(1)}${interval ? ` (95% CI ${interval.low.toFixed(1)}–${interval.high.toFixed(1)})` : ''}, ${plural(scored, 'worker')} scored`,
    sampleRatio: (srm: SampleRatio | null) =>
      srm === null
        ? 'The split can be checked once two variants have workers.'
        : srm.mismatch
          ? `Sample ratio mismatch: the split is unlikely under the weights (χ² ${srm.chi_square.toFixed(1)}, p ${srm.p_value.toExponential(1)}). Check the assignment before trusting these results.`
          : `The split fits the weights (χ² ${srm.chi_square.toFixed(2)}, p ${srm.p_value.toFixed(2)}).`,
    unassigned: (n: number) => `${plural(n, 'worker')} of the audience not assigned yet.`,
    noData: 'no data yet',
  },
  badges: {
    title: 'Badges',
    add: 'New badge',
    newTitle: 'New badge',
    editTitle: 'Edit badge',
    none: 'No badges on this device yet.',
    name: 'Name',
    icon: 'Icon address',
    description: 'Description',
    rule: 'Awarded when',
    ruleHint: 'Every condition given must hold; leave all empty to award it by hand only. It is awarded as progress is recorded, offline.',
    completedTouchpoints: 'Touchpoints completed, at least',
    touchpoint: 'Completed touchpoint',
    anyTouchpoint: 'Any touchpoint',
    minScore: 'With a score of at least',
    program: 'Program',
    anyProgram: 'Any program',
    holders: 'Holders',
    edit: 'Edit',
    save: 'Save',
    cancel: 'Cancel',
    untitled: 'Untitled',
    unreadable: 'A rule this version cannot read',
    saved: (name: string) => `${name} is saved on this device.`,
    summary: (rule: AwardForm, touchpointName: (id: string | null) => string, programName: (id: string | null) => string) => {
      const parts: string[] = []
      if (rule.completed_touchpoints) parts.push(`${rule.completed_touchpoints} or more touchpoints completed`)
      if (rule.touchpoint) parts.push(`${touchpointName(rule.touchpoint)} completed`)
      if (rule.min_score) parts.push(`a score of ${rule.min_score} or more${rule.touchpoint ? ' on it' : ''}`)
      if (parts.length === 0) return 'By hand'
      return parts.join(', ') + (rule.program ? ` in ${programName(rule.program)}` : '')
    },
    byHand: 'Award by hand',
    badge: 'Badge',
    chooseBadge: 'Choose a badge',
    worker: 'Worker',
    findWorker: 'Type a name',
    awardTo: (name: string) => `Award to ${name}`,
    awarded: (badge: string, worker: string) => `${worker} has the badge ${badge} now.`,
    leaderboard: 'Leaderboard',
    noPrograms: 'No programs on this device yet.',
    completed: 'Touchpoints completed',
    meanScore: 'Mean score',
    badgeCount: 'Badges',
    points: 'Points',
  },
  challenges: {
    pointsTitle: 'Points',
    pointsHint: 'Every device counts the same points from the progress and badges it holds: each different touchpoint a worker completes, and each badge they earn.',
    perTouchpoint: 'Points per completed touchpoint',
    perBadge: 'Points per badge',
    pointsSummary: (p: Points) => `${p.per_touchpoint} points for each completed touchpoint, ${p.per_badge} for each badge.`,
    editPoints: 'Change',
    pointsSaved: 'The points are saved on this device.',
    title: 'Challenges',
    add: 'New challenge',
    newTitle: 'New challenge',
    editTitle: 'Edit challenge',
    none: 'No challenges on this device yet.',
    name: 'Title',
    description: 'Description',
    goalKind: 'Counts',
    goalKinds: { touchpoints: 'Touchpoints completed', points: 'Points earned' } satisfies Record<ChallengeGoal, string>,
    goal: 'Goal',
    startsOn: 'From (first day)',
    endsOn: 'To (last day)',
    audience: 'For',
    program: 'Program',
    segment: 'Segment',
    chooseAudience: 'Choose a program or a segment',
    edit: 'Edit',
    save: 'Save',
    cancel: 'Cancel',
    show: 'Board',
    saved: (title: string) => `${title} is saved on this device.`,
    goalSummary: (c: Challenge) =>
      c.goal_kind === 'touchpoints' ? `Complete ${c.goal} touchpoint${c.goal === 1 ? '' : 's'}` : `Earn ${c.goal} points`,
    window: (from: string, to: string) => `${dateOf(from)} to ${dateOf(to)}`,
    reached: (reached: number, of: number) => `${reached} of ${of} reached the goal`,
    board: (title: string) => `${title}: the board`,
    boardHint: 'Ranked by the points earned within the challenge; the bar is the progress toward its goal.',
    rank: '#',
    worker: 'Worker',
    progress: 'Progress',
    progressOf: (count: number, goal: number) => `${count} of ${goal}`,
    done: 'Reached',
    pointsColumn: 'Points',
    nobody: 'Nobody is in this challenge’s audience on this device.',
  },
  organization: {
    title: 'Organization',
    summary: (name: string, type: OrganizationType, tier: SubscriptionTier) =>
      `${name}: ${type === 'client' ? 'a client organization (runs programs)' : 'an expert organization (publishes content)'}, on the ${tier} tier.`,
    limits: 'What the tier allows',
    used: 'In use',
    allowed: 'Allowed',
    limit: (n: number | null) => (n === null ? 'No limit' : n === 0 ? 'None' : n.toLocaleString('en')),
    variantsPerExperiment: 'Variants per experiment',
    activeStaff: 'Active staff',
    limitsHint: 'The server refuses what goes past the tier, even when made on several devices offline; deleting frees a place.',
    you: 'You',
    signedInAs: (email: string | null, role: Role) =>
      email ? `Signed in as ${email}, ${en.roles[role]}.` : `Working without a server, as ${en.roles[role]}.`,
    roles: 'What each role may see and do',
    rolesHint: 'The server checks every change against the role of whoever made it.',
    sees: (screen: RoleScreen) => `Sees ${en.nav[screen === 'group_session' ? 'session' : screen].toLowerCase()}`,
    writes: (kind: EntityKind) => `Changes ${en.entityPlurals[kind].toLowerCase()}`,
    name: 'Name',
    rename: 'Rename',
    renamed: 'Renamed. Every device shows the new name after its next sync.',
    tierHint: 'The type and the tier are set by whoever runs the server.',
  },
  marketplace: {
    title: 'Marketplace',
    publish: 'Publish to the marketplace',
    publishTitle: 'Publish a journey or content item',
    what: 'What to publish',
    choose: 'Choose…',
    journeys: 'Journeys',
    content: 'Content',
    listingTitle: 'Title in the catalog',
    description: 'Description',
    language: 'Language',
    languageHint: 'A language tag: en, sw, fr, pt-BR…',
    license: 'License',
    copies: 'Copies',
    copyPolicies: {
      locked: 'Locked copies: licensees take each new version as it is published.',
      forkable: 'Forkable: a licensee may make its copy its own, and stop taking new versions.',
    } satisfies Record<CopyPolicy, string>,
    terms: 'Terms',
    notes: 'What this version is',
    cancel: 'Cancel',
    search: 'Search the catalog',
    anyLanguage: 'Any language',
    anyLicense: 'Any license',
    find: 'Find',
    none: 'Nothing in the catalog matches.',
    neverSeen: 'The catalog has not been fetched on this device yet: it needs the network once.',
    offline: (seenAt: string | null) =>
      seenAt
        ? `Offline: this is the catalog as it was on ${new Date(seenAt).toLocaleString()}.`
        : 'Offline: the catalog has not been fetched on this device yet.',
    untitled: 'Untitled',
    byline: (publisher: string, kind: ListingKind, language: string, license: string) =>
      `${publisher} · ${kind === 'journey' ? 'a journey' : 'a content item'} · ${language} · ${license}`,
    licenseStatus: { requested: 'requested', active: 'licensed', declined: 'declined' } satisfies Record<LicenseStatus, string>,
    withdrawnTag: 'withdrawn',
    versionLine: (version: number, publisher: string) => `Version ${version}, by ${publisher}`,
    preview: (title: string) => `What is in it: ${title}`,
    previewContent: 'What is in it',
    versions: 'Versions',
    version: (n: number, at: string, notes: string | null) =>
      `Version ${n}, ${new Date(at).toLocaleDateString()}${notes ? `: ${notes}` : ''}`,
    publishVersion: 'Publish a new version',
    withdraw: 'Withdraw',
    publishAgain: 'Publish again',
    wasDeclined: 'The publisher declined the last request. You may ask again.',
    message: 'A note to the publisher',
    getFree: 'Get it (free)',
    request: 'Request a license',
    waiting: (publisher: string) => `Requested: waiting for ${publisher} to decide.`,
    copiedVersion: (version: number) => `Copied into your organization (version ${version}). It is in Journeys and Content.`,
    copyIn: 'Copy into our organization',
    notInForce: 'The license is not in force (declined, or past its last day).',
    licenses: 'Licenses',
    held: (l: License) => `${l.listing_title}, from ${l.publisher_name}: ${l.in_force ? 'in force' : en.marketplace.licenseStatus[l.status]}${l.ends_on ? `, until ${l.ends_on}` : ''}${l.copy ? `, copied (version ${l.copy.version})` : ''}.`,
    grantedLine: (l: License) => `${l.licensee_name}: ${l.listing_title}, ${en.marketplace.licenseStatus[l.status]}${l.seats ? `, ${l.seats} seats` : ''}${l.ends_on ? `, until ${l.ends_on}` : ''}.`,
    seats: 'Seats',
    endsOn: 'Last day',
    grant: 'Grant',
    change: 'Change terms',
    decline: 'Decline',
    licensed: (title: string) => `${title} is licensed. Copy it into your organization to use it.`,
    requested: (title: string) => `Asked for a license to ${title}.`,
    copied: (title: string, version: number) => `${title} (version ${version}) is copied into your organization and on this device.`,
    versionPublished: (version: number) => `Version ${version} is published.`,
    withdrawn: 'Withdrawn: it takes no new licenses; those who hold one keep it.',
    republished: 'Published again.',
    granted: (name: string) => `Granted to ${name}.`,
    declined: (name: string) => `Declined for ${name}.`,
    published: (title: string) => `${title} is published as version 1.`,
    seeUpdate: (version: number) => `Update available: see what version ${version} changes`,
    updateTitle: (from: number, to: number) => `From version ${from} to version ${to}`,
    noChanges: 'Nothing in the journey or its content changes.',
    changeLine: (c: SnapshotChange) => {
      const part = en.marketplace.parts[c.part]
      if (c.change === 'added') return `New ${part}: ${c.name}`
      if (c.change === 'changed') return `${part[0].toUpperCase()}${part.slice(1)} ${c.name}: ${c.fields.map((f) => en.marketplace.partFields[f]).join(', ')} changed`
      const kept = c.progress_kept ? ` — the sessions of ${plural(c.progress_kept, 'worker')} on it are kept` : ''
      return `Removed ${part}: ${c.name}${kept}`
    },
    parts: { journey: 'journey', phase: 'phase', touchpoint: 'touchpoint', content: 'content item' } satisfies Record<SnapshotPart, string>,
    partFields: {
      title: 'title',
      purpose: 'purpose',
      name: 'name',
      order: 'order',
      phase: 'phase',
      content: 'content',
      rule: 'when it is due',
      type: 'type',
      description: 'description',
      media: 'media',
      questions: 'questions',
    } satisfies Record<PartField, string>,
    keptProgress: 'Touchpoints that continue keep every worker’s progress; a removed touchpoint is no longer scheduled, and what was recorded on it stays.',
    applyUpdate: (version: number) => `Apply version ${version}`,
    updated: (title: string, version: number) => `${title} is updated to version ${version}, here and on every device at its next sync.`,
    fork: 'Make it our own',
    forkWarning: 'A forked copy is yours to edit, and takes no more versions from its publisher. This cannot be undone.',
    forked: (title: string) => `${title} is your organization’s own now: edit it freely; it takes no more updates.`,
    forkedNote: 'Forked: your organization’s own, taking no more versions.',
    endedNote: 'The license has ended: the copy takes no more versions and no new enrollments; workers enrolled keep going.',
    usage: {
      title: 'How it is used',
      workers: (all: number | null, organizations: number, own: number | null) => {
        const across = organizations ? ` across ${plural(organizations, 'licensed organization')}` : ' across every licensee'
        const everyone = all === null ? `Fewer than 5 workers${across} so far` : `${plural(all, 'worker')} enrolled${across}`
        return own === null ? `${everyone}.` : `${everyone}; ${plural(own, 'worker')} of yours.`
      },
      version: (number: number, copies: number) => `version ${number}: ${plural(copies, 'copy', 'copies')}`,
      licensee: 'Organization',
      versionHeld: 'Version held',
      enrolled: 'Workers enrolled',
      notCopied: 'not copied in',
      fewer: (min: number) => `fewer than ${min}`,
      completion: 'Completed, per touchpoint',
      everyone: 'every licensee',
      yours: 'yours',
      removed: 'no longer in the newest version',
      percent: (p: number | null, min: number) => (p === null ? `fewer than ${min} workers` : `${Math.round(p)}% completed`),
      mean: (score: number) => `mean score ${score.toFixed(1)}`,
      questions: 'Quiz questions answered right',
      right: (p: number | null, min: number) => (p === null ? `fewer than ${min} workers` : `${Math.round(p)}% right`),
      note: (min: number) =>
        `Counts and shares only, never a worker’s name or record; a figure drawn from fewer than ${min} workers is not shown outside their own organization.`,
    },
  },
  staff: {
    title: 'Staff',
    hint: 'Who works in the organization, in which role, and on which devices. Changes are made on the server, so they need a connection; a deactivated person’s sign-in ends at once on every device, and what they synced stays.',
    count: (active: number, limit: number | null) =>
      limit === null ? `${plural(active, 'active member')}.` : `${active} of the ${limit} active members the tier allows.`,
    name: 'Name',
    email: 'Email',
    role: 'Role',
    roleOf: (name: string) => `Role of ${name}`,
    lastSeen: 'Last seen',
    never: 'Never',
    devices: 'Devices',
    noDevices: 'None yet',
    revoked: 'signed out',
    deactivatedSince: (at: string) => `Deactivated on ${new Date(at).toLocaleDateString()}`,
    setUpPending: 'Has not used their set-up code yet',
    deactivate: 'Deactivate',
    reactivate: 'Reactivate',
    newCode: 'New set-up code',
    addTitle: 'Add a member',
    add: 'Add',
    passOn: (name: string) => `Pass this set-up code on to ${name}, by voice or on paper. They sign in the first time with it and choose their own password. It is shown only now.`,
    codeWorks: (until: string) => `It works once, until ${new Date(until).toLocaleString()}.`,
    codeNoted: 'I have noted it',
    scope: 'Sync scope',
    scopeHint: 'Which workers the coordinator’s laptop holds: those at these sites, in these segments (ones whose members are listed by hand) or enrolled in these programs. Every other worker leaves their laptop at its next sync, and comes back when the scope grows. Nothing chosen is the whole organization.',
    wholeOrganization: 'Whole organization',
    everyone: 'Whole organization (not a coordinator)',
    scopeSummary: (scope: { sites: string[]; segments: unknown[]; programs: unknown[] }) =>
      [
        scope.sites.length ? `Sites: ${scope.sites.join(', ')}` : '',
        scope.segments.length ? plural(scope.segments.length, 'segment') : '',
        scope.programs.length ? plural(scope.programs.length, 'program') : '',
      ]
        .filter(Boolean)
        .join(' · '),
    editScope: 'Change',
    scopeOf: (name: string) => `Sync scope of ${name}`,
    sites: 'Sites (separated by commas)',
    segments: 'Segments',
    programs: 'Programs',
    saveScope: 'Save the scope',
    cancel: 'Cancel',
  },
  password: {
    title: 'Your password',
    current: 'Current password',
    next: 'New password (8 characters or more)',
    again: 'The new password again',
    submit: 'Change the password',
    changed: 'Your password is changed. Use it at your next sign-in, on any device.',
  },
  roles: {
    org_admin: 'organization administrator',
    training_manager: 'training manager',
    program_manager: 'program manager',
    content_specialist: 'content specialist',
    coordinator: 'coordinator',
  } satisfies Record<Role, string>,
  groupSession: {
    title: 'Group session',
    correctTitle: 'Correct a session',
    intro: 'Mark who came and, for each one there, their score, feedback and reflection. It is saved on this device and syncs later; it can be corrected until the day ends.',
    back: 'Back',
    tickDue: 'Tick those due today',
    dueTicked: (n: number) =>
      n === 0
        ? 'It is due today for no one enrolled in this program.'
        : `Ticked the ${plural(n, 'worker')} for whom it is due; untick anyone who did not come.`,
    program: 'Program',
    touchpoint: 'Touchpoint',
    present: 'Who was there',
    keys: 'Space ticks who came; Enter or the arrow keys move down a column, Shift+Enter up.',
    everyone: 'Everyone',
    here: 'Came',
    worker: 'Worker',
    nobodyEnrolled: 'No one is enrolled in this program yet.',
    noPrograms: 'No programs on this device yet. They arrive with a sync.',
    score: 'Score (0–100)',
    feedback: 'Feedback',
    reflection: 'Reflection',
    presentLabel: (name: string) => `${name} came`,
    scoreLabel: (name: string) => `Score of ${name}`,
    feedbackLabel: (name: string) => `Feedback for ${name}`,
    reflectionLabel: (name: string) => `Reflection of ${name}`,
    startedAt: (at: string) => `Started at ${at}; it ends when you record it.`,
    heldFrom: (from: string, to: string) => `Held from ${from} to ${to}.`,
    record: (present: number, absent: number) =>
      absent === 0 ? `Record for ${plural(present, 'worker')}` : `Record: ${present} came, ${absent} absent`,
    recorded: (present: number, absent: number) =>
      `Recorded on this device: ${present} came, ${absent} absent. A new session starts now.`,
    correcting: (at: string) =>
      `Correcting the session of ${new Date(at).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })}: the change is an edit that syncs.`,
    corrected: (present: number, absent: number) => `Corrected: ${present} came, ${absent} absent.`,
    saveCorrection: 'Save the correction',
    newSession: 'Start a new session',
    today: 'Sessions today',
    todayLine: (at: string, program: string, touchpoint: string | null, present: number, absent: number) =>
      `${at} · ${program} · ${touchpoint ?? 'untitled touchpoint'}: ${present} came, ${absent} absent`,
    correct: 'Correct',
    touchpointName: (title: string | null, phase: string) => `${phase}: ${title ?? 'untitled touchpoint'}`,
  },
  quiz: {
    editorTitle: (title: string) => `Questions of “${title}”`,
    close: 'Close',
    questions: 'Questions',
    versionLine: (version: number, attempts: number, passed: number) =>
      `Version ${version} · taken ${plural(attempts, 'time')}, ${passed.toLocaleString('en')} passed`,
    unchanged: 'Nothing changed, so no new version.',
    savedVersion: (version: number) =>
      version === 1 ? 'Saved as version 1.' : `Saved as version ${version}; answers given to earlier versions keep theirs.`,
    passMark: 'Pass mark (% of the points)',
    questionNumber: (n: number) => `Question ${n}`,
    kind: 'Kind',
    kinds: {
      single_choice: 'One right option',
      multiple_choice: 'Several right options',
      true_false: 'True or false',
      number: 'A number',
    } satisfies Record<QuestionKindName, string>,
    points: 'Points',
    prompt: 'Question',
    option: (n: number) => `Option ${n}`,
    markRight: (n: number) => `Option ${n} is right`,
    addOption: 'Add an option',
    statementTrue: 'The statement is true',
    rightNumber: 'Right answer',
    tolerance: 'Counts if within (±)',
    removeQuestion: 'Remove this question',
    addQuestion: 'Add a question',
    save: 'Save the questions',
    preview: 'What the worker sees',
    analysis: 'How each question was answered',
    question: 'Question',
    answered: 'Answered',
    right: 'Right',
    rightShare: (right: number, answered: number) =>
      answered === 0 ? '—' : `${right.toLocaleString('en')} (${Math.round((right * 100) / answered)}%)`,
    questionHeading: (n: number, prompt: string, points: number) => `${n}. ${prompt} (${plural(points, 'point')})`,
    tickAll: 'Tick every right option.',
    true: 'True',
    false: 'False',
    enterAnswers: 'Enter answers',
    handOver: 'Hand over',
    takeTitle: (name: string) => `Quiz for ${name}`,
    scored: (points: number, total: number) => `${points} of ${total} points`,
    done: 'Done',
    cancel: 'Cancel',
    keyPrompt: 'Choose a key to hand the laptop back with (4 characters or more). Only you will know it.',
    keyField: 'Coordinator’s key',
    keyTooShort: 'At least 4 characters.',
    start: 'Hand the laptop over',
    handedTo: (name: string) => `${name}, answer each question, then press Finish.`,
    finish: 'Finish',
    finished: 'Thank you. Hand the laptop back to your coordinator.',
    giveBack: 'Back to the session',
    wrongKey: 'That is not the key.',
  },
  wellBeing: {
    title: 'Well-being',
    latest: (latest: number | null, change: number | null, checks: number) =>
      latest === null
        ? 'No check yet.'
        : `Latest ${latest}${change === null ? '' : change >= 0 ? `, up ${change} since the check before` : `, down ${-change} since the check before`} (${plural(checks, 'check')}).`,
    trendLabel: (checks: number) => `The trend of ${plural(checks, 'check')}, 0 to 100`,
    point: (at: string, score: number) => `${new Date(at).toLocaleDateString()}: ${score}`,
    check: 'Record a check',
    question: (prompt: string, low: number, high: number) => `${prompt} (${low}–${high})`,
    record: 'Record the check',
    cancel: 'Cancel',
    recorded: (score: number) => `Recorded on this device: ${score}.`,
    noQuestions: 'The organization has set no well-being questions yet.',
    questionsTitle: 'Well-being questions',
    questionsHint: 'Asked in every well-being check, in this order. A check’s score is the mean of its answers, each placed on 0–100 along its scale.',
    noneSet: 'No questions yet.',
    prompt: 'Question',
    scale: 'Scale',
    scales: { zero_to_ten: '0 to 10', one_to_five: '1 to 5' } satisfies Record<WellBeingScale, string>,
    add: 'Add the question',
    saved: 'Saved on this device.',
  },
  report: {
    open: 'Report',
    title: (program: string) => `Report: ${program}`,
    csv: 'Save as CSV',
    print: 'Print',
    close: 'Close',
    savedTo: (path: string) => `Saved to ${path}.`,
    enrollment: (enrolled: number, active: number, completed: number, dropped: number) =>
      `${plural(enrolled, 'worker')} enrolled: ${active.toLocaleString('en')} active, ${completed.toLocaleString('en')} completed, ${dropped.toLocaleString('en')} dropped.`,
    attendance: (sessions: number, present: number, absent: number, rate: string) =>
      `${plural(sessions, 'group session')}: ${present.toLocaleString('en')} came, ${absent.toLocaleString('en')} absent (attendance ${rate}).`,
    touchpoints: 'Completion per touchpoint',
    touchpoint: 'Touchpoint',
    completed: 'Completed',
    meanScore: 'Mean score',
    touchpointName: (journey: string, phase: string, title: string | null) => `${journey} · ${phase} · ${title ?? 'untitled'}`,
    share: (count: number, rate: string) => `${count.toLocaleString('en')} (${rate})`,
    quiz: (attempts: number, passed: number) => `Quiz: ${plural(attempts, 'attempt')}, ${passed.toLocaleString('en')} passed.`,
    question: (prompt: string, right: number, answered: number) => `${prompt}: ${right.toLocaleString('en')} of ${answered.toLocaleString('en')} right`,
    phases: 'Completion per phase',
    badges: 'Badges held',
    noBadges: 'No badges held yet.',
    badge: (name: string, holders: number) => `${name}: ${plural(holders, 'worker')}`,
    challenges: 'Challenges',
    noChallenges: 'No challenges for this program.',
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
          return `Needs attention: ${describeRefusal(state.code)}`
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
      if (run.error_code) return en.errors[run.error_code] ?? en.errors.internal
      const parts = [`${run.pushed} sent`, `${run.pulled} received`]
      if (run.rejected > 0) parts.push(`${run.rejected} refused`)
      if (run.retries > 0) parts.push(run.retries === 1 ? '1 retry' : `${run.retries} retries`)
      return parts.join(', ')
    },
  },
  /** Deleting, restoring and the history of any record. */
  records: {
    delete: 'Delete',
    confirm: (entity: EntityKind, name: string | null) =>
      `Delete ${name ? `“${name}”` : `this ${en.entities[entity]}`}?`,
    confirmDelete: 'Delete',
    keep: 'Keep it',
    deleted: (entity: EntityKind, name: string | null) =>
      `Deleted ${name ? `“${name}”` : `the ${en.entities[entity]}`}.`,
    orphans: 'Left under a deleted record',
    orphanLine: (o: OrphanRecord) =>
      `A ${en.entities[o.orphan.entity]}${o.label ? ` of “${o.label}”` : ''} arrived from a device that had not seen its ${en.entities[o.orphan.parent]}${o.parent_label ? ` of “${o.parent_label}”` : ''} deleted.`,
    restoreParent: (parent: EntityKind) => `Restore the ${en.entities[parent]}`,
    discard: 'Discard it',
    restored: (parent: EntityKind) => `The ${en.entities[parent]} is back.`,
    discarded: (entity: EntityKind) => `The ${en.entities[entity]} was discarded.`,
    lostEdits: 'Replaced by a later edit',
    lostEditLine: (field: string, mine: unknown, kept: unknown) =>
      `Your ${fieldName(field)} “${shown(mine)}” was replaced by a later edit made elsewhere: now “${shown(kept)}”.`,
    lostEditOf: (entity: EntityKind, label: string | null) =>
      `${en.entities[entity]}${label ? ` “${label}”` : ''}`,
    dismiss: 'Dismiss',
    history: 'History',
    historyTitle: 'History on the server',
    noHistory: 'The server has no change of this record yet.',
    historyLine: (entry: HistoryEntry) => {
      const who = entry.by.display_name ?? entry.by.email ?? 'someone'
      const device = entry.by.device_name ? ` on ${entry.by.device_name}` : ''
      const what =
        entry.op === 'delete'
          ? 'deleted it'
          : `set ${Object.entries(entry.fields)
              .filter(([field]) => !['id', 'organization_id', 'created_at', 'updated_at'].includes(field))
              .map(([field, value]) => `${fieldName(field)} to “${shown(value)}”`)
              .join(', ') || 'nothing new'}`
      return `${new Date(entry.received_at).toLocaleString()}: ${who}${device} ${what}`
    },
    historyConflict: (c: HistoryConflict) => {
      const who = c.lost_by.display_name ?? c.lost_by.email ?? 'someone'
      const device = c.lost_by.device_name ? ` on ${c.lost_by.device_name}` : ''
      return `${new Date(c.noticed_at).toLocaleString()}: ${who}${device} set ${fieldName(c.field)} to “${shown(c.lost)}”, replaced by the concurrent “${shown(c.kept)}”`
    },
  },
  /** Why the server refused a change, where it reads better than the error's sentence. */
  rejections: {
    not_permitted: 'Your role may not make this change.',
    unknown_field: 'The change has a field the server does not know; Stride may need an update.',
    invalid_value: 'A value is not one the server accepts.',
    missing_field: 'A required field is missing.',
    missing_reference: 'It refers to something that is not on the server.',
    wrong_organization: 'It belongs to another organization.',
    not_found: 'The server does not have this record.',
    invalid_key: 'The record’s id is not valid.',
    tier_limit: 'Your organization’s subscription tier allows no more of these.',
    inconsistent_change: 'The server already applied a different change under this change’s id.',
    duplicate_enrollment: 'The worker is already enrolled in this program on the server; their progress belongs to that enrollment.',
    out_of_scope: 'The worker is not among those this laptop holds (the person’s sync scope), so the server did not take it. An administrator can widen the scope.',
    restricted: 'Other records on the server still use this one, so it was not deleted.',
    copy_locked: 'It is a locked copy of a marketplace listing: the publisher’s new versions change it, nobody here.',
    copy_forked: 'It was forked: it is your organization’s own and takes no more versions from its publisher.',
  } satisfies Partial<Record<ErrorCode, string>>,
  entities: {
    organizations: 'organization', users: 'user', workers: 'worker', segments: 'segment',
    worker_segment: 'segment membership', content: 'content', journey_blueprints: 'journey', phases: 'phase',
    touchpoints: 'touchpoint', programs: 'program', program_blueprints: 'program journey',
    worker_assignments: 'enrollment', worker_progress: 'progress record', experiments: 'experiment',
    experiment_variants: 'experiment variant', experiment_assignments: 'experiment assignment', badges: 'badge',
    worker_badges: 'badge award', group_sessions: 'group session', session_attendance: 'attendance record',
    quiz_versions: 'quiz version', quiz_attempts: 'quiz answers', well_being_questions: 'well-being question',
    well_being_checks: 'well-being check',
    point_values: 'point values',
    challenges: 'challenge',
  } satisfies Record<EntityKind, string>,
  entityPlurals: {
    organizations: 'Organizations', users: 'Users', workers: 'Workers', segments: 'Segments',
    worker_segment: 'Segment memberships', content: 'Content', journey_blueprints: 'Journeys', phases: 'Phases',
    touchpoints: 'Touchpoints', programs: 'Programs', program_blueprints: 'Program journeys',
    worker_assignments: 'Enrollments', worker_progress: 'Progress records', experiments: 'Experiments',
    experiment_variants: 'Experiment variants', experiment_assignments: 'Experiment assignments', badges: 'Badges',
    worker_badges: 'Badge awards', group_sessions: 'Group sessions', session_attendance: 'Attendance records',
    quiz_versions: 'Quiz versions', quiz_attempts: 'Quiz answers', well_being_questions: 'Well-being questions',
    well_being_checks: 'Well-being checks',
    point_values: 'Point values',
    challenges: 'Challenges',
  } satisfies Record<EntityKind, string>,
  errors: {
    invalid_input: 'Some fields need attention.',
    not_found: 'That record is no longer on this device.',
    already_exists: 'That already exists. For a new member of staff: the email is already someone’s sign-in.',
    device_not_set_up: 'Set up this device first.',
    device_already_set_up: 'This device is already set up.',
    database_unavailable: 'Stride could not open its database on this computer.',
    database_too_new: 'This database was written by a newer Stride. Update the app to open it.',
    database_key_missing: 'The key that unlocks this device’s data is not in this computer’s keyring.',
    database_key_wrong: 'The key in this computer’s keyring does not unlock this device’s data.',
    bad_server_address: 'That is not a server address. It looks like https://sync.example.org (or http://localhost:8080 for a server on this computer).',
    server_unreachable: 'The server cannot be reached. Your work is kept on this device; sync again when there is a network.',
    invalid_credentials: 'The email or the password is wrong.',
    rate_limited: 'Too many sign-in attempts. Wait a few minutes and try again.',
    not_signed_in: 'Sign in to a server to sync.',
    device_revoked: 'An administrator signed this device out. Sign in again to sync.',
    user_deactivated: 'This account was deactivated by an administrator. Sign in as another person; nothing on this device is lost.',
    wrong_password: 'The current password is wrong.',
    last_administrator: 'The organization needs an active administrator: make someone else one first.',
    other_organization: 'This account belongs to another organization than the one this device works for.',
    keyring_unavailable: 'The system keyring is locked, so Stride cannot keep your sign-in. Unlock it and try again.',
    locked: 'Stride is locked. Choose who you are and unlock it.',
    wrong_unlock: 'That is not the password or PIN.',
    unlock_needs_sign_in: 'Too many wrong tries: sign in with the password, which needs the network, to unlock again.',
    not_on_device: 'That person is not signed in on this laptop.',
    server_error: 'The server could not handle the request. Try again later.',
    not_permitted: 'Your role may not make this change.',
    tier_limit: 'Your organization’s subscription tier allows no more of these. See Organization for its limits.',
    restricted: 'Other records still use this one, so it cannot be deleted. Remove them first.',
    download_failed: 'The media could not be downloaded: the server does not have it, or it could not be saved here.',
    export_failed: 'The report could not be saved as a file on this computer.',
    invalid_request: 'The server could not read the request; Stride may need an update.',
    listing_withdrawn: 'The publisher withdrew this listing: it takes no new licenses.',
    license_not_in_force: 'The license is not in force: it is still a request, was declined, or is past its last day.',
    copy_locked: 'This is a locked copy of a marketplace listing: it follows its publisher’s new versions and is not changed here.',
    copy_forked: 'This copy was forked: it is your organization’s own and takes no more versions from its publisher.',
    unauthenticated: 'Sign in again to sync.',
    forbidden: 'Your role may not see this.',
    method_not_allowed: 'The server does not take this request; Stride may need an update.',
    too_large: 'The request is too large for the server.',
    unsupported_media_type: 'The server could not read the request; Stride may need an update.',
    unknown_field: 'The change has a field the server does not know; Stride may need an update.',
    invalid_value: 'A value is not one the server accepts.',
    missing_field: 'A required field is missing.',
    missing_reference: 'It refers to something that is not on the server.',
    wrong_organization: 'It belongs to another organization.',
    invalid_key: 'The record’s id is not valid.',
    inconsistent_change: 'The server already applied a different change under this change’s id.',
    duplicate_enrollment: 'The worker is already enrolled in this program.',
    out_of_scope: 'The worker is outside your sync scope: ask an administrator to widen it.',
    internal: 'Something went wrong inside Stride. Your saved data is safe; try again.',
    insecure_server_address:
      'That address is plain http:// to another computer: anyone on the network between could read the workers’ records and this device’s sign-in. Use the server’s https:// address (plain http:// is only for a server on this computer).',
    certificate_expired: 'The server’s certificate has expired. Ask whoever runs the server to renew it; check too that this computer’s date is right.',
    certificate_wrong_host: 'The server’s certificate is for another address. Check the server address, or ask whoever runs the server.',
    certificate_untrusted:
      'The server’s certificate is not signed by a certificate authority this computer trusts. For a self-hosted server, give your organization’s CA file below.',
    certificate_invalid: 'The server’s certificate was refused. Ask whoever runs the server.',
    not_ready: 'The server is starting or being upgraded and cannot answer yet. Try again in a few minutes.',
    unknown: 'The server answered with a reason this version of Stride does not know. Updating Stride may help.',
  } satisfies Record<ErrorCode, string>,
  // What is wrong with a value the window sent, by the problem's kind (a field's message).
  problems: {
    required: () => 'is required',
    empty: () => 'must not be empty',
    too_long: (p) => `is ${p.chars} characters long; at most ${p.max} are allowed`,
    too_short: (p) => `is ${p.chars} characters long; at least ${p.min} are needed`,
    control_characters: () => 'must not contain control characters',
    nul_character: () => 'must not contain the NUL character',
    not_timestamp: (p) => `“${p.value}” is not a date and time`,
    year_out_of_range: (p) => `“${p.value}” is not between the years 1 and 9999`,
    not_date: (p) => `“${p.value}” is not a date (YYYY-MM-DD)`,
    not_email: (p) => `“${p.value}” is not an email address`,
    not_calling_code: (p) => `“${p.value}” is not a country calling code (1 to 3 digits, e.g. 254)`,
    phone_needs_country_code: (p) => `“${p.value}” needs its country code (start with + and the code, e.g. +254…)`,
    phone_digits_only: (p) => `“${p.value}” is not a phone number: use digits only`,
    phone_length: (p) => `“${p.value}” is not a phone number: with its country code it has 8 to 15 digits`,
    score_out_of_range: (p) => `${p.value} is not a score from ${p.min} to ${p.max}`,
    not_number: (p) => `“${p.value}” is not a number`,
    not_whole_number: () => 'must be a whole number',
    out_of_range: (p) => `must be a whole number from ${p.min} to ${p.max}`,
    not_json: () => 'is not well-formed JSON',
    not_json_object: () => 'must be a JSON object',
    attribute_name: (p) => `attribute name “${p.name}” must be 1 to 64 lower-case letters, digits or underscores`,
    not_one_of: (p) => `“${p.value}” is not one of: ${p.allowed.join(', ')}`,
    wrong_type: (p) => `must be a ${typeNames[p.expected] ?? p.expected}`,
    unreadable: () => 'cannot be read',
    unreadable_rule: () => 'is a rule this version of Stride cannot read',
    missing_reference: () => 'refers to a record that is not on this device',
    unchangeable: () => 'cannot be changed',
    ends_before_start: () => 'must not be before the start date',
    completed_before_start: () => 'must not be before the start',
    not_web_address: (p) => `“${p.value}” is not a web address`,
    not_media_address: (p) => `must start with http://, https:// or ${p.media_path}`,
    not_server_file: (p) => `“${p.value}” is not a file of the server: ${p.media_path}NAME`,
    no_media: () => 'this content has no media to download',
    not_set_up_code: () => 'is not a set-up code: twelve letters and digits, as ABCD-EFGH-JKMN',
    not_pin: () => 'is not a PIN: 4 to 12 digits',
    pin_too_easy: () => 'is too easy to guess: not one digit repeated, nor digits in a row like 1234',
    no_value: () => 'give a value',
    no_number: () => 'give a number',
    no_values: () => 'give one or more values, separated by commas',
    no_text: () => 'give the text to look for',
    not_comparison: (p) => `“${p.op}” is not a comparison`,
    nobody_present: () => 'tick at least one worker who was there',
    not_program_touchpoint: () => 'choose a touchpoint of the program',
    not_program_on_device: () => 'choose a program on this device',
    not_journey_touchpoint: () => 'choose a touchpoint of this journey',
    no_score_touchpoint: () => 'choose the touchpoint the score is on',
    no_score: () => 'give the score needed, 0–100',
    not_variant: () => 'choose a variant of an experiment',
    not_library_content: () => 'choose content from the library',
    waits_on_itself: () => 'a touchpoint cannot wait on itself',
    waited_on: () => 'another touchpoint’s rule waits on it: change that rule first',
    audience_of_both: () => 'choose a program or a segment, not both',
    no_audience: () => 'choose a program or a segment',
    not_segment_on_device: () => 'choose a segment on this device',
    not_derived_id: () => 'must be the id that follows from the organization’s',
    file_unreadable: (p) => `could not be read (${p.detail})`,
    not_certificates: () => 'holds no PEM certificate (-----BEGIN CERTIFICATE-----)',
    too_few_variants: () => 'an experiment compares two variants or more',
    experiment_not_active: () => 'only an active experiment assigns workers',
    journey_twice: () => 'a journey is in the program once',
    not_journey_on_device: () => 'choose journeys on this device',
    result_for_absent: () => 'an absent worker has no score, feedback or reflection',
    not_on_roster: () => 'is not enrolled in the session’s program',
    worker_twice: () => 'a worker is listed once',
    in_future: () => 'must not be in the future',
    session_closed: () => 'a session can be corrected on the day it was held only',
    not_session_on_device: () => 'that session is not on this device',
    no_questions: () => 'a quiz has one question or more',
    too_many: (p) => `has ${p.count}; at most ${p.max} are allowed`,
    question_id: () => 'each question needs its own id',
    too_few_options: () => 'give two options or more',
    no_correct_option: () => 'mark the right option (or options) among those given',
    not_quiz_on_device: () => 'is not a quiz on this device',
    no_answers: () => 'answer at least one question',
    not_well_being_question: () => 'is not one of the organization’s well-being questions',
    incomplete_source: () => 'names a marketplace listing, its version and its state together, or none of them',
    nothing_to_publish: () => 'has no touchpoints yet: there is nothing to publish',
    copied_from_listing: () => 'is a copy of another organization’s listing: it is not yours to publish',
    license_ended: (p) => `uses “${p.journey}”, whose license ended on ${p.last_day}: it takes no new enrollments`,
    not_language: (p) => `“${p.value}” is not a language tag: two or three letters, then any subtags (en, sw, pt-BR)`,
  } satisfies ProblemSentences as ProblemSentences,
}

export type Messages = typeof en

/** A value's problem as a person reads it, by its kind. */
export function describeProblem(problem: InvalidValue, messages: Messages = en): string {
  const sentence = messages.problems[problem.problem] as ((p: InvalidValue) => string) | undefined
  return sentence ? sentence(problem) : messages.problems.unreadable({ problem: 'unreadable', detail: '' })
}

/** A column as a person reads it: `phone_number` is "phone number". */
export function fieldName(column: string): string {
  return column.replace(/_id$/, '').replaceAll('_', ' ')
}

/** A stored value as a person reads it. */
export function shown(value: unknown): string {
  if (value === null || value === undefined || value === '') return 'empty'
  return typeof value === 'string' ? value : JSON.stringify(value)
}

/**
 * What else a delete takes with it, as a person reads it before confirming ("Also
 * deletes 2 touchpoints and 12 progress records."), or null when it takes nothing else.
 */
export function describeDeletePlan(plan: DeletePlan, asked: EntityKind): string | null {
  const count = (n: number, kind: EntityKind) =>
    `${n} ${n === 1 ? en.entities[kind] : en.entityPlurals[kind].toLowerCase()}`
  const list = (items: string[]) =>
    items.length < 2 ? items.join('') : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`
  const deleted = (Object.entries(plan.deleted) as [EntityKind, number][])
    .map(([kind, n]): [EntityKind, number] => [kind, kind === asked ? n - 1 : n])
    .filter(([, n]) => n > 0)
    .map(([kind, n]) => count(n, kind))
  const cleared = plan.cleared.map((c) => `${count(c.rows, c.entity)} (${c.column.replace(/_id$/, '')})`)
  const parts: string[] = []
  if (deleted.length) parts.push(`Also deletes ${list(deleted)}.`)
  if (cleared.length) parts.push(`Clears the reference of ${list(cleared)}.`)
  return parts.length ? parts.join(' ') : null
}

/** The sentence for an error, chosen by its code. */
export function describeError(error: AppError, messages: Messages = en): string {
  return messages.errors[error.code] ?? messages.errors.internal
}

/** Why the server refused a change, by its code (none: it gave no code this app reads). */
export function describeRefusal(code: ErrorCode | null, messages: Messages = en): string {
  if (!code) return messages.errors.server_error
  const refusals: Partial<Record<ErrorCode, string>> = messages.rejections
  return refusals[code] ?? messages.errors[code] ?? messages.errors.server_error
}

/** Each field's problem, keyed by field name, for inline form messages. */
export function fieldErrors(error: AppError | null, messages: Messages = en): Record<string, string> {
  const byField: Record<string, string> = {}
  for (const problem of error?.fields ?? []) {
    byField[problem.field] ??= describeProblem(problem, messages)
  }
  return byField
}
