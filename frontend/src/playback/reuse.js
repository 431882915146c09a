/**
 * The player's reuse controls: open the moment shown as a new lab, put the live board back to
 * it (facilitators), and rename or delete the recording (facilitators). The buttons are in the
 * page only for those who may use them; the server checks again.
 */

import { csrfToken } from '../csrf.js'
import { formatClock } from './time.js'
import { t, tn } from '../i18n.js'

/** @param {unknown} value @returns {number} a count the server answered (0 for anything else) */
const countOf = (value) => Math.max(0, Math.floor(Number(value) || 0))

/**
 * A number of board objects, to fill into a sentence with more than one count.
 * @param {unknown} value
 */
// Translators: a number of board objects, filled into "The live board is back as it was at {time}: …".
const objects = (value) => tn('{count} object', '{count} objects', countOf(value))

/**
 * The reuse endpoints of one recording.
 * @typedef {object} ReuseOptions
 * @property {string} base the player's address without its trailing slash
 * @property {string} token an invite token ('' for none), passed on as `?token=`
 * @property {string} roomUrl the live room's page, where a deleted recording's player goes
 * @property {() => number} position the moment shown, ms from the recording's start
 * @property {(url: string) => void} [go] how the page leaves for another address
 * @property {(message: string) => boolean} [ask] a confirm dialog
 */

/**
 * POSTs `fields` to the recording's `action`/ and answers its JSON; throws with the server's
 * `error` (or a plain word when it cannot be reached).
 * @param {ReuseOptions} options @param {string} action @param {Record<string, string>} fields
 * @returns {Promise<any>}
 */
async function post (options, action, fields) {
  const query = options.token ? `?${new URLSearchParams({ token: options.token })}` : ''
  let response
  try {
    response = await fetch(`${options.base}/${action}/${query}`, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'X-CSRFToken': csrfToken() },
      body: new URLSearchParams(fields)
    })
  } catch {
    throw new Error(t('The server is unreachable: try again in a moment.'))
  }
  const data = await response.json().catch(() => null)
  // Translators: {status} is an HTTP status code, such as 403.
  if (!response.ok) throw new Error(data?.error ?? t('The server refused ({status}).', { status: response.status }))
  return data
}

/**
 * Wires the reuse controls inside `root` (`data-testid` hooks of recording.html).
 * @param {HTMLElement} root
 * @param {ReuseOptions} options
 */
export function setUpReuse (root, options) {
  const go = options.go ?? ((url) => { location.assign(url) })
  const ask = options.ask ?? ((message) => window.confirm(message))
  /** @param {string} id */
  const part = (id) => /** @type {HTMLElement | null} */ (root.querySelector(`[data-testid="${id}"]`))
  const status = /** @type {HTMLElement} */ (part('player-reuse-status'))
  /** @param {string} message */
  const say = (message) => { status.textContent = message }

  /**
   * Runs `action` with `button` disabled, saying what went wrong if it fails.
   * @param {HTMLButtonElement} button @param {() => Promise<void>} action
   */
  const busy = async (button, action) => {
    button.disabled = true
    try {
      await action()
    } catch (error) {
      say(error instanceof Error ? error.message : String(error))
    } finally {
      button.disabled = false
    }
  }

  const open = /** @type {HTMLButtonElement | null} */ (part('player-open'))
  open?.addEventListener('click', () => busy(open, async () => {
    const at = Math.round(options.position())
    // Translators: {time} is a moment of the recording, such as 12:34.
    say(t('Opening the board at {time} in a new room…', { time: formatClock(at) }))
    const answer = await post(options, 'open', { at: String(at) })
    go(answer.url)
  }))

  const restore = /** @type {HTMLButtonElement | null} */ (part('player-restore'))
  restore?.addEventListener('click', () => {
    const at = Math.round(options.position())
    const when = formatClock(at)
    const question = t(
      // Translators: {time} is a moment of the recording, such as 12:34.
      'Restore the live board to how it was at {time} of this recording? Everyone in the room sees the change at once; the board\'s history keeps what it replaces.',
      { time: when }
    )
    if (!ask(question)) return
    busy(restore, async () => {
      const done = await post(options, 'restore', { at: String(at) })
      // Translators: {time} is a moment of the recording (12:34); {restored}, {removed} and {changed}
      // are numbers of objects ("3 objects").
      say(t('The live board is back as it was at {time}: {restored} came back, {removed} removed, {changed} changed back.', {
        time: formatClock(done.at), restored: objects(done.restored), removed: objects(done.removed), changed: objects(done.changed)
      }))
    })
  })

  const rename = /** @type {HTMLFormElement | null} */ (part('player-rename'))
  rename?.addEventListener('submit', (event) => {
    event.preventDefault()
    const submit = /** @type {HTMLButtonElement} */ (rename.querySelector('button[type="submit"]'))
    const title = /** @type {HTMLInputElement} */ (rename.elements.namedItem('title')).value
    busy(submit, async () => {
      const renamed = await post(options, 'rename', { title })
      const heading = document.querySelector('[data-testid="player-title"]')
      const before = heading?.textContent ?? ''
      if (heading) heading.textContent = renamed.title
      if (before && document.title.startsWith(before)) document.title = renamed.title + document.title.slice(before.length)
      // Translators: said after renaming a recording.
      say(t('Renamed to "{title}".', { title: renamed.title }))
    })
  })

  const remove = /** @type {HTMLButtonElement | null} */ (part('player-delete'))
  remove?.addEventListener('click', () => {
    const title = document.querySelector('[data-testid="player-title"]')?.textContent ?? ''
    if (!ask(t('Delete the recording "{title}"? The room\'s board and chat stay as they are.', { title }))) return
    busy(remove, async () => {
      await post(options, 'delete', {})
      go(options.roomUrl)
    })
  })
}
