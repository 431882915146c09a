/**
 * A co-working room's chat stays quiet while people focus: messages still arrive, but during
 * a work block only those that mention you (`@Your Name`) count as unread or chime. Outside
 * work blocks, what arrives while the tab is hidden counts; the tab's title shows the count.
 */

import { messages, t } from './i18n.js'

/**
 * The ways people write someone's name after an `@`: the whole display name, and the name
 * without what the room adds to it (" (guest)", " #12").
 * @param {string} name
 * @returns {string[]} lower case, longest first
 */
function handles (name) {
  const whole = name.trim().toLowerCase()
  const bare = whole.replace(/\s+\(guest\)$/, '').replace(/\s+#\d+$/, '').trim()
  return [...new Set([whole, bare])].filter(Boolean)
}

/**
 * Whether a message mentions `name`: `@` then the name (any case), not followed by more of
 * a word, so "@Ada" mentions Ada but not Adam.
 * @param {string} text
 * @param {string} name
 * @returns {boolean}
 */
export function mentions (text, name) {
  const lower = text.toLowerCase()
  for (const handle of handles(name)) {
    let at = lower.indexOf(`@${handle}`)
    while (at !== -1) {
      const after = lower.slice(at + handle.length + 1)
      if (!/^[\p{L}\p{N}_]/u.test(after)) return true
      at = lower.indexOf(`@${handle}`, at + 1)
    }
  }
  return false
}

/**
 * What a message that just arrived does: whether it counts as unread (tab title, badge)
 * and whether it chimes.
 * @param {object} options
 * @param {{authorId?: unknown, text?: unknown}} options.message
 * @param {string} options.userId this person
 * @param {string} options.name this person's display name
 * @param {boolean} options.working whether a work block is on
 * @param {boolean} options.hidden whether this person cannot see the chat now (hidden tab, closed chat panel)
 * @returns {{unread: boolean, chime: boolean}}
 */
export function notice ({ message, userId, name, working, hidden }) {
  if (message.authorId === userId) return { unread: false, chime: false }
  const mentioned = typeof message.text === 'string' && mentions(message.text, name)
  if (mentioned) return { unread: hidden, chime: true }
  return { unread: hidden && !working, chime: false }
}

/**
 * The tab title with the number of unread messages in front: "(3) Studio", or the title
 * alone when there are none.
 * @param {string} title
 * @param {number} unread
 * @returns {string}
 */
export function titleWithUnread (title, unread) {
  // Translators: the browser tab's title, with the number of unread chat messages in front ("(3) Studio")
  return unread > 0 ? t('({count}) {title}', { count: messages().number(unread), title }) : title
}
