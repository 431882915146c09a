/**
 * The board's live connection: its Y.Doc and provider, and the server's own messages on the
 * board socket (y-websocket type 100, a JSON string): `board.limits` on join, `board.error`
 * when the server refused an update, and `access` (this person's role) whenever the room's
 * memberships change. A refused update is neither stored nor relayed, so the local document
 * then holds a change nobody else has: the connection drops that document and starts again
 * from the server's copy, so the change is never sent again.
 */

import * as Y from 'yjs'
import { WebsocketProvider } from 'y-websocket'
import * as decoding from 'lib0/decoding'
import { ObservableV2 } from 'lib0/observable'
import { t } from './i18n.js'
import { refusal } from './refusals.js'

/** y-websocket message type of the server's JSON messages (after the protocol's 0-3). */
export const MESSAGE_SERVER = 100

/** Shown when a refusal comes without a message of its own. */

/** @typedef {{maxObjects: number, maxValueBytes: number, writeBytesPerMinute: number}} BoardLimits */
/**
 * @typedef {{type: 'board.error', code: string, message: string}
 *   | {type: 'board.limits', limits: Partial<BoardLimits>}
 *   | {type: 'access', role: string}} BoardMessage
 */

/** @param {unknown} value @returns {value is number} */
const positiveInteger = (value) => Number.isSafeInteger(value) && /** @type {number} */ (value) > 0

/**
 * The board message a type-100 payload holds, or null when it holds none.
 * @param {string} payload
 * @returns {BoardMessage | null}
 */
export function readBoardMessage (payload) {
  let data
  try {
    data = JSON.parse(payload)
  } catch {
    return null
  }
  if (data?.type === 'board.error') {
    return { type: 'board.error', code: typeof data.code === 'string' ? data.code : '', message: refusal(data, t('The server refused a change to the board, so the board was reloaded.')) }
  }
  if (data?.type === 'board.limits') {
    /** @type {Partial<BoardLimits>} */
    const limits = {}
    for (const key of /** @type {Array<keyof BoardLimits>} */ (['maxObjects', 'maxValueBytes', 'writeBytesPerMinute'])) {
      if (positiveInteger(data[key])) limits[key] = data[key]
    }
    return { type: 'board.limits', limits }
  }
  if (data?.type === 'access' && typeof data.role === 'string') return { type: 'access', role: data.role }
  return null
}

/**
 * @extends {ObservableV2<{
 *   bind: (doc: Y.Doc, provider: WebsocketProvider, previous: WebsocketProvider) => void,
 *   error: (message: string, code: string) => void,
 *   limits: (limits: Partial<BoardLimits>) => void,
 *   access: (role: string) => void
 * }>}
 */
export class BoardConnection extends ObservableV2 {
  /**
   * Opens the board's document and provider (`doc`, `provider`). Listeners hear `limits`,
   * `error`, `access` and, after a refusal, `bind` with the fresh document and provider to
   * use instead.
   * @param {string} serverUrl
   * @param {string} room `<slug>/board`
   * @param {ConstructorParameters<typeof WebsocketProvider>[3]} options
   */
  constructor (serverUrl, room, options) {
    super()
    this.serverUrl = serverUrl
    this.room = room
    this.options = options
    this.doc = new Y.Doc()
    this.provider = this.open(this.doc)
  }

  /** @param {Y.Doc} doc */
  open (doc) {
    const provider = new WebsocketProvider(this.serverUrl, this.room, doc, this.options)
    provider.messageHandlers[MESSAGE_SERVER] = (_encoder, decoder) => this.receive(decoding.readVarString(decoder))
    return provider
  }

  /** @param {string} payload */
  receive (payload) {
    const message = readBoardMessage(payload)
    if (message?.type === 'board.limits') this.emit('limits', [message.limits])
    if (message?.type === 'access') this.emit('access', [message.role])
    if (message?.type === 'board.error') {
      this.emit('error', [message.message, message.code])
      this.resync()
    }
  }

  /** Closes the connection for good (a private board once brainstorming ends). */
  destroy () {
    this.provider.destroy()
    this.doc.destroy()
    super.destroy()
  }

  /** Replaces the document and provider with fresh ones synced from the server. */
  resync () {
    const previous = { doc: this.doc, provider: this.provider }
    this.doc = new Y.Doc()
    this.provider = this.open(this.doc)
    this.emit('bind', [this.doc, this.provider, previous.provider])
    previous.provider.destroy()
    previous.doc.destroy()
  }
}
