/** The lab panel: the room document's timer, phase, lock and raised hands, and the
 * facilitator's controls, which send room commands (the server checks and writes them). */

import { RoomSocket } from './room-socket.js'
import { agendaText, parseAgenda } from './agenda.js'
import { readSetting, writeSetting } from './settings.js'
import { clockSeconds, labNews } from './lab-news.js'
import { Celebration, isNewCelebration } from './celebration.js'
import { messages, t, tn } from './i18n.js'
import { refusal } from './refusals.js'

/** How often a running timer's display is refreshed. */
const TICK_MS = 250

/** @param {number} ms @returns {string} m:ss (h:mm:ss from an hour) */
export function formatDuration (ms) {
  return clockSeconds(Math.ceil(ms / 1000))
}

/**
 * The time a timer shows: while running, until `endsAt` by the server's clock; else what
 * was left when it paused.
 * @param {any} timer the room document's `timer`
 * @param {number} serverNow ms since the epoch, server time
 * @returns {number | null} ms left, or null when no timer is set
 */
export function timeLeft (timer, serverNow) {
  if (!timer || typeof timer !== 'object') return null
  if (timer.running && typeof timer.endsAt === 'number') return Math.max(0, timer.endsAt - serverNow)
  const remaining = Number(timer.remainingMs) || 0
  return remaining > 0 ? remaining : null
}

/** Where this browser keeps whether the time-up chime is on. */
const SOUND_KEY = 'coworking.lab.sound'

/**
 * A soft chime of short sine tones (Web Audio), where the browser allows sound.
 * @param {number[]} [frequencies] the tones, in Hz, one after another
 */
export function chime (frequencies = [660, 880]) {
  const Context = window.AudioContext ?? /** @type {any} */ (window).webkitAudioContext
  if (!Context) return
  const audio = new Context()
  for (const [index, frequency] of frequencies.entries()) {
    const start = audio.currentTime + index * 0.18
    const tone = audio.createOscillator()
    const gain = audio.createGain()
    tone.frequency.value = frequency
    gain.gain.setValueAtTime(0.0001, start)
    gain.gain.exponentialRampToValueAtTime(0.2, start + 0.02)
    gain.gain.exponentialRampToValueAtTime(0.0001, start + 0.5)
    tone.connect(gain).connect(audio.destination)
    tone.start(start)
    tone.stop(start + 0.5)
  }
  window.setTimeout(() => audio.close(), 700 + frequencies.length * 180)
}

export class LabPanel {
  /**
   * @param {object} options
   * @param {HTMLElement} options.root the `lab-panel` element
   * @param {string} options.serverUrl
   * @param {string} options.slug
   * @param {number} options.clockOffsetMs server time minus this browser's clock
   * @param {string} options.userId
   * @param {(id: string) => string} options.nameOf a person's display name
   * @param {() => string[]} options.selected the ids of the board objects selected now
   * @param {(id: string) => string} options.describe a board object's text, to name it
   * @param {(id: string) => void} options.show selects an object and brings it into view
   * @param {() => {x: number, y: number, zoom: number}} options.view where this board looks
   * @param {(view: {x: number, y: number, zoom: number}) => void} options.goTo moves the board there
   * @param {() => string[]} options.present the ids of the people here who take part (not facilitators)
   * @param {(id: string) => void} options.follow follows someone's view until this person looks around
   * @param {(id: string) => void} options.unfollow stops following them, if this person still does
   * @param {{named: (title: string) => string | null, title: (id: string) => string | null, show: (id: string) => void}} options.frames
   *   the board's frames: found by title, their titles, and shown
   */
  constructor ({ root, serverUrl, slug, clockOffsetMs, userId, nameOf, selected, describe, show, view, goTo, present, follow, unfollow, frames }) {
    this.goTo = goTo
    this.frames = frames
    this.follow = follow
    this.unfollow = unfollow
    /** Whom a follow-me summon has this person following, until it ends. @type {string | null} */
    this.leader = null
    this.followMeOn = false
    /** The room document's values as last rendered, to say what changed. @type {Record<string, any> | null} */
    this.seen = null
    /** What the live region says next: everything announced at one moment. @type {string[]} */
    this.said = []
    /** The timer (its `endsAt`) seen with more than a minute left, until its last minute is announced. */
    this.aboveMinute = null
    this.celebration = new Celebration()
    /** The phase whose frame was shown (once per phase, after the first sync). @type {unknown} */
    this.phaseShown = undefined
    /** The `at` of the celebration shown last. @type {number | null} */
    this.celebrated = null
    this.present = present
    this.view = view
    this.show = show
    /** The summon last followed (its time), so each is followed once. */
    this.summoned = null
    this.root = root
    this.userId = userId
    this.nameOf = nameOf
    this.selected = selected
    this.describe = describe
    /** This person's votes in the open vote, as the server last told them. */
    this.mine = { voteId: null, votes: /** @type {Record<string, number>} */ ({}), left: 0 }
    this.clockOffsetMs = clockOffsetMs
    this.socket = new RoomSocket(serverUrl, slug, null)
    this.doc = this.socket.doc
    this.provider = this.socket.provider
    this.state = this.socket.state
    /** @param {string} id */
    this.part = (id) => /** @type {HTMLElement | null} */ (root.querySelector(`[data-testid="${id}"]`))
    /** The `endsAt` whose end was announced, so it is said once. */
    this.announcedEnd = null

    this.socket.onReply((reply) => this.onReply(reply))
    /** @type {Set<(on: boolean) => void>} */
    this.privateListeners = new Set()
    this.privateOn = false
    this.state.observe(() => this.render())
    this.wire()
    this.render()
    window.setInterval(() => this.renderTimer(), TICK_MS)
  }

  /** @param {Record<string, unknown>} command @returns {boolean} whether it went out */
  send (command) {
    const sent = this.socket.send(command)
    this.showError(sent ? '' : t('You are offline: try again once reconnected.'))
    return sent
  }

  wire () {
    /** @param {string} id @param {() => void} action */
    const on = (id, action) => this.part(id)?.addEventListener('click', action)
    const minutes = /** @type {HTMLInputElement | null} */ (this.part('lab-minutes'))
    on('lab-timer-start', () => this.send({ type: 'timer.start', seconds: Math.round(Number(minutes?.value || 5) * 60) }))
    on('lab-timer-pause', () => this.send({ type: this.timer()?.running ? 'timer.pause' : 'timer.resume' }))
    on('lab-timer-add', () => this.send({ type: 'timer.add', seconds: 60 }))
    on('lab-timer-stop', () => this.send({ type: 'timer.stop' }))
    on('lab-lock', () => this.send({ type: 'board.lock', locked: !this.state.get('locked') }))
    const sound = /** @type {HTMLInputElement | null} */ (this.part('lab-sound'))
    if (sound) {
      sound.checked = readSetting(SOUND_KEY) === 'on'
      sound.addEventListener('change', () => writeSetting(SOUND_KEY, sound.checked ? 'on' : 'off'))
    }
    on('lab-hand', () => this.send({ type: this.handRaised() ? 'hand.lower' : 'hand.raise' }))
    on('lab-next-phase', () => {
      const next = this.nextPhase()
      if (next) this.goToPhase(next.id)
    })
    const editor = /** @type {HTMLTextAreaElement | null} */ (this.part('lab-agenda-text'))
    // The editor shows the agenda when it opens, unless the facilitator has typed in it
    // already (its `toggle` event comes a moment after the click that opens it).
    let typed = false
    editor?.addEventListener('input', () => { typed = true })
    on('lab-agenda-save', () => {
      typed = false
      this.send({ type: 'agenda.set', agenda: parseAgenda(editor?.value ?? '', this.frames.named) })
    })
    this.part('lab-agenda-editor')?.addEventListener('toggle', () => {
      if (editor && !typed) editor.value = agendaText(this.state.get('agenda'), this.frames.title)
    })
    const budget = /** @type {HTMLInputElement | null} */ (this.part('lab-vote-budget'))
    on('lab-vote-start', () => this.send({ type: 'vote.start', budget: Math.round(Number(budget?.value || 3)) }))
    on('lab-vote-end', () => this.send({ type: 'vote.end' }))
    on('lab-private-start', () => this.send({ type: 'private.start' }))
    on('lab-summon', () => {
      const { x, y, zoom } = this.view()
      this.send({ type: 'spotlight.summon', view: { x, y, zoom } })
    })
    on('lab-follow-me', () => {
      if (this.followMeOn) {
        this.send({ type: 'spotlight.end' })
        return
      }
      const { x, y, zoom } = this.view()
      this.send({ type: 'spotlight.summon', view: { x, y, zoom }, follow: true })
    })
    on('lab-celebrate', () => this.send({ type: 'celebrate' }))
    on('lab-private-reveal', () => this.send({ type: 'private.reveal' }))
    on('lab-vote-cast', () => { for (const id of this.selected()) this.send({ type: 'vote.cast', objectId: id }) })
    on('lab-vote-retract', () => { for (const id of this.selected()) this.send({ type: 'vote.retract', objectId: id }) })
    this.part('lab-hands')?.addEventListener('click', (event) => {
      const button = event.target instanceof Element ? event.target.closest('[data-lower]') : null
      if (button instanceof HTMLElement) this.send({ type: 'hand.lower', id: button.dataset.lower })
    })
    this.part('lab-results')?.addEventListener('click', (event) => {
      const button = event.target instanceof Element ? event.target.closest('[data-object]') : null
      if (button instanceof HTMLElement) this.show(/** @type {string} */ (button.dataset.object))
    })
    this.part('lab-agenda')?.addEventListener('click', (event) => {
      const button = event.target instanceof Element ? event.target.closest('[data-phase]') : null
      if (button instanceof HTMLElement) this.goToPhase(String(button.dataset.phase))
    })
  }

  /**
   * Go to a phase; one that splits the room into groups deals out the people here now.
   * @param {string} id
   */
  goToPhase (id) {
    const phase = this.agenda().find((p) => p?.id === id)
    this.send(phase?.tools?.breakouts ? { type: 'phase.go', id, people: this.present() } : { type: 'phase.go', id })
  }

  /** @returns {any} */
  timer () { return this.state.get('timer') }

  /** @returns {any[]} */
  agenda () {
    const agenda = this.state.get('agenda')
    return Array.isArray(agenda) ? agenda : []
  }

  /** The phase after the current one (the first when none is current). */
  nextPhase () {
    const agenda = this.agenda()
    const at = agenda.findIndex((phase) => phase?.id === this.state.get('phase'))
    return agenda[at + 1] ?? null
  }

  /** @returns {Record<string, number>} */
  hands () {
    const hands = this.state.get('hands')
    return hands && typeof hands === 'object' ? /** @type {Record<string, number>} */ (hands) : {}
  }

  handRaised () { return this.userId in this.hands() }

  /** @param {(reply: any) => void} listener told of every type-100 reply (parsed), such as `board.restored` */
  onServerReply (listener) {
    this.socket.onReply(listener)
  }

  /** @param {(on: boolean) => void} listener told when private brainstorming starts or ends */
  onPrivate (listener) {
    this.privateListeners.add(listener)
  }

  /** @param {() => void} listener told after every change of the room document */
  onChange (listener) {
    this.state.observe(() => listener())
  }

  render () {
    const values = this.state.toJSON()
    if (this.seen && this.provider.synced) for (const sentence of labNews(this.seen, values)) this.announce(sentence)
    this.seen = values
    const locked = this.state.get('locked') === true
    const lockNote = this.part('lab-locked')
    if (lockNote) lockNote.hidden = !locked
    const lockButton = this.part('lab-lock')
    if (lockButton) {
      lockButton.textContent = locked ? t('Unlock board') : t('Lock board')
      lockButton.setAttribute('aria-pressed', String(locked))
    }
    const phaseId = this.state.get('phase')
    const agenda = this.agenda()
    const phase = agenda.find((p) => p?.id === phaseId)
    // A phase that works in a frame takes everyone there when it starts.
    if (this.provider.synced && phaseId !== this.phaseShown && typeof phase?.frame === 'string') this.frames.show(phase.frame)
    if (this.provider.synced) this.phaseShown = phaseId
    const phaseLine = this.part('lab-phase')
    if (phaseLine) {
      const title = phase && typeof phase.title === 'string' ? phase.title : ''
      phaseLine.textContent = title
      phaseLine.hidden = !title
    }
    this.renderAgenda(agenda, phaseId)
    const next = this.part('lab-next-phase')
    if (next) {
      const upcoming = this.nextPhase()
      next.hidden = !upcoming
      // Translators: a button that starts the agenda's next phase, {title} the phase's
      next.textContent = upcoming ? t('Next: {title}', { title: upcoming.title }) : ''
    }
    const hands = Object.entries(this.hands()).sort((a, b) => a[1] - b[1])
    const count = this.part('lab-hands-count')
    if (count) count.textContent = messages().number(hands.length)
    const list = this.part('lab-hands')
    if (list) {
      // Facilitators take hands down once they have given the word.
      const canLower = Boolean(this.part('lab-next-phase'))
      list.replaceChildren(...hands.map(([id]) => {
        const item = document.createElement('li')
        const name = this.nameOf(id)
        item.textContent = name
        if (canLower && id !== this.userId) {
          const lower = document.createElement('button')
          lower.type = 'button'
          lower.className = 'lab-phase-button'
          lower.dataset.lower = id
          // Translators: a button beside someone's raised hand: puts their hand down
          lower.textContent = t('Lower')
          lower.setAttribute('aria-label', t("Lower {name}'s hand", { name }))
          item.append(' ', lower)
        }
        return item
      }))
    }
    const hand = this.part('lab-hand')
    if (hand) {
      hand.textContent = this.handRaised() ? t('Lower hand') : t('Raise hand')
      hand.setAttribute('aria-pressed', String(this.handRaised()))
    }
    this.renderVote()
    this.followSummon()
    this.renderCelebration()
    const privateOn = this.state.get('private') === true
    const privateNote = this.part('lab-private')
    if (privateNote) privateNote.hidden = !privateOn
    const privateStart = this.part('lab-private-start')
    if (privateStart) privateStart.hidden = privateOn
    if (privateOn !== this.privateOn) {
      this.privateOn = privateOn
      for (const listener of this.privateListeners) listener(privateOn)
    }
    const pause = this.part('lab-timer-pause')
    if (pause) {
      pause.textContent = this.timer()?.running
        // Translators: a button of the lab's timer: stops it for a while
        ? t('Pause')
        // Translators: a button of the lab's paused timer: it runs on
        : t('Resume')
    }
    this.renderTimer()
  }

  /**
   * @param {any[]} agenda
   * @param {unknown} current the current phase's id
   */
  renderAgenda (agenda, current) {
    const list = this.part('lab-agenda')
    if (!list) return
    const canRun = Boolean(this.part('lab-next-phase'))
    list.replaceChildren(...agenda.map((phase) => {
      const item = document.createElement('li')
      item.className = 'lab-agenda-item'
      if (phase?.id === current) item.setAttribute('aria-current', 'step')
      const title = String(phase?.title ?? '')
      const minutes = Number(phase?.minutes) || 0
      // Translators: a phase of the agenda and its length in minutes, abbreviated
      const label = minutes ? tn('{title} ({count} min)', '{title} ({count} min)', minutes, { title }) : title
      if (canRun) {
        const button = document.createElement('button')
        button.type = 'button'
        button.className = 'lab-phase-button'
        button.dataset.phase = String(phase?.id ?? '')
        button.textContent = label
        button.title = t('Go to this phase')
        item.append(button)
      } else {
        item.textContent = label
      }
      return item
    }))
    list.hidden = agenda.length === 0
  }

  /**
   * A facilitator's summon takes everyone else's board to their view, once per summon. With
   * follow-me, everyone then follows that view live: whoever looks around on their own stays
   * free until the next summon, and `spotlight.end` stops it for all. Also labels the
   * follow-me button.
   */
  followSummon () {
    const spotlight = this.state.get('spotlight')
    const summon = spotlight && typeof spotlight === 'object' ? spotlight : null
    const followMe = summon?.follow === true
    if (this.followMeOn && !followMe && this.provider.synced) this.announce(t('Follow-me has ended.'))
    this.followMeOn = followMe
    const button = this.part('lab-follow-me')
    if (button) button.textContent = followMe ? t('Stop follow-me') : t('Everyone follow me')
    if (this.leader && (!followMe || summon.by !== this.leader)) {
      this.unfollow(this.leader)
      this.leader = null
    }
    if (!summon || summon.at === this.summoned) return
    const first = this.summoned === null && !this.provider.synced
    this.summoned = summon.at
    const by = String(summon.by)
    if (by === this.userId) {
      if (!first) this.announce(followMe ? t('Everyone follows your view now.') : t('Everyone was brought to your view.'))
      return
    }
    const view = summon.view
    if (!first && view && typeof view === 'object' && [view.x, view.y, view.zoom].every(Number.isFinite)) {
      this.goTo({ x: view.x, y: view.y, zoom: view.zoom })
      this.announce(followMe
        ? t('{name} asks everyone to follow their view: pan, zoom or press Escape to look around on your own.', { name: this.nameOf(by) })
        : t('{name} brought everyone to their view.', { name: this.nameOf(by) }))
    }
    if (followMe) {
      this.leader = by
      this.follow(by)
    }
  }

  /** Shows a celebration someone has just sent (not one sent long before this page loaded). */
  renderCelebration () {
    const celebration = this.state.get('celebration')
    if (!isNewCelebration(celebration, this.celebrated, Date.now() + this.clockOffsetMs)) return
    this.celebrated = celebration.at
    const message = t('{name} is celebrating!', { name: this.nameOf(celebration.by) })
    this.celebration.show(`🎉 ${message}`)
    this.announce(message)
  }

  renderVote () {
    const vote = this.state.get('vote')
    const open = Boolean(vote && typeof vote === 'object' && vote.open)
    const box = this.part('lab-vote')
    if (box) box.hidden = !open
    const startButton = this.part('lab-vote-start')
    if (startButton) startButton.hidden = open
    const endButton = this.part('lab-vote-end')
    if (endButton) endButton.hidden = !open
    if (open && this.mine.voteId !== vote.id) {
      this.mine = { voteId: vote.id, votes: {}, left: Number(vote.budget) || 0 }
    }
    const left = this.part('lab-vote-left')
    if (left) left.textContent = messages().number(this.mine.left)
    const results = this.part('lab-results')
    if (!results) return
    const totals = !open && vote && typeof vote.results === 'object' && vote.results ? vote.results : null
    const ranked = totals ? Object.entries(totals).filter(([, n]) => Number(n) > 0).sort((a, b) => Number(b[1]) - Number(a[1])).slice(0, 10) : []
    results.replaceChildren(...ranked.map(([id, n]) => {
      const item = document.createElement('li')
      const button = document.createElement('button')
      button.type = 'button'
      button.className = 'lab-phase-button'
      button.dataset.object = id
      const object = this.describe(id)
      const votes = Number(n)
      button.textContent = object
        // Translators: a result of a dot vote: the text of a board object, and its votes
        ? tn('{object}: {count} vote', '{object}: {count} votes', votes, { object })
        // Translators: a result of a dot vote, for a board object without text
        : tn('An object: {count} vote', 'An object: {count} votes', votes)
      item.append(button)
      return item
    }))
    const heading = this.part('lab-results-heading')
    if (heading) heading.hidden = !totals
    results.hidden = !totals
  }

  renderTimer () {
    const timer = this.timer()
    const left = timeLeft(timer, Date.now() + this.clockOffsetMs)
    const display = this.part('lab-timer')
    if (display) display.textContent = left === null ? '–:––' : formatDuration(left)
    this.root.classList.toggle('is-timing', Boolean(timer?.running) && left !== 0)
    this.root.classList.toggle('is-over', Boolean(timer?.running) && left === 0)
    if (timer?.running && left !== null && left > 60_000) this.aboveMinute = timer.endsAt
    if (timer?.running && left && left <= 60_000 && this.aboveMinute === timer.endsAt) {
      this.aboveMinute = null
      this.announce(t('One minute left.'))
    }
    if (timer?.running && left === 0 && this.announcedEnd !== timer.endsAt) {
      this.announcedEnd = timer.endsAt
      this.announce(t('Time is up.'))
      if (this.soundOn()) chime()
    }
  }

  /** Whether this person wants a chime when time is up (kept in this browser). */
  soundOn () {
    const box = /** @type {HTMLInputElement | null} */ (this.part('lab-sound'))
    return Boolean(box?.checked)
  }

  /** @param {string} message said by screen readers (a polite live region), with what else is said at this moment */
  announce (message) {
    this.said.push(message)
    if (this.said.length > 1) return
    queueMicrotask(() => {
      const region = this.part('lab-announce')
      if (region) region.textContent = this.said.join(' ')
      this.said = []
    })
  }

  /** @param {string} message empty hides the error */
  showError (message) {
    const line = this.part('lab-error')
    if (!line) return
    line.textContent = message
    line.hidden = !message
  }

  /** @param {any} reply a type-100 reply, parsed: `room.error` or `vote.mine` */
  onReply (reply) {
    if (reply?.type === 'vote.mine' && reply.votes && typeof reply.votes === 'object') {
      const vote = this.state.get('vote')
      this.mine = { voteId: vote?.id ?? null, votes: reply.votes, left: Number(reply.left) || 0 }
      this.renderVote()
      this.announce(tn('{count} vote left.', '{count} votes left.', this.mine.left))
    }
    if (reply?.type === 'room.error') {
      this.showError(refusal(reply, t('That did not work.')))
    }
  }
}
