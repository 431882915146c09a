/**
 * The co-working room's shared scratch board: the room's board document, shown in a panel
 * that connects the board socket only when it is first opened.
 */

import { BoardConnection } from './board-connection.js'
import { reportSync } from './connection.js'
import { userColor } from './colors.js'
import { LocalPresence } from './presence.js'
import { RemoteCursors } from './cursors.js'
import { Board } from './board/board.js'
import { Toolbar } from './board/toolbar.js'
import { Keyboard } from './board/keyboard.js'
import { Clipboard } from './board/clipboard.js'
import { t } from './i18n.js'

export class ScratchBoard {
  /**
   * @param {object} options
   * @param {HTMLElement} options.panel the `scratch-board` panel (hidden until opened)
   * @param {string} options.serverUrl
   * @param {import('./config.js').RoomConfig} options.config
   * @param {import('./connection.js').ConnectionBanner} options.banner
   */
  constructor ({ panel, serverUrl, config, banner }) {
    this.panel = panel
    this.serverUrl = serverUrl
    this.config = config
    this.banner = banner
    /** @type {Board | null} */
    this.board = null
    /** @type {BoardConnection | null} */
    this.connection = null
  }

  /** @param {HTMLElement} opener the button that opens and hides it (its `aria-expanded` follows) */
  toggle (opener) {
    const open = this.panel.hidden
    this.panel.hidden = !open
    opener.setAttribute('aria-expanded', String(open))
    opener.textContent = open ? t('Hide the scratch board') : t('Open the shared scratch board')
    if (!open) return
    if (!this.board) this.mount()
    this.board?.surface.focus()
  }

  mount () {
    const { config } = this
    const user = { id: config.user.id, name: config.user.name, color: userColor(config.user.id) }
    const connection = new BoardConnection(this.serverUrl, `${config.slug}/board`, { disableBc: true })
    this.connection = connection
    const presence = new LocalPresence(connection.provider.awareness, user)
    const message = /** @type {HTMLElement | null} */ (this.panel.querySelector('[data-testid="board-message"]'))
    /** @param {string} text */
    const notify = (text) => {
      if (!message) return
      message.textContent = text
      message.hidden = !text
    }
    const board = new Board({
      surface: /** @type {HTMLElement} */ (this.panel.querySelector('[data-testid="board"]')),
      doc: connection.doc,
      presence,
      user,
      canEdit: config.canEdit,
      anonymous: false,
      slug: config.slug,
      notify
    })
    this.board = board
    const cursors = new RemoteCursors(board.overlay, connection.provider.awareness)
    const clipboard = new Clipboard(board)
    const duplicate = () => clipboard.duplicate()
    const toggleGrid = () => {
      board.snapToGrid = !board.snapToGrid
      toolbar.updateGrid()
    }
    const toolbar = new Toolbar(this.panel, board, { duplicate, toggleGrid })
    const help = /** @type {HTMLDetailsElement | null} */ (this.panel.querySelector('[data-board-help]'))
    new Keyboard(board, { help: () => { if (help) help.open = true }, duplicate, toggleGrid, stopFollowing: () => false })
    /** @param {import('y-websocket').WebsocketProvider} provider */
    const follow = (provider) => {
      reportSync(provider, 'boardSynced')
      this.banner.watch(provider)
      provider.on('sync', (/** @type {boolean} */ synced) => { if (synced) board.synced() })
    }
    follow(connection.provider)
    connection.on('limits', (limits) => board.setLimits(limits))
    connection.on('error', notify)
    // After a refused change the board starts again from the server's copy.
    connection.on('bind', (doc, provider, previous) => {
      this.banner.unwatch(previous)
      follow(provider)
      presence.bind(provider.awareness)
      cursors.bind(provider.awareness)
      board.bind(doc)
    })
  }
}
