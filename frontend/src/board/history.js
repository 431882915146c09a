/** Undo and redo of the local user's own changes only (the local transaction origin). */

import * as Y from 'yjs'

export class History {
  /**
   * @param {Y.Map<any>} objects
   * @param {any} origin the local transaction origin
   */
  constructor (objects, origin) {
    this.origin = origin
    /** @type {Set<() => void>} */
    this.listeners = new Set()
    this.manager = this.track(objects)
  }

  /** @param {Y.Map<any>} objects @returns {Y.UndoManager} */
  track (objects) {
    const manager = new Y.UndoManager(objects, { trackedOrigins: new Set([this.origin]), captureTimeout: 400 })
    for (const name of ['stack-item-added', 'stack-item-popped', 'stack-cleared']) {
      manager.on(/** @type {any} */ (name), () => { for (const listener of this.listeners) listener() })
    }
    return manager
  }

  /**
   * Starts afresh on another document's objects (the board's fresh copy after a resync).
   * @param {Y.Map<any>} objects
   */
  bind (objects) {
    this.manager.destroy()
    this.manager = this.track(objects)
    for (const listener of this.listeners) listener()
  }

  /** @param {() => void} listener called when what can be undone or redone changes */
  onChange (listener) {
    this.listeners.add(listener)
  }

  get canUndo () {
    return this.manager.undoStack.length > 0
  }

  get canRedo () {
    return this.manager.redoStack.length > 0
  }

  undo () {
    this.manager.undo()
  }

  redo () {
    this.manager.redo()
  }

  /** Ends the current undo step, so the next change starts a new one (e.g. a new drag). */
  cut () {
    this.manager.stopCapturing()
  }
}
