/**
 * The board's camera: which world point is at the centre of the board element, and the zoom.
 * Pan and zoom only transform one world container; listeners re-cull on the next frame.
 */

/** @typedef {{x: number, y: number, zoom: number}} View */
/** @typedef {{x: number, y: number, w: number, h: number}} Box */
/** @typedef {'user' | 'follow' | 'program'} ViewSource who moved the view */

export const MIN_ZOOM = 0.02
export const MAX_ZOOM = 4
/** Factor of one keyboard or button zoom step. */
export const ZOOM_STEP = 1.25

/** @param {number} zoom */
export const clampZoom = (zoom) => Math.min(MAX_ZOOM, Math.max(MIN_ZOOM, zoom))

export class Viewport {
  /**
   * @param {HTMLElement} surface the board element (clips the world)
   * @param {HTMLElement} world the container holding every rendered object, in world units
   */
  constructor (surface, world) {
    this.surface = surface
    this.world = world
    this.width = surface.clientWidth
    this.height = surface.clientHeight
    /** World point at the centre of the surface; the default puts the world origin top-left. */
    this.x = this.width / 2
    this.y = this.height / 2
    this.zoom = 1
    /** The zoom last given to CSS as --zoom. */
    this.cssZoom = 1
    /** Grid spacing in world units drawn on the background. */
    this.gridSize = 20
    /** @type {Set<(source: ViewSource) => void>} */
    this.listeners = new Set()
    new ResizeObserver(() => this.resize()).observe(surface)
    this.apply()
  }

  /** Keeps the top-left corner in place when the surface changes size. */
  resize () {
    const width = this.surface.clientWidth
    const height = this.surface.clientHeight
    if (width === this.width && height === this.height) return
    this.x += (width - this.width) / 2 / this.zoom
    this.y += (height - this.height) / 2 / this.zoom
    this.width = width
    this.height = height
    this.apply()
    this.emit('program')
  }

  /** @param {(source: ViewSource) => void} listener */
  onChange (listener) {
    this.listeners.add(listener)
  }

  /** @param {ViewSource} source */
  emit (source) {
    for (const listener of this.listeners) listener(source)
  }

  /** @returns {View} */
  get () {
    return { x: this.x, y: this.y, zoom: this.zoom }
  }

  /**
   * @param {Partial<View>} view
   * @param {ViewSource} [source]
   */
  set ({ x = this.x, y = this.y, zoom = this.zoom }, source = 'program') {
    if (![x, y, zoom].every(Number.isFinite)) return
    this.x = Math.max(-1e7, Math.min(1e7, x))
    this.y = Math.max(-1e7, Math.min(1e7, y))
    this.zoom = clampZoom(zoom)
    this.apply()
    this.emit(source)
  }

  /** Screen offset of the world origin inside the surface. */
  get offset () {
    return { x: this.width / 2 - this.x * this.zoom, y: this.height / 2 - this.y * this.zoom }
  }

  apply () {
    const { x, y } = this.offset
    this.world.style.transform = `translate(${x}px, ${y}px) scale(${this.zoom})`
    // Sizes that stay constant on screen follow --zoom; updating it restyles every object,
    // so it only changes when the zoom moved by more than a few percent.
    if (Math.abs(Math.log(this.zoom / this.cssZoom)) > 0.08) {
      this.cssZoom = this.zoom
      this.surface.style.setProperty('--zoom', String(this.zoom))
    }
    let grid = this.gridSize * this.zoom
    while (grid < 10) grid *= 5
    this.surface.style.backgroundSize = `${grid}px ${grid}px`
    this.surface.style.backgroundPosition = `${x}px ${y}px`
  }

  /**
   * @param {number} clientX
   * @param {number} clientY
   * @returns {{x: number, y: number}} the surface-relative point (padding box)
   */
  toSurface (clientX, clientY) {
    const rect = this.surface.getBoundingClientRect()
    return { x: clientX - rect.left - this.surface.clientLeft, y: clientY - rect.top - this.surface.clientTop }
  }

  /** @param {number} clientX @param {number} clientY @returns {{x: number, y: number}} world point */
  toWorld (clientX, clientY) {
    const point = this.toSurface(clientX, clientY)
    const offset = this.offset
    return { x: (point.x - offset.x) / this.zoom, y: (point.y - offset.y) / this.zoom }
  }

  /** @returns {Box} the world area visible in the surface */
  visibleBox () {
    const w = this.width / this.zoom
    const h = this.height / this.zoom
    return { x: this.x - w / 2, y: this.y - h / 2, w, h }
  }

  /**
   * @param {number} dx screen pixels
   * @param {number} dy
   * @param {ViewSource} [source]
   */
  panBy (dx, dy, source = 'user') {
    this.set({ x: this.x - dx / this.zoom, y: this.y - dy / this.zoom }, source)
  }

  /**
   * Zooms by `factor`, keeping the world point under the surface point (sx, sy) in place.
   * @param {number} factor
   * @param {number} [sx] surface coordinates; default the centre
   * @param {number} [sy]
   * @param {ViewSource} [source]
   */
  zoomAt (factor, sx = this.width / 2, sy = this.height / 2, source = 'user') {
    const zoom = clampZoom(this.zoom * factor)
    const offset = this.offset
    const wx = (sx - offset.x) / this.zoom
    const wy = (sy - offset.y) / this.zoom
    this.set({ x: wx - (sx - this.width / 2) / zoom, y: wy - (sy - this.height / 2) / zoom, zoom }, source)
  }

  /**
   * Shows `box` whole, centred, with a margin; never zooms in beyond 100 %.
   * @param {Box} box
   * @param {ViewSource} [source]
   */
  fit (box, source = 'user') {
    const margin = 48
    const zoom = Math.min(1, (this.width - margin * 2) / Math.max(box.w, 1), (this.height - margin * 2) / Math.max(box.h, 1))
    this.set({ x: box.x + box.w / 2, y: box.y + box.h / 2, zoom }, source)
  }

  /**
   * Pans as little as needed to show `box` (with a margin) when it is not wholly visible.
   * @param {Box} box
   * @param {ViewSource} [source]
   */
  reveal (box, source = 'user') {
    const view = this.visibleBox()
    const margin = 40 / this.zoom
    if (box.w + margin * 2 > view.w || box.h + margin * 2 > view.h) {
      if (box.x >= view.x && box.y >= view.y && box.x + box.w <= view.x + view.w && box.y + box.h <= view.y + view.h) return
      this.set({ x: box.x + box.w / 2, y: box.y + box.h / 2 }, source)
      return
    }
    let { x, y } = this
    if (box.x - margin < view.x) x -= view.x - (box.x - margin)
    else if (box.x + box.w + margin > view.x + view.w) x += box.x + box.w + margin - (view.x + view.w)
    if (box.y - margin < view.y) y -= view.y - (box.y - margin)
    else if (box.y + box.h + margin > view.y + view.h) y += box.y + box.h + margin - (view.y + view.h)
    if (x !== this.x || y !== this.y) this.set({ x, y }, source)
  }
}
