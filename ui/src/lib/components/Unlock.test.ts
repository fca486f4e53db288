import { fireEvent, render, screen } from '@testing-library/svelte'
import { describe, expect, it, vi } from 'vitest'
import type { DeviceStatus, PersonOnDevice, UnlockInput } from '../bindings'
import { en } from '../messages'
import { deviceStatus, standInApi, standInContext } from '../testing'
import Unlock from './Unlock.svelte'

const person = (n: number, email: string, extra: Partial<PersonOnDevice> = {}): PersonOnDevice => ({
  user_id: `00000000-0000-7000-8000-00000000000${n}`,
  email,
  display_name: email.split('@')[0],
  role: 'coordinator',
  unlocks_offline: true,
  has_pin: true,
  failed_unlocks: 0,
  signed_in_at: '2026-12-01T08:00:00.000Z',
  ...extra,
})
const cora = person(1, 'cora@lakeside.example')
const nia = person(2, 'nia@lakeside.example', { role: 'program_manager' })

const locked = (people: PersonOnDevice[]): DeviceStatus =>
  deviceStatus({ pending_changes: 2, server_url: 'http://localhost:8080', signed_in: true, people, working: cora.user_id, locked: true })

const secretField = () => document.querySelector('input[name=secret]') as HTMLInputElement

describe('the lock screen', () => {
  it('lists everyone signed in here and unlocks as the one chosen', async () => {
    const unlocked = { ...locked([cora, nia]), locked: false, working: nia.user_id }
    const unlock = vi.fn(async (_: UnlockInput) => unlocked)
    const onUnlocked = vi.fn()
    render(Unlock, {
      props: { status: locked([cora, nia]), onUnlocked, onSignIn: () => {} },
      context: standInContext(standInApi({ unlock })).context,
    })
    const people = screen.getAllByTestId('person')
    expect(people.map((p) => p.textContent?.trim())).toEqual(['cora (coordinator)', 'nia (program manager)'])
    expect(people[0].getAttribute('aria-selected')).toBe('true')
    await fireEvent.click(people[1])
    await fireEvent.input(secretField(), { target: { value: '2580' } })
    await fireEvent.click(screen.getByText(en.people.unlock))
    await vi.waitFor(() => expect(onUnlocked).toHaveBeenCalledWith(unlocked))
    expect(unlock).toHaveBeenCalledWith({ user_id: nia.user_id, secret: '2580' })
  })

  it('says a wrong PIN is wrong with the tries left, then sends a locked-out person to sign in online', async () => {
    let status = locked([cora])
    const unlock = vi.fn(async () => {
      const failed = status.people[0].failed_unlocks + 1
      status = locked([{ ...cora, failed_unlocks: failed, unlocks_offline: failed < 5 }])
      throw failed < 5
        ? { code: 'wrong_unlock', message: 'not hers', fields: [] }
        : { code: 'unlock_needs_sign_in', message: 'online', fields: [] }
    })
    const deviceStatus = vi.fn(async () => status)
    const onSignIn = vi.fn()
    render(Unlock, {
      props: { status, onUnlocked: () => {}, onSignIn },
      context: standInContext(standInApi({ unlock, deviceStatus })).context,
    })
    await fireEvent.input(secretField(), { target: { value: '1111' } })
    await fireEvent.click(screen.getByText(en.people.unlock))
    expect((await screen.findByRole('alert')).getAttribute('data-code')).toBe('wrong_unlock')
    expect((await screen.findByTestId('tries-left')).textContent).toBe(en.people.triesLeft(4))
    expect(secretField().value, 'the wrong PIN is cleared').toBe('')
    for (let i = 0; i < 4; i++) {
      await fireEvent.input(secretField(), { target: { value: '1111' } })
      await fireEvent.click(screen.getByText(en.people.unlock))
      await vi.waitFor(() => expect(deviceStatus).toHaveBeenCalledTimes(i + 2))
    }
    expect((await screen.findByTestId('needs-sign-in')).textContent).toBe(en.people.needsSignIn)
    expect(secretField()).toBeNull()
    await fireEvent.click(screen.getByTestId('sign-in-instead'))
    expect(onSignIn).toHaveBeenCalledWith(cora.email)
  })
})
