import { describe, expect, it } from 'vitest'
import type { Activity, AppError, DueTouchpoint, ErrorCode, InvalidValue, SyncRun } from './bindings'
import { describeDeletePlan, describeError, describeProblem, describeRefusal, en, fieldErrors, formatBytes } from './messages'

const error = (code: ErrorCode, fields: AppError['fields'] = []): AppError => ({ code, message: 'raw text from Rust', fields })

describe('error sentences', () => {
  it('are chosen by code, never by the message', () => {
    expect(describeError(error('database_too_new'))).toBe(en.errors.database_too_new)
    expect(describeError(error('not_found'))).not.toContain('raw text')
  })

  it('fall back to the internal sentence for a code this UI does not know', () => {
    expect(describeError(error('brand_new_code' as ErrorCode))).toBe(en.errors.internal)
  })

  it('map each field to its first problem, worded here by its kind', () => {
    const byField = fieldErrors(
      error('invalid_input', [
        { field: 'full_name', problem: 'empty' },
        { field: 'phone_number', problem: 'phone_needs_country_code', value: '0712' },
        { field: 'full_name', problem: 'too_long', chars: 300, max: 255 },
      ]),
    )
    expect(byField).toEqual({
      full_name: 'must not be empty',
      phone_number: '“0712” needs its country code (start with + and the code, e.g. +254…)',
    })
    expect(fieldErrors(null)).toEqual({})
  })

  it('word a problem this UI does not know as unreadable, not as raw text', () => {
    const unknown = { problem: 'brand_new_problem', detail: 'raw text' } as unknown as InvalidValue
    expect(describeProblem(unknown)).toBe(en.problems.unreadable({ problem: 'unreadable', detail: '' }))
  })
})

describe('sync progress', () => {
  it('says what a sync does, with a count for each phase and a wait for a retry', () => {
    expect(en.status.progress({ phase: 'pushing', done: 2, total: 5, retry_in_ms: null })).toBe('Sending changes: 2 of 5')
    expect(en.status.progress({ phase: 'pulling', done: 5000, total: 12000, retry_in_ms: null })).toBe(
      'Receiving updates: 5000 of about 12000',
    )
    expect(en.status.progress({ phase: 'retrying', done: 2, total: 5, retry_in_ms: 1500 })).toContain(
      'Trying again in 2 s (attempt 2 of 5)',
    )
  })
})

describe('the sync panel', () => {
  const run = (over: Partial<SyncRun>): SyncRun => ({
    started_at: '2026-11-22T07:00:00.000Z',
    finished_at: '2026-11-22T07:00:01.000Z',
    started_by: 'button',
    pushed: 3,
    rejected: 0,
    pulled: 12,
    retries: 0,
    error_code: null,
    ...over,
  })

  it('says what a past sync moved, or why it failed, by the error code', () => {
    expect(en.syncPanel.result(run({}))).toBe('3 sent, 12 received')
    expect(en.syncPanel.result(run({ rejected: 1, retries: 2 }))).toBe('3 sent, 12 received, 1 refused, 2 retries')
    expect(en.syncPanel.result(run({ error_code: 'server_unreachable' }))).toBe(en.errors.server_unreachable)
    expect(en.syncPanel.result(run({ error_code: 'unknown' }))).toBe(en.errors.unknown)
  })

  it('names a refused change by what it did to which record', () => {
    expect(en.syncPanel.change('workers', 'Amina Wanjiru', 'upsert')).toBe('Saving worker “Amina Wanjiru”')
    expect(en.syncPanel.change('worker_progress', null, 'delete')).toBe('Deleting progress record')
  })
})

describe('the worker page', () => {
  it('tells a progress record by its content, program, state and score', () => {
    const entry = {
      id: '01',
      program: 'Harvest season 2026',
      title: 'Lifting safely',
      content_type: 'video' as const,
      started_at: '2026-11-03T08:00:00.000Z',
      completed_at: null,
      score: null,
      feedback: null,
      sync: { state: 'synced' as const },
    }
    expect(en.workerPage.progressLine(entry)).toBe('Lifting safely (Harvest season 2026): started')
    expect(en.workerPage.progressLine({ ...entry, completed_at: entry.started_at, score: 91.5 })).toBe(
      'Lifting safely (Harvest season 2026): completed, score 91.5',
    )
    expect(en.workerPage.progressLine({ ...entry, title: null })).toBe('A touchpoint (Harvest season 2026): started')
  })
})

describe('home', () => {
  const due = (overdue: number, today: number, names: string[]): DueTouchpoint => ({
    id: 't',
    title: 'Lifting safely',
    content_type: 'video',
    journey: 'Safety basics',
    phase: 'Week 1',
    overdue,
    today,
    names,
  })

  it('counts who is overdue and who is due today, naming the first few', () => {
    expect(en.home.dueCounts(due(3, 0, []))).toBe('3 workers overdue')
    expect(en.home.dueCounts(due(1, 2, []))).toBe('1 worker overdue, 2 workers due today')
    expect(en.home.dueCounts(due(0, 1_200, []))).toBe('1,200 workers due today')
    expect(en.home.andMore(['Amina', 'Baraka'], 2)).toBe('Amina, Baraka')
    expect(en.home.andMore(['Amina', 'Baraka', 'Chiku'], 4)).toBe('Amina, Baraka, Chiku and 1 other')
    expect(en.home.andMore(['Amina', 'Baraka', 'Chiku'], 60)).toBe('Amina, Baraka, Chiku and 57 others')
    expect(en.home.touchpointName({ ...due(1, 0, []), title: null })).toBe('Untitled touchpoint · Safety basics, Week 1')
  })

  it('tells each kind of recent activity in a sentence', () => {
    const base: Activity = {
      kind: 'progress',
      at: '2026-11-23T08:00:00.000Z',
      worker_id: 'w',
      worker_name: 'Amina Wanjiru',
      program: 'Harvest season 2026',
      touchpoint: 'Lifting safely',
      completed: true,
      score: 80,
    }
    expect(en.home.activity(base)).toBe('Amina Wanjiru completed Lifting safely (score 80)')
    expect(en.home.activity({ ...base, completed: false, score: null })).toBe('Amina Wanjiru started Lifting safely')
    expect(en.home.activity({ ...base, kind: 'enrollment' })).toBe('Amina Wanjiru was enrolled in Harvest season 2026')
    expect(en.home.activity({ ...base, kind: 'new_worker' })).toBe('Amina Wanjiru joined')
  })
})

describe('a record’s sync state', () => {
  it('says synced, waiting, or why the server refused it (by code)', () => {
    expect(en.workerPage.sync({ state: 'synced' })).toBe('Synced')
    expect(en.workerPage.sync({ state: 'waiting' })).toBe('Waiting to sync')
    expect(en.workerPage.sync({ state: 'needs_attention', code: 'not_permitted', reason: 'raw words' })).toBe(
      `Needs attention: ${en.rejections.not_permitted}`,
    )
    expect(en.workerPage.sync({ state: 'needs_attention', code: null, reason: 'raw words' })).not.toContain('raw')
    // A refusal without a sentence of its own reads as the error of the same code; a code
    // from a newer server reads as one this version does not know.
    expect(describeRefusal('invalid_key')).toBe(en.errors.invalid_key)
    expect(describeRefusal('unknown')).toBe(en.errors.unknown)
  })

  it('names what is due next and how urgent it is', () => {
    expect(en.workerPage.nextLine('Lifting safely', 'Harvest', 'today', '2026-11-23T08:00:00.000Z')).toBe(
      'Lifting safely (Harvest): due today',
    )
    expect(en.workerPage.nextLine(null, 'Harvest', 'overdue', '2026-11-05T08:00:00.000Z')).toMatch(
      /^A touchpoint \(Harvest\): overdue since /,
    )
  })
})

describe('authoring sentences', () => {
  it('say when a touchpoint is due, from its rule form', () => {
    const title = (id: string | null) => (id === 't1' ? 'Lifting safely' : 'Quiz')
    const variant = () => 'Video or text first: A'
    const rule = { after_touchpoint: null, after_days: '', min_score_touchpoint: null, min_score: '', variant: null }
    expect(en.journeys.ruleSummary(rule, title, variant)).toBe('Due from enrollment')
    expect(en.journeys.ruleSummary({ ...rule, after_touchpoint: 't1', after_days: '2' }, title, variant)).toBe(
      'Due 2 days after Lifting safely',
    )
    expect(
      en.journeys.ruleSummary({ ...rule, min_score_touchpoint: 't2', min_score: '70', variant: 'v' }, title, variant),
    ).toBe('Due from enrollment, with a score of 70 or more on Quiz, only for Video or text first: A')
  })

  it('summarize a segment form and count who it selects', () => {
    const form = {
      combine: 'all' as const,
      conditions: [
        { negate: false, field: 'site', op: 'eq', value: 'Kisumu' },
        { negate: true, field: 'language', op: 'in', value: 'sw, luo' },
      ],
    }
    expect(en.segments.summary(form)).toBe('Site equal to Kisumu and Language not one of sw, luo')
    expect(en.segments.summary({ combine: 'any', conditions: [] })).toBe('Members added by hand')
    expect(en.segments.matching(1)).toBe('1 worker on this device matches.')
    expect(en.segments.sample(['A', 'B'], 14)).toBe('A, B and 12 others')
  })

  it('report the split check by whether it is a mismatch', () => {
    expect(en.experiments.sampleRatio(null)).toContain('once two variants have workers')
    const fits = { chi_square: 0.36, degrees_of_freedom: 1, p_value: 0.55, mismatch: false }
    expect(en.experiments.sampleRatio(fits)).toBe('The split fits the weights (χ² 0.36, p 0.55).')
    const broken = { chi_square: 16, degrees_of_freedom: 1, p_value: 0.0000633, mismatch: true }
    expect(en.experiments.sampleRatio(broken)).toContain('Sample ratio mismatch')
    expect(en.experiments.rate(4, 10, 0.4, { low: 0.168, high: 0.687 })).toBe('40% (4 of 10; 95% CI 17–69%)')
  })

  it('show sizes and tier limits as people read them', () => {
    expect(formatBytes(512)).toBe('512 B')
    expect(formatBytes(16_044)).toBe('16 kB')
    expect(formatBytes(2_400_000)).toBe('2.4 MB')
    expect(en.organization.limit(null)).toBe('No limit')
    expect(en.organization.limit(0)).toBe('None')
    expect(en.organization.limit(10_000)).toBe('10,000')
    expect(en.errors.tier_limit).toContain('tier')
    expect(en.rejections.tier_limit).toContain('tier')
  })
})

describe('what a delete takes with it', () => {
  it('names every other row it deletes and every reference it clears', () => {
    const plan = {
      deleted: { phases: 1, touchpoints: 2, worker_progress: 1 },
      cleared: [{ entity: 'experiments' as const, column: 'program_id', rows: 3 }],
    }
    expect(describeDeletePlan(plan, 'phases')).toBe(
      'Also deletes 2 touchpoints and 1 progress record. Clears the reference of 3 experiments (program).',
    )
  })

  it('says nothing when the row goes alone', () => {
    expect(describeDeletePlan({ deleted: { touchpoints: 1 }, cleared: [] }, 'touchpoints')).toBeNull()
  })
})
