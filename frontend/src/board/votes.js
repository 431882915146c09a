/** Dot-vote results on the board: the totals an ended vote published, and the most voted. */

import { tn } from '../i18n.js'

/** How many places the board highlights after a vote (more when votes tie). */
export const TOP_PLACES = 3

/**
 * The totals of the room document's vote once it has ended (objects with at least one vote).
 * @param {unknown} vote the room document's `vote`
 * @returns {Map<string, number> | null} votes by object id; null while a vote is open or none ended
 */
export function voteResults (vote) {
  if (!vote || typeof vote !== 'object') return null
  const { open, results } = /** @type {{open?: unknown, results?: unknown}} */ (vote)
  if (open || !results || typeof results !== 'object' || Array.isArray(results)) return null
  /** @type {Map<string, number>} */
  const counts = new Map()
  for (const [id, count] of Object.entries(results)) {
    if (typeof count === 'number' && Number.isFinite(count) && count >= 1) counts.set(id, Math.round(count))
  }
  return counts
}

/**
 * The most voted objects: the first `places` by votes and every one tied with the last of them.
 * @param {Map<string, number> | null} results
 * @param {number} [places]
 * @returns {Map<string, number>} by votes, most first
 */
export function topVoted (results, places = TOP_PLACES) {
  if (!results?.size) return new Map()
  const ranked = [...results].sort((a, b) => b[1] - a[1])
  const least = ranked[Math.min(places, ranked.length) - 1][1]
  return new Map(ranked.filter(([, count]) => count >= least))
}

/** @param {number} count @returns {string} "1 vote", "3 votes" */
// Translators: how many votes (dots) a board object got in a dot vote.
export const votesLabel = (count) => tn('{count} vote', '{count} votes', count)
