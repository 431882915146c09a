/** Room configuration rendered by the server into the page. */

/**
 * @typedef {object} RoomConfig
 * @property {string} slug
 * @property {string} title
 * @property {'lab'|'coworking'} kind
 * @property {'facilitator'|'participant'|'observer'} role
 * @property {boolean} canEdit
 * @property {{id: string, name: string}} user
 * @property {string} wsPath
 */

/**
 * Reads the JSON config that the room template embeds with `json_script`.
 * @param {string} [elementId]
 * @returns {RoomConfig}
 */
export function readConfig (elementId = 'room-config') {
  const element = document.getElementById(elementId)
  if (!element) throw new Error(`missing #${elementId} element`)
  return JSON.parse(element.textContent)
}

/**
 * The websocket server URL for this page's host; the session cookie authenticates.
 * @param {RoomConfig} config
 * @returns {string}
 */
export function websocketUrl (config) {
  const scheme = location.protocol === 'https:' ? 'wss://' : 'ws://'
  return scheme + location.host + config.wsPath
}
