/**
 * Breakout groups, from the room document's `breakouts`: each group has a frame on the board
 * and a chat thread of its own. Everyone is taken to their group's frame when they are placed
 * in one, and back to the whole board when breakouts end. Facilitators split the room (at
 * random among the people here, or letting people pick), move people between groups, see
 * every group and end breakouts; all through room commands, which the server checks.
 */

import { t, tn } from './i18n.js'
import { shownGroupTitle } from './names.js'

/**
 * @typedef {{id: string, title: string, members: string[], frame: string}} Group
 * @typedef {{groups: Group[], endsAt: number | null, pick: boolean}} Breakouts
 */

/**
 * The room document's `breakouts` as the page uses it, or null when there are none.
 * @param {unknown} value
 * @returns {Breakouts | null}
 */
export function readBreakouts (value) {
  if (!value || typeof value !== 'object') return null
  const raw = /** @type {any} */ (value)
  if (!Array.isArray(raw.groups)) return null
  const groups = raw.groups.filter((/** @type {any} */ g) => g && typeof g.id === 'string').map((/** @type {any} */ g) => ({
    id: g.id,
    title: typeof g.title === 'string' ? shownGroupTitle(g.title) : '',
    members: Array.isArray(g.members) ? g.members.filter((/** @type {unknown} */ m) => typeof m === 'string') : [],
    frame: typeof g.frame === 'string' ? g.frame : ''
  }))
  return { groups, endsAt: typeof raw.endsAt === 'number' ? raw.endsAt : null, pick: raw.pick === true }
}

/**
 * The group a person is in, if any.
 * @param {Breakouts | null} breakouts
 * @param {string} userId
 * @returns {Group | null}
 */
export function groupOf (breakouts, userId) {
  return breakouts?.groups.find((group) => group.members.includes(userId)) ?? null
}

export class BreakoutPanel {
  /**
   * @param {object} options
   * @param {HTMLElement} options.root the lab panel, which holds the breakout parts
   * @param {import('yjs').Map<any>} options.state the room document's map
   * @param {(command: Record<string, unknown>) => void} options.send sends a room command
   * @param {string} options.userId
   * @param {boolean} options.facilitator
   * @param {boolean} options.canWrite
   * @param {(id: string) => string} options.nameOf
   * @param {() => string[]} options.present the people here who take part
   * @param {(frameId: string) => void} options.goToFrame shows a group's frame
   * @param {() => void} options.showAll shows the whole board
   * @param {(message: string) => void} options.announce says something to screen readers
   * @param {(threads: {id: string, title: string}[], own: string | null) => void} options.onThreads
   *   the chat threads this person may write in, and their own group's
   */
  constructor ({ root, state, send, userId, facilitator, canWrite, nameOf, present, goToFrame, showAll, announce, onThreads }) {
    this.state = state
    this.send = send
    this.userId = userId
    this.facilitator = facilitator
    this.canWrite = canWrite
    this.nameOf = nameOf
    this.goToFrame = goToFrame
    this.showAll = showAll
    this.announce = announce
    this.onThreads = onThreads
    /** @param {string} id */
    this.part = (id) => /** @type {HTMLElement | null} */ (root.querySelector(`[data-testid="${id}"]`))
    /** The group this person was last taken to ('' for none), and whether breakouts were on. */
    this.placedIn = ''
    this.active = false
    this.wire(present)
    state.observe(() => this.render())
    this.render()
  }

  /** @param {() => string[]} present */
  wire (present) {
    const value = (/** @type {string} */ id, /** @type {number} */ fallback) =>
      Math.round(Number(/** @type {HTMLInputElement | null} */ (this.part(id))?.value || fallback))
    this.part('lab-breakouts-start')?.addEventListener('click', () => {
      const count = value('lab-breakouts-count', 3)
      const minutes = value('lab-breakouts-minutes', 0)
      const mode = /** @type {HTMLSelectElement | null} */ (this.part('lab-breakouts-mode'))?.value
      this.send(mode === 'pick' ? { type: 'breakouts.start', count, minutes } : { type: 'breakouts.start', count, minutes, people: present() })
    })
    this.part('lab-breakouts-end')?.addEventListener('click', () => this.send({ type: 'breakouts.end' }))
    const list = this.part('lab-groups')
    list?.addEventListener('click', (event) => {
      const button = event.target instanceof Element ? event.target.closest('button') : null
      if (!(button instanceof HTMLElement)) return
      if (button.dataset.frame) this.goToFrame(button.dataset.frame)
      if (button.dataset.join) this.send({ type: 'breakouts.join', group: button.dataset.join })
    })
    list?.addEventListener('change', (event) => {
      const select = event.target
      if (select instanceof HTMLSelectElement && select.dataset.person) {
        this.send({ type: 'breakouts.join', group: select.value, id: select.dataset.person })
      }
    })
  }

  render () {
    const breakouts = readBreakouts(this.state.get('breakouts'))
    const box = this.part('lab-breakouts')
    if (box) box.hidden = !breakouts
    const start = this.part('lab-breakouts-start')
    if (start) start.hidden = Boolean(breakouts)
    const end = this.part('lab-breakouts-end')
    if (end) end.hidden = !breakouts
    const own = groupOf(breakouts, this.userId)
    const status = this.part('lab-breakouts-status')
    if (status) {
      status.textContent = !breakouts
        ? ''
        : own
          ? t('You are in {group}.', { group: own.title })
          : breakouts.pick && this.canWrite && !this.facilitator
            ? t('Pick a group to join.')
            : tn('{count} group is at work.', '{count} groups are at work.', breakouts.groups.length)
    }
    this.renderGroups(breakouts, own)
    const threads = !breakouts ? [] : this.facilitator ? breakouts.groups : own ? [own] : []
    this.onThreads(threads.map(({ id, title }) => ({ id, title })), own?.id ?? null)
    if (own && own.id !== this.placedIn) {
      this.placedIn = own.id
      if (own.frame) this.goToFrame(own.frame)
      this.announce(t("You are in {group}: your group's frame is on screen.", { group: own.title }))
    } else if (!own) {
      this.placedIn = ''
    }
    if (this.active && !breakouts) {
      this.showAll()
      this.announce(t('Breakouts have ended: back to the whole board.'))
    }
    this.active = Boolean(breakouts)
  }

  /**
   * @param {Breakouts | null} breakouts
   * @param {Group | null} own
   */
  renderGroups (breakouts, own) {
    const list = this.part('lab-groups')
    if (!list) return
    const groups = breakouts?.groups ?? []
    list.replaceChildren(...groups.map((group) => {
      const item = document.createElement('li')
      item.className = 'lab-group'
      item.dataset.testid = 'lab-group'
      if (group === own) item.setAttribute('aria-current', 'true')
      const title = document.createElement('strong')
      title.textContent = group.title
      const go = document.createElement('button')
      go.type = 'button'
      go.className = 'button button-small'
      go.dataset.frame = group.frame
      // Translators: a button beside a breakout group: shows its frame of the board
      go.textContent = t('Go to')
      go.setAttribute('aria-label', t("Go to {group}'s frame", { group: group.title }))
      item.append(title, ' ', go)
      if (breakouts?.pick && this.canWrite && !this.facilitator && group !== own) {
        const join = document.createElement('button')
        join.type = 'button'
        join.className = 'button button-small button-primary'
        join.dataset.join = group.id
        // Translators: a button beside a breakout group: join it
        join.textContent = t('Join')
        join.setAttribute('aria-label', t('Join {group}', { group: group.title }))
        item.append(' ', join)
      }
      const members = document.createElement('ul')
      members.className = 'lab-group-members'
      members.append(...group.members.map((id) => this.member(id, group, groups)))
      item.append(members)
      return item
    }))
  }

  /**
   * A member of a group; facilitators can move them to another group.
   * @param {string} id
   * @param {Group} group
   * @param {Group[]} groups
   */
  member (id, group, groups) {
    const item = document.createElement('li')
    const name = this.nameOf(id)
    if (!this.facilitator || groups.length < 2) {
      item.textContent = name
      return item
    }
    const label = document.createElement('label')
    label.append(`${name} `)
    const select = document.createElement('select')
    select.dataset.person = id
    select.setAttribute('aria-label', t('Group of {name}', { name }))
    for (const other of groups) {
      const option = document.createElement('option')
      option.value = other.id
      option.textContent = other.title
      option.selected = other === group
      select.append(option)
    }
    label.append(select)
    item.append(label)
    return item
  }
}
