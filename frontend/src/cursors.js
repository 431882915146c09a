/** Other people's pointers on the board, drawn from the board awareness states. */

import { safeHexColor } from './colors.js'
import { finite } from './board/schema.js'
import { t } from './i18n.js'
import { shownName } from './names.js'

export class RemoteCursors {
  /**
   * @param {HTMLElement} layer element positioned in board (world) coordinates
   * @param {import('y-protocols/awareness').Awareness} awareness
   */
  constructor (layer, awareness) {
    this.layer = layer
    this.awareness = awareness
    /** @type {Map<number, {element: HTMLElement, label: HTMLElement}>} keyed by awareness client id */
    this.cursors = new Map()
    this.onAwareness = () => this.render()
    awareness.on('change', this.onAwareness)
    this.render()
  }

  /**
   * Follows another awareness (the board's new connection after a resync).
   * @param {import('y-protocols/awareness').Awareness} awareness
   */
  bind (awareness) {
    this.awareness.off('change', this.onAwareness)
    this.awareness = awareness
    awareness.on('change', this.onAwareness)
    this.onAwareness()
  }

  render () {
    const seen = new Set()
    this.awareness.getStates().forEach((state, clientId) => {
      const cursor = state?.cursor
      if (clientId === this.awareness.clientID || !cursor) return
      const x = finite(cursor.x, NaN)
      const y = finite(cursor.y, NaN)
      if (Number.isNaN(x) || Number.isNaN(y)) return
      seen.add(clientId)
      const { element, label } = this.cursors.get(clientId) ?? this.create(clientId)
      element.style.transform = `translate(${x}px, ${y}px)`
      element.style.setProperty('--cursor-color', safeHexColor(state.user?.color))
      // Translators: stands for a person whose name is not known
      label.textContent = typeof state.user?.name === 'string' ? shownName(state.user.name) : t('Someone')
    })
    for (const [clientId, { element }] of this.cursors) {
      if (seen.has(clientId)) continue
      element.remove()
      this.cursors.delete(clientId)
    }
  }

  /** @param {number} clientId */
  create (clientId) {
    const element = document.createElement('div')
    element.className = 'remote-cursor'
    element.dataset.testid = 'cursor'
    element.setAttribute('aria-hidden', 'true')
    // The inner part keeps its screen size whatever the zoom.
    const inner = document.createElement('div')
    inner.className = 'remote-cursor-inner'
    const pointer = document.createElementNS('http://www.w3.org/2000/svg', 'svg')
    pointer.setAttribute('viewBox', '0 0 16 16')
    pointer.setAttribute('class', 'remote-cursor-pointer')
    const path = document.createElementNS('http://www.w3.org/2000/svg', 'path')
    path.setAttribute('d', 'M1 1 L1 14 L5 10.5 L8 15.5 L10.5 14.3 L7.6 9.4 L13 9 Z')
    pointer.append(path)
    const label = document.createElement('span')
    label.className = 'remote-cursor-label'
    inner.append(pointer, label)
    element.append(inner)
    this.layer.append(element)
    const cursor = { element, label }
    this.cursors.set(clientId, cursor)
    return cursor
  }
}
