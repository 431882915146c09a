/**
 * BoardModel.bind against real Yjs documents: taking another copy of the board reports only
 * the objects that read differently, and what happens to the new copy afterwards reaches the
 * listeners and the text editors kept across the bind.
 */

import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import * as Y from 'yjs'
import { insertObjects } from '../src/board/codec.js'
import { BoardModel, samePlain } from '../src/board/model.js'
import { bindField } from '../src/board/views.js'

const origin = Symbol('test')

/** @param {string} id @param {number} x @param {number} y @param {string} text */
const note = (id, x, y, text) => ({ id, type: 'note', x, y, text, author: 'Ada', authorId: 'u1' })

/** @returns {Y.Doc} a board of four notes, a frame and a connector from n1 to n2 */
function board () {
  const doc = new Y.Doc()
  insertObjects(doc, [
    note('n1', 0, 0, 'one'), note('n2', 300, 0, 'two'), note('n3', 600, 0, 'three'), note('n4', 900, 0, 'four'),
    { id: 'f', type: 'frame', x: -50, y: -50, w: 1200, h: 400, title: 'Ideas' },
    { id: 'c', type: 'connector', from: 'n1', to: 'n2', arrow: 'end', color: 'black' }
  ], { origin, keepIds: true })
  return doc
}

/** @param {Y.Doc} doc @returns {Y.Doc} a copy, as a recording's state or a resync brings it */
function copy (doc) {
  const other = new Y.Doc()
  Y.applyUpdate(other, Y.encodeStateAsUpdate(doc))
  return other
}

/** @param {Y.Doc} doc @param {string} id @returns {Y.Map<any>} */
const ymap = (doc, id) => doc.getMap('objects').get(id)
/** @param {Y.Doc} doc @param {string} id @returns {Y.Text} */
const ytext = (doc, id) => ymap(doc, id).get('text')

/** @param {BoardModel} model @returns {Array<Set<string>>} what each notification reported */
function heard (model) {
  /** @type {Array<Set<string>>} */
  const calls = []
  model.onChange((ids) => calls.push(new Set(ids)))
  return calls
}

/** A stand-in for a textarea: what bindText uses of one. */
function field () {
  /** @type {Map<string, () => void>} */
  const listeners = new Map()
  return {
    value: '',
    listeners,
    /** @param {string} type @param {() => void} listener */
    addEventListener: (type, listener) => listeners.set(type, listener),
    /** @param {string} type */
    removeEventListener: (type) => listeners.delete(type)
  }
}

describe('BoardModel.bind', () => {
  globalThis.document ??= /** @type {any} */ ({ activeElement: null })

  test('reports nothing but a notification when the new copy reads the same', () => {
    const doc = board()
    const model = new BoardModel(doc)
    const calls = heard(model)
    model.bind(copy(doc))
    assert.deepEqual(calls, [new Set()])
    assert.equal(model.plain.size, 6)
    assert.ok(model.box('c'), 'the connector keeps its line')
  })

  test('reports changed, added and removed objects and the connectors ending at them, not the others', () => {
    const doc = board()
    const model = new BoardModel(doc)
    const next = copy(doc)
    const objects = next.getMap('objects')
    next.transact(() => {
      ymap(next, 'n2').set('x', 320)
      ytext(next, 'n4').insert(4, '!')
      objects.delete('n3')
    })
    insertObjects(next, [note('n5', 0, 300, 'five')], { origin, keepIds: true })
    const calls = heard(model)
    model.bind(next)
    assert.deepEqual(calls, [new Set(['n2', 'n3', 'n4', 'n5', 'c'])])
    assert.equal(model.get('n2')?.x, 320)
    assert.equal(model.get('n4')?.text, 'four!')
    assert.equal(model.get('n3'), undefined)
    assert.equal(model.box('n3'), undefined)
    assert.deepEqual(model.box('n2'), { x: 320, y: 0, w: model.get('n2')?.w, h: model.get('n2')?.h })
    assert.deepEqual(model.readingOrder().slice().sort(), ['c', 'f', 'n1', 'n2', 'n4', 'n5'])
  })

  test('follows the new copy afterwards, and no longer the old one', () => {
    const doc = board()
    const model = new BoardModel(doc)
    const next = copy(doc)
    model.bind(next)
    const calls = heard(model)
    ytext(doc, 'n1').insert(0, 'old ')
    assert.deepEqual(calls, [])
    ytext(next, 'n1').insert(0, 'new ')
    assert.deepEqual(calls, [new Set(['n1', 'c'])])
    assert.equal(model.get('n1')?.text, 'new one')
  })

  test('a text editor kept across the bind edits the new copy once rebound', () => {
    const doc = board()
    const model = new BoardModel(doc)
    const ctx = /** @type {any} */ ({ model, origin, acceptText: () => true })
    const editor = field()
    const view = /** @type {any} */ ({ id: 'n1', type: 'note', field: editor, ytext: null, unbind: null })
    bindField(view, ctx)
    assert.equal(editor.value, 'one')
    const next = copy(doc)
    model.bind(next)
    const newText = ytext(next, 'n1')
    assert.notEqual(view.ytext, newText, 'an unchanged object keeps its view, bound to the old text')
    bindField(view, ctx)
    assert.equal(view.ytext, newText)
    editor.value = 'one more'
    const input = /** @type {() => void} */ (editor.listeners.get('input'))
    input()
    assert.equal(model.get('n1')?.text, 'one more')
    assert.equal(ytext(doc, 'n1').toString(), 'one')
    newText.insert(0, '1: ')
    assert.equal(editor.value, '1: one more')
  })

  test('compares plain readings by value', () => {
    assert.ok(samePlain({ a: [1, { b: 'x' }] }, { a: [1, { b: 'x' }] }))
    assert.ok(!samePlain({ a: [1, 2] }, { a: [1, 2, 3] }))
    assert.ok(!samePlain({ a: 1 }, { b: 1 }))
    assert.ok(!samePlain({ a: [] }, { a: {} }))
    assert.ok(!samePlain(undefined, { a: 1 }))
  })
})
