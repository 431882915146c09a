/**
 * Every local change to the board: each is one transaction with the local origin, so the
 * undo manager (history.js) tracks exactly these and nobody else's. Locked objects change only
 * by being unlocked (and get reactions); every other command leaves them as they are.
 */

import * as Y from 'yjs'
import { newId, refusal, sanitize, toYMap } from './codec.js'
import { DEFAULT_BOARD_LIMITS, DEFAULT_SIZE, NOTE_COLORS, REACTIONS, STYLES } from './schema.js'
import { snap } from './geometry.js'

/** @typedef {{x: number, y: number, w: number, h: number}} Box */

export class Commands {
  /**
   * @param {object} options
   * @param {import('./model.js').BoardModel} options.model its document is the one changed
   * @param {any} options.origin
   * @param {{id: string, name: string}} options.user who reacts
   * @param {{id: string, name: string}} options.author what new objects say of who made them
   * @param {{maxObjects: number, maxValueBytes: number}} [options.limits] what the server takes
   * @param {(message: string) => void} [options.notify] says why an object was not added
   */
  constructor ({ model, origin, user, author, limits = DEFAULT_BOARD_LIMITS, notify = () => {} }) {
    this.model = model
    this.origin = origin
    this.user = user
    this.author = author
    this.limits = limits
    this.notify = notify
  }

  /** @param {() => void} fn */
  transact (fn) {
    this.model.doc.transact(fn, this.origin)
  }

  /**
   * Adds an object on top of everything; returns its id, or null if the fields are invalid or
   * the server would refuse it (then `notify` says why).
   * @param {Record<string, any>} fields type and whatever differs from the defaults
   * @returns {string | null}
   */
  create (fields) {
    const size = DEFAULT_SIZE[fields.type] ?? {}
    const plain = sanitize({
      ...size,
      ...fields,
      x: Math.round(fields.x ?? 0),
      y: Math.round(fields.y ?? 0),
      z: this.model.zRange().top + 1,
      author: this.author.name,
      authorId: this.author.id,
      createdAt: Date.now()
    })
    if (!plain) return null
    const refused = refusal(this.model.objects, [plain], this.limits)
    if (refused) {
      this.notify(refused)
      return null
    }
    const id = newId()
    this.transact(() => this.model.objects.set(id, toYMap(plain)))
    return id
  }

  /**
   * Sets fields on several objects in one transaction; locked objects are left as they are.
   * @param {Map<string, Record<string, any>>} changes id -> fields
   */
  updateMany (changes) {
    this.transact(() => {
      for (const [id, fields] of changes) {
        const ymap = this.model.ymap(id)
        if (!ymap || this.model.isLocked(id)) continue
        for (const [key, value] of Object.entries(fields)) if (ymap.get(key) !== value) ymap.set(key, value)
      }
    })
  }

  /** @param {string} id @param {Record<string, any>} fields */
  update (id, fields) {
    this.updateMany(new Map([[id, fields]]))
  }

  /**
   * Moves objects to new top-left corners (rounded).
   * @param {Map<string, {x: number, y: number}>} positions
   */
  move (positions) {
    this.updateMany(new Map([...positions].map(([id, p]) => [id, { x: Math.round(p.x), y: Math.round(p.y) }])))
  }

  /**
   * Gives one object a new box; a drawing's points are scaled with it.
   * @param {string} id
   * @param {Box} box
   */
  resize (id, box) {
    const plain = this.model.get(id)
    if (!plain || plain.type === 'connector') return
    const fields = { x: Math.round(box.x), y: Math.round(box.y), w: Math.max(1, Math.round(box.w)), h: Math.max(1, Math.round(box.h)) }
    if (plain.type === 'drawing') {
      const sx = fields.w / plain.w
      const sy = fields.h / plain.h
      fields.points = plain.points.map((/** @type {number} */ v, /** @type {number} */ i) => Math.round(v * (i % 2 ? sy : sx) * 10) / 10)
    }
    this.update(id, fields)
  }

  /**
   * Deletes the unlocked objects among `ids` and the connectors that end at them (locked ones
   * too: a connector goes with its ends).
   * @param {Iterable<string>} ids
   * @returns {number} how many of `ids` were kept because they are locked
   */
  remove (ids) {
    const wanted = [...ids]
    const all = new Set(wanted.filter((id) => !this.model.isLocked(id)))
    for (const id of [...all]) for (const connector of this.model.links.get(id) ?? []) all.add(connector)
    if (all.size) this.transact(() => { for (const id of all) this.model.objects.delete(id) })
    return wanted.filter((id) => !all.has(id) && this.model.isLocked(id)).length
  }

  /**
   * Locks or unlocks objects in one transaction; unlocking removes the field.
   * @param {Iterable<string>} ids
   * @param {boolean} locked
   * @returns {number} how many objects changed
   */
  setLocked (ids, locked) {
    const changing = [...ids].filter((id) => this.model.get(id) && this.model.isLocked(id) !== locked)
    if (changing.length) this.transact(() => {
      for (const id of changing) {
        const ymap = /** @type {Y.Map<any>} */ (this.model.ymap(id))
        if (locked) ymap.set('locked', true)
        else ymap.delete('locked')
      }
    })
    return changing.length
  }

  /**
   * Restacks objects above (or below) everything else, keeping their order among themselves.
   * @param {Iterable<string>} ids
   * @param {'front' | 'back'} where
   */
  restack (ids, where) {
    const list = [...ids].filter((id) => this.model.get(id) && !this.model.isLocked(id))
      .sort((a, b) => /** @type {any} */ (this.model.get(a)).z - /** @type {any} */ (this.model.get(b)).z)
    const { top, bottom } = this.model.zRange()
    const base = where === 'front' ? top + 1 : bottom - list.length
    this.updateMany(new Map(list.map((id, i) => [id, { z: base + i }])))
  }

  /**
   * Snaps the top-left corner (and size) of each object to the grid.
   * @param {Iterable<string>} ids
   * @param {number} grid
   */
  alignToGrid (ids, grid) {
    const changes = new Map()
    for (const id of ids) {
      const plain = this.model.get(id)
      if (!plain || plain.type === 'connector' || plain.type === 'drawing') continue
      changes.set(id, {
        x: snap(plain.x, grid), y: snap(plain.y, grid), w: Math.max(grid, snap(plain.w, grid)), h: Math.max(grid, snap(plain.h, grid))
      })
    }
    this.updateMany(changes)
  }

  /**
   * Colours the notes and shapes among `ids`.
   * @param {Iterable<string>} ids
   * @param {string} color one of NOTE_COLORS
   */
  setColor (ids, color) {
    if (!NOTE_COLORS.includes(color)) return
    const changes = new Map()
    for (const id of ids) {
      const type = this.model.get(id)?.type
      if (type === 'note' || type === 'shape') changes.set(id, { color })
    }
    this.updateMany(changes)
  }

  /**
   * Sets a style (see STYLES) on the objects among `ids` whose type has it, in one transaction.
   * @param {Iterable<string>} ids
   * @param {keyof typeof STYLES} style
   * @param {string | number} value one of the style's values
   */
  setStyle (ids, style, value) {
    const { field, types, values } = STYLES[style]
    if (!values.includes(value)) return
    const changes = new Map()
    for (const id of ids) {
      if (types.includes(this.model.get(id)?.type)) changes.set(id, { [field]: value })
    }
    this.updateMany(changes)
  }

  /**
   * Adds or removes the local user's reaction on a note.
   * @param {string} id
   * @param {string} emoji
   */
  toggleReaction (id, emoji) {
    const ymap = this.model.ymap(id)
    if (!ymap || this.model.get(id)?.type !== 'note' || !REACTIONS.includes(emoji)) return
    const key = `${this.user.id} ${emoji}`
    this.transact(() => {
      let reactions = ymap.get('reactions')
      if (!(reactions instanceof Y.Map)) ymap.set('reactions', (reactions = new Y.Map()))
      if (reactions.has(key)) reactions.delete(key)
      else reactions.set(key, 1)
    })
  }
}
