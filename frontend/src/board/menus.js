/** The Templates picker, the Export menu (with Import JSON) and the shortcuts dialog. */

import { TEMPLATES, templateObjects } from './templates.js'
import { parseAgenda } from '../agenda.js'
import { download, exportCsv, exportJson, exportMarkdown, exportPng, exportSvg, inlineImages } from './export.js'
import { importDocument, insertObjects, plainObjects } from './codec.js'
import { adoptImages } from './media.js'
import { unionBox } from './geometry.js'
import { boxOf } from './schema.js'
import { t, tn } from '../i18n.js'

/**
 * @param {ParentNode} root
 * @param {string} testId
 * @returns {HTMLElement | null}
 */
const byTestId = (root, testId) => root.querySelector(`[data-testid="${testId}"]`)

/** @param {string} title @returns {string} a file name stem from the board's title */
const fileStem = (title) => title.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'board'

export class Menus {
  /**
   * @param {ParentNode} root
   * @param {import('./board.js').Board} board
   * @param {{title: string, anonymous: boolean, votes: () => Map<string, number> | null}} options
   *   `votes`: the results of the vote that ended last, which the Markdown and CSV lists carry
   * @param {(agenda: import('../agenda.js').Phase[]) => void} [onRecipe] runs the lab by a
   *   template's agenda, when the facilitator asks for it
   */
  constructor (root, board, { title, anonymous, votes }, onRecipe) {
    this.root = root
    this.onRecipe = onRecipe
    this.board = board
    this.title = title
    this.anonymous = anonymous
    this.votes = votes
    this.setUpTemplates()
    this.setUpExport()
    this.help = /** @type {HTMLDialogElement | null} */ (root.querySelector('#help-dialog'))
    byTestId(root, 'help')?.addEventListener('click', () => this.openHelp())
    for (const dialog of root.querySelectorAll('dialog')) {
      dialog.querySelector('[data-close]')?.addEventListener('click', () => /** @type {HTMLDialogElement} */ (dialog).close())
    }
  }

  openHelp () {
    if (this.help && !this.help.open) this.help.showModal()
  }

  setUpTemplates () {
    const dialog = /** @type {HTMLDialogElement | null} */ (this.root.querySelector('#templates-dialog'))
    const list = dialog?.querySelector('[data-template-list]')
    if (!dialog || !list) return
    for (const template of TEMPLATES) {
      const button = document.createElement('button')
      button.type = 'button'
      button.className = 'template-choice'
      button.dataset.testid = `template-${template.id}`
      const name = document.createElement('strong')
      name.textContent = template.name
      const description = document.createElement('span')
      description.textContent = template.description
      button.append(name, description)
      button.addEventListener('click', () => {
        dialog.close()
        this.insertTemplate(template.id)
      })
      const item = document.createElement('li')
      item.append(button)
      list.append(item)
    }
    for (const opener of this.root.querySelectorAll('[data-open-templates]')) {
      opener.addEventListener('click', () => dialog.showModal())
    }
  }

  /**
   * Inserts a template centred on the view, then shows all of it; its scaffolding comes locked
   * when a facilitator inserts it.
   * @param {string} id
   */
  insertTemplate (id) {
    const board = this.board
    const objects = templateObjects(id)
    const box = unionBox(objects.map((o) => (o.type === 'connector' ? null : boxOf(o))).filter((b) => b !== null))
    if (!box) return
    const offset = { x: Math.round(board.viewport.x - box.x - box.w / 2), y: Math.round(board.viewport.y - box.y - box.h / 2) }
    let ids
    try {
      ids = insertObjects(board.doc, objects, {
        origin: board.origin, offset, author: board.author, limits: board.limits, locks: board.canLock
      })
    } catch (error) {
      board.notify(error instanceof Error ? error.message : t('The template could not be added.'))
      return
    }
    const placed = unionBox(ids.map((oid) => board.model.box(oid)).filter((b) => b !== undefined))
    if (placed) board.viewport.fit(placed)
    const recipe = /** @type {HTMLInputElement | null} */ (this.root.querySelector('[data-template-agenda]'))
    const agenda = TEMPLATES.find((template) => template.id === id)?.agenda
    if (recipe?.checked && agenda && this.onRecipe) {
      // The recipe's phases work in the frames just made, found by their titles.
      const made = board.doc.getMap('objects')
      const frames = new Map(ids.flatMap((oid) => {
        const frame = made.get(oid)
        return frame?.get('type') === 'frame' ? [[String(frame.get('title')).trim().toLowerCase(), oid]] : []
      }))
      this.onRecipe(parseAgenda(agenda, (title) => frames.get(title.toLowerCase()) ?? null))
    }
  }

  setUpExport () {
    const toggle = byTestId(this.root, 'export-menu')
    const menu = /** @type {HTMLElement | null} */ (this.root.querySelector('#export-panel'))
    if (!toggle || !menu) return
    const frameItems = [...menu.querySelectorAll('[data-frame-export]')].map((item) => /** @type {HTMLElement} */ (item))
    const setOpen = (/** @type {boolean} */ open) => {
      toggle.setAttribute('aria-expanded', String(open))
      menu.hidden = !open
      if (open) {
        const frame = this.selectedFrame()
        for (const item of frameItems) item.hidden = !frame
        const first = /** @type {HTMLElement | null} */ (menu.querySelector('button:not([hidden])'))
        first?.focus()
      }
    }
    toggle.addEventListener('click', () => setOpen(menu.hidden))
    menu.addEventListener('keydown', (e) => {
      if (e.key === 'Escape') {
        e.stopPropagation()
        setOpen(false)
        toggle.focus()
      }
    })
    document.addEventListener('pointerdown', (e) => {
      if (!menu.hidden && e.target instanceof Node && !menu.contains(e.target) && !toggle.contains(e.target)) setOpen(false)
    })
    const stem = fileStem(this.title)
    const board = this.board
    const options = { anonymous: this.anonymous }
    /** @type {Record<string, () => Promise<void> | void>} */
    const actions = {
      'export-png': async () => download(`${stem}.png`, await exportPng(board.doc, options), 'image/png'),
      'export-svg': () => download(`${stem}.svg`, exportSvg(board.doc, options), 'image/svg+xml'),
      'export-markdown': () => download(
        `${stem}.md`, exportMarkdown(board.doc, { ...options, title: this.title, votes: this.votes() }), 'text/markdown;charset=utf-8'
      ),
      'export-csv': () => download(`${stem}.csv`, exportCsv(board.doc, { ...options, votes: this.votes() }), 'text/csv;charset=utf-8'),
      'export-json': async () => {
        const media = await inlineImages(plainObjects(board.doc).values())
        download(`${stem}.json`, exportJson(board.doc, media), 'application/json')
      },
      'export-frame-png': async () => {
        const frameId = this.selectedFrame()
        if (frameId) download(`${stem}-frame.png`, await exportPng(board.doc, { ...options, frameId }), 'image/png')
      },
      'export-frame-svg': () => {
        const frameId = this.selectedFrame()
        if (frameId) download(`${stem}-frame.svg`, exportSvg(board.doc, { ...options, frameId }), 'image/svg+xml')
      },
      'import-json': () => this.importJson()
    }
    for (const [testId, run] of Object.entries(actions)) {
      byTestId(menu, testId)?.addEventListener('click', async () => {
        setOpen(false)
        toggle.focus()
        try {
          await run()
        } catch (error) {
          board.notify(error instanceof Error ? error.message : t('The export failed.'))
        }
      })
    }
  }

  /** @returns {string | null} the selected frame, when one frame is selected */
  selectedFrame () {
    const id = this.board.selection.single
    return id && this.board.model.get(id)?.type === 'frame' ? id : null
  }

  /** Asks for a JSON export and adds its objects to the board. */
  importJson () {
    const board = this.board
    if (!board.canEdit) return
    const input = document.createElement('input')
    input.type = 'file'
    input.accept = 'application/json,.json'
    input.addEventListener('change', async () => {
      const file = input.files?.[0]
      if (!file) return
      try {
        const ids = await importDocument(
          board.doc, await file.text(), board.origin, (list, media) => adoptImages(board.slug, list, media), board.limits,
          board.canLock
        )
        // Translators: said after importing board objects from a file.
        board.notify(tn('Imported {count} object.', 'Imported {count} objects.', ids.length))
        board.selection.set(ids)
        board.zoomToSelection()
      } catch (error) {
        board.notify(error instanceof Error ? error.message : t('The file could not be imported.'))
      }
    })
    input.click()
  }
}
