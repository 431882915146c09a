/**
 * The People panel: a facilitator's list of the room's members, with their role, whether
 * they are here now and whether their hand is up; from it they change someone's role or
 * remove them. The server decides (`POST /r/<slug>/people/<id>/`) and every open socket of
 * the room follows at once; the page of someone whose role changed reloads to match it.
 */

import { requestJson } from './api.js'
import { messages, t } from './i18n.js'
import { shownName } from './names.js'
import { rowButton } from './row-button.js'
import { sentenceNodes } from './sentence-nodes.js'

/** @typedef {'observer' | 'participant' | 'facilitator'} Role */
/** @typedef {{id: string, name: string, role: Role}} Person */

/** @type {Role[]} */
export const ROLES = ['observer', 'participant', 'facilitator']
/** The name of each role, in the page's language. */
const ROLE_LABELS = {
  // Translators: a role in a room: follows the board and the chat without changing them
  observer: () => t('Observer'),
  // Translators: a role in a room: adds to the board and the chat
  participant: () => t('Participant'),
  // Translators: a role in a room: runs the lab and manages its people
  facilitator: () => t('Facilitator')
}
/** What someone whose role changed is told, by the role. */
const ROLE_NOTICES = {
  observer: () => t('A facilitator made you an observer: you can follow the board and the chat but not change them.'),
  participant: () => t('A facilitator made you a participant: you can add to the board and the chat.'),
  facilitator: () => t('A facilitator made you a facilitator: you can run the lab and manage its people.')
}
/** What the facilitator who changed someone's role is told, by the role. */
const ROLE_CHANGED = {
  observer: (/** @type {string} */ name) => t('{name} is now an observer.', { name }),
  participant: (/** @type {string} */ name) => t('{name} is now a participant.', { name }),
  facilitator: (/** @type {string} */ name) => t('{name} is now a facilitator.', { name })
}
/** The most people the panel lists. */
const MAX_PEOPLE = 1000
const NAME_MAX_LENGTH = 80
/** Where the page keeps, across the reload a change of role causes, the role it changed to. */
const ROLE_NOTICE_KEY = 'coworking.role-changed'

/** @param {unknown} value @returns {value is Role} */
const isRole = (value) => ROLES.includes(/** @type {Role} */ (value))

/**
 * The people a `people.json` answer lists, each checked; anything else is left out.
 * @param {unknown} data
 * @returns {Person[]}
 */
export function readPeople (data) {
  if (!Array.isArray(data)) return []
  /** @type {Map<string, Person>} */
  const people = new Map()
  for (const entry of data.slice(0, MAX_PEOPLE)) {
    const { id, name, role } = entry && typeof entry === 'object' ? entry : {}
    if (typeof id !== 'string' || !/^u\d{1,18}$/.test(id) || people.has(id) || !isRole(role)) continue
    const shown = typeof name === 'string' && name.trim() ? name.trim().slice(0, NAME_MAX_LENGTH) : t('Someone')
    people.set(id, { id, name: shown, role })
  }
  return [...people.values()]
}

/**
 * What someone is told when a facilitator gave them `role`.
 * @param {Role} role
 * @returns {string}
 */
export function roleNotice (role) {
  return ROLE_NOTICES[role]()
}

/**
 * Follows the role the server says this person has now: when it is not the role the page
 * was made for, the page reloads, so that everything it shows and offers (board tools,
 * chat, lab controls) is made for the new role, and says why once it is back.
 * @param {string} rendered the role the page was made for
 * @param {string} role the role the server gives now
 * @param {() => void} [reload]
 * @returns {boolean} whether the page reloads
 */
export function followRole (rendered, role, reload = () => window.location.reload()) {
  if (role === rendered || !isRole(role)) return false
  try {
    window.sessionStorage.setItem(ROLE_NOTICE_KEY, role)
  } catch {}
  reload()
  return true
}

/**
 * The notice of the change of role that reloaded this page, once; '' when there was none.
 * @param {string} role the role the page was made for
 * @returns {string}
 */
export function takeRoleNotice (role) {
  let changedTo = null
  try {
    changedTo = window.sessionStorage.getItem(ROLE_NOTICE_KEY)
    window.sessionStorage.removeItem(ROLE_NOTICE_KEY)
  } catch {}
  return changedTo === role && isRole(role) ? roleNotice(role) : ''
}

export class PeoplePanel {
  /**
   * @param {object} options
   * @param {HTMLElement} options.root the `people-panel` element
   * @param {string} options.slug
   * @param {string} options.userId this person's identity id
   * @param {import('y-protocols/awareness').Awareness} options.awareness the board's: who is here
   * @param {() => Record<string, number>} options.hands raised hands: identity id -> ms raised
   * @param {import('./profile-card.js').ProfileCards | null} [options.cards] shows a member's
   *   profile card from their name
   */
  constructor ({ root, slug, userId, awareness, hands, cards = null }) {
    this.root = root
    this.cards = cards
    this.url = `/r/${encodeURIComponent(slug)}/people`
    this.userId = userId
    this.awareness = awareness
    this.hands = hands
    /** @param {string} id */
    this.part = (id) => /** @type {HTMLElement | null} */ (root.querySelector(`[data-testid="${id}"]`))
    /** @type {Person[]} */
    this.people = []
    /** Roles chosen in a row's menu and not yet applied, by person id. @type {Map<string, Role>} */
    this.choices = new Map()
    /** People with a change under way: another for them is ignored until it ends. @type {Set<string>} */
    this.busy = new Set()
    /** The latest list request: older answers are dropped. */
    this.asked = 0
    /** Whether the error shown is that the list could not be loaded. */
    this.loadFailed = false
    this.shown = ''
    this.onAwareness = () => this.render()
    awareness.on('change', this.onAwareness)
    this.wire()
    this.refresh()
  }

  wire () {
    const list = this.part('people-list')
    list?.addEventListener('change', (event) => {
      const menu = event.target
      if (!(menu instanceof HTMLSelectElement) || !menu.dataset.person || !isRole(menu.value)) return
      this.choices.set(menu.dataset.person, menu.value)
      this.render()
    })
    list?.addEventListener('click', (event) => {
      const button = event.target instanceof Element ? event.target.closest('button') : null
      if (button?.dataset.apply) this.applyRole(button.dataset.apply)
      if (button?.dataset.remove) this.remove(button.dataset.remove)
    })
  }

  /**
   * Follows another awareness (the board's new connection after a resync).
   * @param {import('y-protocols/awareness').Awareness} awareness
   */
  bind (awareness) {
    this.awareness.off('change', this.onAwareness)
    this.awareness = awareness
    awareness.on('change', this.onAwareness)
    this.render()
  }

  /** Loads the list of people afresh (when the room's memberships changed). */
  async refresh () {
    const asked = ++this.asked
    try {
      const people = readPeople(await requestJson(`${this.url}.json`, null))
      if (asked !== this.asked) return
      this.people = people
      if (this.loadFailed) this.showError('')
      this.render()
    } catch (error) {
      if (asked !== this.asked) return
      this.showError(t('The list of people could not be loaded. {reason}', { reason: /** @type {Error} */ (error).message }))
      this.loadFailed = true
    }
  }

  /** @param {string} id @returns {Person | undefined} */
  find (id) {
    return this.people.find((person) => person.id === id)
  }

  /** @param {string} id the person whose chosen role is applied */
  async applyRole (id) {
    const role = this.choices.get(id)
    const person = this.find(id)
    if (!role || !person || role === person.role || this.busy.has(id)) return
    const updated = await this.change(id, { role })
    if (updated) {
      this.people = this.people.map((p) => (p.id === id ? { ...p, role } : p))
      this.announce(ROLE_CHANGED[role](person.name))
    }
    this.render()
  }

  /** @param {string} id the person to remove, once the facilitator confirms */
  async remove (id) {
    const person = this.find(id)
    if (!person || this.busy.has(id)) return
    const question = id === this.userId
      ? t('Leave the room? You can come back only through a new invite.')
      : t('Remove {name} from the room? They can come back only through a new invite.', { name: person.name })
    if (!window.confirm(question)) return
    if (await this.change(id, { remove: true })) {
      this.people = this.people.filter((p) => p.id !== id)
      this.announce(t('{name} was removed from the room.', { name: person.name }))
    }
    this.render()
  }

  /**
   * Sends one change for one person; the server's refusal is shown.
   * @param {string} id
   * @param {{role: Role} | {remove: true}} body
   * @returns {Promise<boolean>} whether the server made it
   */
  async change (id, body) {
    this.busy.add(id)
    this.showError('')
    try {
      await requestJson(`${this.url}/${encodeURIComponent(id)}/`, body)
      return true
    } catch (error) {
      this.showError(/** @type {Error} */ (error).message)
      return false
    } finally {
      this.busy.delete(id)
      this.choices.delete(id)
    }
  }

  /** @returns {Set<string>} the ids of the people here now (on the board) */
  online () {
    const here = new Set()
    for (const state of this.awareness.getStates().values()) {
      if (typeof state?.user?.id === 'string') here.add(state.user.id)
    }
    return here
  }

  render () {
    const list = this.part('people-list')
    if (!list) return
    const here = this.online()
    const hands = this.hands()
    const rows = this.people.map((person) => ({
      ...person,
      name: shownName(person.name),
      here: here.has(person.id),
      hand: person.id in hands,
      choice: this.choices.get(person.id) ?? person.role
    }))
    const shown = JSON.stringify(rows)
    if (shown === this.shown) return
    this.shown = shown
    const active = document.activeElement
    const focused = active instanceof HTMLElement && list.contains(active) ? active.dataset.focusKey : undefined
    list.replaceChildren(...rows.map((row) => this.renderPerson(row)))
    if (focused) this.refocus(list, focused)
    const count = this.root.querySelector('[data-people-count]')
    if (count) count.textContent = messages().number(rows.length)
  }

  /**
   * Puts the focus back where it was before the list was drawn again: on the same control,
   * else on that person's role menu (a change was applied), else on the panel's heading
   * (they left the list).
   * @param {HTMLElement} list
   * @param {string} key the `data-focus-key` of the control that had the focus
   */
  refocus (list, key) {
    const person = key.split(' ')[1] ?? ''
    const target = list.querySelector(`[data-focus-key="${CSS.escape(key)}"]:not(:disabled)`) ??
      list.querySelector(`select[data-person="${CSS.escape(person)}"]`) ??
      this.root.querySelector('h2')
    if (target instanceof HTMLElement) target.focus()
  }

  /**
   * @param {Person & {here: boolean, hand: boolean, choice: Role}} row
   * @returns {HTMLLIElement}
   */
  renderPerson (row) {
    const item = document.createElement('li')
    item.className = 'people-item'
    item.dataset.testid = 'person'
    item.dataset.personId = row.id
    item.dataset.here = String(row.here)
    item.dataset.hand = String(row.hand)
    const dot = document.createElement('span')
    dot.className = 'people-dot'
    // Translators: the tooltip of the dot beside a member of the room who is in it now
    dot.title = row.here ? t('Here now') : t('Not here')
    dot.setAttribute('aria-hidden', 'true')
    // The name shows the member's profile card on hover or focus.
    const name = document.createElement(this.cards ? 'button' : 'span')
    name.className = this.cards ? 'people-name person-trigger' : 'people-name'
    if (name instanceof HTMLButtonElement) {
      name.type = 'button'
      name.dataset.testid = 'person-name'
      name.dataset.focusKey = `card ${row.id}`
    }
    // Translators: the name of the person reading this, marked as theirs; "(you)" is styled apart
    name.textContent = row.id === this.userId ? t('{name} (you)', { name: row.name }) : row.name
    this.cards?.attach(name, row.id, row.name)
    /** @param {string} words read by screen readers only */
    const hidden = (words) => Object.assign(document.createElement('span'), { className: 'visually-hidden', textContent: words })
    const who = document.createElement('span')
    who.className = 'people-who'
    who.append(dot, ...sentenceNodes(row.here
      // Translators: a member of the room; only {name} is shown, the other words are read by screen readers
      ? t('{name}, here now')
      // Translators: a member of the room; only {name} is shown, the other words are read by screen readers
      : t('{name}, not here'), { name }, hidden))
    if (row.hand) {
      const hand = document.createElement('span')
      hand.className = 'people-hand'
      hand.dataset.testid = 'person-hand'
      hand.textContent = t('Hand raised')
      who.append(hand)
    }

    const menu = document.createElement('select')
    menu.className = 'people-role'
    menu.dataset.testid = 'person-role'
    menu.dataset.person = row.id
    menu.dataset.focusKey = `role ${row.id}`
    menu.setAttribute('aria-label', t('Role of {name}', { name: row.name }))
    for (const role of ROLES) {
      const option = document.createElement('option')
      option.value = role
      option.textContent = ROLE_LABELS[role]()
      option.selected = role === row.choice
      menu.append(option)
    }
    // Translators: a button that applies the role chosen for a member of the room
    const apply = rowButton('person', 'apply', row.id, t('Change'), t('Change the role of {name}', { name: row.name }))
    apply.disabled = row.choice === row.role
    // Translators: a button that removes a member from the room
    const remove = rowButton('person', 'remove', row.id, t('Remove'), t('Remove {name} from the room', { name: row.name }))
    remove.classList.add('button-danger')
    const controls = document.createElement('span')
    controls.className = 'people-controls'
    controls.append(menu, apply, remove)
    item.append(who, controls)
    return item
  }

  /** @param {string} message said by screen readers (a polite live region) */
  announce (message) {
    const region = this.part('people-announce')
    if (region) region.textContent = message
  }

  /** @param {string} message empty hides the error */
  showError (message) {
    this.loadFailed = false
    const line = this.part('people-error')
    if (!line) return
    line.textContent = message
    line.hidden = !message
  }
}
