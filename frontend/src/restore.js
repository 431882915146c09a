/**
 * The facilitator's "Restore" controls in the lab panel: bring back what was deleted in the
 * last minutes, or make the whole board as it was at a moment (after a confirm step), with the
 * room command `board.restore`. The server replays the board's history, writes the result as
 * a normal update everyone converges to, and answers how many objects came back, went or
 * changed back.
 */

import { messages, t, tn } from './i18n.js'

/** The longest span `{"minutes": n}` reaches back (the server's `MAX_RESTORE_MINUTES`). */
export const MAX_MINUTES = 1440
/** Where the moment to go back to starts, before the facilitator changes it. */
const DEFAULT_BACK_MS = 10 * 60_000

/** @param {number} n */
const pad = (n) => String(n).padStart(2, '0')

/**
 * A `datetime-local` input's value (local time, to the minute or second) as ms since the
 * epoch by this browser's clock, or null when it is not one.
 * @param {string} value
 * @returns {number | null}
 */
export function localMoment (value) {
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?$/.exec(value)
  if (!match) return null
  const [year, month, day, hour, minute, second] = match.slice(1).map((part) => Number(part ?? 0))
  const date = new Date(year, month - 1, day, hour, minute, second)
  const exists = date.getMonth() === month - 1 && date.getDate() === day && date.getHours() === hour
  return exists ? date.getTime() : null
}

/**
 * A moment as a `datetime-local` input shows it: local time, to the second.
 * @param {number} ms since the epoch
 * @returns {string}
 */
export function inputValue (ms) {
  const date = new Date(ms)
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}` +
    `T${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`
}

/**
 * What a `board.restored` reply says, in words.
 * @param {{restored?: unknown, removed?: unknown, changed?: unknown}} reply
 * @param {boolean} whole whether the whole board went back to a moment
 * @returns {string}
 */
export function restoredMessage (reply, whole) {
  /** @param {unknown} value */
  const count = (value) => Math.max(0, Math.floor(Number(value) || 0))
  const restored = count(reply.restored)
  const removed = count(reply.removed)
  const changed = count(reply.changed)
  const number = (/** @type {number} */ n) => messages().number(n)
  // One sentence for each case; {count} is the first number, the one that says "object" or "objects".
  if (restored && removed && changed) {
    // Translators: what a restore of the board did; {count}, {removed} and {changed} are numbers of board objects.
    return tn('{count} object came back, {removed} removed, {changed} changed back.',
      '{count} objects came back, {removed} removed, {changed} changed back.', restored,
      { removed: number(removed), changed: number(changed) })
  }
  if (restored && removed) {
    // Translators: what a restore of the board did; {count}, {removed} and {changed} are numbers of board objects.
    return tn('{count} object came back, {removed} removed.', '{count} objects came back, {removed} removed.', restored,
      { removed: number(removed) })
  }
  if (restored && changed) {
    // Translators: what a restore of the board did; {count}, {removed} and {changed} are numbers of board objects.
    return tn('{count} object came back, {changed} changed back.', '{count} objects came back, {changed} changed back.', restored,
      { changed: number(changed) })
  }
  if (restored) return tn('{count} object came back.', '{count} objects came back.', restored)
  if (removed && changed) {
    // Translators: what a restore of the board did; {count}, {removed} and {changed} are numbers of board objects.
    return tn('{count} object removed, {changed} changed back.', '{count} objects removed, {changed} changed back.', removed,
      { changed: number(changed) })
  }
  if (removed) return tn('{count} object removed.', '{count} objects removed.', removed)
  if (changed) return tn('{count} object changed back.', '{count} objects changed back.', changed)
  return whole ? t('The board already looked like that: nothing changed.') : t('Nothing was deleted in that time.')
}

export class RestoreControls {
  /**
   * @param {object} options
   * @param {HTMLElement} options.root the `lab-restore` group (a `details` element)
   * @param {(command: Record<string, unknown>) => boolean} options.send sends a room command; false if it could not
   * @param {(listener: (reply: any) => void) => void} options.onReply hears the server's type-100 replies
   * @param {number} options.clockOffsetMs server time minus this browser's clock
   * @param {() => number} [options.now] this browser's clock
   */
  constructor ({ root, send, onReply, clockOffsetMs, now = Date.now }) {
    this.root = root
    this.send = send
    this.clockOffsetMs = clockOffsetMs
    this.now = now
    /** The restore waiting for its reply: whether it takes the whole board back. @type {boolean | null} */
    this.pending = null
    /** The moment (server time) the confirm step asks about. @type {number | null} */
    this.moment = null
    /** Whether the facilitator has chosen a moment (then it is not reset on opening). */
    this.chosen = false
    /** @param {string} id */
    this.part = (id) => /** @type {HTMLElement | null} */ (root.querySelector(`[data-testid="${id}"]`))
    /** @param {string} id @param {() => void} action */
    const on = (id, action) => this.part(id)?.addEventListener('click', action)
    on('lab-restore-deleted', () => this.restoreDeleted())
    on('lab-restore-board', () => this.ask())
    on('lab-restore-yes', () => this.confirm())
    on('lab-restore-cancel', () => this.cancel())
    this.input('lab-restore-at')?.addEventListener('input', () => { this.chosen = true })
    root.addEventListener('toggle', () => this.suggestMoment())
    this.suggestMoment()
    onReply((reply) => this.settle(reply))
  }

  /** @param {string} id */
  input (id) {
    return /** @type {HTMLInputElement | null} */ (this.part(id))
  }

  /** Offer a moment a little before now, until the facilitator picks one. */
  suggestMoment () {
    const at = this.input('lab-restore-at')
    if (at && !this.chosen) at.value = inputValue(this.now() - DEFAULT_BACK_MS)
  }

  restoreDeleted () {
    const minutes = Number(this.input('lab-restore-minutes')?.value)
    if (!Number.isInteger(minutes) || minutes < 1 || minutes > MAX_MINUTES) {
      // A number to type into the field: written without grouping ("1440", not "1,440").
      const plain = new Intl.NumberFormat(messages().lang, { useGrouping: false })
      this.say(t('Give the minutes as a whole number from {min} to {max}.', { min: plain.format(1), max: plain.format(MAX_MINUTES) }))
      return
    }
    this.start({ type: 'board.restore', minutes }, false)
  }

  /** The confirm step of going back to a moment: it changes the board for everyone. */
  ask () {
    const local = localMoment(this.input('lab-restore-at')?.value ?? '')
    if (local === null || local > this.now()) {
      this.say(t('Choose a moment in the past.'))
      return
    }
    this.moment = local + this.clockOffsetMs
    // In the page's language, and in this browser's time zone: the one the moment was typed in.
    const when = new Intl.DateTimeFormat(messages().lang, { dateStyle: 'medium', timeStyle: 'medium' }).format(local)
    const question = this.part('lab-restore-question')
    if (question) {
      // Translators: {time} is a date and time, such as "3 May 2026, 14:30:00".
      question.textContent = t('Make the board as it was at {time}, for everyone? What was made since then goes, and what was deleted comes back.', { time: when })
    }
    this.showConfirm(true)
    this.say('')
    this.part('lab-restore-cancel')?.focus()
  }

  confirm () {
    const moment = this.moment
    this.cancel()
    if (moment !== null) this.start({ type: 'board.restore', at: moment }, true)
  }

  cancel () {
    this.moment = null
    this.showConfirm(false)
  }

  /** @param {boolean} shown */
  showConfirm (shown) {
    const box = this.part('lab-restore-confirm')
    if (box) box.hidden = !shown
  }

  /** @param {Record<string, unknown>} command @param {boolean} whole */
  start (command, whole) {
    if (!this.send(command)) return
    this.pending = whole
    // Translators: said while the board is being restored to an earlier state.
    this.say(t('Restoring…'))
  }

  /** @param {any} reply a type-100 reply: the answer to the restore under way, if any */
  settle (reply) {
    if (this.pending === null) return
    if (reply?.type === 'board.restored') {
      this.say(restoredMessage(reply, this.pending))
      this.pending = null
    } else if (reply?.type === 'room.error') {
      this.say('') // the lab panel shows the server's reason
      this.pending = null
    }
  }

  /** @param {string} message empty hides the status line */
  say (message) {
    const status = this.part('lab-restore-status')
    if (!status) return
    status.textContent = message
    status.hidden = !message
  }
}
