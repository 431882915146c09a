/**
 * A sanitised, indexed mirror of the board's `objects` map. Every value read from the shared
 * document passes through the codec's `readObject` once, here; the rest of the board reads
 * these plain objects and the spatial index. It holds at most `limit` objects (the server's
 * limit): a board that holds more shows the first ones and says so.
 */

import * as Y from 'yjs'
import { readObject } from './codec.js'
import { DEFAULT_BOARD_LIMITS, boxOf, contains } from './schema.js'
import { SpatialIndex } from './spatial.js'
import { connectorLine, boxFromPoints } from './geometry.js'

/** @typedef {{x: number, y: number, w: number, h: number}} Box */
/** @typedef {Record<string, any>} Plain */

/**
 * Whether two plain readings of an object are the same (they hold only JSON values).
 * @param {unknown} a
 * @param {unknown} b
 * @returns {boolean}
 */
export function samePlain (a, b) {
  if (a === b) return true
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false
  if (Array.isArray(a) !== Array.isArray(b)) return false
  const keys = Object.keys(a)
  if (keys.length !== Object.keys(b).length) return false
  return keys.every((key) => Object.hasOwn(b, key) && samePlain(/** @type {any} */ (a)[key], /** @type {any} */ (b)[key]))
}

export class BoardModel {
  /**
   * @param {Y.Doc} doc
   * @param {number} [limit] the most objects shown
   */
  constructor (doc, limit = DEFAULT_BOARD_LIMITS.maxObjects) {
    this.limit = limit
    /** @type {Map<string, Plain>} */
    this.plain = new Map()
    /** @type {Set<string>} ids of objects left out because the board holds more than `limit` */
    this.hidden = new Set()
    this.index = new SpatialIndex()
    /** @type {Map<string, Set<string>>} object id -> connectors ending at it */
    this.links = new Map()
    /** @type {Set<(ids: Set<string>, transaction: Y.Transaction | null) => void>} */
    this.listeners = new Set()
    /** @type {string[] | null} ids in reading order, rebuilt on demand */
    this.order = null
    /** @param {Array<Y.YEvent<any>>} events @param {Y.Transaction} transaction */
    this.onEvents = (events, transaction) => {
      const ids = new Set()
      for (const event of events) {
        if (event.target === this.objects) event.changes.keys.forEach((_, key) => ids.add(key))
        else ids.add(String(event.path[0]))
      }
      this.refresh(ids, transaction)
    }
    this.doc = doc
    /** @type {Y.Map<any>} */
    this.objects = doc.getMap('objects')
    this.objects.observeDeep(this.onEvents)
    this.refresh(new Set(this.objects.keys()), null)
  }

  /**
   * Mirrors another document (the board's fresh copy after a resync, or a recording's moment)
   * in place of the current one; listeners hear only of the objects whose plain reading
   * differs (those that appeared or went included, and the connectors ending at them).
   * Views of the others still hold the previous document's texts: see Renderer.rebindTexts.
   * @param {Y.Doc} doc
   */
  bind (doc) {
    this.objects.unobserveDeep(this.onEvents)
    const before = this.plain
    const ids = new Set([...before.keys(), ...this.hidden])
    this.plain = new Map()
    this.hidden = new Set()
    this.index = new SpatialIndex()
    this.links.clear()
    this.doc = doc
    this.objects = doc.getMap('objects')
    this.objects.observeDeep(this.onEvents)
    for (const id of this.objects.keys()) ids.add(id)
    this.reread(ids)
    const changed = new Set([...ids].filter((id) => !samePlain(before.get(id), this.plain.get(id))))
    for (const id of [...changed]) for (const connectorId of this.links.get(id) ?? []) changed.add(connectorId)
    this.notify(changed, null)
  }

  /**
   * Shows at most `limit` objects from now on.
   * @param {number} limit
   */
  setLimit (limit) {
    this.limit = limit
    const extra = [...this.plain.keys()].slice(limit)
    for (const id of extra) this.forget(id)
    this.refresh(new Set(extra), null)
  }

  /** @returns {boolean} whether the board holds more objects than it shows */
  get truncated () {
    return this.hidden.size > 0
  }

  /** @param {(ids: Set<string>, transaction: Y.Transaction | null) => void} listener */
  onChange (listener) {
    this.listeners.add(listener)
  }

  /** @param {string} id @returns {Plain | undefined} */
  get (id) {
    return this.plain.get(id)
  }

  /** @param {string} id @returns {boolean} whether the object is locked (see schema.js) */
  isLocked (id) {
    return this.plain.get(id)?.locked === true
  }

  /** @param {string} id @returns {Y.Map<any> | null} */
  ymap (id) {
    const value = this.objects.get(id)
    return value instanceof Y.Map ? value : null
  }

  /** @param {string} id @returns {Box | undefined} the indexed box (a connector's spans its line) */
  box (id) {
    return this.index.box(id)
  }

  /**
   * The line a connector draws, or null while one of its ends is missing.
   * @param {Plain} connector
   * @returns {[{x: number, y: number}, {x: number, y: number}] | null}
   */
  connectorLine (connector) {
    const from = this.plain.get(connector.from)
    const to = this.plain.get(connector.to)
    const a = from && boxOf(from)
    const b = to && boxOf(to)
    return a && b ? connectorLine(a, b) : null
  }

  /**
   * Re-reads the given objects from the document and tells listeners what changed
   * (connectors whose ends moved included).
   * @param {Set<string>} ids
   * @param {Y.Transaction | null} transaction
   */
  refresh (ids, transaction) {
    this.notify(this.reread(ids), transaction)
  }

  /**
   * @param {Set<string>} ids
   * @param {Y.Transaction | null} transaction
   */
  notify (ids, transaction) {
    for (const listener of this.listeners) listener(ids, transaction)
  }

  /**
   * Re-reads the given objects from the document, and the connectors ending at them.
   * @param {Set<string>} ids
   * @returns {Set<string>} the ids re-read
   */
  reread (ids) {
    const changed = new Set(ids)
    for (const id of ids) this.read(id, changed)
    // Room made by deletions goes to objects left out before.
    for (const id of this.hidden) {
      if (this.plain.size >= this.limit) break
      this.hidden.delete(id)
      changed.add(id)
      this.read(id, changed)
    }
    for (const id of changed) {
      const plain = this.plain.get(id)
      if (plain?.type !== 'connector') continue
      const line = this.connectorLine(plain)
      if (line) this.index.set(id, boxFromPoints(line[0], line[1]))
      else this.index.delete(id)
    }
    this.order = null
    return changed
  }

  /**
   * Re-reads one object; a new one is left out while the board shows `limit` objects.
   * @param {string} id
   * @param {Set<string>} changed gets the connectors ending at it
   */
  read (id, changed) {
    const full = !this.plain.has(id) && this.plain.size >= this.limit
    this.forget(id)
    const value = this.objects.get(id)
    if (value !== undefined && full) this.hidden.add(id)
    else this.hidden.delete(id)
    const plain = full ? null : readObject(value)
    if (plain !== null) {
      this.plain.set(id, plain)
      if (plain.type === 'connector') this.link(id, plain)
      else this.index.set(id, /** @type {Box} */ (boxOf(plain)))
    }
    for (const connectorId of this.links.get(id) ?? []) changed.add(connectorId)
  }

  /** Drops one object from the mirror. @param {string} id */
  forget (id) {
    const before = this.plain.get(id)
    if (before?.type === 'connector') this.unlink(id, before)
    this.plain.delete(id)
    this.index.delete(id)
  }

  /** @param {string} id @param {Plain} connector */
  link (id, connector) {
    for (const end of [connector.from, connector.to]) {
      let set = this.links.get(end)
      if (!set) this.links.set(end, (set = new Set()))
      set.add(id)
    }
  }

  /** @param {string} id @param {Plain} connector */
  unlink (id, connector) {
    for (const end of [connector.from, connector.to]) {
      const set = this.links.get(end)
      set?.delete(id)
      if (set?.size === 0) this.links.delete(end)
    }
  }

  /** @returns {{top: number, bottom: number}} the highest and lowest z on the board */
  zRange () {
    let top = 0; let bottom = 0
    for (const plain of this.plain.values()) {
      top = Math.max(top, plain.z)
      bottom = Math.min(bottom, plain.z)
    }
    return { top, bottom }
  }

  /**
   * Objects wholly inside a frame (at any depth), connectors excluded.
   * @param {string} frameId
   * @returns {string[]}
   */
  contentsOf (frameId) {
    const frame = this.plain.get(frameId)
    if (frame?.type !== 'frame') return []
    const area = /** @type {Box} */ (boxOf(frame))
    return [...this.index.query(area)].filter((id) => {
      const plain = this.plain.get(id)
      return id !== frameId && plain && plain.type !== 'connector' && contains(area, /** @type {Box} */ (boxOf(plain)))
    })
  }

  /**
   * Top-left corners of the given objects and of whatever lies in the frames among them
   * (what moves with them); connectors follow on their own. Locked objects stay, and so does
   * what lies in a locked frame.
   * @param {Iterable<string>} ids
   * @returns {Map<string, {x: number, y: number}>}
   */
  movingOrigins (ids) {
    const moving = new Set()
    for (const id of ids) {
      if (this.isLocked(id)) continue
      moving.add(id)
      for (const inner of this.contentsOf(id)) moving.add(inner)
    }
    const origins = new Map()
    for (const id of moving) {
      const plain = this.plain.get(id)
      if (plain && plain.type !== 'connector' && !plain.locked) origins.set(id, { x: plain.x, y: plain.y })
    }
    return origins
  }

  /**
   * Every rendered-able object id in reading order: top to bottom in bands of 80 units,
   * left to right within a band; connectors last.
   * @returns {string[]}
   */
  readingOrder () {
    if (this.order) return this.order
    const boxed = []
    const lines = []
    for (const [id, plain] of this.plain) {
      if (plain.type === 'connector') { if (this.index.box(id)) lines.push(id) } else boxed.push(id)
    }
    const key = (/** @type {string} */ id) => {
      const box = /** @type {Box} */ (this.index.box(id))
      return [Math.floor(box.y / 80), box.x, box.y]
    }
    const keys = new Map(boxed.map((id) => [id, key(id)]))
    boxed.sort((a, b) => {
      const ka = /** @type {number[]} */ (keys.get(a)); const kb = /** @type {number[]} */ (keys.get(b))
      return ka[0] - kb[0] || ka[1] - kb[1] || ka[2] - kb[2] || (a < b ? -1 : 1)
    })
    this.order = [...boxed, ...lines]
    return this.order
  }
}
