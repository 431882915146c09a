/**
 * The player's timeline: a slider over the recording with its phases as chapters, an
 * activity graph (edits and messages per interval; who did what on hover) and markers for
 * chat messages and votes. Click or drag to seek; the keys are the player's.
 */

import { chapterAt } from './chapters.js'
import { formatClock, spokenTime } from './time.js'
import { messages, t, tn } from '../i18n.js'

const SVG = 'http://www.w3.org/2000/svg'

/** @typedef {import('./chapters.js').Chapter} Chapter */
/** @typedef {{name: string, changes: number}} PersonActivity edits and messages of one person */
/** @typedef {{at: number, edits: number, messages: number, people: PersonActivity[]}} Interval */
/** @typedef {{at: number, kind: 'message' | 'vote', label: string}} Marker */

/**
 * Items listed as the page's language lists them briefly: "3 edits, 1 message" in English.
 * @param {string[]} items
 * @returns {string}
 */
const shortList = (items) => new Intl.ListFormat(messages().lang, { type: 'conjunction', style: 'narrow' }).format(items)

export class Timeline {
  /**
   * @param {object} options
   * @param {HTMLElement} options.root the `timeline` slider
   * @param {HTMLElement} options.tip the hover tip under it
   * @param {number} options.duration ms
   * @param {Chapter[]} options.chapters
   * @param {Interval[]} options.activity
   * @param {number} options.intervalMs the length of each activity interval
   * @param {Marker[]} options.markers
   * @param {(ms: number, done: boolean) => void} options.onSeek `done` once a drag ends
   */
  constructor ({ root, tip, duration, chapters, activity, intervalMs, markers, onSeek }) {
    this.root = root
    this.tip = tip
    this.duration = duration
    this.chapters = chapters
    this.activity = activity
    this.intervalMs = intervalMs
    this.onSeek = onSeek
    this.played = /** @type {HTMLElement} */ (root.querySelector('[data-timeline-played]'))
    this.thumb = /** @type {HTMLElement} */ (root.querySelector('[data-timeline-thumb]'))
    root.setAttribute('aria-valuemax', String(Math.round(duration / 1000)))
    this.drawActivity(/** @type {SVGSVGElement} */ (root.querySelector('[data-timeline-activity]')))
    this.drawChapters(/** @type {HTMLElement} */ (root.querySelector('[data-timeline-chapters]')))
    this.drawMarkers(/** @type {HTMLElement} */ (root.querySelector('[data-timeline-markers]')), markers)
    this.listen()
    this.set(0)
  }

  /** @param {number} ms @returns {string} a percentage of the width */
  percent (ms) {
    return `${this.duration ? (100 * Math.min(this.duration, Math.max(0, ms))) / this.duration : 0}%`
  }

  /** @param {SVGSVGElement} svg */
  drawActivity (svg) {
    const most = Math.max(1, ...this.activity.map((interval) => interval.edits + interval.messages))
    const width = Math.max(1, this.duration)
    svg.setAttribute('viewBox', `0 0 ${width} 100`)
    for (const interval of this.activity) {
      const total = interval.edits + interval.messages
      if (!total) continue
      const bar = document.createElementNS(SVG, 'rect')
      const height = Math.max(4, (100 * total) / most)
      bar.setAttribute('x', String(interval.at))
      bar.setAttribute('y', String(100 - height))
      bar.setAttribute('width', String(Math.max(this.intervalMs * 0.85, width / 400)))
      bar.setAttribute('height', String(height))
      svg.append(bar)
    }
  }

  /** @param {HTMLElement} container */
  drawChapters (container) {
    for (const [index, chapter] of this.chapters.entries()) {
      const band = document.createElement('span')
      band.className = 'timeline-chapter'
      band.style.left = this.percent(chapter.at)
      band.style.width = `calc(${this.percent((this.chapters[index + 1]?.at ?? this.duration) - chapter.at)} - 2px)`
      band.title = chapter.title
      container.append(band)
    }
  }

  /** @param {HTMLElement} container @param {Marker[]} markers */
  drawMarkers (container, markers) {
    for (const marker of markers) {
      const mark = document.createElement('span')
      mark.className = `timeline-marker is-${marker.kind}`
      mark.dataset.testid = 'timeline-marker'
      mark.style.left = this.percent(marker.at)
      // Translators: a marker's tip on a recording's timeline: the moment (12:34), then what happened.
      mark.title = t('{time} {label}', { time: formatClock(marker.at), label: marker.label })
      container.append(mark)
    }
  }

  listen () {
    /** @param {PointerEvent} event @returns {number} the moment under the pointer */
    const at = (event) => {
      const rect = this.root.getBoundingClientRect()
      return this.duration * Math.min(1, Math.max(0, (event.clientX - rect.left) / Math.max(1, rect.width)))
    }
    let dragging = false
    this.root.addEventListener('pointerdown', (event) => {
      if (event.button !== 0) return
      dragging = true
      this.root.setPointerCapture(event.pointerId)
      this.root.focus({ preventScroll: true })
      this.onSeek(at(event), false)
    })
    this.root.addEventListener('pointermove', (event) => {
      if (dragging) this.onSeek(at(event), false)
      this.showTip(at(event), event.clientX)
    })
    const end = (/** @type {PointerEvent} */ event) => {
      if (!dragging) return
      dragging = false
      this.onSeek(at(event), true)
    }
    this.root.addEventListener('pointerup', end)
    this.root.addEventListener('pointercancel', end)
    this.root.addEventListener('pointerleave', () => { this.tip.hidden = true })
  }

  /**
   * Says what happened around the moment under the pointer, and who did it.
   * @param {number} ms
   * @param {number} clientX
   */
  showTip (ms, clientX) {
    const interval = this.activity.find((item) => item.at <= ms && ms < item.at + this.intervalMs)
    const chapter = this.chapters[chapterAt(this.chapters, ms)]
    const time = formatClock(ms)
    // Translators: the tip over a recording's timeline: the moment (12:34), then the phase playing.
    const lines = [chapter ? t('{time} · {phase}', { time, phase: chapter.title }) : time]
    if (interval) {
      const parts = []
      // Translators: changes to the board within a moment of a recording.
      if (interval.edits) parts.push(tn('{count} edit', '{count} edits', interval.edits))
      // Translators: chat messages within a moment of a recording.
      if (interval.messages) parts.push(tn('{count} message', '{count} messages', interval.messages))
      if (parts.length) lines.push(shortList(parts))
    }
    for (const person of interval?.people ?? []) {
      // Translators: a person and how many changes and messages they made within a moment of a recording.
      lines.push(tn('{name}: {count}', '{name}: {count}', person.changes, { name: person.name }))
    }
    this.tip.textContent = lines.join('\n')
    const rect = this.root.getBoundingClientRect()
    this.tip.style.left = `${Math.min(rect.width - 8, Math.max(8, clientX - rect.left))}px`
    this.tip.hidden = false
  }

  /** @param {number} ms the position shown */
  set (ms) {
    const chapter = this.chapters[chapterAt(this.chapters, ms)]
    this.root.setAttribute('aria-valuenow', String(Math.floor(ms / 1000)))
    const time = spokenTime(ms)
    this.root.setAttribute('aria-valuetext', chapter
      // Translators: the position of a recording's timeline, said by a screen reader: "12 minutes 34 seconds, phase Vote".
      ? t('{time}, phase {phase}', { time, phase: chapter.title })
      : time)
    this.played.style.width = this.percent(ms)
    this.thumb.style.left = this.percent(ms)
  }
}
