/**
 * Renders only what is visible: on the next animation frame after the view or the document
 * changes, asks the spatial index which objects meet the visible area (plus a margin) and
 * creates, updates or drops their views. Pan and zoom themselves only move the world
 * container (see viewport.js).
 */

import { bindField, createView, destroyView, fitTexts, updateView } from './views.js'
import { unionBox } from './geometry.js'
import { safeHexColor } from '../colors.js'
import { CanvasLayer } from './canvas-layer.js'
import { votesLabel } from './votes.js'
import { shortList } from './sections.js'
import { t } from '../i18n.js'

/** Id of the hidden element that describes a selected object to screen readers. */
const SELECTED_DESCRIPTION = 'board-selected-description'

/** Adds the hidden "Selected" description once per page. */
function ensureSelectedDescription () {
  if (document.getElementById(SELECTED_DESCRIPTION)) return
  const description = document.createElement('span')
  description.id = SELECTED_DESCRIPTION
  description.hidden = true
  // Translators: said by a screen reader of a selected object on the board.
  description.textContent = t('Selected')
  document.body.append(description)
}

/** Zoom below which objects are painted on a canvas instead of getting views (level of detail). */
const FAR_ZOOM = 0.4
/** Extra area rendered around the visible one, as a fraction of its size. */
const MARGIN = 0.35

/** @typedef {import('./views.js').ObjectView} ObjectView */
/** @typedef {{name: string, color: string}} Person */

export class Renderer {
  /**
   * @param {object} options
   * @param {HTMLElement} options.surface the board element
   * @param {HTMLElement} options.world the transformed container
   * @param {import('./model.js').BoardModel} options.model
   * @param {import('./viewport.js').Viewport} options.viewport
   * @param {Omit<import('./views.js').RenderContext, 'model' | 'lod'>} options.context
   */
  constructor ({ surface, world, model, viewport, context }) {
    ensureSelectedDescription()
    /** @type {Set<ObjectView>} views whose text awaits fitting */
    this.unfitted = new Set()
    this.fitFrame = 0
    this.model = model
    this.viewport = viewport
    /** @type {import('./views.js').RenderContext} */
    this.ctx = { ...context, model, lod: viewport.zoom < FAR_ZOOM ? 'far' : 'near' }
    this.frameLayer = document.createElement('div')
    this.frameLayer.className = 'frame-layer'
    this.objectLayer = document.createElement('div')
    this.objectLayer.className = 'object-layer'
    this.selectionBox = document.createElement('div')
    this.selectionBox.className = 'selection-box'
    this.selectionBox.hidden = true
    for (const corner of ['nw', 'ne', 'sw', 'se']) {
      const handle = document.createElement('div')
      handle.className = 'resize-handle'
      handle.dataset.handle = corner
      handle.dataset.testid = `resize-${corner}`
      this.selectionBox.append(handle)
    }
    world.append(this.frameLayer, this.objectLayer, this.selectionBox)
    this.canvasLayer = new CanvasLayer(surface, model, viewport)
    this.canvasLayer.onImageLoad = () => this.schedule()
    /** @type {Map<string, ObjectView>} */
    this.views = new Map()
    /** @type {Set<string>} */
    this.selected = new Set()
    /** @type {Map<string, Person[]>} object id -> people who selected it */
    this.remote = new Map()
    /** @type {Map<string, number>} the most voted objects of the last vote -> their votes */
    this.voted = new Map()
    /** @type {Set<string>} objects rendered wherever they are (e.g. while dragged) */
    this.pinned = new Set()
    this.frame = 0
    /** @type {Set<() => void>} */
    this.afterRender = new Set()
    model.onChange((ids) => this.onModelChange(ids))
    viewport.onChange(() => this.schedule())
  }

  /** Re-culls on the next animation frame. */
  schedule () {
    if (!this.frame) this.frame = requestAnimationFrame(() => this.render())
  }

  /** @returns {number} how many objects have a view now */
  renderedCount () {
    return this.views.size
  }

  /** Culls immediately. */
  render () {
    cancelAnimationFrame(this.frame)
    this.frame = 0
    const lod = this.viewport.zoom < FAR_ZOOM ? 'far' : 'near'
    if (lod !== this.ctx.lod) {
      this.ctx.lod = lod
      for (const [id, view] of this.views) if (!this.keep(view)) this.drop(id)
    }
    const area = this.viewport.visibleBox()
    const margin = lod === 'far' ? 0 : MARGIN
    const visible = this.model.index.query({
      x: area.x - area.w * margin, y: area.y - area.h * margin, w: area.w * (1 + 2 * margin), h: area.h * (1 + 2 * margin)
    })
    const wanted = lod === 'far' ? new Set() : visible
    for (const id of this.pinned) if (this.model.get(id)) wanted.add(id)
    for (const [id, view] of this.views) if (!wanted.has(id) && !this.keep(view)) this.drop(id)
    for (const id of wanted) if (!this.views.has(id)) this.show(id)
    if (lod === 'far') this.canvasLayer.draw([...visible].filter((id) => !this.views.has(id)), this.selected)
    else this.canvasLayer.clear()
    this.updateSelectionBox()
    for (const callback of this.afterRender) callback()
  }

  /** A view that holds the focus stays, so culling never loses the keyboard user's place. @param {ObjectView} view */
  keep (view) {
    return view.element.contains(document.activeElement)
  }

  /** @param {string} id */
  show (id) {
    const plain = this.model.get(id)
    if (!plain || !this.model.box(id)) return
    const view = createView(id, plain, this.ctx)
    this.views.set(id, view)
    updateView(view, plain, this.ctx)
    this.decorate(view)
    ;(plain.type === 'frame' ? this.frameLayer : this.objectLayer).append(view.element)
    this.fitSoon(view)
  }

  /**
   * Fits the view's text to its box before the next frame, together with the others.
   * @param {ObjectView} view
   */
  fitSoon (view) {
    this.unfitted.add(view)
    if (this.fitFrame) return
    this.fitFrame = requestAnimationFrame(() => {
      this.fitFrame = 0
      const views = [...this.unfitted].filter((v) => this.views.get(v.id) === v)
      this.unfitted.clear()
      fitTexts(views)
    })
  }

  /** @param {string} id */
  drop (id) {
    const view = this.views.get(id)
    if (!view) return
    destroyView(view)
    this.views.delete(id)
  }

  /** @param {Set<string>} ids */
  onModelChange (ids) {
    for (const id of ids) {
      const view = this.views.get(id)
      const plain = this.model.get(id)
      if (!view) continue
      if (!plain || !this.model.box(id) || plain.type !== view.type) this.drop(id)
      else {
        updateView(view, plain, this.ctx)
        this.fitSoon(view)
      }
    }
    if ([...ids].some((id) => this.selected.has(id))) this.updateSelectionBox()
    this.schedule()
  }

  /**
   * Binds the text editors of the views kept across a Board.bind (their objects read the
   * same) to the new document's texts, so typing goes to it.
   */
  rebindTexts () {
    for (const view of this.views.values()) bindField(view, this.ctx)
  }

  /** Re-renders every view (e.g. after the accessible names' context changed). */
  refreshAll () {
    for (const [id, view] of this.views) {
      const plain = this.model.get(id)
      if (plain) updateView(view, plain, this.ctx)
    }
  }

  /** @param {Set<string>} ids the local selection */
  setSelection (ids) {
    this.selected = new Set(ids)
    for (const view of this.views.values()) this.decorate(view)
    this.updateSelectionBox()
    if (this.ctx.lod === 'far') this.schedule()
  }

  /**
   * The topmost object at a world point (frames only by their edge), for far zoom where
   * objects have no elements to receive the pointer.
   * @param {{x: number, y: number}} point
   * @returns {string | null}
   */
  hitTest (point) {
    const slop = 4 / this.viewport.zoom
    let best = null
    let bestRank = -Infinity
    for (const id of this.model.index.query({ x: point.x - slop, y: point.y - slop, w: slop * 2, h: slop * 2 })) {
      const plain = this.model.get(id)
      const box = this.model.box(id)
      if (!plain || !box) continue
      if (plain.type === 'frame') {
        const inner = point.x > box.x + slop && point.x < box.x + box.w - slop && point.y > box.y + slop && point.y < box.y + box.h - slop
        if (inner) continue
      }
      const rank = (plain.type === 'frame' ? -1e9 : 0) + plain.z
      if (rank > bestRank) { bestRank = rank; best = id }
    }
    return best
  }

  /** @param {Map<string, Person[]>} remote what others have selected */
  setRemoteSelections (remote) {
    const before = this.remote
    this.remote = remote
    for (const id of new Set([...before.keys(), ...remote.keys()])) {
      const view = this.views.get(id)
      if (view) this.decorate(view)
    }
  }

  /** @param {Map<string, number>} voted the most voted objects of the vote that ended last, with their votes */
  setVoteHighlights (voted) {
    const before = this.voted
    if (before.size === voted.size && [...voted].every(([id, count]) => before.get(id) === count)) return
    this.voted = voted
    for (const id of new Set([...before.keys(), ...voted.keys()])) {
      const view = this.views.get(id)
      if (view) this.decorate(view)
    }
  }

  /** Applies local and remote selection marks and vote highlights to a view. @param {ObjectView} view */
  decorate (view) {
    const selected = this.selected.has(view.id)
    view.element.classList.toggle('is-selected', selected)
    // Groups take no aria-selected: a shared hidden description says "Selected" instead.
    if (selected) view.element.setAttribute('aria-describedby', SELECTED_DESCRIPTION)
    else view.element.removeAttribute('aria-describedby')
    const people = this.remote.get(view.id)
    view.element.classList.toggle('is-remote-selected', Boolean(people))
    if (people) {
      view.element.style.setProperty('--remote-color', safeHexColor(people[0].color))
      if (!view.remoteLabel) {
        view.remoteLabel = document.createElement('span')
        view.remoteLabel.className = 'remote-label'
        view.remoteLabel.setAttribute('aria-hidden', 'true')
        view.element.append(view.remoteLabel)
      }
      view.remoteLabel.textContent = shortList(people.map((person) => person.name))
    } else if (view.remoteLabel) {
      view.remoteLabel.remove()
      view.remoteLabel = null
    }
    const votes = this.voted.get(view.id)
    view.element.classList.toggle('is-top-voted', votes !== undefined)
    if (votes !== undefined) {
      if (!view.voteBadge) {
        view.voteBadge = document.createElement('span')
        view.voteBadge.className = 'vote-badge'
        view.voteBadge.dataset.testid = 'vote-badge'
        view.voteBadge.setAttribute('aria-hidden', 'true')
        view.element.append(view.voteBadge)
      }
      view.voteBadge.textContent = votesLabel(votes)
    } else if (view.voteBadge) {
      view.voteBadge.remove()
      view.voteBadge = null
    }
  }

  /** Outlines the selection; one boxed object gets resize handles unless it is locked. */
  updateSelectionBox () {
    const ids = [...this.selected].filter((id) => this.model.box(id))
    const box = unionBox(ids.map((id) => /** @type {import('./geometry.js').Box} */ (this.model.box(id))))
    this.selectionBox.hidden = !box || (ids.length === 1 && this.model.get(ids[0])?.type === 'connector')
    if (!box) return
    const style = this.selectionBox.style
    style.left = `${box.x}px`
    style.top = `${box.y}px`
    style.width = `${box.w}px`
    style.height = `${box.h}px`
    this.selectionBox.classList.toggle('has-handles', this.ctx.canEdit && ids.length === 1 && !this.model.isLocked(ids[0]))
  }

  /** @param {string} id @returns {ObjectView | undefined} */
  view (id) {
    return this.views.get(id)
  }

  /**
   * Makes sure an object has a view (rendering it even off screen) and returns it.
   * @param {string} id
   */
  ensure (id) {
    if (!this.views.has(id)) this.show(id)
    return this.views.get(id)
  }
}
