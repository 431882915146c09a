/** Recording on the room page: the room document's `recording` read, the facilitator's
 * controls following it, and what screen readers hear when it starts and stops. */

import assert from 'node:assert/strict'
import { test } from 'node:test'
import { RecordingControls, recordingOf, recordingStatus } from '../src/recording.js'
import { labNews } from '../src/lab-news.js'

test('any object in the room document means the room records; anything else means not', () => {
  assert.deepEqual(recordingOf({ id: '7', title: 'Kick-off', startedAt: 1_000 }), { id: '7', title: 'Kick-off', startedAt: 1_000 })
  assert.deepEqual(recordingOf({ id: 7, title: 3, startedAt: 'soon' }), { id: '7', title: '', startedAt: null })
  assert.deepEqual(recordingOf({}), { id: '', title: '', startedAt: null })
  for (const value of [null, undefined, false, 0, '', 'yes', [1]]) assert.equal(recordingOf(value), null, String(value))
})

test('the status line names the recording and when it started', () => {
  const timeOf = (/** @type {number} */ ms) => `at ${ms}`
  assert.equal(recordingStatus({ id: '1', title: 'Kick-off', startedAt: 5 }, timeOf), 'Recording “Kick-off” since at 5.')
  assert.equal(recordingStatus({ id: '1', title: '', startedAt: null }, timeOf), 'Recording.')
})

test('screen readers hear once that a recording started and once that it stopped', () => {
  const before = { locked: false, recording: null }
  const running = { ...before, recording: { id: '3', title: 'Jam', startedAt: 1 } }
  const started = 'This session is being recorded: the board, the chat and who is present are kept.'
  assert.deepEqual(labNews(before, running), [started])
  assert.deepEqual(labNews(running, { ...running, recording: { id: '3', title: 'Renamed', startedAt: 1 } }), [])
  assert.deepEqual(labNews(running, before), ['The recording has stopped.'])
  assert.deepEqual(labNews(running, { ...before, recording: { id: '4', title: 'Next', startedAt: 2 } }), [
    'The recording has stopped.', started
  ])
  assert.deepEqual(labNews({}, {}), [])
})

/** A stand-in for the elements the controls read and write. */
class Part {
  constructor () {
    this.value = ''
    this.hidden = false
    this.disabled = false
    this.textContent = ''
    this.title = ''
    /** @type {Array<() => void>} */
    this.clicks = []
  }

  /** @param {string} type @param {() => void} listener */
  addEventListener (type, listener) {
    if (type === 'click') this.clicks.push(listener)
  }

  click () { for (const listener of this.clicks) listener() }
}

/** The room document's map, its connection and the server's replies, as the controls see them. */
function setUp ({ synced = true, online = true } = {}) {
  /** @type {Map<string, unknown>} */
  const values = new Map()
  /** @type {Array<() => void>} */
  const observers = []
  /** @type {Map<string, Array<(value: any) => void>>} */
  const events = new Map()
  /** @type {Array<(reply: any) => void>} */
  const replies = []
  /** @type {Record<string, unknown>[]} */
  const sent = []
  const parts = Object.fromEntries(
    ['lab-recording-start', 'lab-recording-stop', 'lab-recording-title', 'lab-recording-title-label', 'lab-recording-status']
      .map((id) => [id, new Part()])
  )
  const indicator = new Part()
  indicator.hidden = true
  const provider = {
    synced,
    /** @param {string} event @param {(value: any) => void} listener */
    on: (event, listener) => events.set(event, [...(events.get(event) ?? []), listener])
  }
  const controls = new RecordingControls({
    indicator,
    part: (id) => parts[id] ?? null,
    state: { get: (key) => values.get(key), observe: (listener) => { observers.push(listener) } },
    provider,
    send: (command) => {
      if (!online) return false
      sent.push(command)
      return true
    },
    onReply: (listener) => { replies.push(listener) },
    timeOf: (ms) => `T${ms}`
  })
  return {
    controls,
    parts,
    indicator,
    sent,
    /** @param {unknown} value the room document's `recording`, as the server writes it */
    write: (value) => {
      values.set('recording', value)
      for (const listener of observers) listener()
    },
    /** @param {any} reply */
    reply: (reply) => { for (const listener of replies) listener(reply) },
    /** @param {string} event @param {any} value */
    emit: (event, value) => {
      if (event === 'sync') provider.synced = value
      for (const listener of events.get(event) ?? []) listener(value)
    }
  }
}

test('Record sends the title, waits for the room document, then offers Stop recording', () => {
  const { parts, indicator, sent, write } = setUp()
  assert.equal(parts['lab-recording-stop'].hidden, true)
  assert.equal(parts['lab-recording-status'].textContent, 'Not recording.')
  parts['lab-recording-title'].value = '  Morning jam '
  parts['lab-recording-start'].click()
  assert.deepEqual(sent, [{ type: 'recording.start', title: 'Morning jam' }])
  assert.equal(parts['lab-recording-start'].disabled, true, 'no second start while the first is on its way')
  assert.equal(indicator.hidden, true, 'nothing records until the room document says so')

  write({ id: '9', title: 'Morning jam', startedAt: 1_000 })
  assert.equal(indicator.hidden, false)
  assert.equal(indicator.title, 'Recording: Morning jam')
  assert.equal(parts['lab-recording-start'].hidden, true)
  assert.equal(parts['lab-recording-title-label'].hidden, true)
  assert.equal(parts['lab-recording-title'].value, '', 'the title is used up')
  assert.equal(parts['lab-recording-stop'].hidden, false)
  assert.equal(parts['lab-recording-stop'].disabled, false)
  assert.equal(parts['lab-recording-status'].textContent, 'Recording “Morning jam” since T1000.')

  parts['lab-recording-stop'].click()
  assert.deepEqual(sent.at(-1), { type: 'recording.stop' })
  assert.equal(parts['lab-recording-stop'].disabled, true)
  write(null)
  assert.equal(indicator.hidden, true)
  assert.equal(parts['lab-recording-start'].hidden, false)
  assert.equal(parts['lab-recording-start'].disabled, false)
  assert.equal(parts['lab-recording-status'].textContent, 'Not recording.')
})

test('without a title the server names the recording', () => {
  const { parts, sent } = setUp()
  parts['lab-recording-title'].value = '   '
  parts['lab-recording-start'].click()
  assert.deepEqual(sent, [{ type: 'recording.start' }])
})

test('a recording started elsewhere (another facilitator, the lab itself) shows here too', () => {
  const { parts, indicator, write } = setUp()
  write({ id: '2', title: 'Brainstorm – 2026-05-03', startedAt: 5 })
  assert.equal(indicator.hidden, false)
  assert.equal(parts['lab-recording-stop'].hidden, false)
  write(null)
  assert.equal(indicator.hidden, true)
  assert.equal(parts['lab-recording-stop'].hidden, true)
})

test('a refusal or a lost connection gives the buttons back; other replies do not', () => {
  const { parts, reply, emit } = setUp()
  parts['lab-recording-start'].click()
  reply({ type: 'vote.mine', votes: {}, left: 3 })
  assert.equal(parts['lab-recording-start'].disabled, true)
  reply({ type: 'room.error', code: 'closed', message: 'The room is being recorded already: stop that first.' })
  assert.equal(parts['lab-recording-start'].disabled, false)
  parts['lab-recording-start'].click()
  emit('status', { status: 'connected' })
  assert.equal(parts['lab-recording-start'].disabled, true)
  emit('status', { status: 'disconnected' })
  assert.equal(parts['lab-recording-start'].disabled, false)
})

test('offline, nothing is pending (the lab panel says to try again)', () => {
  const { parts, sent } = setUp({ online: false })
  parts['lab-recording-start'].click()
  assert.deepEqual(sent, [])
  assert.equal(parts['lab-recording-start'].disabled, false)
})

test('before the room document syncs, the page keeps what the server rendered', () => {
  const { indicator, write, emit } = setUp({ synced: false })
  indicator.hidden = false // the server rendered a running recording
  write(undefined) // the empty document, before the server's state arrives
  assert.equal(indicator.hidden, false)
  write({ id: '1', title: 'Jam', startedAt: 1 })
  emit('sync', true)
  assert.equal(indicator.hidden, false)
  write(null)
  assert.equal(indicator.hidden, true)
})
