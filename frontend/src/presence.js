/** Local awareness state (who I am, my cursor, selection and view) and the presence list. */

import { safeHexColor } from './colors.js'
import { messages, t } from './i18n.js'
import { shownName } from './names.js'
import { sentenceNodes } from './sentence-nodes.js'

/** Minimum interval between two published cursor positions or views (about 20 per second). */
const PUBLISH_INTERVAL_MS = 50

/**
 * Publishes the local user's awareness state `{user, cursor, selection, view}` on the board
 * provider. Cursor and view updates are throttled; the latest value is always published.
 */
export class LocalPresence {
  /**
   * @param {import('y-protocols/awareness').Awareness} awareness
   * @param {{id: string, name: string, color: string}} user
   */
  constructor (awareness, user) {
    this.awareness = awareness
    awareness.setLocalState({ user, cursor: null, selection: [], view: null })
    /** @type {Map<string, {value: unknown, timer: number, last: number}>} throttled fields */
    this.pending = new Map()
  }

  /**
   * Publishes the local state on another awareness (the board's new connection after a resync).
   * @param {import('y-protocols/awareness').Awareness} awareness
   */
  bind (awareness) {
    awareness.setLocalState(this.awareness.getLocalState())
    this.awareness = awareness
  }

  /**
   * Sets a field at most every PUBLISH_INTERVAL_MS; the last value wins.
   * @param {string} field
   * @param {unknown} value
   */
  throttled (field, value) {
    const entry = this.pending.get(field) ?? { value, timer: 0, last: 0 }
    this.pending.set(field, entry)
    entry.value = value
    if (entry.timer) return
    const flush = () => {
      entry.timer = 0
      entry.last = Date.now()
      this.awareness.setLocalStateField(field, entry.value)
    }
    const wait = entry.last + PUBLISH_INTERVAL_MS - Date.now()
    if (wait <= 0) flush()
    else entry.timer = window.setTimeout(flush, wait)
  }

  /** @param {{x: number, y: number} | null} cursor board coordinates, or null when off the board */
  setCursor (cursor) {
    this.throttled('cursor', cursor && { x: Math.round(cursor.x), y: Math.round(cursor.y) })
  }

  /** @param {{x: number, y: number, zoom: number}} view the world point at the centre of my board, and my zoom */
  setView (view) {
    this.throttled('view', { x: Math.round(view.x * 10) / 10, y: Math.round(view.y * 10) / 10, zoom: view.zoom })
  }

  /** @param {string[]} ids selected object ids */
  setSelection (ids) {
    this.awareness.setLocalStateField('selection', ids)
  }
}

/**
 * Renders everyone connected to the board, one entry per user id, the local user first.
 * Everyone else's entry is a button that follows their view and shows their profile card.
 */
export class PresenceList {
  /**
   * @param {HTMLElement} list the `presence-list` element
   * @param {import('y-protocols/awareness').Awareness} awareness
   * @param {string} localUserId
   * @param {HTMLElement | null} countElement shows the number of people
   * @param {(userId: string) => void} onFollow
   * @param {import('./profile-card.js').ProfileCards | null} [cards] shows people's profile cards
   */
  constructor (list, awareness, localUserId, countElement, onFollow, cards = null) {
    this.list = list
    this.cards = cards
    this.awareness = awareness
    this.localUserId = localUserId
    this.countElement = countElement
    /** @type {string | null} the user being followed */
    this.following = null
    this.shown = ''
    list.addEventListener('click', (event) => {
      const button = event.target instanceof Element ? event.target.closest('[data-follow]') : null
      if (button instanceof HTMLElement) onFollow(/** @type {string} */ (button.dataset.follow))
    })
    this.onAwareness = () => this.render()
    awareness.on('change', this.onAwareness)
    this.render()
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

  /** @param {string | null} userId */
  setFollowing (userId) {
    this.following = userId
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
        // Translators: stands for a person on the board whose name is not known
        name: typeof user.name === 'string' && user.name ? user.name : t('Anonymous'),
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
    const shown = JSON.stringify([users, this.following])
    if (shown === this.shown) return
    this.shown = shown
    const focused = document.activeElement instanceof HTMLElement && this.list.contains(document.activeElement)
      ? document.activeElement.dataset.follow
      : undefined
    this.list.replaceChildren(...users.map((user) => this.renderUser(user)))
    if (focused) /** @type {HTMLElement | null} */ (this.list.querySelector(`[data-follow="${CSS.escape(focused)}"]`))?.focus()
    if (this.countElement) this.countElement.textContent = messages().number(users.length)
  }

  /** @param {{id: string, name: string, color: string}} user */
  renderUser (user) {
    const item = document.createElement('li')
    item.className = 'presence-item'
    item.dataset.testid = 'presence-item'
    item.dataset.userId = user.id
    const avatar = document.createElement('span')
    avatar.className = 'presence-avatar'
    avatar.style.backgroundColor = user.color
    avatar.setAttribute('aria-hidden', 'true')
    avatar.textContent = Array.from(user.name.trim())[0]?.toUpperCase() ?? '?'
    const name = document.createElement('span')
    name.className = 'presence-name'
    name.textContent = shownName(user.name)
    if (user.id === this.localUserId) {
      /** @param {string} words */
      const you = (words) => Object.assign(document.createElement('span'), { className: 'presence-you', textContent: words })
      // Translators: the name of the person reading this, marked as theirs; "(you)" is styled apart
      item.append(avatar, ...sentenceNodes(t('{name} (you)'), { name }, you))
      return item
    }
    const following = this.following === user.id
    const button = document.createElement('button')
    button.type = 'button'
    button.className = 'presence-follow'
    button.dataset.follow = user.id
    button.dataset.testid = `follow-${user.id}`
    button.setAttribute('aria-pressed', String(following))
    const shown = name.textContent
    button.title = following ? t('Following {name}', { name: shown }) : t("Follow {name}'s view", { name: shown })
    const hint = document.createElement('span')
    hint.className = 'presence-hint'
    hint.textContent = following
      // Translators: beside a person's name in the list of who is here: you follow their view of the board
      ? t('Following')
      // Translators: a button beside a person's name in the list of who is here: follow their view of the board
      : t('Follow')
    button.append(avatar, name, hint)
    item.append(button)
    this.cards?.attach(button, user.id, user.name)
    return item
  }
}
