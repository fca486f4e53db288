import { render, screen } from '@testing-library/svelte'
import { describe, expect, it } from 'vitest'
import type { ListingUsage as Usage, UsageFigures } from '../bindings'
import { standInApi, standInContext } from '../testing'
import ListingUsage from './ListingUsage.svelte'

const figures = (workers: number | null, completed: number | null): UsageFigures => ({
  workers,
  touchpoints: [
    { key: 't1', name: 'Lifting safely', current: true, completed_percent: completed, mean_score: completed === null ? null : 72.5 },
    { key: 't2', name: 'Resting', current: false, completed_percent: null, mean_score: null },
  ],
  questions: [{ content_key: 'c1', question_id: 'q1', quiz: 'Lifting check', prompt: 'Bend the knees.', correct_percent: completed }],
})

const usage = (extra: Partial<Usage>): Usage => ({
  listing_id: 'l1',
  title: 'Safe lifting',
  versions: [{ number: 1, copies: 2 }],
  licensees: [],
  all: figures(8, 87.5),
  own: null,
  min_workers: 5,
  ...extra,
})

describe('how a listing is used', () => {
  it('shows the publisher its licensees and the figures across them, a small one’s as fewer than five', async () => {
    const api = standInApi({
      listingUsage: async () =>
        usage({ licensees: [{ name: 'Hilltop Co-op', version: 1, workers: null }, { name: 'Lakeside Farms', version: 1, workers: 6 }] }),
    })
    render(ListingUsage, { props: { listingId: 'l1' }, context: standInContext(api).context })
    expect((await screen.findByTestId('usage-workers')).textContent).toBe('8 workers enrolled across 2 licensed organizations.')
    const licensees = screen.getByTestId('usage-licensees').textContent ?? ''
    expect(licensees).toContain('Hilltop Co-op1fewer than 5')
    expect(licensees).toContain('Lakeside Farms16')
    const touchpoints = (screen.getByTestId('usage-touchpoints').textContent ?? '').replace(/\s+/g, ' ')
    expect(touchpoints).toContain('88% completed · mean score 72.5')
    expect(touchpoints).toContain('Resting (no longer in the newest version) fewer than 5 workers')
  })

  it('shows a licensee its own figures beside everyone’s, where everyone’s are withheld', async () => {
    const api = standInApi({ listingUsage: async () => usage({ all: figures(null, null), own: figures(6, 100) }) })
    render(ListingUsage, { props: { listingId: 'l1' }, context: standInContext(api).context })
    expect((await screen.findByTestId('usage-workers')).textContent).toBe(
      'Fewer than 5 workers across every licensee so far; 6 workers of yours.',
    )
    const questions = screen.getByTestId('usage-questions').textContent ?? ''
    expect(questions).toContain('fewer than 5 workers')
    expect(questions).toContain('100% right')
  })
})
