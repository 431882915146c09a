/**
 * The board document's schema: object types, their fields and defaults, and geometry.
 *
 * `doc.getMap('objects')` maps an object id to a `Y.Map` of fields. Fields every object has:
 * `type`, `z` (stacking order), `author`, `authorId`, `createdAt` (ms). Per type:
 *
 *   note       x y w h, color (NOTE_COLORS), text (Y.Text), reactions (Y.Map "<userId> <emoji>" -> 1)
 *   text       x y w h, color (INK_COLORS), fontSize (number), text (Y.Text)
 *   shape      x y w h, shape ('rect' | 'ellipse' | 'diamond'), color (NOTE_COLORS), text (Y.Text)
 *   connector  from, to (object ids), arrow ('none' | 'end' | 'both'), color (INK_COLORS)
 *   drawing    x y w h, points (number[]: x0, y0, x1, y1, ... relative to x, y), color (INK_COLORS), width
 *   frame      x y w h, title (Y.Text)
 *   image      x y w h, src (a media URL of this room), alt (string)
 *
 * Connectors have no box of their own: they run between the centres of the objects they join.
 * A frame contains the objects whose box lies wholly inside it.
 *
 * Any object may also carry `locked: true` (absent or false: unlocked). Clients leave a locked
 * object as it is (no moving, resizing, restyling, text editing or deleting, though reactions
 * stay open) until a facilitator unlocks it; a connector still goes when one of its ends does.
 */

export const OBJECT_TYPES = ['note', 'text', 'shape', 'connector', 'drawing', 'frame', 'image']
export const NOTE_COLORS = ['yellow', 'pink', 'blue', 'green', 'orange', 'purple', 'white', 'gray']
export const INK_COLORS = ['black', 'gray', 'red', 'orange', 'green', 'blue', 'purple']
export const SHAPES = ['rect', 'ellipse', 'diamond']
export const ARROWS = ['none', 'end', 'both']
export const REACTIONS = ['👍', '❤️', '🎉', '💡', '❓', '🔥']

/**
 * The style fields the toolbar sets: per style, the field it writes, the types that have that
 * field, the values offered and the one new objects get until another is chosen.
 * @type {Readonly<Record<'ink' | 'arrow' | 'fontSize' | 'width', {field: string, types: readonly string[], values: readonly (string | number)[], initial: string | number}>>}
 */
export const STYLES = Object.freeze({
  ink: { field: 'color', types: ['text', 'connector', 'drawing'], values: INK_COLORS, initial: 'black' },
  arrow: { field: 'arrow', types: ['connector'], values: ARROWS, initial: 'end' },
  fontSize: { field: 'fontSize', types: ['text'], values: [14, 20, 28, 40], initial: 20 },
  width: { field: 'width', types: ['drawing'], values: [2, 4, 8], initial: 4 }
})

/** Fields held as Y.Text (collaborative text) per type. */
export const TEXT_FIELDS = { note: 'text', text: 'text', shape: 'text', frame: 'title' }

/** Default size of each boxed type. */
export const DEFAULT_SIZE = {
  note: { w: 200, h: 160 },
  text: { w: 240, h: 60 },
  shape: { w: 180, h: 120 },
  frame: { w: 640, h: 440 },
  image: { w: 320, h: 240 },
  drawing: { w: 1, h: 1 }
}

/**
 * Limits that keep a hostile document from hurting a browser; `frameDepth` is the deepest
 * nesting of frames the board shows (deeper frames show at that depth).
 */
export const LIMITS = { coordinate: 1e7, size: 1e5, points: 20000, text: 20000, frameDepth: 12 }

/**
 * What the server accepts on a board (it announces its own with `board.limits` on join);
 * these hold until it does. The board shows at most `maxObjects` objects. `maxValueBytes`
 * (UTF-8 bytes of one text) is unknown until announced.
 */
export const DEFAULT_BOARD_LIMITS = Object.freeze({ maxObjects: 10000, maxValueBytes: Infinity })

/** @param {unknown} value @param {number} fallback @param {number} [bound] */
export function finite (value, fallback, bound = LIMITS.coordinate) {
  return typeof value === 'number' && Number.isFinite(value) && Math.abs(value) <= bound ? value : fallback
}

/** @template T @param {unknown} value @param {readonly T[]} allowed @param {T} fallback @returns {T} */
export function oneOf (value, allowed, fallback) {
  return allowed.includes(/** @type {T} */ (value)) ? /** @type {T} */ (value) : fallback
}

/**
 * The box of a plain object (see codec.js), or null for connectors.
 * @param {Record<string, any>} obj
 * @returns {{x: number, y: number, w: number, h: number} | null}
 */
export function boxOf (obj) {
  if (obj.type === 'connector') return null
  const size = DEFAULT_SIZE[obj.type] ?? { w: 1, h: 1 }
  return {
    x: finite(obj.x, 0),
    y: finite(obj.y, 0),
    w: Math.max(1, finite(obj.w, size.w, LIMITS.size)),
    h: Math.max(1, finite(obj.h, size.h, LIMITS.size))
  }
}

/** @param {{x: number, y: number, w: number, h: number}} outer @param {{x: number, y: number, w: number, h: number}} inner */
export function contains (outer, inner) {
  return inner.x >= outer.x && inner.y >= outer.y &&
    inner.x + inner.w <= outer.x + outer.w && inner.y + inner.h <= outer.y + outer.h
}

/** @param {{x: number, y: number, w: number, h: number}} a @param {{x: number, y: number, w: number, h: number}} b */
export function intersects (a, b) {
  return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h
}

/**
 * The frame each boxed object lies in (the smallest frame that wholly contains it).
 * @param {Map<string, Record<string, any>>} objects plain objects by id
 * @returns {Map<string, string>} object id -> frame id
 */
export function framesOf (objects) {
  const area = (/** @type {{w: number, h: number}} */ box) => box.w * box.h
  const frames = [...objects].filter(([, o]) => o.type === 'frame')
    .map(([id, o]) => ({ id, box: /** @type {{x: number, y: number, w: number, h: number}} */ (boxOf(o)) }))
    .sort((a, b) => area(a.box) - area(b.box))
  /** @param {number} size @param {boolean} strict @returns {number} the first frame at least (above) `size` */
  const firstFrom = (size, strict) => {
    let low = 0; let high = frames.length
    while (low < high) {
      const mid = (low + high) >> 1
      if (area(frames[mid].box) < size || (strict && area(frames[mid].box) === size)) low = mid + 1
      else high = mid
    }
    return low
  }
  const result = new Map()
  for (const [id, obj] of objects) {
    const box = boxOf(obj)
    if (box === null) continue
    // A frame sits only in a strictly larger one, so two equal frames never hold each other;
    // smaller frames cannot hold the box, so the search starts above them.
    for (let i = firstFrom(area(box), obj.type === 'frame'); i < frames.length; i++) {
      if (frames[i].id !== id && contains(frames[i].box, box)) {
        result.set(id, frames[i].id)
        break
      }
    }
  }
  return result
}

/**
 * Frame depths (0 at the top level), walking up the frames each frame lies in without
 * recursion. `parent` is rewritten so nesting stays bounded whatever a board holds: a chain
 * that leads back to itself is cut, and a frame deeper than LIMITS.frameDepth moves up to lie
 * in its ancestor one level above that depth.
 * @param {Map<string, string>} parent object id -> the frame it lies in (see framesOf)
 * @param {Iterable<string>} frameIds
 * @returns {Map<string, number>} frame id -> depth
 */
export function frameDepths (parent, frameIds) {
  const max = LIMITS.frameDepth
  /** @type {Map<string, number>} */
  const depth = new Map()
  for (const start of frameIds) {
    /** @type {string[]} frames of unknown depth, from `start` up */
    const chain = []
    const onChain = new Set()
    let at = /** @type {string | undefined} */ (start)
    while (at !== undefined && !depth.has(at) && !onChain.has(at)) {
      chain.push(at)
      onChain.add(at)
      at = parent.get(at)
    }
    if (at !== undefined && onChain.has(at)) {
      parent.delete(chain[chain.length - 1])
      at = undefined
    }
    let level = at === undefined ? -1 : /** @type {number} */ (depth.get(at))
    /** The frame at depth max - 1 on the way down, where deeper frames are moved. */
    let anchor = level === max ? parent.get(/** @type {string} */ (at)) : level === max - 1 ? at : undefined
    for (let i = chain.length - 1; i >= 0; i--) {
      const id = chain[i]
      level = Math.min(level + 1, max)
      if (level === max && anchor !== undefined) parent.set(id, anchor)
      if (level === max - 1) anchor = id
      depth.set(id, level)
    }
  }
  return depth
}

/**
 * Reaction counts of a note from its `reactions` field ("<userId> <emoji>" keys).
 * @param {Record<string, unknown> | undefined} reactions
 * @returns {Map<string, number>} emoji -> count, in REACTIONS order
 */
export function reactionCounts (reactions) {
  const counts = new Map()
  for (const key of Object.keys(reactions ?? {})) {
    const emoji = key.slice(key.indexOf(' ') + 1)
    if (REACTIONS.includes(emoji)) counts.set(emoji, (counts.get(emoji) ?? 0) + 1)
  }
  return new Map(REACTIONS.filter((e) => counts.has(e)).map((e) => [e, counts.get(e)]))
}
