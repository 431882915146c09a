/** Entry point of the room page: connects the board and chat documents and wires the UI. */

import * as Y from 'yjs'
import { WebsocketProvider } from 'y-websocket'
import { Awareness } from 'y-protocols/awareness'
import { readConfig, websocketUrl } from './config.js'
import { userColor } from './colors.js'
import { LocalPresence, PresenceList } from './presence.js'
import { Board } from './board.js'
import { RemoteCursors } from './cursors.js'
import { Chat } from './chat.js'
import { ConnectionBanner } from './connection.js'

/** @param {string} testId */
const byTestId = (testId) => /** @type {HTMLElement | null} */ (document.querySelector(`[data-testid="${testId}"]`))

/**
 * Mirrors a provider's sync state onto `document.body.dataset[key]`.
 * @param {WebsocketProvider} provider
 * @param {string} key
 */
function reportSync (provider, key) {
  provider.on('sync', (synced) => { document.body.dataset[key] = String(synced) })
}

function start () {
  const config = readConfig()
  const serverUrl = websocketUrl(config)
  const user = { id: config.user.id, name: config.user.name, color: userColor(config.user.id) }
  // Cross-tab BroadcastChannel sync is off: the server decides what each connection may write.
  const providerOptions = { disableBc: true }

  const boardDoc = new Y.Doc()
  const boardProvider = new WebsocketProvider(serverUrl, `${config.slug}/board`, boardDoc, providerOptions)

  // Chat carries no awareness: its local state is null before the socket opens.
  const chatDoc = new Y.Doc()
  const chatAwareness = new Awareness(chatDoc)
  chatAwareness.setLocalState(null)
  const chatProvider = new WebsocketProvider(serverUrl, `${config.slug}/chat`, chatDoc, {
    ...providerOptions,
    awareness: chatAwareness
  })

  reportSync(boardProvider, 'boardSynced')
  reportSync(chatProvider, 'chatSynced')

  const banner = new ConnectionBanner(/** @type {HTMLElement} */ (byTestId('connection-banner')))
  banner.watch(boardProvider)
  banner.watch(chatProvider)

  const presence = new LocalPresence(boardProvider.awareness, user)
  new PresenceList(
    /** @type {HTMLElement} */ (byTestId('presence-list')),
    boardProvider.awareness,
    user.id,
    document.getElementById('presence-count')
  )

  const board = new Board({
    surface: /** @type {HTMLElement} */ (byTestId('board')),
    emptyHint: document.getElementById('board-empty'),
    doc: boardDoc,
    awareness: boardProvider.awareness,
    presence,
    user,
    canEdit: config.canEdit
  })
  board.attachToolbar({
    addButton: byTestId('add-note'),
    deleteButton: /** @type {HTMLButtonElement | null} */ (byTestId('delete-note')),
    colorButtons: /** @type {HTMLElement[]} */ ([...document.querySelectorAll('[data-color]')])
  })
  new RemoteCursors(board.overlay, boardProvider.awareness)

  new Chat({
    list: /** @type {HTMLElement} */ (byTestId('chat-messages')),
    input: /** @type {HTMLTextAreaElement | null} */ (byTestId('chat-input')),
    sendButton: /** @type {HTMLButtonElement | null} */ (byTestId('chat-send')),
    errorElement: byTestId('chat-error'),
    doc: chatDoc,
    provider: chatProvider,
    userId: user.id,
    canWrite: config.canEdit
  })

  window.coworking = { boardDoc, chatDoc, boardProvider, chatProvider }
}

start()
