import { fireEvent, render, screen } from '@testing-library/svelte'
import { describe, expect, it, vi } from 'vitest'
import type { DeviceStatus, Home as HomeAnswer, WorkerId } from '../bindings'
import { en } from '../messages'
import { deviceStatus, standInApi, standInContext } from '../testing'
import Home from './Home.svelte'

const day = (workers: number): HomeAnswer => ({
  day_starts: '2026-12-02T00:00:00.000Z',
  programs: [],
  recent: [],
  counts: { workers, programs: 1, active_enrollments: 0, recorded_since: 0 },
  unreadable_rules: 0,
  reminders: { overdue_days: 3, sessions: [], workers: [], workers_total: 0, snoozed: 0 },
})

const status: DeviceStatus = deviceStatus()

const props = { onRunSession: () => {}, onOpenWorker: () => {} }

describe('home', () => {
  it('shows what the device answers, through the api it is given', async () => {
    const api = standInApi({ home: vi.fn(async () => day(12)) })
    render(Home, { props, context: standInContext(api).context })
    expect(await screen.findByText(en.home.workers(12))).toBeTruthy()
    expect(screen.getByText(en.home.nothingDue)).toBeTruthy()
  })

  it('reads again when something on the device changed', async () => {
    const home = vi.fn(async () => day(12))
    const api = standInApi({ home, deviceStatus: async () => status })
    const { context, device } = standInContext(api)
    render(Home, { props, context })
    await screen.findByText(en.home.workers(12))
    home.mockImplementation(async () => day(13))
    await device.changed()
    expect(await screen.findByText(en.home.workers(13))).toBeTruthy()
    expect(home).toHaveBeenCalledTimes(2)
  })

  it('snoozes a reminder on the device and reads home again', async () => {
    const key = 'worker:0193a000-0000-7000-8000-0000000000a1'
    const late = (snoozed: number): HomeAnswer => ({
      ...day(1),
      reminders: {
        overdue_days: 3,
        sessions: [],
        workers: snoozed
          ? []
          : [{ key, worker_id: '0193a000-0000-7000-8000-0000000000a1' as WorkerId, name: 'Amina', days_overdue: 9, touchpoints: 2 }],
        workers_total: snoozed ? 0 : 1,
        snoozed,
      },
    })
    const home = vi.fn(async () => late(0))
    const snoozeReminder = vi.fn(async () => {
      home.mockImplementation(async () => late(1))
      return null
    })
    const api = standInApi({ home, snoozeReminder, deviceStatus: async () => status })
    render(Home, { props, context: standInContext(api).context })
    expect(await screen.findByText(en.reminders.overdue(9, 2))).toBeTruthy()
    await fireEvent.click(screen.getByRole('button', { name: en.reminders.tomorrow }))
    expect(snoozeReminder).toHaveBeenCalledWith(key, 'tomorrow')
    expect(await screen.findByText(en.reminders.snoozed(1))).toBeTruthy()
    expect(screen.queryByText('Amina')).toBeNull()
  })

  it('says why when the device cannot answer', async () => {
    const api = standInApi({
      home: async () => Promise.reject({ code: 'database_unavailable', message: 'disk I/O error', fields: [] }),
    })
    render(Home, { props, context: standInContext(api).context })
    expect((await screen.findByRole('alert')).getAttribute('data-code')).toBe('database_unavailable')
  })
})
