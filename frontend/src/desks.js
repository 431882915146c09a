/**
 * The desks of a co-working room: everyone present (the room socket's presence) joined
 * with what the room document says of them (`people`: status, goal, since, done) and their
 * desk details from `/r/<slug>/desks.json` (card and time focused today).
 */

import { spokenDuration } from './lab-news.js'

/** How each status shows: an icon beside its words, never colour alone. */
export const STATUS_LABELS = {
  focus: { icon: '🎧', text: 'Focusing' },
  break: { icon: '☕', text: 'On a break' },
  available: { icon: '👋', text: 'Available' },
  away: { icon: '🌙', text: 'Away' }
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
  return hours ? `${hours} h ${minutes % 60} min` : `${minutes} min`
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
      present.set(user.id, typeof user.name === 'string' && user.name ? user.name : 'Someone')
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
  who.append(trigger)
  if (own) who.append(' ', Object.assign(document.createElement('span'), { className: 'desk-you', textContent: '(you)' }))
  const about = document.createElement('p')
  about.className = 'desk-about'
  about.textContent = [details?.disciplines?.join(', '), details?.place].filter(Boolean).join(' · ')
  const status = document.createElement('p')
  status.className = 'desk-status'
  status.dataset.testid = 'desk-status'
  const label = person?.status ? STATUS_LABELS[person.status] : { icon: '🪑', text: 'Settling in' }
  status.append(Object.assign(document.createElement('span'), { className: 'desk-status-icon', textContent: label.icon, ariaHidden: 'true' }), ` ${label.text}`)
  const goal = document.createElement('p')
  goal.className = 'desk-goal'
  goal.dataset.testid = 'desk-goal'
  if (person?.goal) {
    goal.append(Object.assign(document.createElement('span'), { className: 'visually-hidden', textContent: 'Working on: ' }), person.goal)
    if (person.done === true) {
      goal.append(' ', Object.assign(document.createElement('span'), { className: 'desk-done', textContent: '✓', title: 'Done' }),
        Object.assign(document.createElement('span'), { className: 'visually-hidden', textContent: ' (done)' }))
    }
  } else {
    goal.textContent = 'No goal stated yet'
    goal.classList.add('is-empty')
  }
  const focused = document.createElement('p')
  focused.className = 'desk-focused'
  focused.dataset.testid = 'desk-focused'
  focused.title = `${spokenDuration(focusedMs)} in focus today`
  focused.textContent = `${shortDuration(focusedMs)} focused today`
  item.append(avatar, who, about, status, goal, focused)
  if (!about.textContent) about.remove()
  return { item, trigger }
}
