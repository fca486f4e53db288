import { describe, expect, it } from 'vitest'
import type { AppError, ErrorCode, SyncRun } from './bindings'
import { describeError, en, fieldErrors } from './messages'

const error = (code: ErrorCode, fields: AppError['fields'] = []): AppError => ({ code, message: 'raw text from Rust', fields })

describe('error sentences', () => {
  it('are chosen by code, never by the message', () => {
    expect(describeError(error('database_too_new'))).toBe(en.errors.database_too_new)
    expect(describeError(error('not_found'))).not.toContain('raw text')
  })

  it('fall back to the internal sentence for a code this UI does not know', () => {
    expect(describeError(error('brand_new_code' as ErrorCode))).toBe(en.errors.internal)
  })

  it('map each field to its first problem', () => {
    const byField = fieldErrors(
      error('invalid_input', [
        { field: 'full_name', message: 'must not be empty' },
        { field: 'phone_number', message: 'needs its country code' },
        { field: 'full_name', message: 'second problem' },
      ]),
    )
    expect(byField).toEqual({ full_name: 'must not be empty', phone_number: 'needs its country code' })
    expect(fieldErrors(null)).toEqual({})
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
    expect(en.syncPanel.result(run({ error_code: 'from_a_newer_app' }))).toBe(en.errors.internal)
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
    }
    expect(en.workerPage.progressLine(entry)).toBe('Lifting safely (Harvest season 2026): started')
    expect(en.workerPage.progressLine({ ...entry, completed_at: entry.started_at, score: 91.5 })).toBe(
      'Lifting safely (Harvest season 2026): completed, score 91.5',
    )
    expect(en.workerPage.progressLine({ ...entry, title: null })).toBe('A touchpoint (Harvest season 2026): started')
  })
})
