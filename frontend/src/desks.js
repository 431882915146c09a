/**
 * The desks of a co-working room: everyone present (the room socket's presence) joined
 * with what the room document says of them (`people`: status, goal, since, done) and their
 * desk details from `/r/<slug>/desks.json` (card and time focused today).
 */

import { spokenDuration } from './lab-news.js'
import { messages, t, tn } from './i18n.js'
import { shownName } from './names.js'
import { sentenceNodes } from './sentence-nodes.js'
import { shortList } from './profile-card.js'

/** How each status shows: an icon beside its words (in the page's language), never colour alone. */
export const STATUS_LABELS = {
  focus: {
    icon: '🎧',
    // Translators: a person's status at their co-working desk
    get text () { return t('Focusing') }
  },
  break: {
    icon: '☕',
    // Translators: a person's status at their co-working desk
    get text () { return t('On a break') }
  },
  available: {
    icon: '👋',
    // Translators: a person's status at their co-working desk
    get text () { return t('Available') }
  },
  away: {
    icon: '🌙',
    // Translators: a person's status at their co-working desk
    get text () { return t('Away') }
  }
}

/**
 * @typedef {object} Person
 * @property {'focus' | 'break' | 'available' | 'away' | null} status null: not sat down yet
 * @property {string} goal
 * @property {number | null} since
 * @property {boolean | null} done
 */

/**
 * One person's entry of the room document's `people`, each value checked.
 * @param {any} entry
 * @returns {Person | null}
 */
export function readPerson (entry) {
  if (!entry || typeof entry !== 'object') return null
  const status = Object.hasOwn(STATUS_LABELS, entry.status) ? entry.status : null
  return {
    status,
    goal: typeof entry.goal === 'string' ? entry.goal.slice(0, 280) : '',
    since: typeof entry.since === 'number' && Number.isFinite(entry.since) ? entry.since : null,
    done: typeof entry.done === 'boolean' ? entry.done : null
  }
}

/**
 * The time someone has focused today: what the server logged, and the focus block they are
 * in now (since their status became focus).
 * @param {number} loggedMs
 * @param {Person | null} person
 * @param {number} serverNow
 * @returns {number}
 */
export function focusedToday (loggedMs, person, serverNow) {
  const live = person?.status === 'focus' && person.since !== null ? Math.max(0, serverNow - person.since) : 0
  return loggedMs + live
}

/** @param {number} ms @returns {string} "1 h 5 min", "25 min", "0 min" */
export function shortDuration (ms) {
  const minutes = Math.floor(ms / 60_000)
  const hours = Math.floor(minutes / 60)
  const page = messages()
  return hours
    // Translators: a time spent, hours and minutes abbreviated ("1 h 5 min")
    ? t('{hours} h {minutes} min', { hours: page.number(hours), minutes: page.number(minutes % 60) })
    // Translators: a time spent in minutes, abbreviated ("25 min")
    : tn('{count} min', '{count} min', minutes)
}

/**
 * The people present on a socket, by identity id, with the name the server stamped.
 * @param {Map<number, any>} states the awareness states
 * @returns {Map<string, string>} id -> name
 */
export function presentPeople (states) {
  const present = new Map()
  for (const state of states.values()) {
    const user = state?.user
    if (user && typeof user.id === 'string' && !present.has(user.id)) {
      present.set(user.id, typeof user.name === 'string' && user.name ? shownName(user.name) : t('Someone'))
    }
  }
  return present
}

/**
 * @typedef {object} DeskDetails
 * @property {string} [name]
 * @property {string | null} [avatar]
 * @property {string[]} [disciplines]
 * @property {string} [place]
 * @property {number} [focusedTodayMs]
 */

/** @param {string} name @returns {string} one or two initials */
const initials = (name) => name.split(/\s+/).filter((word) => /^\p{L}/u.test(word)).slice(0, 2).map((word) => Array.from(word)[0].toUpperCase()).join('') || '?'

/**
 * One desk card.
 * @param {object} desk
 * @param {string} desk.id
 * @param {string} desk.name
 * @param {boolean} desk.own
 * @param {Person | null} desk.person
 * @param {DeskDetails | undefined} desk.details
 * @param {number} desk.focusedMs
 * @returns {{item: HTMLLIElement, trigger: HTMLButtonElement}}
 */
export function deskCard ({ id, name, own, person, details, focusedMs }) {
  const item = document.createElement('li')
  item.className = 'desk'
  item.dataset.testid = 'desk'
  item.dataset.userId = id
  item.dataset.status = person?.status ?? 'arriving'
  const avatar = document.createElement('span')
  avatar.className = 'desk-avatar'
  avatar.setAttribute('aria-hidden', 'true')
  if (details?.avatar && details.avatar.startsWith('/')) {
    const image = document.createElement('img')
    image.src = details.avatar
    image.alt = ''
    avatar.append(image)
  } else {
    avatar.textContent = initials(name)
  }
  const who = document.createElement('h3')
  who.className = 'desk-name'
  const trigger = document.createElement('button')
  trigger.type = 'button'
  trigger.className = 'desk-person'
  trigger.dataset.testid = 'desk-person'
  trigger.textContent = name
  if (own) {
    // Translators: the name of the person reading this, marked as theirs; "(you)" is styled apart
    who.append(...sentenceNodes(t('{name} (you)'), { name: trigger }, (words) => Object.assign(document.createElement('span'), { className: 'desk-you', textContent: words })))
  } else {
    who.append(trigger)
  }
  const about = document.createElement('p')
  about.className = 'desk-about'
  about.textContent = [details?.disciplines?.length ? shortList(details.disciplines) : '', details?.place].filter(Boolean).join(' · ')
  const status = document.createElement('p')
  status.className = 'desk-status'
  status.dataset.testid = 'desk-status'
  // Translators: the status of a person who has just arrived at their co-working desk
  const label = person?.status ? STATUS_LABELS[person.status] : { icon: '🪑', text: t('Settling in') }
  status.append(Object.assign(document.createElement('span'), { className: 'desk-status-icon', textContent: label.icon, ariaHidden: 'true' }), ` ${label.text}`)
  const goal = document.createElement('p')
  goal.className = 'desk-goal'
  goal.dataset.testid = 'desk-goal'
  if (person?.goal) {
    /** @param {string} words read by screen readers only */
    const hidden = (words) => Object.assign(document.createElement('span'), { className: 'visually-hidden', textContent: words })
    if (person.done === true) {
      // Translators: the tooltip of the tick after a goal that is done
      const done = Object.assign(document.createElement('span'), { className: 'desk-done', textContent: '✓', title: t('Done') })
      // Translators: what a person at a co-working desk works on, and has done; only {goal} is shown, the other words are read by screen readers
      goal.append(...sentenceNodes(t('Working on: {goal} (done)'), { goal: [person.goal, ' ', done] }, hidden))
    } else {
      // Translators: what a person at a co-working desk works on; only {goal} is shown, the other words are read by screen readers
      goal.append(...sentenceNodes(t('Working on: {goal}'), { goal: person.goal }, hidden))
    }
  } else {
    goal.textContent = t('No goal stated yet')
    goal.classList.add('is-empty')
  }
  const focused = document.createElement('p')
  focused.className = 'desk-focused'
  focused.dataset.testid = 'desk-focused'
  focused.title = t('{duration} in focus today', { duration: spokenDuration(focusedMs) })
  // Translators: {duration} is short, such as "1 h 5 min"
  focused.textContent = t('{duration} focused today', { duration: shortDuration(focusedMs) })
  item.append(avatar, who, about, status, goal, focused)
  if (!about.textContent) about.remove()
  return { item, trigger }
}
