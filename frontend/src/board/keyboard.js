/**
 * Keyboard access to the board: shortcuts, moving the selection, and moving the focus
 * between objects (Tab / Shift+Tab in reading order, Alt+arrows to the nearest object in
 * that direction).
 */

import { isTextEntry } from './tools.js'
import { REACTIONS } from './schema.js'

/** Distance the arrow keys move the selection; Shift moves this many times further. */
const STEP = 10
const BIG_STEP_FACTOR = 5
/** Distance (screen px) the arrow keys pan when nothing is selected. */
const PAN_STEP = 80

/** Tool shortcuts (single letters, without modifiers). */
const TOOL_KEYS = { v: 'select', r: 'rect', o: 'ellipse', d: 'diamond', c: 'connector', p: 'pen', f: 'frame', i: 'image' }

const DIRECTIONS = {
  ArrowLeft: { x: -1, y: 0 }, ArrowRight: { x: 1, y: 0 }, ArrowUp: { x: 0, y: -1 }, ArrowDown: { x: 0, y: 1 }
}

/**
 * The key a shortcut reads from a key press, on any keyboard layout: a letter of the Latin
 * alphabet as typed (lower case); a letter of another script (Greek, Arabic, Cyrillic…) as
 * the Latin letter of the same physical key, so N, T, G, Ctrl+Z work on every layout; other
 * keys as they are.
 * @param {{ key: string, code: string }} press
 * @returns {string}
 */
export function shortcutKey ({ key, code }) {
  if (key.length !== 1) return key
  const lower = key.toLowerCase()
  if (/^[a-z]$/.test(lower) || !/^\p{L}$/u.test(key) || !/^Key[A-Z]$/.test(code)) return lower
  return code.slice(3).toLowerCase()
}

export class Keyboard {
  /**
   * @param {import('./board.js').Board} board
   * @param {object} actions
   * @param {() => void} actions.help opens the shortcuts dialog
   * @param {() => void} actions.duplicate
   * @param {() => void} actions.toggleGrid
   * @param {() => boolean} actions.stopFollowing returns whether it was following
   */
  constructor (board, actions) {
    this.board = board
    this.actions = actions
    document.addEventListener('keydown', (e) => this.onKeyDown(e))
  }

  /** @param {KeyboardEvent} e */
  onKeyDown (e) {
    if (e.defaultPrevented) return
    const board = this.board
    const target = e.target
    const mod = e.ctrlKey || e.metaKey
    const key = shortcutKey(e)
    const inBoardText = target instanceof HTMLElement && target.classList.contains('object-text')
    if (mod && !e.altKey && (key === 'z' || key === 'y') && (inBoardText || !isTextEntry(target)) && this.ours(target)) {
      e.preventDefault()
      if (!board.canEdit) return
      if (key === 'y' || e.shiftKey) board.history.redo()
      else board.history.undo()
      return
    }
    if (key === 'Escape' && !isTextEntry(target) && this.actions.stopFollowing()) {
      e.preventDefault()
      return
    }
    if (isTextEntry(target) || !this.ours(target)) return
    if (target instanceof HTMLButtonElement && (key === 'Enter' || key === ' ')) return
    if (target instanceof HTMLElement && target.closest('dialog')) return

    const focusedId = target instanceof HTMLElement && target.classList.contains('board-object') ? target.dataset.id ?? null : null
    if (key === 'Tab' && !mod && !e.altKey) {
      this.tab(e, target)
      return
    }
    if (key === 'Escape') {
      if (board.tools.tool !== 'select' || board.tools.pendingFrom) {
        board.tools.setTool('select')
      } else if (board.selection.size) {
        board.selection.clear()
        board.surface.focus({ preventScroll: true })
      }
      return
    }
    if (e.key === '?' || (e.shiftKey && key === '/')) {
      e.preventDefault()
      this.actions.help()
      return
    }
    if (mod) {
      const handled = this.withModifier(key, e)
      if (handled) e.preventDefault()
      return
    }
    if (key in DIRECTIONS) {
      e.preventDefault()
      const dir = DIRECTIONS[/** @type {keyof DIRECTIONS} */ (key)]
      if (e.altKey) this.focusToward(focusedId ?? board.selection.single, dir)
      else if (board.selection.size && board.canEdit) {
        const step = (board.snapToGrid ? board.viewport.gridSize : STEP) * (e.shiftKey ? BIG_STEP_FACTOR : 1)
        board.moveSelectionBy(dir.x * step, dir.y * step)
      } else board.viewport.panBy(-dir.x * PAN_STEP, -dir.y * PAN_STEP)
      return
    }
    if (e.altKey) return
    switch (key) {
      case 'Delete':
      case 'Backspace':
        e.preventDefault()
        board.deleteSelection()
        return
      case 'Enter': {
        const id = focusedId ?? board.selection.single
        if (id) {
          e.preventDefault()
          board.edit(id)
        }
        return
      }
      case '+':
      case '=':
        board.zoom(1)
        return
      case '-':
      case '_':
        board.zoom(-1)
        return
      case '0':
        board.zoom(0)
        return
      case '!':
        board.zoomToFit()
        return
      case '@':
        board.zoomToSelection()
        return
    }
    if (e.shiftKey) {
      if (e.code === 'Digit1') board.zoomToFit()
      else if (e.code === 'Digit2') board.zoomToSelection()
      return
    }
    if (key === 'g') this.actions.toggleGrid()
    if (!board.canEdit) return
    const reaction = REACTIONS[Number(key) - 1]
    const noteId = focusedId ?? board.selection.single
    if (reaction && /^[1-9]$/.test(key) && noteId && board.model.get(noteId)?.type === 'note') {
      board.commands.toggleReaction(noteId, reaction)
      return
    }
    if (key === 'n') { e.preventDefault(); board.addAtCentre('note') }
    else if (key === 't') { e.preventDefault(); board.addAtCentre('text') }
    else if (key === ']') board.commands.restack(board.selection.ids, 'front')
    else if (key === '[') board.commands.restack(board.selection.ids, 'back')
    else if (Object.hasOwn(TOOL_KEYS, key)) board.tools.setTool(TOOL_KEYS[/** @type {keyof TOOL_KEYS} */ (key)])
  }

  /** @param {EventTarget | null} target @returns {boolean} whether the key press is for the board (shown) */
  ours (target) {
    if (this.board.surface.getClientRects().length === 0) return false // the board is hidden
    return target === document.body || target === document.documentElement ||
      (target instanceof Element && target.closest('.board-panel') !== null)
  }

  /**
   * @param {string} key
   * @param {KeyboardEvent} e
   * @returns {boolean} handled
   */
  withModifier (key, e) {
    const board = this.board
    if (e.altKey) return false
    switch (key) {
      case 'a':
        board.selection.set(board.model.plain.keys())
        return true
      case 'd':
        this.actions.duplicate()
        return true
      case 'l':
        if (!e.shiftKey || !board.canLock) return false
        board.toggleLock()
        return true
      case '=':
      case '+':
        board.zoom(1)
        return true
      case '-':
        board.zoom(-1)
        return true
      case '0':
        board.zoom(0)
        return true
    }
    return false
  }

  /**
   * Tab and Shift+Tab from the board or an object go to the next or previous object in
   * reading order; past the last one the focus leaves the board as usual.
   * @param {KeyboardEvent} e
   * @param {EventTarget | null} target
   */
  tab (e, target) {
    const board = this.board
    if (!(target instanceof HTMLElement)) return
    const object = target.closest('.board-object')
    const id = object instanceof HTMLElement ? object.dataset.id : undefined
    const order = board.model.readingOrder()
    if (target === board.surface) {
      if (e.shiftKey || !order.length) return
      e.preventDefault()
      const visible = board.model.index.query(board.viewport.visibleBox())
      board.focusObject(order.find((oid) => visible.has(oid)) ?? order[0])
      return
    }
    if (!id) return
    if (target !== object) return
    const index = order.indexOf(id)
    const next = order[index + (e.shiftKey ? -1 : 1)]
    if (!next) return
    e.preventDefault()
    board.focusObject(next)
  }

  /**
   * Focuses the nearest object in a direction from `id` (or from the centre of the view).
   * @param {string | null} id
   * @param {{x: number, y: number}} dir
   */
  focusToward (id, dir) {
    const board = this.board
    const from = id ? board.model.box(id) : undefined
    const origin = from ? { x: from.x + from.w / 2, y: from.y + from.h / 2 } : board.centre()
    let best = null
    let bestScore = Infinity
    for (const other of board.model.plain.keys()) {
      const box = board.model.box(other)
      if (other === id || !box) continue
      const dx = box.x + box.w / 2 - origin.x
      const dy = box.y + box.h / 2 - origin.y
      const along = dx * dir.x + dy * dir.y
      const across = Math.abs(dx * dir.y - dy * dir.x)
      if (along <= 0) continue
      const score = along + across * 2
      if (score < bestScore) { bestScore = score; best = other }
    }
    if (best) board.focusObject(best)
  }
}
