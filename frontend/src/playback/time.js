/** Times within a recording (ms from its start): the clock shown, the words a screen reader
 * hears, and the `#t=` deep link. */

import { clockSeconds, spokenSeconds } from '../lab-news.js'

/** @param {number} ms @returns {string} m:ss, or h:mm:ss from an hour on (rounded down to the second) */
export function formatClock (ms) {
  return clockSeconds(Math.floor(ms / 1000))
}

/** @param {number} ms @returns {string} "1 hour 2 minutes 5 seconds", "12 minutes 34 seconds", "0 seconds" */
export const spokenTime = (ms) => spokenSeconds(Math.floor(ms / 1000))

/**
 * Reads a time written as `h:mm:ss`, `m:ss` or plain seconds (`754`), or `12m34s`.
 * @param {string} text
 * @returns {number | null} ms, or null when it is no time
 */
export function parseClock (text) {
  const value = text.trim()
  const colons = /^(?:(\d+):)?(\d+):([0-5]\d)$/.exec(value)
  if (colons) {
    const [, hours = '0', minutes, seconds] = colons
    if (colons[1] !== undefined && Number(minutes) > 59) return null
    return ((Number(hours) * 60 + Number(minutes)) * 60 + Number(seconds)) * 1000
  }
  if (/^\d+$/.test(value)) return Number(value) * 1000
  const units = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/.exec(value)
  if (units && value) return ((Number(units[1] ?? 0) * 60 + Number(units[2] ?? 0)) * 60 + Number(units[3] ?? 0)) * 1000
  return null
}

/**
 * The moment a location hash names (`#t=12:34`, among other parameters or alone).
 * @param {string} hash `location.hash`, with or without its `#`
 * @returns {number | null} ms from the start, or null when it names none
 */
export function timeFromHash (hash) {
  const params = new URLSearchParams(hash.replace(/^#/, ''))
  const value = params.get('t')
  return value === null ? null : parseClock(value)
}

/** @param {number} ms @returns {string} the hash that links to a moment: `#t=12:34` */
export const hashForTime = (ms) => `#t=${formatClock(ms)}`
