/** Entry point of the room page: connects the board and chat documents and wires the UI. */

import { readConfig, websocketUrl } from './config.js'
import { userColor } from './colors.js'
import { LocalPresence, PresenceList } from './presence.js'
import { ProfileCards } from './profile-card.js'
import { RemoteCursors } from './cursors.js'
import { openChat, pageChat } from './chat.js'
import { ConnectionBanner, reportSync } from './connection.js'
import { BoardConnection } from './board-connection.js'
import { Board } from './board/board.js'
import { RemotePresence } from './board/presence.js'
import { Clipboard } from './board/clipboard.js'
import { Keyboard } from './board/keyboard.js'
import { Toolbar } from './board/toolbar.js'
import { Menus } from './board/menus.js'
import { Minimap } from './board/minimap.js'
import { Outline } from './board/outline.js'
import { LabPanel } from './lab.js'
import { PeoplePanel, followRole, takeRoleNotice } from './people.js'
import { HideOthers } from './board/hide-others.js'
import { topVoted, voteResults } from './board/votes.js'
import { BreakoutPanel } from './breakouts.js'
import { RestoreControls } from './restore.js'
import { RecordingControls, enterAfterNotice } from './recording.js'
import { PanelDock, followVisualViewport } from './panels.js'
import { rovingToolbar } from './roving.js'
import { install, messages, pageMessages, t } from './i18n.js'

// The page's language: its catalog of the browser's messages (see i18n.js).
install(pageMessages(document))

/** How long a board message stays visible. */
const MESSAGE_MS = 6000

/** @param {string} testId */
const byTestId = (testId) => /** @type {HTMLElement | null} */ (document.querySelector(`[data-testid="${testId}"]`))

/**
 * Shows short messages (upload and import errors, results) in the board's status line.
 * @param {HTMLElement | null} element
 * @returns {(message: string) => void}
 */
function messenger (element) {
  let timer = 0
  return (message) => {
    if (!element) return
    element.textContent = message
    element.hidden = false
    window.clearTimeout(timer)
    timer = window.setTimeout(() => { element.hidden = true }, MESSAGE_MS)
  }
}

function start () {
  const config = readConfig()
  const serverUrl = websocketUrl(config)
  const user = { id: config.user.id, name: config.user.name, color: userColor(config.user.id) }
  const anonymous = Boolean(/** @type {any} */ (config).anonymous)
  // Cross-tab BroadcastChannel sync is off: the server decides what each connection may write.
  const providerOptions = { disableBc: true }

  const connection = new BoardConnection(serverUrl, `${config.slug}/board`, providerOptions)
  const boardProvider = connection.provider

  const { doc: chatDoc, provider: chatProvider } = openChat(serverUrl, config.slug)

  reportSync(chatProvider, 'chatSynced')

  const banner = new ConnectionBanner(/** @type {HTMLElement} */ (byTestId('connection-banner')))
  banner.watch(chatProvider)

  const switcher = /** @type {HTMLElement} */ (document.querySelector('[data-panel-switcher]'))
  new PanelDock({
    root: /** @type {HTMLElement} */ (document.querySelector('.room-layout')),
    dock: /** @type {HTMLElement} */ (byTestId('dock')),
    resizer: /** @type {HTMLElement} */ (byTestId('dock-resizer')),
    switcher,
    userId: user.id
  })
  rovingToolbar(switcher)
  followVisualViewport()

  const presence = new LocalPresence(boardProvider.awareness, user)
  const notify = messenger(byTestId('board-message'))
  const board = new Board({
    surface: /** @type {HTMLElement} */ (byTestId('board')),
    doc: connection.doc,
    presence,
    user,
    canEdit: config.canEdit,
    canLock: config.role === 'facilitator',
    anonymous,
    slug: config.slug,
    notify
  })
  const boardPanel = /** @type {HTMLElement} */ (document.querySelector('.board-panel'))
  const cards = new ProfileCards()
  const presenceList = new PresenceList(
    /** @type {HTMLElement} */ (byTestId('presence-list')),
    boardProvider.awareness,
    user.id,
    document.getElementById('presence-count'),
    (userId) => remote.follow(userId),
    cards
  )
  const remote = new RemotePresence({
    awareness: boardProvider.awareness,
    board,
    banner: /** @type {HTMLElement} */ (byTestId('follow-banner')),
    onFollowChange: (userId) => presenceList.setFollowing(userId)
  })
  const cursors = new RemoteCursors(board.overlay, boardProvider.awareness)
  const hideOthers = byTestId('hide-others')
  if (hideOthers) new HideOthers(hideOthers, board.surface)

  const clipboard = new Clipboard(board)
  const toggleGrid = () => {
    board.snapToGrid = !board.snapToGrid
    board.surface.classList.toggle('has-grid', board.snapToGrid)
    toolbar.updateGrid()
  }
  const duplicate = () => clipboard.duplicate()
  const toolbar = new Toolbar(boardPanel, board, { duplicate, toggleGrid })
  const menus = new Menus(document, board, {
    title: config.title,
    anonymous,
    votes: () => voteResults(lab.state.get('vote'))
  }, (agenda) => lab.send({ type: 'agenda.set', agenda }))
  new Keyboard(board, {
    help: () => menus.openHelp(),
    duplicate,
    toggleGrid,
    stopFollowing: () => {
      const was = remote.following !== null
      remote.stop()
      return was
    }
  })
  new Minimap(/** @type {HTMLElement} */ (byTestId('minimap')), board)
  const outlinePanel = document.getElementById('outline-panel')
  /** @param {import('yjs').Doc} doc */
  const showOutline = (doc) => outlinePanel && new Outline(outlinePanel, doc, {
    anonymous,
    limits: board.limits,
    onActivate: (id) => {
      board.selection.set([id])
      board.focusObject(id)
    }
  })
  let outline = showOutline(connection.doc)

  const emptyHint = document.getElementById('board-empty')
  const updateEmpty = () => { if (emptyHint) emptyHint.hidden = board.model.plain.size > 0 }
  board.model.onChange(updateEmpty)
  updateEmpty()
  /** @param {import('y-websocket').WebsocketProvider} provider the board's */
  const follow = (provider) => {
    reportSync(provider, 'boardSynced')
    banner.watch(provider)
    provider.on('sync', (/** @type {boolean} */ synced) => { if (synced) board.synced() })
  }
  follow(boardProvider)

  connection.on('limits', (limits) => board.setLimits(limits))
  connection.on('error', (message) => notify(message))
  /** A participant's own board while private brainstorming is on. @type {BoardConnection | null} */
  let privateBoard = null
  /** @param {import('yjs').Doc} doc the document the board shows and edits */
  const show = (doc) => {
    board.bind(doc)
    outline?.destroy()
    outline = showOutline(doc)
  }
  // After a refused change the board starts again from the server's copy.
  connection.on('bind', (doc, provider, previous) => {
    banner.unwatch(previous)
    follow(provider)
    presence.bind(provider.awareness)
    presenceList.bind(provider.awareness)
    remote.bind(provider.awareness)
    cursors.bind(provider.awareness)
    if (!privateBoard) show(doc)
  })

  const chat = pageChat({ doc: chatDoc, provider: chatProvider, userId: user.id, canWrite: config.canEdit })

  /** @param {string} id brings a frame of the board into view, whole */
  const showFrame = (id) => {
    const box = board.model.box(id)
    if (box) board.viewport.fit(box)
  }
  /** The people on the board now who take part (participants: not facilitators or observers). */
  const present = () => {
    const ids = new Set()
    for (const state of connection.provider.awareness.getStates().values()) {
      if (state?.user?.role === 'participant' && typeof state.user.id === 'string') ids.add(state.user.id)
    }
    return [...ids]
  }
  const lab = new LabPanel({
    root: /** @type {HTMLElement} */ (byTestId('lab-panel')),
    serverUrl,
    slug: config.slug,
    clockOffsetMs: Number(/** @type {any} */ (config).serverTime || Date.now()) - Date.now(),
    userId: user.id,
    nameOf: (id) => {
      for (const state of connection.provider.awareness.getStates().values()) {
        if (state?.user?.id === id && typeof state.user.name === 'string') return state.user.name
      }
      return id === user.id ? user.name : t('Someone')
    },
    selected: () => [...board.selection.ids],
    describe: (id) => {
      const object = /** @type {any} */ (board.model.get(id))
      return typeof object?.text === 'string' ? object.text.slice(0, 80) : ''
    },
    show: (id) => {
      board.selection.set([id])
      board.focusObject(id)
    },
    view: () => ({ x: board.viewport.x, y: board.viewport.y, zoom: board.viewport.zoom }),
    goTo: (view) => board.viewport.set(view, 'program'),
    present,
    follow: (id) => remote.start(id),
    unfollow: (id) => { if (remote.following === id || remote.awaited === id) remote.stop() },
    frames: {
      named: (title) => {
        const wanted = title.toLowerCase()
        const found = [...board.model.plain].filter(([, o]) => o.type === 'frame' && String(o.title).trim().toLowerCase() === wanted)
        return found.at(-1)?.[0] ?? null
      },
      title: (id) => {
        const frame = board.model.plain.get(id)
        return frame?.type === 'frame' ? String(frame.title).trim() || null : null
      },
      show: showFrame
    }
  })
  // After a vote the board highlights its most voted objects, until the next vote starts.
  const showVotes = () => board.renderer.setVoteHighlights(topVoted(voteResults(lab.state.get('vote'))))
  lab.state.observe(showVotes)
  showVotes()
  new BreakoutPanel({
    root: lab.root,
    state: lab.state,
    send: (command) => lab.send(command),
    userId: user.id,
    facilitator: config.role === 'facilitator',
    canWrite: config.canEdit,
    nameOf: lab.nameOf,
    present,
    goToFrame: showFrame,
    showAll: () => board.zoomToFit(),
    announce: (message) => lab.announce(message),
    onThreads: (threads, own) => chat.setThreads(threads, own)
  })
  reportSync(lab.provider, 'roomSynced')
  new RecordingControls({
    indicator: /** @type {HTMLElement} */ (byTestId('recording-indicator')),
    part: (id) => lab.part(id),
    state: lab.state,
    provider: lab.provider,
    send: (command) => lab.send(command),
    onReply: (listener) => lab.onServerReply(listener),
    timeOf: (ms) => messages().dateTime(ms - lab.clockOffsetMs, { hour: '2-digit', minute: '2-digit' })
  })
  const restoreRoot = byTestId('lab-restore')
  if (restoreRoot) {
    new RestoreControls({
      root: restoreRoot,
      send: (command) => lab.send(command),
      onReply: (listener) => lab.onServerReply(listener),
      clockOffsetMs: lab.clockOffsetMs
    })
  }
  const peopleRoot = byTestId('people-panel')
  const people = peopleRoot && new PeoplePanel({
    root: peopleRoot,
    slug: config.slug,
    userId: user.id,
    awareness: connection.provider.awareness,
    hands: () => lab.hands(),
    cards
  })
  if (people) {
    lab.onChange(() => people.render())
    connection.on('bind', (_doc, provider) => people.bind(provider.awareness))
  }
  // A new role reloads the page made for the old one; any other change of the room's
  // people refreshes the People panel.
  connection.on('access', (role) => { if (!followRole(config.role, role)) people?.refresh() })
  const roleChanged = takeRoleNotice(config.role)
  if (roleChanged) notify(roleChanged)
  // Participants write on a board of their own while brainstorming is private; the reveal
  // moves their notes onto the shared board, which they see again.
  lab.onPrivate((on) => {
    if (on && config.canEdit && config.role !== 'facilitator' && !privateBoard) {
      privateBoard = new BoardConnection(serverUrl, `${config.slug}/private`, providerOptions)
      privateBoard.on('bind', (doc) => show(doc))
      privateBoard.on('error', (message) => notify(message))
      show(privateBoard.doc)
      board.surface.classList.add('is-private')
    } else if (!on && privateBoard) {
      privateBoard.destroy()
      privateBoard = null
      show(connection.doc)
      board.surface.classList.remove('is-private')
    }
  })
  banner.watch(lab.provider)

  window.coworking = {
    get boardDoc () { return connection.doc },
    get boardProvider () { return connection.provider },
    chatDoc,
    chatProvider,
    board,
    roomDoc: lab.doc
  }
}

// While the room records, its page first says so; nothing connects until the person enters.
const notice = byTestId('recording-notice')
if (notice) enterAfterNotice(notice, start)
else start()
