/**
 * The celebration burst: confetti over the page for a moment when someone celebrates, with a
 * short message naming them; only the message when the system asks for reduced motion.
 */

/** How long after it was sent a celebration still shows (a page loaded later shows none). */
export const FRESH_MS = 10_000
/** How long the confetti flies. */
const BURST_MS = 2200
/** How long the message stays. */
const MESSAGE_MS = 4000
const PIECES = 140
/** Downward pull on the confetti, px / ms². */
const GRAVITY = 0.0012
const COLORS = ['#f59e0b', '#ef4444', '#10b981', '#3b82f6', '#8b5cf6', '#ec4899']

/**
 * @typedef {object} Piece
 * @property {number} x launch point, px
 * @property {number} y
 * @property {number} vx px / ms
 * @property {number} vy
 * @property {number} angle radians
 * @property {number} spin radians / ms
 * @property {number} size px
 * @property {string} color
 */

/**
 * Whether the room document's celebration is one this page has not shown and recent enough
 * (by the server's clock) to show now.
 * @param {unknown} celebration the room document's `celebration`
 * @param {number | null} shownAt the `at` of the last one shown
 * @param {number} serverNow ms since the epoch, server time
 * @returns {celebration is {by: string, at: number}}
 */
export function isNewCelebration (celebration, shownAt, serverNow) {
  if (!celebration || typeof celebration !== 'object') return false
  const { at, by } = /** @type {{at?: unknown, by?: unknown}} */ (celebration)
  return typeof at === 'number' && typeof by === 'string' && at !== shownAt && Math.abs(serverNow - at) <= FRESH_MS
}

/**
 * Confetti bursting from a point a third of the way down the middle of a `width` wide area.
 * @param {number} count
 * @param {number} width
 * @param {number} height
 * @param {() => number} random numbers in [0, 1)
 * @returns {Piece[]}
 */
export function confetti (count, width, height, random) {
  return Array.from({ length: count }, () => {
    const direction = -Math.PI / 2 + (random() - 0.5) * Math.PI * 1.2
    const speed = 0.35 + random() * 0.75
    return {
      x: width / 2 + (random() - 0.5) * width * 0.2,
      y: height / 3,
      vx: Math.cos(direction) * speed,
      vy: Math.sin(direction) * speed,
      angle: random() * Math.PI * 2,
      spin: (random() - 0.5) * 0.03,
      size: 6 + random() * 6,
      color: COLORS[Math.floor(random() * COLORS.length)]
    }
  })
}

/**
 * Where a piece is `t` ms after the burst.
 * @param {Piece} piece
 * @param {number} t
 * @returns {{x: number, y: number, angle: number}}
 */
export function pieceAt (piece, t) {
  return {
    x: piece.x + piece.vx * t,
    y: piece.y + piece.vy * t + (GRAVITY * t * t) / 2,
    angle: piece.angle + piece.spin * t
  }
}

/** Shows celebrations on the page. */
export class Celebration {
  constructor () {
    /** @type {HTMLCanvasElement | null} */
    this.canvas = null
    this.message = document.createElement('p')
    this.message.className = 'celebration-message'
    this.message.dataset.testid = 'celebration'
    this.message.hidden = true
    const page = document.querySelector('main') ?? document.body
    page.append(this.message)
    this.messageTimer = 0
    this.frame = 0
  }

  /** @param {string} text the message naming who celebrates */
  show (text) {
    this.message.textContent = text
    this.message.hidden = false
    window.clearTimeout(this.messageTimer)
    this.messageTimer = window.setTimeout(() => { this.message.hidden = true }, MESSAGE_MS)
    if (!window.matchMedia('(prefers-reduced-motion: reduce)').matches) this.burst()
  }

  /** Confetti over the whole window, for BURST_MS. */
  burst () {
    this.stop()
    const canvas = document.createElement('canvas')
    canvas.className = 'celebration-confetti'
    canvas.dataset.testid = 'confetti'
    canvas.setAttribute('aria-hidden', 'true')
    const width = window.innerWidth
    const height = window.innerHeight
    const scale = window.devicePixelRatio || 1
    canvas.width = Math.round(width * scale)
    canvas.height = Math.round(height * scale)
    document.body.append(canvas)
    this.canvas = canvas
    const context = canvas.getContext('2d')
    if (!context) return
    context.scale(scale, scale)
    const pieces = confetti(PIECES, width, height, Math.random)
    const start = performance.now()
    const draw = (/** @type {number} */ now) => {
      const t = now - start
      if (t >= BURST_MS) {
        this.stop()
        return
      }
      context.clearRect(0, 0, width, height)
      context.globalAlpha = Math.min(1, (BURST_MS - t) / (BURST_MS * 0.3))
      for (const piece of pieces) {
        const { x, y, angle } = pieceAt(piece, t)
        context.save()
        context.translate(x, y)
        context.rotate(angle)
        context.fillStyle = piece.color
        context.fillRect(-piece.size / 2, -piece.size / 4, piece.size, piece.size / 2)
        context.restore()
      }
      this.frame = requestAnimationFrame(draw)
    }
    this.frame = requestAnimationFrame(draw)
  }

  /** Ends a burst under way. */
  stop () {
    cancelAnimationFrame(this.frame)
    this.canvas?.remove()
    this.canvas = null
  }
}
