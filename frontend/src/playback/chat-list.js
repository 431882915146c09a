/** The chat of a recording up to the moment shown: a read-only list of the chat document's
 * messages, kept in step as playing appends to it and seeks move it. */

import { messageItem } from '../chat.js'

/**
 * A key per message for what its item shows (the id, author, time and text, and which of
 * several such messages it is): an item is kept while its message keeps its key.
 * @param {any[]} messages
 * @returns {string[]}
 */
function keysOf (messages) {
  /** @type {Map<string, number>} */
  const seen = new Map()
  return messages.map((message) => {
    const looks = JSON.stringify([message?.id, message?.author, message?.ts, message?.text])
    const count = seen.get(looks) ?? 0
    seen.set(looks, count + 1)
    return `${count} ${looks}`
  })
}

export class ChatList {
  /**
   * @param {HTMLElement} list the `chat-messages` list
   * @param {HTMLElement | null} empty says there are no messages yet
   * @param {Map<string, string>} [names] the recording's people by identity id, as the server
   *   names them now: a message's author whose account is gone reads "Former member", as in
   *   the room, not the name the history kept
   */
  constructor (list, empty, names = new Map()) {
    this.list = list
    this.empty = empty
    this.names = names
    /** The items shown, by what they show. @type {Map<string, HTMLElement>} */
    this.items = new Map()
    /** The scroll to the end waiting for the next frame. */
    this.scrolling = false
    /** Stops observing the previous document. */
    this.unbind = () => {}
  }

  /** @param {import('yjs').Doc} doc the chat document at the moment shown */
  bind (doc) {
    this.unbind()
    const messages = doc.getArray('messages')
    const render = () => this.show(messages.toArray())
    messages.observe(render)
    this.unbind = () => messages.unobserve(render)
    render()
  }

  /**
   * Shows these messages, in order: the items of the longest run of unchanged messages at
   * the start stay in place, the rest follow (kept items moved, new ones made).
   * @param {any[]} messages
   */
  show (messages) {
    messages = messages.map((message) => {
      const now = typeof message?.authorId === 'string' ? this.names.get(message.authorId) : undefined
      return now === undefined ? message : { ...message, author: now }
    })
    const keys = keysOf(messages)
    const children = this.list.children
    let same = 0
    while (same < keys.length && same < children.length && children[same] === this.items.get(keys[same])) same++
    if (same === keys.length && same === children.length) return
    /** @type {Map<string, HTMLElement>} */
    const items = new Map()
    const wanted = keys.map((key, index) => {
      const item = this.items.get(key) ?? messageItem(messages[index])
      items.set(key, item)
      return item
    })
    while (children.length > same) children[same].remove()
    this.list.append(...wanted.slice(same))
    this.items = items
    if (this.empty) this.empty.hidden = messages.length > 0
    this.scrollToEnd()
  }

  /** Scrolls to the newest message before the next frame is drawn, not in the change that
   * added it (measuring the list there would lay the page out at once). */
  scrollToEnd () {
    if (this.scrolling) return
    this.scrolling = true
    requestAnimationFrame(() => {
      this.scrolling = false
      this.list.scrollTop = this.list.scrollHeight
    })
  }
}
