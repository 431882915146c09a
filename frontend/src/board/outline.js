/**
 * A live text outline of the board for screen-reader and keyboard users: frames in reading
 * order with what lies in them, each object a button that brings it into view (and says
 * whether it is locked).
 */

import { plainObjects } from './codec.js'
import { DEFAULT_BOARD_LIMITS } from './schema.js'
import { boardSections, oneLine, reactionList, reactionWords, shortLabel } from './sections.js'
import { t } from '../i18n.js'
import { shownName } from '../names.js'

/** Quiet time after a change before the outline is rebuilt. */
const DEBOUNCE_MS = 250

/**
 * @typedef {{id: string | null, label: string, children: OutlineNode[]}} OutlineNode
 * @typedef {import('./sections.js').Entry} Entry
 * @typedef {import('./sections.js').Section} Section
 */

export class Outline {
  /**
   * @param {HTMLElement} container emptied and filled with the outline
   * @param {import('yjs').Doc} doc the board
   * @param {{anonymous?: boolean, onActivate?: (id: string) => void, limits?: {maxObjects: number}}} [options]
   *   `anonymous` leaves out authors; `onActivate` is called with the id of a chosen object;
   *   `limits.maxObjects` (read at each update) caps the objects listed, as the board shows them
   */
  constructor (container, doc, { anonymous = false, onActivate = () => {}, limits = DEFAULT_BOARD_LIMITS } = {}) {
    this.container = container
    this.doc = doc
    this.objects = doc.getMap('objects')
    this.anonymous = anonymous
    this.limits = limits
    this.onActivate = onActivate
    /** @type {ReturnType<typeof setTimeout> | null} */
    this.timer = null
    /** The last rendered outline, to skip rebuilding when nothing readable changed. */
    this.shown = ''

    const heading = document.createElement('h2')
    heading.textContent = t('Board outline')
    this.list = document.createElement('ul')
    this.list.dataset.testid = 'outline'
    container.replaceChildren(heading, this.list)

    /** @param {MouseEvent} event */
    this.onClick = (event) => {
      const button = event.target instanceof Element ? event.target.closest('button[data-id]') : null
      if (button instanceof HTMLElement && button.dataset.id) this.onActivate(button.dataset.id)
    }
    this.onChange = () => {
      if (this.timer !== null) clearTimeout(this.timer)
      this.timer = setTimeout(() => this.render(), DEBOUNCE_MS)
    }
    this.list.addEventListener('click', this.onClick)
    this.objects.observeDeep(this.onChange)
    this.render()
  }

  /**
   * Follows another document of the board (the player's, at another moment): the list is
   * rebuilt after the usual quiet time, as after a change, not at once.
   * @param {import('yjs').Doc} doc
   */
  bind (doc) {
    this.objects.unobserveDeep(this.onChange)
    this.doc = doc
    this.objects = doc.getMap('objects')
    this.objects.observeDeep(this.onChange)
    this.onChange()
  }

  /** Stop following the board and empty the container. */
  destroy () {
    if (this.timer !== null) clearTimeout(this.timer)
    this.timer = null
    this.objects.unobserveDeep(this.onChange)
    this.list.removeEventListener('click', this.onClick)
    this.container.replaceChildren()
  }

  /** Rebuild the list when its content changed, keeping keyboard focus on the same object. */
  render () {
    this.timer = null
    const nodes = outlineNodes(this.doc, { anonymous: this.anonymous, limit: this.limits.maxObjects })
    const shown = JSON.stringify(nodes)
    if (shown === this.shown) return
    this.shown = shown

    const active = document.activeElement
    const before = [...this.list.querySelectorAll('button')]
    const focusedAt = active instanceof HTMLButtonElement ? before.indexOf(active) : -1
    const focusedId = focusedAt >= 0 ? active?.getAttribute('data-id') : null

    if (nodes.length) {
      this.list.replaceChildren(...nodes.map(listItem))
    } else {
      const empty = document.createElement('li')
      empty.textContent = t('The board is empty.')
      this.list.replaceChildren(empty)
    }

    if (focusedAt < 0) return
    const after = [...this.list.querySelectorAll('button')]
    const target = after.find((button) => button.dataset.id === focusedId) ?? after[Math.min(focusedAt, after.length - 1)]
    target?.focus()
  }
}

/**
 * The outline's content: top-level frames in reading order, each with what lies in it (objects,
 * then inner frames, then connectors), then what lies in no frame.
 * @param {import('yjs').Doc} doc
 * @param {{anonymous?: boolean, limit?: number}} [options] `anonymous` leaves out authors; `limit`
 *   caps the objects listed (see plainObjects)
 * @returns {OutlineNode[]}
 */
export function outlineNodes (doc, { anonymous = false, limit } = {}) {
  const objects = plainObjects(doc, limit)
  const sections = boardSections(objects)
  /** @param {Entry} entry */
  const objectNode = (entry) => objectItem(entry, anonymous)
  /** @param {Entry} entry */
  const connectorNode = (entry) => connectorItem(entry, objects)
  /** @param {Section} section @returns {OutlineNode} */
  const frameNode = (section) => ({
    id: section.id,
    label: objects.get(section.id)?.locked
      // Translators: a frame on the board, by its title.
      ? t('Frame: {title}, locked', { title: section.title })
      // Translators: a frame on the board, by its title.
      : t('Frame: {title}', { title: section.title }),
    children: [...section.items.map(objectNode), ...section.frames.map(frameNode), ...section.connectors.map(connectorNode)]
  })
  const nodes = sections.frames.map(frameNode)
  const loose = [...sections.items.map(objectNode), ...sections.connectors.map(connectorNode)]
  // Translators: the heading, in the board's outline, of the objects that lie in no frame.
  if (loose.length) nodes.push({ id: null, label: t('Not in a frame'), children: loose })
  return nodes
}

/**
 * @param {Entry} entry
 * @param {boolean} anonymous
 * @returns {OutlineNode}
 */
function objectItem ({ id, obj }, anonymous) {
  const author = !anonymous && obj.author ? oneLine(shownName(obj.author)) : ''
  const reactions = reactionWords(reactionList(obj))
  return { id, label: objectLabel(describe(obj), author, reactions, Boolean(obj.locked)), children: [] }
}

/**
 * An object's entry in the outline: what it is, then who made it, its reactions and whether
 * it is locked, those it has; one message for each case.
 * @param {string} object what the object is and says (see describe)
 * @param {string} author '' when not named
 * @param {string} reactions its reactions in words, '' for none
 * @param {boolean} locked
 * @returns {string}
 */
function objectLabel (object, author, reactions, locked) {
  const params = { object, author, reactions }
  if (author && reactions && locked) {
    // Translators: an object in the board's outline. {object} is what it is and says ("Note: Ship it"),
    // {reactions} its reactions in words ("3 thumbs up, 1 idea").
    return t('{object}, by {author}, {reactions}, locked', params)
  }
  if (author && reactions) {
    // Translators: an object in the board's outline. {object} is what it is and says ("Note: Ship it"),
    // {reactions} its reactions in words ("3 thumbs up, 1 idea").
    return t('{object}, by {author}, {reactions}', params)
  }
  if (author && locked) {
    // Translators: an object in the board's outline. {object} is what it is and says ("Note: Ship it").
    return t('{object}, by {author}, locked', params)
  }
  if (reactions && locked) {
    // Translators: an object in the board's outline. {object} is what it is and says ("Note: Ship it"),
    // {reactions} its reactions in words ("3 thumbs up, 1 idea").
    return t('{object}, {reactions}, locked', params)
  }
  if (author) {
    // Translators: an object in the board's outline. {object} is what it is and says ("Note: Ship it").
    return t('{object}, by {author}', params)
  }
  if (reactions) {
    // Translators: an object in the board's outline. {object} is what it is and says ("Note: Ship it"),
    // {reactions} its reactions in words ("3 thumbs up, 1 idea").
    return t('{object}, {reactions}', params)
  }
  // Translators: a locked object on the board. {object} is what it is and says ("Note: Ship it").
  if (locked) return t('{object}, locked', params)
  return object
}

/**
 * What an object is and says, e.g. "Note: Ship it".
 * @param {Record<string, any>} obj
 */
function describe (obj) {
  const text = oneLine(obj.text)
  switch (obj.type) {
    case 'note':
      return text
        // Translators: a note on the board, and what it says.
        ? t('Note: {text}', { text })
        // Translators: a note on the board without text.
        : t('Empty note')
    case 'text':
      return text
        // Translators: a text object on the board, and what it says.
        ? t('Text: {text}', { text })
        // Translators: a text object on the board without text.
        : t('Empty text')
    case 'shape': return describeShape(obj.shape, text)
    // Translators: an image on the board, and its description.
    case 'image': return obj.alt ? t('Image: {alt}', { alt: oneLine(obj.alt) }) : t('Image without a description')
    // Translators: a freehand drawing on the board.
    case 'drawing': return t('Drawing')
    default: return obj.type
  }
}

/**
 * What a shape is and says, e.g. "Ellipse: Goal".
 * @param {string} shape one of SHAPES
 * @param {string} text
 */
function describeShape (shape, text) {
  switch (shape) {
    case 'ellipse':
      return text
        // Translators: a shape on the board, and the text in it.
        ? t('Ellipse: {text}', { text })
        // Translators: a shape on the board without text.
        : t('Ellipse')
    case 'diamond':
      return text
        // Translators: a shape on the board, and the text in it.
        ? t('Diamond: {text}', { text })
        // Translators: a shape on the board without text.
        : t('Diamond')
    default:
      return text
        // Translators: a shape on the board, and the text in it.
        ? t('Rectangle: {text}', { text })
        // Translators: a shape on the board without text.
        : t('Rectangle')
  }
}

/**
 * @param {Entry} entry
 * @param {Map<string, Record<string, any>>} objects
 * @returns {OutlineNode}
 */
function connectorItem ({ id, obj }, objects) {
  const ends = { from: shortLabel(objects.get(obj.from)), to: shortLabel(objects.get(obj.to)) }
  let label
  if (obj.arrow === 'both') {
    label = obj.locked
      // Translators: a connector with arrows at both ends, between two objects named by their texts.
      ? t('Connector: {from} ↔ {to}, locked', ends)
      // Translators: a connector with arrows at both ends, between two objects named by their texts.
      : t('Connector: {from} ↔ {to}', ends)
  } else {
    label = obj.locked
      // Translators: a connector from one object to another, each named by its text.
      ? t('Connector: {from} → {to}, locked', ends)
      // Translators: a connector from one object to another, each named by its text.
      : t('Connector: {from} → {to}', ends)
  }
  return { id, label, children: [] }
}

/**
 * @param {OutlineNode} node
 * @returns {HTMLLIElement}
 */
function listItem (node) {
  const item = document.createElement('li')
  let label
  if (node.id === null) {
    label = document.createElement('span')
  } else {
    label = document.createElement('button')
    label.type = 'button'
    label.dataset.id = node.id
  }
  label.textContent = node.label
  item.append(label)
  if (node.children.length) {
    const list = document.createElement('ul')
    list.append(...node.children.map(listItem))
    item.append(list)
  }
  return item
}
