/**
 * The server's messages on the board socket (type 100: board.limits, board.error), the
 * limits the client then enforces before sending, and the close codes it explains.
 */

import assert from 'node:assert/strict'
import { afterEach, describe, test } from 'node:test'
import * as Y from 'yjs'
import * as decoding from 'lib0/decoding'
import * as encoding from 'lib0/encoding'
import { ObservableV2 } from 'lib0/observable'
import { BoardConnection, MESSAGE_SERVER, readBoardMessage } from '../src/board-connection.js'
import { ConnectionBanner } from '../src/connection.js'
import { insertObjects, textTooLong } from '../src/board/codec.js'
import { Commands } from '../src/board/commands.js'
import { BoardModel } from '../src/board/model.js'

const origin = Symbol('test')
const ada = { id: 'u1', name: 'Ada' }

/** @param {object} json @returns {Uint8Array} a type-100 message as the server frames it */
function serverMessage (json) {
  const encoder = encoding.createEncoder()
  encoding.writeVarUint(encoder, MESSAGE_SERVER)
  encoding.writeVarString(encoder, JSON.stringify(json))
  return encoding.toUint8Array(encoder)
}

/**
 * Hands message bytes to a provider the way y-websocket's socket handler does.
 * @param {import('y-websocket').WebsocketProvider} provider
 * @param {Uint8Array} bytes
 */
function receive (provider, bytes) {
  const decoder = decoding.createDecoder(bytes)
  const type = decoding.readVarUint(decoder)
  provider.messageHandlers[type](encoding.createEncoder(), decoder, provider, true, type)
}

/** @type {BoardConnection[]} */
const opened = []

/** @returns {BoardConnection} a connection that never dials out */
function connection () {
  const made = new BoardConnection('ws://127.0.0.1:9/ws/rooms', 'lab/board', {
    connect: false, disableBc: true, WebSocketPolyfill: /** @type {any} */ (class {})
  })
  opened.push(made)
  return made
}

afterEach(() => {
  for (const made of opened.splice(0)) {
    made.provider.destroy()
    made.doc.destroy()
  }
})

describe('board messages', () => {
  test('readBoardMessage keeps what it understands', () => {
    assert.deepEqual(readBoardMessage('{"type": "board.error", "code": "too_deep", "message": "Too deep."}'),
      { type: 'board.error', code: 'too_deep', message: 'Too deep.' })
    assert.equal(readBoardMessage('{"type": "board.error", "code": "read_only"}')?.message,
      'You can look at the board but not change it.', 'no message: the sentence of its code')
    assert.match(readBoardMessage('{"type": "board.error", "code": "new"}')?.message ?? '', /refused a change/)
    assert.deepEqual(readBoardMessage('{"type": "board.limits", "maxObjects": 500, "maxValueBytes": -1, "writeBytesPerMinute": 1.5}'),
      { type: 'board.limits', limits: { maxObjects: 500 } })
    assert.equal(readBoardMessage('{"type": "chat.error"}'), null)
    assert.equal(readBoardMessage('not json'), null)
  })

  test('board.limits reaches the listeners', () => {
    const board = connection()
    /** @type {any[]} */
    const heard = []
    board.on('limits', (limits) => heard.push(limits))
    receive(board.provider, serverMessage({ type: 'board.limits', maxObjects: 3, maxValueBytes: 64, writeBytesPerMinute: 1000 }))
    assert.deepEqual(heard, [{ maxObjects: 3, maxValueBytes: 64, writeBytesPerMinute: 1000 }])
  })

  test('board.error shows its message and starts again from a fresh document', () => {
    const board = connection()
    const first = { doc: board.doc, provider: board.provider }
    first.doc.getMap('objects').set('refused', new Y.Map([['type', 'note']]))
    /** @type {string[]} */
    const messages = []
    /** @type {any[]} */
    const binds = []
    board.on('error', (message, code) => messages.push(`${code}: ${message}`))
    board.on('bind', (doc, provider, previous) => binds.push({ doc, provider, previous }))

    receive(first.provider, serverMessage({ type: 'board.error', code: 'too_large', message: 'That change is too large.' }))

    assert.deepEqual(messages, ['too_large: That change is too large.'])
    assert.equal(binds.length, 1)
    assert.equal(binds[0].doc, board.doc)
    assert.equal(binds[0].provider, board.provider)
    assert.equal(binds[0].previous, first.provider)
    assert.notEqual(board.doc, first.doc)
    assert.notEqual(board.doc.clientID, first.doc.clientID, 'the fresh document writes as a new client')
    assert.equal(board.doc.getMap('objects').size, 0, 'the refused change is gone')
    assert.equal(board.provider.doc, board.doc)
    assert.ok(first.doc.isDestroyed)
    assert.equal(first.provider.shouldConnect, false, 'the old provider is closed for good')
    assert.ok(board.provider.messageHandlers[MESSAGE_SERVER], 'the fresh provider reads board messages too')
  })
})

describe('limits enforced before sending', () => {
  const limits = { maxObjects: 2, maxValueBytes: 12 }

  test('creating, pasting, importing or a template beyond maxObjects is refused with a message', () => {
    const doc = new Y.Doc()
    /** @type {string[]} */
    const notices = []
    const commands = new Commands({ model: new BoardModel(doc), origin, user: ada, author: ada, limits, notify: (m) => notices.push(m) })
    assert.ok(commands.create({ type: 'note', x: 0, y: 0 }))
    assert.ok(commands.create({ type: 'note', x: 300, y: 0 }))
    assert.equal(commands.create({ type: 'note', x: 600, y: 0 }), null)
    assert.deepEqual(notices, ['This board holds at most 2 objects: delete some to make room.'])
    assert.throws(() => insertObjects(doc, [{ id: 'a', type: 'note' }], { origin, limits }), /at most 2 objects/)
    assert.equal(doc.getMap('objects').size, 2)
  })

  test('a text longer than maxValueBytes is refused before it is sent', () => {
    const doc = new Y.Doc()
    /** @type {string[]} */
    const notices = []
    const commands = new Commands({ model: new BoardModel(doc), origin, user: ada, author: ada, limits, notify: (m) => notices.push(m) })
    assert.equal(commands.create({ type: 'note', x: 0, y: 0, text: 'ééééééé' }), null, '14 bytes')
    assert.match(notices[0], /at most 12 bytes/)
    assert.ok(commands.create({ type: 'note', x: 0, y: 0, text: 'short' }))
    assert.ok(textTooLong('1234567890123', limits))
    assert.ok(!textTooLong('123456789012', limits))
    assert.throws(() => insertObjects(doc, [{ id: 'a', type: 'note', text: 'far too long a text' }], { origin, limits }), /12 bytes/)
  })
})

describe('close codes', () => {
  globalThis.window ??= /** @type {any} */ (globalThis)

  /** @returns {{banner: ConnectionBanner, element: any, provider: ObservableV2<any>}} */
  function watched () {
    const element = { hidden: true, dataset: {}, textContent: '', querySelector: () => null }
    const banner = new ConnectionBanner(/** @type {any} */ (element))
    const provider = new ObservableV2()
    banner.watch(/** @type {any} */ (provider))
    return { banner, element, provider }
  }

  for (const [code, text] of [
    [4410, 'This board could not be loaded and has been set aside; the facilitators have been told.'],
    [4430, 'Too many open connections from you: close some tabs or windows.']
  ]) {
    test(`${code} is permanent and explained`, () => {
      const { element, provider } = watched()
      provider.emit('connection-close', [{ code }])
      assert.equal(element.dataset.state, 'error')
      assert.equal(element.textContent, text)
    })
  }

  for (const [code, text] of [[4508, /did not finish joining in time/], [4509, /fell behind/]]) {
    test(`${code} is transient and explained while reconnecting`, () => {
      const { element, provider } = watched()
      provider.emit('connection-close', [{ code }])
      assert.equal(element.dataset.state, 'warning')
      assert.match(element.textContent, text)
      assert.match(element.textContent, /reconnecting/)
    })
  }

  test('a replaced provider closing is no news', () => {
    const { banner, element, provider } = watched()
    banner.unwatch(/** @type {any} */ (provider))
    provider.emit('connection-close', [null])
    assert.equal(element.dataset.state, 'hidden')
  })
})
