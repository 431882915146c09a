/**
 * A live text outline of the board for screen-reader and keyboard users: frames in reading
 * order with what lies in them, each object a button that brings it into view (and says
 * whether it is locked).
 */

import { plainObjects } from './codec.js'
import { DEFAULT_BOARD_LIMITS } from './schema.js'
import { boardSections, oneLine, reactionList, reactionWords, shortLabel } from './sections.js'

/** Quiet time after a change before the outline is rebuilt. */
const DEBOUNCE_MS = 250

const SHAPE_NAMES = /** @type {Record<string, string>} */ ({ rect: 'Rectangle', ellipse: 'Ellipse', diamond: 'Diamond' })

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
    heading.textContent = 'Board outline'
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
      empty.textContent = 'The board is empty.'
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
    label: `Frame: ${section.title}${objects.get(section.id)?.locked ? ', locked' : ''}`,
    children: [...section.items.map(objectNode), ...section.frames.map(frameNode), ...section.connectors.map(connectorNode)]
  })
  const nodes = sections.frames.map(frameNode)
  const loose = [...sections.items.map(objectNode), ...sections.connectors.map(connectorNode)]
  if (loose.length) nodes.push({ id: null, label: 'Not in a frame', children: loose })
  return nodes
}

/**
 * @param {Entry} entry
 * @param {boolean} anonymous
 * @returns {OutlineNode}
 */
function objectItem ({ id, obj }, anonymous) {
  const parts = [describe(obj)]
  if (!anonymous && obj.author) parts.push(`by ${oneLine(obj.author)}`)
  const reactions = reactionWords(reactionList(obj))
  if (reactions) parts.push(reactions)
  if (obj.locked) parts.push('locked')
  return { id, label: parts.join(', '), children: [] }
}

/**
 * What an object is and says, e.g. "Note: Ship it".
 * @param {Record<string, any>} obj
 */
function describe (obj) {
  const text = oneLine(obj.text)
  switch (obj.type) {
    case 'note': return text ? `Note: ${text}` : 'Empty note'
    case 'text': return text ? `Text: ${text}` : 'Empty text'
    case 'shape': return text ? `${SHAPE_NAMES[obj.shape]}: ${text}` : SHAPE_NAMES[obj.shape]
    case 'image': return obj.alt ? `Image: ${oneLine(obj.alt)}` : 'Image without a description'
    case 'drawing': return 'Drawing'
    default: return obj.type
  }
}

/**
 * @param {Entry} entry
 * @param {Map<string, Record<string, any>>} objects
 * @returns {OutlineNode}
 */
function connectorItem ({ id, obj }, objects) {
  const arrow = obj.arrow === 'both' ? '↔' : '→'
  const locked = obj.locked ? ', locked' : ''
  return { id, label: `Connector: ${shortLabel(objects.get(obj.from))} ${arrow} ${shortLabel(objects.get(obj.to))}${locked}`, children: [] }
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
