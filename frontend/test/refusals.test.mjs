import { test } from 'node:test'
import assert from 'node:assert/strict'
import { Messages, install } from '../src/i18n.js'
import { refusal } from '../src/refusals.js'

const locked = { type: 'board.error', code: 'locked', message: 'The facilitator has locked the board for now: your change was not kept.' }
const tooLong = { type: 'room.error', code: 'invalid', message: 'A goal is at most 280 characters.' }

test('an English page shows the server\'s own sentence, another language the sentence of its code', () => {
  install(new Messages())
  assert.equal(refusal(tooLong, 'That did not work.'), 'A goal is at most 280 characters.')
  install(new Messages({
    lang: 'pl',
    messages: {
      'That was not accepted: check what you entered.': 'Nie przyjęto: sprawdź, co wpisano.',
      'The facilitator has locked the board for now: your change was not kept.': 'Prowadzący zablokował tablicę: zmiany nie zachowano.'
    }
  }))
  try {
    assert.equal(refusal(tooLong, 'x'), 'Nie przyjęto: sprawdź, co wpisano.')
    assert.equal(refusal(locked, 'x'), 'Prowadzący zablokował tablicę: zmiany nie zachowano.', 'by kind and code')
    assert.equal(refusal({ type: 'chat.error', code: 'rate_limited' }, 'x'), 'Slow down a little, then try again.', 'not translated yet: English')
    assert.equal(refusal({ type: 'room.error', code: 'toString', message: 'Odd.' }, 'x'), 'Odd.', 'an unknown code: what the server said')
    assert.equal(refusal({ type: 'room.error' }, 'That did not work.'), 'That did not work.')
  } finally {
    install(new Messages())
  }
})
