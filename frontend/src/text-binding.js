/** Two-way binding between a textarea and a Y.Text that keeps the caret in place. */

/**
 * The smallest single edit that turns `before` into `after`, never splitting a surrogate pair.
 * @param {string} before
 * @param {string} after
 * @returns {{index: number, remove: number, insert: string}}
 */
export function diffStrings (before, after) {
  const max = Math.min(before.length, after.length)
  let prefix = 0
  while (prefix < max && before.charCodeAt(prefix) === after.charCodeAt(prefix)) prefix++
  if (prefix > 0 && isHighSurrogate(before.charCodeAt(prefix - 1))) prefix--
  let suffix = 0
  while (
    suffix < max - prefix &&
    before.charCodeAt(before.length - 1 - suffix) === after.charCodeAt(after.length - 1 - suffix)
  ) suffix++
  if (suffix > 0 && isLowSurrogate(before.charCodeAt(before.length - suffix))) suffix--
  return {
    index: prefix,
    remove: before.length - prefix - suffix,
    insert: after.slice(prefix, after.length - suffix)
  }
}

/** @param {number} code */
const isHighSurrogate = (code) => code >= 0xd800 && code <= 0xdbff
/** @param {number} code */
const isLowSurrogate = (code) => code >= 0xdc00 && code <= 0xdfff

/**
 * Moves a caret position through a Y.Text delta made by someone else.
 * @param {number} position
 * @param {Array<{retain?: number, insert?: string | object, delete?: number}>} delta
 */
function transformPosition (position, delta) {
  let index = 0
  for (const op of delta) {
    if (index > position) break
    if (op.retain) {
      index += op.retain
    } else if (op.insert !== undefined) {
      const length = typeof op.insert === 'string' ? op.insert.length : 1
      position += length
      index += length
    } else if (op.delete) {
      position = Math.max(index, position - op.delete)
    }
  }
  return position
}

/**
 * Keeps `textarea.value` and `ytext` equal. Local typing becomes a minimal Y.Text edit;
 * remote edits update the textarea and shift the caret and selection accordingly.
 * @param {HTMLTextAreaElement} textarea
 * @param {import('yjs').Text} ytext
 * @returns {() => void} unbinds
 */
export function bindTextarea (textarea, ytext) {
  const origin = Symbol('textarea')
  textarea.value = ytext.toString()

  const onInput = () => {
    const { index, remove, insert } = diffStrings(ytext.toString(), textarea.value)
    if (remove === 0 && insert === '') return
    ytext.doc.transact(() => {
      if (remove > 0) ytext.delete(index, remove)
      if (insert) ytext.insert(index, insert)
    }, origin)
  }

  /** @param {import('yjs').YTextEvent} event */
  const onChange = (event, transaction) => {
    if (transaction.origin === origin) return
    const focused = document.activeElement === textarea
    const { selectionStart, selectionEnd, selectionDirection } = textarea
    textarea.value = ytext.toString()
    if (focused) {
      const delta = event.delta
      textarea.setSelectionRange(
        transformPosition(selectionStart, delta),
        transformPosition(selectionEnd, delta),
        selectionDirection
      )
    }
  }

  textarea.addEventListener('input', onInput)
  ytext.observe(onChange)
  return () => {
    textarea.removeEventListener('input', onInput)
    ytext.unobserve(onChange)
  }
}
