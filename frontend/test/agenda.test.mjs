/** Agendas as people type them, and back. */

import assert from 'node:assert/strict'
import { test } from 'node:test'
import { agendaText, parseAgenda } from '../src/agenda.js'

test('an agenda is typed one phase a line, with minutes and the tools a phase sets up', () => {
  const agenda = parseAgenda('5 Warm-up\n\n  8   Ideas on your own [private] \nDiscuss [LOCK] [confetti]\n[lock]')
  assert.deepEqual(agenda, [
    { id: 'p1', title: 'Warm-up', minutes: 5, tools: {} },
    { id: 'p2', title: 'Ideas on your own', minutes: 8, tools: { private: true } },
    { id: 'p3', title: 'Discuss [confetti]', minutes: 0, tools: { locked: true } }
  ])
  assert.equal(agendaText(agenda), '5 Warm-up\n8 Ideas on your own [private]\nDiscuss [confetti] [lock]')
  assert.deepEqual(parseAgenda(agendaText(agenda)), agenda)
  assert.equal(agendaText('not a list'), '')
})

test('a phase can open a vote with a budget and split the room into groups', () => {
  const agenda = parseAgenda('5 Vote [vote 3]\n10 In groups [groups 4] [lock]\nAsk [vote] [groups x]')
  assert.deepEqual(agenda.map((phase) => phase.tools), [
    { vote: { budget: 3 } },
    { breakouts: { count: 4 }, locked: true },
    {}
  ])
  assert.equal(agenda[2].title, 'Ask [vote] [groups x]', 'a counted tool needs its number')
  assert.equal(agendaText(agenda), '5 Vote [vote 3]\n10 In groups [lock] [groups 4]\nAsk [vote] [groups x]')
  assert.deepEqual(parseAgenda(agendaText(agenda)), agenda)
})

test('a phase works in a frame of the board, named by its title', () => {
  const frames = new Map([['f1', 'Your ideas']])
  const named = (/** @type {string} */ title) => [...frames].find(([, t]) => t.toLowerCase() === title.toLowerCase())?.[0] ?? null
  const agenda = parseAgenda('8 Ideas [private] [frame your ideas]\n5 Elsewhere [frame Nowhere]', named)
  assert.equal(agenda[0].frame, 'f1')
  assert.deepEqual(agenda[0].tools, { private: true })
  assert.deepEqual(parseAgenda('7 Reflect [private] [anonymous]')[0].tools, { private: true, anonymous: true })
  assert.equal(agenda[1].title, 'Elsewhere [frame Nowhere]', 'a frame not found stays in sight')
  assert.equal(agendaText(agenda, (id) => frames.get(id) ?? null), '8 Ideas [private] [frame Your ideas]\n5 Elsewhere [frame Nowhere]')
  assert.equal(agendaText(agenda), '8 Ideas [private]\n5 Elsewhere [frame Nowhere]', 'a frame gone leaves no tag')
})
