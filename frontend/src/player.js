/** Entry point of the player page: a recorded session's board, chat and lab on one timeline. */

import * as Y from 'yjs'
import { readConfig } from './config.js'
import { userColor } from './colors.js'
import { Board } from './board/board.js'
import { Clipboard } from './board/clipboard.js'
import { Keyboard } from './board/keyboard.js'
import { Toolbar } from './board/toolbar.js'
import { Minimap } from './board/minimap.js'
import { Outline } from './board/outline.js'
import { unionBox } from './board/geometry.js'
import { isTextEntry } from './board/tools.js'
import { Playback } from './playback/playback.js'
import { RecordingSource } from './playback/source.js'
import { BufferedSource } from './playback/buffer.js'
import { nextActivity, readDetail } from './playback/detail.js'
import { Timeline } from './playback/timeline.js'
import { LabState, phaseTitle } from './playback/lab-state.js'
import { ChatList } from './playback/chat-list.js'
import { chapterAt, keyTarget, nextChapterStart, previousChapterStart } from './playback/chapters.js'
import { formatClock, hashForTime, timeFromHash } from './playback/time.js'
import { setUpReuse } from './playback/reuse.js'
import { install, pageMessages, t } from './i18n.js'

// The page's language: its catalog of the browser's messages (see i18n.js).
install(pageMessages(document))

/** @param {string} testId */
const byTestId = (testId) => /** @type {HTMLElement} */ (document.querySelector(`[data-testid="${testId}"]`))

/** How often the lab (its timer) is redrawn while playing. */
const LAB_REFRESH_MS = 250

/** The player shows the board; it publishes no presence of its own. */
const noPresence = /** @type {import('./presence.js').LocalPresence} */ (/** @type {unknown} */ ({
  setSelection () {},
  setView () {},
  setCursor () {}
}))

/** @param {unknown} error @returns {string} */
const messageOf = (error) => error instanceof Error && error.message ? error.message : t('The recording could not be loaded.')

async function start () {
  const config = /** @type {any} */ (readConfig('player-config'))
  const source = new RecordingSource(config.base, config.token)
  const errorLine = byTestId('player-error')
  /** @param {string} message */
  const showError = (message) => {
    errorLine.textContent = message
    errorLine.hidden = !message
  }
  const startedMs = Number(config.recording.startedMs)
  const fallbackDuration = (config.recording.endedMs ?? Date.now()) - startedMs
  let detailJson
  try {
    detailJson = await source.detail()
  } catch (error) {
    showError(messageOf(error))
    return
  }
  const detail = readDetail(detailJson, fallbackDuration)

  const anonymous = Boolean(config.anonymous)
  const user = { id: config.user.id, name: config.user.name, color: userColor(config.user.id) }
  const board = new Board({
    surface: byTestId('board'),
    doc: new Y.Doc(),
    presence: noPresence,
    user,
    canEdit: false,
    anonymous,
    slug: config.slug,
    notify: () => {}
  })
  const boardPanel = /** @type {HTMLElement} */ (document.querySelector('.board-panel'))
  const clipboard = new Clipboard(board)
  const toggleGrid = () => { board.surface.classList.toggle('has-grid') }
  new Toolbar(boardPanel, board, { duplicate: () => clipboard.duplicate(), toggleGrid })
  new Minimap(byTestId('minimap'), board)
  const outlinePanel = /** @type {HTMLElement} */ (document.getElementById('outline-panel'))
  /** @type {Outline | null} */
  let outline = null
  const emptyHint = /** @type {HTMLElement} */ (document.getElementById('board-empty'))
  const updateEmpty = () => { emptyHint.hidden = board.model.plain.size > 0 }
  board.model.onChange(updateEmpty)

  const names = new Map(detail.people.map((person) => [person.id, person.name]))
  const chat = new ChatList(byTestId('chat-messages'), document.querySelector('[data-chat-empty]'), names)
  const lab = new LabState(byTestId('player-lab'), (id) => {
    const object = /** @type {any} */ (board.model.get(id))
    return typeof object?.text === 'string' ? object.text.slice(0, 80) : ''
  })
  const announcer = byTestId('player-announce')
  /** @type {string | null} the phase last announced */
  let announcedPhase = null

  // Seeks and playing go to the server until the recording is held in the page.
  const buffered = new BufferedSource(source, detail.duration)
  const playback = new Playback({
    source: buffered,
    durationMs: detail.duration,
    onDocs: (docs) => {
      board.bind(docs.board)
      // The outline follows after its usual quiet time, not within the seek.
      if (outline) outline.bind(docs.board)
      else {
        outline = new Outline(outlinePanel, docs.board, {
          anonymous,
          limits: board.limits,
          onActivate: (id) => {
            board.selection.set([id])
            board.focusObject(id)
          }
        })
      }
      chat.bind(docs.chat)
      const room = docs.room.getMap('room')
      room.observe(drawLab)
      if (!board.rendered) board.synced()
      updateEmpty()
      moved()
    },
    onMoved: () => moved(),
    onError: (error) => {
      showError(messageOf(error))
      drawControls()
    },
    nextActivity: (ms) => nextActivity(detail.activity, detail.intervalMs, ms)
  })

  /** After a seek: the lab at the new moment, and the moment for the page's tests. */
  const moved = () => {
    drawLab()
    document.body.dataset.playerPosition = String(Math.round(playback.position))
  }

  /** Draws the lab at the clock's moment, and announces a change of phase. */
  const drawLab = () => {
    const room = playback.docs.room.getMap('room')
    board.renderer.setVoteHighlights(lab.render(room, startedMs + playback.position))
    const title = phaseTitle(room)
    // Translators: the phase of a lab's agenda that was running.
    if (announcedPhase !== null && title !== announcedPhase && title) announcer.textContent = t('Phase: {title}', { title })
    announcedPhase = title
  }

  const playButton = /** @type {HTMLButtonElement} */ (byTestId('player-play'))
  const timeText = byTestId('player-time')
  byTestId('player-duration').textContent = formatClock(detail.duration)
  const previousButton = /** @type {HTMLButtonElement} */ (byTestId('player-previous'))
  const nextButton = /** @type {HTMLButtonElement} */ (byTestId('player-next'))
  const drawControls = () => {
    playButton.textContent = playback.playing
      // Translators: the button that pauses a recording playing.
      ? t('Pause')
      // Translators: the button that plays a recording.
      : t('Play')
    timeText.textContent = formatClock(playback.position)
    timeline.set(playback.position)
    previousButton.disabled = playback.position <= 0
    nextButton.disabled = nextChapterStart(detail.chapters, playback.position) === null
    chapterButtons.forEach((button, index) => {
      if (index === chapterAt(detail.chapters, playback.position)) button.setAttribute('aria-current', 'step')
      else button.removeAttribute('aria-current')
    })
  }

  /** Puts the moment shown into the address, for a link to it. */
  const remember = () => {
    history.replaceState(null, '', `${location.pathname}${location.search}${hashForTime(playback.position)}`)
  }
  /**
   * @param {number} ms
   * @param {boolean} [done] the end of a gesture: remember the moment
   */
  const seek = (ms, done = true) => {
    showError('')
    const landed = playback.seek(ms)
    drawControls()
    if (done) remember()
    return landed
  }

  const timeline = new Timeline({
    root: byTestId('timeline'),
    tip: byTestId('timeline-tip'),
    duration: detail.duration,
    chapters: detail.chapters,
    activity: detail.activity,
    intervalMs: detail.intervalMs,
    markers: detail.markers,
    onSeek: (ms, done) => { seek(ms, done) }
  })

  const chapterNav = byTestId('player-chapters')
  const chapterList = /** @type {HTMLElement} */ (chapterNav.querySelector('[data-chapter-list]'))
  const chapterButtons = detail.chapters.map((chapter) => {
    const button = document.createElement('button')
    button.type = 'button'
    button.className = 'button button-small'
    button.dataset.testid = 'player-chapter'
    // Translators: a chapter of a recording: when it starts (12:34), and its phase's title.
    button.textContent = t('{time} {title}', { time: formatClock(chapter.at), title: chapter.title })
    button.addEventListener('click', () => seek(chapter.at))
    const item = document.createElement('li')
    item.append(button)
    chapterList.append(item)
    return button
  })
  chapterNav.hidden = !chapterButtons.length

  const togglePlay = () => {
    if (playback.playing) {
      playback.pause()
      remember()
    } else {
      showError('')
      playback.play()
    }
    drawControls()
  }
  playButton.addEventListener('click', togglePlay)
  previousButton.addEventListener('click', () => seek(previousChapterStart(detail.chapters, playback.position)))
  nextButton.addEventListener('click', () => seek(nextChapterStart(detail.chapters, playback.position) ?? detail.duration))
  const speed = /** @type {HTMLSelectElement} */ (byTestId('player-speed'))
  speed.addEventListener('change', () => playback.setSpeed(Number(speed.value)))
  const skip = /** @type {HTMLInputElement} */ (byTestId('player-skip-idle'))
  skip.addEventListener('change', () => { playback.skipping = skip.checked })
  setUpReuse(byTestId('player-reuse'), {
    base: config.base,
    token: config.token,
    roomUrl: config.roomUrl,
    position: () => playback.position
  })

  // Following a person: while playing, the view goes to what their updates change.
  const follow = /** @type {HTMLSelectElement} */ (byTestId('player-follow'))
  const followOption = /** @type {HTMLElement} */ (document.querySelector('[data-follow-option]'))
  follow.append(...detail.people.map((person) => new Option(person.name, person.id)))
  followOption.hidden = !detail.people.length
  board.model.onChange((changed, transaction) => {
    const author = /** @type {any} */ (transaction?.origin)?.author
    if (!playback.playing || !follow.value || author !== follow.value) return
    const box = unionBox([...changed].map((id) => board.model.box(id)).filter((b) => b !== undefined))
    if (box) board.viewport.reveal(box, 'program')
  })

  // Keys: the timeline's own when it has the focus; K, Space and [ ] anywhere but in the
  // board and in fields; arrows, Home and End too when nothing else has the focus.
  const timelineElement = byTestId('timeline')
  document.addEventListener('keydown', (event) => {
    const target = event.target
    if (event.ctrlKey || event.metaKey || event.altKey || isTextEntry(target)) return
    const onTimeline = target === timelineElement
    const inBoard = target instanceof Element && target.closest('.board-panel') !== null
    const onControl = target instanceof HTMLButtonElement || target instanceof HTMLSelectElement || target instanceof HTMLInputElement
    if ((event.key === 'k' || (event.key === ' ' && onTimeline)) && !inBoard) {
      event.preventDefault()
      togglePlay()
      return
    }
    const free = onTimeline || target === document.body || target === document.documentElement
    const bracket = event.key === '[' || event.key === ']'
    if (!free && !(bracket && !inBoard && !onControl)) return
    const to = keyTarget(event.key, playback.position, detail.duration, detail.chapters)
    if (to === null) return
    event.preventDefault()
    seek(to)
  })
  new Keyboard(board, {
    help: () => {
      const shortcuts = /** @type {HTMLDetailsElement} */ (byTestId('player-shortcuts'))
      shortcuts.open = true
      shortcuts.querySelector('summary')?.focus()
    },
    duplicate: () => clipboard.duplicate(),
    toggleGrid,
    stopFollowing: () => {
      const was = Boolean(follow.value)
      follow.value = ''
      return was
    }
  })

  window.addEventListener('hashchange', () => {
    const at = timeFromHash(location.hash)
    if (at !== null && Math.abs(at - playback.position) >= 1000) seek(at, false)
  })

  let last = performance.now()
  let labDrawn = 0
  /** @param {number} now */
  const frame = (now) => {
    const elapsed = now - last
    last = now
    if (playback.playing) {
      playback.tick(elapsed)
      // The timer counts down between changes of the room document.
      if (now - labDrawn >= LAB_REFRESH_MS) {
        labDrawn = now
        drawLab()
      }
      drawControls()
      if (!playback.playing) remember()
    }
    requestAnimationFrame(frame)
  }
  requestAnimationFrame(frame)

  await seek(timeFromHash(location.hash) ?? 0, false)
  drawControls()
  document.body.dataset.playerReady = 'true'

  window.coworking = { board, playback, get boardDoc () { return playback.docs.board } }

  // The recording, held in the page: a failure leaves the player as it was, on the server.
  const held = await buffered.load().catch((error) => {
    console.warn('The recording stays on the server:', error)
    return false
  })
  document.body.dataset.playerHeld = String(held)
}

start()
