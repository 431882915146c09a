/** A uniform-grid spatial index of object boxes, for viewport culling and hit queries. */

/** @typedef {{x: number, y: number, w: number, h: number}} Box */

/** Boxes covering more cells than this are kept in a short list checked on every query. */
const MAX_CELLS = 64

export class SpatialIndex {
  /** @param {number} [cellSize] world units per grid cell */
  constructor (cellSize = 512) {
    this.cellSize = cellSize
    /** @type {Map<string, Set<string>>} cell key -> ids */
    this.cells = new Map()
    /** @type {Map<string, {box: Box, keys: string[] | null}>} id -> entry (keys null: large list) */
    this.entries = new Map()
    /** @type {Set<string>} ids of boxes too large for the grid */
    this.large = new Set()
  }

  /** @param {Box} box @returns {[number, number, number, number]} first and last cell columns and rows */
  span (box) {
    const s = this.cellSize
    return [Math.floor(box.x / s), Math.floor(box.y / s), Math.floor((box.x + box.w) / s), Math.floor((box.y + box.h) / s)]
  }

  /** Adds or moves an entry. @param {string} id @param {Box} box */
  set (id, box) {
    this.delete(id)
    const [x0, y0, x1, y1] = this.span(box)
    if ((x1 - x0 + 1) * (y1 - y0 + 1) > MAX_CELLS) {
      this.large.add(id)
      this.entries.set(id, { box, keys: null })
      return
    }
    const keys = []
    for (let cx = x0; cx <= x1; cx++) {
      for (let cy = y0; cy <= y1; cy++) {
        const key = `${cx},${cy}`
        let cell = this.cells.get(key)
        if (!cell) this.cells.set(key, (cell = new Set()))
        cell.add(id)
        keys.push(key)
      }
    }
    this.entries.set(id, { box, keys })
  }

  /** @param {string} id */
  delete (id) {
    const entry = this.entries.get(id)
    if (!entry) return
    this.entries.delete(id)
    if (entry.keys === null) {
      this.large.delete(id)
      return
    }
    for (const key of entry.keys) {
      const cell = this.cells.get(key)
      cell?.delete(id)
      if (cell?.size === 0) this.cells.delete(key)
    }
  }

  /** @param {string} id @returns {Box | undefined} */
  box (id) {
    return this.entries.get(id)?.box
  }

  /**
   * Ids whose box intersects `area`.
   * @param {Box} area
   * @returns {Set<string>}
   */
  query (area) {
    const found = new Set()
    const [x0, y0, x1, y1] = this.span(area)
    const hits = (/** @type {string} */ id) => {
      const box = /** @type {{box: Box}} */ (this.entries.get(id)).box
      return box.x <= area.x + area.w && area.x <= box.x + box.w && box.y <= area.y + area.h && area.y <= box.y + box.h
    }
    if ((x1 - x0 + 1) * (y1 - y0 + 1) > this.cells.size) {
      for (const [id, entry] of this.entries) if (entry.keys !== null && hits(id)) found.add(id)
    } else {
      for (let cx = x0; cx <= x1; cx++) {
        for (let cy = y0; cy <= y1; cy++) {
          const cell = this.cells.get(`${cx},${cy}`)
          if (cell) for (const id of cell) if (!found.has(id) && hits(id)) found.add(id)
        }
      }
    }
    for (const id of this.large) if (hits(id)) found.add(id)
    return found
  }
}
