/** A person's own choice to hide other people's cursors and selections, to focus (kept in this browser). */

import { readSetting, writeSetting } from '../settings.js'

/** Where this browser keeps the choice. */
const HIDE_OTHERS_KEY = 'coworking.board.hideOthers'

export class HideOthers {
  /**
   * @param {HTMLElement} button a toggle button (aria-pressed: hidden)
   * @param {HTMLElement} surface the board element, which gets `hides-others` while they are hidden
   */
  constructor (button, surface) {
    this.button = button
    this.surface = surface
    this.set(readSetting(HIDE_OTHERS_KEY) === 'on')
    button.addEventListener('click', () => {
      this.set(!this.hidden)
      writeSetting(HIDE_OTHERS_KEY, this.hidden ? 'on' : 'off')
    })
  }

  /** @param {boolean} hidden */
  set (hidden) {
    this.hidden = hidden
    this.button.setAttribute('aria-pressed', String(hidden))
    this.surface.classList.toggle('hides-others', hidden)
  }
}
