/**
 * People's names as the page shows them. The server keeps a few words inside the names it
 * writes into documents, presence and recordings, in English, for everyone alike: a guest's
 * name ends in " (guest)", and someone without a name, or whose account is gone, is "Guest" or
 * "Former member"; a breakout group the facilitator did not name is "Group 2". Pages say
 * those words in their reader's language.
 */

import { messages, t } from './i18n.js'

const GUEST_MARK = ' (guest)'

/**
 * @param {string} name a name as the server wrote it
 * @returns {string} the name in the page's language
 */
export function shownName (name) {
  // Translators: the name of someone who joined through an invite without giving a name
  if (name === 'Guest') return t('Guest')
  // Translators: the name shown for what someone whose account was deleted wrote in a room
  if (name === 'Former member') return t('Former member')
  if (name.endsWith(GUEST_MARK) && name.length > GUEST_MARK.length) {
    // Translators: a guest's name (someone who joined through an invite without an account)
    return t('{name} (guest)', { name: name.slice(0, -GUEST_MARK.length) })
  }
  return name
}

/**
 * @param {string} title a breakout group's title as the server wrote it
 * @returns {string} the title in the page's language
 */
export function shownGroupTitle (title) {
  const number = /^Group (\d+)$/.exec(title)?.[1]
  // Translators: a breakout group the facilitator did not name, by its number
  return number ? t('Group {number}', { number: messages().number(Number(number)) }) : title
}
