// The keyboard: moving through lists with the arrow keys, and the shortcuts between
// screens. Pure functions (tested with vitest) and one Svelte action that applies them.

/** Where the arrow, Home/End and Page keys move in a list of `count` items; null for
 *  any other key (or an empty list). `page` is how many items a Page key moves. */
export function nextIndex(current: number, key: string, count: number, page = 10): number | null {
  if (count <= 0) return null
  const clamp = (index: number) => Math.min(count - 1, Math.max(0, index))
  switch (key) {
    case 'ArrowDown':
      return current < 0 ? 0 : clamp(current + 1)
    case 'ArrowUp':
      return current < 0 ? 0 : clamp(current - 1)
    case 'Home':
      return 0
    case 'End':
      return count - 1
    case 'PageDown':
      return clamp(current + page)
    case 'PageUp':
      return clamp(current - page)
    default:
      return null
  }
}

/** The scroll position that brings row `index` fully into view, moving as little as
 *  possible (the position itself when it already is). */
export function scrollToShow(index: number, scrollTop: number, viewportHeight: number, rowHeight: number): number {
  const top = index * rowHeight
  if (top < scrollTop) return top
  if (top + rowHeight > scrollTop + viewportHeight) return top + rowHeight - viewportHeight
  return scrollTop
}

/** Every screen, in the order of the navigation bar. */
export const SCREENS = [
  'home',
  'workers',
  'programs',
  'session',
  'content',
  'journeys',
  'segments',
  'experiments',
  'badges',
  'organization',
  'marketplace',
] as const
export type Screen = (typeof SCREENS)[number]

/** The screens a role sees (`Account.permissions.screens`, where the group session is
 *  `group_session`), in the order of the bar. */
export function visibleScreens(allowed: readonly string[]): Screen[] {
  return SCREENS.filter((screen) => allowed.includes(screen === 'session' ? 'group_session' : screen))
}

/** The screen Alt+1 … Alt+9 and Alt+0 (the tenth) lead to, among those on the bar. */
export function screenForShortcut(
  event: Pick<KeyboardEvent, 'altKey' | 'ctrlKey' | 'metaKey' | 'key'>,
  screens: readonly Screen[] = SCREENS,
): Screen | null {
  if (!event.altKey || event.ctrlKey || event.metaKey || !/^[0-9]$/.test(event.key)) return null
  const index = event.key === '0' ? 9 : Number(event.key) - 1
  return index < screens.length ? screens[index] : null
}

/** The shortcut of the screen at `index` on the bar (past the tenth, none). */
export function shortcutOf(index: number): string | undefined {
  if (index > 9) return undefined
  return `Alt+${index === 9 ? 0 : index + 1}`
}

/** Whether a key press is typing into a field (where single-key shortcuts must not fire). */
export function isTyping(target: EventTarget | null): boolean {
  return target instanceof HTMLElement && target.closest('input, textarea, select, [contenteditable]') !== null
}

/**
 * A Svelte action: inside `node`, the arrow keys (and Home/End) move the focus between
 * the elements marked `data-nav-item`, so a list is walked without Tab through every
 * control of every row. Keys pressed in a text field are left to the field.
 */
export function arrowKeys(node: HTMLElement) {
  function onKeydown(event: KeyboardEvent) {
    if (event.target instanceof HTMLElement && event.target.closest('input:not([type=checkbox]), textarea, select')) return
    const items = Array.from(node.querySelectorAll<HTMLElement>('[data-nav-item]'))
    const current = items.findIndex((item) => item === document.activeElement || item.contains(document.activeElement))
    const next = nextIndex(current, event.key, items.length)
    if (next === null || event.key.startsWith('Page')) return
    event.preventDefault()
    items[next].focus()
  }
  node.addEventListener('keydown', onKeydown)
  return { destroy: () => node.removeEventListener('keydown', onKeydown) }
}

/** In a grid of `rows` rows, the row a key moves to from `row`, in the same column:
 *  Enter and the down arrow go down, Shift+Enter and the up arrow go up, stopping at
 *  the ends; null for any other key. */
export function gridStep(key: string, shiftKey: boolean, row: number, rows: number): number | null {
  if (rows <= 0) return null
  const down = key === 'ArrowDown' || (key === 'Enter' && !shiftKey)
  const up = key === 'ArrowUp' || (key === 'Enter' && shiftKey)
  if (!down && !up) return null
  return Math.min(rows - 1, Math.max(0, row + (down ? 1 : -1)))
}

/**
 * A Svelte action for a form entered row by row (a session's roster): inside `node`,
 * each field marked `data-cell="<column>"` within an element marked `data-row`, Enter
 * and the arrow keys move to the same column of the next or previous row, so a
 * column is typed down the list without the mouse and Enter never submits by accident.
 */
export function gridKeys(node: HTMLElement) {
  function onKeydown(event: KeyboardEvent) {
    const cell = event.target instanceof HTMLElement ? event.target.closest<HTMLElement>('[data-cell]') : null
    if (!cell || event.target instanceof HTMLTextAreaElement || event.altKey || event.ctrlKey || event.metaKey) return
    // Enter on a button presses it.
    if (event.key === 'Enter' && event.target instanceof HTMLButtonElement) return
    const rows = Array.from(node.querySelectorAll<HTMLElement>('[data-row]'))
    const row = rows.findIndex((r) => r.contains(cell))
    const next = gridStep(event.key, event.shiftKey, row, rows.length)
    if (next === null || row < 0) return
    event.preventDefault()
    // The next row's field of this column that takes input (an absent worker's do not).
    const step = next >= row ? 1 : -1
    for (let index = next; index >= 0 && index < rows.length; index += step) {
      const target = rows[index].querySelector<HTMLElement>(`[data-cell="${cell.dataset.cell}"]:not(:disabled)`)
      if (target) {
        target.focus()
        if (target instanceof HTMLInputElement && target.type !== 'checkbox') target.select()
        return
      }
      if (index === row) return
    }
  }
  node.addEventListener('keydown', onKeydown)
  return { destroy: () => node.removeEventListener('keydown', onKeydown) }
}
