/** The connection banner: tells people when the live connection drops, recovers or is refused. */

import { t } from './i18n.js'

/** How long "Reconnected" stays visible. */
const RECONNECTED_MS = 2500

/** What to tell people when the server closes a socket for good (close codes 4400-4499). */
const PERMANENT_MESSAGES = /** @type {Record<number, () => string>} */ ({
  4400: () => t('The server rejected a malformed message. Reload the page to reconnect.'),
  4401: () => t('You are signed out. Sign in again, then reload this page.'),
  4403: () => t('You do not have access to this room.'),
  4404: () => t('This room does not exist any more.'),
  4410: () => t('This board could not be loaded and has been set aside; the facilitators have been told.'),
  4413: () => t('A change was too large for the server to accept. Reload the page to reconnect.'),
  4429: () => t('Too many changes in a short time. Wait a moment, then reload the page.'),
  4430: () => t('Too many open connections from you: close some tabs or windows.')
})
const permanentFallback = () => t('The server closed the connection. Reload the page to reconnect.')

/** What to tell people while reconnecting after a transient close (4500-4599) that has a reason. */
const TRANSIENT_MESSAGES = /** @type {Record<number, () => string>} */ ({
  4508: () => t('The connection did not finish joining in time, reconnecting…'),
  4509: () => t('The connection fell behind, reconnecting…')
})
const transientFallback = () => t('Connection lost, reconnecting…')

/** @param {number} code */
const isPermanentClose = (code) => code >= 4400 && code < 4500

/**
 * Watches any number of providers and shows the worst state among them:
 * a permanent refusal beats "reconnecting", which beats "reconnected".
 */
export class ConnectionBanner {
  /** @param {HTMLElement} element the `connection-banner` element */
  constructor (element) {
    this.element = element
    this.text = element.querySelector('[data-banner-text]') ?? element
    this.reloadButton = element.querySelector('[data-banner-reload]')
    this.reloadButton?.addEventListener('click', () => location.reload())
    /** @type {Map<object, 'connected' | 'lost' | 'closed'>} */
    this.states = new Map()
    /** @type {string | null} */
    this.permanentMessage = null
    this.transientMessage = transientFallback()
    this.hideTimer = 0
    this.render(null)
  }

  /** @param {import('y-websocket').WebsocketProvider} provider */
  watch (provider) {
    this.states.set(provider, 'connected')
    provider.on('connection-close', (event) => {
      if (!this.states.has(provider)) return
      const code = event?.code ?? 0
      if (isPermanentClose(code)) {
        this.states.set(provider, 'closed')
        this.permanentMessage ??= PERMANENT_MESSAGES[code]?.() ?? permanentFallback()
      } else {
        this.states.set(provider, 'lost')
        this.transientMessage = TRANSIENT_MESSAGES[code]?.() ?? transientFallback()
      }
      this.update()
    })
    provider.on('status', ({ status }) => {
      if (status !== 'connected' || !this.states.has(provider) || this.states.get(provider) === 'closed') return
      const wasLost = this.states.get(provider) === 'lost'
      this.states.set(provider, 'connected')
      if (wasLost) this.update()
    })
  }

  /**
   * Stops watching a provider that is being replaced (its closing is no news).
   * @param {import('y-websocket').WebsocketProvider} provider
   */
  unwatch (provider) {
    this.states.delete(provider)
  }

  update () {
    const states = [...this.states.values()]
    window.clearTimeout(this.hideTimer)
    if (states.includes('closed')) {
      this.render('error', this.permanentMessage ?? permanentFallback())
    } else if (states.includes('lost')) {
      this.render('warning', this.transientMessage)
    } else {
      // Translators: the connection banner, once the live connection is back
      this.render('ok', t('Reconnected'))
      this.hideTimer = window.setTimeout(() => this.render(null), RECONNECTED_MS)
    }
  }

  /**
   * @param {'ok' | 'warning' | 'error' | null} level null hides the banner
   * @param {string} [message]
   */
  render (level, message = '') {
    this.element.hidden = level === null
    this.element.dataset.state = level ?? 'hidden'
    this.text.textContent = message
    if (this.reloadButton) this.reloadButton.hidden = level !== 'error'
  }
}

/**
 * Mirrors a provider's sync state onto `document.body.dataset[key]` (tests wait on it).
 * @param {import('y-websocket').WebsocketProvider} provider
 * @param {string} key
 */
export function reportSync (provider, key) {
  document.body.dataset[key] = String(provider.synced)
  provider.on('sync', (synced) => { document.body.dataset[key] = String(synced) })
}
