/** A small button on a row of a managed list (the invites, the room's members). */

/**
 * @param {string} list the list's test id prefix (`invite`, `person`)
 * @param {string} action what the button does: `data-<action>` names the row's thing
 * @param {string} id the row's thing (an invite's id, a person's identity id)
 * @param {string} text
 * @param {string} label its accessible name
 * @returns {HTMLButtonElement} with `data-focus-key`, to find it again after a redraw
 */
export function rowButton (list, action, id, text, label) {
  const button = document.createElement('button')
  button.type = 'button'
  button.className = 'button button-small'
  button.dataset.testid = `${list}-${action}`
  button.dataset[action] = id
  button.dataset.focusKey = `${action} ${id}`
  button.textContent = text
  button.setAttribute('aria-label', label)
  return button
}
