/**
 * The facilitator's Invite people panel, in place: it lists the room's open invites
 * (`GET /r/<slug>/invites.json`), creates one from its form, shows the new link with a Copy
 * button, and revokes one once confirmed, all without leaving the page. The server decides;
 * its refusals are shown in the panel.
 */

import { RefusedError, requestJson } from './api.js'
import { formJson, markInvalid } from './json-form.js'
import { messages, t, tn } from './i18n.js'
import { rowButton } from './row-button.js'

/**
 * @typedef {object} Invite
 * @property {number} id
 * @property {string} roleLabel
 * @property {number} uses
 * @property {number | null} maxUses
 * @property {string} expiresAt ISO time
 * @property {string} url the link to share
 * @property {string} revokeUrl
 */

/** The most invites the panel lists. */
const MAX_INVITES = 500

/** @param {unknown} value @returns {value is number} */
const count = (value) => Number.isInteger(value) && /** @type {number} */ (value) >= 0

/**
 * The invites an `invites.json` answer (or one invite of a create answer) lists, each
 * checked; anything else is left out.
 * @param {unknown} data
 * @returns {Invite[]}
 */
export function readInvites (data) {
  const entries = Array.isArray(data) ? data.slice(0, MAX_INVITES) : [data]
  /** @type {Invite[]} */
  const found = []
  for (const entry of entries) {
    const { id, roleLabel, uses, maxUses, expiresAt, url, revokeUrl } = entry && typeof entry === 'object' ? entry : {}
    if (!count(id) || !count(uses) || !(maxUses === null || count(maxUses))) continue
    if (![roleLabel, expiresAt, url, revokeUrl].every((text) => typeof text === 'string')) continue
    if (!/^https?:\/\//.test(url) || !revokeUrl.startsWith('/')) continue
    found.push({ id, roleLabel, uses, maxUses, expiresAt, url, revokeUrl })
  }
  return found
}

/**
 * How an invite is described in the list: its role, how many joined, until when.
 * @param {Invite} invite
 * @returns {string}
 */
export function describeInvite (invite) {
  const page = messages()
  const until = page.dateTime(new Date(invite.expiresAt), { dateStyle: 'medium', timeStyle: 'short' })
  const uses = page.number(invite.uses)
  return invite.maxUses === null
    // Translators: an open invite: the role it gives, how many people joined through it, and until when it works
    ? t('{role}: {uses} joined, until {until}', { role: invite.roleLabel, uses, until })
    // Translators: an open invite: the role it gives, how many of the most it admits joined, and until when it works
    : t('{role}: {uses} of {most} joined, until {until}', { role: invite.roleLabel, uses, most: page.number(invite.maxUses), until })
}

/**
 * Puts `text` on the clipboard; where the page may not, selects it in `input` for the person
 * to copy themselves.
 * @param {string} text
 * @param {HTMLInputElement} input showing `text`
 * @returns {Promise<boolean>} whether it was copied
 */
export async function copyText (text, input) {
  try {
    await navigator.clipboard.writeText(text)
    return true
  } catch {
    input.focus()
    input.select()
    return false
  }
}

export class InvitePanel {
  /** @param {HTMLElement} root the `invite-panel` element */
  constructor (root) {
    this.root = root
    this.url = root.dataset.invitesUrl ?? ''
    /** @param {string} id */
    this.part = (id) => /** @type {HTMLElement} */ (root.querySelector(`[data-testid="${id}"]`))
    this.form = /** @type {HTMLFormElement} */ (this.part('invite-create'))
    this.list = this.part('invite-list')
    this.newUrl = /** @type {HTMLInputElement} */ (this.part('invite-new-url'))
    /** @type {Invite[]} */
    this.invites = []
    this.busy = false
    this.form.addEventListener('submit', (event) => {
      event.preventDefault()
      this.create()
    })
    this.part('invite-copy').addEventListener('click', () => this.copy(this.newUrl))
    this.list.addEventListener('click', (event) => {
      const button = event.target instanceof Element ? event.target.closest('button') : null
      if (button?.dataset.copy) this.copy(/** @type {HTMLInputElement} */ (button.parentElement?.querySelector('input')))
      if (button?.dataset.revoke) this.revoke(Number(button.dataset.revoke))
    })
    // The counts of people who joined change while the panel is closed.
    root.addEventListener('toggle', () => { if (root instanceof HTMLDetailsElement && root.open) this.refresh() })
    this.refresh()
  }

  /** Loads the open invites afresh. */
  async refresh () {
    try {
      this.invites = readInvites(await requestJson(this.url, null))
      this.render()
    } catch (error) {
      this.showError(t('The open invites could not be loaded. {reason}', { reason: /** @type {Error} */ (error).message }))
    }
  }

  async create () {
    if (this.busy) return
    this.busy = true
    this.showError('')
    try {
      const [invite] = readInvites(await requestJson(this.form.action, formJson(this.form)))
      markInvalid(this.form, {})
      if (invite) {
        this.newUrl.value = invite.url
        this.part('invite-new').hidden = false
        this.invites = [invite, ...this.invites.filter((known) => known.id !== invite.id)]
        this.render()
        this.announce(t('Invite link created: copy it and share it with the people you invite.'))
        this.part('invite-copy').focus()
      }
    } catch (error) {
      if (error instanceof RefusedError) markInvalid(this.form, error.fields)
      this.showError(/** @type {Error} */ (error).message)
    } finally {
      this.busy = false
    }
  }

  /** @param {HTMLInputElement} input the link to copy */
  async copy (input) {
    const copied = await copyText(input.value, input)
    // Translators: said once an invite link is on the clipboard
    this.announce(copied ? t('Copied') : t('The link is selected: press Ctrl+C (⌘C on a Mac) to copy it.'))
  }

  /** @param {number} id the invite to revoke, once the facilitator confirms */
  async revoke (id) {
    const invite = this.invites.find((known) => known.id === id)
    if (!invite || this.busy) return
    if (!window.confirm(t('Revoke this invite? Its link stops working, and the people who joined through it leave the room.'))) return
    this.busy = true
    this.showError('')
    try {
      const { removed } = await requestJson(invite.revokeUrl, {})
      this.invites = this.invites.filter((known) => known.id !== id)
      if (this.newUrl.value === invite.url) this.part('invite-new').hidden = true
      this.render()
      const left = count(removed) ? removed : 0
      this.announce(tn(
        'Invite revoked; {count} person who joined through it left the room.',
        'Invite revoked; {count} people who joined through it left the room.',
        left
      ))
      this.root.querySelector('h2')?.focus()
    } catch (error) {
      this.showError(/** @type {Error} */ (error).message)
    } finally {
      this.busy = false
    }
  }

  render () {
    this.list.replaceChildren(...this.invites.map((invite) => this.renderInvite(invite)))
    this.part('invite-none').hidden = this.invites.length > 0
  }

  /** @param {Invite} invite @returns {HTMLLIElement} */
  renderInvite (invite) {
    const item = document.createElement('li')
    item.className = 'invite-item'
    item.dataset.testid = 'invite-item'
    item.dataset.inviteId = String(invite.id)
    const about = document.createElement('span')
    about.textContent = describeInvite(invite)
    const link = document.createElement('input')
    link.type = 'text'
    link.readOnly = true
    link.value = invite.url
    link.setAttribute('aria-label', t('{role} invite link', { role: invite.roleLabel }))
    // Translators: a button that copies an invite link
    const copy = rowButton('invite', 'copy', String(invite.id), t('Copy'), t('Copy the {role} invite link', { role: invite.roleLabel }))
    copy.dataset.testid = 'invite-item-copy'
    // Translators: a button that revokes an invite link, so that it stops working
    const revoke = rowButton('invite', 'revoke', String(invite.id), t('Revoke'), t('Revoke the {role} invite link', { role: invite.roleLabel }))
    revoke.classList.add('button-danger')
    const controls = document.createElement('span')
    controls.className = 'invite-controls'
    controls.append(link, copy, revoke)
    item.append(about, controls)
    return item
  }

  /** @param {string} message said by screen readers (a polite live region) */
  announce (message) {
    this.part('invite-announce').textContent = message
  }

  /** @param {string} message empty hides the error */
  showError (message) {
    const line = this.part('invite-error')
    line.textContent = message
    line.hidden = !message
  }
}
