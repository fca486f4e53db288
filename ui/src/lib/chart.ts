// The numbers of the experiment results chart: each bar and whisker as a share of the
// panel's width (rates are already 0–1; scores are 0–100). Pure, tested with vitest.
import type { VariantResult } from './bindings'

export interface Bar {
  name: string
  /** 0–1 of the panel's width; null when there is nothing to draw. */
  value: number | null
  low: number | null
  high: number | null
  label: string
}

const clamp = (x: number) => Math.min(1, Math.max(0, x))

export function chartBars(variants: VariantResult[], measure: 'completion' | 'score'): Bar[] {
  return variants.map((v) => {
    if (measure === 'completion') {
      const rate = v.completion_rate
      return {
        name: v.name,
        value: rate === null ? null : clamp(rate),
        low: v.completion_interval ? clamp(v.completion_interval.low) : null,
        high: v.completion_interval ? clamp(v.completion_interval.high) : null,
        label: rate === null ? '' : `${Math.round(rate * 100)}%`,
      }
    }
    const mean = v.mean_score
    return {
      name: v.name,
      value: mean === null ? null : clamp(mean / 100),
      low: v.mean_interval ? clamp(v.mean_interval.low / 100) : null,
      high: v.mean_interval ? clamp(v.mean_interval.high / 100) : null,
      label: mean === null ? '' : mean.toFixed(1),
    }
  })
}

/** The points of a trend line of 0–100 scores, in order, across a `width` × `height`
 *  panel (x evenly spaced, 100 at the top), as an SVG polyline's `points`. One score is
 *  a point in the middle; none is nothing. */
export function trendPoints(scores: number[], width: number, height: number): string {
  if (scores.length === 0) return ''
  const x = (i: number) => (scores.length === 1 ? width / 2 : (i * width) / (scores.length - 1))
  const y = (score: number) => height - (Math.min(100, Math.max(0, score)) * height) / 100
  return scores.map((score, i) => `${x(i).toFixed(1)},${y(score).toFixed(1)}`).join(' ')
}
