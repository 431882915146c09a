/**
 * The board's controls: the tool rail, the action bar (note colours, delete, duplicate,
 * stacking, alignment, locking (for facilitators), undo and redo, and a style row for the
 * selection and the active tool) and the zoom controls. Each toolbar is one Tab stop whose arrow
 * keys move between its buttons (roving.js).
 */

import { INK_COLORS, NOTE_COLORS, STYLES } from './schema.js'
import { PALETTE } from './export.js'
import { rovingToolbar } from '../roving.js'
import { messages, t } from '../i18n.js'

/** The object type each creating tool with styles makes. */
const TOOL_TYPES = { text: 'text', connector: 'connector', pen: 'drawing' }

/**
 * @param {ParentNode} root
 * @param {string} testId
 * @returns {HTMLButtonElement | null}
 */
const byTestId = (root, testId) => root.querySelector(`[data-testid="${testId}"]`)

/** The colour swatch groups (`data-swatches`): their colours, and the attribute naming each. */
const SWATCHES = {
  note: { colors: NOTE_COLORS, attribute: 'color', testId: 'color' },
  ink: { colors: INK_COLORS, attribute: 'value', testId: 'ink' }
}

/**
 * The name of a colour of NOTE_COLORS or INK_COLORS, as a swatch shows it.
 * @param {string} color
 * @returns {string}
 */
function colorName (color) {
  switch (color) {
    // Translators: a colour, the name of a colour swatch.
    case 'yellow': return t('Yellow')
    // Translators: a colour, the name of a colour swatch.
    case 'pink': return t('Pink')
    // Translators: a colour, the name of a colour swatch.
    case 'blue': return t('Blue')
    // Translators: a colour, the name of a colour swatch.
    case 'green': return t('Green')
    // Translators: a colour, the name of a colour swatch.
    case 'orange': return t('Orange')
    // Translators: a colour, the name of a colour swatch.
    case 'purple': return t('Purple')
    // Translators: a colour, the name of a colour swatch.
    case 'white': return t('White')
    // Translators: a colour, the name of a colour swatch.
    case 'gray': return t('Gray')
    // Translators: a colour, the name of a colour swatch.
    case 'black': return t('Black')
    // Translators: a colour, the name of a colour swatch.
    case 'red': return t('Red')
    default: return color
  }
}

/**
 * Fills every `[data-swatches]` group with one toggle button per colour of the schema.
 * @param {ParentNode} root
 */
function buildSwatches (root) {
  for (const group of root.querySelectorAll('[data-swatches]')) {
    const kind = SWATCHES[/** @type {keyof typeof SWATCHES} */ (/** @type {HTMLElement} */ (group).dataset.swatches)]
    for (const color of kind.colors) {
      const name = colorName(color)
      const button = document.createElement('button')
      button.type = 'button'
      button.className = 'swatch'
      button.dataset[kind.attribute] = color
      button.dataset.testid = `${kind.testId}-${color}`
      button.title = name
      button.setAttribute('aria-pressed', 'false')
      const label = document.createElement('span')
      label.className = 'visually-hidden'
      label.textContent = name
      button.append(label)
      group.append(button)
    }
  }
}

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
    buildSwatches(root)
    this.toolButtons = /** @type {HTMLButtonElement[]} */ ([...root.querySelectorAll('[data-tool]')])
    this.colorButtons = /** @type {HTMLButtonElement[]} */ ([...root.querySelectorAll('[data-color]')])
    this.selectionButtons = /** @type {HTMLButtonElement[]} */ ([...root.querySelectorAll('[data-needs-selection]')])
    /** Groups of the style row, each with `data-style` naming one of STYLES. */
    this.styleGroups = /** @type {HTMLElement[]} */ ([...root.querySelectorAll('[data-style]')])
    this.styleHint = /** @type {HTMLElement | null} */ (root.querySelector('[data-style-hint]'))
    this.undoButton = byTestId(root, 'undo')
    this.redoButton = byTestId(root, 'redo')
    this.gridButton = byTestId(root, 'grid-toggle')
    this.lockButton = byTestId(root, 'lock')
    this.zoomLevel = root.querySelector('[data-zoom-level]')

    for (const button of this.toolButtons) button.addEventListener('click', () => board.tools.setTool(/** @type {string} */ (button.dataset.tool)))
    for (const button of this.colorButtons) {
      button.addEventListener('click', () => {
        const color = /** @type {string} */ (button.dataset.color)
        if (NOTE_COLORS.includes(color)) board.setNoteColor(color)
        this.updateColors()
      })
    }
    for (const group of this.styleGroups) {
      const style = /** @type {keyof typeof STYLES} */ (group.dataset.style)
      for (const button of group.querySelectorAll('button')) {
        const value = STYLES[style].values.find((v) => String(v) === button.dataset.value)
        if (value === undefined) continue
        if (style === 'ink') button.style.background = PALETTE.ink[/** @type {keyof typeof PALETTE.ink} */ (value)]
        button.addEventListener('click', () => {
          board.setStyle(style, value)
          this.updateStyle()
        })
      }
    }
    /** @type {Record<string, () => void>} */
    const commands = {
      'add-note': () => board.addNote(),
      'delete-note': () => board.deleteSelection(),
      duplicate: actions.duplicate,
      'bring-front': () => board.commands.restack(board.selection.ids, 'front'),
      'send-back': () => board.commands.restack(board.selection.ids, 'back'),
      'align-grid': () => board.commands.alignToGrid(board.selection.ids, board.viewport.gridSize),
      lock: () => board.toggleLock(),
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
    for (const bar of root.querySelectorAll('[role="toolbar"]')) rovingToolbar(/** @type {HTMLElement} */ (bar))

    board.tools.onChange(() => {
      this.updateTools()
      this.updateStyle()
    })
    board.selection.onChange(() => this.updateSelection())
    board.model.onChange((ids) => {
      if (![...ids].some((id) => board.selection.has(id))) return
      this.updateColors()
      this.updateStyle()
      this.updateLock()
    })
    board.history.onChange(() => this.updateHistory())
    board.viewport.onChange(() => {
      // Translators: the board's zoom level, as a percentage.
      if (this.zoomLevel) this.zoomLevel.textContent = t('{percent} %', { percent: messages().number(Math.round(board.viewport.zoom * 100)) })
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
    this.updateStyle()
    this.updateLock()
  }

  /** The lock button is pressed while all of the selection is locked; pressing it then unlocks. */
  updateLock () {
    if (!this.lockButton) return
    const locked = this.board.selectionLocked()
    this.lockButton.setAttribute('aria-pressed', String(locked))
    this.lockButton.title = locked ? t('Unlock the selection (Ctrl+Shift+L)') : t('Lock the selection (Ctrl+Shift+L)')
  }

  /** Shows the colour of the selected note or shape, else the colour new notes get. */
  updateColors () {
    const id = this.board.selection.single
    const plain = id ? this.board.model.get(id) : null
    const active = plain && (plain.type === 'note' || plain.type === 'shape') ? plain.color : this.board.noteColor
    for (const button of this.colorButtons) button.setAttribute('aria-pressed', String(button.dataset.color === active))
  }

  /**
   * Shows the style groups that apply to the selected objects or to what the active tool
   * makes; each marks the value the selection has (none when it is mixed), else the one new
   * objects get. With no group to show, a hint takes the row.
   */
  updateStyle () {
    const board = this.board
    const selected = [...board.selection.ids].map((id) => board.model.get(id)).filter((p) => p !== undefined)
    const made = TOOL_TYPES[/** @type {keyof typeof TOOL_TYPES} */ (board.tools.tool)]
    let shown = false
    for (const group of this.styleGroups) {
      const style = /** @type {keyof typeof STYLES} */ (group.dataset.style)
      const { field, types } = STYLES[style]
      const values = new Set(selected.filter((p) => types.includes(p.type)).map((p) => p[field]))
      group.hidden = values.size === 0 && !types.includes(made)
      if (!group.hidden) shown = true
      const active = values.size === 0 ? board.style[style] : values.size === 1 ? [...values][0] : null
      for (const button of group.querySelectorAll('button')) button.setAttribute('aria-pressed', String(button.dataset.value === String(active)))
    }
    if (this.styleHint) this.styleHint.hidden = shown
  }

  updateHistory () {
    if (this.undoButton) this.undoButton.disabled = !this.board.history.canUndo
    if (this.redoButton) this.redoButton.disabled = !this.board.history.canRedo
  }

  updateGrid () {
    this.gridButton?.setAttribute('aria-pressed', String(this.board.snapToGrid))
  }
}
