/** People's colours, shared by cursors, selections and the presence list. */

/** Saturated colours that stay readable as white-on-colour labels. */
const USER_COLORS = [
  '#c2410c', '#b91c1c', '#be185d', '#7e22ce',
  '#1d4ed8', '#047857', '#854d0e', '#334155'
]

/**
 * A stable colour for a user, derived from their id.
 * @param {string} userId
 * @returns {string} `#rrggbb`
 */
export function userColor (userId) {
  let hash = 0
  for (let i = 0; i < userId.length; i++) {
    hash = (hash * 31 + userId.charCodeAt(i)) | 0
  }
  return USER_COLORS[Math.abs(hash) % USER_COLORS.length]
}

/**
 * Returns the colour if it is a `#rrggbb` string, else the fallback.
 * Awareness states come from other clients, so they are checked before use in styles.
 * @param {unknown} value
 * @param {string} fallback
 */
export function safeHexColor (value, fallback = '#475569') {
  return typeof value === 'string' && /^#[0-9a-f]{6}$/i.test(value) ? value : fallback
}

