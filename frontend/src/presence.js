/** Local awareness state (who I am, my cursor and selection) and the presence list. */

import { safeHexColor } from './colors.js'

/** Minimum interval between two published cursor positions (about 20 updates per second). */
const CURSOR_INTERVAL_MS = 50

/**
 * Publishes the local user's awareness state on the board provider.
 * Cursor updates are throttled; the latest position is always published eventually.
 */
export class LocalPresence {
  /**
   * @param {import('y-protocols/awareness').Awareness} awareness
   * @param {{id: string, name: string, color: string}} user
   */
  constructor (awareness, user) {
    this.awareness = awareness
    awareness.setLocalState({ user, cursor: null, selection: [] })
    this.lastCursorAt = 0
    this.pendingCursor = undefined
    this.cursorTimer = 0
  }

  /** @param {{x: number, y: number} | null} cursor board coordinates, or null when off the board */
  setCursor (cursor) {
    this.pendingCursor = cursor
    if (this.cursorTimer) return
    const wait = this.lastCursorAt + CURSOR_INTERVAL_MS - Date.now()
    if (wait <= 0) {
      this.flushCursor()
    } else {
      this.cursorTimer = window.setTimeout(() => this.flushCursor(), wait)
    }
  }

  flushCursor () {
    this.cursorTimer = 0
    this.lastCursorAt = Date.now()
    this.awareness.setLocalStateField('cursor', this.pendingCursor)
  }

  /** @param {string[]} ids selected object ids */
  setSelection (ids) {
    this.awareness.setLocalStateField('selection', ids)
  }
}

/**
 * Renders everyone connected to the board, one entry per user id, the local user first.
 */
export class PresenceList {
  /**
   * @param {HTMLElement} list the `presence-list` element
   * @param {import('y-protocols/awareness').Awareness} awareness
   * @param {string} localUserId
   * @param {HTMLElement | null} countElement shows the number of people
   */
  constructor (list, awareness, localUserId, countElement) {
    this.list = list
    this.awareness = awareness
    this.localUserId = localUserId
    this.countElement = countElement
    awareness.on('change', () => this.render())
    this.render()
  }

  /** @returns {Array<{id: string, name: string, color: string}>} */
  users () {
    const users = new Map()
    for (const state of this.awareness.getStates().values()) {
      const user = state && state.user
      if (!user || typeof user.id !== 'string' || users.has(user.id)) continue
      users.set(user.id, {
        id: user.id,
        name: typeof user.name === 'string' && user.name ? user.name : 'Anonymous',
        color: safeHexColor(user.color)
      })
    }
    return [...users.values()].sort((a, b) =>
      Number(b.id === this.localUserId) - Number(a.id === this.localUserId) ||
      a.name.localeCompare(b.name)
    )
  }

  render () {
    const users = this.users()
    this.list.replaceChildren(...users.map((user) => this.renderUser(user)))
    if (this.countElement) this.countElement.textContent = String(users.length)
  }

  /** @param {{id: string, name: string, color: string}} user */
  renderUser (user) {
    const item = document.createElement('li')
    item.className = 'presence-item'
    item.dataset.testid = 'presence-item'
    item.dataset.userId = user.id
    const dot = document.createElement('span')
    dot.className = 'presence-dot'
    dot.style.backgroundColor = user.color
    dot.setAttribute('aria-hidden', 'true')
    const name = document.createElement('span')
    name.className = 'presence-name'
    name.textContent = user.name
    item.append(dot, name)
    if (user.id === this.localUserId) {
      const you = document.createElement('span')
      you.className = 'presence-you'
      you.textContent = '(you)'
      item.append(' ', you)
    }
    return item
  }
}
