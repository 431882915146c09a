/** The lab as it was at a moment of a recording, read from the room document's `room` map:
 * the phase and agenda, the timer, the lock and the vote with its results. */

import { formatDuration, timeLeft } from '../lab.js'
import { topVoted, voteResults, votesLabel } from '../board/votes.js'

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

export class LabState {
  /**
   * @param {HTMLElement} root the `player-lab` panel
   * @param {(id: string) => string} describe the text of a board object, for vote results
   */
  constructor (root, describe) {
    this.root = root
    this.describe = describe
  }

  /**
   * @param {import('yjs').Map<any>} room the room document's map at this moment
   * @param {number} serverNow the server time of this moment (ms since the epoch)
   */
  render (room, serverNow) {
    const title = phaseTitle(room)
    const phase = part(this.root, 'player-phase')
    phase.textContent = title ? `Phase: ${title}` : ''
    phase.hidden = !title

    const agenda = room.get('agenda')
    const list = part(this.root, 'player-agenda')
    const phases = Array.isArray(agenda) ? agenda : []
    list.replaceChildren(...phases.map((item) => {
      const entry = document.createElement('li')
      entry.textContent = `${String(item?.title ?? '')}${item?.minutes ? ` (${item.minutes} min)` : ''}`
      if (item?.id === room.get('phase')) entry.setAttribute('aria-current', 'step')
      return entry
    }))
    list.hidden = !phases.length

    const left = timeLeft(room.get('timer'), serverNow)
    part(this.root, 'player-timer').textContent = left === null ? '–:––' : formatDuration(left)
    part(this.root, 'player-locked').hidden = room.get('locked') !== true

    const vote = room.get('vote')
    const voteLine = part(this.root, 'player-vote')
    voteLine.textContent = vote?.open ? `Voting was open: ${Number(vote.budget) || 0} dots each.` : ''
    voteLine.hidden = !vote?.open

    const results = voteResults(vote)
    const ranked = [...(results ?? [])].sort((a, b) => b[1] - a[1])
    const resultList = part(this.root, 'player-results')
    resultList.replaceChildren(...ranked.map(([id, count]) => {
      const item = document.createElement('li')
      item.textContent = `${this.describe(id) || 'An object since removed'}: ${votesLabel(count)}`
      return item
    }))
    resultList.hidden = !ranked.length
    part(this.root, 'player-results-heading').hidden = !ranked.length
    return topVoted(results)
  }
}
