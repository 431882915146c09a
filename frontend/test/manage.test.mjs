import { test } from 'node:test'
import assert from 'node:assert/strict'
import { describeInvite, readInvites } from '../src/invites.js'
import { retitle } from '../src/room-settings.js'

const INVITE = {
  id: 3,
  role: 'observer',
  roleLabel: 'Observer',
  uses: 1,
  maxUses: 2,
  expiresAt: '2030-01-02T03:04:00+00:00',
  url: 'https://example.org/i/abc/',
  revokeUrl: '/r/lab/invites/3/revoke/'
}

test('invites from the server are checked one by one', () => {
  assert.deepEqual(readInvites([INVITE]).map((invite) => invite.id), [3])
  assert.deepEqual(readInvites(INVITE).map((invite) => invite.id), [3], 'one created invite')
  const bad = [
    { ...INVITE, id: -1 },
    { ...INVITE, uses: '1' },
    { ...INVITE, maxUses: 0.5 },
    { ...INVITE, url: 'javascript:alert(1)' },
    { ...INVITE, revokeUrl: 'https://elsewhere/' },
    null
  ]
  assert.deepEqual(readInvites(bad), [])
  assert.deepEqual(readInvites([{ ...INVITE, maxUses: null }])[0].maxUses, null)
})

test('an invite says how many joined of how many', () => {
  assert.match(describeInvite(INVITE), /^Observer: 1 of 2 joined, until /)
  assert.match(describeInvite({ ...INVITE, maxUses: null }), /^Observer: 1 joined, until /)
})

test('the page title follows a new room title', () => {
  assert.equal(retitle('Lab · Co-working', 'Lab', 'Sound Lab'), 'Sound Lab · Co-working')
  assert.equal(retitle('Home', 'Lab', 'Sound Lab'), 'Home')
})
