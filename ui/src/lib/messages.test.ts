import { describe, expect, it } from 'vitest'
import type { AppError, ErrorCode } from './bindings'
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
