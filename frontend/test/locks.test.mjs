/**
 * Object locks against real Yjs documents: the codec keeps them, commands leave locked objects
 * as they are, and undo never changes an object locked since.
 */

import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import * as Y from 'yjs'
import { exportDocument, importDocument, insertObjects, plainObjects, sanitize } from '../src/board/codec.js'
import { Commands } from '../src/board/commands.js'
import { History } from '../src/board/history.js'
import { BoardModel } from '../src/board/model.js'
import { outlineNodes } from '../src/board/outline.js'

const origin = Symbol('local')
const ada = { id: 'u1', name: 'Ada' }

/** @param {string} id @param {number} x @param {number} y @param {Record<string, any>} [extra] */
const note = (id, x, y, extra = {}) => ({ id, type: 'note', x, y, text: id, ...extra })

/**
 * A board holding `objects` (ids kept), with commands and undo for the local origin.
 * @param {Array<Record<string, any>>} objects
 */
function setUp (objects) {
  const doc = new Y.Doc()
  insertObjects(doc, objects, { origin: 'setup', keepIds: true })
  const model = new BoardModel(doc)
  /** @type {string[]} */
  const messages = []
  const commands = new Commands({ model, origin, user: ada, author: ada })
  const history = new History(model.objects, origin, (message) => messages.push(message))
  /** Someone else (another client) sets fields. @param {string} id @param {Record<string, any>} fields */
  const remote = (id, fields) => doc.transact(() => {
    for (const [key, value] of Object.entries(fields)) model.objects.get(id).set(key, value)
  }, 'remote')
  return { doc, model, commands, history, messages, remote, plain: () => plainObjects(doc) }
}

describe('the codec', () => {
  test('keeps locked: true and nothing else under that name', () => {
    const base = { type: 'note', x: 0, y: 0, text: 'A' }
    assert.equal(sanitize({ ...base, locked: true })?.locked, true)
    for (const value of [false, 'true', 1, {}, null]) {
      assert.equal(Object.hasOwn(/** @type {object} */ (sanitize({ ...base, locked: value })), 'locked'), false, String(value))
    }
    assert.equal(sanitize({ type: 'connector', from: 'a', to: 'b', locked: true })?.locked, true)
  })

  test('plainObjects, the JSON export and its import keep locks', async () => {
    const { doc } = setUp([note('a', 0, 0, { locked: true }), note('b', 300, 0)])
    assert.equal(plainObjects(doc).get('a')?.locked, true)
    assert.equal(plainObjects(doc).get('b')?.locked, undefined)
    const exported = exportDocument(doc)
    assert.deepEqual(exported.objects.filter((o) => o.locked).map((o) => o.id), ['a'])
    const copy = new Y.Doc()
    await importDocument(copy, JSON.stringify(exported), origin)
    assert.equal(plainObjects(copy).get('a')?.locked, true)
    const unlocked = new Y.Doc()
    await importDocument(unlocked, JSON.stringify(exported), origin, undefined, undefined, false)
    assert.equal(plainObjects(unlocked).get('a')?.locked, undefined)
  })

  test('copies inserted without locks come unlocked', () => {
    const { doc } = setUp([note('a', 0, 0, { locked: true })])
    const [copy] = insertObjects(doc, exportDocument(doc).objects, { origin, author: ada, locks: false })
    assert.equal(plainObjects(doc).get(copy)?.locked, undefined)
    assert.equal(doc.getMap('objects').get(copy).has('locked'), false)
    assert.equal(plainObjects(doc).get('a')?.locked, true)
  })
})

describe('commands', () => {
  const sample = () => setUp([
    { id: 'f', type: 'frame', x: 0, y: 0, w: 640, h: 440, title: 'Frame', locked: true },
    note('in', 20, 40),
    note('fixed', 300, 40, { locked: true }),
    note('out', 1000, 0),
    { id: 't', type: 'text', x: 1000, y: 400, text: 'T', locked: true },
    { id: 'c', type: 'connector', from: 'fixed', to: 'out', locked: true },
    { id: 'd', type: 'connector', from: 'in', to: 'fixed' }
  ])

  test('remove deletes the unlocked objects and their connectors, and counts the locked ones kept', () => {
    const { commands, plain } = sample()
    assert.equal(commands.remove(['f', 'in', 'fixed', 't', 'c', 'd']), 4)
    assert.deepEqual([...plain().keys()].sort(), ['c', 'f', 'fixed', 'out', 't'])
    // A locked connector still goes with its ends.
    assert.equal(commands.remove(['out']), 0)
    assert.deepEqual([...plain().keys()].sort(), ['f', 'fixed', 't'])
    assert.equal(commands.remove(['f']), 1)
  })

  test('move, resize, align, colour, style and restack leave locked objects as they are', () => {
    const { commands, plain } = sample()
    const before = plain()
    commands.move(new Map([['fixed', { x: 500, y: 500 }], ['in', { x: 30, y: 50 }]]))
    commands.resize('fixed', { x: 0, y: 0, w: 50, h: 50 })
    commands.resize('f', { x: 0, y: 0, w: 50, h: 50 })
    commands.alignToGrid(['fixed', 'f', 't'], 32)
    commands.setColor(['fixed'], 'pink')
    commands.setStyle(['t', 'c'], 'ink', 'red')
    commands.restack(['fixed', 'in'], 'front')
    const after = plain()
    for (const id of ['f', 'fixed', 't', 'c']) assert.deepEqual(after.get(id), before.get(id), id)
    assert.deepEqual([after.get('in')?.x, after.get('in')?.y], [30, 50])
    assert.ok(after.get('in')?.z > Math.max(...[...before.values()].map((o) => o.z)))
  })

  test('a locked note still takes reactions', () => {
    const { commands, plain } = sample()
    commands.toggleReaction('fixed', '👍')
    assert.deepEqual(plain().get('fixed')?.reactions, { 'u1 👍': 1 })
  })

  test('moving a frame moves its unlocked contents; a locked frame stays with what is in it', () => {
    const { model, commands } = setUp([
      { id: 'f', type: 'frame', x: 0, y: 0, w: 640, h: 440, title: 'Free' },
      { id: 'g', type: 'frame', x: 1000, y: 0, w: 640, h: 440, title: 'Fixed', locked: true },
      note('free', 20, 40), note('pinned', 300, 40, { locked: true }), note('inG', 1020, 40)
    ])
    assert.deepEqual([...model.movingOrigins(['f']).keys()].sort(), ['f', 'free'])
    assert.deepEqual([...model.movingOrigins(['g']).keys()], [])
    assert.deepEqual([...model.movingOrigins(['g', 'inG', 'pinned']).keys()], ['inG'])
    commands.setLocked(['g'], false)
    assert.deepEqual([...model.movingOrigins(['g']).keys()].sort(), ['g', 'inG'])
  })

  test('setLocked locks and unlocks in one transaction, removing the field to unlock', () => {
    const { doc, model, commands } = sample()
    const origins = []
    doc.on('afterTransaction', (transaction) => origins.push(transaction.origin))
    assert.equal(commands.setLocked(['in', 'out', 'fixed'], true), 2)
    assert.ok(['in', 'out', 'fixed'].every((id) => model.isLocked(id)))
    assert.equal(commands.setLocked(['in', 'fixed', 'gone'], false), 2)
    assert.equal(model.objects.get('fixed').has('locked'), false)
    assert.equal(commands.setLocked(['fixed'], false), 0)
    assert.deepEqual(origins, [origin, origin])
  })
})

describe('undo', () => {
  test('takes back a lock, then the change before it', () => {
    const { model, commands, history, plain } = setUp([note('n', 0, 0)])
    commands.move(new Map([['n', { x: 100, y: 0 }]]))
    history.cut()
    commands.setLocked(['n'], true)
    history.undo()
    assert.equal(model.isLocked('n'), false)
    history.undo()
    assert.equal(plain().get('n')?.x, 0)
    history.redo()
    history.redo()
    assert.deepEqual([plain().get('n')?.x, model.isLocked('n')], [100, true])
  })

  test('drops a step that would change an object locked since, and says so', () => {
    const { model, commands, history, messages, remote, plain } = setUp([note('n', 0, 0), note('m', 500, 0)])
    commands.move(new Map([['m', { x: 600, y: 0 }]]))
    history.cut()
    commands.move(new Map([['n', { x: 100, y: 0 }]]))
    history.cut()
    remote('n', { locked: true })
    history.undo()
    assert.equal(plain().get('n')?.x, 100)
    assert.equal(messages.length, 1)
    assert.match(messages[0], /Undo skipped a step: it would change an object that is locked now/)
    history.undo()
    assert.equal(plain().get('m')?.x, 500, 'the step before it still undoes')
    assert.equal(history.canUndo, false)
    assert.ok(model.isLocked('n'))
  })

  test('does not take back a note someone locked since, nor redo a deletion of one', () => {
    const { commands, history, messages, remote, plain } = setUp([])
    const id = /** @type {string} */ (commands.create({ type: 'note', x: 0, y: 0 }))
    history.cut()
    remote(id, { locked: true })
    history.undo()
    assert.ok(plain().has(id))
    assert.equal(messages.length, 1)

    const other = /** @type {string} */ (commands.create({ type: 'note', x: 300, y: 0 }))
    history.cut()
    commands.remove([other])
    history.cut()
    history.undo()
    remote(other, { locked: true })
    history.redo()
    assert.ok(plain().has(other))
    assert.match(messages[1], /^Redo skipped/)
    assert.equal(history.canRedo, false)
  })

  test('takes back objects inserted locked, and reactions on locked notes', () => {
    const { commands, history, messages, plain } = setUp([note('n', 0, 0, { locked: true })])
    const ids = insertObjects(commands.model.doc, [note('a', 0, 300, { locked: true }), note('b', 300, 300)], { origin, author: ada })
    history.cut()
    commands.toggleReaction('n', '🎉')
    history.undo()
    assert.deepEqual(plain().get('n')?.reactions, {})
    history.undo()
    assert.ok(ids.every((id) => !plain().has(id)))
    history.redo()
    assert.ok(ids.every((id) => plain().has(id)))
    assert.deepEqual(messages, [])
  })
})

describe('the outline', () => {
  test('says which objects are locked', () => {
    const { doc } = setUp([
      { id: 'f', type: 'frame', x: 0, y: 0, w: 640, h: 440, title: 'Plan', locked: true },
      note('a', 20, 40, { locked: true }), note('b', 300, 40),
      { id: 'c', type: 'connector', from: 'a', to: 'b', locked: true }
    ])
    const [frame] = outlineNodes(doc)
    assert.deepEqual([frame.label, ...frame.children.map((child) => child.label)], [
      'Frame: Plan, locked', 'Note: a, locked', 'Note: b', 'Connector: a → b, locked'
    ])
  })
})
