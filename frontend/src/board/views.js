/**
 * DOM for one board object of each type. Views are built from sanitised plain objects (see
 * model.js); every document-controlled string goes through textContent or attributes.
 */

import * as Y from 'yjs'
import { REACTIONS, STYLES, TEXT_FIELDS, reactionCounts } from './schema.js'
import { bindText } from '../text-binding.js'
import { arrowHead, smoothPath } from './geometry.js'
import { PALETTE } from './export.js'
import { messages, t, tn } from '../i18n.js'
import { shownName } from '../names.js'

const SVG = 'http://www.w3.org/2000/svg'
/** Space around a connector's line inside its element, in world units. */
const LINE_PAD = 16
/** Longest text used in an accessible name. */
const LABEL_TEXT = 160

/**
 * @typedef {object} RenderContext
 * @property {import('./model.js').BoardModel} model
 * @property {boolean} canEdit
 * @property {boolean} anonymous
 * @property {string} userId
 * @property {any} origin the local transaction origin
 * @property {(text: string) => boolean} acceptText whether typed text may be sent (else it is undone)
 * @property {'near' | 'far'} lod far views show no editors, and text only as plain text
 */

/**
 * @typedef {object} ObjectView
 * @property {string} id
 * @property {string} type
 * @property {'near' | 'far'} lod
 * @property {HTMLElement} element the positioned, focusable element
 * @property {HTMLTextAreaElement | HTMLInputElement | null} field the text editor (near views)
 * @property {HTMLElement | null} staticText plain text (far views)
 * @property {Y.Text | null} ytext
 * @property {(() => void) | null} unbind
 * @property {HTMLElement | null} author
 * @property {HTMLElement | null} reactions
 * @property {SVGPathElement[]} paths
 * @property {HTMLImageElement | null} image
 * @property {HTMLElement | null} remoteLabel
 * @property {HTMLElement | null} voteBadge how many votes a most voted object got
 * @property {HTMLElement | null} lockBadge shown while the object is locked
 * @property {string} [fitted] the text and box the text size was last fitted to
 */

/**
 * What a screen reader calls an object of a type (its role description).
 * @param {string} type
 * @returns {string}
 */
function roleName (type) {
  switch (type) {
    // Translators: what a screen reader calls a note on the board (its role).
    case 'note': return t('sticky note')
    // Translators: what a screen reader calls a text object on the board (its role).
    case 'text': return t('text')
    // Translators: what a screen reader calls a shape on the board (its role).
    case 'shape': return t('shape')
    // Translators: what a screen reader calls a connector (a line between two objects) on the board (its role).
    case 'connector': return t('connector')
    // Translators: what a screen reader calls a freehand drawing on the board (its role).
    case 'drawing': return t('drawing')
    // Translators: what a screen reader calls a frame (an area grouping objects) on the board (its role).
    case 'frame': return t('frame')
    // Translators: what a screen reader calls an image on the board (its role).
    case 'image': return t('image')
    default: return type
  }
}

/** @param {string} text */
const short = (text) => {
  const line = text.replace(/\s+/g, ' ').trim()
  return line.length > LABEL_TEXT ? line.slice(0, LABEL_TEXT - 1) + '…' : line
}

/**
 * What a screen reader announces for an object, e.g. "Note by Ada: Ship it", and ", locked"
 * after it while it is locked.
 * @param {Record<string, any>} plain
 * @param {RenderContext} ctx
 */
export function accessibleName (plain, ctx) {
  const object = objectName(plain, ctx)
  // Translators: a locked object on the board. {object} is what it is and says ("Note: Ship it").
  return plain.locked ? t('{object}, locked', { object }) : object
}

/**
 * What an object is and says, e.g. "Note by Ada: Ship it".
 * @param {Record<string, any>} plain
 * @param {RenderContext} ctx
 */
function objectName (plain, ctx) {
  const author = !ctx.anonymous && plain.author ? shownName(plain.author) : ''
  switch (plain.type) {
    case 'note': {
      const text = short(plain.text)
      if (author) {
        return text
          // Translators: a note on the board, who wrote it and what it says.
          ? t('Note by {author}: {text}', { author, text })
          // Translators: a note on the board without text, and who made it.
          : t('Note by {author}: empty', { author })
      }
      return text
        // Translators: a note on the board, and what it says.
        ? t('Note: {text}', { text })
        // Translators: a note on the board without text.
        : t('Note: empty')
    }
    case 'text': {
      const text = short(plain.text)
      return text
        // Translators: a text object on the board, and what it says.
        ? t('Text: {text}', { text })
        // Translators: a text object on the board without text.
        : t('Text: empty')
    }
    case 'shape': {
      const text = short(plain.text)
      switch (plain.shape) {
        case 'ellipse':
          return text
            // Translators: a shape on the board, and the text in it.
            ? t('Ellipse: {text}', { text })
            // Translators: a shape on the board without text.
            : t('Ellipse: empty')
        case 'diamond':
          return text
            // Translators: a shape on the board, and the text in it.
            ? t('Diamond: {text}', { text })
            // Translators: a shape on the board without text.
            : t('Diamond: empty')
        default:
          return text
            // Translators: a shape on the board, and the text in it.
            ? t('Rectangle: {text}', { text })
            // Translators: a shape on the board without text.
            : t('Rectangle: empty')
      }
    }
    case 'frame': {
      const title = short(plain.title)
      return title
        // Translators: a frame on the board, by its title.
        ? t('Frame: {title}', { title })
        // Translators: a frame on the board without a title.
        : t('Frame: untitled')
    }
    case 'image': {
      const alt = short(plain.alt)
      return alt
        // Translators: an image on the board, and its description.
        ? t('Image: {alt}', { alt })
        // Translators: an image on the board without a description.
        : t('Image: no description')
    }
    case 'drawing':
      return author
        // Translators: a freehand drawing on the board, and who made it.
        ? t('Drawing by {author}', { author })
        // Translators: a freehand drawing on the board.
        : t('Drawing')
    case 'connector': {
      const end = (/** @type {string} */ id) => {
        const other = ctx.model.get(id)
        // Translators: the end of a connector whose object is gone, in "Connector from {from} to {to}".
        return other ? short(other.text ?? other.title ?? other.alt ?? '').slice(0, 40) || roleName(other.type) : t('missing')
      }
      // Translators: {from} and {to} are the texts of the two objects, or what they are ("sticky note").
      return t('Connector from {from} to {to}', { from: end(plain.from), to: end(plain.to) })
    }
  }
  // Translators: an object on the board of a kind this page does not know.
  return t('Object')
}

/**
 * @param {string} tag
 * @param {string} className
 */
function el (tag, className) {
  const element = document.createElement(tag)
  element.className = className
  return element
}

/**
 * A text of someone's: it takes its own direction (Arabic right to left, English left to
 * right), whatever the page's.
 * @template {HTMLElement} T
 * @param {T} element
 * @returns {T}
 */
function ownDirection (element) {
  element.dir = 'auto'
  return element
}

/** @param {string} tag @param {Record<string, string>} attributes */
function svgEl (tag, attributes = {}) {
  const element = document.createElementNS(SVG, tag)
  for (const [key, value] of Object.entries(attributes)) element.setAttribute(key, value)
  return element
}

/**
 * Builds the view of one object (without placing it; see updateView).
 * @param {string} id
 * @param {Record<string, any>} plain
 * @param {RenderContext} ctx
 * @returns {ObjectView}
 */
export function createView (id, plain, ctx) {
  const type = plain.type
  const element = el('div', `board-object type-${type}`)
  element.dataset.id = id
  element.dataset.type = type
  element.dataset.testid = type === 'note' ? 'note' : 'object'
  element.tabIndex = -1
  element.setAttribute('role', 'group')
  element.setAttribute('aria-roledescription', roleName(type))
  /** @type {ObjectView} */
  const view = {
    id, type, lod: ctx.lod, element, field: null, staticText: null, ytext: null, unbind: null,
    author: null, reactions: null, paths: [], image: null, remoteLabel: null, voteBadge: null, lockBadge: null
  }
  let body = element
  if (type === 'note') {
    // The note keeps its own test id; its body carries the generic one.
    body = el('div', 'object-body')
    body.dataset.testid = 'object'
    body.dataset.id = id
    body.dataset.type = type
    element.append(body)
    if (!ctx.anonymous && ctx.lod === 'near') {
      view.author = el('span', 'note-author')
      const header = el('header', 'note-header')
      header.append(view.author)
      body.append(header)
    }
  }
  if (type === 'shape') {
    const svg = svgEl('svg', { class: 'shape-outline', preserveAspectRatio: 'none', viewBox: '0 0 100 100', 'aria-hidden': 'true' })
    const path = svgEl('path', { 'vector-effect': 'non-scaling-stroke' })
    svg.append(path)
    view.paths.push(/** @type {SVGPathElement} */ (path))
    body.append(svg)
  }
  if (type === 'drawing' || type === 'connector') {
    const svg = svgEl('svg', { class: 'object-svg', 'aria-hidden': 'true' })
    const count = type === 'connector' ? 3 : 2
    for (let i = 0; i < count; i++) {
      const path = svgEl('path', { class: i === 0 ? 'hit' : 'ink' })
      svg.append(path)
      view.paths.push(/** @type {SVGPathElement} */ (path))
    }
    body.append(svg)
  }
  if (type === 'image') {
    view.image = /** @type {HTMLImageElement} */ (el('img', 'object-image'))
    view.image.draggable = false
    view.image.decoding = 'async'
    view.image.loading = 'lazy'
    body.append(view.image)
  }
  if (type === 'frame') {
    const title = el('div', 'frame-title')
    body.append(title)
    // Translators: the name of the field holding a frame's title on the board.
    addText(view, title, ctx, t('Frame title'))
  } else if (TEXT_FIELDS[type]) {
    let label
    // Translators: the name of the field holding a note's text on the board.
    if (type === 'note') label = t('Note text')
    // Translators: the name of the field holding the text in a shape on the board.
    else if (type === 'shape') label = t('Shape text')
    // Translators: the name of the field holding the text of a text object on the board.
    else label = t('Text')
    addText(view, body, ctx, label)
  }
  if (type === 'note' && ctx.lod === 'near') {
    view.reactions = el('div', 'note-reactions')
    view.reactions.setAttribute('role', 'group')
    // Translators: the name of a note's group of reaction buttons (👍, ❤️…).
    view.reactions.setAttribute('aria-label', t('Reactions'))
    for (const emoji of REACTIONS) {
      const button = /** @type {HTMLButtonElement} */ (el('button', 'reaction'))
      button.type = 'button'
      button.tabIndex = -1
      button.dataset.reaction = emoji
      button.dataset.testid = `reaction-${emoji}`
      button.disabled = !ctx.canEdit
      view.reactions.append(button)
    }
    body.append(view.reactions)
  }
  return view
}

/**
 * Adds the text part of a view: a bound editor near, plain text far.
 * @param {ObjectView} view
 * @param {HTMLElement} parent
 * @param {RenderContext} ctx
 * @param {string} label
 */
function addText (view, parent, ctx, label) {
  if (ctx.lod === 'far') {
    view.staticText = ownDirection(el('div', 'object-text is-static'))
    parent.append(view.staticText)
    return
  }
  const field = view.type === 'frame'
    ? /** @type {HTMLInputElement} */ (el('input', 'object-text frame-title-input'))
    : /** @type {HTMLTextAreaElement} */ (el('textarea', 'object-text'))
  if (view.type === 'note') field.dataset.testid = 'note-text'
  ownDirection(field)
  field.tabIndex = -1
  field.spellcheck = true
  field.readOnly = !ctx.canEdit
  field.setAttribute('aria-label', label)
  if (ctx.canEdit) {
    // Translators: the placeholder of a frame's empty title on the board.
    if (view.type === 'frame') field.placeholder = t('Frame title')
    // Translators: the placeholder of a note's empty text on the board.
    else if (view.type === 'note') field.placeholder = t('Type an idea…')
    // Translators: the placeholder of an empty text or shape on the board.
    else field.placeholder = t('Type…')
  }
  view.field = field
  parent.append(field)
}

/**
 * Brings a view up to date with its object.
 * @param {ObjectView} view
 * @param {Record<string, any>} plain
 * @param {RenderContext} ctx
 */
export function updateView (view, plain, ctx) {
  const { element } = view
  const style = element.style
  const box = ctx.model.box(view.id)
  if (!box) return
  if (plain.type === 'connector') {
    updateConnector(view, plain, ctx)
  } else {
    style.left = `${plain.x}px`
    style.top = `${plain.y}px`
    style.width = `${plain.w}px`
    style.height = `${plain.h}px`
  }
  style.zIndex = String(Math.max(0, Math.min(2e9, Math.round(plain.z) + 1e6)))
  if (plain.color) element.dataset.color = plain.color
  if (STYLES.ink.types.includes(plain.type)) style.setProperty('--ink', PALETTE.ink[/** @type {keyof typeof PALETTE.ink} */ (plain.color)])
  element.setAttribute('aria-label', accessibleName(plain, ctx))
  updateLockBadge(view, Boolean(plain.locked))

  const textField = TEXT_FIELDS[plain.type]
  if (textField) {
    if (view.staticText) view.staticText.textContent = plain[textField].slice(0, 300)
    if (view.field) {
      view.field.readOnly = !ctx.canEdit || Boolean(plain.locked)
      bindField(view, ctx)
    }
  }
  switch (plain.type) {
    case 'note':
      if (view.author) view.author.textContent = shownName(plain.author)
      if (view.reactions) updateReactions(view.reactions, plain, ctx)
      break
    case 'text':
      style.fontSize = `${plain.fontSize}px`
      break
    case 'shape':
      element.dataset.shape = plain.shape
      view.paths[0].setAttribute('d', plain.shape === 'ellipse'
        ? 'M50 1A49 49 0 1 1 49.99 1Z'
        : plain.shape === 'diamond' ? 'M50 1L99 50L50 99L1 50Z' : 'M1 1H99V99H1Z')
      break
    case 'drawing': {
      const d = smoothPath(plain.points)
      for (const path of view.paths) path.setAttribute('d', d)
      view.paths[1].style.strokeWidth = String(plain.width)
      view.paths[0].style.strokeWidth = String(plain.width + 12)
      break
    }
    case 'image':
      if (view.image && view.image.getAttribute('src') !== plain.src) view.image.src = plain.src
      if (view.image) view.image.alt = plain.alt
      break
  }
}

/**
 * Binds a near view's text editor to its object's Y.Text in the model's current document,
 * unless it is bound to that one already (a view kept across Board.bind holds the previous
 * document's until then).
 * @param {ObjectView} view
 * @param {RenderContext} ctx
 */
export function bindField (view, ctx) {
  const textField = TEXT_FIELDS[view.type]
  if (!view.field || !textField) return
  const ytext = ctx.model.ymap(view.id)?.get(textField)
  if (ytext === view.ytext) return
  view.unbind?.()
  view.ytext = ytext instanceof Y.Text ? ytext : null
  view.unbind = view.ytext ? bindText(view.field, view.ytext, ctx.origin, ctx.acceptText) : null
  if (!view.ytext) view.field.value = ''
}

/**
 * Shows or removes the lock badge (its words are in the object's accessible name).
 * @param {ObjectView} view
 * @param {boolean} locked
 */
function updateLockBadge (view, locked) {
  if (locked && !view.lockBadge) {
    view.lockBadge = el('span', 'lock-badge')
    view.lockBadge.dataset.testid = 'lock-badge'
    view.lockBadge.setAttribute('aria-hidden', 'true')
    const svg = svgEl('svg', { viewBox: '0 0 16 16', focusable: 'false' })
    svg.append(svgEl('rect', { x: '3', y: '7', width: '10', height: '8', rx: '1.5' }), svgEl('path', { d: 'M5 7V5a3 3 0 0 1 6 0v2' }))
    view.lockBadge.append(svg)
    view.element.append(view.lockBadge)
  } else if (!locked && view.lockBadge) {
    view.lockBadge.remove()
    view.lockBadge = null
  }
}

/**
 * @param {ObjectView} view
 * @param {Record<string, any>} plain
 * @param {RenderContext} ctx
 */
function updateConnector (view, plain, ctx) {
  const line = ctx.model.connectorLine(plain)
  const box = ctx.model.box(view.id)
  if (!line || !box) return
  const ox = box.x - LINE_PAD
  const oy = box.y - LINE_PAD
  const style = view.element.style
  style.left = `${ox}px`
  style.top = `${oy}px`
  style.width = `${box.w + LINE_PAD * 2}px`
  style.height = `${box.h + LINE_PAD * 2}px`
  const [a, b] = line.map((p) => ({ x: p.x - ox, y: p.y - oy }))
  const d = `M${a.x} ${a.y}L${b.x} ${b.y}`
  view.paths[0].setAttribute('d', d)
  view.paths[1].setAttribute('d', d)
  const heads = []
  if (plain.arrow !== 'none') heads.push(arrowHead(a, b))
  if (plain.arrow === 'both') heads.push(arrowHead(b, a))
  view.paths[2].setAttribute('d', heads.join(''))
  view.paths[2].setAttribute('class', 'head')
}

/**
 * @param {HTMLElement} container
 * @param {Record<string, any>} plain a note
 * @param {RenderContext} ctx
 */
function updateReactions (container, plain, ctx) {
  const counts = reactionCounts(plain.reactions)
  for (const button of /** @type {HTMLCollectionOf<HTMLButtonElement>} */ (container.children)) {
    const emoji = /** @type {string} */ (button.dataset.reaction)
    const count = counts.get(emoji) ?? 0
    const mine = Object.hasOwn(plain.reactions, `${ctx.userId} ${emoji}`)
    button.textContent = count ? `${emoji} ${messages().number(count)}` : emoji
    button.setAttribute('aria-pressed', String(mine))
    // Translators: a reaction button on a note: the emoji and how many people chose it.
    button.setAttribute('aria-label', tn('{emoji} {count} reaction', '{emoji} {count} reactions', count, { emoji }))
    button.classList.toggle('is-used', count > 0)
    button.hidden = !ctx.canEdit && count === 0
  }
}

/** @param {ObjectView} view */
export function destroyView (view) {
  view.unbind?.()
  view.element.remove()
}

/** Font sizes (px) a note's or shape's text may take, largest first. */
const FIT_SIZES = [15, 13.5, 12, 10.5, 9, 8]

/**
 * Shrinks the text of notes and shapes until it fits their box, as sticky notes do. Views
 * whose text and box did not change since their last fitting are skipped; the others are
 * measured together, one layout per font size, so a full screen costs a few layouts.
 * @param {Iterable<ObjectView>} views
 */
export function fitTexts (views) {
  /** @type {Array<{field: HTMLElement, key: string, view: ObjectView}>} */
  let pending = []
  for (const view of views) {
    const field = view.field ?? view.staticText
    if (!field || (view.type !== 'note' && view.type !== 'shape') || !field.isConnected) continue
    const text = field instanceof HTMLElement && 'value' in field ? String(field.value) : field.textContent ?? ''
    const key = `${view.element.style.width}x${view.element.style.height}:${text}`
    if (view.fitted !== key) pending.push({ field, key, view })
  }
  for (const size of FIT_SIZES) {
    for (const { field } of pending) field.style.fontSize = `${size}px`
    pending = pending.filter(({ field, key, view }) => {
      const fits = field.scrollHeight <= field.clientHeight + 1
      if (fits || size === FIT_SIZES[FIT_SIZES.length - 1]) view.fitted = key
      return !fits
    })
    if (!pending.length) break
  }
}
