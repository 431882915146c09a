/** The lab panel's time arithmetic: what a timer shows, by the server's clock. */

import assert from 'node:assert/strict'
import { test } from 'node:test'
import { formatDuration, timeLeft } from '../src/lab.js'

test('durations read as m:ss, and h:mm:ss from an hour', () => {
  assert.equal(formatDuration(0), '0:00')
  assert.equal(formatDuration(59_001), '1:00', 'a started second counts')
  assert.equal(formatDuration(5 * 60_000), '5:00')
  assert.equal(formatDuration(3_723_000), '1:02:03')
  assert.equal(formatDuration(-5), '0:00')
})

test('a running timer counts to endsAt by server time; a paused one shows what was left', () => {
  const now = 1_800_000_000_000
  assert.equal(timeLeft({ running: true, endsAt: now + 90_000, remainingMs: 120_000 }, now), 90_000)
  assert.equal(timeLeft({ running: true, endsAt: now - 5, remainingMs: 1 }, now), 0)
  assert.equal(timeLeft({ running: false, endsAt: null, remainingMs: 30_000 }, now), 30_000)
  assert.equal(timeLeft({ running: false, endsAt: null, remainingMs: 0 }, now), null)
  assert.equal(timeLeft(undefined, now), null)
  assert.equal(timeLeft('nonsense', now), null)
})
