/**
 * Other people on the board: what they have selected (outlined in their colour, with their
 * name) and following someone's view until you pan or zoom yourself, or press Escape.
 */

import { safeHexColor } from '../colors.js'
import { t } from '../i18n.js'
import { shownName } from '../names.js'

/** @typedef {{x: number, y: number, zoom: number}} View */

export class RemotePresence {
  /**
   * @param {object} options
   * @param {import('y-protocols/awareness').Awareness} options.awareness
   * @param {import('./board.js').Board} options.board
   * @param {HTMLElement} options.banner the "Following X" bar
   * @param {(userId: string | null) => void} options.onFollowChange
   */
  constructor ({ awareness, board, banner, onFollowChange }) {
    this.awareness = awareness
    this.board = board
    this.banner = banner
    this.bannerText = /** @type {HTMLElement} */ (banner.querySelector('[data-follow-text]'))
    this.onFollowChange = onFollowChange
    /** @type {string | null} */
    this.following = null
    /** Someone to follow once they are on the board (a summon may come before they do). @type {string | null} */
    this.awaited = null
    this.shownSelections = ''
    banner.querySelector('[data-follow-stop]')?.addEventListener('click', () => this.stop())
    this.onAwareness = () => this.update()
    awareness.on('change', this.onAwareness)
    board.viewport.onChange((source) => { if (source === 'user' && (this.following || this.awaited)) this.stop() })
    this.update()
  }

  /**
   * Follows another awareness (the board's new connection after a resync).
   * @param {import('y-protocols/awareness').Awareness} awareness
   */
  bind (awareness) {
    this.awareness.off('change', this.onAwareness)
    this.awareness = awareness
    awareness.on('change', this.onAwareness)
    this.onAwareness()
  }

  /** @returns {Array<{user: {id: string, name: string, color: string}, state: any}>} everyone else */
  others () {
    const result = []
    for (const [clientId, state] of this.awareness.getStates()) {
      if (clientId === this.awareness.clientID || typeof state?.user?.id !== 'string') continue
      const name = typeof state.user.name === 'string' && state.user.name ? shownName(state.user.name) : t('Someone')
      result.push({ user: { id: state.user.id, name, color: safeHexColor(state.user.color) }, state })
    }
    return result
  }

  update () {
    /** @type {Map<string, Array<{name: string, color: string}>>} */
    const selections = new Map()
    for (const { user, state } of this.others()) {
      if (!Array.isArray(state.selection)) continue
      for (const id of state.selection.slice(0, 5000)) {
        if (typeof id !== 'string') continue
        const people = selections.get(id) ?? []
        if (!people.some((person) => person.name === user.name)) people.push({ name: user.name, color: user.color })
        selections.set(id, people)
      }
    }
    const shown = JSON.stringify([...selections])
    if (shown !== this.shownSelections) {
      this.shownSelections = shown
      this.board.renderer.setRemoteSelections(selections)
    }
    if (this.awaited && this.others().some(({ user }) => user.id === this.awaited)) this.start(this.awaited)
    else if (this.following) {
      const view = this.viewOf(this.following)
      if (view === undefined) this.stop()
      else if (view) this.board.viewport.set(view, 'follow')
    }
  }

  /**
   * The published view of a user: undefined when they left, null when they publish none.
   * @param {string} userId
   * @returns {View | null | undefined}
   */
  viewOf (userId) {
    let seen = false
    for (const { user, state } of this.others()) {
      if (user.id !== userId) continue
      seen = true
      const v = state.view
      if (v && [v.x, v.y, v.zoom].every((n) => typeof n === 'number' && Number.isFinite(n))) return { x: v.x, y: v.y, zoom: v.zoom }
    }
    return seen ? null : undefined
  }

  /** Follows someone's view, or stops when it was theirs. @param {string} userId */
  follow (userId) {
    if (this.following === userId) this.stop()
    else this.start(userId)
  }

  /**
   * Follows someone's view until you pan or zoom yourself; waits for them when they are not
   * on the board yet.
   * @param {string} userId
   */
  start (userId) {
    const person = this.others().find(({ user }) => user.id === userId)
    this.awaited = person ? null : userId
    if (!person) return
    this.following = userId
    // Translators: the banner shown while your view follows someone's.
    this.bannerText.textContent = t('Following {name}', { name: shownName(person.user.name) })
    this.banner.style.setProperty('--follow-color', person.user.color)
    this.banner.hidden = false
    this.board.surface.classList.add('is-following')
    this.board.surface.style.setProperty('--follow-color', person.user.color)
    this.onFollowChange(userId)
    this.update()
  }

  stop () {
    this.awaited = null
    if (!this.following) return
    this.following = null
    this.banner.hidden = true
    this.board.surface.classList.remove('is-following')
    this.onFollowChange(null)
  }
}
