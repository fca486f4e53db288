import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { latestOnly } from './search'

describe('search as you type', () => {
  beforeEach(() => vi.useFakeTimers())
  afterEach(() => vi.useRealTimers())

  it('asks once after a pause in typing', async () => {
    const fetch = vi.fn(async (q: string) => q.toUpperCase())
    const shown: string[] = []
    const search = latestOnly(fetch, (r) => shown.push(r), () => {}, 100)
    search('a')
    search('am')
    search('ami')
    await vi.advanceTimersByTimeAsync(150)
    expect(fetch).toHaveBeenCalledTimes(1)
    expect(shown).toEqual(['AMI'])
  })

  it('never lets a slow older answer overwrite a newer one', async () => {
    const delays: Record<string, number> = { slow: 500, fast: 10 }
    const fetch = (q: string) => new Promise<string>((resolve) => setTimeout(() => resolve(q), delays[q]))
    const shown: string[] = []
    const search = latestOnly(fetch, (r) => shown.push(r), () => {}, 0)
    search('slow')
    await vi.advanceTimersByTimeAsync(1)
    search('fast')
    await vi.advanceTimersByTimeAsync(1000)
    expect(shown).toEqual(['fast'])
  })

  it('reports a failure of the latest question', async () => {
    const failures: unknown[] = []
    const search = latestOnly(() => Promise.reject(new Error('offline')), () => {}, (e) => failures.push(e), 0)
    search('x')
    await vi.advanceTimersByTimeAsync(5)
    expect(failures).toHaveLength(1)
  })
})
