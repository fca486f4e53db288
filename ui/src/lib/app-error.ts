// What a failed call rejects with, as the window handles it.
import type { AppError } from './bindings'

/** Whether a rejection is one of ours (and not, say, a bug in the page). */
export function isAppError(value: unknown): value is AppError {
  return typeof value === 'object' && value !== null && 'code' in value && 'message' in value
}

/** Any failure as an AppError: ours as it is, anything else as `internal`. */
export function asAppError(failure: unknown): AppError {
  return isAppError(failure) ? failure : { code: 'internal', message: String(failure), fields: [] }
}
