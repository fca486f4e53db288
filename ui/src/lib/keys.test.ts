import { describe, expect, it } from 'vitest'
import { arrowKeys, gridKeys, gridStep, nextIndex, screenForShortcut, scrollToShow, shortcutOf, visibleScreens, type Screen } from './keys'

describe('nextIndex', () => {
  it('walks a list with the arrow keys and stops at its ends', () => {
    expect(nextIndex(-1, 'ArrowDown', 5)).toBe(0)
    expect(nextIndex(0, 'ArrowDown', 5)).toBe(1)
    expect(nextIndex(4, 'ArrowDown', 5)).toBe(4)
    expect(nextIndex(3, 'ArrowUp', 5)).toBe(2)
    expect(nextIndex(0, 'ArrowUp', 5)).toBe(0)
    expect(nextIndex(-1, 'ArrowUp', 5)).toBe(0)
  })

  it('jumps with Home, End and the page keys', () => {
    expect(nextIndex(3, 'Home', 50_000)).toBe(0)
    expect(nextIndex(3, 'End', 50_000)).toBe(49_999)
    expect(nextIndex(3, 'PageDown', 50_000, 12)).toBe(15)
    expect(nextIndex(49_995, 'PageDown', 50_000, 12)).toBe(49_999)
    expect(nextIndex(5, 'PageUp', 50_000, 12)).toBe(0)
  })

  it('leaves other keys and empty lists alone', () => {
    expect(nextIndex(1, 'Enter', 5)).toBeNull()
    expect(nextIndex(1, 'a', 5)).toBeNull()
    expect(nextIndex(-1, 'ArrowDown', 0)).toBeNull()
  })
})

describe('scrollToShow', () => {
  const row = 41
  it('does not move when the row is in view', () => {
    expect(scrollToShow(3, 0, 410, row)).toBe(0)
    expect(scrollToShow(5, 100, 410, row)).toBe(100)
  })
  it('moves as little as it can to show a row above or below the view', () => {
    expect(scrollToShow(2, 200, 410, row)).toBe(82)
    expect(scrollToShow(20, 0, 410, row)).toBe(21 * row - 410)
    expect(scrollToShow(49_999, 0, 410, row)).toBe(50_000 * row - 410)
  })
})

describe('screenForShortcut', () => {
  const press = (
    key: string,
    mods: Partial<{ altKey: boolean; ctrlKey: boolean; metaKey: boolean }> = {},
    screens?: readonly Screen[],
  ) => screenForShortcut({ key, altKey: false, ctrlKey: false, metaKey: false, ...mods }, screens)
  it('takes Alt+1 to Alt+9, then Alt+0, to the screens in the order of the bar', () => {
    expect(press('1', { altKey: true })).toBe('home')
    expect(press('2', { altKey: true })).toBe('workers')
    expect(press('3', { altKey: true })).toBe('programs')
    expect(press('4', { altKey: true })).toBe('session')
    expect(press('9', { altKey: true })).toBe('badges')
    expect(press('0', { altKey: true })).toBe('organization')
  })
  it('counts only the screens on the bar', () => {
    const coordinator = visibleScreens(['home', 'workers', 'programs', 'group_session', 'content', 'badges', 'organization'])
    expect(coordinator).toEqual(['home', 'workers', 'programs', 'session', 'content', 'badges', 'organization'])
    expect(press('6', { altKey: true }, coordinator)).toBe('badges')
    expect(press('8', { altKey: true }, coordinator)).toBeNull()
    expect(shortcutOf(0)).toBe('Alt+1')
    expect(shortcutOf(9)).toBe('Alt+0')
    expect(shortcutOf(10)).toBeUndefined()
  })
  it('ignores digits without Alt, with other modifiers, and beyond the screens', () => {
    expect(press('1')).toBeNull()
    expect(press('1', { altKey: true, ctrlKey: true })).toBeNull()
    expect(press('5', { altKey: true }, ['home'])).toBeNull()
    expect(press('h', { altKey: true })).toBeNull()
    expect(press('10', { altKey: true })).toBeNull()
  })
})

describe('arrowKeys', () => {
  function list() {
    const node = document.createElement('ul')
    node.innerHTML = `
      <li><button data-nav-item>Amina</button></li>
      <li><input type="text" name="note"></li>
      <li><button data-nav-item>Baraka</button></li>
      <li><input type="checkbox" data-nav-item></li>`
    document.body.replaceChildren(node)
    const action = arrowKeys(node)
    const items = Array.from(node.querySelectorAll<HTMLElement>('[data-nav-item]'))
    const press = (target: HTMLElement, key: string) => {
      const event = new KeyboardEvent('keydown', { key, bubbles: true, cancelable: true })
      target.dispatchEvent(event)
      return event.defaultPrevented
    }
    return { node, action, items, press }
  }

  it('moves the focus between the marked items, checkboxes included, and stops at the ends', () => {
    const { items, press } = list()
    items[0].focus()
    expect(press(items[0], 'ArrowDown')).toBe(true)
    expect(document.activeElement).toBe(items[1])
    press(items[1], 'ArrowDown')
    expect(document.activeElement).toBe(items[2])
    press(items[2], 'ArrowDown')
    expect(document.activeElement).toBe(items[2])
    press(items[2], 'Home')
    expect(document.activeElement).toBe(items[0])
    press(items[0], 'End')
    expect(document.activeElement).toBe(items[2])
  })

  it('leaves keys typed in a text field to the field, and stops listening when destroyed', () => {
    const { node, action, items, press } = list()
    const field = node.querySelector<HTMLInputElement>('input[name=note]')!
    field.focus()
    expect(press(field, 'ArrowDown')).toBe(false)
    expect(document.activeElement).toBe(field)
    action.destroy()
    items[0].focus()
    expect(press(items[0], 'ArrowDown')).toBe(false)
    expect(document.activeElement).toBe(items[0])
  })
})

describe('gridStep', () => {
  it('goes down a column with Enter and the down arrow, up with Shift+Enter and the up arrow', () => {
    expect(gridStep('Enter', false, 0, 30)).toBe(1)
    expect(gridStep('ArrowDown', false, 5, 30)).toBe(6)
    expect(gridStep('Enter', true, 5, 30)).toBe(4)
    expect(gridStep('ArrowUp', false, 5, 30)).toBe(4)
  })
  it('stops at the ends and leaves other keys alone', () => {
    expect(gridStep('Enter', false, 29, 30)).toBe(29)
    expect(gridStep('ArrowUp', false, 0, 30)).toBe(0)
    expect(gridStep('Tab', false, 3, 30)).toBeNull()
    expect(gridStep('a', false, 3, 30)).toBeNull()
    expect(gridStep('Enter', false, 0, 0)).toBeNull()
  })
})

describe('gridKeys', () => {
  it('types a column down the rows with Enter, skipping the fields an absent row disables', () => {
    const node = document.createElement('form')
    node.innerHTML = `
      <div data-row><input data-cell="score" name="a"><input data-cell="feedback" name="fa"></div>
      <div data-row><input data-cell="score" name="b" disabled></div>
      <div data-row><input data-cell="score" name="c"></div>`
    document.body.replaceChildren(node)
    const action = gridKeys(node)
    const field = (name: string) => node.querySelector<HTMLInputElement>(`input[name=${name}]`)!
    const press = (target: HTMLElement, key: string, shiftKey = false) => {
      const event = new KeyboardEvent('keydown', { key, shiftKey, bubbles: true, cancelable: true })
      target.dispatchEvent(event)
      return event.defaultPrevented
    }
    field('a').focus()
    expect(press(field('a'), 'Enter')).toBe(true)
    expect(document.activeElement).toBe(field('c'))
    expect(press(field('c'), 'Enter')).toBe(true)
    expect(document.activeElement).toBe(field('c'))
    press(field('c'), 'Enter', true)
    expect(document.activeElement).toBe(field('a'))
    expect(press(field('a'), 'Tab')).toBe(false)
    action.destroy()
    expect(press(field('a'), 'Enter')).toBe(false)
  })
})
