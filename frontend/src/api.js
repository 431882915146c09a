/** The room's JSON endpoints, asked with the page's session and CSRF token. */

import { csrfToken } from './csrf.js'
import { t } from './i18n.js'

/** The server's refusal: its reason, and the problems of each field of a form it names. */
export class RefusedError extends Error {
  /** @param {string} message @param {Record<string, unknown>} fields */
  constructor (message, fields) {
    super(message)
    this.fields = fields
  }
}

/**
 * Asks the server for something; a refusal becomes a `RefusedError`, being unreachable an Error.
 * @param {string} url
 * @param {object | null} body JSON to POST, or null to GET
 * @returns {Promise<any>} the JSON answer (null for 204)
 */
export async function requestJson (url, body) {
  let response
  try {
    response = await fetch(url, body === null
      ? { credentials: 'same-origin', headers: { Accept: 'application/json' } }
      : {
          method: 'POST',
          credentials: 'same-origin',
          headers: { 'Content-Type': 'application/json', Accept: 'application/json', 'X-CSRFToken': csrfToken() },
          body: JSON.stringify(body)
        })
  } catch {
    throw new Error(t('The server is unreachable: try again once reconnected.'))
  }
  const data = response.status === 204 ? null : await response.json().catch(() => null)
  if (!response.ok) {
    const message = typeof data?.error === 'string'
      ? data.error
      // Translators: {status} is the HTTP status number, such as 500
      : t('That did not work (error {status}).', { status: String(response.status) })
    throw new RefusedError(message, data?.fields && typeof data.fields === 'object' ? data.fields : {})
  }
  return data
}
