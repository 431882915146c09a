/**
 * The profile card every presence list shows for a person on hover or keyboard focus: from
 * `GET /people/card/<id>.json` (cached per id; a 404 means the profile is not visible to
 * you, and the card shows just the name), with a link to their profile page. The card
 * follows its trigger in the page, so Tab reaches its link; Escape closes it.
 */

import { messages, t } from './i18n.js'
import { shownName } from './names.js'

/**
 * @typedef {object} ProfileCard
 * @property {string} name
 * @property {string} [username]
 * @property {string | null} [avatar]
 * @property {string[]} [disciplines]
 * @property {string[]} [languages]
 * @property {string} [place]
 * @property {string} [bio]
 * @property {string} [url]
 */

/** How long the pointer may be off the trigger and the card before it closes. */
const CLOSE_DELAY_MS = 200
/** The most cards a page keeps fetched; the oldest goes first. */
export const MAX_CARDS = 300

/**
 * Items (disciplines, languages) in a short list as the language writes one ("A, B, C").
 * @param {string[]} items
 * @returns {string}
 */
export const shortList = (items) => new Intl.ListFormat(messages().lang, { type: 'conjunction', style: 'narrow' }).format(items)

/** @param {string} url @returns {boolean} whether it is a path on this site */
const local = (url) => url.startsWith('/') && !url.startsWith('//')

/** @param {unknown} value @returns {string[]} */
const strings = (value) => (Array.isArray(value) ? value.filter((item) => typeof item === 'string') : [])

/**
 * A person's card as the server answers it, each value checked; just the name when
 * there is no readable answer.
 * @param {any} data
 * @param {string} name
 * @returns {ProfileCard}
 */
export function readCard (data, name) {
  if (!data || typeof data !== 'object') return { name: shownName(name) }
  /** @param {string} key */
  const text = (key) => (typeof data[key] === 'string' ? data[key] : '')
  const url = text('url') || (text('username') ? `/people/${encodeURIComponent(text('username'))}/` : '')
  const avatar = text('avatar')
  return {
    name: shownName(text('name') || name),
    username: text('username'),
    avatar: local(avatar) ? avatar : null,
    disciplines: strings(data.disciplines),
    languages: strings(data.languages),
    place: text('place'),
    bio: text('bio'),
    url: local(url) ? url : ''
  }
}

let cardCount = 0

export class ProfileCards {
  /** @param {(url: string) => Promise<Response>} [load] fetches a URL (the page's `fetch`) */
  constructor (load = (url) => window.fetch(url, { credentials: 'same-origin', headers: { Accept: 'application/json' } })) {
    this.load = load
    /** @type {Map<string, Promise<any>>} */
    this.cache = new Map()
  }

  /**
   * The card data of a person, fetched once.
   * @param {string} id an identity id (`u12`)
   * @returns {Promise<any>} the JSON answer, or null when there is none to show
   */
  fetch (id) {
    let answer = this.cache.get(id)
    if (!answer) {
      answer = this.load(`/people/card/${encodeURIComponent(id)}.json`)
        .then((response) => (response.ok ? response.json() : null))
        .catch(() => null)
      this.cache.set(id, answer)
      if (this.cache.size > MAX_CARDS) this.cache.delete(this.cache.keys().next().value ?? id)
    }
    return answer
  }

  /**
   * Shows `id`'s card while `trigger` (a focusable element) is hovered or focused.
   * @param {HTMLElement} trigger
   * @param {string} id
   * @param {string} name their display name, shown when the profile is not
   */
  attach (trigger, id, name) {
    /** @type {HTMLElement | null} */
    let card = null
    let closing = 0
    const close = () => {
      window.clearTimeout(closing)
      if (!card) return
      card.remove()
      card = null
      trigger.removeAttribute('aria-describedby')
      trigger.setAttribute('aria-expanded', 'false')
    }
    const later = () => {
      window.clearTimeout(closing)
      closing = window.setTimeout(close, CLOSE_DELAY_MS)
    }
    const open = async () => {
      window.clearTimeout(closing)
      if (card) return
      const shown = document.createElement('div')
      card = shown
      shown.id = `profile-card-${++cardCount}`
      shown.className = 'profile-card'
      shown.dataset.testid = 'profile-card'
      shown.setAttribute('role', 'group')
      // Translators: the accessible name of a person's profile card
      shown.setAttribute('aria-label', t('{name}: profile', { name }))
      shown.addEventListener('pointerenter', () => window.clearTimeout(closing))
      shown.addEventListener('pointerleave', later)
      shown.addEventListener('focusout', (event) => {
        if (!(event.relatedTarget instanceof Node) || !(shown.contains(event.relatedTarget) || event.relatedTarget === trigger)) later()
      })
      shown.addEventListener('keydown', (event) => {
        if (event.key !== 'Escape') return
        close()
        trigger.focus()
      })
      trigger.after(shown)
      trigger.setAttribute('aria-describedby', shown.id)
      trigger.setAttribute('aria-expanded', 'true')
      const data = readCard(await this.fetch(id), name)
      if (card === shown) fillCard(shown, data)
    }
    trigger.setAttribute('aria-expanded', 'false')
    trigger.addEventListener('pointerenter', open)
    trigger.addEventListener('focus', open)
    trigger.addEventListener('pointerleave', later)
    trigger.addEventListener('blur', (event) => {
      if (!(event.relatedTarget instanceof Node && card?.contains(event.relatedTarget))) later()
    })
    trigger.addEventListener('keydown', (event) => {
      if (event.key === 'Escape' && card) {
        event.stopPropagation()
        close()
      }
    })
  }
}

/**
 * @param {HTMLElement} element
 * @param {ProfileCard} card
 */
function fillCard (element, card) {
  const parts = []
  const head = document.createElement('p')
  head.className = 'profile-card-name'
  if (card.avatar) {
    const image = document.createElement('img')
    image.className = 'profile-card-avatar'
    image.src = card.avatar
    image.alt = ''
    head.append(image)
  }
  head.append(card.name)
  parts.push(head)
  /** @param {string} text @param {string} className */
  const line = (text, className) => {
    if (!text) return
    const paragraph = document.createElement('p')
    paragraph.className = className
    paragraph.textContent = text
    parts.push(paragraph)
  }
  line(card.disciplines?.length ? shortList(card.disciplines) : '', 'profile-card-disciplines')
  line(card.place ?? '', 'profile-card-place')
  // Translators: {languages} is a list of the languages a person speaks ("English, Portuguese")
  line(card.languages?.length ? t('Speaks {languages}', { languages: shortList(card.languages) }) : '', 'profile-card-languages')
  line(card.bio ?? '', 'profile-card-bio')
  if (card.url) {
    const link = document.createElement('a')
    link.href = card.url
    link.className = 'profile-card-link'
    link.dataset.testid = 'profile-card-link'
    link.textContent = t("{name}'s profile", { name: card.name })
    parts.push(link)
  }
  element.replaceChildren(...parts)
}
