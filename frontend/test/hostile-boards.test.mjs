/**
 * Boards written by a hostile client: values nested far deeper than the schema allows, frames
 * nested inside each other, containment cycles, more objects than the server allows. The board
 * reads them in bounded time and the good objects survive.
 */

import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import * as Y from 'yjs'
import { plainObjects, readObject, readValue } from '../src/board/codec.js'
import { exportMarkdown } from '../src/board/export.js'
import { BoardModel } from '../src/board/model.js'
import { outlineNodes } from '../src/board/outline.js'
import { allSections, boardSections } from '../src/board/sections.js'
import { LIMITS, frameDepths } from '../src/board/schema.js'

/** Generous upper bound (ms) for reading any of these boards on a shared machine. */
const BOUNDED_MS = 20000

/**
 * A board with one good note, `good`, and whatever `hostile` adds in the same document.
 * @param {(objects: Y.Map<any>, doc: Y.Doc) => void} hostile
 * @returns {Y.Doc} a copy received through a Yjs update, as a browser gets it
 */
function boardWith (hostile) {
  const doc = new Y.Doc()
  const objects = doc.getMap('objects')
  doc.transact(() => {
    objects.set('good', object({ type: 'note', x: 0, y: 0, w: 200, h: 160, text: new Y.Text('Good idea') }))
    hostile(objects, doc)
  })
  const received = new Y.Doc()
  Y.applyUpdate(received, Y.encodeStateAsUpdate(doc))
  return received
}

/** @param {Record<string, any>} fields @returns {Y.Map<any>} */
function object (fields) {
  const ymap = new Y.Map()
  for (const [key, value] of Object.entries(fields)) ymap.set(key, value)
  return ymap
}

/**
 * Adds an object whose field `key` holds Y.Arrays nested `depth` deep (built inside out from the
 * document, as a client's edits would).
 * @param {Y.Map<any>} objects @param {string} id @param {Record<string, any>} fields
 * @param {string} key @param {number} depth
 */
function nestedYArrays (objects, id, fields, key, depth) {
  objects.set(id, object(fields))
  let inner = new Y.Array()
  objects.get(id).set(key, inner)
  for (let i = 0; i < depth; i++) {
    const next = new Y.Array()
    inner.push([next])
    inner = next
  }
  inner.push([1, 2, 3, 4])
}

/** @param {() => void} read @returns {number} ms taken */
function timed (read) {
  const start = performance.now()
  read()
  return performance.now() - start
}

/** @param {Y.Doc} doc @param {string} text @returns {boolean} whether the outline lists a note with this text */
const outlined = (doc, text) => JSON.stringify(outlineNodes(doc, { limit: Infinity })).includes(`Note: ${text}`)

describe('hostile boards', () => {
  test('a value nested 10,000 deep is dropped, not walked, and the good note survives', () => {
    const doc = boardWith((objects) => {
      nestedYArrays(objects, 'deep-reactions', { type: 'note', x: 300, y: 0 }, 'reactions', 10000)
      nestedYArrays(objects, 'deep-points', { type: 'drawing', x: 0, y: 300 }, 'points', 10000)
      nestedYArrays(objects, 'deep-text', { type: 'text', x: 0, y: 600 }, 'text', 10000)
    })
    // A plain value nested as deep (lib0 cannot encode it, so it is set on the received copy).
    let plain = [1]
    for (let i = 0; i < 10000; i++) plain = [plain]
    doc.getMap('objects').set('deep-plain', object({ type: 'drawing', x: 0, y: 900, points: plain, reactions: { a: plain } }))

    const model = new BoardModel(doc)
    assert.equal(model.get('good')?.text, 'Good idea')
    assert.deepEqual(model.get('deep-reactions')?.reactions, {}, 'the deep value is dropped, the note kept')
    assert.equal(model.get('deep-points'), undefined, 'a drawing without points is no drawing')
    assert.equal(model.get('deep-text')?.text, '')
    assert.equal(model.get('deep-plain'), undefined)
    assert.ok(outlined(doc, 'Good idea'))
    assert.deepEqual(readValue(plain), [undefined], 'one level is read, the next is dropped')
    assert.equal(readValue([[1]], 0), undefined)
  })

  test('an object that cannot be read at all is skipped and stops no other', () => {
    const doc = boardWith((objects) => { objects.set('broken', object({ type: 'note', x: 300, y: 0 })) })
    const broken = doc.getMap('objects').get('broken')
    for (const method of ['has', 'get', 'entries']) broken[method] = () => { throw new Error('unreadable') }
    assert.equal(readObject(broken), null)
    const model = new BoardModel(doc)
    assert.deepEqual([...model.plain.keys()], ['good'])
    assert.deepEqual([...plainObjects(doc).keys()], ['good'])
  })

  test('12,000 frames nested inside each other nest at most LIMITS.frameDepth deep', () => {
    const doc = boardWith((objects) => {
      for (let i = 0; i < 12000; i++) {
        objects.set(`frame-${i}`, object({ type: 'frame', x: -5 - 4 * i, y: -5 - 4 * i, w: 210 + 8 * i, h: 170 + 8 * i, title: new Y.Text(`F${i}`) }))
      }
    })
    const ms = timed(() => {
      const model = new BoardModel(doc, 20000)
      assert.equal(model.plain.size, 12001)
      const { frames } = boardSections(plainObjects(doc, 20000))
      const sections = [...allSections(frames)]
      assert.equal(sections.length, 12000, 'every frame is listed once')
      assert.equal(Math.max(...sections.map((s) => s.depth)), LIMITS.frameDepth)
      const innermost = sections.find((s) => s.id === 'frame-0')
      assert.deepEqual(innermost?.items.map((entry) => entry.id), ['good'])
      assert.ok(outlined(doc, 'Good idea'))
      assert.match(exportMarkdown(doc), /- Good idea/)
    })
    assert.ok(ms < BOUNDED_MS, `${ms} ms`)
  })

  test('a containment cycle is cut: nothing lies inside itself through a chain', () => {
    const parent = new Map([['a', 'b'], ['b', 'c'], ['c', 'a'], ['note', 'a'], ['d', 'c']])
    const depths = frameDepths(parent, ['a', 'b', 'c', 'd'])
    assert.equal(depths.size, 4)
    for (const id of ['a', 'b', 'c', 'd']) {
      const seen = new Set()
      for (let at = parent.get(id); at !== undefined; at = parent.get(at)) {
        assert.ok(!seen.has(at) && at !== id, `${id} lies inside itself`)
        seen.add(at)
      }
    }
    assert.deepEqual(Object.fromEntries(depths), { c: 0, b: 1, a: 2, d: 1 }, 'the last link of the cycle is cut')
    assert.equal(parent.get('note'), 'a')

    // Frames with one box hold each other in no order, and connectors joining connectors join nothing.
    const doc = boardWith((objects) => {
      for (const id of ['twin-1', 'twin-2', 'twin-3']) {
        objects.set(id, object({ type: 'frame', x: -50, y: -50, w: 400, h: 400, title: new Y.Text(id) }))
      }
      objects.set('c1', object({ type: 'connector', from: 'c2', to: 'good' }))
      objects.set('c2', object({ type: 'connector', from: 'c1', to: 'good' }))
    })
    assert.equal(new BoardModel(doc).box('c1'), undefined)
    const sections = [...allSections(boardSections(plainObjects(doc)).frames)]
    assert.deepEqual(sections.map((s) => s.id).sort(), ['twin-1', 'twin-2', 'twin-3'])
    assert.ok(outlined(doc, 'Good idea'))
  })

  test('100,000 objects: the board shows the server limit, says so, and keeps the first', () => {
    const doc = new Y.Doc()
    const objects = doc.getMap('objects')
    doc.transact(() => {
      objects.set('good', object({ type: 'note', x: 0, y: 0, w: 200, h: 160, text: new Y.Text('Good idea') }))
      for (let i = 0; i < 100000; i++) objects.set(`tiny-${i}`, object({ type: 'note', x: (i % 300) * 8, y: 200 + Math.floor(i / 300) * 8, w: 4, h: 4 }))
    })
    /** @type {BoardModel | undefined} */
    let model
    const ms = timed(() => {
      model = new BoardModel(doc, 5000)
      outlineNodes(doc, { limit: 5000 })
    })
    assert.ok(model && ms < BOUNDED_MS, `${ms} ms`)
    assert.equal(model.plain.size, 5000)
    assert.ok(model.truncated)
    assert.equal(model.get('good')?.text, 'Good idea')
    assert.equal(model.readingOrder().length, 5000)

    objects.delete('good')
    assert.equal(model.plain.size, 5000, 'a deleted object makes room for one left out')
    model.setLimit(200000)
    assert.equal(model.plain.size, 100000)
    assert.ok(!model.truncated)
    model.setLimit(10)
    assert.equal(model.plain.size, 10)
    assert.ok(model.truncated)
  })
})
