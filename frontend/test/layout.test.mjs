/** The room page's layout logic: side panel state kept in the browser, toolbar arrow keys, and
 * a style sheet that mirrors right to left. */

import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { test } from 'node:test'
import { DOCK_WIDTH, PANELS, keyedWidth, panelKey, readPanelState } from '../src/panels.js'
import { rovingIndex } from '../src/roving.js'

test('panel state comes back as it was kept', () => {
  const state = { open: ['chat', 'lab'], width: 420 }
  assert.deepEqual(readPanelState(JSON.stringify(state)), state)
  assert.deepEqual(readPanelState(JSON.stringify({ open: [], width: 300 })), { open: [], width: 300 })
  assert.equal(panelKey('u1'), 'room-panels:u1')
  assert.notEqual(panelKey('u1'), panelKey('u2'))
})

test('bad stored panel state falls back to every panel open at the initial width', () => {
  const fresh = { open: PANELS, width: DOCK_WIDTH.initial }
  for (const raw of [null, '', 'not json', 'null', '42', '"chat"', '[]', '{}', '{"open": "chat", "width": "wide"}']) {
    assert.deepEqual(readPanelState(raw), fresh, String(raw))
  }
  assert.deepEqual(readPanelState('{"open": ["lab", "nope", 3, "chat", "chat"], "width": 1e9}'), { open: ['chat', 'lab'], width: DOCK_WIDTH.max })
  assert.deepEqual(readPanelState('{"open": ["outline"], "width": -5}'), { open: ['outline'], width: DOCK_WIDTH.min })
  assert.equal(readPanelState('{"width": 333.7}').width, 334)
  assert.equal(readPanelState('{"width": null}').width, DOCK_WIDTH.initial)
})

test('the arrow toward the board widens the dock, mirrored right to left, within bounds', () => {
  const { step, min, max } = DOCK_WIDTH
  assert.equal(keyedWidth('ArrowLeft', 300, false), 300 + step)
  assert.equal(keyedWidth('ArrowRight', 300, false), 300 - step)
  assert.equal(keyedWidth('ArrowRight', 300, true), 300 + step)
  assert.equal(keyedWidth('ArrowLeft', 300, true), 300 - step)
  assert.equal(keyedWidth('ArrowLeft', max - 1, false), max)
  assert.equal(keyedWidth('ArrowRight', min + 1, false), min)
  assert.equal(keyedWidth('Home', 400, false), min)
  assert.equal(keyedWidth('End', 400, true), max)
  assert.equal(keyedWidth('ArrowUp', 400, false), null)
  assert.equal(keyedWidth('a', 400, false), null)
})

test('arrow keys move through a toolbar and wrap; Home and End go to its ends', () => {
  assert.equal(rovingIndex('ArrowRight', 0, 4), 1)
  assert.equal(rovingIndex('ArrowRight', 3, 4), 0)
  assert.equal(rovingIndex('ArrowLeft', 0, 4), 3)
  assert.equal(rovingIndex('Home', 2, 4), 0)
  assert.equal(rovingIndex('End', 0, 4), 3)
  assert.equal(rovingIndex('ArrowDown', 1, 4), -1, 'a horizontal toolbar ignores Up and Down')
  assert.equal(rovingIndex('Tab', 1, 4), -1)
  assert.equal(rovingIndex('ArrowRight', 0, 0), -1, 'an empty toolbar')
  assert.equal(rovingIndex('ArrowRight', -1, 4), 0, 'from outside: the first')
  assert.equal(rovingIndex('ArrowLeft', -1, 4), 3, 'from outside backwards: the last')
})

test('a vertical toolbar uses Up and Down; right to left mirrors Left and Right', () => {
  assert.equal(rovingIndex('ArrowDown', 1, 3, { vertical: true }), 2)
  assert.equal(rovingIndex('ArrowUp', 0, 3, { vertical: true }), 2)
  assert.equal(rovingIndex('ArrowRight', 1, 3, { vertical: true }), -1)
  assert.equal(rovingIndex('ArrowLeft', 1, 3, { rtl: true }), 2)
  assert.equal(rovingIndex('ArrowRight', 1, 3, { rtl: true }), 0)
})

/** A left or right side, margin, padding, border, alignment or float, but a centred `left: 50%`. */
const PHYSICAL = /(?:^|[\s;{])(?:(?:margin|padding|border)-(?:left|right)[\w-]*|(?:left|right)\s*:(?!\s*50%)|text-align\s*:\s*(?:left|right)|float\s*:\s*(?:left|right))/
/** What keeps its sides in every direction: the board's own coordinates, and the timeline. */
const BOARD_COORDINATES = /^\.(?:board-(?:canvas|world|overlay)|frame-|object-layer|vote-badge|lock-badge|remote-|resize-handle|connector-preview|pen-preview|timeline)/

test('the style sheet uses logical sides, so pages mirror right to left', () => {
  const css = readFileSync(new URL('../static/frontend/app.css', import.meta.url), 'utf8')
    .replace(/\/\*[\s\S]*?\*\//g, '')
  const physical = [...css.matchAll(/([^{}]+)\{([^{}]*)\}/g)]
    .map(([, selector, body]) => [selector.trim().replace(/\s+/g, ' '), body])
    .filter(([selector, body]) => PHYSICAL.test(body) && !BOARD_COORDINATES.test(selector))
    .map(([selector]) => selector)
  assert.deepEqual(physical, [])
  assert.ok(PHYSICAL.test('.x { margin-left: 1px }') && PHYSICAL.test('.x { right: 0 }'))
  assert.ok(!PHYSICAL.test('.x { left: 50%; inset-inline-start: 0 }'))
})
