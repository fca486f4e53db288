import { fireEvent, render, screen, within } from '@testing-library/svelte'
import { describe, expect, it, vi } from 'vitest'
import type { Account, CatalogQuery, CatalogView, License, Listing, ListingDetail, OrganizationOverview, Role } from '../bindings'
import { en } from '../messages'
import { standInApi, standInContext } from '../testing'
import Marketplace from './Marketplace.svelte'

const lakesideId = '00000000-0000-7000-8000-00000000000a'
const expertId = '00000000-0000-7000-8000-00000000000e'

function overview(type: 'client' | 'expert'): OrganizationOverview {
  return {
    organization: { id: type === 'client' ? lakesideId : expertId, name: 'Org', type, subscription_tier: 'premium', created_at: '2026-12-01T08:00:00.000Z', updated_at: '2026-12-01T08:00:00.000Z' },
    limits: { workers: null, programs: null, segments: null, experiments: null, variants_per_experiment: 10, users: null },
    usage: { workers: 0, programs: 0, segments: 0, experiments: 0, users: 1 },
  } as OrganizationOverview
}

function account(role: Role, licenses: boolean, publishes: boolean): Account {
  return {
    email: 'ruth@lakeside.example',
    display_name: 'Ruth',
    permissions: { role, screens: ['home', 'marketplace'], writes: [], reads_history: false, administers: licenses, publishes, licenses },
    roles: [],
  }
}

const listing = (title: string, extra: Partial<Listing> = {}): Listing => ({
  id: `00000000-0000-7000-8000-${title.length.toString().padStart(12, '0')}`,
  publisher_organization_id: expertId,
  publisher_name: 'Safework Institute',
  kind: 'journey',
  source_id: '00000000-0000-7000-8000-0000000000f1',
  title,
  description: 'For harvest crews',
  language: 'en',
  license_type: 'free',
  copies: 'locked',
  status: 'published',
  latest_version: 1,
  updated_at: '2026-12-01T08:00:00.000Z',
  license_status: null,
  ...extra,
})

const lifting = listing('Safe lifting')
const detail = (license: License | null): ListingDetail => ({
  listing: lifting,
  terms: 'Within your organization',
  versions: [{ number: 1, notes: 'First edition', published_at: '2026-12-01T08:00:00.000Z', counts: { phases: 1, touchpoints: 1, content: 1, media_files: 0 } }],
  preview: {
    kind: 'journey',
    journey: { title: 'Safety basics', purpose: null, phases: [{ key: 'p1', name: 'Week 1', sequence_order: 1, touchpoints: [{ key: 't1', content_key: 'c1', rule_logic: null }] }] },
    content: [{ key: 'c1', type: 'video', title: 'Lifting safely', description: null, media_url: null, media: null, quiz: null }],
  },
  license,
})

const license = (extra: Partial<License> = {}): License => ({
  id: '00000000-0000-7000-8000-0000000000c1',
  listing_id: lifting.id,
  listing_title: lifting.title,
  license_type: 'free',
  publisher_organization_id: expertId,
  publisher_name: 'Safework Institute',
  licensee_organization_id: lakesideId,
  licensee_name: 'Lakeside Farms',
  status: 'active',
  seats: null,
  ends_on: null,
  terms: null,
  message: null,
  requested_at: '2026-12-01T08:00:00.000Z',
  decided_at: '2026-12-01T08:00:00.000Z',
  in_force: true,
  latest_version: 1,
  copies: 'locked',
  update_available: false,
  copy: null,
  ...extra,
})

describe('marketplace', () => {
  it('filters the catalog on the device and says when it is the one last seen offline', async () => {
    const seen: CatalogQuery[] = []
    const marketplaceCatalog = vi.fn(async (query: CatalogQuery): Promise<CatalogView> => {
      seen.push(query)
      return { listings: [lifting], seen_at: '2026-11-30T16:00:00.000Z', offline: true }
    })
    render(Marketplace, {
      props: { account: account('coordinator', false, false) },
      context: standInContext(standInApi({ marketplaceCatalog, organizationOverview: async () => overview('client') })).context,
    })
    expect((await screen.findAllByTestId('listing')).length).toBe(1)
    expect(screen.getByTestId('catalog-offline').textContent).toBe(en.marketplace.offline('2026-11-30T16:00:00.000Z'))
    await fireEvent.input(document.querySelector('input[name=search]') as HTMLInputElement, { target: { value: ' lifting ' } })
    await fireEvent.submit(document.querySelector('form.filters') as HTMLFormElement)
    await vi.waitFor(() => expect(seen.at(-1)?.search).toBe('lifting'))
    expect(screen.queryByTestId('license-listing')).toBeNull()
  })

  it('lets a client administrator license a free listing, then copy it in', async () => {
    let held: License | null = null
    const api = standInApi({
      organizationOverview: async () => overview('client'),
      marketplaceCatalog: async () => ({ listings: [lifting], seen_at: '2026-12-01T08:00:00.000Z', offline: false }),
      marketplaceLicenses: async () => ({ held: held ? [held] : [], granted: [] }),
      marketplaceListing: async () => detail(held),
      requestLicense: vi.fn(async () => (held = license())),
      listingUsage: vi.fn(async () => ({
        listing_id: lifting.id,
        title: lifting.title,
        versions: [{ number: 1, copies: 1 }],
        licensees: [],
        all: { workers: null, touchpoints: [], questions: [] },
        own: { workers: 0, touchpoints: [], questions: [] },
        min_workers: 5,
      })),
      copyListing: vi.fn(async () => {
        held = license({ copy: { id: 'x', license_id: license().id, listing_id: lifting.id, version: 1, kind: 'journey', root_id: 'r', copied_at: '2026-12-01T09:00:00.000Z', forked: false } })
        return held.copy!
      }),
    })
    render(Marketplace, { props: { account: account('org_admin', true, false) }, context: standInContext(api).context })
    await fireEvent.click(within((await screen.findAllByTestId('listing'))[0]).getByText('Safe lifting'))
    const preview = await screen.findByTestId('listing-preview')
    expect(within(preview).getByText('Lifting safely')).toBeTruthy()
    await fireEvent.click(screen.getByTestId('license-listing'))
    await screen.findByText(en.marketplace.licensed('Safe lifting'))
    await fireEvent.click(await screen.findByTestId('copy-listing'))
    await screen.findByText(en.marketplace.copied('Safe lifting', 1))
    expect(await screen.findByText(en.marketplace.copiedVersion(1))).toBeTruthy()
    expect((await screen.findByTestId('usage-workers')).textContent).toBe(en.marketplace.usage.workers(null, 0, 0))
  })

  it('shows a refusal by its code', async () => {
    const api = standInApi({
      organizationOverview: async () => overview('client'),
      marketplaceCatalog: async () => ({ listings: [lifting], seen_at: null, offline: false }),
      marketplaceLicenses: async () => ({ held: [], granted: [] }),
      marketplaceListing: async () => detail(null),
      requestLicense: vi.fn(async () => {
        throw { code: 'listing_withdrawn', message: 'withdrawn', fields: [] }
      }),
    })
    render(Marketplace, { props: { account: account('org_admin', true, false) }, context: standInContext(api).context })
    await fireEvent.click(within((await screen.findAllByTestId('listing'))[0]).getByText('Safe lifting'))
    await fireEvent.click(await screen.findByTestId('license-listing'))
    expect((await screen.findByRole('alert')).textContent).toBe(en.errors.listing_withdrawn)
  })
})
