/**
 * What screen readers hear when the lab changes: whole sentences made from two readings of
 * the room document (phase, timer, lock, private brainstorming, vote, recording).
 */

import { messages, t, tn } from './i18n.js'

/**
 * A duration as it is said: "5 minutes", "1 minute 30 seconds", "45 seconds".
 * @param {number} ms
 * @returns {string}
 */
export const spokenDuration = (ms) => spokenSeconds(Math.ceil(ms / 1000))

/**
 * Whole seconds as a clock shows them: m:ss, or h:mm:ss from an hour on.
 * @param {number} seconds
 * @returns {string}
 */
export function clockSeconds (seconds) {
  const total = Math.max(0, seconds)
  const hours = Math.floor(total / 3600)
  const minutes = Math.floor((total % 3600) / 60)
  const rest = String(total % 60).padStart(2, '0')
  return hours ? `${hours}:${String(minutes).padStart(2, '0')}:${rest}` : `${minutes}:${rest}`
}

/**
 * Whole seconds as they are said: "1 hour 2 minutes 5 seconds", "0 seconds".
 * @param {number} seconds
 * @returns {string}
 */
export function spokenSeconds (seconds) {
  const total = Math.max(0, seconds)
  const hours = Math.floor(total / 3600)
  const minutes = Math.floor((total % 3600) / 60)
  const parts = []
  if (hours) parts.push(tn('{count} hour', '{count} hours', hours))
  if (minutes) parts.push(tn('{count} minute', '{count} minutes', minutes))
  if (total % 60 || !parts.length) parts.push(tn('{count} second', '{count} seconds', total % 60))
  // The units joined as the language joins those of a duration ("1 hour 2 minutes" in English).
  return new Intl.ListFormat(messages().lang, { type: 'unit', style: 'narrow' }).format(parts)
}

/**
 * @typedef {object} Timer
 * @property {boolean} running
 * @property {number | null} endsAt
 * @property {number} remainingMs
 * @property {number} durationMs
 */

/** @param {any} value the room document's `timer` @returns {Timer} */
function timerOf (value) {
  const number = (/** @type {unknown} */ n) => (typeof n === 'number' && Number.isFinite(n) ? n : 0)
  return {
    running: value?.running === true,
    endsAt: typeof value?.endsAt === 'number' ? value.endsAt : null,
    remainingMs: number(value?.remainingMs),
    durationMs: number(value?.durationMs)
  }
}

/**
 * What a timer command did, said in a sentence (null when the timer did not change).
 * @param {any} previous the room document's `timer` before
 * @param {any} next and after
 * @returns {string | null}
 */
export function timerNews (previous, next) {
  const a = timerOf(previous)
  const b = timerOf(next)
  if (a.running === b.running && a.endsAt === b.endsAt && a.remainingMs === b.remainingMs && a.durationMs === b.durationMs) return null
  const left = spokenDuration(b.remainingMs)
  if (b.running && !a.running && a.remainingMs > 0 && b.remainingMs === a.remainingMs) return t('The timer has resumed: {duration} left.', { duration: left })
  if (b.running && b.endsAt !== a.endsAt && b.remainingMs === b.durationMs) return t('The timer has started: {duration}.', { duration: left })
  if (!b.running && a.running && b.remainingMs > 0) return t('The timer is paused with {duration} left.', { duration: left })
  if (!b.running && !b.remainingMs && !b.durationMs) return t('The timer has stopped.')
  if (b.durationMs > a.durationMs) return t('{added} added: {duration} left.', { added: spokenDuration(b.durationMs - a.durationMs), duration: left })
  return null
}

/**
 * The phase the room is in, said in a sentence: "Phase: Vote, 5 minutes."
 * @param {Record<string, any>} room the room document's values
 * @returns {string}
 */
function phaseSentence (room) {
  const phase = Array.isArray(room.agenda) ? room.agenda.find((p) => p?.id === room.phase) : undefined
  const title = typeof phase?.title === 'string' ? phase.title : ''
  if (!title) return t('No phase now.')
  const minutes = Number(phase.minutes) || 0
  return minutes > 0
    ? t('Phase: {title}, {duration}.', { title, duration: spokenDuration(minutes * 60_000) })
    : t('Phase: {title}.', { title })
}

/** @param {any} recording @returns {string | null} the id of the recording, when one runs */
const runningRecording = (recording) => (recording && typeof recording === 'object' ? String(recording.id) : null)

/** @param {any} vote @returns {string | null} the id of the vote, when it is open */
const openVote = (vote) => (vote && typeof vote === 'object' && vote.open ? String(vote.id) : null)

/**
 * What changed between two readings of the room document, as sentences for a live region.
 * @param {Record<string, any>} before the room document's values
 * @param {Record<string, any>} after
 * @returns {string[]}
 */
export function labNews (before, after) {
  const news = []
  if (before.phase !== after.phase) news.push(phaseSentence(after))
  else {
    const timer = timerNews(before.timer, after.timer)
    if (timer) news.push(timer)
  }
  const locked = after.locked === true
  if (locked !== (before.locked === true)) {
    news.push(locked ? t('The board is locked: only facilitators can change it.') : t('The board is unlocked.'))
  }
  const privateOn = after.private === true
  if (privateOn !== (before.private === true)) {
    news.push(privateOn ? t('Private brainstorming has started.') : t('Private brainstorming has ended.'))
  }
  const wasOpen = openVote(before.vote)
  const isOpen = openVote(after.vote)
  if (wasOpen && wasOpen !== isOpen) news.push(t('Voting has ended: the results are in the lab panel.'))
  if (isOpen && wasOpen !== isOpen) {
    const budget = Number(after.vote.budget) || 0
    news.push(tn('Voting has started: {count} dot each.', 'Voting has started: {count} dots each.', budget))
  }
  const wasRecording = runningRecording(before.recording)
  const isRecording = runningRecording(after.recording)
  if (wasRecording && wasRecording !== isRecording) news.push(t('The recording has stopped.'))
  if (isRecording && wasRecording !== isRecording) {
    news.push(t('This session is being recorded: the board, the chat and who is present are kept.'))
  }
  return news
}
