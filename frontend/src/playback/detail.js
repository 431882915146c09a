/** A recording's details from the server (`/r/<slug>/recordings/<id>.json`), read defensively
 * into what the player draws: chapters, activity intervals, markers and the people in it. */

import { t } from '../i18n.js'

/** @typedef {import('./chapters.js').Chapter} Chapter */
/** @typedef {import('./timeline.js').Interval} Interval */
/** @typedef {import('./timeline.js').Marker} Marker */

/** @param {unknown} value @returns {number | null} a finite number, or null */
const finite = (value) => typeof value === 'number' && Number.isFinite(value) ? value : null

/** @param {unknown} value @returns {any[]} */
const list = (value) => Array.isArray(value) ? value : []

/** @param {unknown} value @returns {string} */
const text = (value) => typeof value === 'string' ? value : ''

/** @param {unknown} value @returns {number} a count: a finite number at least 0, else 0 */
const count = (value) => Math.max(0, finite(value) ?? 0)

/**
 * Reads `{durationMs, people: [{id, name}], chapters: [{title, startMs}], activity:
 * {intervalMs, edits: [n], messages: [n], people: {id: [n]}}, markers: [{type: "message",
 * at, author, text} | {type: "vote", at, title?, results?}]}`.
 * @param {any} json
 * @param {number} fallbackDuration ms, when the details name none
 * @returns {{duration: number, chapters: Chapter[], activity: Interval[], intervalMs: number, markers: Marker[], people: {id: string, name: string}[]}}
 */
export function readDetail (json, fallbackDuration) {
  const duration = Math.max(0, finite(json?.durationMs) ?? fallbackDuration)
  const within = (/** @type {number | null} */ at) => at !== null && at >= 0 && at <= duration

  /** @type {Map<string, string>} */
  const names = new Map()
  for (const person of list(json?.people)) {
    if (typeof person?.id === 'string') names.set(person.id, text(person.name) || person.id)
  }
  /** @param {string} id */
  const nameOf = (id) => names.get(id) ??
    // Translators: stands for a person of a recording whose name is not known.
    t('Someone')

  // Translators: a phase of a recorded lab's agenda that had no title.
  const untitledPhase = () => t('Untitled phase')
  const chapters = list(json?.chapters)
    .map((chapter) => ({ at: finite(chapter?.startMs), title: text(chapter?.title) || untitledPhase() }))
    .filter((chapter) => within(chapter.at))
    .map((chapter) => ({ at: /** @type {number} */ (chapter.at), title: chapter.title }))
    .sort((a, b) => a.at - b.at)

  const activityJson = json?.activity ?? {}
  const intervalMs = Math.max(1, finite(activityJson.intervalMs) ?? 1000)
  const edits = list(activityJson.edits)
  const messages = list(activityJson.messages)
  const perPerson = Object.entries(activityJson.people && typeof activityJson.people === 'object' ? activityJson.people : {})
    .filter(([, counts]) => Array.isArray(counts))
  /** @type {Interval[]} */
  const activity = []
  for (let index = 0; index < Math.max(edits.length, messages.length) && index * intervalMs <= duration; index++) {
    activity.push({
      at: index * intervalMs,
      edits: count(edits[index]),
      messages: count(messages[index]),
      people: perPerson.map(([id, counts]) => ({ name: nameOf(id), changes: count(counts[index]) }))
        .filter((person) => person.changes > 0)
    })
  }

  const markers = list(json?.markers).flatMap((marker) => {
    const at = finite(marker?.at)
    if (!within(at)) return []
    if (marker?.type === 'vote') {
      const title = text(marker.title)
      let label
      if (marker.results) {
        label = title
          // Translators: a marker on a recording's timeline, where a vote ended; {title} names the vote.
          ? t('Vote ended: {title}', { title })
          // Translators: a marker on a recording's timeline, where a vote ended.
          : t('Vote ended')
      } else {
        label = title
          // Translators: a marker on a recording's timeline, where a vote opened; {title} names the vote.
          ? t('Vote opened: {title}', { title })
          // Translators: a marker on a recording's timeline, where a vote opened.
          : t('Vote opened')
      }
      return [{ at: /** @type {number} */ (at), kind: /** @type {const} */ ('vote'), label }]
    }
    const author = names.get(text(marker?.author)) ?? text(marker?.author)
    const said = text(marker?.text)
    // Translators: a chat message marked on a recording's timeline: who wrote it, and what.
    const label = author ? t('{author}: {text}', { author, text: said }) : said
    return [{ at: /** @type {number} */ (at), kind: /** @type {const} */ ('message'), label }]
  })

  return { duration, chapters, activity, intervalMs, markers, people: [...names].map(([id, name]) => ({ id, name })) }
}

/**
 * The start of the first interval with activity after a moment.
 * @param {Interval[]} activity by time
 * @param {number} intervalMs
 * @param {number} ms
 * @returns {number | null}
 */
export function nextActivity (activity, intervalMs, ms) {
  const interval = activity.find((item) => item.at + intervalMs > ms && item.edits + item.messages > 0)
  return interval ? Math.max(ms, interval.at) : null
}
