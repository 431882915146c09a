/**
 * Copy, cut, paste and duplicate. Copies go to the system clipboard as text/plain: a prefix
 * followed by the codec's JSON export, so objects paste between boards and tabs; the last
 * copy is also kept in memory for when the system clipboard has nothing to give.
 */

import { exportDocument, insertObjects } from './codec.js'
import { adoptImages } from './media.js'
import { boxOf } from './schema.js'
import { unionBox } from './geometry.js'
import { isTextEntry } from './tools.js'
import { t, tn } from '../i18n.js'

/** Marks clipboard text holding board objects. */
export const CLIPBOARD_PREFIX = 'coworking-board/v1:'
/** Offset of a duplicate from its original. */
const DUPLICATE_OFFSET = 24

export class Clipboard {
  /** @param {import('./board.js').Board} board */
  constructor (board) {
    this.board = board
    /** @type {Array<Record<string, any>> | null} */
    this.memory = null
    this.pasteCount = 0
    document.addEventListener('copy', (e) => this.onCopy(e, false))
    document.addEventListener('cut', (e) => this.onCopy(e, true))
    document.addEventListener('paste', (e) => this.onPaste(e))
  }

  /** @param {Event} e @returns {boolean} whether a clipboard event is the board's to handle */
  mine (e) {
    const target = e.target
    if (isTextEntry(target)) return false
    return target === document.body || target === document.documentElement ||
      (target instanceof Element && target.closest('.board-panel') !== null)
  }

  /** @param {ClipboardEvent} e @param {boolean} cut */
  onCopy (e, cut) {
    const board = this.board
    if (!this.mine(e) || !board.selection.size) return
    const data = exportDocument(board.doc, board.selection.ids)
    this.memory = data.objects
    this.pasteCount = 0
    e.clipboardData?.setData('text/plain', CLIPBOARD_PREFIX + JSON.stringify(data))
    e.preventDefault()
    if (cut) board.deleteSelection()
  }

  /** @param {ClipboardEvent} e */
  onPaste (e) {
    const board = this.board
    if (!this.mine(e) || !board.canEdit) return
    const data = e.clipboardData
    const files = [...(data?.files ?? [])].filter((file) => file.type.startsWith('image/'))
    const text = data?.getData('text/plain') ?? ''
    e.preventDefault()
    if (text.startsWith(CLIPBOARD_PREFIX)) {
      try {
        const parsed = JSON.parse(text.slice(CLIPBOARD_PREFIX.length))
        if (!Array.isArray(parsed?.objects)) throw new Error('no objects')
        this.paste(parsed.objects)
      } catch {
        board.notify(t('The clipboard holds board objects this board cannot read.'))
      }
    } else if (files.length) {
      const c = board.centre()
      files.forEach((file, i) => board.insertImage(file, { x: c.x + i * DUPLICATE_OFFSET, y: c.y + i * DUPLICATE_OFFSET }))
    } else if (text.trim()) {
      const c = board.centre()
      const id = board.commands.create({ type: 'note', x: c.x - 100, y: c.y - 80, color: board.noteColor, text })
      if (id) board.selection.set([id])
    } else if (this.memory) {
      this.paste(this.memory)
    }
  }

  /**
   * Inserts copied objects: next to the originals when those are in view, else at the
   * centre of the view; selects them.
   * @param {Array<Record<string, any>>} list
   */
  async paste (list) {
    const board = this.board
    const { objects, dropped } = await adoptImages(board.slug, list)
    if (dropped) {
      board.notify(tn('{count} image could not be copied from the other room.', '{count} images could not be copied from the other room.', dropped))
    }
    list = objects
    const box = unionBox(list.map((o) => (o?.type === 'connector' ? null : boxOf(o))).filter((b) => b !== null))
    if (!box) return
    const view = board.viewport.visibleBox()
    const inView = box.x < view.x + view.w && view.x < box.x + box.w && box.y < view.y + view.h && view.y < box.y + box.h
    this.pasteCount++
    const offset = inView
      ? { x: DUPLICATE_OFFSET * this.pasteCount, y: DUPLICATE_OFFSET * this.pasteCount }
      : { x: Math.round(board.viewport.x - box.x - box.w / 2), y: Math.round(board.viewport.y - box.y - box.h / 2) }
    this.insert(list, offset)
  }

  /** Duplicates the selection next to itself. */
  duplicate () {
    const board = this.board
    if (!board.canEdit || !board.selection.size) return
    const { objects } = exportDocument(board.doc, board.selection.ids)
    this.insert(objects, { x: DUPLICATE_OFFSET, y: DUPLICATE_OFFSET })
  }

  /**
   * Adds copies of objects, moved by `offset`, and selects them (unlocked, whatever the
   * originals); says why when the board cannot take them.
   * @param {Array<Record<string, any>>} list
   * @param {{x: number, y: number}} offset
   */
  insert (list, offset) {
    const board = this.board
    try {
      board.selection.set(insertObjects(board.doc, list, {
        origin: board.origin, offset, author: board.author, limits: board.limits, locks: false
      }))
    } catch (error) {
      board.notify(error instanceof Error ? error.message : t('The objects could not be added.'))
    }
  }
}
