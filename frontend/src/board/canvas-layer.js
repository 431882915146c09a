/**
 * Far-zoom rendering: below the level-of-detail zoom, visible objects are painted on one
 * canvas instead of getting DOM views, which keeps zoomed-out boards of thousands of objects
 * smooth. Only focused or dragged objects keep a DOM view then (see renderer.js).
 */

import { PALETTE } from './export.js'
import { arrowHead } from './geometry.js'

/** @typedef {{x: number, y: number, w: number, h: number}} Box */

const SELECTED = '#1a56db'

export class CanvasLayer {
  /**
   * @param {HTMLElement} surface
   * @param {import('./model.js').BoardModel} model
   * @param {import('./viewport.js').Viewport} viewport
   */
  constructor (surface, model, viewport) {
    this.model = model
    this.viewport = viewport
    this.canvas = document.createElement('canvas')
    this.canvas.className = 'board-canvas'
    this.canvas.setAttribute('aria-hidden', 'true')
    surface.prepend(this.canvas)
    /** @type {Map<string, HTMLImageElement>} */
    this.images = new Map()
    this.blank = true
    /** Called when an image finished loading and the layer should be painted again. */
    this.onImageLoad = () => {}
  }

  clear () {
    if (this.blank) return
    const ctx = /** @type {CanvasRenderingContext2D} */ (this.canvas.getContext('2d'))
    ctx.setTransform(1, 0, 0, 1, 0, 0)
    ctx.clearRect(0, 0, this.canvas.width, this.canvas.height)
    this.blank = true
  }

  /**
   * Paints the given objects in stacking order (frames below the rest).
   * @param {Iterable<string>} ids
   * @param {Set<string>} selected
   */
  draw (ids, selected) {
    const { canvas, viewport } = this
    const ratio = window.devicePixelRatio || 1
    const width = Math.round(viewport.width * ratio)
    const height = Math.round(viewport.height * ratio)
    if (canvas.width !== width || canvas.height !== height) {
      canvas.width = width
      canvas.height = height
    }
    const ctx = /** @type {CanvasRenderingContext2D} */ (canvas.getContext('2d'))
    ctx.setTransform(1, 0, 0, 1, 0, 0)
    ctx.clearRect(0, 0, width, height)
    this.blank = false
    const zoom = viewport.zoom
    const offset = viewport.offset
    ctx.setTransform(zoom * ratio, 0, 0, zoom * ratio, offset.x * ratio, offset.y * ratio)
    const list = []
    for (const id of ids) {
      const plain = this.model.get(id)
      if (plain) list.push([id, plain])
    }
    list.sort(([, a], [, b]) => Number(b.type === 'frame') - Number(a.type === 'frame') || a.z - b.z)
    const hairline = 1 / zoom
    // Strokes end and bend round, as on the DOM views and in exports.
    ctx.lineCap = 'round'
    ctx.lineJoin = 'round'
    for (const [id, plain] of list) {
      const box = /** @type {Box} */ (this.model.box(id))
      ctx.lineWidth = hairline
      switch (plain.type) {
        case 'frame':
          ctx.fillStyle = '#ffffff'
          ctx.strokeStyle = '#aab4c0'
          ctx.fillRect(box.x, box.y, box.w, box.h)
          ctx.strokeRect(box.x, box.y, box.w, box.h)
          if (plain.title) {
            ctx.fillStyle = '#52606d'
            ctx.font = `600 ${13 / zoom}px system-ui, sans-serif`
            ctx.save()
            ctx.beginPath()
            ctx.rect(box.x, box.y - 20 / zoom, box.w, 20 / zoom)
            ctx.clip()
            ctx.fillText(plain.title.slice(0, 80), box.x, box.y - 5 / zoom)
            ctx.restore()
          }
          break
        case 'note':
          ctx.fillStyle = PALETTE.note[/** @type {keyof typeof PALETTE.note} */ (plain.color)]
          ctx.fillRect(box.x, box.y, box.w, box.h)
          break
        case 'shape':
          ctx.fillStyle = PALETTE.note[/** @type {keyof typeof PALETTE.note} */ (plain.color)]
          ctx.strokeStyle = '#7b8794'
          ctx.beginPath()
          if (plain.shape === 'ellipse') ctx.ellipse(box.x + box.w / 2, box.y + box.h / 2, box.w / 2, box.h / 2, 0, 0, Math.PI * 2)
          else if (plain.shape === 'diamond') {
            ctx.moveTo(box.x + box.w / 2, box.y)
            ctx.lineTo(box.x + box.w, box.y + box.h / 2)
            ctx.lineTo(box.x + box.w / 2, box.y + box.h)
            ctx.lineTo(box.x, box.y + box.h / 2)
            ctx.closePath()
          } else ctx.rect(box.x, box.y, box.w, box.h)
          ctx.fill()
          ctx.stroke()
          break
        case 'text':
          ctx.fillStyle = PALETTE.ink[/** @type {keyof typeof PALETTE.ink} */ (plain.color)]
          if (plain.fontSize * zoom >= 4) {
            ctx.font = `${plain.fontSize}px system-ui, sans-serif`
            ctx.fillText(plain.text.split('\n')[0].slice(0, 60), box.x, box.y + plain.fontSize)
          } else {
            ctx.globalAlpha = 0.35
            ctx.fillRect(box.x, box.y + box.h * 0.3, box.w, box.h * 0.4)
            ctx.globalAlpha = 1
          }
          break
        case 'drawing': {
          ctx.strokeStyle = PALETTE.ink[/** @type {keyof typeof PALETTE.ink} */ (plain.color)]
          ctx.lineWidth = Math.max(plain.width, hairline)
          ctx.beginPath()
          const p = plain.points
          ctx.moveTo(plain.x + p[0], plain.y + p[1])
          for (let i = 2; i < p.length; i += 2) ctx.lineTo(plain.x + p[i], plain.y + p[i + 1])
          ctx.stroke()
          break
        }
        case 'connector': {
          const line = this.model.connectorLine(plain)
          if (!line) break
          const ink = PALETTE.ink[/** @type {keyof typeof PALETTE.ink} */ (plain.color)]
          ctx.strokeStyle = ink
          ctx.fillStyle = ink
          ctx.lineWidth = Math.max(2, hairline)
          ctx.beginPath()
          ctx.moveTo(line[0].x, line[0].y)
          ctx.lineTo(line[1].x, line[1].y)
          ctx.stroke()
          if (plain.arrow !== 'none') ctx.fill(new Path2D(arrowHead(line[0], line[1])))
          if (plain.arrow === 'both') ctx.fill(new Path2D(arrowHead(line[1], line[0])))
          break
        }
        case 'image': {
          const image = this.image(plain.src)
          if (image.complete && image.naturalWidth) ctx.drawImage(image, box.x, box.y, box.w, box.h)
          else {
            ctx.fillStyle = '#d9e2ec'
            ctx.fillRect(box.x, box.y, box.w, box.h)
          }
          break
        }
      }
      if (selected.has(id)) {
        ctx.strokeStyle = SELECTED
        ctx.lineWidth = 2 / zoom
        ctx.strokeRect(box.x, box.y, box.w, box.h)
      }
    }
  }

  /** @param {string} src @returns {HTMLImageElement} a cached image element */
  image (src) {
    let image = this.images.get(src)
    if (!image) {
      image = new Image()
      image.decoding = 'async'
      image.addEventListener('load', () => this.onImageLoad(), { once: true })
      image.src = src
      this.images.set(src, image)
    }
    return image
  }
}
