/**
 * The room page's side panels (chat, people, outline, lab). On a wide screen the open ones
 * stack in a dock at the board's inline end: a toggle each opens and closes them, a separator
 * resizes the dock (pointer or arrow keys), and each person's choice is kept in this browser.
 * On a phone the same toggles are tabs: one panel at a time covers the board.
 */

import { readSetting, writeSetting } from './settings.js'

/** The panels, by the `data-panel` of their element and the `data-panel-toggle` of their toggle. */
export const PANELS = ['chat', 'people', 'outline', 'lab']

/** The dock's width in CSS pixels: its bounds, where it starts, and one arrow key's step. */
export const DOCK_WIDTH = { min: 240, max: 560, initial: 340, step: 20 }

/** The screens that show one panel at a time, as tabs (the same width as the CSS uses). */
export const PHONE_QUERY = '(max-width: 760px)'

/**
 * @typedef {object} PanelState
 * @property {string[]} open the panels open on a wide screen
 * @property {number} width the dock's width in CSS pixels
 */

/** @param {string} userId @returns {string} the setting that keeps this person's panels */
export const panelKey = (userId) => `room-panels:${userId}`

/** @param {number} width @returns {number} */
export const clampWidth = (width) => Math.round(Math.min(DOCK_WIDTH.max, Math.max(DOCK_WIDTH.min, width)))

/**
 * The panel state kept as JSON; what is missing or not understood takes its default (every
 * panel open, the initial width).
 * @param {string | null} raw
 * @returns {PanelState}
 */
export function readPanelState (raw) {
  let stored = null
  try {
    stored = raw === null ? null : JSON.parse(raw)
  } catch {}
  const open = Array.isArray(stored?.open) ? PANELS.filter((name) => stored.open.includes(name)) : [...PANELS]
  const width = typeof stored?.width === 'number' && Number.isFinite(stored.width) ? clampWidth(stored.width) : DOCK_WIDTH.initial
  return { open, width }
}

/**
 * The dock's width after a key on its separator, or null for a key that does not resize.
 * The separator sits on the dock's inline-start edge, so the arrow toward the board widens it.
 * @param {string} key
 * @param {number} width
 * @param {boolean} rtl
 * @returns {number | null}
 */
export function keyedWidth (key, width, rtl) {
  if (key === 'Home') return DOCK_WIDTH.min
  if (key === 'End') return DOCK_WIDTH.max
  if (key !== 'ArrowLeft' && key !== 'ArrowRight') return null
  const wider = (key === 'ArrowLeft') !== rtl
  return clampWidth(width + (wider ? DOCK_WIDTH.step : -DOCK_WIDTH.step))
}

/** @param {Element} element */
const isRtl = (element) => getComputedStyle(element).direction === 'rtl'

export class PanelDock {
  /**
   * @param {object} options
   * @param {HTMLElement} options.root the element whose `--dock-width` sizes the dock
   * @param {HTMLElement} options.dock
   * @param {HTMLElement} options.resizer the dock's `role="separator"`
   * @param {HTMLElement} options.switcher holds the toggles and the phone's Board tab
   * @param {string} options.userId
   * @param {MediaQueryList} [options.phone]
   */
  constructor ({ root, dock, resizer, switcher, userId, phone = window.matchMedia(PHONE_QUERY) }) {
    this.root = root
    this.dock = dock
    this.resizer = resizer
    this.phone = phone
    this.key = panelKey(userId)
    this.state = readPanelState(readSetting(this.key))
    /** The panel a phone shows over the board, null for the board itself. @type {string | null} */
    this.phoneTab = null
    this.toggles = /** @type {HTMLButtonElement[]} */ ([...switcher.querySelectorAll('[data-panel-toggle]')])
    this.boardTab = /** @type {HTMLButtonElement | null} */ (switcher.querySelector('[data-show-board]'))
    for (const toggle of this.toggles) toggle.addEventListener('click', () => this.toggle(/** @type {string} */ (toggle.dataset.panelToggle)))
    this.boardTab?.addEventListener('click', () => {
      this.phoneTab = null
      this.render()
    })
    resizer.addEventListener('keydown', (e) => {
      const width = keyedWidth(e.key, this.state.width, isRtl(resizer))
      if (width === null) return
      e.preventDefault()
      this.setWidth(width)
      this.save()
    })
    resizer.addEventListener('pointerdown', (e) => this.drag(e))
    phone.addEventListener('change', () => this.render())
    this.render()
  }

  /** @param {string} name opens or closes a panel (on a phone: shows it, or the board again) */
  toggle (name) {
    if (this.phone.matches) {
      this.phoneTab = this.phoneTab === name ? null : name
    } else {
      const open = new Set(this.state.open)
      if (open.has(name)) open.delete(name)
      else open.add(name)
      this.state.open = PANELS.filter((panel) => open.has(panel))
      this.save()
    }
    this.render()
  }

  /** @returns {string[]} the panels shown now */
  get shown () {
    if (this.phone.matches) return this.phoneTab ? [this.phoneTab] : []
    return this.state.open
  }

  render () {
    const shown = this.shown
    for (const panel of this.dock.querySelectorAll('[data-panel]')) {
      if (panel instanceof HTMLElement) panel.hidden = !shown.includes(/** @type {string} */ (panel.dataset.panel))
    }
    for (const toggle of this.toggles) toggle.setAttribute('aria-expanded', String(shown.includes(/** @type {string} */ (toggle.dataset.panelToggle))))
    this.boardTab?.setAttribute('aria-pressed', String(shown.length === 0))
    this.dock.hidden = shown.length === 0
    this.resizer.hidden = this.dock.hidden || this.phone.matches
    this.setWidth(this.state.width)
  }

  /** @param {number} width */
  setWidth (width) {
    this.state.width = clampWidth(width)
    this.root.style.setProperty('--dock-width', `${this.state.width}px`)
    this.resizer.setAttribute('aria-valuenow', String(this.state.width))
  }

  save () {
    writeSetting(this.key, JSON.stringify(this.state))
  }

  /** @param {PointerEvent} e a press on the separator: the dock follows the pointer until it lifts */
  drag (e) {
    if (e.button !== 0) return
    e.preventDefault()
    const resizer = this.resizer
    resizer.setPointerCapture(e.pointerId)
    const start = { x: e.clientX, width: this.state.width, sign: isRtl(resizer) ? 1 : -1 }
    const move = (/** @type {PointerEvent} */ m) => this.setWidth(start.width + start.sign * (m.clientX - start.x))
    const end = () => {
      resizer.removeEventListener('pointermove', move)
      resizer.removeEventListener('pointerup', end)
      resizer.removeEventListener('pointercancel', end)
      this.save()
    }
    resizer.addEventListener('pointermove', move)
    resizer.addEventListener('pointerup', end)
    resizer.addEventListener('pointercancel', end)
  }
}

/**
 * Keeps `--viewport-height` at the visual viewport's height, so a page sized by it shrinks
 * above a phone's on-screen keyboard instead of going under it (times the pinch zoom's scale,
 * which does not change the layout's height).
 */
export function followVisualViewport () {
  const viewport = window.visualViewport
  if (!viewport) return
  const update = () => document.documentElement.style.setProperty('--viewport-height', `${viewport.height * viewport.scale}px`)
  viewport.addEventListener('resize', update)
  update()
}
