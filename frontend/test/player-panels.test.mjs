/** The player's panels following the moment shown: the chat list keeps the items of the
 * messages that read the same, the lab panel writes only what changed, and the outline
 * follows another document after its quiet time. */

import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import * as Y from 'yjs'
import { insertObjects } from '../src/board/codec.js'
import { Outline } from '../src/board/outline.js'
import { ChatList } from '../src/playback/chat-list.js'
import { LabState } from '../src/playback/lab-state.js'

/** Just enough of a DOM element for the panels, counting the writes of its text. */
class FakeElement {
  /** @param {string} tag */
  constructor (tag) {
    this.tagName = tag.toUpperCase()
    /** @type {Array<FakeElement | string>} */
    this.children = []
    /** @type {FakeElement | null} */
    this.parent = null
    /** @type {Record<string, string>} */
    this.dataset = {}
    /** @type {Map<string, string>} */
    this.attributes = new Map()
    this.hidden = false
    this.text = ''
    this.writes = 0
    this.scrollTop = 0
    this.scrollHeight = 0
  }

  get textContent () {
    return this.children.length ? this.children.map((c) => typeof c === 'string' ? c : c.textContent).join('') : this.text
  }

  set textContent (value) {
    this.writes++
    this.children = []
    this.text = String(value)
  }

  /** @param {Array<FakeElement | string>} nodes */
  append (...nodes) {
    for (const node of nodes) {
      if (typeof node !== 'string') {
        node.remove()
        node.parent = this
      }
      this.children.push(node)
    }
  }

  /** @param {Array<FakeElement | string>} nodes */
  replaceChildren (...nodes) {
    this.writes++
    for (const child of [...this.children]) if (typeof child !== 'string') child.remove()
    this.children = []
    this.append(...nodes)
  }

  remove () {
    if (!this.parent) return
    this.parent.children.splice(this.parent.children.indexOf(this), 1)
    this.parent = null
  }

  /** @param {string} name @param {string} value */
  setAttribute (name, value) { this.attributes.set(name, String(value)) }
  /** @param {string} name */
  getAttribute (name) { return this.attributes.get(name) ?? null }
  addEventListener () {}
  removeEventListener () {}

  /** @param {string} selector `button`, or `[data-testid="..."]` */
  querySelectorAll (selector) {
    const testId = /^\[data-testid="(.+)"\]$/.exec(selector)?.[1]
    /** @type {FakeElement[]} */
    const found = []
    /** @param {FakeElement} element */
    const walk = (element) => {
      for (const child of element.children) {
        if (typeof child === 'string') continue
        if (testId ? child.dataset.testid === testId : child.tagName === selector.toUpperCase()) found.push(child)
        walk(child)
      }
    }
    walk(this)
    return found
  }

  /** @param {string} selector */
  querySelector (selector) { return this.querySelectorAll(selector)[0] ?? null }
}

/** @type {Array<() => void>} callbacks waiting for the next frame */
let frames = []
const nextFrame = () => {
  const waiting = frames
  frames = []
  for (const callback of waiting) callback()
}
globalThis.document = /** @type {any} */ ({ activeElement: null, createElement: (/** @type {string} */ tag) => new FakeElement(tag) })
globalThis.HTMLButtonElement ??= /** @type {any} */ (class {})
globalThis.requestAnimationFrame = /** @type {any} */ ((/** @type {() => void} */ callback) => frames.push(callback))

/** @param {Array<[string, string]>} messages id and text @returns {Y.Doc} a chat document */
function chatDoc (messages) {
  const doc = new Y.Doc()
  doc.getArray('messages').push(messages.map(([id, text]) => ({ id, text, author: 'Ada', ts: 1000 })))
  return doc
}

describe('ChatList', () => {
  test('a new moment keeps the items of the messages that read the same', () => {
    const list = new FakeElement('ol')
    const empty = new FakeElement('p')
    const chat = new ChatList(/** @type {any} */ (list), /** @type {any} */ (empty))
    chat.bind(chatDoc([['a', 'hi'], ['b', 'hello'], ['c', 'bye']]))
    const [a, b, c] = list.children
    assert.equal(list.children.length, 3)
    assert.equal(empty.hidden, true)

    chat.bind(chatDoc([['a', 'hi'], ['b', 'hello'], ['c', 'bye!'], ['d', 'more']]))
    assert.equal(list.children.length, 4)
    assert.equal(list.children[0], a)
    assert.equal(list.children[1], b)
    assert.notEqual(list.children[2], c, 'a message that reads differently gets a new item')
    assert.match(list.children[3].textContent, /more/)

    chat.bind(chatDoc([['b', 'hello'], ['a', 'hi']]))
    assert.deepEqual(list.children, [b, a], 'kept items move into the new order')

    chat.bind(chatDoc([]))
    assert.equal(list.children.length, 0)
    assert.equal(empty.hidden, false)
  })

  test('two messages that read alike keep an item each', () => {
    const list = new FakeElement('ol')
    const chat = new ChatList(/** @type {any} */ (list), null)
    chat.bind(chatDoc([['a', 'hi'], ['a', 'hi']]))
    assert.equal(list.children.length, 2)
    assert.notEqual(list.children[0], list.children[1])
  })

  test('an author is named as the recording names them now: a deleted account is a former member', () => {
    const list = new FakeElement('ol')
    const chat = new ChatList(/** @type {any} */ (list), null, new Map([['u1', 'Former member']]))
    const doc = new Y.Doc()
    doc.getArray('messages').push([
      { id: 'a', text: 'hi', author: 'Ada', authorId: 'u1', ts: 1000 },
      { id: 'b', text: 'yo', author: 'Ben', authorId: 'u2', ts: 2000 }
    ])
    chat.bind(doc)
    assert.match(list.children[0].textContent, /Former member/)
    assert.doesNotMatch(list.children[0].textContent, /Ada/)
    assert.match(list.children[1].textContent, /Ben/)
  })

  test('it scrolls to the newest message in the next frame, once, and not when nothing changed', () => {
    const list = new FakeElement('ol')
    const chat = new ChatList(/** @type {any} */ (list), null)
    frames = []
    chat.bind(chatDoc([['a', 'hi']]))
    const doc = chatDoc([['a', 'hi']])
    chat.bind(doc)
    doc.getArray('messages').push([{ id: 'b', text: 'later', author: 'Bo', ts: 2000 }])
    list.scrollHeight = 500
    assert.equal(list.scrollTop, 0, 'not within the change')
    assert.equal(frames.length, 1)
    nextFrame()
    assert.equal(list.scrollTop, 500)
    chat.bind(doc)
    assert.equal(frames.length, 0, 'the same messages: nothing to do')
  })
})

test('the lab panel writes only what changed', () => {
  const root = new FakeElement('section')
  for (const testId of ['player-phase', 'player-agenda', 'player-timer', 'player-locked', 'player-vote', 'player-results', 'player-results-heading']) {
    const element = new FakeElement(testId.endsWith('agenda') || testId.endsWith('results') ? 'ol' : 'p')
    element.dataset.testid = testId
    root.append(element)
  }
  const part = (/** @type {string} */ testId) => /** @type {FakeElement} */ (root.querySelector(`[data-testid="${testId}"]`))
  const room = new Y.Doc().getMap('room')
  room.set('agenda', [{ id: 'p1', title: 'Ideas', minutes: 10 }, { id: 'p2', title: 'Vote', minutes: 5 }])
  room.set('phase', 'p1')
  const lab = new LabState(/** @type {any} */ (root), () => '')
  lab.render(room, 0)
  assert.equal(part('player-phase').textContent, 'Phase: Ideas')
  const items = [...part('player-agenda').children]
  assert.equal(/** @type {FakeElement} */ (items[0]).getAttribute('aria-current'), 'step')
  const writes = root.querySelectorAll('p').concat(root.querySelectorAll('ol')).map((element) => element.writes)

  lab.render(room, 0)
  assert.deepEqual(root.querySelectorAll('p').concat(root.querySelectorAll('ol')).map((element) => element.writes), writes)
  assert.deepEqual(part('player-agenda').children, items, 'the same agenda keeps its items')

  room.set('phase', 'p2')
  lab.render(room, 0)
  assert.equal(part('player-phase').textContent, 'Phase: Vote')
  assert.equal(/** @type {FakeElement} */ (part('player-agenda').children[1]).getAttribute('aria-current'), 'step')
})

test('the outline follows another document after its quiet time, not at once', async () => {
  const before = new Y.Doc()
  insertObjects(before, [{ id: 'n1', type: 'note', x: 0, y: 0, text: 'one' }], { keepIds: true })
  const after = new Y.Doc()
  insertObjects(after, [{ id: 'n2', type: 'note', x: 0, y: 0, text: 'two' }], { keepIds: true })
  const container = new FakeElement('section')
  const outline = new Outline(/** @type {any} */ (container), before)
  assert.match(outline.list.textContent, /Note: one/)
  outline.bind(after)
  assert.match(outline.list.textContent, /Note: one/, 'not rebuilt within the seek')
  await new Promise((resolve) => setTimeout(resolve, 300))
  assert.match(outline.list.textContent, /Note: two/)
  after.getMap('objects').delete('n2')
  before.getMap('objects').delete('n1')
  await new Promise((resolve) => setTimeout(resolve, 300))
  assert.match(outline.list.textContent, /The board is empty/, 'it follows the new document, not the old one')
  outline.destroy()
})
