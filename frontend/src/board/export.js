/**
 * Board exports: JSON (the codec's format, for re-import), Markdown and CSV (the board's text,
 * by frame), SVG and PNG (a picture of the board or of one frame), and a helper that saves one.
 */

import { exportDocument, plainObjects } from './codec.js'
import { boxOf, contains } from './schema.js'
import { allSections, boardSections, oneLine, reactionList } from './sections.js'
import { messages, t, tn } from '../i18n.js'

/** Fill colours of NOTE_COLORS (notes, shapes) and INK_COLORS (text, connectors, drawings). */
export const PALETTE = Object.freeze({
  note: Object.freeze({
    yellow: '#fff3a3',
    pink: '#fbd3e6',
    blue: '#cfe3ff',
    green: '#c9f2d4',
    orange: '#ffdcb8',
    purple: '#e6d9ff',
    white: '#ffffff',
    gray: '#e5e7eb'
  }),
  ink: Object.freeze({
    black: '#1f2937',
    gray: '#6b7280',
    red: '#dc2626',
    orange: '#c2410c',
    green: '#15803d',
    blue: '#1d4ed8',
    purple: '#7e22ce'
  })
})

/** Object types exported as text (Markdown bullets, CSV rows). */
const TEXT_TYPES = new Set(['note', 'text', 'shape'])

/**
 * @typedef {Record<string, any>} Plain a sanitised plain object (see codec.js)
 * @typedef {{x: number, y: number, w: number, h: number}} Box
 */

/**
 * The JSON export, for `importDocument`. With `media` (image URL -> data URL, from
 * `inlineImages`) the file carries its pictures, so it imports into any room on any server.
 * @param {import('yjs').Doc} doc
 * @param {Map<string, string>} [media]
 * @returns {string}
 */
export function exportJson (doc, media) {
  const data = exportDocument(doc)
  return JSON.stringify(media?.size ? { ...data, media: Object.fromEntries(media) } : data, null, 2)
}

/**
 * The same-origin images among `objects` as data URLs, by URL (those that cannot be
 * fetched are left out).
 * @param {Iterable<Plain>} objects
 * @returns {Promise<Map<string, string>>}
 */
export async function inlineImages (objects) {
  const sources = new Set([...objects].filter((o) => o.type === 'image').map((o) => /** @type {string} */ (o.src)))
  /** @type {Map<string, string>} */
  const inlined = new Map()
  await Promise.all([...sources].map(async (src) => {
    const data = await dataUrl(src)
    if (data) inlined.set(src, data)
  }))
  return inlined
}

// ---------------------------------------------------------------------------------------------
// Markdown

/**
 * Entries by votes, most first (reading order among equals), when a vote's results are given.
 * @template {{id: string}} T
 * @param {T[]} items
 * @param {Map<string, number> | null} votes
 * @returns {T[]}
 */
function byVotes (items, votes) {
  if (!votes) return items
  return [...items].sort((a, b) => (votes.get(b.id) ?? 0) - (votes.get(a.id) ?? 0))
}

/**
 * The board as a Markdown document: a heading per frame in reading order, a bullet per note,
 * text and shape with text in it, then what lies in no frame. With a vote's results, each
 * section lists its items by votes, and a voted item says how many it has.
 * @param {import('yjs').Doc} doc
 * @param {{anonymous?: boolean, title?: string, votes?: Map<string, number> | null}} [options]
 *   `anonymous` leaves out authors; `votes` are the results of the last vote, by object id
 * @returns {string}
 */
export function exportMarkdown (doc, { anonymous = false, title, votes = null } = {}) {
  const sections = boardSections(plainObjects(doc))
  // Translators: the heading of a board's Markdown export when no title is given.
  const lines = [`# ${escapeMarkdownLine(oneLine(title ?? t('Board')))}`]
  for (const section of allSections(sections.frames)) {
    lines.push('', `${'#'.repeat(Math.min(6, section.depth + 2))} ${escapeMarkdownLine(section.title)}`)
    const bullets = markdownBullets(byVotes(section.items, votes), anonymous, votes)
    if (bullets.length) lines.push('', ...bullets)
  }
  const loose = markdownBullets(byVotes(sections.items, votes), anonymous, votes)
  // Translators: the heading, in a board's export, of the objects that lie in no frame.
  if (loose.length) lines.push('', `## ${escapeMarkdownLine(t('Not in a frame'))}`, '', ...loose)
  return `${lines.join('\n')}\n`
}

/**
 * @param {Array<{id: string, obj: Plain}>} items
 * @param {boolean} anonymous
 * @param {Map<string, number> | null} votes
 * @returns {string[]}
 */
function markdownBullets (items, anonymous, votes) {
  const bullets = []
  for (const { id, obj } of items) {
    if (!TEXT_TYPES.has(obj.type)) continue
    const lines = obj.text.replace(/\r\n?/g, '\n').split('\n').map((/** @type {string} */ line) => line.trimEnd())
    while (lines.length && !lines[0].trim()) lines.shift()
    while (lines.length && !lines[lines.length - 1].trim()) lines.pop()
    if (!lines.length) continue
    const escaped = lines.map((line, i) => (i === 0 ? `- ${escapeMarkdownLine(line.trimStart())}` : line ? `  ${escapeMarkdownLine(line)}` : ''))
    const author = anonymous ? '' : escapeHtmlTags(oneLine(obj.author))
    const reactions = reactionList(obj).map(([emoji, count]) => `${emoji} ${messages().number(count)}`).join(' ')
    const voted = votes?.get(id)
    const tail = [
      // Translators: who wrote a note, after its text in a board's Markdown export.
      author && t('— {author}', { author }),
      reactions,
      // Translators: how many votes a note got, after its text in a board's Markdown export.
      voted && tn('({count} vote)', '({count} votes)', voted)
    ].filter(Boolean).join(' ')
    if (tail) escaped[escaped.length - 1] += ` ${tail}`
    bullets.push(escaped.join('\n'))
  }
  return bullets
}

/** A line start Markdown would read as structure: heading, quote, list, rule, table, fence, link definition. */
const MARKDOWN_LEAD = /^(\s*)(?:([#>+\-*=|`~_[])|(\d+)([.)]))/

/**
 * A line of text with a backslash before a leading character Markdown would read as syntax,
 * and before each `<` that would open an HTML tag.
 * @param {string} line
 */
function escapeMarkdownLine (line) {
  return escapeHtmlTags(line.replace(MARKDOWN_LEAD, (_, space, mark, digits, dot) => (mark ? `${space}\\${mark}` : `${space}${digits}\\${dot}`)))
}

/** @param {string} text */
const escapeHtmlTags = (text) => text.replace(/<(?=[A-Za-z/!?])/g, '\\<')

// ---------------------------------------------------------------------------------------------
// CSV

/**
 * The board's text as RFC 4180 CSV, one row per note, text and shape, by frame in reading order
 * (by votes within a frame when a vote's results are given; the `votes` column is empty without).
 * @param {import('yjs').Doc} doc
 * @param {{anonymous?: boolean, votes?: Map<string, number> | null}} [options] `anonymous`
 *   leaves the author column empty; `votes` are the results of the last vote, by object id
 * @returns {string}
 */
export function exportCsv (doc, { anonymous = false, votes = null } = {}) {
  const sections = boardSections(plainObjects(doc))
  /** @type {Array<Array<string | number>>} */
  const rows = [['frame', 'type', 'text', 'author', 'color', 'reactions', 'votes', 'x', 'y']]
  /** @param {string} frame @param {Array<{id: string, obj: Plain}>} items */
  const addRows = (frame, items) => {
    for (const { id, obj } of byVotes(items, votes)) {
      if (!TEXT_TYPES.has(obj.type)) continue
      const reactions = reactionList(obj).map(([emoji, count]) => `${emoji} ${count}`).join('; ')
      const voted = votes ? votes.get(id) ?? 0 : ''
      rows.push([frame, obj.type, obj.text, anonymous ? '' : obj.author, obj.color, reactions, voted, obj.x, obj.y])
    }
  }
  for (const section of allSections(sections.frames)) addRows(section.title, section.items)
  addRows('', sections.items)
  return rows.map((row) => `${row.map(csvField).join(',')}\r\n`).join('')
}

/**
 * One CSV field: numbers as they are; text guarded against formula injection, quoted when needed.
 * @param {string | number} value
 */
function csvField (value) {
  if (typeof value === 'number') return String(value)
  const text = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text
}

// ---------------------------------------------------------------------------------------------
// SVG

// A font's name, not a message: its space is written \u0020 so no check takes it for English to translate.
const FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif"
const BACKGROUND = '#f6f7f9'
const MARGIN = 40
/** Height above a frame taken by its title. */
const FRAME_TITLE = 28
const LINE_HEIGHT = 1.3
const NOTE_PAD = 12
const NOTE_FONT = 16
const SMALL_FONT = 11
/** Canvas size limits that every current browser accepts. */
const MAX_CANVAS_SIDE = 16384
const MAX_CANVAS_AREA = 120e6

/**
 * A standalone SVG picture of the board, or of one frame and what lies in it.
 * @param {import('yjs').Doc} doc
 * @param {{frameId?: string, anonymous?: boolean}} [options] `anonymous` leaves out note authors
 * @returns {string}
 */
export function exportSvg (doc, { frameId, anonymous = false } = {}) {
  const entries = pictured(plainObjects(doc), frameId)
  return renderSvg(entries, { anonymous, imageHref: absoluteUrl }).svg
}

/**
 * The board, or one frame, as a PNG. Images are inlined first so the canvas stays readable;
 * those that cannot be fetched are drawn as placeholders.
 * @param {import('yjs').Doc} doc
 * @param {{frameId?: string, scale?: number, anonymous?: boolean}} [options]
 * @returns {Promise<Blob>}
 */
export async function exportPng (doc, { frameId, scale = 2, anonymous = false } = {}) {
  const entries = pictured(plainObjects(doc), frameId)
  const inlined = await inlineImages(entries.map(([, o]) => o))
  const { svg, width, height } = renderSvg(entries, { anonymous, imageHref: (src) => inlined.get(src) ?? null })
  const factor = Math.min(scale, MAX_CANVAS_SIDE / width, MAX_CANVAS_SIDE / height, Math.sqrt(MAX_CANVAS_AREA / (width * height)))
  const url = URL.createObjectURL(new Blob([svg], { type: 'image/svg+xml' }))
  try {
    const image = new Image()
    await new Promise((resolve, reject) => {
      image.onload = resolve
      image.onerror = () => reject(new Error(t('The board picture could not be drawn.')))
      image.src = url
    })
    const canvas = document.createElement('canvas')
    canvas.width = Math.max(1, Math.round(width * factor))
    canvas.height = Math.max(1, Math.round(height * factor))
    const context = /** @type {CanvasRenderingContext2D} */ (canvas.getContext('2d'))
    context.drawImage(image, 0, 0, canvas.width, canvas.height)
    return await new Promise((resolve, reject) => {
      canvas.toBlob((blob) => (blob ? resolve(blob) : reject(new Error(t('The PNG could not be made.')))), 'image/png')
    })
  } finally {
    URL.revokeObjectURL(url)
  }
}

/**
 * A same-origin image as a data URL, or null when it cannot be had.
 * @param {string} src
 * @returns {Promise<string | null>}
 */
async function dataUrl (src) {
  try {
    const url = new URL(src, location.href)
    if (url.origin !== location.origin) return null
    const response = await fetch(url, { credentials: 'same-origin' })
    if (!response.ok) return null
    const blob = await response.blob()
    if (!blob.type.startsWith('image/')) return null
    return await new Promise((resolve) => {
      const reader = new FileReader()
      reader.onload = () => resolve(typeof reader.result === 'string' ? reader.result : null)
      reader.onerror = () => resolve(null)
      reader.readAsDataURL(blob)
    })
  } catch {
    return null
  }
}

/**
 * A media path made absolute to the page's origin when there is one.
 * @param {string} src
 */
function absoluteUrl (src) {
  const origin = typeof location === 'undefined' ? '' : location.origin
  return /^https?:\/\//.test(origin) ? new URL(src, origin).href : src
}

/**
 * The objects in a picture: all, or a frame and what it wholly contains; connectors only when
 * both their ends are pictured.
 * @param {Map<string, Plain>} objects
 * @param {string} [frameId]
 * @returns {Array<[string, Plain]>}
 */
function pictured (objects, frameId) {
  let area = null
  if (frameId !== undefined) {
    const frame = objects.get(frameId)
    if (frame?.type !== 'frame') throw new Error(t('There is no such frame on this board.'))
    area = /** @type {Box} */ (boxOf(frame))
  }
  const boxed = [...objects].filter(([id, o]) => {
    const box = boxOf(o)
    return box !== null && (area === null || id === frameId || contains(area, box))
  })
  const ids = new Set(boxed.map(([id]) => id))
  const connectors = [...objects].filter(([, o]) => o.type === 'connector' && ids.has(o.from) && ids.has(o.to))
  return [...boxed, ...connectors]
}

/**
 * @typedef {object} RenderOptions
 * @property {boolean} anonymous
 * @property {(src: string) => string | null} imageHref the href of an image, or null to draw a placeholder
 */

/**
 * @param {Array<[string, Plain]>} entries
 * @param {RenderOptions} options
 * @returns {{svg: string, width: number, height: number}}
 */
function renderSvg (entries, options) {
  const byId = new Map(entries)
  const bounds = boundsOf(entries)
  const x = bounds.x - MARGIN
  const y = bounds.y - MARGIN
  const width = Math.max(1, bounds.w + 2 * MARGIN)
  const height = Math.max(1, bounds.h + 2 * MARGIN)
  const ordered = [...entries].sort(([, a], [, b]) => Number(b.type === 'frame') - Number(a.type === 'frame') || a.z - b.z)
  const arrowColors = new Set(entries.filter(([, o]) => o.type === 'connector' && o.arrow !== 'none').map(([, o]) => o.color))
  const markers = [...arrowColors].map((color) =>
    `<marker id="arrow-${color}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="5" markerHeight="5" orient="auto-start-reverse">` +
    `<path d="M0,0L10,5L0,10z" fill="${ink(color)}"/></marker>`)
  const body = ordered.map(([id, obj]) => {
    const content = drawObject(obj, byId, options)
    return content && `<g data-id="${escapeXml(id)}" data-type="${obj.type}">${content}</g>`
  })
  const svg = [
    `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="${num(width)}" height="${num(height)}" viewBox="${num(x)} ${num(y)} ${num(width)} ${num(height)}" font-family="${escapeXml(FONT)}">`,
    `<rect x="${num(x)}" y="${num(y)}" width="${num(width)}" height="${num(height)}" fill="${BACKGROUND}"/>`,
    markers.length ? `<defs>${markers.join('')}</defs>` : '',
    ...body,
    '</svg>'
  ].filter(Boolean).join('\n')
  return { svg: `${svg}\n`, width, height }
}

/**
 * The box around everything drawn: frames with their titles, drawings by their points.
 * @param {Array<[string, Plain]>} entries
 * @returns {Box}
 */
function boundsOf (entries) {
  let left = Infinity
  let top = Infinity
  let right = -Infinity
  let bottom = -Infinity
  for (const [, obj] of entries) {
    const box = obj.type === 'drawing' ? drawingBox(obj) : boxOf(obj)
    if (!box) continue
    const above = obj.type === 'frame' ? FRAME_TITLE : 0
    left = Math.min(left, box.x)
    top = Math.min(top, box.y - above)
    right = Math.max(right, box.x + box.w)
    bottom = Math.max(bottom, box.y + box.h)
  }
  return left === Infinity ? { x: 0, y: 0, w: 0, h: 0 } : { x: left, y: top, w: right - left, h: bottom - top }
}

/** @param {Plain} obj @returns {Box} */
function drawingBox (obj) {
  const xs = obj.points.filter((/** @type {number} */ _, i) => i % 2 === 0)
  const ys = obj.points.filter((/** @type {number} */ _, i) => i % 2 === 1)
  const half = obj.width / 2
  const left = obj.x + Math.min(...xs) - half
  const top = obj.y + Math.min(...ys) - half
  return { x: left, y: top, w: obj.x + Math.max(...xs) + half - left, h: obj.y + Math.max(...ys) + half - top }
}

/**
 * The SVG of one object (without its group), or '' when there is nothing to draw.
 * @param {Plain} obj
 * @param {Map<string, Plain>} byId
 * @param {RenderOptions} options
 */
function drawObject (obj, byId, options) {
  switch (obj.type) {
    case 'note': return drawNote(obj, options.anonymous)
    case 'text': return drawText(obj)
    case 'shape': return drawShape(obj)
    case 'connector': return drawConnector(obj, byId)
    case 'drawing': return drawDrawing(obj)
    case 'frame': return drawFrame(obj)
    case 'image': return drawImage(obj, options.imageHref(obj.src))
    default: return ''
  }
}

/** @param {Plain} note @param {boolean} anonymous */
function drawNote (note, anonymous) {
  const { x, y, w, h } = note
  const author = anonymous ? '' : oneLine(note.author)
  const reactions = reactionList(note).map(([emoji, count]) => `${emoji} ${messages().number(count)}`).join(' ')
  const footer = author || reactions ? SMALL_FONT * 1.8 : 0
  const maxLines = Math.floor((h - 2 * NOTE_PAD - footer) / (NOTE_FONT * LINE_HEIGHT))
  const lines = wrapText(note.text, w - 2 * NOTE_PAD, NOTE_FONT, maxLines)
  const parts = [
    `<rect x="${num(x)}" y="${num(y)}" width="${num(w)}" height="${num(h)}" rx="8" fill="${paper(note.color)}" stroke="#000" stroke-opacity="0.12"/>`,
    textElement(lines, { x: x + NOTE_PAD, y: y + NOTE_PAD, fontSize: NOTE_FONT, fill: PALETTE.ink.black })
  ]
  const baseline = y + h - NOTE_PAD
  if (author) {
    const name = wrapText(author, (w - 2 * NOTE_PAD) * (reactions ? 0.6 : 1), SMALL_FONT, 1)
    parts.push(`<text x="${num(x + NOTE_PAD)}" y="${num(baseline)}" font-size="${SMALL_FONT}" fill="#57534e">${escapeXml(name[0] ?? '')}</text>`)
  }
  if (reactions) {
    parts.push(`<text x="${num(x + w - NOTE_PAD)}" y="${num(baseline)}" font-size="${SMALL_FONT}" text-anchor="end" fill="#57534e">${escapeXml(reactions)}</text>`)
  }
  return parts.join('')
}

/** @param {Plain} obj */
function drawText (obj) {
  const fontSize = Math.max(1, obj.fontSize)
  const lines = wrapText(obj.text, obj.w, fontSize)
  return textElement(lines, { x: obj.x, y: obj.y, fontSize, fill: ink(obj.color) })
}

/** How much of a shape's width and height its label may use. */
const LABEL_AREA = { rect: [0.88, 0.84], ellipse: [0.7, 0.7], diamond: [0.5, 0.5] }

/** @param {Plain} obj */
function drawShape (obj) {
  const { x, y, w, h } = obj
  const cx = x + w / 2
  const cy = y + h / 2
  const style = `fill="${paper(obj.color)}" stroke="#000" stroke-opacity="0.25" stroke-width="1.5"`
  let outline
  if (obj.shape === 'ellipse') {
    outline = `<ellipse cx="${num(cx)}" cy="${num(cy)}" rx="${num(w / 2)}" ry="${num(h / 2)}" ${style}/>`
  } else if (obj.shape === 'diamond') {
    const points = [[cx, y], [x + w, cy], [cx, y + h], [x, cy]].map(([px, py]) => `${num(px)},${num(py)}`).join(' ')
    outline = `<polygon points="${points}" ${style}/>`
  } else {
    outline = `<rect x="${num(x)}" y="${num(y)}" width="${num(w)}" height="${num(h)}" rx="6" ${style}/>`
  }
  const [across, down] = LABEL_AREA[/** @type {'rect' | 'ellipse' | 'diamond'} */ (obj.shape)]
  const lineHeight = NOTE_FONT * LINE_HEIGHT
  const lines = wrapText(obj.text, w * across, NOTE_FONT, Math.max(1, Math.floor((h * down) / lineHeight)))
  const label = textElement(lines, { x: cx, y: cy - (lines.length * lineHeight) / 2, fontSize: NOTE_FONT, fill: PALETTE.ink.black, anchor: 'middle' })
  return outline + label
}

/**
 * A line between the edges of the two joined objects, toward each other's centre.
 * @param {Plain} obj
 * @param {Map<string, Plain>} byId
 */
function drawConnector (obj, byId) {
  const from = /** @type {Plain} */ (byId.get(obj.from))
  const to = /** @type {Plain} */ (byId.get(obj.to))
  const start = edgePoint(from, centre(to))
  const end = edgePoint(to, centre(from))
  const marker = `url(#arrow-${obj.color})`
  const ends = (obj.arrow === 'both' ? ` marker-start="${marker}"` : '') + (obj.arrow !== 'none' ? ` marker-end="${marker}"` : '')
  return `<line x1="${num(start.x)}" y1="${num(start.y)}" x2="${num(end.x)}" y2="${num(end.y)}" stroke="${ink(obj.color)}" stroke-width="2" stroke-linecap="round"${ends}/>`
}

/** @param {Plain} obj */
function centre (obj) {
  const box = /** @type {Box} */ (boxOf(obj))
  return { x: box.x + box.w / 2, y: box.y + box.h / 2 }
}

/**
 * Where a ray from an object's centre toward a point leaves its outline.
 * @param {Plain} obj
 * @param {{x: number, y: number}} toward
 */
function edgePoint (obj, toward) {
  const box = /** @type {Box} */ (boxOf(obj))
  const c = centre(obj)
  const dx = toward.x - c.x
  const dy = toward.y - c.y
  if (dx === 0 && dy === 0) return c
  const rx = box.w / 2
  const ry = box.h / 2
  let t
  if (obj.type === 'shape' && obj.shape === 'ellipse') t = 1 / Math.hypot(dx / rx, dy / ry)
  else if (obj.type === 'shape' && obj.shape === 'diamond') t = 1 / (Math.abs(dx) / rx + Math.abs(dy) / ry)
  else t = Math.min(dx ? rx / Math.abs(dx) : Infinity, dy ? ry / Math.abs(dy) : Infinity)
  t = Math.min(t, 1)
  return { x: c.x + dx * t, y: c.y + dy * t }
}

/**
 * A freehand stroke smoothed with quadratic curves through the midpoints of its points.
 * @param {Plain} obj
 */
function drawDrawing (obj) {
  /** @type {Array<[number, number]>} */
  const points = []
  for (let i = 0; i + 1 < obj.points.length; i += 2) points.push([obj.x + obj.points[i], obj.y + obj.points[i + 1]])
  const at = (/** @type {[number, number]} */ [px, py]) => `${num(px)},${num(py)}`
  let d = `M${at(points[0])}`
  for (let i = 1; i < points.length - 1; i++) {
    const mid = /** @type {[number, number]} */ ([(points[i][0] + points[i + 1][0]) / 2, (points[i][1] + points[i + 1][1]) / 2])
    d += `Q${at(points[i])} ${at(mid)}`
  }
  d += `L${at(points[points.length - 1])}`
  return `<path d="${d}" fill="none" stroke="${ink(obj.color)}" stroke-width="${num(obj.width)}" stroke-linecap="round" stroke-linejoin="round"/>`
}

/** @param {Plain} obj */
function drawFrame (obj) {
  const { x, y, w, h } = obj
  const title = wrapText(oneLine(obj.title), w, 16, 1)[0] ?? ''
  return `<rect x="${num(x)}" y="${num(y)}" width="${num(w)}" height="${num(h)}" rx="8" fill="#ffffff" stroke="#cbd5e1" stroke-width="1.5"/>` +
    (title ? `<text x="${num(x)}" y="${num(y - 9)}" font-size="16" font-weight="600" fill="#334155">${escapeXml(title)}</text>` : '')
}

/** @param {Plain} obj @param {string | null} href */
function drawImage (obj, href) {
  const { x, y, w, h } = obj
  const title = obj.alt ? `<title>${escapeXml(obj.alt)}</title>` : ''
  if (href === null) {
    return `<rect x="${num(x)}" y="${num(y)}" width="${num(w)}" height="${num(h)}" fill="#e5e7eb" stroke="#9ca3af" stroke-dasharray="6 4">${title}</rect>`
  }
  const link = escapeXml(href)
  return `<image href="${link}" xlink:href="${link}" x="${num(x)}" y="${num(y)}" width="${num(w)}" height="${num(h)}" preserveAspectRatio="xMidYMid meet">${title}</image>`
}

/**
 * A `<text>` of lines, the first line's top at `y`.
 * @param {string[]} lines
 * @param {{x: number, y: number, fontSize: number, fill: string, anchor?: 'start' | 'middle'}} style
 */
function textElement (lines, { x, y, fontSize, fill, anchor = 'start' }) {
  const spans = lines.map((line, i) => (line
    ? `<tspan x="${num(x)}" y="${num(y + fontSize + i * fontSize * LINE_HEIGHT)}">${escapeXml(line)}</tspan>`
    : ''))
  if (!spans.some(Boolean)) return ''
  const anchored = anchor === 'start' ? '' : ` text-anchor="${anchor}"`
  return `<text font-size="${num(fontSize)}" fill="${fill}"${anchored}>${spans.join('')}</text>`
}

/** @param {string} color */
const paper = (color) => PALETTE.note[/** @type {keyof typeof PALETTE.note} */ (color)] ?? PALETTE.note.yellow
/** @param {string} color */
const ink = (color) => PALETTE.ink[/** @type {keyof typeof PALETTE.ink} */ (color)] ?? PALETTE.ink.black

/** @param {number} value a coordinate with at most two decimals */
const num = (value) => String(Math.round(value * 100) / 100)

/** Characters XML 1.0 does not allow, and lone surrogates (pairs are matched first and kept). */
const NOT_XML = /[\ud800-\udbff][\udc00-\udfff]|[\u0000-\u0008\u000b\u000c\u000e-\u001f\ud800-\udfff\ufffe\uffff]/g
const XML_ENTITIES = /** @type {Record<string, string>} */ ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })

/**
 * Text safe inside an XML element or a quoted attribute.
 * @param {string} value
 */
function escapeXml (value) {
  return value.replace(NOT_XML, (match) => (match.length === 2 ? match : ''))
    .replace(/[&<>"']/g, (c) => XML_ENTITIES[c])
}

// ---------------------------------------------------------------------------------------------
// Text wrapping

/** @type {CanvasRenderingContext2D | null | undefined} */
let measureContext

/**
 * The width of a run of text: measured when a canvas is available, estimated otherwise.
 * @param {string} text
 * @param {number} fontSize
 */
function textWidth (text, fontSize) {
  if (measureContext === undefined) {
    measureContext = typeof document === 'undefined' ? null : document.createElement('canvas').getContext('2d')
  }
  if (measureContext) {
    measureContext.font = `${fontSize}px ${FONT}`
    return measureContext.measureText(text).width
  }
  let width = 0
  for (const char of text) width += charWidth(char)
  return width * fontSize
}

/** @param {string} char @returns {number} an estimate of its width in ems */
function charWidth (char) {
  const code = /** @type {number} */ (char.codePointAt(0))
  if (code >= 0xfe00 && code <= 0xfe0f) return 0
  if (code > 0xffff || (code >= 0x1100 && code <= 0x115f) || (code >= 0x2e80 && code <= 0xa4cf) ||
    (code >= 0xac00 && code <= 0xd7a3) || (code >= 0xf900 && code <= 0xfaff) || (code >= 0xff00 && code <= 0xff60)) return 1
  if (' ilj.,;:\'|!()[]{}ftr'.includes(char)) return 0.3
  if ('mwMW@%'.includes(char)) return 0.85
  if (char >= 'A' && char <= 'Z') return 0.66
  return 0.55
}

/**
 * Text broken into lines that fit a width; words longer than a line are split. When there are
 * more than `maxLines`, the last kept line ends with an ellipsis.
 * @param {string} text
 * @param {number} width
 * @param {number} fontSize
 * @param {number} [maxLines]
 * @returns {string[]}
 */
function wrapText (text, width, fontSize, maxLines = Infinity) {
  if (maxLines < 1) return []
  const lines = []
  for (const paragraph of text.replace(/\r\n?/g, '\n').split('\n')) {
    let line = ''
    for (const word of paragraph.split(/[ \t]+/)) {
      const candidate = line ? `${line} ${word}` : word
      if (textWidth(candidate, fontSize) <= width) {
        line = candidate
        continue
      }
      if (line) lines.push(line)
      line = word
      if (textWidth(word, fontSize) <= width) continue
      line = ''
      for (const char of word) {
        if (line && textWidth(line + char, fontSize) > width) {
          lines.push(line)
          line = ''
        }
        line += char
      }
    }
    lines.push(line)
    if (lines.length > maxLines) break
  }
  if (lines.length <= maxLines) return lines
  const kept = lines.slice(0, maxLines)
  let last = kept[maxLines - 1]
  while (last && textWidth(`${last}…`, fontSize) > width) last = Array.from(last).slice(0, -1).join('')
  kept[maxLines - 1] = `${last.trimEnd()}…`
  return kept
}

// ---------------------------------------------------------------------------------------------
// Saving

/**
 * Save data as a file through a temporary download link.
 * @param {string} filename
 * @param {string | Blob} data
 * @param {string} mime e.g. 'text/markdown;charset=utf-8'
 */
export function download (filename, data, mime) {
  const blob = data instanceof Blob ? data : new Blob([data], { type: mime })
  const url = URL.createObjectURL(blob)
  const link = document.createElement('a')
  link.href = url
  link.download = filename
  link.hidden = true
  document.body.append(link)
  link.click()
  link.remove()
  setTimeout(() => URL.revokeObjectURL(url), 60_000)
}
