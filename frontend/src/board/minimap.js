/** The overview: every object as a small shape, the visible area as a frame; click or drag to go there. */

import { PALETTE } from './export.js'
import { unionBox } from './geometry.js'

/** @typedef {{x: number, y: number, w: number, h: number}} Box */

const FILL = {
  text: '#9aa5b1', connector: '#9aa5b1', drawing: '#52606d', frame: '#ffffff', image: '#b8c4d6'
}

export class Minimap {
  /**
   * @param {HTMLElement} container the `minimap` element
   * @param {import('./board.js').Board} board
   */
  constructor (container, board) {
    this.board = board
    this.canvas = document.createElement('canvas')
    this.canvas.setAttribute('aria-hidden', 'true')
    container.append(this.canvas)
    this.container = container
    /** @type {Box} world area the minimap shows */
    this.bounds = { x: 0, y: 0, w: 1, h: 1 }
    this.scale = 1
    this.frame = 0
    this.contentDirty = true
    this.timer = 0
    board.model.onChange(() => {
      if (this.timer) return
      this.timer = window.setTimeout(() => { this.timer = 0; this.contentDirty = true; this.schedule() }, 200)
    })
    board.viewport.onChange(() => this.schedule())
    new ResizeObserver(() => { this.contentDirty = true; this.schedule() }).observe(container)
    this.listen()
  }

  schedule () {
    if (!this.frame) this.frame = requestAnimationFrame(() => { this.frame = 0; this.draw() })
  }

  draw () {
    const { board, canvas } = this
    const width = this.container.clientWidth
    const height = this.container.clientHeight
    if (!width || !height) return
    const ratio = window.devicePixelRatio || 1
    if (canvas.width !== Math.round(width * ratio) || canvas.height !== Math.round(height * ratio)) {
      canvas.width = Math.round(width * ratio)
      canvas.height = Math.round(height * ratio)
    }
    const view = board.viewport.visibleBox()
    if (this.contentDirty) this.content = board.contentBox()
    this.contentDirty = false
    const area = /** @type {Box} */ (unionBox(this.content ? [this.content, view] : [view]))
    const pad = Math.max(area.w, area.h) * 0.05
    const scale = Math.min(width / (area.w + pad * 2), height / (area.h + pad * 2))
    this.scale = scale
    this.bounds = {
      x: area.x + area.w / 2 - width / scale / 2, y: area.y + area.h / 2 - height / scale / 2, w: width / scale, h: height / scale
    }
    const ctx = /** @type {CanvasRenderingContext2D} */ (canvas.getContext('2d'))
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0)
    ctx.clearRect(0, 0, width, height)
    const sx = (/** @type {number} */ x) => (x - this.bounds.x) * scale
    const sy = (/** @type {number} */ y) => (y - this.bounds.y) * scale
    const frames = []
    const rest = []
    for (const [id, plain] of board.model.plain) (plain.type === 'frame' ? frames : rest).push([id, plain])
    for (const [id, plain] of [...frames, ...rest]) {
      const box = board.model.box(id)
      if (!box) continue
      ctx.fillStyle = plain.type === 'note' || plain.type === 'shape'
        ? PALETTE.note[/** @type {keyof typeof PALETTE.note} */ (plain.color)] ?? '#ddd'
        : FILL[/** @type {keyof typeof FILL} */ (plain.type)] ?? '#ccc'
      ctx.fillRect(sx(box.x), sy(box.y), Math.max(1, box.w * scale), Math.max(1, box.h * scale))
      if (plain.type === 'frame') {
        ctx.strokeStyle = '#9aa5b1'
        ctx.lineWidth = 1
        ctx.strokeRect(sx(box.x), sy(box.y), box.w * scale, box.h * scale)
      }
    }
    ctx.strokeStyle = '#3451b2'
    ctx.lineWidth = 2
    ctx.strokeRect(sx(view.x), sy(view.y), view.w * scale, view.h * scale)
  }

  listen () {
    /** @param {PointerEvent} e */
    const go = (e) => {
      const rect = this.canvas.getBoundingClientRect()
      this.board.viewport.set({
        x: this.bounds.x + (e.clientX - rect.left) / this.scale,
        y: this.bounds.y + (e.clientY - rect.top) / this.scale
      }, 'user')
    }
    this.canvas.addEventListener('pointerdown', (e) => {
      if (e.button !== 0) return
      e.preventDefault()
      this.canvas.setPointerCapture(e.pointerId)
      this.dragging = true
      go(e)
    })
    this.canvas.addEventListener('pointermove', (e) => { if (this.dragging) go(e) })
    this.canvas.addEventListener('pointerup', () => { this.dragging = false })
    this.canvas.addEventListener('pointercancel', () => { this.dragging = false })
  }
}
