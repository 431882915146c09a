/** Undo and redo of the local user's own changes only (the local transaction origin). */

import * as Y from 'yjs'

export class History {
  /**
   * @param {Y.Map<any>} objects
   * @param {any} origin the local transaction origin
   */
  constructor (objects, origin) {
    this.manager = new Y.UndoManager(objects, { trackedOrigins: new Set([origin]), captureTimeout: 400 })
    /** @type {Set<() => void>} */
    this.listeners = new Set()
    for (const name of ['stack-item-added', 'stack-item-popped', 'stack-cleared']) {
      this.manager.on(/** @type {any} */ (name), () => { for (const listener of this.listeners) listener() })
    }
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
