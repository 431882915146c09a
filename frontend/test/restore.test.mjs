/** The facilitator's restore controls: the moment typed in local time, the command sent, the reply in words. */

import assert from 'node:assert/strict'
import { test } from 'node:test'
import { RestoreControls, inputValue, localMoment, restoredMessage } from '../src/restore.js'

test('a datetime-local value is local time, to the second; anything else is no moment', () => {
  const ms = new Date(2026, 4, 3, 14, 30, 15).getTime()
  assert.equal(inputValue(ms), '2026-05-03T14:30:15')
  assert.equal(localMoment('2026-05-03T14:30:15'), ms)
  assert.equal(localMoment('2026-05-03T14:30'), ms - 15_000)
  assert.equal(localMoment(inputValue(ms + 999)), ms, 'to the second')
  for (const value of ['', 'yesterday', '2026-02-30T10:00', '2026-13-01T10:00', '2026-05-03 14:30']) {
    assert.equal(localMoment(value), null, value)
  }
})

test('the reply says what came back, went and changed back, or that nothing did', () => {
  assert.equal(restoredMessage({ restored: 1, removed: 0, changed: 0 }, false), '1 object came back.')
  assert.equal(restoredMessage({ restored: 3, removed: 2, changed: 1 }, true), '3 objects came back, 2 removed, 1 changed back.')
  assert.equal(restoredMessage({ restored: 0, removed: 1, changed: 4 }, true), '1 object removed, 4 changed back.')
  assert.equal(restoredMessage({ restored: 0, removed: 0, changed: 0 }, false), 'Nothing was deleted in that time.')
  assert.equal(restoredMessage({}, true), 'The board already looked like that: nothing changed.')
})

/** A stand-in for the element a control reads and writes. */
class Part {
  constructor () {
    this.value = ''
    this.hidden = true
    this.textContent = ''
    this.focused = false
    /** @type {Map<string, Array<() => void>>} */
    this.listeners = new Map()
  }

  /** @param {string} type @param {() => void} listener */
  addEventListener (type, listener) {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener])
  }

  /** @param {string} type */
  fire (type) {
    for (const listener of this.listeners.get(type) ?? []) listener()
  }

  focus () { this.focused = true }
}

/** A restore group, the commands it sends and a way to answer them. */
function controls ({ online = true, clockOffsetMs = 0 } = {}) {
  const parts = new Map()
  const root = Object.assign(new Part(), {
    /** @param {string} selector */
    querySelector (selector) {
      const id = /data-testid="([^"]+)"/.exec(selector)?.[1] ?? ''
      if (!parts.has(id)) parts.set(id, new Part())
      return parts.get(id)
    }
  })
  /** @type {Record<string, unknown>[]} */
  const sent = []
  /** @type {(reply: any) => void} */
  let answer = () => {}
  const now = new Date(2026, 4, 3, 15, 0, 0).getTime()
  new RestoreControls({
    root: /** @type {any} */ (root),
    send: (command) => { if (online) sent.push(command); return online },
    onReply: (listener) => { answer = listener },
    clockOffsetMs,
    now: () => now
  })
  /** @param {string} id */
  const part = (id) => /** @type {Part} */ (root.querySelector(`[data-testid="${id}"]`))
  return { root, part, sent, answer: (/** @type {any} */ reply) => answer(reply), now }
}

test('bringing back what was deleted sends the minutes, and the status says what came back', () => {
  const { part, sent, answer } = controls()
  part('lab-restore-minutes').value = '15'
  part('lab-restore-deleted').fire('click')
  assert.deepEqual(sent, [{ type: 'board.restore', minutes: 15 }])
  assert.equal(part('lab-restore-status').textContent, 'Restoring…')
  answer({ type: 'vote.mine', votes: {}, left: 2 })
  assert.equal(part('lab-restore-status').textContent, 'Restoring…', 'another reply settles nothing')
  answer({ type: 'board.restored', restored: 4, removed: 0, changed: 0 })
  assert.equal(part('lab-restore-status').textContent, '4 objects came back.')
  assert.equal(part('lab-restore-status').hidden, false)

  for (const minutes of ['0', '1441', '2.5', '']) {
    part('lab-restore-minutes').value = minutes
    part('lab-restore-deleted').fire('click')
  }
  assert.equal(sent.length, 1, 'minutes out of range are not sent')
  assert.match(part('lab-restore-status').textContent, /whole number from 1 to 1440/)
})

test('going back to a moment asks first, then sends it by the server clock', () => {
  const { root, part, sent, answer, now } = controls({ clockOffsetMs: 2_000 })
  assert.equal(part('lab-restore-at').value, inputValue(now - 10 * 60_000), 'a moment is offered')
  part('lab-restore-at').value = '2026-05-03T14:30:00'
  part('lab-restore-at').fire('input')
  part('lab-restore-board').fire('click')
  assert.deepEqual(sent, [], 'nothing is sent before the confirm step')
  assert.equal(part('lab-restore-confirm').hidden, false)
  assert.match(part('lab-restore-question').textContent, /for everyone/)
  assert.ok(part('lab-restore-cancel').focused)
  part('lab-restore-cancel').fire('click')
  assert.equal(part('lab-restore-confirm').hidden, true)
  assert.deepEqual(sent, [])

  part('lab-restore-board').fire('click')
  part('lab-restore-yes').fire('click')
  const moment = new Date(2026, 4, 3, 14, 30, 0).getTime() + 2_000
  assert.deepEqual(sent, [{ type: 'board.restore', at: moment }])
  assert.equal(part('lab-restore-confirm').hidden, true)
  answer({ type: 'room.error', code: 'invalid', message: 'The board changed too much since then.' })
  assert.equal(part('lab-restore-status').hidden, true, 'the lab panel shows the reason')
  root.fire('toggle')
  assert.equal(part('lab-restore-at').value, '2026-05-03T14:30:00', 'a chosen moment stays')

  part('lab-restore-at').value = '2026-05-03T15:30:00'
  part('lab-restore-board').fire('click')
  assert.equal(part('lab-restore-confirm').hidden, true, 'no confirm step for a moment to come')
  assert.equal(part('lab-restore-status').textContent, 'Choose a moment in the past.')
})

test('offline, nothing is under way', () => {
  const { part, sent } = controls({ online: false })
  part('lab-restore-minutes').value = '5'
  part('lab-restore-deleted').fire('click')
  assert.deepEqual(sent, [])
  assert.equal(part('lab-restore-status').textContent, '')
})
