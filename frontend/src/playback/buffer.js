/**
 * A recording held in the browser, so that seeking and playing need no request: every
 * update of its three documents, loaded once in the background after the player opens, and
 * checkpoints along them (the documents as they were every `CHECKPOINT_UPDATES` updates,
 * each encoded as one Yjs update, as the server's keyframes are). A moment is its newest
 * checkpoint and at most that many updates after it. Until the recording has loaded, past
 * the moment it was loaded up to (a recording still running), and for a recording larger
 * than the budget (`MAX_BYTES`), every request goes to the server.
 */

import * as Y from 'yjs'
import { KINDS } from './playback.js'

/** @typedef {import('./playback.js').Kind} Kind */
/** @typedef {import('./playback.js').Entry} Entry */
/** @typedef {import('./playback.js').Source} Source */
/**
 * @typedef {object} Checkpoint the documents after the first `counts[kind]` updates of each
 * @property {number} at the time of the newest update in it (ms from the start)
 * @property {Record<Kind, number>} counts
 * @property {Record<Kind, Uint8Array>} states
 */

/** Updates between two checkpoints: what a seek applies after its checkpoint, at most. */
export const CHECKPOINT_UPDATES = 400
/** The most bytes of updates and checkpoints a player holds; a larger recording streams. */
export const MAX_BYTES = 48 * 1024 * 1024
/** Building the checkpoints gives the page back this often (ms), so it stays responsive. */
const SLICE_MS = 8

/**
 * The first index of `entries` (sorted by time) whose time is after `at`.
 * @param {Array<{at: number}>} entries
 * @param {number} at
 */
export function after (entries, at) {
  let low = 0
  let high = entries.length
  while (low < high) {
    const middle = (low + high) >>> 1
    if (entries[middle].at <= at) low = middle + 1
    else high = middle
  }
  return low
}

const nextTask = () => new Promise((resolve) => setTimeout(resolve, 0))

/** @implements {Source} */
export class BufferedSource {
  /**
   * @param {Source} remote the server's playback endpoints
   * @param {number} durationMs how much of the recording to hold
   * @param {{maxBytes?: number, checkpointEvery?: number}} [options]
   */
  constructor (remote, durationMs, { maxBytes = MAX_BYTES, checkpointEvery = CHECKPOINT_UPDATES } = {}) {
    this.remote = remote
    this.duration = Math.max(0, durationMs)
    this.maxBytes = maxBytes
    this.checkpointEvery = checkpointEvery
    /** Every update of each document after the start, by time; null until loaded. @type {Record<Kind, Entry[]> | null} */
    this.logs = null
    /** @type {Checkpoint[]} */
    this.checkpoints = []
    /** What the updates and checkpoints held take. */
    this.bytes = 0
  }

  get held () {
    return this.logs !== null
  }

  /**
   * Loads the recording: the documents at its start, then each one's updates, then the
   * checkpoints, built a slice at a time.
   * @returns {Promise<boolean>} whether the recording is held now (false when it is over
   *   the budget)
   */
  async load () {
    const base = await this.remote.states(0)
    /** @type {Record<Kind, Entry[]>} */
    const logs = { board: [], chat: [], room: [] }
    let bytes = 0
    for (const kind of KINDS) {
      let from = 0
      while (from < this.duration) {
        const { entries, to } = await this.remote.updates(kind, from, this.duration)
        for (const entry of entries) {
          logs[kind].push(entry)
          bytes += entry.update.length
        }
        if (bytes > this.maxBytes) return false
        if (to <= from) break
        from = to
      }
    }
    const checkpoints = await this.checkpointsOf(base, logs, bytes)
    if (checkpoints === null) return false
    this.checkpoints = checkpoints.list
    this.bytes = checkpoints.bytes
    this.logs = logs
    return true
  }

  /**
   * Replays the logs from the start's documents, a checkpoint every `checkpointEvery`
   * updates (in time order across the documents, the board first on equal times).
   * @param {Record<Kind, Uint8Array[]>} base
   * @param {Record<Kind, Entry[]>} logs
   * @param {number} bytes what the logs take
   * @returns {Promise<{list: Checkpoint[], bytes: number} | null>} null over the budget
   */
  async checkpointsOf (base, logs, bytes) {
    /** @type {Record<Kind, Y.Doc>} */
    const docs = { board: new Y.Doc(), chat: new Y.Doc(), room: new Y.Doc() }
    for (const kind of KINDS) for (const update of base[kind]) Y.applyUpdate(docs[kind], update)
    /** @type {Record<Kind, Uint8Array> | null} */
    let states = null
    /** @type {Set<Kind>} */
    const changed = new Set(KINDS)
    const counts = { board: 0, chat: 0, room: 0 }
    /** @type {Checkpoint[]} */
    const list = []
    const take = (/** @type {number} */ at) => {
      const previous = states
      states = /** @type {Record<Kind, Uint8Array>} */ (Object.fromEntries(KINDS.map((kind) => [
        kind, previous && !changed.has(kind) ? previous[kind] : Y.encodeStateAsUpdate(docs[kind])
      ])))
      for (const kind of changed) bytes += states[kind].length
      changed.clear()
      list.push({ at, counts: { ...counts }, states })
    }
    take(0)
    const order = KINDS.flatMap((kind) => logs[kind].map((entry) => ({ kind, entry })))
    order.sort((a, b) => a.entry.at - b.entry.at)
    let sliceStarted = performance.now()
    for (let i = 0; i < order.length; i++) {
      const { kind, entry } = order[i]
      Y.applyUpdate(docs[kind], entry.update)
      counts[kind]++
      changed.add(kind)
      if ((i + 1) % this.checkpointEvery === 0) {
        take(entry.at)
        if (bytes > this.maxBytes) return null
      }
      if (performance.now() - sliceStarted > SLICE_MS) {
        await nextTask()
        sliceStarted = performance.now()
      }
    }
    for (const kind of KINDS) docs[kind].destroy()
    return { list, bytes }
  }

  /**
   * @param {number} at ms from the start
   * @returns {Promise<Record<Kind, Uint8Array[]>>} the documents then: the newest checkpoint
   *   at or before `at`, then the updates after it up to `at`
   */
  async states (at) {
    const logs = this.logs
    if (logs === null || at > this.duration) return this.remote.states(at)
    // The first checkpoint is at 0, at or before every moment asked for.
    const checkpoint = this.checkpoints[Math.max(0, after(this.checkpoints, at) - 1)]
    return /** @type {Record<Kind, Uint8Array[]>} */ (Object.fromEntries(KINDS.map((kind) => [kind, [
      checkpoint.states[kind],
      ...logs[kind].slice(checkpoint.counts[kind], after(logs[kind], at)).map((entry) => entry.update)
    ]])))
  }

  /**
   * @param {Kind} kind
   * @param {number} from ms from the start, not included
   * @param {number} to ms from the start, included
   * @returns {Promise<{entries: Entry[], to: number}>}
   */
  async updates (kind, from, to) {
    const logs = this.logs
    if (logs === null || to > this.duration) return this.remote.updates(kind, from, to)
    return { entries: logs[kind].slice(after(logs[kind], from), after(logs[kind], to)), to }
  }
}
