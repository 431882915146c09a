/**
 * The room document's socket (`<slug>/room`): the document the server writes, the JSON
 * commands a page sends it, and the server's type-100 replies (`room.error`, `vote.mine`).
 */

import * as Y from 'yjs'
import * as decoding from 'lib0/decoding'
import { WebsocketProvider } from 'y-websocket'
import { Awareness } from 'y-protocols/awareness'

/** y-websocket message type of the server's replies. */
const MESSAGE_APP = 100

export class RoomSocket {
  /**
   * @param {string} serverUrl
   * @param {string} slug
   * @param {Record<string, unknown> | null} localState this page's presence on the socket
   *   (null: none; the server stamps `user` into any other)
   */
  constructor (serverUrl, slug, localState) {
    this.doc = new Y.Doc()
    this.awareness = new Awareness(this.doc)
    this.awareness.setLocalState(localState)
    this.provider = new WebsocketProvider(serverUrl, `${slug}/room`, this.doc, { disableBc: true, awareness: this.awareness })
    this.state = this.doc.getMap('room')
    /** @type {Set<(reply: any) => void>} */
    this.replyListeners = new Set()
    this.provider.messageHandlers[MESSAGE_APP] = (_encoder, decoder) => {
      let reply
      try {
        reply = JSON.parse(decoding.readVarString(decoder))
      } catch {
        return
      }
      for (const listener of this.replyListeners) listener(reply)
    }
  }

  /** @param {Record<string, unknown>} command @returns {boolean} whether it went out (not while offline) */
  send (command) {
    const ws = this.provider.ws
    if (!this.provider.wsconnected || !ws || ws.readyState !== WebSocket.OPEN) return false
    ws.send(JSON.stringify(command))
    return true
  }

  /** @param {(reply: any) => void} listener told of every reply, parsed */
  onReply (listener) {
    this.replyListeners.add(listener)
  }
}
