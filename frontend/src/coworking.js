/**
 * Entry point of the co-working room page: desks for everyone present, your own desk (goal,
 * status, check-out), the room's focus rhythm up front, a chat that stays quiet while people
 * focus, and a shared scratch board one click away.
 */

import { readConfig, websocketUrl } from './config.js'
import { openChat, pageChat } from './chat.js'
import { ConnectionBanner, reportSync } from './connection.js'
import { RoomSocket } from './room-socket.js'
import { chime, formatDuration } from './lab.js'
import { spokenDuration } from './lab-news.js'
import { readSetting, writeSetting } from './settings.js'
import { AutoStatus, currentBlock, readRhythm } from './rhythm.js'
import { STATUS_LABELS, deskCard, focusedToday, presentPeople, readPerson } from './desks.js'
import { notice, titleWithUnread } from './quiet-chat.js'
import { ProfileCards } from './profile-card.js'
import { ScratchBoard } from './scratch-board.js'
import { install, messages, pageMessages, t, tn } from './i18n.js'
import { refusal } from './refusals.js'

// The page's language: its catalog of the browser's messages (see i18n.js).
install(pageMessages(document))

/** How often the timer and the live focus times are redrawn. */
const TICK_MS = 250
/** How long the cue of a new block stays on screen. */
const CUE_MS = 6000
/** Where this browser keeps whether the chimes are muted. */
const MUTE_KEY = 'coworking.room.muted'
/** Circumference of the progress ring (r = 54). */
const RING = 2 * Math.PI * 54

/** @param {string} testId */
const byTestId = (testId) => /** @type {HTMLElement | null} */ (document.querySelector(`[data-testid="${testId}"]`))
/** @param {string} testId */
const input = (testId) => /** @type {HTMLInputElement} */ (byTestId(testId))

function start () {
  const config = readConfig()
  const serverUrl = websocketUrl(config)
  const clockOffsetMs = Number(/** @type {any} */ (config).serverTime || Date.now()) - Date.now()
  const serverNow = () => Date.now() + clockOffsetMs
  const user = config.user
  const host = config.role === 'facilitator'

  // This page's presence on the room socket keeps its desk: the server clears the desks of
  // people who have no presence left in the room.
  const room = new RoomSocket(serverUrl, config.slug, { desk: true })
  reportSync(room.provider, 'roomSynced')
  const { doc: chatDoc, provider: chatProvider } = openChat(serverUrl, config.slug)
  reportSync(chatProvider, 'chatSynced')
  const banner = new ConnectionBanner(/** @type {HTMLElement} */ (byTestId('connection-banner')))
  banner.watch(room.provider)
  banner.watch(chatProvider)

  const announcer = byTestId('cw-announce')
  /** @param {string} message said by screen readers */
  const announce = (message) => { if (announcer) announcer.textContent = message }
  const errorLine = byTestId('cw-error')
  /** @param {string} message empty hides the error */
  const showError = (message) => {
    if (!errorLine) return
    errorLine.textContent = message
    errorLine.hidden = !message
  }
  /** @param {Record<string, unknown>} command */
  const send = (command) => {
    const sent = room.send(command)
    showError(sent ? '' : t('You are offline: try again once reconnected.'))
    return sent
  }
  room.onReply((reply) => {
    if (reply?.type === 'room.error') showError(refusal(reply, t('That did not work.')))
  })

  /** @returns {Record<string, any>} */
  const people = () => {
    const value = room.state.get('people')
    return value && typeof value === 'object' ? value : {}
  }
  const me = () => readPerson(people()[user.id])
  const rhythm = () => readRhythm(room.state.get('focus'))
  const block = () => currentBlock(rhythm(), serverNow())

  // Your desk: goal, status, check-out.
  const auto = new AutoStatus()
  /** @param {string} status @param {string} [goal] sends a change of your status (and goal) */
  const setStatus = (status, goal = me()?.goal ?? '') => {
    const mine = me()
    if (mine && mine.status === status && mine.goal === goal) return
    send({ type: 'status.set', status, goal })
  }
  const goalDialog = /** @type {HTMLDialogElement} */ (document.getElementById('goal-dialog'))
  const goalInput = /** @type {HTMLTextAreaElement} */ (byTestId('goal-input'))
  const goalCount = byTestId('goal-count')
  const countGoal = () => {
    // Translators: how many characters the goal has, of the most it may have ("12 / 280")
    if (goalCount) goalCount.textContent = t('{count} / {most}', { count: messages().number(goalInput.value.length), most: messages().number(280) })
  }
  goalInput.addEventListener('input', countGoal)
  /** The status to sit down with when the goal is first stated. */
  let sittingDownAs = ''
  /** @param {string} [status] what to change to once the goal is stated */
  const askGoal = (status = '') => {
    sittingDownAs = status
    goalInput.value = me()?.goal ?? ''
    countGoal()
    goalDialog.showModal()
  }
  byTestId('goal-form')?.addEventListener('submit', (event) => {
    event.preventDefault()
    const goal = goalInput.value.trim().slice(0, 280)
    if (!goal) return
    const working = block()?.kind === 'work'
    const status = sittingDownAs || me()?.status || (working ? 'focus' : 'available')
    if (send({ type: 'status.set', status, goal })) goalDialog.close()
  })
  byTestId('goal-edit')?.addEventListener('click', () => askGoal())
  for (const button of document.querySelectorAll('[data-set-status]')) {
    button.addEventListener('click', () => {
      const status = /** @type {HTMLElement} */ (button).dataset.setStatus ?? 'available'
      auto.chosen()
      if (!me()?.goal) askGoal(status)
      else setStatus(status)
    })
  }
  const checkoutDialog = /** @type {HTMLDialogElement} */ (document.getElementById('checkout-dialog'))
  byTestId('checkout')?.addEventListener('click', () => {
    if (me()) checkoutDialog.showModal()
    else location.assign('/')
  })
  for (const button of checkoutDialog.querySelectorAll('[data-done]')) {
    button.addEventListener('click', () => {
      const done = /** @type {HTMLElement} */ (button).dataset.done === 'yes'
      if (!send({ type: 'goal.done', done })) return
      // The page leaves once the server has written it, so others see the tick first.
      const leave = () => location.assign('/')
      if (me()?.done === done) leave()
      room.state.observe(() => { if (me()?.done === done) leave() })
      window.setTimeout(leave, 2000)
    })
  }
  checkoutDialog.querySelector('[data-close]')?.addEventListener('click', () => checkoutDialog.close())

  // Away while the tab has been hidden a while, back when it shows again.
  let hiddenAt = document.hidden ? Date.now() : 0
  document.addEventListener('visibilitychange', () => {
    if (document.hidden) {
      hiddenAt = Date.now()
      return
    }
    hiddenAt = 0
    const back = auto.onVisible(me()?.status ?? null, block())
    if (back) setStatus(back)
    unread = 0
    showUnread()
  })

  // The desks.
  const cards = new ProfileCards()
  const deskList = /** @type {HTMLElement} */ (byTestId('desks'))
  const deskCount = byTestId('desks-count')
  /** @type {Record<string, import('./desks.js').DeskDetails>} */
  let details = {}
  let fetched = ''
  let fetching = 0
  /** Loads the desk details of the people present, when someone new is among them. */
  const fetchDetails = (/** @type {string[]} */ ids) => {
    const key = ids.slice().sort().join(',')
    if (key === fetched || ids.every((id) => id in details)) return
    fetched = key
    window.clearTimeout(fetching)
    fetching = window.setTimeout(async () => {
      const response = await window.fetch(`/r/${encodeURIComponent(config.slug)}/desks.json?ids=${encodeURIComponent(key)}`, { credentials: 'same-origin' }).catch(() => null)
      const body = response?.ok ? await response.json().catch(() => null) : null
      if (body?.people && typeof body.people === 'object') details = { ...details, ...body.people }
      renderDesks()
    }, 200)
  }
  let shownDesks = ''
  const renderDesks = () => {
    const present = presentPeople(room.awareness.getStates())
    present.set(user.id, user.name)
    const all = people()
    const now = serverNow()
    const desks = [...present].map(([id, name]) => {
      const person = readPerson(all[id])
      const logged = Number(details[id]?.focusedTodayMs) || 0
      return { id, name, own: id === user.id, person, details: details[id], focusedMs: focusedToday(logged, person, now) }
    }).sort((a, b) => Number(b.own) - Number(a.own) || a.name.localeCompare(b.name))
    // Redrawn when something shown changes (focus times by the minute).
    const shown = JSON.stringify(desks.map((desk) => [desk, Math.floor(desk.focusedMs / 60_000)]))
    if (shown === shownDesks) return
    shownDesks = shown
    const focused = document.activeElement instanceof HTMLElement && deskList.contains(document.activeElement)
      ? document.activeElement.closest('[data-user-id]')?.getAttribute('data-user-id')
      : null
    deskList.replaceChildren(...desks.map((desk) => {
      const { item, trigger } = deskCard(desk)
      cards.attach(trigger, desk.id, desk.name)
      return item
    }))
    if (focused) /** @type {HTMLElement | null} */ (deskList.querySelector(`[data-user-id="${CSS.escape(focused)}"] .desk-person`))?.focus()
    if (deskCount) deskCount.textContent = messages().number(desks.length)
    fetchDetails([...present.keys()])
  }

  // Your desk's panel.
  const renderMine = () => {
    const mine = me()
    const goal = byTestId('my-goal')
    if (goal) goal.textContent = mine?.goal ? mine.goal + (mine.done ? ' ✓' : '') : t('Say what you will work on.')
    const edit = byTestId('goal-edit')
    if (edit) edit.textContent = mine?.goal ? t('Change goal') : t('State your goal')
    for (const button of document.querySelectorAll('[data-set-status]')) {
      button.setAttribute('aria-pressed', String(mine?.status === /** @type {HTMLElement} */ (button).dataset.setStatus))
    }
    const status = byTestId('my-status')
    if (status) status.textContent = mine?.status ? STATUS_LABELS[mine.status].text : t('Not sat down yet')
  }

  // The rhythm, up front.
  const rhythmRoot = /** @type {HTMLElement} */ (byTestId('rhythm'))
  const ring = rhythmRoot.querySelector('[data-ring]')
  ring?.setAttribute('stroke-dasharray', String(RING))
  const cue = byTestId('block-cue')
  let cueTimer = 0
  const mute = byTestId('mute')
  let muted = readSetting(MUTE_KEY) === 'on'
  const showMute = () => {
    mute?.setAttribute('aria-pressed', String(muted))
    if (mute) {
      mute.textContent = muted
        // Translators: a toggle button, pressed: the room's sounds do not play
        ? t('Chimes off')
        // Translators: a toggle button, not pressed: the room's sounds play
        : t('Chimes on')
    }
  }
  showMute()
  mute?.addEventListener('click', () => {
    muted = !muted
    writeSetting(MUTE_KEY, muted ? 'on' : 'off')
    showMute()
  })
  /** The block last drawn (`startedAt:index`), to mark each change once. @type {string | null} */
  let drawnBlock = null
  const renderRhythm = () => {
    const now = rhythm()
    const current = currentBlock(now, serverNow())
    rhythmRoot.dataset.block = current?.kind ?? 'none'
    document.body.dataset.block = current?.kind ?? 'none'
    const text = (/** @type {string} */ id, /** @type {string} */ value) => {
      const part = byTestId(id)
      if (part && part.textContent !== value) part.textContent = value
    }
    text('block-name', !current
      ? t('No rhythm running')
      : current.kind === 'work'
        // Translators: the block of the room's focus rhythm under way: a time to focus
        ? t('Focus block')
        // Translators: the block of the room's focus rhythm under way: a pause between focus blocks
        : t('Break'))
    text('block-left', current ? formatDuration(current.leftMs) : '–:––')
    const at = current ? messages().dateTime(current.endsAt - clockOffsetMs, { hour: '2-digit', minute: '2-digit' }) : ''
    text('block-next', current
      ? (current.nextKind === 'work'
          // Translators: the next block of the room's focus rhythm: its minutes (abbreviated), and when it starts
          ? tn('Next: {count} min focus at {time}', 'Next: {count} min focus at {time}', current.nextMinutes, { time: at })
          // Translators: the next block of the room's focus rhythm: its minutes (abbreviated), and when it starts
          : tn('Next: {count} min break at {time}', 'Next: {count} min break at {time}', current.nextMinutes, { time: at }))
      : host ? t('Pick a rhythm and start it: everyone focuses and breaks together.') : t('When the host starts a rhythm, everyone focuses and breaks together.'))
    text('block-invite', current?.kind === 'break' ? t('Break — say hello in the chat') : '')
    ring?.setAttribute('stroke-dashoffset', String(current ? RING * (current.leftMs / current.lengthMs) : RING))
    const key = now && current ? `${now.startedAt}:${current.index}` : null
    const changed = key !== drawnBlock && room.provider.synced
    const first = drawnBlock === null && !changed
    drawnBlock = room.provider.synced ? key : drawnBlock
    const follow = auto.onBlock(me()?.status ?? null, now, current)
    if (follow && me()) setStatus(follow)
    if (!changed || first || !current) return
    const message = current.kind === 'work'
      ? t('Focus block: {duration}. Good focus!', { duration: spokenDuration(current.lengthMs) })
      : t('Break: {duration}. Say hello in the chat.', { duration: spokenDuration(current.lengthMs) })
    announce(message)
    if (cue) {
      cue.textContent = message
      cue.hidden = false
      cue.dataset.kind = current.kind
      window.clearTimeout(cueTimer)
      cueTimer = window.setTimeout(() => { cue.hidden = true }, CUE_MS)
    }
    if (!muted) chime(current.kind === 'work' ? [523, 659, 784] : [784, 659, 523])
  }
  let wasRunning = false
  room.state.observe(() => {
    const running = rhythm() !== null
    if (running !== wasRunning && room.provider.synced) announce(running ? t('The host started a focus rhythm.') : t('The focus rhythm has stopped.'))
    wasRunning = running
  })

  // Host controls.
  if (host) {
    const work = input('rhythm-work')
    const rest = input('rhythm-break')
    for (const preset of document.querySelectorAll('[data-preset]')) {
      preset.addEventListener('click', () => {
        const [w, b] = String(/** @type {HTMLElement} */ (preset).dataset.preset).split('/')
        work.value = w
        rest.value = b
        for (const other of document.querySelectorAll('[data-preset]')) other.setAttribute('aria-pressed', String(other === preset))
      })
    }
    byTestId('rhythm-start')?.addEventListener('click', () => {
      const workMinutes = Math.round(Number(work.value))
      const breakMinutes = Math.round(Number(rest.value))
      if (!(workMinutes >= 1 && workMinutes <= 180 && breakMinutes >= 1 && breakMinutes <= 60)) {
        showError(t('Work 1 to 180 minutes, breaks 1 to 60.'))
        return
      }
      send({ type: 'focus.start', workMinutes, breakMinutes })
    })
    byTestId('rhythm-stop')?.addEventListener('click', () => send({ type: 'focus.stop' }))
  }

  // The chat, quiet during work blocks.
  const chat = pageChat({ doc: chatDoc, provider: chatProvider, userId: user.id, canWrite: config.canEdit })
  const chatPanel = /** @type {HTMLElement} */ (byTestId('chat-panel'))
  const chatToggle = byTestId('chat-toggle')
  const chatBadge = byTestId('chat-unread')
  const title = document.title
  let unread = 0
  const chatVisible = () => !document.hidden && chatPanel.getClientRects().length > 0
  const showUnread = () => {
    document.title = titleWithUnread(title, unread)
    if (chatBadge) {
      chatBadge.textContent = unread ? messages().number(unread) : ''
      chatBadge.hidden = !unread
    }
  }
  chat.onArrival((message) => {
    if (!chatProvider.synced) return
    const heard = notice({ message, userId: user.id, name: user.name, working: block()?.kind === 'work', hidden: !chatVisible() })
    if (heard.unread) unread++
    showUnread()
    if (heard.chime && !muted) chime([880])
  })
  chatToggle?.addEventListener('click', () => {
    const open = !document.body.classList.contains('is-chat-open')
    document.body.classList.toggle('is-chat-open', open)
    chatToggle.setAttribute('aria-expanded', String(open))
    if (open) {
      unread = 0
      showUnread()
      byTestId('chat-input')?.focus()
    }
  })

  // The scratch board connects when it is first opened.
  const scratch = new ScratchBoard({
    panel: /** @type {HTMLElement} */ (byTestId('scratch-board')),
    serverUrl,
    config,
    banner
  })
  byTestId('scratch-open')?.addEventListener('click', () => scratch.toggle(/** @type {HTMLElement} */ (byTestId('scratch-open'))))

  // Sit down: once the room has synced, a person without a desk says what they will do.
  let seated = false
  const render = () => {
    renderDesks()
    renderMine()
    renderRhythm()
    if (hiddenAt) {
      const away = auto.onHidden(me()?.status ?? null, Date.now() - hiddenAt)
      if (away) setStatus(away)
    }
    if (!seated && room.provider.synced) {
      seated = true
      if (!me()) askGoal()
    }
  }
  room.state.observe(render)
  room.awareness.on('change', render)
  room.provider.on('sync', render)
  window.setInterval(render, TICK_MS)
  render()

  window.coworking = { roomDoc: room.doc, roomProvider: room.provider, chatDoc, chatProvider, chat, scratch }
}

start()
