import { test } from 'node:test'
import assert from 'node:assert/strict'
import { shortcutKey } from '../src/board/keyboard.js'

test('shortcuts read the physical key where a layout types another script', () => {
  assert.equal(shortcutKey({ key: 'N', code: 'KeyN' }), 'n')
  assert.equal(shortcutKey({ key: 'ν', code: 'KeyN' }), 'n', 'Greek')
  assert.equal(shortcutKey({ key: 'ζ', code: 'KeyZ' }), 'z', 'Ctrl+Z on a Greek layout')
  assert.equal(shortcutKey({ key: 'ف', code: 'KeyT' }), 't', 'Arabic')
  assert.equal(shortcutKey({ key: 'z', code: 'KeyY' }), 'z', 'a German layout types z where US has y: the letter wins')
  assert.equal(shortcutKey({ key: '?', code: 'Slash' }), '?')
  assert.equal(shortcutKey({ key: 'ä', code: 'Quote' }), 'ä', 'no Latin letter on that key')
  assert.equal(shortcutKey({ key: 'Escape', code: 'Escape' }), 'Escape')
})
