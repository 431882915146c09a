/** The lab as it was at a moment of a recording, read from the room document's `room` map:
 * the phase and agenda, the timer, the lock and the vote with its results. */

import { formatDuration, timeLeft } from '../lab.js'
import { topVoted, voteResults } from '../board/votes.js'
import { t, tn } from '../i18n.js'

/**
 * @param {HTMLElement} root the player's lab panel
 * @param {string} testId
 */
const part = (root, testId) => /** @type {HTMLElement} */ (root.querySelector(`[data-testid="${testId}"]`))

/**
 * The title of the phase a room map names, or ''.
 * @param {import('yjs').Map<any>} room
 * @returns {string}
 */
export function phaseTitle (room) {
  const agenda = room.get('agenda')
  const id = room.get('phase')
  const phase = Array.isArray(agenda) ? agenda.find((p) => p?.id === id) : null
  return phase && typeof phase.title === 'string' ? phase.title : ''
}

/** @param {HTMLElement} element @param {string} text */
function setText (element, text) {
  if (element.textContent !== text) element.textContent = text
}

/** @param {HTMLElement} element @param {boolean} hidden */
function setHidden (element, hidden) {
  if (element.hidden !== hidden) element.hidden = hidden
}

export class LabState {
  /**
   * @param {HTMLElement} root the `player-lab` panel
   * @param {(id: string) => string} describe the text of a board object, for vote results
   */
  constructor (root, describe) {
    this.root = root
    this.describe = describe
    /** What each list shows, to leave an unchanged one alone. @type {Map<HTMLElement, string>} */
    this.shown = new Map()
  }

  /**
   * Fills a list with one item per entry, unless it shows these entries already.
   * @param {HTMLElement} list
   * @param {Array<{text: string, current?: boolean}>} entries
   */
  fill (list, entries) {
    const key = JSON.stringify(entries)
    if (this.shown.get(list) !== key) {
      this.shown.set(list, key)
      list.replaceChildren(...entries.map(({ text, current }) => {
        const item = document.createElement('li')
        item.textContent = text
        if (current) item.setAttribute('aria-current', 'step')
        return item
      }))
    }
    setHidden(list, !entries.length)
  }

  /**
   * Shows the lab at a moment, writing only what differs from what it shows.
   * @param {import('yjs').Map<any>} room the room document's map at this moment
   * @param {number} serverNow the server time of this moment (ms since the epoch)
   */
  render (room, serverNow) {
    const title = phaseTitle(room)
    const phase = part(this.root, 'player-phase')
    // Translators: the phase of a lab's agenda that was running.
    setText(phase, title ? t('Phase: {title}', { title }) : '')
    setHidden(phase, !title)

    const agenda = room.get('agenda')
    const phases = Array.isArray(agenda) ? agenda : []
    this.fill(part(this.root, 'player-agenda'), phases.map((item) => {
      const title = String(item?.title ?? '')
      const minutes = Number(item?.minutes)
      return {
        // Translators: a phase of a lab's agenda and its length in minutes.
        text: minutes ? tn('{title} ({count} min)', '{title} ({count} min)', minutes, { title }) : title,
        current: item?.id === room.get('phase')
      }
    }))

    const left = timeLeft(room.get('timer'), serverNow)
    setText(part(this.root, 'player-timer'), left === null ? '–:––' : formatDuration(left))
    setHidden(part(this.root, 'player-locked'), room.get('locked') !== true)

    const vote = room.get('vote')
    const voteLine = part(this.root, 'player-vote')
    const budget = Number(vote?.budget) || 0
    setText(voteLine, vote?.open ? tn('Voting was open: {count} dot each.', 'Voting was open: {count} dots each.', budget) : '')
    setHidden(voteLine, !vote?.open)

    const results = voteResults(vote)
    const ranked = [...(results ?? [])].sort((a, b) => b[1] - a[1])
    this.fill(part(this.root, 'player-results'), ranked.map(([id, count]) => {
      const object = this.describe(id)
      return {
        text: object
          // Translators: a result of a vote: the text of a board object, and the votes it got.
          ? tn('{object}: {count} vote', '{object}: {count} votes', count, { object })
          : tn('An object since removed: {count} vote', 'An object since removed: {count} votes', count)
      }
    }))
    setHidden(part(this.root, 'player-results-heading'), !ranked.length)
    return topVoted(results)
  }
}
