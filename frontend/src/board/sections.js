/**
 * The board read as a document: frames become sections (nested when a frame lies in another,
 * at most LIMITS.frameDepth deep),
 * each holding its objects in reading order, top-to-bottom then left-to-right. Shared by the
 * Markdown and CSV exports and the accessible outline.
 */

import { boxOf, frameDepths, framesOf, reactionCounts } from './schema.js'
import { messages, t, tn } from '../i18n.js'

/** Objects whose tops differ by less than this (board units) count as one row. */
const ROW_TOLERANCE = 40

/** Longest label used when an object is named from its text. */
const LABEL_LENGTH = 60

/**
 * @typedef {{id: string, obj: Record<string, any>}} Entry
 * @typedef {object} Section
 * @property {string} id the frame's id
 * @property {string} title the frame's title, or a stand-in when it has none
 * @property {number} depth 0 for a top-level frame
 * @property {Entry[]} items boxed objects directly in this frame (not frames), in reading order
 * @property {Entry[]} connectors connectors whose two ends are directly in this frame
 * @property {Section[]} frames frames directly in this frame, in reading order
 * @typedef {object} Sections
 * @property {Section[]} frames top-level frames in reading order
 * @property {Entry[]} items boxed objects in no frame, in reading order
 * @property {Entry[]} connectors the remaining connectors
 */

/**
 * Entries sorted in reading order: rows from top to bottom, each row from left to right.
 * @param {Entry[]} entries boxed objects only
 * @returns {Entry[]}
 */
function readingOrder (entries) {
  const boxed = entries.map((entry) => ({ entry, box: /** @type {NonNullable<ReturnType<typeof boxOf>>} */ (boxOf(entry.obj)) }))
    .sort((a, b) => a.box.y - b.box.y || a.box.x - b.box.x)
  /** @type {Array<typeof boxed>} */
  const rows = []
  for (const item of boxed) {
    const row = rows[rows.length - 1]
    if (row && item.box.y - row[0].box.y < ROW_TOLERANCE) row.push(item)
    else rows.push([item])
  }
  return rows.flatMap((row) => row.sort((a, b) => a.box.x - b.box.x || a.box.y - b.box.y).map((item) => item.entry))
}

/**
 * A frame's title on one line, or a stand-in for an untitled frame.
 * @param {Record<string, any>} frame
 */
function frameTitle (frame) {
  // Translators: a frame without a title, as a heading in the board's outline and exports.
  return oneLine(frame.title) || t('Untitled frame')
}

/**
 * Text on one line: whitespace runs become single spaces; anything but a string becomes ''.
 * @param {unknown} value
 */
export const oneLine = (value) => (typeof value === 'string' ? value.replace(/\s+/g, ' ').trim() : '')

/**
 * The name of an object without text, for describing what a connector joins.
 * @param {string} type
 */
function unlabelled (type) {
  // Each names an object without text at one end of a connector, in "Connector: {from} → {to}".
  switch (type) {
    // Translators: a frame without a title at one end of a connector, in "Connector: {from} → {to}".
    case 'frame': return t('untitled frame')
    // Translators: an image without a description at one end of a connector, in "Connector: {from} → {to}".
    case 'image': return t('image')
    // Translators: a drawing at one end of a connector, in "Connector: {from} → {to}".
    case 'drawing': return t('drawing')
    // Translators: a note without text at one end of a connector, in "Connector: {from} → {to}".
    case 'note': return t('empty note')
    // Translators: a text object without text at one end of a connector, in "Connector: {from} → {to}".
    case 'text': return t('empty text')
    // Translators: a shape without text at one end of a connector, in "Connector: {from} → {to}".
    case 'shape': return t('empty shape')
    default: return type
  }
}

/**
 * A short name for an object, for describing what a connector joins.
 * @param {Record<string, any> | undefined} obj
 */
export function shortLabel (obj) {
  // Translators: the end of a connector whose object was deleted, in "Connector: {from} → {to}".
  if (!obj) return t('a deleted object')
  let label = ''
  if (obj.type === 'frame') label = oneLine(obj.title)
  else if (obj.type === 'image') label = oneLine(obj.alt)
  else if (typeof obj.text === 'string') label = oneLine(obj.text)
  if (!label) return unlabelled(obj.type)
  const chars = Array.from(label)
  return chars.length > LABEL_LENGTH ? `${chars.slice(0, LABEL_LENGTH - 1).join('')}…` : label
}

/**
 * A note's reactions as `[emoji, count]` pairs in REACTIONS order.
 * @param {Record<string, any>} obj
 * @returns {Array<[string, number]>}
 */
export function reactionList (obj) {
  return obj.type === 'note' ? [...reactionCounts(obj.reactions)] : []
}

/**
 * How many of one reaction a note has, in words a screen reader can say.
 * @param {string} emoji one of REACTIONS
 * @param {number} count
 */
function reactionWord (emoji, count) {
  switch (emoji) {
    // Translators: a count of 👍 reactions on a note.
    case '👍': return tn('{count} thumbs up', '{count} thumbs up', count)
    // Translators: a count of ❤️ reactions on a note.
    case '❤️': return tn('{count} heart', '{count} hearts', count)
    // Translators: a count of 🎉 reactions on a note.
    case '🎉': return tn('{count} party popper', '{count} party poppers', count)
    // Translators: a count of 💡 reactions on a note.
    case '💡': return tn('{count} idea', '{count} ideas', count)
    // Translators: a count of ❓ reactions on a note.
    case '❓': return tn('{count} question', '{count} questions', count)
    // Translators: a count of 🔥 reactions on a note.
    case '🔥': return tn('{count} fire', '{count} fires', count)
    default: return `${messages().number(count)} ${emoji}`
  }
}

/**
 * Items listed as the page's language lists them briefly: "3 thumbs up, 1 idea" in English.
 * @param {string[]} items
 * @returns {string}
 */
export function shortList (items) {
  return new Intl.ListFormat(messages().lang, { type: 'conjunction', style: 'narrow' }).format(items)
}

/**
 * Reactions in words, e.g. "3 thumbs up, 1 idea".
 * @param {Array<[string, number]>} reactions
 */
export function reactionWords (reactions) {
  return shortList(reactions.map(([emoji, count]) => reactionWord(emoji, count)))
}

/**
 * The board as sections.
 * @param {Map<string, Record<string, any>>} objects plain objects by id (see codec.js)
 * @returns {Sections}
 */
export function boardSections (objects) {
  const parent = framesOf(objects)
  const depths = frameDepths(parent, [...objects].filter(([, obj]) => obj.type === 'frame').map(([id]) => id))
  /** @type {Map<string, Section>} */
  const sections = new Map()
  for (const [id, obj] of objects) {
    if (obj.type === 'frame') {
      sections.set(id, { id, title: frameTitle(obj), depth: depths.get(id) ?? 0, items: [], connectors: [], frames: [] })
    }
  }
  /** @type {Sections} */
  const top = { frames: [], items: [], connectors: [] }
  /** @type {Map<Section | Sections, Entry[]>} */
  const frameEntries = new Map()
  for (const [id, obj] of objects) {
    const home = sections.get(/** @type {string} */ (parent.get(id))) ?? top
    if (obj.type === 'connector') {
      const from = parent.get(obj.from)
      const shared = objects.has(obj.from) && objects.has(obj.to) && from === parent.get(obj.to)
      const owner = (shared && sections.get(/** @type {string} */ (from))) || top
      owner.connectors.push({ id, obj })
    } else if (obj.type === 'frame') {
      if (!frameEntries.has(home)) frameEntries.set(home, [])
      frameEntries.get(home)?.push({ id, obj })
    } else {
      home.items.push({ id, obj })
    }
  }
  for (const [home, entries] of frameEntries) {
    home.frames = readingOrder(entries).map(({ id }) => /** @type {Section} */ (sections.get(id)))
  }
  for (const section of sections.values()) section.items = readingOrder(section.items)
  top.items = readingOrder(top.items)
  return top
}

/**
 * Every section depth-first, each before the frames inside it.
 * @param {Section[]} frames
 * @returns {Generator<Section>}
 */
export function * allSections (frames) {
  const stack = [...frames].reverse()
  for (let section = stack.pop(); section; section = stack.pop()) {
    yield section
    for (let i = section.frames.length - 1; i >= 0; i--) stack.push(section.frames[i])
  }
}
