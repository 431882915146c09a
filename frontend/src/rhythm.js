/**
 * The focus rhythm of a co-working room, derived by every client from the room document's
 * `focus` (`{workMinutes, breakMinutes, startedAt}`): work and break blocks in turn from
 * `startedAt`, by the server's clock. And the status that follows a person through it.
 */

/** @typedef {'focus' | 'break' | 'available' | 'away'} Status */
/** @type {Status[]} */
export const STATUSES = ['available', 'focus', 'break', 'away']

/**
 * @typedef {object} Rhythm
 * @property {number} workMinutes
 * @property {number} breakMinutes
 * @property {number} startedAt ms since the epoch, server time
 */

/**
 * @typedef {object} Block
 * @property {'work' | 'break'} kind
 * @property {number} index the block's number since the rhythm started (0: the first work block)
 * @property {number} lengthMs
 * @property {number} leftMs
 * @property {number} endsAt ms since the epoch, server time
 * @property {'work' | 'break'} nextKind
 * @property {number} nextMinutes
 */

/** @param {unknown} value @returns {value is number} */
const finite = (value) => typeof value === 'number' && Number.isFinite(value)

/**
 * The room document's `focus` as a rhythm, or null when none runs (or it is malformed).
 * @param {unknown} value
 * @returns {Rhythm | null}
 */
export function readRhythm (value) {
  const focus = /** @type {any} */ (value)
  if (!focus || typeof focus !== 'object') return null
  const { workMinutes, breakMinutes, startedAt } = focus
  if (![workMinutes, breakMinutes, startedAt].every(finite) || workMinutes <= 0 || breakMinutes <= 0) return null
  return { workMinutes, breakMinutes, startedAt }
}

/**
 * The block of a rhythm at a moment: with W and B the work and break lengths and
 * t = (serverNow − startedAt) mod (W + B), a work block while t < W, else a break.
 * Before `startedAt` (a clock a little behind) it is the first work block.
 * @param {Rhythm | null} rhythm
 * @param {number} serverNow ms since the epoch, server time
 * @returns {Block | null}
 */
export function currentBlock (rhythm, serverNow) {
  if (!rhythm) return null
  const work = rhythm.workMinutes * 60_000
  const rest = rhythm.breakMinutes * 60_000
  const elapsed = Math.max(0, serverNow - rhythm.startedAt)
  const cycle = Math.floor(elapsed / (work + rest))
  const into = elapsed - cycle * (work + rest)
  const working = into < work
  const lengthMs = working ? work : rest
  const leftMs = working ? work - into : work + rest - into
  return {
    kind: working ? 'work' : 'break',
    index: cycle * 2 + (working ? 0 : 1),
    lengthMs,
    leftMs,
    endsAt: Math.max(serverNow, rhythm.startedAt) + leftMs,
    nextKind: working ? 'break' : 'work',
    nextMinutes: working ? rhythm.breakMinutes : rhythm.workMinutes
  }
}

/**
 * The status the rhythm asks of someone when a block starts: a work block takes the
 * available and those on a break to focus, a break takes the focused to a break; nobody
 * away is moved. Null when their status stays.
 * @param {Status | null} status
 * @param {'work' | 'break'} kind
 * @returns {Status | null}
 */
export function rhythmStatus (status, kind) {
  if (kind === 'work' && (status === 'available' || status === 'break')) return 'focus'
  if (kind === 'break' && status === 'focus') return 'break'
  return null
}

/** How long a tab stays hidden before its person shows as away. */
export const AWAY_AFTER_MS = 5 * 60_000

/**
 * Decides the automatic changes of one person's status: following the room's rhythm as
 * blocks start, away while the tab has been hidden for AWAY_AFTER_MS, and back to what they
 * were (as the rhythm has it now) when they return. Each decision is a status to send, or
 * null for none, so commands go out only on a change.
 */
export class AutoStatus {
  constructor () {
    /** The block last seen (its `index` and rhythm start), so each start is acted on once. @type {string | null} */
    this.seenBlock = null
    /** The status before this page set away, while it is away on that account. @type {Status | null} */
    this.beforeAway = null
  }

  /**
   * @param {Status | null} status the person's status now
   * @param {Rhythm | null} rhythm
   * @param {Block | null} block the rhythm's block now
   * @returns {Status | null}
   */
  onBlock (status, rhythm, block) {
    const key = rhythm && block ? `${rhythm.startedAt}:${block.index}` : null
    if (key === this.seenBlock) return null
    this.seenBlock = key
    // Someone away on this page's account comes back to what the rhythm has by then.
    if (!block || this.beforeAway) return null
    return rhythmStatus(status, block.kind)
  }

  /**
   * @param {Status | null} status
   * @param {number} hiddenMs how long the tab has been hidden (0 while visible)
   * @returns {Status | null}
   */
  onHidden (status, hiddenMs) {
    if (hiddenMs < AWAY_AFTER_MS || !status || status === 'away' || this.beforeAway) return null
    this.beforeAway = status
    return 'away'
  }

  /**
   * The person is back: the status they had before going away, as the rhythm has it now.
   * @param {Status | null} status
   * @param {Block | null} block
   * @returns {Status | null}
   */
  onVisible (status, block) {
    const before = this.beforeAway
    this.beforeAway = null
    if (!before || status !== 'away') return null
    return (block && rhythmStatus(before, block.kind)) ?? before
  }

  /** The person chose a status themselves: being away is no longer this page's doing. */
  chosen () {
    this.beforeAway = null
  }
}
