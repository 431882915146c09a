import { test } from 'node:test'
import assert from 'node:assert/strict'
import { Messages, install } from '../src/i18n.js'
import { readFileSync, readdirSync } from 'node:fs'
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

/**
 * The refusal codes the server sends on the sockets, by kind, read from its sources:
 * `ChatRejected("<code>"` (chat.error), `RoomRejected("<code>"` (room.error), and
 * `Rejected("<code>"` or `refusal_messages(<kind>, "<code>"` (board.error).
 * @returns {Array<[string, string]>}
 */
function serverCodes () {
  const server = new URL('../../', import.meta.url)
  const files = ['boards', 'rooms'].flatMap((folder) =>
    readdirSync(new URL(`${folder}/`, server)).filter((name) => name.endsWith('.py')).map((name) => new URL(`${folder}/${name}`, server)))
  const kinds = { ChatRejected: 'chat', RoomRejected: 'room', Rejected: 'board' }
  /** @type {Set<string>} */
  const found = new Set()
  for (const file of files) {
    const source = readFileSync(file, 'utf8')
    for (const [, raised, code] of source.matchAll(/\b(ChatRejected|RoomRejected|Rejected)\(\s*"([a-z_]+)"/g)) {
      found.add(`${kinds[/** @type {keyof typeof kinds} */ (raised)]}.${code}`)
    }
    for (const [, code] of source.matchAll(/\brefusal_messages\(\s*[\w.]+,\s*"([a-z_]+)"/g)) found.add(`board.${code}`)
  }
  return [...found].sort().map((key) => /** @type {[string, string]} */ (key.split('.')))
}

test('every refusal code the server sends has a sentence of its own language', () => {
  const codes = serverCodes()
  for (const expected of ['chat.empty', 'chat.forbidden', 'room.over_budget', 'room.invalid', 'board.read_only', 'board.locked', 'board.write_quota']) {
    assert.ok(codes.some(([kind, code]) => `${kind}.${code}` === expected), `the sources still send ${expected}`)
  }
  install(new Messages({ lang: 'de' }))
  try {
    for (const [kind, code] of codes) {
      const said = refusal({ type: `${kind}.error`, code, message: 'The server said so.' }, 'FALLBACK')
      assert.ok(said !== 'FALLBACK' && said !== 'The server said so.', `${kind}.${code} has no sentence in refusals.js`)
    }
  } finally {
    install(new Messages())
  }
})

test('a chat refused to someone who may not write there says so, not that their role forbids it', () => {
  install(new Messages({ lang: 'fr' }))
  try {
    assert.equal(refusal({ type: 'chat.error', code: 'forbidden', message: 'That thread belongs to another group.' }, 'x'),
      'You can read this chat but not write there.')
    assert.equal(refusal({ type: 'room.error', code: 'forbidden', message: 'Only a facilitator can do that.' }, 'x'),
      'Your role does not allow that.')
  } finally {
    install(new Messages())
  }
})
