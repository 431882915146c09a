/**
 * The board's controls: the tool rail, the action bar (note colours, delete, duplicate,
 * stacking, alignment, undo and redo) and the zoom controls. Toolbars also move the focus
 * between their buttons with the arrow keys.
 */

import { NOTE_COLORS } from './schema.js'

/**
 * @param {ParentNode} root
 * @param {string} testId
 * @returns {HTMLButtonElement | null}
 */
const byTestId = (root, testId) => root.querySelector(`[data-testid="${testId}"]`)

export class Toolbar {
  /**
   * @param {ParentNode} root the page part holding the controls
   * @param {import('./board.js').Board} board
   * @param {object} actions
   * @param {() => void} actions.duplicate
   * @param {() => void} actions.toggleGrid
   */
  constructor (root, board, actions) {
    this.root = root
    this.board = board
    this.toolButtons = /** @type {HTMLButtonElement[]} */ ([...root.querySelectorAll('[data-tool]')])
    this.colorButtons = /** @type {HTMLButtonElement[]} */ ([...root.querySelectorAll('[data-color]')])
    this.selectionButtons = /** @type {HTMLButtonElement[]} */ ([...root.querySelectorAll('[data-needs-selection]')])
    this.undoButton = byTestId(root, 'undo')
    this.redoButton = byTestId(root, 'redo')
    this.gridButton = byTestId(root, 'grid-toggle')
    this.zoomLevel = root.querySelector('[data-zoom-level]')

    for (const button of this.toolButtons) button.addEventListener('click', () => board.tools.setTool(/** @type {string} */ (button.dataset.tool)))
    for (const button of this.colorButtons) {
      button.addEventListener('click', () => {
        const color = /** @type {string} */ (button.dataset.color)
        if (NOTE_COLORS.includes(color)) board.setNoteColor(color)
        this.updateColors()
      })
    }
    /** @type {Record<string, () => void>} */
    const commands = {
      'add-note': () => board.addNote(),
      'delete-note': () => board.deleteSelection(),
      duplicate: actions.duplicate,
      'bring-front': () => board.commands.restack(board.selection.ids, 'front'),
      'send-back': () => board.commands.restack(board.selection.ids, 'back'),
      'align-grid': () => board.commands.alignToGrid(board.selection.ids, board.viewport.gridSize),
      undo: () => board.history.undo(),
      redo: () => board.history.redo(),
      'zoom-in': () => board.zoom(1),
      'zoom-out': () => board.zoom(-1),
      'zoom-reset': () => board.zoom(0),
      'zoom-fit': () => board.zoomToFit(),
      'zoom-selection': () => board.zoomToSelection(),
      'grid-toggle': actions.toggleGrid
    }
    for (const [testId, run] of Object.entries(commands)) byTestId(root, testId)?.addEventListener('click', run)
    for (const bar of root.querySelectorAll('[role="toolbar"]')) bar.addEventListener('keydown', (e) => this.arrowKeys(/** @type {KeyboardEvent} */ (e), /** @type {HTMLElement} */ (bar)))

    board.tools.onChange(() => this.updateTools())
    board.selection.onChange(() => this.updateSelection())
    board.model.onChange((ids) => { if ([...ids].some((id) => board.selection.has(id))) this.updateColors() })
    board.history.onChange(() => this.updateHistory())
    board.viewport.onChange(() => {
      if (this.zoomLevel) this.zoomLevel.textContent = `${Math.round(board.viewport.zoom * 100)} %`
    })
    this.updateTools()
    this.updateSelection()
    this.updateHistory()
    this.updateGrid()
  }

  updateTools () {
    for (const button of this.toolButtons) button.setAttribute('aria-pressed', String(button.dataset.tool === this.board.tools.tool))
  }

  updateSelection () {
    const empty = this.board.selection.size === 0
    for (const button of this.selectionButtons) button.disabled = empty
    this.updateColors()
  }

  /** Shows the colour of the selected note or shape, else the colour new notes get. */
  updateColors () {
    const id = this.board.selection.single
    const plain = id ? this.board.model.get(id) : null
    const active = plain && (plain.type === 'note' || plain.type === 'shape') ? plain.color : this.board.noteColor
    for (const button of this.colorButtons) button.setAttribute('aria-pressed', String(button.dataset.color === active))
  }

  updateHistory () {
    if (this.undoButton) this.undoButton.disabled = !this.board.history.canUndo
    if (this.redoButton) this.redoButton.disabled = !this.board.history.canRedo
  }

  updateGrid () {
    this.gridButton?.setAttribute('aria-pressed', String(this.board.snapToGrid))
  }

  /**
   * Arrow keys move the focus between a toolbar's buttons.
   * @param {KeyboardEvent} e
   * @param {HTMLElement} bar
   */
  arrowKeys (e, bar) {
    const vertical = bar.getAttribute('aria-orientation') === 'vertical'
    const back = vertical ? 'ArrowUp' : 'ArrowLeft'
    const forward = vertical ? 'ArrowDown' : 'ArrowRight'
    if (e.key !== back && e.key !== forward && e.key !== 'Home' && e.key !== 'End') return
    const buttons = /** @type {HTMLButtonElement[]} */ ([...bar.querySelectorAll('button')]).filter((b) => !b.disabled && b.offsetParent !== null)
    const index = buttons.indexOf(/** @type {HTMLButtonElement} */ (document.activeElement))
    if (index < 0) return
    e.preventDefault()
    e.stopPropagation()
    const next = e.key === 'Home' ? 0 : e.key === 'End' ? buttons.length - 1 : (index + (e.key === forward ? 1 : -1) + buttons.length) % buttons.length
    buttons[next].focus()
  }
}
