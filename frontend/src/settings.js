/** Choices a person makes for themselves, kept in this browser (localStorage, where allowed). */

/** @param {string} key @returns {string | null} */
export function readSetting (key) {
  try {
    return window.localStorage.getItem(key)
  } catch {
    return null
  }
}

/** @param {string} key @param {string} value */
export function writeSetting (key, value) {
  try {
    window.localStorage.setItem(key, value)
  } catch {}
}
