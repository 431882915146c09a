/** The chat panel: renders the server-written message list and sends `chat.send` commands. */

import * as Y from 'yjs'
import * as decoding from 'lib0/decoding'
import { WebsocketProvider } from 'y-websocket'
import { Awareness } from 'y-protocols/awareness'
import { messages, t } from './i18n.js'
import { shownName } from './names.js'
import { refusal } from './refusals.js'

/** y-websocket message type the server uses to report a rejected chat command. */
const MESSAGE_CHAT_ERROR = 100

/** Distance (px) from the bottom within which the list keeps following new messages. */
const STICKY_BOTTOM_PX = 48

/** @param {Date} date @returns {string} the time as HH:MM, in the person's time zone */
const formatTime = (date) => messages().dateTime(date, { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })

/** @param {Date} date @returns {string} the date and time in full, in the person's language and time zone */
const formatMoment = (date) => messages().dateTime(date, {
  year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric'
})

/**
 * @typedef {object} ChatMessage
 * @property {string} id
 * @property {string} authorId
 * @property {string} author
 * @property {string} text
 * @property {number} ts
 * @property {string} [thread] the breakout group's thread it was written in
 */

/**
 * One chat message as a list item: who wrote it, when (local time), and its text.
 * @param {Partial<ChatMessage>} message
 * @returns {HTMLLIElement}
 */
export function messageItem (message) {
  const item = document.createElement('li')
  item.className = 'chat-message'
  item.dataset.testid = 'chat-message'
  const meta = document.createElement('div')
  meta.className = 'chat-meta'
  const author = document.createElement('span')
  author.className = 'chat-author'
  // Translators: the author of a chat message whose name is not known
  author.textContent = typeof message?.author === 'string' ? shownName(message.author) : t('Unknown')
  meta.append(author)
  if (typeof message?.ts === 'number' && Number.isFinite(message.ts)) {
    const date = new Date(message.ts)
    const time = document.createElement('time')
    time.className = 'chat-time'
    time.dateTime = date.toISOString()
    time.title = formatMoment(date)
    time.textContent = formatTime(date)
    meta.append(' ', time)
  }
  const text = document.createElement('p')
  text.className = 'chat-text'
  text.dir = 'auto' // its own direction, whatever the page's
  text.textContent = typeof message?.text === 'string' ? message.text : ''
  item.append(meta, text)
  return item
}

/**
 * Connects a room's chat document (`<slug>/chat`). The chat carries no presence: its local
 * awareness state is null before the socket opens.
 * @param {string} serverUrl
 * @param {string} slug
 * @returns {{doc: Y.Doc, provider: WebsocketProvider}}
 */
export function openChat (serverUrl, slug) {
  const doc = new Y.Doc()
  const awareness = new Awareness(doc)
  awareness.setLocalState(null)
  // Cross-tab BroadcastChannel sync is off: the server decides what each connection may write.
  const provider = new WebsocketProvider(serverUrl, `${slug}/chat`, doc, { disableBc: true, awareness })
  return { doc, provider }
}

/**
 * The chat of a room page, on the page's standard parts (`chat-messages`, `chat-thread`,
 * `chat-input`, `chat-send`, `chat-error`).
 * @param {{doc: import('yjs').Doc, provider: import('y-websocket').WebsocketProvider, userId: string, canWrite: boolean}} options
 * @returns {Chat}
 */
export function pageChat ({ doc, provider, userId, canWrite }) {
  /** @param {string} testId */
  const part = (testId) => /** @type {any} */ (document.querySelector(`[data-testid="${testId}"]`))
  return new Chat({
    list: part('chat-messages'),
    threadSelect: part('chat-thread'),
    input: part('chat-input'),
    sendButton: part('chat-send'),
    errorElement: part('chat-error'),
    doc,
    provider,
    userId,
    canWrite
  })
}

export class Chat {
  /**
   * @param {object} options
   * @param {HTMLElement} options.list the `chat-messages` element
   * @param {HTMLTextAreaElement | null} options.input the `chat-input` element (absent or disabled for observers)
   * @param {HTMLButtonElement | null} options.sendButton the `chat-send` element
   * @param {HTMLElement | null} options.errorElement the `chat-error` element
   * @param {HTMLSelectElement | null} [options.threadSelect] the `chat-thread` element: where to write
   * @param {import('yjs').Doc} options.doc
   * @param {import('y-websocket').WebsocketProvider} options.provider
   * @param {string} options.userId
   * @param {boolean} options.canWrite
   */
  constructor ({ list, input, sendButton, errorElement, threadSelect = null, doc, provider, userId, canWrite }) {
    this.list = list
    this.threadSelect = threadSelect
    /** The breakout threads open now (id -> title), and the one written in ('' for everyone). */
    this.threads = new Map()
    this.thread = ''
    threadSelect?.addEventListener('change', () => {
      this.thread = threadSelect.value
      this.showThreads()
    })
    this.input = input
    this.sendButton = sendButton
    this.errorElement = errorElement
    this.provider = provider
    this.userId = userId
    this.canWrite = canWrite
    this.messages = doc.getArray('messages')
    /** The last text sent, restored into the input if the server rejects it. */
    this.lastSent = ''
    /** @type {Set<(message: Partial<ChatMessage>) => void>} */
    this.arrivalListeners = new Set()

    provider.messageHandlers[MESSAGE_CHAT_ERROR] = (_encoder, decoder) => {
      this.onServerError(decoding.readVarString(decoder))
    }
    /** Whether the list follows new messages: until its reader scrolls up, and from when they are back at the bottom. */
    this.pinned = true
    // The list shown again (a panel opened, a phone's keyboard up) or resized, and messages
    // laid out late (content-visibility) or grown, keep a pinned list at the bottom.
    this.resized = new ResizeObserver(() => { if (this.pinned) this.scrollToBottom() })
    this.resized.observe(list)
    let lastTop = list.scrollTop
    list.addEventListener('scroll', () => {
      if (list.clientHeight === 0) return
      if (this.isNearBottom()) this.pinned = true
      else if (list.scrollTop < lastTop) this.pinned = false
      lastTop = list.scrollTop
    })
    this.messages.observe((event) => this.onMessagesChanged(event))
    this.list.replaceChildren(...this.messages.toArray().map((message) => this.renderMessage(message)))
    this.scrollToBottom()

    if (canWrite && input) {
      input.addEventListener('keydown', (event) => {
        if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
          event.preventDefault()
          this.send()
        }
      })
      input.addEventListener('input', () => this.showError(''))
      sendButton?.addEventListener('click', () => this.send())
    }
  }

  /** @param {(message: Partial<ChatMessage>) => void} listener told of each message as it arrives */
  onArrival (listener) {
    this.arrivalListeners.add(listener)
  }

  /** Sends the input's text as a `chat.send` command; keeps it in the input when offline. */
  send () {
    if (!this.input || !this.canWrite) return
    const text = this.input.value
    if (!text.trim()) return
    const ws = this.provider.ws
    if (!this.provider.wsconnected || !ws || ws.readyState !== WebSocket.OPEN) {
      this.showError(t('You are offline: the message was not sent. Try again once reconnected.'))
      return
    }
    ws.send(JSON.stringify(this.thread ? { type: 'chat.send', text, thread: this.thread } : { type: 'chat.send', text }))
    this.lastSent = text
    this.input.value = ''
    this.showError('')
    this.input.focus()
  }

  /**
   * The breakout threads this person may write in; while there are any, the chat shows the
   * messages to everyone and those of the thread chosen, and writes in that thread.
   * @param {{id: string, title: string}[]} threads
   * @param {string | null} own this person's group, chosen when it is new to them
   */
  setThreads (threads, own) {
    const before = this.threads
    this.threads = new Map(threads.map(({ id, title }) => [id, title]))
    if (own && !before.has(own)) this.thread = own
    if (!this.threads.has(this.thread)) this.thread = ''
    const select = this.threadSelect
    if (select) {
      // Translators: the chat thread everyone in the room reads (beside the breakout groups' threads)
      const options = [['', t('Everyone')], ...this.threads]
      select.replaceChildren(...options.map(([id, title]) => new Option(title, id, false, id === this.thread)))
      const box = select.closest('[data-chat-threads]')
      if (box instanceof HTMLElement) box.hidden = this.threads.size === 0
    }
    this.showThreads()
  }

  /** Hides the messages of threads other than the one chosen. */
  showThreads () {
    const messages = this.messages.toArray()
    for (const [index, item] of [...this.list.children].entries()) {
      if (item instanceof HTMLElement) item.hidden = !this.visible(messages[index])
    }
  }

  /** @param {Partial<ChatMessage> | undefined} message */
  visible (message) {
    const thread = typeof message?.thread === 'string' ? message.thread : ''
    return !thread || this.threads.size === 0 || thread === this.thread
  }

  /** @param {string} payload JSON `{type: 'chat.error', code, message}` */
  onServerError (payload) {
    let error
    try {
      error = JSON.parse(payload)
    } catch {
      return
    }
    if (error?.type !== 'chat.error') return
    this.showError(refusal(error, t('The message was not sent.')))
    if (this.input && !this.input.value && this.lastSent) this.input.value = this.lastSent
    this.lastSent = ''
  }

  /** @param {string} message empty hides the error */
  showError (message) {
    if (!this.errorElement) return
    this.errorElement.textContent = message
    this.errorElement.hidden = !message
  }

  /** @param {import('yjs').YArrayEvent<any>} event */
  onMessagesChanged (event) {
    let index = 0
    let ownMessage = false
    for (const op of event.changes.delta) {
      if (op.retain) {
        index += op.retain
      } else if (op.insert) {
        for (const message of /** @type {any[]} */ (op.insert)) {
          this.list.insertBefore(this.renderMessage(message), this.list.children[index] ?? null)
          ownMessage ||= message?.authorId === this.userId
          for (const listener of this.arrivalListeners) listener(message)
          index++
        }
      } else if (op.delete) {
        for (let i = 0; i < op.delete; i++) {
          const item = this.list.children[index]
          if (!item) break
          this.resized.unobserve(item)
          item.remove()
        }
      }
    }
    if (ownMessage) this.lastSent = ''
    if (this.pinned || ownMessage) this.scrollToBottom()
  }

  /** @param {Partial<ChatMessage>} message */
  renderMessage (message) {
    const item = messageItem(message)
    if (typeof message?.id === 'string') item.dataset.id = message.id
    if (message?.authorId === this.userId) item.classList.add('is-own')
    if (typeof message?.thread === 'string') {
      const tag = document.createElement('span')
      tag.className = 'chat-thread-tag'
      // Translators: the tag of a chat message written in a breakout group's thread
      tag.textContent = this.threads.get(message.thread) ?? t('Group')
      item.querySelector('.chat-meta')?.append(' ', tag)
    }
    item.hidden = !this.visible(message)
    this.resized.observe(item)
    return item
  }

  isNearBottom () {
    const list = this.list
    return list.scrollHeight - list.scrollTop - list.clientHeight < STICKY_BOTTOM_PX
  }

  scrollToBottom () {
    this.pinned = true
    this.list.scrollTop = this.list.scrollHeight
  }
}
