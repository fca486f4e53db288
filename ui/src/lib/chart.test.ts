import { describe, expect, it } from 'vitest'
import type { VariantResult } from './bindings'
import { chartBars, trendPoints } from './chart'

const variant = (over: Partial<VariantResult>): VariantResult => ({
  id: '019ab000-0000-7000-8000-0000000000a1',
  name: 'A',
  weight: 1,
  assigned: 10,
  completed: 4,
  completion_rate: 0.4,
  completion_interval: { low: 0.168, high: 0.687 },
  scored: 8,
  mean_score: 72.5,
  mean_interval: { low: 64.1, high: 80.9 },
  ...over,
})

describe('the results chart', () => {
  it('draws rates and scores as shares of the panel, with their intervals', () => {
    const [completion] = chartBars([variant({})], 'completion')
    expect(completion).toEqual({ name: 'A', value: 0.4, low: 0.168, high: 0.687, label: '40%' })
    const [score] = chartBars([variant({})], 'score')
    expect(score.value).toBeCloseTo(0.725)
    expect(score.low).toBeCloseTo(0.641)
    expect(score.label).toBe('72.5')
  })

  it('draws nothing for a variant without workers or scores, and keeps whiskers inside the panel', () => {
    const empty = variant({ assigned: 0, completion_rate: null, completion_interval: null, mean_score: null, mean_interval: null })
    expect(chartBars([empty], 'completion')[0]).toMatchObject({ value: null, low: null, label: '' })
    expect(chartBars([empty], 'score')[0].value).toBeNull()
    const wide = variant({ mean_interval: { low: -20, high: 130 } })
    expect(chartBars([wide], 'score')[0]).toMatchObject({ low: 0, high: 1 })
  })
})

describe('trendPoints', () => {
  it('spreads the scores across the width, 100 at the top, clamped to 0–100', () => {
    expect(trendPoints([0, 50, 100], 200, 100)).toBe('0.0,100.0 100.0,50.0 200.0,0.0')
    expect(trendPoints([72.5], 200, 100)).toBe('100.0,27.5')
    expect(trendPoints([120, -5], 10, 10)).toBe('0.0,0.0 10.0,10.0')
    expect(trendPoints([], 200, 100)).toBe('')
  })
})
