/** The server's playback endpoints of one recording, and the binary list of updates they send. */

import * as decoding from 'lib0/decoding'
import { KINDS } from './playback.js'
import { t } from '../i18n.js'

/** @typedef {import('./playback.js').Entry} Entry */
/** @typedef {import('./playback.js').Kind} Kind */

/**
 * Reads a list of recorded updates: a varUint count, then for each its time (varUint, ms
 * from the recording's start), its author (varString) and its bytes (varUint8Array).
 * @param {Uint8Array} bytes
 * @returns {Entry[]} in the order sent
 * @throws {Error} on a truncated or malformed list
 */
export function decodeUpdates (bytes) {
  const decoder = decoding.createDecoder(bytes)
  const count = decoding.readVarUint(decoder)
  /** @type {Entry[]} */
  const entries = []
  for (let i = 0; i < count; i++) {
    const at = decoding.readVarUint(decoder)
    const author = decoding.readVarString(decoder)
    const update = decoding.readVarUint8Array(decoder)
    entries.push({ at, author, update })
  }
  if (decoding.hasContent(decoder)) throw new Error(t('The list of updates has bytes after its last update.'))
  return entries
}

/**
 * Reads the documents of a moment (`states`): a varUint count of parts, then for each the
 * name of its document (varString) and a Yjs update (varUint8Array). A document's parts
 * come in the order an empty document takes them (its keyframe, then what followed).
 * @param {Uint8Array} bytes
 * @returns {Record<Kind, Uint8Array[]>}
 * @throws {Error} on a truncated or malformed answer, or one without the three documents
 */
export function decodeStates (bytes) {
  const decoder = decoding.createDecoder(bytes)
  const count = decoding.readVarUint(decoder)
  /** @type {Record<Kind, Uint8Array[]>} */
  const states = { board: [], chat: [], room: [] }
  for (let i = 0; i < count; i++) {
    const name = decoding.readVarString(decoder)
    const update = decoding.readVarUint8Array(decoder)
    if (!Object.hasOwn(states, name)) throw new Error(t('The documents of the moment name an unknown one: {name}.', { name }))
    states[/** @type {Kind} */ (name)].push(update)
  }
  if (decoding.hasContent(decoder)) throw new Error(t('The documents have bytes after the last one.'))
  if (KINDS.some((kind) => !states[kind].length)) throw new Error(t('The documents of the moment are not all there.'))
  return states
}

/** Thrown when a playback endpoint answers with an error. */
export class PlaybackError extends Error {}

/**
 * @param {Response} response
 * @returns {Promise<Uint8Array>}
 */
async function bytesOf (response) {
  if (!response.ok) {
    const body = await response.json().catch(() => null)
    throw new PlaybackError(typeof body?.error === 'string'
      ? body.error
      // Translators: {status} is an HTTP status code, such as 404.
      : t('The recording could not be loaded ({status}).', { status: response.status }))
  }
  return new Uint8Array(await response.arrayBuffer())
}

export class RecordingSource {
  /**
   * @param {string} base the recording's path, `/r/<slug>/recordings/<id>`
   * @param {string} token an invite token the page was opened with, or ''
   */
  constructor (base, token) {
    this.base = base
    this.token = token
  }

  /**
   * @param {string} path after the base
   * @param {Record<string, string | number>} [params]
   */
  url (path, params = {}) {
    const query = new URLSearchParams(Object.entries(params).map(([key, value]) => [key, String(value)]))
    if (this.token) query.set('token', this.token)
    const text = query.toString()
    return `${this.base}${path}${text ? `?${text}` : ''}`
  }

  /** @returns {Promise<any>} the recording's details: chapters, activity, markers */
  async detail () {
    const response = await fetch(this.url('.json'), { credentials: 'same-origin' })
    return JSON.parse(new TextDecoder().decode(await bytesOf(response)))
  }

  /**
   * @param {number} at ms from the start
   * @returns {Promise<Record<Kind, Uint8Array[]>>} the documents then, each as the updates an empty document takes in order
   */
  async states (at) {
    const response = await fetch(this.url('/states', { at: Math.round(at) }), { credentials: 'same-origin' })
    return decodeStates(await bytesOf(response))
  }

  /**
   * @param {Kind} kind
   * @param {number} from ms from the start, not included
   * @param {number} to ms from the start, included
   * @returns {Promise<{entries: Entry[], to: number}>} the updates, and how far they reach:
   *   short of `to` when the server stopped at its limits (`X-Recording-Next`)
   */
  async updates (kind, from, to) {
    const response = await fetch(this.url('/updates', { doc: kind, from: Math.round(from), to: Math.round(to) }), { credentials: 'same-origin' })
    const entries = decodeUpdates(await bytesOf(response))
    const next = Number(response.headers.get('X-Recording-Next'))
    return { entries, to: response.headers.has('X-Recording-Next') && Number.isFinite(next) ? Math.min(to, next) : to }
  }
}
