/**
 * Agendas as people type them, one phase a line: `<minutes> <title>` and tags for the tools
 * the phase sets up when it starts: `[lock]`, `[private]`, `[anonymous]` (what is written
 * privately is revealed without names), `[vote 3]` (a dot vote, 3 dots
 * each) and `[groups 4]` (4 breakout groups), and `[frame <title>]`, the frame of the board
 * the phase works in (everyone is taken there; private notes are revealed into it). Minutes
 * may be left out: 0, no timer.
 */

/** Tags of the on/off tools, and the room document's name for each. */
const SWITCH_TAGS = { lock: 'locked', private: 'private', anonymous: 'anonymous' }
/** Tags of the tools set up with a number: the tool, and what the number is. */
const COUNTED_TAGS = { vote: ['vote', 'budget'], groups: ['breakouts', 'count'] }

/**
 * @typedef {{id: string, title: string, minutes: number, tools: Record<string, any>, frame?: string}} Phase
 */

/** @param {string} title @returns {string | null} no frame is known by any title */
const noFrames = (title) => null

/**
 * The agenda a text describes, as the room document holds it. A `[frame <title>]` whose
 * frame is not found stays in the title.
 * @param {string} text
 * @param {(title: string) => string | null} [frameNamed] the id of the board's frame of a title
 * @returns {Phase[]}
 */
export function parseAgenda (text, frameNamed = noFrames) {
  const phases = []
  for (const line of text.split('\n')) {
    let rest = line.trim()
    if (!rest) continue
    /** @type {Record<string, any>} */
    const tools = {}
    /** @type {string | null} */
    let frame = null
    rest = rest.replace(/\[frame\s+([^\]]+)\]/gi, (tag, title) => {
      frame = frameNamed(title.trim())
      return frame ? '' : tag
    })
    rest = rest.replace(/\[(\w+)(?:\s+(\d{1,2}))?\]/g, (tag, name, number) => {
      const key = name.toLowerCase()
      if (Object.hasOwn(SWITCH_TAGS, key) && number === undefined) {
        tools[SWITCH_TAGS[/** @type {keyof typeof SWITCH_TAGS} */ (key)]] = true
        return ''
      }
      if (Object.hasOwn(COUNTED_TAGS, key) && number !== undefined) {
        const [tool, field] = COUNTED_TAGS[/** @type {keyof typeof COUNTED_TAGS} */ (key)]
        tools[tool] = { [field]: Number(number) }
        return ''
      }
      return tag
    }).trim()
    const minutes = /^(\d{1,3})\s+/.exec(rest)
    const title = (minutes ? rest.slice(minutes[0].length) : rest).replace(/\s+/g, ' ').trim()
    if (!title) continue
    /** @type {Phase} */
    const phase = { id: `p${phases.length + 1}`, title: title.slice(0, 120), minutes: minutes ? Number(minutes[1]) : 0, tools }
    if (frame) phase.frame = frame
    phases.push(phase)
  }
  return phases
}

/**
 * The text of an agenda (the inverse of `parseAgenda`).
 * @param {unknown} agenda
 * @param {(id: string) => string | null} [frameTitle] the title of the board's frame of an id
 * @returns {string}
 */
export function agendaText (agenda, frameTitle = noFrames) {
  if (!Array.isArray(agenda)) return ''
  return agenda.map((phase) => {
    const tools = phase?.tools ?? {}
    const tags = Object.entries(SWITCH_TAGS).filter(([, tool]) => tools[tool] === true).map(([tag]) => ` [${tag}]`)
    for (const [tag, [tool, field]] of Object.entries(COUNTED_TAGS)) {
      if (tools[tool] && Number.isInteger(tools[tool][field])) tags.push(` [${tag} ${tools[tool][field]}]`)
    }
    const frame = typeof phase?.frame === 'string' ? frameTitle(phase.frame) : null
    if (frame) tags.push(` [frame ${frame}]`)
    return `${phase?.minutes ? `${phase.minutes} ` : ''}${phase?.title ?? ''}${tags.join('')}`
  }).join('\n')
}
