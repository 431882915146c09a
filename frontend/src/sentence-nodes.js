/**
 * A translated sentence laid out as elements: its `{placeholders}` become the nodes given for
 * them and the words between are wrapped (a visually hidden span, a styled "(you)"), so a
 * sentence whose parts look different stays one message for its translators.
 */

/**
 * @param {string} sentence translated, its placeholders not filled (`t('{name} (you)')`)
 * @param {Record<string, Node | string | Array<Node | string>>} slots the nodes of each placeholder
 * @param {(words: string) => Node} wrap makes the element of the words between placeholders
 * @returns {Array<Node | string>} to `append`; spaces at the edges of the words stay plain text
 */
export function sentenceNodes (sentence, slots, wrap) {
  /** @type {Array<Node | string>} */
  const nodes = []
  for (const [index, piece] of sentence.split(/\{(\w+)\}/).entries()) {
    if (index % 2 === 1) {
      const slot = Object.hasOwn(slots, piece) ? slots[piece] : `{${piece}}`
      nodes.push(...(Array.isArray(slot) ? slot : [slot]))
      continue
    }
    const [, before, words, after] = /^(\s*)([\s\S]*?)(\s*)$/.exec(piece) ?? ['', '', piece, '']
    if (before) nodes.push(before)
    if (words) nodes.push(wrap(words))
    if (after) nodes.push(after)
  }
  return nodes
}
