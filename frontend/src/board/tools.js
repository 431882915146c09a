/**
 * Pointer input on the board: the active tool and every drag gesture (pan, pinch, move,
 * marquee, resize, create, connect, draw), plus wheel and trackpad zoom.
 *
 * Gesture map (select tool): drag an object to move it (a frame carries its contents); a
 * locked object stays (dragging it pans; double-clicking in a locked frame adds a note); drag
 * empty space to pan; Shift+drag empty space to select with a marquee; Shift+click to
 * add or remove an object; click a selected object's text, double-click or press Enter to
 * edit; double-click empty space for a new note (its corner at the pointer). Anywhere: Space+drag or middle-drag pans,
 * the wheel or two-finger scroll pans, Ctrl/Cmd+wheel or a pinch zooms.
 */

import { boxFromPoints, simplify, smoothPath, snap } from './geometry.js'
import { DEFAULT_SIZE } from './schema.js'
import { PALETTE } from './export.js'
import { t } from '../i18n.js'

/** Pointer travel (screen px) below which a press is a click. */
const CLICK_SLOP = 4
/** Minimum interval between two writes while dragging. */
const WRITE_INTERVAL_MS = 40
const SVG = 'http://www.w3.org/2000/svg'

export const TOOLS = ['select', 'note', 'text', 'rect', 'ellipse', 'diamond', 'connector', 'pen', 'frame', 'image']
/** Tools that draw a box by dragging. */
const BOX_TOOLS = ['rect', 'ellipse', 'diamond', 'frame']

/** @typedef {{x: number, y: number}} Point */
/** @typedef {{x: number, y: number, w: number, h: number}} Box */

/** @param {EventTarget | null} target */
export const isTextEntry = (target) =>
  target instanceof HTMLElement &&
  (target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName))

export class Tools {
  /** @param {import('./board.js').Board} board */
  constructor (board) {
    this.board = board
    this.surface = board.surface
    this.tool = 'select'
    /** @type {Set<(tool: string) => void>} */
    this.listeners = new Set()
    /** @type {Map<number, Point>} active pointers (client coordinates) */
    this.pointers = new Map()
    /** @type {any} the gesture in progress */
    this.gesture = null
    this.spaceDown = false
    /** @type {string | null} first end picked with the connector tool */
    this.pendingFrom = null
    this.lastWrite = 0
    this.writeTimer = 0
    this.blockMouse = false
    this.listen()
  }

  /** @param {(tool: string) => void} listener */
  onChange (listener) {
    this.listeners.add(listener)
  }

  /** @param {string} tool */
  setTool (tool) {
    if (!TOOLS.includes(tool)) return
    if (tool === 'image') {
      this.board.pickImage()
      tool = 'select'
    }
    this.tool = tool
    this.setPending(null)
    this.surface.dataset.tool = tool
    for (const listener of this.listeners) listener(tool)
  }

  /** @param {string | null} id */
  setPending (id) {
    if (this.pendingFrom) this.board.renderer.view(this.pendingFrom)?.element.classList.remove('is-connect-source')
    this.pendingFrom = id
    if (id) this.board.renderer.view(id)?.element.classList.add('is-connect-source')
  }

  listen () {
    const s = this.surface
    s.addEventListener('pointerdown', (e) => this.onPointerDown(e))
    s.addEventListener('pointermove', (e) => this.onPointerMove(e))
    s.addEventListener('pointerup', (e) => this.onPointerUp(e))
    s.addEventListener('pointercancel', (e) => this.onPointerUp(e, true))
    s.addEventListener('pointerleave', () => this.board.presence.setCursor(null))
    s.addEventListener('mousedown', (e) => { if (this.blockMouse) e.preventDefault() })
    s.addEventListener('dblclick', (e) => this.onDoubleClick(e))
    s.addEventListener('wheel', (e) => this.onWheel(e), { passive: false })
    s.addEventListener('contextmenu', (e) => { if (this.gesture?.kind === 'pan') e.preventDefault() })
    window.addEventListener('keydown', (e) => {
      if (e.code === 'Space' && !isTextEntry(e.target) && !e.repeat && !(e.target instanceof HTMLButtonElement)) {
        this.spaceDown = true
        s.classList.add('is-space-pan')
      }
    })
    window.addEventListener('keyup', (e) => {
      if (e.code === 'Space') {
        this.spaceDown = false
        s.classList.remove('is-space-pan')
      }
    })
    window.addEventListener('blur', () => { this.spaceDown = false })
  }

  /**
   * The object under the pointer: the one whose element was hit, or at far zoom (where most
   * objects are painted on a canvas) the topmost one at that point.
   * @param {EventTarget | null} target
   * @param {{clientX: number, clientY: number}} [at]
   * @returns {string | null}
   */
  objectAt (target, at) {
    const element = target instanceof Element ? target.closest('.board-object') : null
    if (element instanceof HTMLElement && this.surface.contains(element)) return element.dataset.id ?? null
    if (at && this.board.renderer.ctx.lod === 'far' && target instanceof Element && target.classList.contains('board-canvas')) {
      return this.board.renderer.hitTest(this.board.viewport.toWorld(at.clientX, at.clientY))
    }
    return null
  }

  /** @param {PointerEvent} e */
  world (e) {
    return this.board.viewport.toWorld(e.clientX, e.clientY)
  }

  /** @param {number} v */
  snap (v) {
    return this.board.snapToGrid ? snap(v, this.board.viewport.gridSize) : v
  }

  /** @param {PointerEvent} e */
  onPointerDown (e) {
    this.blockMouse = false
    const target = /** @type {Element} */ (e.target)
    if (target.closest('.board-chrome')) return
    this.pointers.set(e.pointerId, { x: e.clientX, y: e.clientY })
    if (this.pointers.size === 2) {
      this.cancelGesture()
      this.gesture = { kind: 'pinch', ...this.pinchState() }
      return
    }
    if (this.pointers.size > 2 || this.gesture) return
    const board = this.board
    const point = this.world(e)
    const start = { x: e.clientX, y: e.clientY }
    const id = this.objectAt(target, e)
    const touch = e.pointerType === 'touch'

    if (e.button === 1 || this.spaceDown || (e.button === 0 && !id && this.tool === 'select' && !e.shiftKey) ||
        (touch && !id && this.tool === 'select')) {
      if (e.button !== 0 && e.button !== 1) return
      e.preventDefault()
      this.begin(e, { kind: 'pan', start, last: start, moved: false })
      return
    }
    if (e.button !== 0) return

    const handle = target.closest('.resize-handle')
    if (handle instanceof HTMLElement && board.canEdit && board.selection.single) {
      e.preventDefault()
      const sid = /** @type {string} */ (board.selection.single)
      const plain = /** @type {Record<string, any>} */ (board.model.get(sid))
      board.history.cut()
      this.begin(e, { kind: 'resize', id: sid, handle: handle.dataset.handle, box: { x: plain.x, y: plain.y, w: plain.w, h: plain.h }, aspect: plain.type === 'image' ? plain.w / plain.h : 0, start, point, moved: false })
      return
    }

    if (this.tool === 'select' || !board.canEdit) {
      if (!id) {
        e.preventDefault()
        const base = e.shiftKey ? new Set(board.selection.ids) : new Set()
        const element = document.createElement('div')
        element.className = 'marquee'
        board.world.append(element)
        this.begin(e, { kind: 'marquee', start, point, base, element, moved: false })
        return
      }
      this.pressObject(e, id, target, start, point)
      return
    }

    if (this.tool === 'connector') {
      e.preventDefault()
      if (!id) { this.setPending(null); return }
      if (this.pendingFrom && this.pendingFrom !== id) {
        this.connect(this.pendingFrom, id)
        return
      }
      const { svg, path } = previewPath(board.world, 'connector-preview')
      this.begin(e, { kind: 'connect', from: id, start, point, element: svg, path, moved: false })
      return
    }

    if (this.tool === 'pen') {
      e.preventDefault()
      const { svg, path } = previewPath(board.world, 'pen-preview')
      path.style.stroke = PALETTE.ink[/** @type {keyof typeof PALETTE.ink} */ (board.style.ink)]
      path.style.strokeWidth = String(board.style.width)
      this.begin(e, { kind: 'draw', points: [point.x, point.y], element: svg, path, start, moved: false })
      return
    }

    e.preventDefault()
    const element = document.createElement('div')
    element.className = `create-preview create-${this.tool}`
    element.hidden = true
    board.world.append(element)
    this.begin(e, { kind: 'create', type: this.tool, start, point, element, moved: false })
  }

  /**
   * A press on an object with the select tool: select it, and get ready to move it.
   * @param {PointerEvent} e
   * @param {string} id
   * @param {Element} target
   * @param {Point} start
   * @param {Point} point
   */
  pressObject (e, id, target, start, point) {
    const board = this.board
    const onField = target.classList.contains('object-text')
    if (onField && document.activeElement === target) return
    if (target.closest('.reaction')) return
    const wasOnlySelected = board.selection.single === id
    if (onField && wasOnlySelected && board.canEdit) return
    e.preventDefault()
    this.blockMouse = true
    if (e.shiftKey || e.metaKey || e.ctrlKey) {
      board.selection.toggle(id)
      if (board.selection.has(id)) board.focusObject(id, false)
    } else {
      if (!board.selection.has(id)) board.selection.set([id])
      board.focusObject(id, false)
    }
    if (!board.canEdit || !board.selection.has(id)) return
    const origins = board.model.movingOrigins(board.selection.ids)
    // Nothing to move (all of it is locked): the drag pans, as on empty space.
    if (!origins.size) this.begin(e, { kind: 'pan', start, last: start, moved: false, keepSelection: true })
    else this.begin(e, { kind: 'move', id, origins, start, point, moved: false, pinned: [...origins.keys()] })
  }

  /** @param {PointerEvent} e @param {any} gesture */
  begin (e, gesture) {
    this.gesture = gesture
    try { this.surface.setPointerCapture(e.pointerId) } catch {}
    if (gesture.kind === 'pan') this.surface.classList.add('is-panning')
  }

  /** @param {PointerEvent} e */
  onPointerMove (e) {
    const board = this.board
    if (e.pointerType !== 'touch' || this.pointers.size < 2) board.presence.setCursor(this.world(e))
    if (this.pointers.has(e.pointerId)) this.pointers.set(e.pointerId, { x: e.clientX, y: e.clientY })
    const g = this.gesture
    if (!g) return
    if (g.kind === 'pinch') {
      this.pinch(g)
      return
    }
    if (!g.moved && Math.hypot(e.clientX - g.start.x, e.clientY - g.start.y) < CLICK_SLOP) return
    if (!g.moved) {
      g.moved = true
      if (g.kind === 'move') {
        board.history.cut()
        for (const id of g.pinned) board.renderer.pinned.add(id)
        this.surface.classList.add('is-dragging')
      }
    }
    const point = this.world(e)
    switch (g.kind) {
      case 'pan':
        board.viewport.panBy(e.clientX - g.last.x, e.clientY - g.last.y)
        g.last = { x: e.clientX, y: e.clientY }
        break
      case 'move': {
        const primary = /** @type {Point} */ (g.origins.get(g.id) ?? [...g.origins.values()][0])
        const dx = this.snap(primary.x + point.x - g.point.x) - primary.x
        const dy = this.snap(primary.y + point.y - g.point.y) - primary.y
        g.delta = { x: dx, y: dy }
        this.throttledWrite(() => this.writeMove(g))
        break
      }
      case 'marquee': {
        const box = boxFromPoints(g.point, point)
        place(g.element, box)
        const hits = [...board.model.index.query(box)].filter((id) => {
          const b = /** @type {Box} */ (board.model.box(id))
          return b.x >= box.x && b.y >= box.y && b.x + b.w <= box.x + box.w && b.y + b.h <= box.y + box.h
        })
        board.selection.set([...g.base, ...hits])
        break
      }
      case 'resize':
        g.next = this.resizedBox(g, point, e.shiftKey)
        this.throttledWrite(() => board.commands.resize(g.id, g.next))
        break
      case 'create': {
        const a = { x: this.snap(g.point.x), y: this.snap(g.point.y) }
        g.box = boxFromPoints(a, { x: this.snap(point.x), y: this.snap(point.y) })
        g.element.hidden = false
        place(g.element, g.box)
        break
      }
      case 'connect': {
        const over = this.objectAt(document.elementFromPoint(e.clientX, e.clientY), e)
        g.over = over && over !== g.from ? over : null
        const box = /** @type {Box} */ (board.model.box(g.from))
        const from = { x: box.x + box.w / 2, y: box.y + box.h / 2 }
        g.path.setAttribute('d', `M${from.x} ${from.y}L${point.x} ${point.y}`)
        break
      }
      case 'draw': {
        const n = g.points.length
        if (Math.hypot(point.x - g.points[n - 2], point.y - g.points[n - 1]) * board.viewport.zoom < 2) break
        g.points.push(point.x, point.y)
        g.path.setAttribute('d', smoothPath(g.points))
        break
      }
    }
  }

  /**
   * The box a resize handle drag gives; images keep their aspect ratio, Shift keeps any.
   * @param {any} g
   * @param {Point} point
   * @param {boolean} keepAspect
   * @returns {Box}
   */
  resizedBox (g, point, keepAspect) {
    const { box, handle } = g
    let x0 = box.x; let y0 = box.y; let x1 = box.x + box.w; let y1 = box.y + box.h
    const dx = point.x - g.point.x
    const dy = point.y - g.point.y
    if (handle.includes('w')) x0 = this.snap(x0 + dx)
    else x1 = this.snap(x1 + dx)
    if (handle.includes('n')) y0 = this.snap(y0 + dy)
    else y1 = this.snap(y1 + dy)
    const min = 16
    if (x1 - x0 < min) { if (handle.includes('w')) x0 = x1 - min; else x1 = x0 + min }
    if (y1 - y0 < min) { if (handle.includes('n')) y0 = y1 - min; else y1 = y0 + min }
    const aspect = g.aspect || (keepAspect ? box.w / box.h : 0)
    if (aspect) {
      const h = (x1 - x0) / aspect
      if (handle.includes('n')) y0 = y1 - h
      else y1 = y0 + h
    }
    return { x: x0, y: y0, w: x1 - x0, h: y1 - y0 }
  }

  /** @param {() => void} write */
  throttledWrite (write) {
    this.pendingWrite = write
    if (this.writeTimer) return
    const wait = this.lastWrite + WRITE_INTERVAL_MS - performance.now()
    const run = () => {
      this.writeTimer = 0
      this.lastWrite = performance.now()
      const pending = this.pendingWrite
      this.pendingWrite = null
      pending?.()
    }
    if (wait <= 0) run()
    else this.writeTimer = window.setTimeout(run, wait)
  }

  flushWrite () {
    window.clearTimeout(this.writeTimer)
    this.writeTimer = 0
    const pending = this.pendingWrite
    this.pendingWrite = null
    pending?.()
  }

  /** @param {any} g a move gesture */
  writeMove (g) {
    if (!g.delta) return
    const positions = new Map()
    for (const [id, origin] of g.origins) positions.set(id, { x: origin.x + g.delta.x, y: origin.y + g.delta.y })
    this.board.commands.move(positions)
  }

  /** @param {PointerEvent} e @param {boolean} [cancelled] */
  onPointerUp (e, cancelled = false) {
    this.pointers.delete(e.pointerId)
    const g = this.gesture
    if (!g) return
    if (g.kind === 'pinch') {
      if (this.pointers.size < 2) this.gesture = null
      return
    }
    this.gesture = null
    this.surface.classList.remove('is-panning', 'is-dragging')
    const board = this.board
    this.flushWrite()
    g.element?.remove()
    if (cancelled) return
    const point = this.world(e)
    switch (g.kind) {
      case 'pan':
        if (!g.moved && e.button === 0 && !this.spaceDown && !g.keepSelection) board.selection.clear()
        break
      case 'move':
        for (const id of g.pinned) board.renderer.pinned.delete(id)
        board.history.cut()
        break
      case 'resize':
        board.history.cut()
        break
      case 'create':
        this.finishCreate(g, point)
        break
      case 'connect': {
        if (g.over) this.connect(g.from, g.over)
        else if (!g.moved) this.setPending(g.from)
        else this.setPending(null)
        break
      }
      case 'draw':
        this.finishDrawing(g.points)
        break
    }
  }

  /** @param {any} g @param {Point} point */
  finishCreate (g, point) {
    const board = this.board
    const type = g.type
    let fields
    if (BOX_TOOLS.includes(type) && g.moved && g.box && g.box.w >= 8 && g.box.h >= 8) {
      fields = { ...g.box }
    } else {
      const base = type === 'note' ? 'note' : type === 'text' ? 'text' : type === 'frame' ? 'frame' : 'shape'
      const size = DEFAULT_SIZE[base]
      fields = { x: this.snap(point.x - size.w / 2), y: this.snap(point.y - size.h / 2) }
    }
    if (type === 'note') Object.assign(fields, { type: 'note', color: board.noteColor })
    else if (type === 'text') Object.assign(fields, { type: 'text', ...board.styleFields('text') })
    // Translators: the title a new frame gets on the board, until someone renames it.
    else if (type === 'frame') Object.assign(fields, { type: 'frame', title: t('Frame') })
    else Object.assign(fields, { type: 'shape', shape: type, color: board.shapeColor })
    const id = board.commands.create(fields)
    this.setTool('select')
    if (id) board.edit(id, { selectAll: type === 'frame' })
  }

  /** @param {number[]} points world coordinates */
  finishDrawing (points) {
    const board = this.board
    if (points.length < 4) points.push(points[0] + 0.5, points[1] + 0.5)
    const simple = simplify(points, 1.2 / board.viewport.zoom)
    let x0 = Infinity; let y0 = Infinity; let x1 = -Infinity; let y1 = -Infinity
    for (let i = 0; i < simple.length; i += 2) {
      x0 = Math.min(x0, simple[i]); x1 = Math.max(x1, simple[i])
      y0 = Math.min(y0, simple[i + 1]); y1 = Math.max(y1, simple[i + 1])
    }
    const x = Math.floor(x0); const y = Math.floor(y0)
    const relative = simple.map((v, i) => Math.round((v - (i % 2 ? y : x)) * 10) / 10)
    board.commands.create({
      type: 'drawing', x, y, w: Math.max(1, Math.ceil(x1 - x)), h: Math.max(1, Math.ceil(y1 - y)), points: relative, ...board.styleFields('drawing')
    })
  }

  /** @param {string} from @param {string} to */
  connect (from, to) {
    this.setPending(null)
    const id = this.board.commands.create({ type: 'connector', from, to, ...this.board.styleFields('connector') })
    if (id) this.board.selection.set([id])
    this.setTool('select')
  }

  cancelGesture () {
    const g = this.gesture
    if (!g) return
    this.gesture = null
    this.flushWrite()
    g.element?.remove()
    if (g.kind === 'move') for (const id of g.pinned) this.board.renderer.pinned.delete(id)
    this.surface.classList.remove('is-panning', 'is-dragging')
  }

  /** @returns {{mid: Point, distance: number}} the centre and spread of the two touches */
  pinchState () {
    const [a, b] = [...this.pointers.values()]
    return { mid: { x: (a.x + b.x) / 2, y: (a.y + b.y) / 2 }, distance: Math.max(1, Math.hypot(a.x - b.x, a.y - b.y)) }
  }

  /** @param {any} g a pinch gesture */
  pinch (g) {
    if (this.pointers.size < 2) return
    const next = this.pinchState()
    const viewport = this.board.viewport
    viewport.panBy(next.mid.x - g.mid.x, next.mid.y - g.mid.y)
    const at = viewport.toSurface(next.mid.x, next.mid.y)
    viewport.zoomAt(next.distance / g.distance, at.x, at.y)
    g.mid = next.mid
    g.distance = next.distance
  }

  /** @param {MouseEvent} e */
  onDoubleClick (e) {
    const board = this.board
    const target = /** @type {Element} */ (e.target)
    if (target.closest('.board-chrome') || this.tool !== 'select' || !board.canEdit) return
    const id = this.objectAt(target, e)
    // A locked frame is a backdrop: a note goes in it.
    const backdrop = id !== null && board.model.get(id)?.type === 'frame' && board.model.isLocked(id) &&
      !target.closest('.frame-title')
    if (id && !backdrop) {
      if (!(target.classList.contains('object-text') && document.activeElement === target)) board.edit(id)
      return
    }
    const point = board.viewport.toWorld(e.clientX, e.clientY)
    const created = board.commands.create({ type: 'note', x: this.snap(point.x), y: this.snap(point.y), color: board.noteColor })
    if (created) board.edit(created)
  }

  /** @param {WheelEvent} e */
  onWheel (e) {
    const target = /** @type {Element} */ (e.target)
    if (target.closest('.board-chrome')) return
    if (!e.ctrlKey && !e.metaKey && target instanceof HTMLTextAreaElement && document.activeElement === target &&
        target.scrollHeight > target.clientHeight) return
    e.preventDefault()
    const unit = e.deltaMode === 1 ? 16 : e.deltaMode === 2 ? this.board.viewport.height : 1
    const viewport = this.board.viewport
    if (e.ctrlKey || e.metaKey) {
      const at = viewport.toSurface(e.clientX, e.clientY)
      viewport.zoomAt(Math.exp(-e.deltaY * unit * 0.01), at.x, at.y)
    } else if (e.shiftKey && !e.deltaX) {
      viewport.panBy(-e.deltaY * unit, 0)
    } else {
      viewport.panBy(-e.deltaX * unit, -e.deltaY * unit)
    }
  }
}

/** @param {HTMLElement} element @param {Box} box */
function place (element, box) {
  element.style.left = `${box.x}px`
  element.style.top = `${box.y}px`
  element.style.width = `${box.w}px`
  element.style.height = `${box.h}px`
}

/**
 * An SVG path added to the board's world to preview a connector or a stroke being drawn.
 * @param {HTMLElement} world
 * @param {string} className
 */
function previewPath (world, className) {
  const svg = document.createElementNS(SVG, 'svg')
  svg.setAttribute('class', className)
  svg.setAttribute('aria-hidden', 'true')
  const path = document.createElementNS(SVG, 'path')
  svg.append(path)
  world.append(svg)
  return { svg, path }
}
