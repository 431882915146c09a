import { test } from 'node:test'
import assert from 'node:assert/strict'
import { AWAY_AFTER_MS, AutoStatus, currentBlock, readRhythm, rhythmStatus } from '../src/rhythm.js'
import { mentions, notice, titleWithUnread } from '../src/quiet-chat.js'
import { focusedToday, readPerson, shortDuration } from '../src/desks.js'
import { MAX_CARDS, ProfileCards, readCard } from '../src/profile-card.js'

const MIN = 60_000
const rhythm = { workMinutes: 25, breakMinutes: 5, startedAt: 1_000_000 }

test('blocks alternate work and break from startedAt, by the server clock', () => {
  assert.deepEqual(currentBlock(rhythm, rhythm.startedAt), {
    kind: 'work', index: 0, lengthMs: 25 * MIN, leftMs: 25 * MIN, endsAt: rhythm.startedAt + 25 * MIN, nextKind: 'break', nextMinutes: 5
  })
  const inBreak = currentBlock(rhythm, rhythm.startedAt + 27 * MIN)
  assert.equal(inBreak?.kind, 'break')
  assert.equal(inBreak?.index, 1)
  assert.equal(inBreak?.leftMs, 3 * MIN)
  assert.equal(inBreak?.nextMinutes, 25)
  const secondWork = currentBlock(rhythm, rhythm.startedAt + 30 * MIN + 1000)
  assert.equal(secondWork?.kind, 'work')
  assert.equal(secondWork?.index, 2)
  assert.equal(secondWork?.leftMs, 25 * MIN - 1000)
  assert.equal(currentBlock(rhythm, rhythm.startedAt + 25 * MIN)?.kind, 'break')
  assert.equal(currentBlock(null, 0), null)
})

test('a browser clock behind the server still reads the right block through the offset', () => {
  const clockOffsetMs = 90 * MIN // the server is 90 minutes ahead of this browser
  const browserNow = rhythm.startedAt + 27 * MIN - clockOffsetMs
  assert.equal(currentBlock(rhythm, browserNow)?.kind, 'work') // wrong without the offset
  assert.equal(currentBlock(rhythm, browserNow + clockOffsetMs)?.kind, 'break')
  // Before startedAt (a clock slightly behind): the first work block, whole.
  assert.deepEqual(currentBlock(rhythm, rhythm.startedAt - 500)?.leftMs, 25 * MIN)
})

test('a malformed focus value is no rhythm', () => {
  assert.equal(readRhythm(null), null)
  assert.equal(readRhythm({ workMinutes: 0, breakMinutes: 5, startedAt: 1 }), null)
  assert.equal(readRhythm({ workMinutes: '25', breakMinutes: 5, startedAt: 1 }), null)
  assert.deepEqual(readRhythm({ ...rhythm, extra: 1 }), rhythm)
})

test('the rhythm moves the available and those on a break to focus, the focused to a break, never the away', () => {
  assert.equal(rhythmStatus('available', 'work'), 'focus')
  assert.equal(rhythmStatus('break', 'work'), 'focus')
  assert.equal(rhythmStatus('focus', 'work'), null)
  assert.equal(rhythmStatus('away', 'work'), null)
  assert.equal(rhythmStatus('focus', 'break'), 'break')
  assert.equal(rhythmStatus('available', 'break'), null)
  assert.equal(rhythmStatus('away', 'break'), null)
})

test('automatic status acts once a block starts, so a choice made mid-block stands', () => {
  const auto = new AutoStatus()
  const work = currentBlock(rhythm, rhythm.startedAt + MIN)
  assert.equal(auto.onBlock('available', rhythm, work), 'focus')
  assert.equal(auto.onBlock('break', rhythm, currentBlock(rhythm, rhythm.startedAt + 2 * MIN)), null, 'same block: no command')
  const rest = currentBlock(rhythm, rhythm.startedAt + 26 * MIN)
  assert.equal(auto.onBlock('focus', rhythm, rest), 'break')
  assert.equal(auto.onBlock('away', rhythm, currentBlock(rhythm, rhythm.startedAt + 31 * MIN)), null)
  assert.equal(auto.onBlock('focus', null, null), null, 'the rhythm stopped')
})

test('away after five hidden minutes, and back to what the rhythm has then', () => {
  const auto = new AutoStatus()
  assert.equal(auto.onHidden('focus', AWAY_AFTER_MS - 1), null)
  assert.equal(auto.onHidden('focus', AWAY_AFTER_MS), 'away')
  assert.equal(auto.onHidden('away', AWAY_AFTER_MS + 1000), null, 'said once')
  const rest = currentBlock(rhythm, rhythm.startedAt + 26 * MIN)
  assert.equal(auto.onBlock('away', rhythm, rest), null, 'the away are not moved')
  assert.equal(auto.onVisible('away', rest), 'break', 'focus before, a break now')
  assert.equal(auto.onVisible('away', rest), null, 'restored once')

  const chose = new AutoStatus()
  assert.equal(chose.onHidden('available', AWAY_AFTER_MS), 'away')
  chose.chosen()
  assert.equal(chose.onVisible('away', null), null, 'a person who chose away stays away')
  const already = new AutoStatus()
  assert.equal(already.onHidden('away', AWAY_AFTER_MS), null)
  assert.equal(already.onVisible('away', null), null)
})

test('mentions match @ and the display name in any case, as a whole word', () => {
  assert.equal(mentions('hey @ada, lunch?', 'Ada'), true)
  assert.equal(mentions('@ADA LOVELACE look', 'Ada Lovelace'), true)
  assert.equal(mentions('@adam hi', 'Ada'), false)
  assert.equal(mentions('ada without at', 'Ada'), false)
  assert.equal(mentions('hi @pat', 'Pat (guest)'), true)
  assert.equal(mentions('hi @alice', 'Alice #12'), true)
  assert.equal(mentions('mail me: x@ada.org @ada', 'Ada'), true)
})

test('during a work block only mentions count or chime; outside, what arrives unseen counts', () => {
  const base = { userId: 'u1', name: 'Ada' }
  const plain = { authorId: 'u2', text: 'coffee?' }
  const mention = { authorId: 'u2', text: '@Ada coffee?' }
  assert.deepEqual(notice({ ...base, message: plain, working: true, hidden: true }), { unread: false, chime: false })
  assert.deepEqual(notice({ ...base, message: mention, working: true, hidden: true }), { unread: true, chime: true })
  assert.deepEqual(notice({ ...base, message: plain, working: false, hidden: true }), { unread: true, chime: false })
  assert.deepEqual(notice({ ...base, message: plain, working: false, hidden: false }), { unread: false, chime: false })
  assert.deepEqual(notice({ ...base, message: { authorId: 'u1', text: '@Ada' }, working: false, hidden: true }), { unread: false, chime: false })
  assert.equal(titleWithUnread('Studio', 3), '(3) Studio')
  assert.equal(titleWithUnread('Studio', 0), 'Studio')
})

test('time focused today adds the live focus block to what the server logged', () => {
  const person = readPerson({ status: 'focus', goal: 'Mix the EP', since: 1000, done: null })
  assert.equal(focusedToday(10 * MIN, person, 1000 + 5 * MIN), 15 * MIN)
  assert.equal(focusedToday(10 * MIN, readPerson({ status: 'break', goal: '', since: 1000 }), 1000 + 5 * MIN), 10 * MIN)
  assert.equal(shortDuration(65 * MIN), '1 h 5 min')
  assert.equal(shortDuration(59_999), '0 min')
  assert.equal(readPerson({ status: 'sleeping' })?.status, null)
})

test('a profile card shows the name alone when the profile is not visible, and only site links', () => {
  assert.deepEqual(readCard(null, 'Ben'), { name: 'Ben' })
  const card = readCard({ name: 'Ada', username: 'ada', avatar: 'javascript:x', url: 'https://evil.example/', disciplines: ['Design', 3] }, 'Ada')
  assert.equal(card.avatar, null)
  assert.equal(card.url, '')
  assert.deepEqual(card.disciplines, ['Design'])
  assert.equal(readCard({ name: 'Ada', username: 'ada' }, 'Ada').url, '/people/ada/')
  const elsewhere = readCard({ name: 'Ada', avatar: '//evil.example/a.png', url: '//evil.example/' }, 'Ada')
  assert.equal(elsewhere.avatar, null)
  assert.equal(elsewhere.url, '')
})

test('profile cards are fetched once each, and the page keeps a bounded number', async () => {
  const asked = []
  const cards = new ProfileCards(async (url) => {
    asked.push(url)
    return { ok: true, json: async () => ({ name: url }) }
  })
  await cards.fetch('u1')
  await cards.fetch('u1')
  assert.deepEqual(asked, ['/people/card/u1.json'])
  for (let n = 2; n <= MAX_CARDS + 1; n++) await cards.fetch(`u${n}`)
  assert.equal(cards.cache.size, MAX_CARDS)
  await cards.fetch('u1')
  assert.equal(asked.length, MAX_CARDS + 2, 'the oldest was let go, so it is fetched again')
})
