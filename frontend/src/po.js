/**
 * Reads gettext catalogs (.po files) into the JSON the page carries (`i18n.js`): each
 * translated message by its English msgid, plural forms as a list. Fuzzy, untranslated and
 * obsolete entries are left out, so the page shows the English sentence for them.
 */

/**
 * @typedef {object} Entry
 * @property {string} msgid
 * @property {string} [plural] msgid_plural
 * @property {string[]} msgstr one translation, or the plural forms in order
 * @property {boolean} fuzzy
 */

/**
 * The text of a quoted .po string, its escapes read.
 * @param {string} quoted
 * @param {number} line for the error message
 * @returns {string}
 */
function unquote (quoted, line) {
  if (!/^"(?:[^"\\]|\\.)*"$/.test(quoted)) throw new Error(`line ${line}: not a quoted string: ${quoted}`)
  const escapes = /** @type {Record<string, string>} */ ({ n: '\n', t: '\t', r: '\r', '"': '"', '\\': '\\' })
  return quoted.slice(1, -1).replace(/\\(.)/g, (_whole, char) => {
    if (!Object.hasOwn(escapes, char)) throw new Error(`line ${line}: unknown escape \\${char}`)
    return escapes[char]
  })
}

/**
 * Every entry of a .po file, the header (msgid "") included.
 * @param {string} text
 * @returns {Entry[]}
 */
export function parsePo (text) {
  /** @type {Entry[]} */
  const entries = []
  /** @type {Entry | null} */
  let entry = null
  /** @type {{ set: (value: string) => void } | null} */
  let field = null
  let fuzzy = false
  const lines = text.split(/\r?\n/)
  const finish = () => {
    if (entry) entries.push(entry)
    entry = null
    field = null
  }
  lines.forEach((raw, index) => {
    const line = raw.trim()
    const number = index + 1
    if (!line) {
      finish()
      fuzzy = false
      return
    }
    if (line.startsWith('#~')) return // obsolete
    if (line.startsWith('#,')) {
      finish()
      fuzzy = line.slice(2).split(',').some((flag) => flag.trim() === 'fuzzy')
      return
    }
    if (line.startsWith('#')) return
    const match = /^(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+(".*")$/.exec(line)
    if (match) {
      const [, keyword, form, quoted] = match
      const value = unquote(quoted, number)
      if (keyword === 'msgctxt') throw new Error(`line ${number}: message contexts are not used here`)
      if (keyword === 'msgid') {
        finish()
        const current = /** @type {Entry} */ ({ msgid: value, msgstr: [], fuzzy })
        entry = current
        field = { set: (more) => { current.msgid += more } }
        return
      }
      if (!entry) throw new Error(`line ${number}: ${keyword} without a msgid`)
      const current = /** @type {Entry} */ (entry)
      if (keyword === 'msgid_plural') {
        current.plural = value
        field = { set: (more) => { current.plural += more } }
        return
      }
      const slot = form === undefined ? 0 : Number(form)
      if (slot !== current.msgstr.length) throw new Error(`line ${number}: msgstr[${slot}] out of order`)
      current.msgstr.push(value)
      field = { set: (more) => { current.msgstr[slot] += more } }
      return
    }
    if (line.startsWith('"') && field) {
      field.set(unquote(line, number))
      return
    }
    throw new Error(`line ${number}: cannot read ${JSON.stringify(line.slice(0, 40))}`)
  })
  finish()
  return entries
}

/**
 * The page's messages from a catalog: translated, not fuzzy, not the header.
 * @param {Entry[]} entries
 * @returns {Record<string, string | string[]>}
 */
export function catalogMessages (entries) {
  /** @type {Record<string, string | string[]>} */
  const messages = {}
  for (const entry of entries) {
    if (!entry.msgid || entry.fuzzy || !entry.msgstr.length || entry.msgstr.some((form) => !form)) continue
    messages[entry.msgid] = entry.plural === undefined ? entry.msgstr[0] : entry.msgstr
  }
  return messages
}
