/**
 * Undo and redo of the local user's own changes only (the local transaction origin). A step
 * never changes an object that someone locked after it was taken: such a step is dropped.
 */

import * as Y from 'yjs'
import { t } from '../i18n.js'

/** @param {unknown} value a value of the `objects` map @returns {boolean} */
const isLocked = (value) => value instanceof Y.Map && value.get('locked') === true

export class History {
  /**
   * @param {Y.Map<any>} objects
   * @param {any} origin the local transaction origin
   * @param {(message: string) => void} [notify] says why a step was dropped
   */
  constructor (objects, origin, notify = () => {}) {
    this.origin = origin
    this.notify = notify
    /** @type {Set<() => void>} */
    this.listeners = new Set()
    this.manager = this.track(objects)
  }

  /** @param {Y.Map<any>} objects @returns {Y.UndoManager} */
  track (objects) {
    this.objects = objects
    const manager = new Y.UndoManager(objects, { trackedOrigins: new Set([this.origin]), captureTimeout: 400 })
    for (const name of ['stack-item-added', 'stack-item-popped', 'stack-cleared']) {
      manager.on(/** @type {any} */ (name), () => { for (const listener of this.listeners) listener() })
    }
    manager.on('stack-item-added', (event) => this.record(event))
    manager.on('stack-item-updated', (event) => this.record(event))
    return manager
  }

  /**
   * Notes on a step the objects it edits (creates, deletes or changes, reactions aside) and
   * those whose lock it owns: it changes their lock, or leaves them locked.
   * @param {{stackItem: {meta: Map<any, any>}, changedParentTypes: Map<Y.AbstractType<any>, Array<Y.YEvent<any>>>}} event
   */
  record ({ stackItem, changedParentTypes }) {
    /** @type {Set<string>} */
    const edits = stackItem.meta.get('edits') ?? new Set()
    /** @type {Set<string>} */
    const locks = stackItem.meta.get('locks') ?? new Set()
    for (const event of changedParentTypes.get(this.objects) ?? []) {
      /** @type {Iterable<string>} */
      let fields = event instanceof Y.YMapEvent ? event.keysChanged : []
      if (event.target === this.objects) {
        for (const id of fields) edits.add(id)
        continue
      }
      // Up to the object's own map, noting the field the change lies under.
      let type = event.target
      while (type._item && type._item.parent !== this.objects) {
        fields = [String(type._item.parentSub)]
        type = /** @type {Y.AbstractType<any>} */ (type._item.parent)
      }
      const id = type._item?.parentSub
      if (!id) continue
      for (const field of fields) {
        if (field === 'locked') locks.add(id)
        else if (field !== 'reactions') edits.add(id)
      }
    }
    for (const id of edits) if (isLocked(this.objects.get(id))) locks.add(id)
    stackItem.meta.set('edits', edits)
    stackItem.meta.set('locks', locks)
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
    if (this.allowed(this.manager.undoStack, 'undo')) this.manager.undo()
  }

  redo () {
    if (this.allowed(this.manager.redoStack, 'redo')) this.manager.redo()
  }

  /**
   * Whether the next step on `stack` may run. One that would change an object locked since
   * (other than by taking back its own lock) is dropped instead, and the user told why.
   * @param {Array<{meta: Map<any, any>}>} stack
   * @param {'undo' | 'redo'} action
   */
  allowed (stack, action) {
    const step = stack[stack.length - 1]
    if (!step) return false
    /** @type {Set<string>} */
    const locks = step.meta.get('locks') ?? new Set()
    const edits = [...(step.meta.get('edits') ?? [])]
    if (!edits.some((id) => !locks.has(id) && isLocked(this.objects.get(id)))) return true
    stack.pop()
    this.notify(action === 'undo'
      ? t('Undo skipped a step: it would change an object that is locked now.')
      : t('Redo skipped a step: it would change an object that is locked now.'))
    for (const listener of this.listeners) listener()
    return false
  }

  /** Ends the current undo step, so the next change starts a new one (e.g. a new drag). */
  cut () {
    this.manager.stopCapturing()
  }
}
