/** The sticky-note board: renders the shared `objects` map and handles editing gestures. */

import * as Y from 'yjs'
import { DEFAULT_NOTE_COLOR, safeHexColor, safeNoteColor } from './colors.js'
import { bindTextarea } from './text-binding.js'

const NOTE_WIDTH = 200
const NOTE_HEIGHT = 160

/** Minimum interval between two position writes while dragging a note. */
const MOVE_INTERVAL_MS = 50
/** Offset (px) between notes added at the same spot. */
const STACK_STEP = 24
/** Pointer travel (px) below which a press counts as a click rather than a drag. */
const CLICK_SLOP = 4
/** Distance (px) the arrow keys move the selected note; Shift multiplies it. */
const KEY_STEP = 10

/** @returns {string} a random 128-bit hex id; works outside secure contexts too */
function randomId () {
  const bytes = crypto.getRandomValues(new Uint8Array(16))
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('')
}

/** @param {unknown} value @param {number} fallback */
const finiteOr = (value, fallback) => (typeof value === 'number' && Number.isFinite(value) ? value : fallback)

/** @param {EventTarget | null} target */
const isTextEntry = (target) =>
  target instanceof HTMLElement &&
  (target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName))

/**
 * @typedef {object} NoteView
 * @property {HTMLElement} element
 * @property {HTMLTextAreaElement} textarea
 * @property {HTMLElement} author
 * @property {HTMLElement} selectedBy
 * @property {Y.Text | null} ytext
 * @property {(() => void) | null} unbind
 */

export class Board {
  /**
   * @param {object} options
   * @param {HTMLElement} options.surface the `board` element
   * @param {HTMLElement | null} options.emptyHint shown while the board has no notes
   * @param {Y.Doc} options.doc
   * @param {import('y-protocols/awareness').Awareness} options.awareness
   * @param {import('./presence.js').LocalPresence} options.presence
   * @param {{id: string, name: string}} options.user
   * @param {boolean} options.canEdit
   */
  constructor ({ surface, emptyHint, doc, awareness, presence, user, canEdit }) {
    this.surface = surface
    this.emptyHint = emptyHint
    this.doc = doc
    this.objects = doc.getMap('objects')
    this.awareness = awareness
    this.presence = presence
    this.user = user
    this.canEdit = canEdit

    /** @type {Map<string, NoteView>} */
    this.views = new Map()
    /** @type {string | null} */
    this.selectedId = null
    this.color = DEFAULT_NOTE_COLOR
    this.pan = { x: 0, y: 0 }
    /**
     * The pointer gesture in progress: panning the board, or dragging note `id` (now at `x`, `y`).
     * @type {null | {kind: 'pan' | 'drag', id: string, startX: number, startY: number, originX: number, originY: number, x: number, y: number, moved: boolean}}
     */
    this.gesture = null
    this.moveTimer = 0
    /** @type {Set<string>} notes currently highlighted as selected by others */
    this.remoteSelected = new Set()
    /** @type {HTMLButtonElement | null} */
    this.deleteButton = null
    /** @type {HTMLElement[]} */
    this.colorButtons = []

    this.layer = document.createElement('div')
    this.layer.className = 'board-layer'
    this.noteLayer = document.createElement('div')
    this.noteLayer.className = 'note-layer'
    /** Overlay for content that should draw above every note (remote cursors). */
    this.overlay = document.createElement('div')
    this.overlay.className = 'board-overlay'
    this.layer.append(this.noteLayer, this.overlay)
    surface.append(this.layer)

    this.objects.observeDeep((events) => this.onObjectsChanged(events))
    awareness.on('change', () => this.renderRemoteSelections())
    this.listen()
    this.objects.forEach((_, id) => this.syncNote(id))
    this.updateEmptyHint()
  }

  // ---- toolbar ----

  /**
   * Wires the toolbar controls; any of them may be absent (observers get no toolbar).
   * @param {{addButton: HTMLElement | null, deleteButton: HTMLButtonElement | null, colorButtons: HTMLElement[]}} toolbar
   */
  attachToolbar ({ addButton, deleteButton, colorButtons }) {
    this.deleteButton = deleteButton
    this.colorButtons = colorButtons
    addButton?.addEventListener('click', () => this.addNoteInView())
    deleteButton?.addEventListener('click', () => this.deleteSelected())
    for (const button of colorButtons) {
      button.addEventListener('click', () => this.chooseColor(safeNoteColor(button.dataset.color)))
    }
    this.updateToolbar()
  }

  /** @param {string} color */
  chooseColor (color) {
    this.color = color
    const note = this.selectedNote()
    if (note && this.canEdit) note.set('color', color)
    this.updateToolbar()
  }

  updateToolbar () {
    if (this.deleteButton) this.deleteButton.disabled = !this.canEdit || this.selectedId === null
    const note = this.selectedNote()
    const active = note ? safeNoteColor(note.get('color')) : this.color
    for (const button of this.colorButtons) {
      button.setAttribute('aria-pressed', String(button.dataset.color === active))
    }
  }

  // ---- model ----

  /** @returns {Y.Map<any> | null} */
  selectedNote () {
    const note = this.selectedId === null ? null : this.objects.get(this.selectedId)
    return note instanceof Y.Map ? note : null
  }

  /** @param {string | null} [exceptId] @returns {number} the highest z on the board */
  topZ (exceptId = null) {
    let top = 0
    this.objects.forEach((note, id) => {
      if (id !== exceptId && note instanceof Y.Map) top = Math.max(top, finiteOr(note.get('z'), 0))
    })
    return top
  }

  /**
   * Creates a note with its top-left corner at the given board coordinates and selects it.
   * @param {number} x
   * @param {number} y
   */
  createNote (x, y) {
    if (!this.canEdit) return
    const id = randomId()
    const note = new Y.Map()
    this.doc.transact(() => {
      this.objects.set(id, note)
      note.set('type', 'note')
      note.set('x', Math.round(x))
      note.set('y', Math.round(y))
      note.set('w', NOTE_WIDTH)
      note.set('h', NOTE_HEIGHT)
      note.set('color', this.color)
      note.set('text', new Y.Text())
      note.set('author', this.user.name)
      note.set('authorId', this.user.id)
      note.set('createdAt', Date.now())
      note.set('z', this.topZ() + 1)
    })
    this.select(id)
    this.views.get(id)?.textarea.focus()
  }

  /** Adds a note near the centre of the visible part of the board, staggering repeated adds. */
  /** Add a note at the centre of the view, stepping aside from notes already there. */
  addNoteInView () {
    const x = this.surface.clientWidth / 2 - this.pan.x - NOTE_WIDTH / 2
    const y = this.surface.clientHeight / 2 - this.pan.y - NOTE_HEIGHT / 2
    const spots = [...this.objects.values()]
      .filter((value) => value instanceof Y.Map)
      .map((note) => [finiteOr(note.get('x'), NaN), finiteOr(note.get('y'), NaN)])
    const taken = (px, py) => spots.some(([nx, ny]) => Math.abs(nx - px) < 12 && Math.abs(ny - py) < 12)
    let step = 0
    while (step < 40 && taken(x + step * STACK_STEP, y + step * STACK_STEP)) step++
    this.createNote(x + step * STACK_STEP, y + step * STACK_STEP)
  }

  deleteSelected () {
    if (!this.canEdit || this.selectedId === null) return
    this.objects.delete(this.selectedId)
    this.select(null)
    this.surface.focus({ preventScroll: true })
  }

  /** @param {string} id */
  bringToFront (id) {
    const note = this.objects.get(id)
    if (!(note instanceof Y.Map)) return
    const top = this.topZ(id)
    if (finiteOr(note.get('z'), 0) <= top) note.set('z', top + 1)
  }

  /**
   * @param {string} id
   * @param {number} x
   * @param {number} y
   */
  moveNote (id, x, y) {
    const note = this.objects.get(id)
    if (!(note instanceof Y.Map)) return
    this.doc.transact(() => {
      note.set('x', Math.round(x))
      note.set('y', Math.round(y))
    })
  }

  // ---- rendering ----

  /** @param {Array<Y.YEvent<any>>} events */
  onObjectsChanged (events) {
    const ids = new Set()
    for (const event of events) {
      if (event.target === this.objects) {
        event.changes.keys.forEach((_, key) => ids.add(key))
      } else {
        ids.add(/** @type {string} */ (event.path[0]))
      }
    }
    ids.forEach((id) => this.syncNote(id))
    if (this.selectedId !== null && !this.objects.has(this.selectedId)) this.select(null)
    this.updateEmptyHint()
    this.updateToolbar()
    this.renderRemoteSelections()
  }

  /** Creates, updates or removes the element of one object so it matches the document. */
  syncNote (id) {
    const note = this.objects.get(id)
    if (!(note instanceof Y.Map) || note.get('type') !== 'note') {
      this.removeView(id)
      return
    }
    const view = this.views.get(id) ?? this.createView(id)
    const { element } = view
    if (!(this.gesture?.kind === 'drag' && this.gesture.id === id)) {
      element.style.left = `${finiteOr(note.get('x'), 0)}px`
      element.style.top = `${finiteOr(note.get('y'), 0)}px`
    }
    element.style.width = `${Math.max(80, finiteOr(note.get('w'), NOTE_WIDTH))}px`
    element.style.height = `${Math.max(60, finiteOr(note.get('h'), NOTE_HEIGHT))}px`
    element.style.zIndex = String(Math.max(0, Math.min(1e6, Math.round(finiteOr(note.get('z'), 0)))))
    element.dataset.color = safeNoteColor(note.get('color'))
    const author = typeof note.get('author') === 'string' ? note.get('author') : ''
    view.author.textContent = author
    element.setAttribute('aria-label', author ? `Note by ${author}` : 'Note')

    const ytext = note.get('text')
    if (ytext !== view.ytext) {
      view.unbind?.()
      view.ytext = ytext instanceof Y.Text ? ytext : null
      view.unbind = view.ytext ? bindTextarea(view.textarea, view.ytext) : null
      if (!view.ytext) view.textarea.value = ''
    }
  }

  /** @param {string} id */
  createView (id) {
    const element = document.createElement('article')
    element.className = 'note'
    element.dataset.testid = 'note'
    element.dataset.id = id
    element.tabIndex = 0

    const header = document.createElement('header')
    header.className = 'note-header'
    const author = document.createElement('span')
    author.className = 'note-author'
    const selectedBy = document.createElement('span')
    selectedBy.className = 'note-selected-by'
    selectedBy.hidden = true
    header.append(author, selectedBy)

    const textarea = document.createElement('textarea')
    textarea.className = 'note-text'
    textarea.dataset.testid = 'note-text'
    textarea.setAttribute('aria-label', 'Note text')
    textarea.spellcheck = true
    textarea.readOnly = !this.canEdit
    if (this.canEdit) textarea.placeholder = 'Type an idea…'

    element.append(header, textarea)
    this.noteLayer.append(element)
    /** @type {NoteView} */
    const view = { element, textarea, author, selectedBy, ytext: null, unbind: null }
    this.views.set(id, view)
    return view
  }

  /** @param {string} id */
  removeView (id) {
    const view = this.views.get(id)
    if (!view) return
    view.unbind?.()
    view.element.remove()
    this.views.delete(id)
    this.remoteSelected.delete(id)
  }

  updateEmptyHint () {
    if (this.emptyHint) this.emptyHint.hidden = this.views.size > 0
  }

  /** @param {string | null} id */
  select (id) {
    if (id === this.selectedId) return
    if (this.selectedId !== null) this.views.get(this.selectedId)?.element.classList.remove('is-selected')
    this.selectedId = id
    if (id !== null) this.views.get(id)?.element.classList.add('is-selected')
    this.presence.setSelection(id === null ? [] : [id])
    this.updateToolbar()
  }

  /** Outlines notes that other people have selected, labelled with their names. */
  renderRemoteSelections () {
    /** @type {Map<string, Array<{name: string, color: string}>>} */
    const byNote = new Map()
    this.awareness.getStates().forEach((state, clientId) => {
      if (clientId === this.awareness.clientID || !Array.isArray(state?.selection)) return
      const name = typeof state.user?.name === 'string' ? state.user.name : 'Someone'
      const color = safeHexColor(state.user?.color)
      for (const id of state.selection) {
        if (typeof id !== 'string' || !this.views.has(id)) continue
        const people = byNote.get(id) ?? []
        if (!people.some((person) => person.name === name)) people.push({ name, color })
        byNote.set(id, people)
      }
    })
    for (const id of this.remoteSelected) {
      if (!byNote.has(id)) this.clearRemoteSelection(id)
    }
    byNote.forEach((people, id) => {
      const view = /** @type {NoteView} */ (this.views.get(id))
      view.element.classList.add('is-remote-selected')
      view.element.style.setProperty('--remote-color', people[0].color)
      view.selectedBy.hidden = false
      view.selectedBy.textContent = people.map((person) => person.name).join(', ')
    })
    this.remoteSelected = new Set(byNote.keys())
  }

  /** @param {string} id */
  clearRemoteSelection (id) {
    const view = this.views.get(id)
    if (!view) return
    view.element.classList.remove('is-remote-selected')
    view.element.style.removeProperty('--remote-color')
    view.selectedBy.hidden = true
    view.selectedBy.textContent = ''
  }

  applyPan () {
    this.layer.style.transform = `translate(${this.pan.x}px, ${this.pan.y}px)`
    this.surface.style.backgroundPosition = `${this.pan.x}px ${this.pan.y}px`
  }

  /**
   * @param {number} clientX
   * @param {number} clientY
   * @returns {{x: number, y: number}} board coordinates
   */
  toBoard (clientX, clientY) {
    const rect = this.surface.getBoundingClientRect()
    return {
      x: Math.round(clientX - rect.left - this.surface.clientLeft - this.pan.x),
      y: Math.round(clientY - rect.top - this.surface.clientTop - this.pan.y)
    }
  }

  // ---- input ----

  listen () {
    const surface = this.surface
    surface.addEventListener('pointerdown', (event) => this.onPointerDown(event))
    surface.addEventListener('pointermove', (event) => this.onPointerMove(event))
    surface.addEventListener('pointerup', (event) => this.onPointerUp(event))
    surface.addEventListener('pointercancel', (event) => this.onPointerUp(event))
    surface.addEventListener('pointerleave', () => this.presence.setCursor(null))
    surface.addEventListener('dblclick', (event) => {
      if (this.noteIdAt(event.target) !== null) return
      const { x, y } = this.toBoard(event.clientX, event.clientY)
      this.createNote(x, y)
    })
    surface.addEventListener('wheel', (event) => {
      if (isTextEntry(event.target)) return
      event.preventDefault()
      this.pan.x -= event.deltaX
      this.pan.y -= event.deltaY
      this.applyPan()
    }, { passive: false })
    surface.addEventListener('focusin', (event) => {
      const id = this.noteIdAt(event.target)
      if (id !== null) this.select(id)
    })
    document.addEventListener('keydown', (event) => this.onKeyDown(event))
  }

  /** @param {EventTarget | null} target @returns {string | null} id of the note containing it */
  noteIdAt (target) {
    const note = target instanceof Element ? target.closest('.note') : null
    return note instanceof HTMLElement && note.dataset.id ? note.dataset.id : null
  }

  /** @param {PointerEvent} event */
  onPointerDown (event) {
    if (event.button !== 0 || this.gesture) return
    const id = this.noteIdAt(event.target)
    if (id !== null) {
      this.select(id)
      if (event.target instanceof HTMLTextAreaElement) return
      this.views.get(id)?.element.focus({ preventScroll: true })
      if (!this.canEdit) return
      const note = this.objects.get(id)
      const x = finiteOr(note.get('x'), 0)
      const y = finiteOr(note.get('y'), 0)
      this.gesture = { kind: 'drag', id, startX: event.clientX, startY: event.clientY, originX: x, originY: y, x, y, moved: false }
    } else {
      const { x, y } = this.pan
      this.gesture = { kind: 'pan', id: '', startX: event.clientX, startY: event.clientY, originX: x, originY: y, x, y, moved: false }
    }
    this.surface.setPointerCapture(event.pointerId)
  }

  /** @param {PointerEvent} event */
  onPointerMove (event) {
    this.presence.setCursor(this.toBoard(event.clientX, event.clientY))
    const gesture = this.gesture
    if (!gesture) return
    const dx = event.clientX - gesture.startX
    const dy = event.clientY - gesture.startY
    if (!gesture.moved && Math.hypot(dx, dy) < CLICK_SLOP) return
    if (!gesture.moved) {
      gesture.moved = true
      this.surface.classList.add(gesture.kind === 'pan' ? 'is-panning' : 'is-dragging')
      if (gesture.kind === 'drag') this.bringToFront(gesture.id)
    }
    if (gesture.kind === 'pan') {
      this.pan = { x: gesture.originX + dx, y: gesture.originY + dy }
      this.applyPan()
    } else {
      gesture.x = Math.round(gesture.originX + dx)
      gesture.y = Math.round(gesture.originY + dy)
      const element = this.views.get(gesture.id)?.element
      if (element) {
        element.style.left = `${gesture.x}px`
        element.style.top = `${gesture.y}px`
      }
      if (!this.moveTimer) this.moveTimer = window.setTimeout(() => this.commitDrag(), MOVE_INTERVAL_MS)
    }
  }

  /** @param {PointerEvent} event */
  onPointerUp (event) {
    const gesture = this.gesture
    if (!gesture) return
    if (gesture.kind === 'drag' && gesture.moved) this.commitDrag()
    if (gesture.kind === 'pan' && !gesture.moved) this.select(null)
    this.gesture = null
    this.surface.classList.remove('is-panning', 'is-dragging')
    if (this.surface.hasPointerCapture(event.pointerId)) this.surface.releasePointerCapture(event.pointerId)
  }

  /** Writes the dragged note's latest position to the document. */
  commitDrag () {
    window.clearTimeout(this.moveTimer)
    this.moveTimer = 0
    const gesture = this.gesture
    if (gesture?.kind === 'drag') this.moveNote(gesture.id, gesture.x, gesture.y)
  }

  /** @param {KeyboardEvent} event */
  onKeyDown (event) {
    const editingId = event.target instanceof HTMLTextAreaElement ? this.noteIdAt(event.target) : null
    if (event.key === 'Escape' && editingId !== null) {
      this.views.get(editingId)?.element.focus()
      return
    }
    if (isTextEntry(event.target) || this.selectedId === null || event.ctrlKey || event.metaKey || event.altKey) return
    const view = this.views.get(this.selectedId)
    const onNote = event.target === view?.element
    if (event.key === 'Escape') {
      this.select(null)
    } else if (event.key === 'Enter' && onNote) {
      event.preventDefault()
      view.textarea.focus()
    } else if (this.canEdit && (event.key === 'Delete' || event.key === 'Backspace')) {
      event.preventDefault()
      this.deleteSelected()
    } else if (this.canEdit && event.key.startsWith('Arrow') && onNote) {
      event.preventDefault()
      const step = event.shiftKey ? KEY_STEP * 5 : KEY_STEP
      const note = this.selectedNote()
      if (!note) return
      const dx = { ArrowLeft: -step, ArrowRight: step }[event.key] ?? 0
      const dy = { ArrowUp: -step, ArrowDown: step }[event.key] ?? 0
      this.moveNote(this.selectedId, finiteOr(note.get('x'), 0) + dx, finiteOr(note.get('y'), 0) + dy)
    }
  }
}

