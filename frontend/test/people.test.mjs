/** The People panel's reading of the server's answers, and how a page follows a new role. */

import assert from 'node:assert/strict'
import { afterEach, beforeEach, test } from 'node:test'
import { readBoardMessage } from '../src/board-connection.js'
import { followRole, readPeople, roleNotice, takeRoleNotice } from '../src/people.js'

/** A stand-in for the browser's sessionStorage. */
class MemoryStorage {
  constructor () { this.items = new Map() }
  /** @param {string} key */
  getItem (key) { return this.items.get(key) ?? null }
  /** @param {string} key @param {string} value */
  setItem (key, value) { this.items.set(key, String(value)) }
  /** @param {string} key */
  removeItem (key) { this.items.delete(key) }
}

beforeEach(() => {
  /** @type {any} */ (globalThis).window = { sessionStorage: new MemoryStorage() }
})

afterEach(() => {
  delete (/** @type {any} */ (globalThis)).window
})

test('people are read from the list the server sends, and nothing else', () => {
  const people = readPeople([
    { id: 'u1', name: '  Fay ', role: 'facilitator' },
    { id: 'u2', name: 'Pat', role: 'participant', extra: true },
    { id: 'u1', name: 'Fay again', role: 'observer' },
    { id: 'i7', name: 'A script', role: 'participant' },
    { id: 'u3', name: 'Olive', role: 'owner' },
    { id: 'u4', name: '', role: 'observer' },
    { id: 'u5', name: 'x'.repeat(500), role: 'observer' },
    null,
    'u6',
    { id: 42, name: 'Number', role: 'observer' }
  ])
  assert.deepEqual(people.map((p) => [p.id, p.name, p.role]), [
    ['u1', 'Fay', 'facilitator'],
    ['u2', 'Pat', 'participant'],
    ['u4', 'Someone', 'observer'],
    ['u5', 'x'.repeat(80), 'observer']
  ])
  assert.deepEqual(readPeople({ people: [] }), [])
  assert.deepEqual(readPeople(null), [])
})

test('the board socket tells the page its role as a message of its own', () => {
  assert.deepEqual(readBoardMessage('{"type": "access", "role": "observer"}'), { type: 'access', role: 'observer' })
  assert.equal(readBoardMessage('{"type": "access", "role": 3}'), null)
})

test('a new role reloads the page, which then says what changed, once', () => {
  let reloads = 0
  const reload = () => { reloads += 1 }
  assert.equal(followRole('participant', 'participant', reload), false)
  assert.equal(followRole('participant', 'owner', reload), false)
  assert.equal(reloads, 0)
  assert.equal(takeRoleNotice('participant'), '')

  assert.equal(followRole('participant', 'observer', reload), true)
  assert.equal(reloads, 1)
  assert.equal(takeRoleNotice('observer'), roleNotice('observer'))
  assert.match(roleNotice('observer'), /made you an observer: you can follow the board/)
  assert.equal(takeRoleNotice('observer'), '', 'said once')

  followRole('observer', 'facilitator', reload)
  assert.equal(takeRoleNotice('participant'), '', 'not for a page made for another role')
})
