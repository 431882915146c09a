/**
 * What a refusal from the server says to its reader. The server answers a refused chat
 * message, room command or board change with a `code` and an English sentence: an English
 * page shows that sentence (it names the detail), a page in another language the sentence
 * of its code, translated.
 */

import { messages, t } from './i18n.js'

/** The sentence of each code, by `<kind>.<code>` (kind: chat, room, board) or by `<code>`. */
const SENTENCES = /** @type {Record<string, () => string>} */ ({
  'chat.empty': () => t('Write something before sending.'),
  'chat.too_long': () => t('That message is too long.'),
  'chat.closed': () => t('This thread has closed.'),
  'chat.forbidden': () => t('You can read this chat but not write there.'),
  'board.read_only': () => t('You can look at the board but not change it.'),
  'board.locked': () => t('The facilitator has locked the board for now: your change was not kept.'),
  'board.too_many_objects': () => t('The board is full: remove something first.'),
  'board.too_large': () => t('That change is too large to keep.'),
  'board.too_deep': () => t('That change is nested too deeply to keep.'),
  'board.write_quota': () => t('You are changing the board very fast: wait a moment.'),
  'room.over_budget': () => t('You have used all your votes.'),
  forbidden: () => t('Your role does not allow that.'),
  bad_command: () => t('The server did not understand that.'),
  invalid: () => t('That was not accepted: check what you entered.'),
  rate_limited: () => t('Slow down a little, then try again.'),
  closed: () => t('That cannot be done now.')
})

/**
 * @param {any} reply a refusal as the server sent it: `{"type": "<kind>.error", "code", "message"}`
 * @param {string} fallback what to say when neither the code nor a message tells
 * @returns {string}
 */
export function refusal (reply, fallback) {
  const kind = String(reply?.type ?? '').split('.')[0]
  const code = typeof reply?.code === 'string' ? reply.code : ''
  const said = typeof reply?.message === 'string' ? reply.message.trim().slice(0, 500) : ''
  if (said && messages().lang.toLowerCase().startsWith('en')) return said
  const sentence = SENTENCES[`${kind}.${code}`] ?? (Object.hasOwn(SENTENCES, code) ? SENTENCES[code] : undefined)
  return sentence ? sentence() : said || fallback
}
