import { fireEvent, render, screen } from '@testing-library/svelte'
import { describe, expect, it, vi } from 'vitest'
import type { AppError, DeviceStatus } from '../bindings'
import { en } from '../messages'
import { standInApi, standInContext } from '../testing'
import UnreadableData from './UnreadableData.svelte'

const missing: AppError = { code: 'database_key_missing', message: 'the key of the encrypted database…', fields: [] }

describe('unreadable data', () => {
  it('says why, and starts over only when asked', async () => {
    const startOver = vi.fn(async () => ({}) as DeviceStatus)
    const onDone = vi.fn()
    render(UnreadableData, { props: { problem: missing, onDone }, context: standInContext(standInApi({ startOver })).context })
    expect(screen.getByRole('alert').getAttribute('data-code')).toBe('database_key_missing')
    expect(screen.getByText(en.errors.database_key_missing)).toBeTruthy()
    expect(screen.getByText(en.unreadableData.lost)).toBeTruthy()
    expect(startOver).not.toHaveBeenCalled()
    await fireEvent.click(screen.getByRole('button', { name: en.unreadableData.startOver }))
    expect(startOver).toHaveBeenCalledTimes(1)
    await vi.waitFor(() => expect(onDone).toHaveBeenCalledTimes(1))
  })

  it('keeps the screen and says what failed when starting over fails', async () => {
    const startOver = vi.fn(async () =>
      Promise.reject({ code: 'keyring_unavailable', message: 'locked', fields: [] }),
    )
    const onDone = vi.fn()
    render(UnreadableData, { props: { problem: missing, onDone }, context: standInContext(standInApi({ startOver })).context })
    await fireEvent.click(screen.getByRole('button', { name: en.unreadableData.startOver }))
    await screen.findByText(en.errors.keyring_unavailable)
    expect(onDone).not.toHaveBeenCalled()
    expect(screen.getByRole('button', { name: en.unreadableData.startOver })).toBeTruthy()
  })
})
