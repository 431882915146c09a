/**
 * The room's settings in the room: a facilitator's dialog sends its form as JSON to
 * `POST /r/<slug>/settings.json` and stays on the page; once saved, the page shows the new
 * title. Others in the room see it when they next load the page.
 */

import { RefusedError, requestJson } from './api.js'
import { formJson, keepValues, markInvalid } from './json-form.js'
import { t } from './i18n.js'

/**
 * The page's title with the room's old title (where it starts with it) made the new one.
 * @param {string} pageTitle
 * @param {string} before
 * @param {string} after
 * @returns {string}
 */
export function retitle (pageTitle, before, after) {
  return before && pageTitle.startsWith(before) ? after + pageTitle.slice(before.length) : pageTitle
}

export class RoomSettings {
  /**
   * @param {HTMLDialogElement} dialog the `room-settings-dialog` element
   * @param {Document} doc the page: its `.room-title` headings and title follow the room's
   */
  constructor (dialog, doc) {
    this.dialog = dialog
    this.doc = doc
    this.url = dialog.dataset.settingsUrl ?? ''
    /** @param {string} id */
    this.part = (id) => /** @type {HTMLElement} */ (doc.querySelector(`[data-testid="${id}"]`))
    this.form = /** @type {HTMLFormElement} */ (this.part('room-settings-form'))
    this.title = this.form.elements.namedItem('title') instanceof HTMLInputElement
      ? /** @type {HTMLInputElement} */ (this.form.elements.namedItem('title')).value
      : ''
    this.busy = false
    this.part('room-settings-open').addEventListener('click', () => dialog.showModal())
    this.part('room-settings-cancel').addEventListener('click', () => dialog.close())
    dialog.addEventListener('close', () => {
      this.form.reset()
      markInvalid(this.form, {})
      this.showError('')
    })
    this.form.addEventListener('submit', (event) => {
      event.preventDefault()
      this.save()
    })
  }

  async save () {
    if (this.busy) return
    this.busy = true
    this.showError('')
    try {
      const saved = await requestJson(this.url, formJson(this.form))
      if (typeof saved?.title === 'string') this.showTitle(saved.title)
      keepValues(this.form)
      this.dialog.close()
      this.part('room-settings-announce').textContent = t("The room's settings are saved.")
    } catch (error) {
      if (error instanceof RefusedError) markInvalid(this.form, error.fields)
      this.showError(/** @type {Error} */ (error).message)
    } finally {
      this.busy = false
    }
  }

  /** @param {string} title the room's title now */
  showTitle (title) {
    for (const heading of this.doc.querySelectorAll('.room-title')) heading.textContent = title
    this.doc.title = retitle(this.doc.title, this.title, title)
    this.title = title
  }

  /** @param {string} message empty hides the error */
  showError (message) {
    const line = this.part('room-settings-error')
    line.textContent = message
    line.hidden = !message
  }
}
