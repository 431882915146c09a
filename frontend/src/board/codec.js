/**
 * Board objects as plain JSON, and back: one codec for the JSON export and import, copy and
 * paste (also between boards) and templates. Everything read from outside is sanitised.
 */

import * as Y from 'yjs'
import {
  ARROWS, DEFAULT_BOARD_LIMITS, DEFAULT_SIZE, INK_COLORS, LIMITS, NOTE_COLORS, OBJECT_TYPES, REACTIONS, SHAPES, TEXT_FIELDS,
  finite, oneOf
} from './schema.js'
import { t, tn } from '../i18n.js'

export const FORMAT = 'coworking-board'
export const VERSION = 1

/** @returns {string} a random 128-bit hex id (crypto.randomUUID needs a secure context) */
export function newId () {
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join('')
}

/** Every field an object may have (see schema.js); nothing else is read from the document. */
const FIELDS = [
  'type', 'z', 'author', 'authorId', 'createdAt', 'x', 'y', 'w', 'h', 'color', 'text', 'reactions', 'fontSize',
  'shape', 'from', 'to', 'arrow', 'points', 'width', 'title', 'src', 'alt', 'locked'
]

/** Most entries read from one list or map (a drawing's points are the longest list). */
const MAX_ENTRIES = LIMITS.points * 2

/**
 * A value read with bounded depth and size, whatever the document holds: Y.Text as a string,
 * lists and maps (Yjs or plain) `depth` levels deep with at most MAX_ENTRIES entries each.
 * Anything nested deeper, or of another kind, is dropped (undefined), never walked.
 * @param {unknown} value
 * @param {number} [depth] levels of lists and maps allowed: fields hold one at most
 * @returns {unknown}
 */
export function readValue (value, depth = 1) {
  if (value === null || typeof value !== 'object') return value
  if (value instanceof Y.Text) return value.toString()
  if (depth <= 0) return undefined
  const inner = (/** @type {unknown} */ v) => readValue(v, depth - 1)
  if (value instanceof Y.Array || Array.isArray(value)) return value.slice(0, MAX_ENTRIES).map(inner)
  if (value instanceof Y.Map) {
    /** @type {Record<string, unknown>} */
    const plain = {}
    let count = 0
    for (const [key, v] of value.entries()) {
      if (count++ >= MAX_ENTRIES) break
      plain[key] = inner(v)
    }
    return plain
  }
  if (Object.getPrototypeOf(value) !== Object.prototype) return undefined
  return Object.fromEntries(Object.entries(value).slice(0, MAX_ENTRIES).map(([key, v]) => [key, inner(v)]))
}

/**
 * One object's fields as plain JSON (Y.Text as strings, reactions as an object), each read
 * with readValue.
 * @param {Y.Map<any>} ymap
 * @returns {Record<string, any>}
 */
function toPlain (ymap) {
  /** @type {Record<string, any>} */
  const plain = {}
  for (const key of FIELDS) if (ymap.has(key)) plain[key] = readValue(ymap.get(key))
  return plain
}

/**
 * One object of the document, sanitised, or null when it is not a valid one. Each object is
 * read on its own: one that cannot be read is skipped and never stops the others.
 * @param {unknown} value a value of the `objects` map
 * @returns {Record<string, any> | null}
 */
export function readObject (value) {
  if (!(value instanceof Y.Map)) return null
  try {
    return sanitize(toPlain(value))
  } catch {
    return null
  }
}

/**
 * The board's valid objects as plain JSON, by id: the first `limit` of them, as the board
 * shows them.
 * @param {Y.Doc} doc
 * @param {number} [limit]
 * @returns {Map<string, Record<string, any>>}
 */
export function plainObjects (doc, limit = DEFAULT_BOARD_LIMITS.maxObjects) {
  const result = new Map()
  for (const [id, value] of doc.getMap('objects').entries()) {
    if (result.size >= limit) break
    const clean = readObject(value)
    if (clean) result.set(id, clean)
  }
  return result
}

const MEDIA_URL = /^\/r\/[a-z0-9-]+\/media\/[A-Za-z0-9_-][A-Za-z0-9._-]*$/

/**
 * Make a drawing's box the bounds of its points (points then start at 0, 0).
 * @param {Record<string, any>} drawing
 */
function fitDrawingBox (drawing) {
  const xs = drawing.points.filter((_, i) => i % 2 === 0)
  const ys = drawing.points.filter((_, i) => i % 2 === 1)
  const minX = Math.min(...xs)
  const minY = Math.min(...ys)
  drawing.x += minX
  drawing.y += minY
  drawing.points = drawing.points.map((n, i) => n - (i % 2 === 0 ? minX : minY))
  drawing.w = Math.max(1, Math.max(...xs) - minX)
  drawing.h = Math.max(1, Math.max(...ys) - minY)
}

/** @param {unknown} value @param {number} max */
const text = (value, max = LIMITS.text) => (typeof value === 'string' ? value.slice(0, max) : '')

/**
 * A valid plain object built from untrusted input, or null when it is not one.
 * @param {Record<string, any>} input
 * @returns {Record<string, any> | null}
 */
export function sanitize (input) {
  if (input === null || typeof input !== 'object') return null
  const type = input.type
  if (!OBJECT_TYPES.includes(type)) return null
  /** @type {Record<string, any>} */
  const out = {
    type,
    z: finite(input.z, 0),
    author: text(input.author, 200),
    authorId: text(input.authorId, 200),
    createdAt: finite(input.createdAt, 0, 1e15)
  }
  if (input.locked === true) out.locked = true
  if (type !== 'connector') {
    const size = DEFAULT_SIZE[type] ?? { w: 1, h: 1 }
    out.x = finite(input.x, 0)
    out.y = finite(input.y, 0)
    out.w = Math.max(1, finite(input.w, size.w, LIMITS.size))
    out.h = Math.max(1, finite(input.h, size.h, LIMITS.size))
  }
  switch (type) {
    case 'note':
      out.color = oneOf(input.color, NOTE_COLORS, 'yellow')
      out.text = text(input.text)
      out.reactions = Object.fromEntries(
        Object.keys(input.reactions && typeof input.reactions === 'object' ? input.reactions : {})
          .filter((key) => REACTIONS.includes(key.slice(key.indexOf(' ') + 1)) && key.length < 220)
          .map((key) => [key, 1])
      )
      break
    case 'text':
      out.color = oneOf(input.color, INK_COLORS, 'black')
      out.fontSize = Math.max(6, finite(input.fontSize, 20, 400))
      out.text = text(input.text)
      break
    case 'shape':
      out.shape = oneOf(input.shape, SHAPES, 'rect')
      out.color = oneOf(input.color, NOTE_COLORS, 'blue')
      out.text = text(input.text)
      break
    case 'connector':
      out.from = text(input.from, 64)
      out.to = text(input.to, 64)
      out.arrow = oneOf(input.arrow, ARROWS, 'end')
      out.color = oneOf(input.color, INK_COLORS, 'gray')
      if (!out.from || !out.to || out.from === out.to) return null
      break
    case 'drawing':
      out.color = oneOf(input.color, INK_COLORS, 'black')
      out.width = Math.max(0.5, finite(input.width, 3, 100))
      out.points = (Array.isArray(input.points) ? input.points : [])
        .slice(0, LIMITS.points * 2).map((n) => finite(n, 0, LIMITS.size))
      if (out.points.length < 4 || out.points.length % 2) return null
      fitDrawingBox(out)
      break
    case 'frame':
      out.title = text(input.title, 500)
      break
    case 'image':
      out.src = typeof input.src === 'string' && MEDIA_URL.test(input.src) ? input.src : ''
      out.alt = text(input.alt, 500)
      if (!out.src) return null
      break
  }
  return out
}

/**
 * Whether a text is longer than the server takes (`maxValueBytes`, in UTF-8 bytes).
 * @param {string} value
 * @param {{maxValueBytes: number}} limits
 */
export function textTooLong (value, limits) {
  return value.length > limits.maxValueBytes / 3 && new TextEncoder().encode(value).length > limits.maxValueBytes
}

/** @param {{maxValueBytes: number}} limits */
export const textTooLongMessage = (limits) => tn(
  'That text is too long for the board: a text holds at most {count} byte.',
  'That text is too long for the board: a text holds at most {count} bytes.', limits.maxValueBytes
)

/**
 * Why the server would refuse adding these sanitised objects to a board, or null when it
 * would take them: a board holds at most `maxObjects` objects, a text `maxValueBytes` bytes.
 * @param {Y.Map<any>} objects the board's `objects` map
 * @param {Array<Record<string, any>>} plains
 * @param {{maxObjects: number, maxValueBytes: number}} limits
 * @returns {string | null}
 */
export function refusal (objects, plains, limits) {
  if (objects.size + plains.length > limits.maxObjects) {
    return tn('This board holds at most {count} object: delete some to make room.',
      'This board holds at most {count} objects: delete some to make room.', limits.maxObjects)
  }
  const long = plains.some((plain) => TEXT_FIELDS[plain.type] && textTooLong(plain[TEXT_FIELDS[plain.type]], limits))
  return long ? textTooLongMessage(limits) : null
}

/**
 * A `Y.Map` holding a sanitised plain object, ready to be put in `objects`.
 * @param {Record<string, any>} plain
 * @returns {Y.Map<any>}
 */
export function toYMap (plain) {
  const ymap = new Y.Map()
  const textField = TEXT_FIELDS[plain.type]
  for (const [key, value] of Object.entries(plain)) {
    if (key === textField) ymap.set(key, new Y.Text(value))
    else if (key === 'reactions') ymap.set(key, new Y.Map(Object.entries(value)))
    else ymap.set(key, value)
  }
  return ymap
}

/**
 * The JSON export of a board, or of some of its objects.
 * @param {Y.Doc} doc
 * @param {Iterable<string>} [ids] only these (and connectors between them)
 */
export function exportDocument (doc, ids) {
  const all = plainObjects(doc)
  const chosen = ids ? new Set(ids) : new Set(all.keys())
  const objects = [...all]
    .filter(([id, o]) => (o.type === 'connector' ? chosen.has(o.from) && chosen.has(o.to) : chosen.has(id)))
    .map(([id, o]) => ({ id, ...o }))
  return { format: FORMAT, version: VERSION, objects }
}

/**
 * Add objects to a board in one transaction; returns the ids they got. Throws an Error with a
 * readable message, adding nothing, when the server would refuse them (see `refusal`).
 *
 * Ids are kept when `keepIds` is set and free, otherwise new; connectors follow the mapping
 * and are dropped when an end is missing. Stacking order is kept, above everything present.
 * @param {Y.Doc} doc
 * @param {Array<Record<string, any>>} list plain objects, each with an `id`
 * @param {object} options
 * @param {any} options.origin the transaction origin (the local undo origin)
 * @param {{x: number, y: number}} [options.offset] added to every position
 * @param {boolean} [options.keepIds]
 * @param {{id: string, name: string} | null} [options.author] restamp authorship (paste, templates)
 * @param {{maxObjects: number, maxValueBytes: number}} [options.limits] what the server takes
 * @param {boolean} [options.locks] keep the objects' locks; without, they come unlocked (copies,
 *   and what someone who may not lock adds)
 * @returns {string[]}
 */
export function insertObjects (doc, list, {
  origin, offset = { x: 0, y: 0 }, keepIds = false, author = null, limits = DEFAULT_BOARD_LIMITS, locks = true
}) {
  const objects = doc.getMap('objects')
  const clean = list.map((item) => ({ id: text(item?.id, 64), plain: sanitize(item) }))
    .filter((item) => item.plain !== null)
  const refused = refusal(objects, clean.map((item) => /** @type {Record<string, any>} */ (item.plain)), limits)
  if (refused) throw new Error(refused)
  const ids = new Map(clean.map(({ id }) => [id, keepIds && id && !objects.has(id) ? id : newId()]))
  // An import into an empty board keeps the stacking numbers as they were.
  const keepZ = keepIds && objects.size === 0
  let top = 0
  for (const value of objects.values()) if (value instanceof Y.Map) top = Math.max(top, finite(value.get('z'), 0))
  const rank = new Map([...clean].sort((a, b) => a.plain.z - b.plain.z).map((item, i) => [item, i]))
  const now = Date.now()
  const added = []
  doc.transact(() => {
    for (const item of clean) {
      const { id, plain } = item
      if (plain.type === 'connector') {
        if (!ids.has(plain.from) || !ids.has(plain.to)) continue
        plain.from = ids.get(plain.from)
        plain.to = ids.get(plain.to)
      } else {
        plain.x += offset.x
        plain.y += offset.y
      }
      if (!keepZ) plain.z = top + 1 + /** @type {number} */ (rank.get(item))
      if (!locks) delete plain.locked
      if (author) {
        Object.assign(plain, { author: author.name, authorId: author.id, createdAt: now })
        if (plain.type === 'note') plain.reactions = {}
      }
      const given = /** @type {string} */ (ids.get(id))
      objects.set(given, toYMap(plain))
      added.push(given)
    }
  }, origin)
  return added
}

/**
 * Import a JSON export (text) into a board; rejects with an Error with a readable message.
 * `prepare` may rewrite the objects first, given the export's embedded images (URL -> data
 * URL): the board points images at copies in its own room.
 * @param {Y.Doc} doc
 * @param {string} json
 * @param {any} origin
 * @param {(list: Array<Record<string, any>>, media: Map<string, string>) => Promise<{objects: Array<Record<string, any>>}>} [prepare]
 * @param {{maxObjects: number, maxValueBytes: number}} [limits] what the server takes
 * @param {boolean} [locks] keep the objects' locks (see insertObjects)
 * @returns {Promise<string[]>} the ids of the imported objects
 */
export async function importDocument (doc, json, origin, prepare, limits = DEFAULT_BOARD_LIMITS, locks = true) {
  let parsed
  try {
    parsed = JSON.parse(json)
  } catch {
    throw new Error(t('This file is not JSON.'))
  }
  if (parsed?.format !== FORMAT || !Array.isArray(parsed.objects)) {
    throw new Error(t('This file is not a board export.'))
  }
  if (parsed.version > VERSION) throw new Error(t('This export comes from a newer version.'))
  const media = new Map(Object.entries(parsed.media && typeof parsed.media === 'object' ? parsed.media : {})
    .filter(([, data]) => typeof data === 'string' && data.startsWith('data:image/')))
  const objects = prepare ? (await prepare(parsed.objects, media)).objects : parsed.objects
  return insertObjects(doc, objects, { origin, keepIds: true, limits, locks })
}
