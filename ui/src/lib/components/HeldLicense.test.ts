import { fireEvent, render, screen } from '@testing-library/svelte'
import { describe, expect, it, vi } from 'vitest'
import type { CopyUpdate, License, MarketplaceCopy } from '../bindings'
import { en } from '../messages'
import { standInApi, standInContext } from '../testing'
import HeldLicense from './HeldLicense.svelte'

const copy: MarketplaceCopy = {
  id: '00000000-0000-7000-8000-0000000000d1',
  license_id: '00000000-0000-7000-8000-0000000000c1',
  listing_id: '00000000-0000-7000-8000-0000000000b1',
  version: 1,
  kind: 'journey',
  root_id: '00000000-0000-7000-8000-0000000000e1',
  copied_at: '2026-12-01T09:00:00.000Z',
  forked: false,
}

const held = (extra: Partial<License> = {}): License => ({
  id: copy.license_id,
  listing_id: copy.listing_id,
  listing_title: 'Safe lifting',
  license_type: 'subscription',
  publisher_organization_id: '00000000-0000-7000-8000-00000000000e',
  publisher_name: 'Safework Institute',
  licensee_organization_id: '00000000-0000-7000-8000-00000000000a',
  licensee_name: 'Lakeside Farms',
  status: 'active',
  seats: 40,
  ends_on: null,
  terms: null,
  message: null,
  requested_at: '2026-12-01T08:00:00.000Z',
  decided_at: '2026-12-01T08:00:00.000Z',
  in_force: true,
  latest_version: 2,
  copies: 'locked',
  update_available: true,
  copy,
  ...extra,
})

const update: CopyUpdate = {
  license_id: copy.license_id,
  from_version: 1,
  to_version: 2,
  versions: [{ number: 2, notes: 'A carrying checklist', published_at: '2026-12-02T08:00:00.000Z', counts: { phases: 1, touchpoints: 2, content: 2, media_files: 0 } }],
  changes: [
    { part: 'phase', key: 'p1', change: 'changed', name: 'First week', fields: ['name'], progress_kept: null },
    { part: 'touchpoint', key: 't3', change: 'added', name: 'Carrying checklist', fields: [], progress_kept: null },
    { part: 'touchpoint', key: 't2', change: 'removed', name: 'Resting', fields: [], progress_kept: 3 },
  ],
}

describe('a held license', () => {
  it('shows what a new version changes, sessions kept included, and applies the version shown', async () => {
    const applyUpdate = vi.fn(async () => ({ ...copy, version: 2 }))
    const onchanged = vi.fn(async () => {})
    const api = standInApi({ copyUpdate: vi.fn(async () => update), applyUpdate })
    render(HeldLicense, { props: { license: held(), onchanged }, context: standInContext(api).context })
    await fireEvent.click(screen.getByTestId('see-update'))
    const shown = await screen.findByTestId('copy-update')
    expect(shown.textContent).toContain('Phase First week: name changed')
    expect(shown.textContent).toContain('New touchpoint: Carrying checklist')
    expect(shown.textContent).toContain('Removed touchpoint: Resting — the sessions of 3 workers on it are kept')
    await fireEvent.click(screen.getByTestId('apply-update'))
    await vi.waitFor(() => expect(onchanged).toHaveBeenCalledWith(en.marketplace.updated('Safe lifting', 2)))
    expect(applyUpdate).toHaveBeenCalledWith(copy.license_id, { version: 2 })
  })

  it('offers no update past the license’s end, and forks a forkable copy only once confirmed', async () => {
    const forkCopy = vi.fn(async () => ({ ...copy, forked: true }))
    const api = standInApi({ forkCopy })
    const ended = held({ in_force: false, update_available: false, ends_on: '2026-11-30' })
    const { unmount } = render(HeldLicense, { props: { license: ended, onchanged: async () => {} }, context: standInContext(api).context })
    expect(screen.queryByTestId('see-update')).toBeNull()
    expect(screen.getByTestId('license-ended').textContent).toBe(en.marketplace.endedNote)
    unmount()

    const onchanged = vi.fn(async () => {})
    render(HeldLicense, { props: { license: held({ copies: 'forkable' }), onchanged }, context: standInContext(api).context })
    await fireEvent.click(screen.getByTestId('fork-copy'))
    expect(forkCopy).not.toHaveBeenCalled()
    await fireEvent.click(screen.getByTestId('confirm-fork'))
    await vi.waitFor(() => expect(onchanged).toHaveBeenCalledWith(en.marketplace.forked('Safe lifting')))
  })
})
