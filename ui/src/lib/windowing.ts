// A long list shows only the rows in view: which rows those are for a scroll position,
// and which pages of rows must be fetched to draw them.

export type RowRange = { first: number; last: number }

/** The rows (first..last, inclusive) in view at `scrollTop`, plus `overscan` either side. */
export function visibleRows(
  scrollTop: number,
  viewportHeight: number,
  rowHeight: number,
  total: number,
  overscan = 8,
): RowRange | null {
  if (total <= 0 || rowHeight <= 0) return null
  const first = Math.max(0, Math.floor(scrollTop / rowHeight) - overscan)
  const last = Math.min(total - 1, Math.ceil((scrollTop + Math.max(viewportHeight, 0)) / rowHeight) + overscan)
  return first <= last ? { first, last } : null
}

/** The pages (of `pageSize` rows) that hold the rows of `range`. */
export function pagesOf(range: RowRange | null, pageSize: number): number[] {
  if (!range) return []
  const pages = []
  for (let page = Math.floor(range.first / pageSize); page <= Math.floor(range.last / pageSize); page++) pages.push(page)
  return pages
}
