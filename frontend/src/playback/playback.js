/**
 * Plays a recording's three documents (board, chat, room) on one clock: a seek loads each
 * document as it was at that moment into a fresh Y.Doc; playing applies the recorded updates
 * of the coming stretch, fetched ahead, in time order. The caller drives the clock with
 * `tick` (once a display frame) and draws what the documents hold.
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
 * @property {(at: number) => Promise<Record<Kind, Uint8Array>>} states the documents at `at`, each as one update
 * @property {(kind: Kind, from: number, to: number) => Promise<{entries: Entry[], to: number}>} updates
 *   those after `from` up to `to`, or up to the earlier moment it names when the answer stopped short
 */

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
   * @param {(docs: Docs) => void} options.onDocs called with the fresh documents of each seek
   * @param {(error: unknown) => void} options.onError a state or updates request failed
   * @param {(ms: number) => number | null} [options.nextActivity] the start of the next stretch
   *   with activity after a moment (from the recording's activity graph), for skipping idle
   *   stretches beyond what is fetched
   */
  constructor ({ source, durationMs, onDocs, onError, nextActivity = () => null }) {
    this.source = source
    this.duration = Math.max(0, durationMs)
    this.onDocs = onDocs
    this.onError = onError
    this.nextActivity = nextActivity
    /** @type {Docs} */
    this.docs = { board: new Y.Doc(), chat: new Y.Doc(), room: new Y.Doc() }
    this.position = 0
    this.playing = false
    this.speed = 1
    this.skipping = false
    /** Recorded updates fetched and not applied yet, by time. @type {Queued[]} */
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
   * Goes to a moment: the documents as they were then replace the current ones. Seeks made
   * while one loads collapse into the newest (a drag along the timeline asks for many).
   * @param {number} ms
   * @returns {Promise<void>} settles once the documents of the newest seek are shown
   */
  seek (ms) {
    this.position = this.clamp(ms)
    this.generation++
    this.queue = []
    this.loadedTo = this.position
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
      let states
      try {
        states = await this.source.states(at)
      } catch (error) {
        if (this.wanted === null) this.fail(error)
        continue
      }
      // A seek to the moment just fetched (a click's pointerup after its pointerdown) needs no new one.
      if (this.wanted === at) this.wanted = null
      if (this.wanted !== null) continue
      /** @type {Partial<Docs>} */
      const docs = {}
      for (const kind of KINDS) {
        const doc = new Y.Doc()
        Y.applyUpdate(doc, states[kind])
        docs[kind] = doc
      }
      this.docs = /** @type {Docs} */ (docs)
      this.onDocs(this.docs)
    }
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
    this.fetching = Promise.all(KINDS.map((kind) => this.source.updates(kind, from, to)))
      .then((answers) => {
        if (generation !== this.generation) return
        // Every document is complete up to where the shortest answer reaches.
        const reached = Math.max(from, Math.min(...answers.map((answer) => answer.to)))
        /** @type {Queued[]} */
        const arrived = answers.flatMap(({ entries }, index) => entries
          .filter((entry) => entry.at <= reached)
          .map((entry) => ({ ...entry, kind: KINDS[index] })))
        // A stable sort keeps each document's own order, and the board first on equal times.
        arrived.sort((a, b) => a.at - b.at)
        this.queue.push(...arrived)
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
    const applied = []
    while (this.queue.length && this.queue[0].at <= target) {
      const entry = /** @type {Queued} */ (this.queue.shift())
      Y.applyUpdate(this.docs[entry.kind], entry.update, { author: entry.author })
      applied.push(entry)
    }
    this.position = Math.max(this.position, target)
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
