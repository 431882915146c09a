/**
 * The ideation board: wires the document mirror, the viewport, rendering, selection, tools,
 * history, clipboard, keyboard and presence together, and exposes the board's API
 * (`window.coworking.board`).
 */

import { BoardModel } from './model.js'
import { Viewport, ZOOM_STEP } from './viewport.js'
import { Renderer } from './renderer.js'
import { Selection } from './selection.js'
import { Commands } from './commands.js'
import { History } from './history.js'
import { Tools } from './tools.js'
import { unionBox } from './geometry.js'
import { DEFAULT_BOARD_LIMITS, DEFAULT_SIZE, STYLES, TEXT_FIELDS } from './schema.js'
import { textTooLong, textTooLongMessage } from './codec.js'
import { uploadImage } from './media.js'
import { t, tn } from '../i18n.js'

/** @typedef {{x: number, y: number, w: number, h: number}} Box */
/** @typedef {{x: number, y: number, zoom: number}} View */

/** Width an inserted image gets. */
const IMAGE_WIDTH = 320
/** Offset between notes added at the same spot. */
const STACK_STEP = 24

export class Board {
  /**
   * @param {object} options
   * @param {HTMLElement} options.surface the `board` element
   * @param {import('yjs').Doc} options.doc
   * @param {import('../presence.js').LocalPresence} options.presence
   * @param {{id: string, name: string, color: string}} options.user
   * @param {boolean} options.canEdit
   * @param {boolean} [options.canLock] whether this person locks and unlocks objects (facilitators)
   * @param {boolean} options.anonymous
   * @param {string} options.slug
   * @param {(message: string) => void} options.notify shows a message to the user
   */
  constructor ({ surface, doc, presence, user, canEdit, canLock = false, anonymous, slug, notify }) {
    this.surface = surface
    this.presence = presence
    this.user = user
    /** Authorship stamped on new objects: nobody's in an anonymous room. */
    this.author = anonymous ? { id: '', name: '' } : { id: user.id, name: user.name }
    this.canEdit = canEdit
    this.canLock = canEdit && canLock
    this.slug = slug
    this.notify = notify
    /** The origin of every local transaction: the only one undo tracks. */
    this.origin = { local: user.id }
    this.noteColor = 'yellow'
    this.shapeColor = 'blue'
    /** @type {Record<string, string | number>} the styles new objects get, by STYLES name */
    this.style = Object.fromEntries(Object.entries(STYLES).map(([name, s]) => [name, s.initial]))
    this.snapToGrid = false
    /** What the server takes (board.limits); the board shows at most `maxObjects` objects. */
    this.limits = { ...DEFAULT_BOARD_LIMITS }

    this.world = document.createElement('div')
    this.world.className = 'board-world'
    surface.prepend(this.world)

    this.model = new BoardModel(doc, this.limits.maxObjects)
    this.viewport = new Viewport(surface, this.world)
    this.renderer = new Renderer({
      surface,
      world: this.world,
      model: this.model,
      viewport: this.viewport,
      context: { canEdit, anonymous, userId: user.id, origin: this.origin, acceptText: (text) => this.acceptText(text) }
    })
    /** Layer above every object, in world units (remote cursors). */
    this.overlay = document.createElement('div')
    this.overlay.className = 'board-overlay'
    this.world.append(this.overlay)
    this.selection = new Selection(this.model)
    this.commands = new Commands({
      model: this.model, origin: this.origin, user, author: this.author, limits: this.limits, notify
    })
    this.history = new History(this.model.objects, this.origin, notify)
    this.tools = new Tools(this)
    /** Says, while it is so, that the board holds more objects than it shows. */
    this.notice = document.createElement('p')
    this.notice.className = 'board-notice'
    this.notice.dataset.testid = 'board-notice'
    this.notice.setAttribute('role', 'status')
    this.notice.hidden = true
    surface.after(this.notice)
    this.model.onChange(() => this.updateNotice())
    this.updateNotice()

    this.selection.onChange((ids) => {
      this.renderer.setSelection(ids)
      presence.setSelection([...ids])
    })
    this.viewport.onChange(() => presence.setView(this.viewport.get()))
    presence.setView(this.viewport.get())
    this.rendered = false
    this.listen()
  }

  /** @returns {import('yjs').Doc} the board's document */
  get doc () {
    return this.model.doc
  }

  /**
   * Shows another copy of the board (the server's, after it refused a change) in place of the
   * current one; undo starts afresh.
   * @param {import('yjs').Doc} doc
   */
  bind (doc) {
    this.model.bind(doc)
    this.renderer.rebindTexts()
    this.history.bind(this.model.objects)
  }

  /**
   * Takes the limits the server announces (board.limits).
   * @param {Partial<{maxObjects: number, maxValueBytes: number}>} limits
   */
  setLimits ({ maxObjects = this.limits.maxObjects, maxValueBytes = this.limits.maxValueBytes }) {
    Object.assign(this.limits, { maxObjects, maxValueBytes })
    if (maxObjects !== this.model.limit) this.model.setLimit(maxObjects)
  }

  updateNotice () {
    const text = this.model.truncated
      ? tn('This board holds more objects than it can show: only the first {count} is shown.',
        'This board holds more objects than it can show: only the first {count} are shown.', this.model.limit)
      : ''
    if (text === this.notice.textContent) return
    this.notice.textContent = text
    this.notice.hidden = !text
  }

  /**
   * Whether a text typed into an object fits what the server takes; says so when it does not.
   * @param {string} text
   */
  acceptText (text) {
    if (!textTooLong(text, this.limits)) return true
    this.notify(textTooLongMessage(this.limits))
    return false
  }

  listen () {
    this.surface.addEventListener('focusin', (event) => {
      const element = event.target instanceof Element ? event.target.closest('.board-object') : null
      const id = element instanceof HTMLElement ? element.dataset.id : undefined
      if (id && !this.selection.has(id)) this.selection.set([id])
    })
    this.surface.addEventListener('click', (event) => {
      const button = event.target instanceof Element ? event.target.closest('.reaction') : null
      const element = button?.closest('.board-object')
      if (button instanceof HTMLElement && element instanceof HTMLElement && this.canEdit) {
        this.commands.toggleReaction(/** @type {string} */ (element.dataset.id), /** @type {string} */ (button.dataset.reaction))
      }
    })
    this.surface.addEventListener('keydown', (event) => {
      const field = event.target
      if (!(field instanceof HTMLElement) || !field.classList.contains('object-text')) return
      if (event.key === 'Escape' || (event.key === 'Enter' && field instanceof HTMLInputElement)) {
        event.preventDefault()
        event.stopPropagation()
        const element = /** @type {HTMLElement} */ (field.closest('.board-object'))
        element.focus({ preventScroll: true })
      }
    })
    this.surface.addEventListener('dragover', (event) => {
      if (this.canEdit && event.dataTransfer?.types.includes('Files')) event.preventDefault()
    })
    this.surface.addEventListener('drop', (event) => {
      const files = [...(event.dataTransfer?.files ?? [])].filter((file) => file.type.startsWith('image/'))
      if (!this.canEdit || !files.length) return
      event.preventDefault()
      const point = this.viewport.toWorld(event.clientX, event.clientY)
      files.forEach((file, i) => this.insertImage(file, { x: point.x + i * STACK_STEP, y: point.y + i * STACK_STEP }))
    })
  }

  /** Called when the board document has synced: renders, then reports it on the body. */
  synced () {
    if (this.rendered) return
    this.rendered = true
    const content = unionBox([...this.model.plain.keys()].map((id) => this.model.box(id)).filter((box) => box !== undefined))
    const visible = this.viewport.visibleBox()
    if (content && this.model.index.query(visible).size === 0) this.viewport.fit(content, 'program')
    this.renderer.render()
    document.body.dataset.boardRendered = 'true'
  }

  // ---- view ----

  /** @param {Partial<View>} view the world point at the centre of the board, and the zoom */
  setView (view) {
    this.viewport.set(view, 'user')
  }

  /** @returns {View} */
  getView () {
    return this.viewport.get()
  }

  /** @returns {number} objects with a DOM element now */
  renderedCount () {
    return this.renderer.renderedCount()
  }

  /** @returns {Box | null} everything on the board */
  contentBox () {
    return unionBox([...this.model.plain.keys()].map((id) => this.model.box(id)).filter((box) => box !== undefined))
  }

  zoomToFit () {
    const box = this.contentBox()
    if (box) this.viewport.fit(box)
    else this.viewport.set({ zoom: 1 }, 'user')
  }

  zoomToSelection () {
    const box = unionBox([...this.selection.ids].map((id) => this.model.box(id)).filter((b) => b !== undefined))
    if (box) this.viewport.fit(box)
  }

  /** @param {number} direction +1 in, -1 out, 0 back to 100 % */
  zoom (direction) {
    if (direction === 0) this.viewport.set({ zoom: 1 }, 'user')
    else this.viewport.zoomAt(direction > 0 ? ZOOM_STEP : 1 / ZOOM_STEP)
  }

  /** @returns {{x: number, y: number}} the world point at the centre of the view */
  centre () {
    return { x: this.viewport.x, y: this.viewport.y }
  }

  // ---- objects ----

  /**
   * Brings an object into view and gives it the keyboard focus.
   * @param {string} id
   * @param {boolean} [reveal] pan to it when needed
   */
  focusObject (id, reveal = true) {
    const box = this.model.box(id)
    if (!box) return
    if (reveal) {
      this.viewport.reveal(box)
      this.renderer.render()
    }
    this.renderer.ensure(id)?.element.focus({ preventScroll: true })
  }

  /**
   * Selects an object, brings it into view and starts editing its text.
   * @param {string} id
   * @param {{selectAll?: boolean}} [options]
   */
  edit (id, { selectAll = false } = {}) {
    const plain = this.model.get(id)
    if (!plain) return
    this.selection.set([id])
    if (!TEXT_FIELDS[plain.type] || !this.canEdit || plain.locked) {
      this.focusObject(id)
      return
    }
    const box = /** @type {Box} */ (this.model.box(id))
    if (this.renderer.ctx.lod === 'far') this.viewport.set({ x: box.x + box.w / 2, y: box.y + box.h / 2, zoom: 1 }, 'user')
    else this.viewport.reveal(box)
    this.renderer.render()
    const field = this.renderer.ensure(id)?.field
    if (!field) return
    field.focus({ preventScroll: true })
    if (selectAll) field.select()
    else field.setSelectionRange(field.value.length, field.value.length)
  }

  /**
   * Adds a note at the centre of the view, stepping aside from notes already there, and
   * starts editing it.
   */
  addNote () {
    if (!this.canEdit) return
    this.addAtCentre('note')
  }

  /** @param {'note' | 'text'} type */
  addAtCentre (type) {
    const size = DEFAULT_SIZE[type]
    const c = this.centre()
    const x = Math.round(c.x - size.w / 2)
    const y = Math.round(c.y - size.h / 2)
    const taken = (/** @type {number} */ px, /** @type {number} */ py) => [...this.model.index.query({ x: px - 12, y: py - 12, w: 24, h: 24 })]
      .some((id) => { const p = this.model.get(id); return p && Math.abs(p.x - px) < 12 && Math.abs(p.y - py) < 12 })
    let step = 0
    while (step < 40 && taken(x + step * STACK_STEP, y + step * STACK_STEP)) step++
    const id = this.commands.create({
      type, x: x + step * STACK_STEP, y: y + step * STACK_STEP, ...(type === 'note' ? { color: this.noteColor } : this.styleFields(type))
    })
    if (id) this.edit(id)
  }

  /** @param {number} dx @param {number} dy world units */
  moveSelectionBy (dx, dy) {
    const origins = this.model.movingOrigins(this.selection.ids)
    this.commands.move(new Map([...origins].map(([id, p]) => [id, { x: p.x + dx, y: p.y + dy }])))
    const box = unionBox([...this.selection.ids].map((id) => this.model.box(id)).filter((b) => b !== undefined))
    if (box) this.viewport.reveal(box)
  }

  /** Deletes the selection, except its locked objects, and says how many of those it kept. */
  deleteSelection () {
    if (!this.canEdit || !this.selection.size) return
    const kept = this.commands.remove(this.selection.ids)
    this.selection.clear()
    this.surface.focus({ preventScroll: true })
    if (kept) this.notify(tn('Kept {count} object because it is locked.', 'Kept {count} objects because they are locked.', kept))
  }

  /** @returns {boolean} whether something is selected and all of it is locked */
  selectionLocked () {
    return this.selection.size > 0 && [...this.selection.ids].every((id) => this.model.isLocked(id))
  }

  /** Locks the selection, or unlocks it when all of it is locked (for those who may lock). */
  toggleLock () {
    if (!this.canLock || !this.selection.size) return
    const lock = !this.selectionLocked()
    this.history.cut()
    const count = this.commands.setLocked(this.selection.ids, lock)
    this.history.cut()
    this.notify(lock
      // Translators: said after locking objects on the board.
      ? tn('Locked {count} object.', 'Locked {count} objects.', count)
      // Translators: said after unlocking objects on the board.
      : tn('Unlocked {count} object.', 'Unlocked {count} objects.', count))
  }

  /** @param {string} color a note colour: the default for new notes, and applied to the selection */
  setNoteColor (color) {
    this.noteColor = color
    if (this.canEdit && this.selection.size) this.commands.setColor(this.selection.ids, color)
  }

  /**
   * Sets a style for new objects, and applies it to the selected objects that have it.
   * @param {keyof typeof STYLES} style
   * @param {string | number} value one of the style's values
   */
  setStyle (style, value) {
    if (!STYLES[style].values.includes(value)) return
    this.style[style] = value
    if (this.canEdit && this.selection.size) this.commands.setStyle(this.selection.ids, style, value)
  }

  /**
   * The style fields a new object of `type` gets (its ink, arrow, text size or stroke width).
   * @param {string} type
   * @returns {Record<string, string | number>}
   */
  styleFields (type) {
    return Object.fromEntries(Object.entries(STYLES).filter(([, s]) => s.types.includes(type))
      .map(([name, s]) => [s.field, this.style[name]]))
  }

  /** Opens the file picker for an image. */
  pickImage () {
    if (!this.canEdit) return
    const input = document.createElement('input')
    input.type = 'file'
    input.accept = 'image/png,image/jpeg,image/webp'
    input.addEventListener('change', () => {
      const file = input.files?.[0]
      if (file) this.insertImage(file, this.centre())
    })
    input.click()
  }

  /**
   * Uploads an image and places it centred on `point`, 320 px wide.
   * @param {File} file
   * @param {{x: number, y: number}} point
   */
  async insertImage (file, point) {
    try {
      const { src, width, height } = await uploadImage(this.slug, file)
      const h = Math.max(1, Math.round(IMAGE_WIDTH * height / Math.max(1, width)))
      const id = this.commands.create({
        type: 'image', src, alt: file.name.replace(/\.[^.]+$/, ''), x: point.x - IMAGE_WIDTH / 2, y: point.y - h / 2, w: IMAGE_WIDTH, h
      })
      if (id) this.selection.set([id])
    } catch (error) {
      this.notify(error instanceof Error ? error.message : t('The image could not be uploaded.'))
    }
  }
}
