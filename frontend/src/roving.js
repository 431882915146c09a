/**
 * The WAI-ARIA toolbar pattern: a toolbar is one Tab stop (roving tabindex: only its current
 * button has tabindex 0), arrow keys move between its buttons, Home and End to the ends.
 */

/**
 * Where a key moves the focus among `count` items from `index`, or -1 if the key does not
 * move it. The arrows wrap around; a vertical toolbar uses Up and Down, a horizontal one Left
 * and Right (mirrored when the page reads right to left).
 * @param {string} key
 * @param {number} index the focused item's, -1 for none
 * @param {number} count
 * @param {{vertical?: boolean, rtl?: boolean}} [options]
 * @returns {number}
 */
export function rovingIndex (key, index, count, { vertical = false, rtl = false } = {}) {
  if (count === 0) return -1
  if (key === 'Home') return 0
  if (key === 'End') return count - 1
  const forward = vertical ? 'ArrowDown' : rtl ? 'ArrowLeft' : 'ArrowRight'
  const back = vertical ? 'ArrowUp' : rtl ? 'ArrowRight' : 'ArrowLeft'
  if (key !== forward && key !== back) return -1
  if (index < 0) return key === forward ? 0 : count - 1
  return (index + (key === forward ? 1 : -1) + count) % count
}

/** A toolbar's buttons that can take the focus now: enabled and shown. */
const usable = (/** @type {HTMLElement} */ bar) =>
  /** @type {HTMLButtonElement[]} */ ([...bar.querySelectorAll('button')]).filter((b) => !b.disabled && b.getClientRects().length > 0)

/**
 * Makes `bar` one Tab stop whose arrow keys move the focus between its buttons. The button
 * last focused keeps the Tab stop; when it is disabled or hidden the first usable one takes it.
 * @param {HTMLElement} bar
 */
export function rovingToolbar (bar) {
  /** @type {HTMLButtonElement | null} */
  let current = null
  const refresh = () => {
    const items = usable(bar)
    if (!current || !items.includes(current)) current = items[0] ?? null
    for (const button of bar.querySelectorAll('button')) button.tabIndex = button === current ? 0 : -1
  }
  bar.addEventListener('focusin', (e) => {
    if (!(e.target instanceof HTMLButtonElement) || !bar.contains(e.target)) return
    current = e.target
    refresh()
  })
  bar.addEventListener('keydown', (e) => {
    const items = usable(bar)
    const index = items.indexOf(/** @type {HTMLButtonElement} */ (document.activeElement))
    if (index < 0) return
    const rtl = getComputedStyle(bar).direction === 'rtl'
    const next = rovingIndex(e.key, index, items.length, { vertical: bar.getAttribute('aria-orientation') === 'vertical', rtl })
    if (next < 0) return
    e.preventDefault()
    e.stopPropagation()
    items[next].focus()
  })
  // Buttons come and go (colour swatches, style groups, buttons that need a selection).
  new MutationObserver(refresh).observe(bar, { subtree: true, childList: true, attributes: true, attributeFilter: ['disabled', 'hidden'] })
  new ResizeObserver(refresh).observe(bar)
  refresh()
}
