/** Binds a textarea or input to a Y.Text: local typing becomes minimal edits, remote edits keep the caret. */

/**
 * The smallest single replacement that turns `before` into `after`.
 * Never splits a UTF-16 surrogate pair.
 * @param {string} before
 * @param {string} after
 * @returns {{index: number, remove: number, insert: string}}
 */
export function diffStrings (before, after) {
  let prefix = 0
  const maxPrefix = Math.min(before.length, after.length)
  while (prefix < maxPrefix && before.charCodeAt(prefix) === after.charCodeAt(prefix)) prefix++
  if (prefix > 0 && isHighSurrogate(before.charCodeAt(prefix - 1))) prefix--
  let suffix = 0
  const maxSuffix = Math.min(before.length, after.length) - prefix
  while (
    suffix < maxSuffix &&
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
 * Keeps `field.value` and `ytext` equal. Local typing becomes a minimal Y.Text edit in a
 * transaction with `origin` (so the local undo manager tracks it); other changes (remote
 * edits, undo) update the field and shift the caret and selection accordingly.
 * @param {HTMLTextAreaElement | HTMLInputElement} field
 * @param {import('yjs').Text} ytext
 * @param {any} origin
 * @param {(value: string) => boolean} [accept] whether the typed value may be sent; a refused
 *   one is put back as it was
 * @returns {() => void} unbinds
 */
export function bindText (field, ytext, origin, accept = () => true) {
  field.value = ytext.toString()

  const onInput = () => {
    if (!accept(field.value)) {
      const caret = Math.max(0, (field.selectionStart ?? 0) - (field.value.length - ytext.length))
      field.value = ytext.toString()
      field.setSelectionRange(caret, caret)
      return
    }
    const { index, remove, insert } = diffStrings(ytext.toString(), field.value)
    if (remove === 0 && insert === '') return
    /** @type {import('yjs').Doc} */ (ytext.doc).transact(() => {
      if (remove > 0) ytext.delete(index, remove)
      if (insert) ytext.insert(index, insert)
    }, origin)
  }

  /** @param {import('yjs').YTextEvent} event */
  const onChange = (event) => {
    const value = ytext.toString()
    if (field.value === value) return
    const focused = document.activeElement === field
    const { selectionStart, selectionEnd, selectionDirection } = field
    field.value = value
    if (focused && selectionStart !== null && selectionEnd !== null) {
      const delta = /** @type {any} */ (event.delta)
      field.setSelectionRange(
        transformPosition(selectionStart, delta),
        transformPosition(selectionEnd, delta),
        selectionDirection ?? undefined
      )
    }
  }

  field.addEventListener('input', onInput)
  ytext.observe(onChange)
  return () => {
    field.removeEventListener('input', onInput)
    ytext.unobserve(onChange)
  }
}
