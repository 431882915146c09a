/**
 * Plays a recording's three documents (board, chat, room) on one clock: a seek loads each
 * document as it was at that moment into a fresh Y.Doc, or, a short way forward, applies
 * the recorded updates in between to the documents shown; playing applies the recorded
 * updates of the coming stretch, fetched ahead, in time order. The caller drives the clock
 * with `tick` (once a display frame) and draws what the documents hold.
 */

import * as Y from 'yjs'
import { skipIdle } from './chapters.js'

/** The documents of a recording, in the order their updates apply when times tie. */
export const KINDS = /** @type {const} */ (['board', 'chat', 'room'])

/** @typedef {typeof KINDS[number]} Kind */
/** @typedef {Record<Kind, Y.Doc>} Docs */
/** @typedef {{at: number, author: string, update: Uint8Array}} Entry a recorded update, `at` ms from the start */
/** @typedef {Entry & {kind: Kind}} Queued */

/**
 * @typedef {object} Source where the recording comes from (the server's playback endpoints)
 * @property {(at: number) => Promise<Record<Kind, Uint8Array[]>>} states the documents at `at`, each as the updates an empty document takes in order
 * @property {(kind: Kind, from: number, to: number) => Promise<{entries: Entry[], to: number}>} updates
 *   those after `from` up to `to`, or up to the earlier moment it names when the answer stopped short
 */

/** A seek at most this far forward applies the updates in between to the documents shown
 * instead of loading the documents of the new moment. */
export const FORWARD_MS = 60_000
/** Speeds a recording plays at. */
export const SPEEDS = [1, 2, 4, 8, 16]
/** Recording time fetched at once while playing at 1x (more at higher speeds). */
export const CHUNK_MS = 15_000
/** Quiet stretches longer than this are jumped over while skipping idle stretches. */
export const IDLE_MS = 4000
/** How much of a skipped stretch is still played before the change that ends it. */
export const IDLE_LEAD_MS = 800

export class Playback {
  /**
   * @param {object} options
   * @param {Source} options.source
   * @param {number} options.durationMs
   * @param {(docs: Docs) => void} options.onDocs called with the fresh documents of a seek
   * @param {() => void} [options.onMoved] called after a seek that kept the documents and
   *   applied the updates up to its moment
   * @param {(error: unknown) => void} options.onError a state or updates request failed
   * @param {(ms: number) => number | null} [options.nextActivity] the start of the next stretch
   *   with activity after a moment (from the recording's activity graph), for skipping idle
   *   stretches beyond what is fetched
   */
  constructor ({ source, durationMs, onDocs, onMoved = () => {}, onError, nextActivity = () => null }) {
    this.source = source
    this.duration = Math.max(0, durationMs)
    this.onDocs = onDocs
    this.onMoved = onMoved
    this.onError = onError
    this.nextActivity = nextActivity
    /** @type {Docs} */
    this.docs = { board: new Y.Doc(), chat: new Y.Doc(), room: new Y.Doc() }
    this.position = 0
    /** The moment the documents hold, or null before the first seek has loaded them. @type {number | null} */
    this.shownAt = null
    this.playing = false
    this.speed = 1
    this.skipping = false
    /** Recorded updates after `shownAt`, fetched and not applied yet, by time. @type {Queued[]} */
    this.queue = []
    /** Every update up to this moment is applied or queued. */
    this.loadedTo = 0
    /** Counts seeks: what a request brings back for an older one is dropped. */
    this.generation = 0
    /** The moment the latest seek asked for while an earlier one loads. @type {number | null} */
    this.wanted = null
    /** The seek under way. @type {Promise<void> | null} */
    this.seeking = null
    /** The updates request under way. @type {Promise<void> | null} */
    this.fetching = null
  }

  /** @param {number} ms @returns {number} within the recording */
  clamp (ms) {
    return Math.min(this.duration, Math.max(0, Number.isFinite(ms) ? ms : 0))
  }

  /**
   * Goes to a moment: up to FORWARD_MS ahead of the documents shown, the updates in between
   * are applied to them (those fetched already at once); otherwise the documents as they
   * were then replace them. Seeks made while one loads collapse into the newest (a drag
   * along the timeline asks for many).
   * @param {number} ms
   * @returns {Promise<void>} settles once the documents show the newest seek's moment
   */
  seek (ms) {
    this.position = this.clamp(ms)
    this.generation++
    this.wanted = this.position
    this.seeking ??= this.load().finally(() => {
      this.seeking = null
      this.fill()
    })
    return this.seeking
  }

  async load () {
    while (this.wanted !== null) {
      const at = this.wanted
      this.wanted = null
      const forward = this.shownAt !== null && at >= this.shownAt && at - this.shownAt <= FORWARD_MS
      try {
        await (forward ? this.advance(at) : this.replace(at))
      } catch (error) {
        if (this.wanted === null) this.fail(error)
      }
    }
  }

  /**
   * Whether a newer seek than the one to `at` is waiting; one to `at` itself (a click's
   * pointerup after its pointerdown) is dropped as done.
   * @param {number} at
   */
  overtaken (at) {
    if (this.wanted === at) this.wanted = null
    return this.wanted !== null
  }

  /** @param {number} at the documents of this moment replace those shown */
  async replace (at) {
    const states = await this.source.states(at)
    if (this.overtaken(at)) return
    /** @type {Partial<Docs>} */
    const docs = {}
    for (const kind of KINDS) {
      const doc = new Y.Doc()
      doc.transact(() => { for (const update of states[kind]) Y.applyUpdate(doc, update) })
      docs[kind] = doc
    }
    this.docs = /** @type {Docs} */ (docs)
    this.queue = []
    this.loadedTo = at
    this.shownAt = at
    this.onDocs(this.docs)
  }

  /** @param {number} at the documents shown are brought forward to this moment */
  async advance (at) {
    while (this.loadedTo < at) {
      const { entries, reached } = await this.span(this.loadedTo, at)
      this.queue.push(...entries)
      this.loadedTo = reached
      if (this.overtaken(at)) return
    }
    this.apply(at)
    this.shownAt = at
    this.onMoved()
  }

  /**
   * Applies the queued updates up to a moment.
   * @param {number} at
   * @returns {Queued[]} those applied
   */
  apply (at) {
    const applied = []
    while (this.queue.length && this.queue[0].at <= at) {
      const entry = /** @type {Queued} */ (this.queue.shift())
      Y.applyUpdate(this.docs[entry.kind], entry.update, { author: entry.author })
      applied.push(entry)
    }
    return applied
  }

  /**
   * Fetches the three documents' updates after `from` up to `to`.
   * @param {number} from
   * @param {number} to
   * @returns {Promise<{entries: Queued[], reached: number}>} by time, complete up to
   *   `reached`: where the shortest answer ends
   */
  async span (from, to) {
    const answers = await Promise.all(KINDS.map((kind) => this.source.updates(kind, from, to)))
    const reached = Math.max(from, Math.min(...answers.map((answer) => answer.to)))
    const entries = answers.flatMap((answer, index) => answer.entries
      .filter((entry) => entry.at <= reached)
      .map((entry) => ({ ...entry, kind: KINDS[index] })))
    // A stable sort keeps each document's own order, and the board first on equal times.
    entries.sort((a, b) => a.at - b.at)
    return { entries, reached }
  }

  /** @param {unknown} error */
  fail (error) {
    this.playing = false
    this.onError(error)
  }

  play () {
    if (this.position >= this.duration) this.seek(0)
    this.playing = true
    this.fill()
  }

  pause () {
    this.playing = false
  }

  /** @param {number} speed one of SPEEDS */
  setSpeed (speed) {
    if (SPEEDS.includes(speed)) this.speed = speed
    this.fill()
  }

  /** How far ahead of the clock updates are fetched. */
  get ahead () {
    return CHUNK_MS * this.speed
  }

  /** Fetches the updates of the coming stretch, one request at a time. */
  fill () {
    if (this.fetching || this.seeking || this.loadedTo >= this.duration) return
    if (this.loadedTo - this.position >= this.ahead) return
    const generation = this.generation
    const from = this.loadedTo
    const to = Math.min(this.duration, from + this.ahead)
    this.fetching = this.span(from, to)
      .then(({ entries, reached }) => {
        if (generation !== this.generation) return
        this.queue.push(...entries)
        this.loadedTo = reached
      }, (error) => { if (generation === this.generation) this.fail(error) })
      .finally(() => {
        this.fetching = null
        if (generation === this.generation) this.fill()
      })
  }

  /**
   * Moves the clock on by `elapsedMs` of real time (times the speed), applying the updates
   * it passes; waits where the fetched updates end. Skipping idle stretches jumps over
   * quiet ones, a seek when the next change lies beyond what is fetched.
   * @param {number} elapsedMs
   * @returns {Queued[]} the updates applied
   */
  tick (elapsedMs) {
    if (!this.playing || this.seeking) return []
    if (this.skipping && this.skipQuiet()) return []
    const target = Math.min(this.position + elapsedMs * this.speed, this.loadedTo, this.duration)
    const applied = this.apply(target)
    this.position = Math.max(this.position, target)
    this.shownAt = this.position
    if (this.position >= this.duration) this.playing = false
    this.fill()
    return applied
  }

  /**
   * Jumps over a quiet stretch ahead: within what is fetched, or, when the activity graph
   * shows none for longer beyond it, by a seek.
   * @returns {boolean} whether it started a seek
   */
  skipQuiet () {
    const queued = this.queue[0]?.at
    const known = queued ?? (this.loadedTo >= this.duration ? this.duration : null)
    if (known === null) {
      const hinted = this.nextActivity(this.loadedTo)
      if (hinted !== null && hinted - this.loadedTo > IDLE_MS) {
        this.seek(hinted - IDLE_LEAD_MS)
        return true
      }
    }
    const to = skipIdle(this.position, known ?? this.loadedTo, IDLE_MS, queued === undefined ? 0 : IDLE_LEAD_MS)
    if (to !== null) this.position = to
    return false
  }
}
