import { describe, expect, it } from 'vitest'
import { pagesOf, visibleRows } from './windowing'

describe('a long list', () => {
  it('draws the rows in view and a few either side, never past the ends', () => {
    expect(visibleRows(0, 400, 40, 50_000, 5)).toEqual({ first: 0, last: 15 })
    expect(visibleRows(40_000, 400, 40, 50_000, 5)).toEqual({ first: 995, last: 1015 })
    expect(visibleRows(2_000_000, 400, 40, 50_000, 5)).toEqual({ first: 49_995, last: 49_999 })
    expect(visibleRows(0, 400, 40, 3, 5)).toEqual({ first: 0, last: 2 })
    expect(visibleRows(0, 400, 40, 0)).toBeNull()
  })

  it('fetches only the pages that hold those rows', () => {
    expect(pagesOf({ first: 995, last: 1015 }, 100)).toEqual([9, 10])
    expect(pagesOf({ first: 0, last: 15 }, 100)).toEqual([0])
    expect(pagesOf(null, 100)).toEqual([])
  })
})
