/** The local selection: a set of object ids, shared through awareness and shown by the renderer. */

export class Selection {
  /** @param {import('./model.js').BoardModel} model */
  constructor (model) {
    this.model = model
    /** @type {Set<string>} */
    this.ids = new Set()
    /** @type {Set<(ids: Set<string>) => void>} */
    this.listeners = new Set()
    model.onChange((changed) => {
      const gone = [...this.ids].filter((id) => changed.has(id) && !model.get(id))
      if (gone.length) this.set([...this.ids].filter((id) => !gone.includes(id)))
    })
  }

  /** @param {(ids: Set<string>) => void} listener */
  onChange (listener) {
    this.listeners.add(listener)
  }

  /** @param {Iterable<string>} ids */
  set (ids) {
    const next = new Set([...ids].filter((id) => this.model.get(id)))
    if (next.size === this.ids.size && [...next].every((id) => this.ids.has(id))) return
    this.ids = next
    for (const listener of this.listeners) listener(this.ids)
  }

  /** @param {string} id */
  has (id) {
    return this.ids.has(id)
  }

  /** @param {string} id */
  toggle (id) {
    const next = new Set(this.ids)
    if (next.has(id)) next.delete(id)
    else next.add(id)
    this.set(next)
  }

  clear () {
    this.set([])
  }

  get size () {
    return this.ids.size
  }

  /** @returns {string | null} the id when exactly one object is selected */
  get single () {
    return this.ids.size === 1 ? [...this.ids][0] : null
  }
}
