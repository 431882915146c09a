/** The lab's attention helpers: what screen readers hear, vote highlights, the celebration. */

import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { labNews, spokenDuration, timerNews } from '../src/lab-news.js'
import { topVoted, voteResults, votesLabel } from '../src/board/votes.js'
import { FRESH_MS, confetti, isNewCelebration, pieceAt } from '../src/celebration.js'

const NOW = 1_800_000_000_000
const STOPPED = { running: false, endsAt: null, remainingMs: 0, durationMs: 0 }

/** @param {number} ms @param {number} [duration] */
const running = (ms, duration = ms) => ({ running: true, endsAt: NOW + ms, remainingMs: ms, durationMs: duration })
/** @param {number} ms @param {number} duration */
const paused = (ms, duration) => ({ running: false, endsAt: null, remainingMs: ms, durationMs: duration })

describe('what screen readers hear', () => {
  test('durations are said in words', () => {
    assert.equal(spokenDuration(5 * 60_000), '5 minutes')
    assert.equal(spokenDuration(60_000), '1 minute')
    assert.equal(spokenDuration(90_500), '1 minute 31 seconds', 'a started second counts')
    assert.equal(spokenDuration(3_600_000 + 1000), '1 hour 1 second')
    assert.equal(spokenDuration(0), '0 seconds')
  })

  test('each timer command is said as a sentence', () => {
    assert.equal(timerNews(STOPPED, running(300_000)), 'The timer has started: 5 minutes.')
    assert.equal(timerNews(running(300_000), paused(200_000, 300_000)), 'The timer is paused with 3 minutes 20 seconds left.')
    assert.equal(timerNews(paused(200_000, 300_000), { ...running(200_000), durationMs: 300_000 }), 'The timer has resumed: 3 minutes 20 seconds left.')
    assert.equal(timerNews(running(100_000, 300_000), running(160_000, 360_000)), '1 minute added: 2 minutes 40 seconds left.')
    assert.equal(timerNews(paused(30_000, 60_000), paused(90_000, 120_000)), '1 minute added: 1 minute 30 seconds left.')
    assert.equal(timerNews(paused(200_000, 300_000), running(120_000)), 'The timer has started: 2 minutes.')
    assert.equal(timerNews(running(300_000), STOPPED), 'The timer has stopped.')
    assert.equal(timerNews(running(300_000), running(300_000)), null)
    assert.equal(timerNews(undefined, 'nonsense'), null)
  })

  test('a phase, the lock, private brainstorming and votes are said as they change', () => {
    const agenda = [
      { id: 'p1', title: 'Warm-up', minutes: 0, tools: {} },
      { id: 'p2', title: 'Vote', minutes: 5, tools: { locked: true } }
    ]
    const before = { agenda, phase: 'p1', timer: STOPPED, locked: false, private: false, vote: null }
    assert.deepEqual(labNews(before, before), [])
    assert.deepEqual(labNews(before, { ...before, phase: 'p2', timer: running(300_000), locked: true }), [
      'Phase: Vote, 5 minutes.',
      'The board is locked: only facilitators can change it.'
    ], 'the phase says its minutes: the timer it starts is not said again')
    assert.deepEqual(labNews({ ...before, phase: null }, before), ['Phase: Warm-up.'])
    assert.deepEqual(labNews(before, { ...before, phase: null }), ['No phase now.'])
    assert.deepEqual(labNews({ ...before, locked: true }, before), ['The board is unlocked.'])
    assert.deepEqual(labNews(before, { ...before, private: true }), ['Private brainstorming has started.'])
    assert.deepEqual(labNews({ ...before, private: true }, before), ['Private brainstorming has ended.'])
    const open = { id: 'v1', open: true, budget: 3, results: null }
    assert.deepEqual(labNews(before, { ...before, vote: open }), ['Voting has started: 3 dots each.'])
    assert.deepEqual(labNews({ ...before, vote: open }, { ...before, vote: { ...open, open: false, results: {} } }), [
      'Voting has ended: the results are in the lab panel.'
    ])
    assert.deepEqual(labNews(before, { ...before, timer: running(60_000) }), ['The timer has started: 1 minute.'])
  })
})

describe('vote highlights', () => {
  test('results count once the vote has ended, and only sound counts', () => {
    assert.equal(voteResults(null), null)
    assert.equal(voteResults({ open: true, results: null }), null)
    assert.equal(voteResults({ open: true, results: { a: 1 } }), null, 'nothing shows while the vote is open')
    assert.equal(voteResults({ open: false, results: ['a'] }), null)
    assert.deepEqual(voteResults({ open: false, results: { a: 2, b: 0, c: 'many', d: 1, e: Infinity } }), new Map([['a', 2], ['d', 1]]))
  })

  test('the top three and every object tied with the third are highlighted', () => {
    const results = new Map([['a', 1], ['b', 5], ['c', 3], ['d', 3], ['e', 3], ['f', 2]])
    assert.deepEqual([...topVoted(results)], [['b', 5], ['c', 3], ['d', 3], ['e', 3]])
    assert.deepEqual([...topVoted(new Map([['a', 1], ['b', 2]]))], [['b', 2], ['a', 1]])
    assert.deepEqual([...topVoted(new Map([['a', 4], ['b', 3], ['c', 2], ['d', 1]]))].map(([id]) => id), ['a', 'b', 'c'])
    assert.equal(topVoted(null).size, 0)
    assert.equal(topVoted(new Map()).size, 0)
    assert.equal(votesLabel(1), '1 vote')
    assert.equal(votesLabel(4), '4 votes')
  })
})

describe('the celebration', () => {
  test('shows a celebration once, and only while it is fresh by the server clock', () => {
    const celebration = { by: 'u1', at: NOW }
    assert.ok(isNewCelebration(celebration, null, NOW + 2000))
    assert.ok(!isNewCelebration(celebration, NOW, NOW + 2000), 'shown already')
    assert.ok(!isNewCelebration(celebration, null, NOW + FRESH_MS + 1), 'an old one, from before the page loaded')
    assert.ok(!isNewCelebration(null, null, NOW))
    assert.ok(!isNewCelebration({ by: 'u1', at: 'now' }, null, NOW))
  })

  test('confetti bursts from one area and falls', () => {
    let seed = 1
    const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647
    const pieces = confetti(50, 1000, 600, random)
    assert.equal(pieces.length, 50)
    for (const piece of pieces) {
      assert.ok(piece.x >= 400 && piece.x <= 600 && piece.y === 200)
      assert.deepEqual(pieceAt(piece, 0), { x: piece.x, y: piece.y, angle: piece.angle })
      assert.ok(pieceAt(piece, 2000).y > pieceAt(piece, 1500).y, 'falling by then')
    }
    assert.ok(pieces.some((piece) => piece.vy < 0), 'some go up first')
  })
})
