/**
 * A sanitised, indexed mirror of the board's `objects` map. Every value read from the shared
 * document passes through the codec's `sanitize` once, here; the rest of the board reads
 * these plain objects and the spatial index.
 */

import * as Y from 'yjs'
import { sanitize, toPlain } from './codec.js'
import { boxOf, contains } from './schema.js'
import { SpatialIndex } from './spatial.js'
import { connectorLine, boxFromPoints } from './geometry.js'

/** @typedef {{x: number, y: number, w: number, h: number}} Box */
/** @typedef {Record<string, any>} Plain */

export class BoardModel {
  /** @param {Y.Doc} doc */
  constructor (doc) {
    this.doc = doc
    /** @type {Y.Map<any>} */
    this.objects = doc.getMap('objects')
    /** @type {Map<string, Plain>} */
    this.plain = new Map()
    this.index = new SpatialIndex()
    /** @type {Map<string, Set<string>>} object id -> connectors ending at it */
    this.links = new Map()
    /** @type {Set<(ids: Set<string>, transaction: Y.Transaction | null) => void>} */
    this.listeners = new Set()
    /** @type {string[] | null} ids in reading order, rebuilt on demand */
    this.order = null
    this.objects.observeDeep((events, transaction) => {
      const ids = new Set()
      for (const event of events) {
        if (event.target === this.objects) event.changes.keys.forEach((_, key) => ids.add(key))
        else ids.add(String(event.path[0]))
      }
      this.refresh(ids, transaction)
    })
    this.refresh(new Set(this.objects.keys()), null)
  }

  /** @param {(ids: Set<string>, transaction: Y.Transaction | null) => void} listener */
  onChange (listener) {
    this.listeners.add(listener)
  }

  /** @param {string} id @returns {Plain | undefined} */
  get (id) {
    return this.plain.get(id)
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
    const changed = new Set(ids)
    for (const id of ids) {
      const before = this.plain.get(id)
      if (before?.type === 'connector') this.unlink(id, before)
      const ymap = this.ymap(id)
      const plain = ymap ? sanitize(toPlain(ymap)) : null
      if (plain === null) {
        this.plain.delete(id)
        this.index.delete(id)
      } else {
        this.plain.set(id, plain)
        if (plain.type === 'connector') this.link(id, plain)
        else this.index.set(id, /** @type {Box} */ (boxOf(plain)))
      }
      for (const connectorId of this.links.get(id) ?? []) changed.add(connectorId)
    }
    for (const id of changed) {
      const plain = this.plain.get(id)
      if (plain?.type !== 'connector') continue
      const line = this.connectorLine(plain)
      if (line) this.index.set(id, boxFromPoints(line[0], line[1]))
      else this.index.delete(id)
    }
    this.order = null
    for (const listener of this.listeners) listener(changed, transaction)
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
