/** The chat of a recording up to the moment shown: a read-only list of the chat document's
 * messages, kept in step as playing appends to it. */

/** @param {number} ts @returns {string} local time as HH:MM */
const clockTime = (ts) => {
  const date = new Date(ts)
  return `${String(date.getHours()).padStart(2, '0')}:${String(date.getMinutes()).padStart(2, '0')}`
}

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
      this.list.replaceChildren(...messages.toArray().map((message) => this.item(message)))
      if (this.empty) this.empty.hidden = messages.length > 0
      this.list.scrollTop = this.list.scrollHeight
    }
    messages.observe(render)
    this.unbind = () => messages.unobserve(render)
    render()
  }

  /** @param {any} message */
  item (message) {
    const item = document.createElement('li')
    item.className = 'chat-message'
    item.dataset.testid = 'chat-message'
    const meta = document.createElement('div')
    meta.className = 'chat-meta'
    const author = document.createElement('span')
    author.className = 'chat-author'
    author.textContent = typeof message?.author === 'string' ? message.author : 'Unknown'
    meta.append(author)
    if (typeof message?.ts === 'number' && Number.isFinite(message.ts)) {
      const time = document.createElement('time')
      time.className = 'chat-time'
      time.dateTime = new Date(message.ts).toISOString()
      time.textContent = clockTime(message.ts)
      meta.append(' ', time)
    }
    const text = document.createElement('p')
    text.className = 'chat-text'
    text.textContent = typeof message?.text === 'string' ? message.text : ''
    item.append(meta, text)
    return item
  }
}
