/** The recording player's pure parts: times and the #t= link, the updates list, chapters,
 * the keys of the timeline, the recording's details, and playback over a fake server. */

import assert from 'node:assert/strict'
import { test } from 'node:test'
import * as Y from 'yjs'
import * as encoding from 'lib0/encoding'
import { formatClock, hashForTime, parseClock, spokenTime, timeFromHash } from '../src/playback/time.js'
import { decodeStates, decodeUpdates } from '../src/playback/source.js'
import { chapterAt, keyTarget, nextChapterStart, previousChapterStart, skipIdle } from '../src/playback/chapters.js'
import { nextActivity, readDetail } from '../src/playback/detail.js'
import { FORWARD_MS, IDLE_MS, Playback } from '../src/playback/playback.js'
import { BufferedSource } from '../src/playback/buffer.js'

test('times read as a clock and as words', () => {
  assert.equal(formatClock(0), '0:00')
  assert.equal(formatClock(754_999), '12:34')
  assert.equal(formatClock(3_723_000), '1:02:03')
  assert.equal(formatClock(-5), '0:00')
  assert.equal(spokenTime(754_000), '12 minutes 34 seconds')
  assert.equal(spokenTime(61_000), '1 minute 1 second')
  assert.equal(spokenTime(3_600_000), '1 hour')
  assert.equal(spokenTime(0), '0 seconds')
})

test('#t= names a moment as m:ss, h:mm:ss, seconds or 1h2m3s; anything else names none', () => {
  assert.equal(timeFromHash('#t=12:34'), 754_000)
  assert.equal(timeFromHash('t=1:02:03'), 3_723_000)
  assert.equal(timeFromHash('#t=75'), 75_000)
  assert.equal(timeFromHash('#x=1&t=2m5s'), 125_000)
  assert.equal(timeFromHash(hashForTime(754_321)), 754_000, 'a link made here reads back')
  for (const hash of ['', '#', '#t=', '#t=12:3', '#t=1:60:00', '#t=12:61', '#t=soon', '#t=-5', '#x=12:34']) {
    assert.equal(timeFromHash(hash), null, hash)
  }
  assert.equal(parseClock(' 0:05 '), 5000)
})

/** @param {Array<[number, string, Uint8Array]>} entries @returns {Uint8Array} a list as the server sends it */
function encodeUpdates (entries) {
  const encoder = encoding.createEncoder()
  encoding.writeVarUint(encoder, entries.length)
  for (const [at, author, update] of entries) {
    encoding.writeVarUint(encoder, at)
    encoding.writeVarString(encoder, author)
    encoding.writeVarUint8Array(encoder, update)
  }
  return encoding.toUint8Array(encoder)
}

test('the updates list decodes to times, authors and bytes, and a damaged one is refused', () => {
  const bytes = encodeUpdates([[0, 'u1', new Uint8Array([1, 2])], [1500, 'Person 2', new Uint8Array([])]])
  assert.deepEqual(decodeUpdates(bytes), [
    { at: 0, author: 'u1', update: new Uint8Array([1, 2]) },
    { at: 1500, author: 'Person 2', update: new Uint8Array([]) }
  ])
  assert.deepEqual(decodeUpdates(encodeUpdates([])), [])
  assert.throws(() => decodeUpdates(bytes.slice(0, bytes.length - 1)))
  assert.throws(() => decodeUpdates(new Uint8Array([...bytes, 0])))
})

test('the documents of a moment decode by name, parts in order, and a damaged or incomplete answer is refused', () => {
  /** @param {Array<[string, Uint8Array]>} documents */
  const encodeStates = (documents) => {
    const encoder = encoding.createEncoder()
    encoding.writeVarUint(encoder, documents.length)
    for (const [name, state] of documents) {
      encoding.writeVarString(encoder, name)
      encoding.writeVarUint8Array(encoder, state)
    }
    return encoding.toUint8Array(encoder)
  }
  const bytes = encodeStates([['board', new Uint8Array([1])], ['chat', new Uint8Array([2, 3])], ['board', new Uint8Array([4])], ['room', new Uint8Array([])]])
  assert.deepEqual(decodeStates(bytes), { board: [new Uint8Array([1]), new Uint8Array([4])], chat: [new Uint8Array([2, 3])], room: [new Uint8Array([])] })
  assert.throws(() => decodeStates(bytes.slice(0, bytes.length - 1)))
  assert.throws(() => decodeStates(new Uint8Array([...bytes, 0])))
  assert.throws(() => decodeStates(encodeStates([['board', new Uint8Array([1])], ['chat', new Uint8Array([2])]])))
  assert.throws(() => decodeStates(encodeStates([['board', new Uint8Array([1])], ['chat', new Uint8Array([2])], ['room', new Uint8Array([])], ['secrets', new Uint8Array([])]])))
})

const CHAPTERS = [{ at: 10_000, title: 'Warm-up' }, { at: 60_000, title: 'Ideas' }, { at: 120_000, title: 'Vote' }]

test('chapters: the one playing, previous (or its start), next', () => {
  assert.equal(chapterAt(CHAPTERS, 5000), -1)
  assert.equal(chapterAt(CHAPTERS, 10_000), 0)
  assert.equal(chapterAt(CHAPTERS, 119_999), 1)
  assert.equal(chapterAt(CHAPTERS, 500_000), 2)
  assert.equal(previousChapterStart(CHAPTERS, 90_000), 60_000, 'back to the start of the phase playing')
  assert.equal(previousChapterStart(CHAPTERS, 61_000), 10_000, 'just after a start: the phase before')
  assert.equal(previousChapterStart(CHAPTERS, 11_000), 0)
  assert.equal(previousChapterStart(CHAPTERS, 3000), 0)
  assert.equal(nextChapterStart(CHAPTERS, 0), 10_000)
  assert.equal(nextChapterStart(CHAPTERS, 60_000), 120_000)
  assert.equal(nextChapterStart(CHAPTERS, 120_000), null)
})

test('the timeline keys: 5 s steps, the ends, phases; other keys are left alone', () => {
  assert.equal(keyTarget('ArrowRight', 90_000, 200_000, CHAPTERS), 95_000)
  assert.equal(keyTarget('ArrowLeft', 3000, 200_000, CHAPTERS), 0)
  assert.equal(keyTarget('ArrowUp', 198_000, 200_000, CHAPTERS), 200_000)
  assert.equal(keyTarget('Home', 90_000, 200_000, CHAPTERS), 0)
  assert.equal(keyTarget('End', 90_000, 200_000, CHAPTERS), 200_000)
  assert.equal(keyTarget('PageDown', 90_000, 200_000, CHAPTERS), 120_000)
  assert.equal(keyTarget(']', 130_000, 200_000, CHAPTERS), 200_000, 'past the last phase: the end')
  assert.equal(keyTarget('PageUp', 90_000, 200_000, CHAPTERS), 60_000)
  assert.equal(keyTarget('[', 60_500, 200_000, CHAPTERS), 10_000)
  assert.equal(keyTarget('a', 90_000, 200_000, CHAPTERS), null)
})

test('skipping idle stretches jumps only over long quiet ones, keeping a lead-in', () => {
  assert.equal(skipIdle(1000, 3000, 4000, 800), null)
  assert.equal(skipIdle(1000, 20_000, 4000, 800), 19_200)
  assert.equal(skipIdle(1000, null, 4000, 800), null)
})

test('the details are read defensively: chapters sorted, out-of-range and malformed items dropped', () => {
  const detail = readDetail({
    durationMs: 100_000,
    people: [{ id: 'u1', name: 'Ada' }, { id: 7 }],
    chapters: [{ index: 1, title: 'Vote', startMs: 50_000, endMs: 100_000 }, { index: 0, title: '', startMs: 0 }, { title: 'Later', startMs: 200_000 }, 'junk'],
    activity: {
      intervalMs: 20_000,
      edits: [3, 0, 0, 2, 0, 9],
      messages: [1, 0, 'x'],
      people: { u1: [4, 0, 0, 1], u9: [0, 0, 0, 1], bad: 'x' }
    },
    markers: [
      { type: 'message', at: 30_000, author: 'u1', text: 'hi' },
      { type: 'vote', at: 70_000, title: 'Vote' },
      { type: 'vote', at: 80_000, results: { n1: 2 } },
      { type: 'message', at: -1 }
    ]
  }, 5)
  assert.equal(detail.duration, 100_000)
  assert.deepEqual(detail.chapters, [{ at: 0, title: 'Untitled phase' }, { at: 50_000, title: 'Vote' }])
  assert.equal(detail.intervalMs, 20_000)
  assert.deepEqual(detail.activity[0], { at: 0, edits: 3, messages: 1, people: [{ name: 'Ada', changes: 4 }] })
  assert.deepEqual(detail.activity[3].people, [{ name: 'Ada', changes: 1 }, { name: 'Someone', changes: 1 }])
  assert.equal(detail.activity.length, 6, 'intervals up to the end')
  assert.deepEqual(detail.markers.map((m) => [m.kind, m.label]), [
    ['message', 'Ada: hi'], ['vote', 'Vote opened: Vote'], ['vote', 'Vote ended']
  ])
  assert.deepEqual(detail.people, [{ id: 'u1', name: 'Ada' }])
  assert.equal(nextActivity(detail.activity, 20_000, 10_000), 10_000, 'within an active interval: now')
  assert.equal(nextActivity(detail.activity, 20_000, 25_000), 60_000)
  assert.equal(nextActivity(detail.activity, 20_000, 120_000), null)
  assert.equal(readDetail(null, 42_000).duration, 42_000)
})

/**
 * A recording made here: a board written at the given times (ms), each note by an author.
 * @param {Array<[number, string, string]>} notes at, author, note id
 */
function recordBoard (notes) {
  const doc = new Y.Doc()
  /** @type {Array<{at: number, author: string, update: Uint8Array}>} */
  const log = []
  doc.on('update', (update, origin) => log.push({ at: origin.at, author: origin.author, update }))
  for (const [at, author, id] of notes) {
    doc.transact(() => doc.getMap('objects').set(id, new Y.Map([['type', 'note']])), { at, author })
  }
  /**
   * The board at `at` as the server sends it: a keyframe (the first half of what came
   * before), then the rest merged.
   * @param {number} at
   */
  const stateAt = (at) => {
    const before = log.filter((entry) => entry.at <= at).map((entry) => entry.update)
    const half = Math.floor(before.length / 2)
    const keyframe = new Y.Doc()
    for (const update of before.slice(0, half)) Y.applyUpdate(keyframe, update)
    return [Y.encodeStateAsUpdate(keyframe), Y.mergeUpdates(before.slice(half))]
  }
  return { log, stateAt }
}

/** A server over a recorded board (chat and room stay empty) that counts its requests. */
function fakeSource (recording) {
  const empty = Y.encodeStateAsUpdate(new Y.Doc())
  const calls = { states: 0, updates: 0 }
  return {
    calls,
    states: async (at) => { calls.states++; return { board: recording.stateAt(at), chat: [empty], room: [empty] } },
    updates: async (kind, from, to) => {
      calls.updates++
      const entries = kind === 'board' ? recording.log.filter((e) => e.at > from && e.at <= to) : []
      // Like the server at its limits: at most two updates an answer, up to the last one's time.
      return entries.length > 2 ? { entries: entries.slice(0, 2), to: entries[1].at } : { entries, to }
    }
  }
}

const keys = (doc) => [...doc.getMap('objects').keys()].sort()
const settle = () => new Promise((resolve) => setTimeout(resolve, 0))

test('a seek shows the board as it was then, and playing applies what came after, in time order', async () => {
  const recording = recordBoard([[1000, 'u1', 'a'], [5000, 'u2', 'b'], [9000, 'u1', 'c']])
  let shown = 0
  const playback = new Playback({ source: fakeSource(recording), durationMs: 12_000, onDocs: () => shown++, onError: assert.fail })
  await playback.seek(6000)
  assert.deepEqual(keys(playback.docs.board), ['a', 'b'], 'what existed then, not what came later')
  assert.equal(shown, 1)
  await settle()
  playback.play()
  assert.deepEqual(playback.tick(2000).map((e) => [e.at, e.author]), [])
  assert.deepEqual(playback.tick(1500).map((e) => [e.at, e.author, e.kind]), [[9000, 'u1', 'board']])
  assert.deepEqual(keys(playback.docs.board), ['a', 'b', 'c'])
  playback.tick(10_000)
  assert.equal(playback.position, 12_000)
  assert.equal(playback.playing, false, 'it stops at the end')

  await playback.seek(2000)
  assert.deepEqual(keys(playback.docs.board), ['a'], 'seeking back starts from a fresh document')
})

test('a short seek forward applies the updates in between to the documents shown', async () => {
  const recording = recordBoard([[1000, 'u1', 'a'], [5000, 'u2', 'b'], [9000, 'u1', 'c'], [30_000, 'u2', 'd']])
  const source = fakeSource(recording)
  let fresh = 0
  let moved = 0
  let requestsWhenMoved = 0
  const onMoved = () => {
    moved++
    requestsWhenMoved = source.calls.updates
  }
  const playback = new Playback({ source, durationMs: 200_000, onDocs: () => fresh++, onMoved, onError: assert.fail })
  await playback.seek(2000)
  const board = playback.docs.board
  await playback.seek(9500)
  assert.equal(playback.docs.board, board, 'the same documents')
  assert.deepEqual(keys(board), ['a', 'b', 'c'])
  assert.deepEqual([fresh, moved, source.calls.states], [1, 1, 1])

  for (let i = 0; i < 5; i++) await settle()
  const updates = source.calls.updates
  assert.ok(playback.loadedTo > 9500, 'the coming stretch is fetched')
  await playback.seek(playback.loadedTo)
  assert.equal(requestsWhenMoved, updates, 'what is fetched already applies without a request')

  await playback.seek(playback.position + FORWARD_MS + 1)
  assert.notEqual(playback.docs.board, board, 'farther: the documents of that moment')
  assert.deepEqual(keys(playback.docs.board), ['a', 'b', 'c', 'd'])
  await playback.seek(20_000)
  assert.deepEqual(keys(playback.docs.board), ['a', 'b', 'c'], 'backward: the documents of that moment')
  assert.deepEqual([fresh, moved, source.calls.states], [3, 2, 3])
})

test('an answer that stops at the server limits is continued from where it stopped', async () => {
  const recording = recordBoard([[1000, 'u1', 'a'], [1500, 'u1', 'b'], [2000, 'u2', 'c'], [2500, 'u2', 'd']])
  const source = fakeSource(recording)
  const playback = new Playback({ source, durationMs: 5000, onDocs: () => {}, onError: assert.fail })
  await playback.seek(0)
  for (let i = 0; i < 3; i++) await settle()
  playback.play()
  assert.deepEqual(playback.tick(5000).map((e) => e.at), [1000, 1500, 2000, 2500])
  assert.deepEqual(keys(playback.docs.board), ['a', 'b', 'c', 'd'])
})

test('seeks made while one loads collapse into the newest; playing waits for what it has not fetched', async () => {
  const recording = recordBoard([[1000, 'u1', 'a'], [5000, 'u2', 'b']])
  const source = fakeSource(recording)
  /** @type {() => void} */
  let release = () => {}
  const gate = new Promise((resolve) => { release = () => resolve(undefined) })
  const fetchUpdates = source.updates
  source.updates = async (kind, from, to) => { await gate; return fetchUpdates(kind, from, to) }
  const playback = new Playback({ source, durationMs: 60_000, onDocs: () => {}, onError: assert.fail })
  playback.seek(500)
  playback.seek(2000)
  await playback.seek(7000)
  assert.deepEqual(keys(playback.docs.board), ['a', 'b'])
  assert.equal(source.calls.states, 2, 'the first seek and the newest, one request each')
  playback.play()
  playback.tick(1000)
  assert.equal(playback.position, 7000, 'nothing fetched yet: the clock waits')
  release()
  await settle()
  playback.tick(1000)
  assert.equal(playback.position, 8000)
})

test('skipping idle stretches jumps to shortly before the next change', async () => {
  const recording = recordBoard([[1000, 'u1', 'a'], [12_000, 'u2', 'b']])
  const playback = new Playback({ source: fakeSource(recording), durationMs: 14_000, onDocs: () => {}, onError: assert.fail })
  await playback.seek(2000)
  await settle()
  playback.skipping = true
  playback.play()
  playback.tick(100)
  assert.ok(playback.position > 12_000 - IDLE_MS && playback.position < 12_000, `at ${playback.position}`)
  playback.tick(1000)
  assert.deepEqual(keys(playback.docs.board), ['a', 'b'])
})

test('a failed request stops playing and says so', async () => {
  const errors = []
  const playback = new Playback({
    source: { states: async () => { throw new Error('gone') }, updates: async (_kind, _from, to) => ({ entries: [], to }) },
    durationMs: 1000,
    onDocs: () => {},
    onError: (error) => errors.push(error.message)
  })
  playback.play()
  await playback.seek(500)
  assert.deepEqual(errors, ['gone'])
  assert.equal(playback.playing, false)
})

test('a recording held in the page answers as the server does, from checkpoints, and asks it nothing more', async () => {
  const notes = Array.from({ length: 30 }, (_, i) => /** @type {[number, string, string]} */ ([i < 2 ? -100 + i : i * 150, `u${i % 3}`, `n${i}`]))
  const recording = recordBoard(notes)
  const remote = fakeSource(recording)
  const held = new BufferedSource(remote, 4000, { checkpointEvery: 4 })
  await held.states(1000)
  assert.equal(remote.calls.states, 1, 'before it has loaded: the server')
  assert.equal(await held.load(), true)
  assert.equal(held.held, true)
  assert.equal(held.checkpoints.length, 1 + Math.floor(notes.filter(([at]) => at > 0 && at <= 4000).length / 4))
  const asked = { ...remote.calls }
  const boardOf = (/** @type {Uint8Array[]} */ board) => boardKeys({ board })
  for (let at = 0; at <= 4000; at += 75) {
    const states = await held.states(at)
    assert.deepEqual(boardOf(states.board), boardOf(recording.stateAt(at)), `at ${at}`)
    assert.ok(states.board.length <= 1 + 4, 'a checkpoint and at most the updates between two')
    const end = Math.min(at + 700, 4000)
    const { entries, to } = await held.updates('board', at, end)
    assert.equal(to, end)
    assert.deepEqual(entries, recording.log.filter((e) => e.at > at && e.at <= end))
  }
  assert.deepEqual(remote.calls, asked, 'nothing asked of the server once held')
  await held.states(5000)
  assert.equal(remote.calls.states, asked.states + 1, 'past what it holds: the server')
  const playback = new Playback({ source: held, durationMs: 4000, onDocs: () => {}, onError: assert.fail })
  await playback.seek(2000)
  assert.deepEqual(keys(playback.docs.board), boardOf(recording.stateAt(2000)))
})

test('a recording over the budget stays on the server', async () => {
  const recording = recordBoard([[100, 'u1', 'a'], [200, 'u1', 'b'], [300, 'u2', 'c']])
  const remote = fakeSource(recording)
  const held = new BufferedSource(remote, 1000, { maxBytes: 40 })
  assert.equal(await held.load(), false)
  assert.equal(held.held, false)
  const calls = remote.calls.states
  assert.deepEqual(boardKeys(await held.states(250)), ['a', 'b'])
  assert.equal(remote.calls.states, calls + 1)
})

/** @param {Record<string, Uint8Array[]>} states */
function boardKeys (states) {
  const doc = new Y.Doc()
  for (const part of states.board) Y.applyUpdate(doc, part)
  return keys(doc)
}
