/** The chat of a recording up to the moment shown: a read-only list of the chat document's
 * messages, kept in step as playing appends to it. */

import { messageItem } from '../chat.js'

export class ChatList {
  /**
   * @param {HTMLElement} list the `chat-messages` list
   * @param {HTMLElement | null} empty says there are no messages yet
   */
  constructor (list, empty) {
    this.list = list
    this.empty = empty
    /** Stops observing the previous document. */
    this.unbind = () => {}
  }

  /** @param {import('yjs').Doc} doc the chat document at the moment shown */
  bind (doc) {
    this.unbind()
    const messages = doc.getArray('messages')
    const render = () => {
      this.list.replaceChildren(...messages.toArray().map(messageItem))
      if (this.empty) this.empty.hidden = messages.length > 0
      this.list.scrollTop = this.list.scrollHeight
    }
    messages.observe(render)
    this.unbind = () => messages.unobserve(render)
    render()
  }
}
