/** Server-rendered forms sent as JSON, with the server's refusals shown on their fields. */

/**
 * The values of a form as JSON: a checkbox without a value of its own (Django's
 * `CheckboxInput`) is true or false, checkboxes with values (`CheckboxSelectMultiple`) are the
 * list of those checked, any other field is its text. The CSRF token stays out.
 * @param {HTMLFormElement} form
 * @returns {Record<string, string | boolean | string[]>}
 */
export function formJson (form) {
  /** @type {Record<string, string | boolean | string[]>} */
  const body = {}
  for (const element of form.elements) {
    if (!(element instanceof HTMLInputElement || element instanceof HTMLSelectElement || element instanceof HTMLTextAreaElement)) continue
    const name = element.name
    if (!name || name === 'csrfmiddlewaretoken') continue
    if (element instanceof HTMLInputElement && element.type === 'checkbox') {
      if (!element.hasAttribute('value')) {
        body[name] = element.checked
        continue
      }
      const chosen = Array.isArray(body[name]) ? /** @type {string[]} */ (body[name]) : []
      if (element.checked) chosen.push(element.value)
      body[name] = chosen
    } else {
      body[name] = element.value
    }
  }
  return body
}

/**
 * Marks the fields a refusal names as invalid (and no others).
 * @param {HTMLFormElement} form
 * @param {Record<string, unknown>} fields field name -> its problems
 */
export function markInvalid (form, fields) {
  for (const element of form.elements) {
    if (!(element instanceof HTMLInputElement || element instanceof HTMLSelectElement || element instanceof HTMLTextAreaElement)) continue
    if (element.name in fields) element.setAttribute('aria-invalid', 'true')
    else element.removeAttribute('aria-invalid')
  }
}

/**
 * Makes the form's values as they are now the ones `reset()` returns to (after a save).
 * @param {HTMLFormElement} form
 */
export function keepValues (form) {
  for (const element of form.elements) {
    if (element instanceof HTMLInputElement) {
      element.defaultValue = element.value
      element.defaultChecked = element.checked
    } else if (element instanceof HTMLTextAreaElement) {
      element.defaultValue = element.value
    } else if (element instanceof HTMLSelectElement) {
      for (const option of element.options) option.defaultSelected = option.selected
    }
  }
}
