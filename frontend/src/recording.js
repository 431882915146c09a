/**
 * Recording on the room page: the notice shown before entering a room that records, the
 * "Recording" indicator in the room header, and the facilitator's Record / Stop recording
 * controls in the lab panel, which send `recording.start` and `recording.stop` (the server
 * checks and writes the room document's `recording`, which everything here follows).
 */

import { t } from './i18n.js'

/**
 * @typedef {object} Recording
 * @property {string} id
 * @property {string} title
 * @property {number | null} startedAt server ms
 */

/**
 * The room document's `recording`, read defensively: any object means the room records
 * (people are told so even when a field is odd); null, absent or anything else means not.
 * @param {unknown} value
 * @returns {Recording | null}
 */
export function recordingOf (value) {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return null
  const { id, title, startedAt } = /** @type {Record<string, unknown>} */ (value)
  return {
    id: typeof id === 'string' || typeof id === 'number' ? String(id) : '',
    title: typeof title === 'string' ? title : '',
    startedAt: typeof startedAt === 'number' && Number.isFinite(startedAt) ? startedAt : null
  }
}

/**
 * What the facilitator's status line says about a running recording.
 * @param {Recording} recording
 * @param {(ms: number) => string} timeOf a moment (server ms) as a local clock time
 * @returns {string}
 */
export function recordingStatus (recording, timeOf) {
  const title = recording.title
  if (recording.startedAt === null) {
    return title
      // Translators: the status of a room being recorded, with the recording's title.
      ? t('Recording “{title}”.', { title })
      // Translators: the status of a room being recorded.
      : t('Recording.')
  }
  const time = timeOf(recording.startedAt)
  return title
    // Translators: the status of a room being recorded: the recording's title and the time it started (14:05).
    ? t('Recording “{title}” since {time}.', { title, time })
    // Translators: the status of a room being recorded, and the time it started (14:05).
    : t('Recording since {time}.', { time })
}

/**
 * Keeps the room closed behind the recording notice: nothing connects until the person
 * chooses "Enter the room" ("Not now" is a link back to the lobby).
 * @param {HTMLElement} notice the `recording-notice` element
 * @param {() => void} enter opens the room: its sockets and everything on the page
 */
export function enterAfterNotice (notice, enter) {
  const button = notice.querySelector('[data-recording-enter]')
  button?.addEventListener('click', () => {
    notice.remove()
    document.body.classList.remove('has-recording-notice')
    const title = /** @type {HTMLElement | null} */ (document.querySelector('.room-title'))
    title?.focus()
    enter()
  }, { once: true })
}

export class RecordingControls {
  /**
   * @param {object} options
   * @param {{hidden: boolean, title: string}} options.indicator the header's `recording-indicator`
   * @param {(id: string) => any} options.part an element of the lab panel by test id (null when the page has none)
   * @param {{get: (key: string) => unknown, observe: (listener: () => void) => void}} options.state the room document's map
   * @param {{synced: boolean, on: (event: string, listener: (value: any) => void) => void}} options.provider the room document's connection
   * @param {(command: Record<string, unknown>) => boolean} options.send sends a room command; false if it could not
   * @param {(listener: (reply: any) => void) => void} options.onReply hears the server's type-100 replies
   * @param {(ms: number) => string} options.timeOf a moment (server ms) as a local clock time
   */
  constructor ({ indicator, part, state, provider, send, onReply, timeOf }) {
    this.indicator = indicator
    this.part = part
    this.state = state
    this.provider = provider
    this.send = send
    this.timeOf = timeOf
    /** The command sent and not yet seen in the room document nor refused. @type {'start' | 'stop' | null} */
    this.pending = null
    /** @param {string} id @param {() => void} action */
    const on = (id, action) => this.part(id)?.addEventListener('click', action)
    on('lab-recording-start', () => this.start())
    on('lab-recording-stop', () => this.stop())
    state.observe(() => this.render())
    provider.on('sync', () => this.render())
    // A command lost with its connection is neither carried out nor refused.
    provider.on('status', ({ status }) => {
      if (status === 'connected' || this.pending === null) return
      this.pending = null
      this.render()
    })
    onReply((reply) => {
      if (reply?.type !== 'room.error' || this.pending === null) return
      this.pending = null // the lab panel shows the server's reason
      this.render()
    })
    this.render()
  }

  start () {
    const field = this.part('lab-recording-title')
    const title = typeof field?.value === 'string' ? field.value.trim() : ''
    if (this.send(title ? { type: 'recording.start', title } : { type: 'recording.start' })) this.pending = 'start'
    this.render()
  }

  stop () {
    if (this.send({ type: 'recording.stop' })) this.pending = 'stop'
    this.render()
  }

  /** Shows what the room document says, once it has synced (before, the page says what the server rendered). */
  render () {
    if (!this.provider.synced) return
    const recording = recordingOf(this.state.get('recording'))
    if ((this.pending === 'start' && recording) || (this.pending === 'stop' && !recording)) {
      if (this.pending === 'start') {
        const field = this.part('lab-recording-title')
        if (field) field.value = ''
      }
      this.pending = null
    }
    this.indicator.hidden = !recording
    // Translators: the tip of the indicator that a room is being recorded, with the recording's title.
    this.indicator.title = recording?.title ? t('Recording: {title}', { title: recording.title }) : ''
    const startButton = this.part('lab-recording-start')
    const stopButton = this.part('lab-recording-stop')
    const titleLabel = this.part('lab-recording-title-label')
    const status = this.part('lab-recording-status')
    if (startButton) {
      startButton.hidden = Boolean(recording)
      startButton.disabled = this.pending !== null
    }
    if (stopButton) {
      stopButton.hidden = !recording
      stopButton.disabled = this.pending !== null
    }
    if (titleLabel) titleLabel.hidden = Boolean(recording)
    if (status) {
      // Translators: the status of a room that is not being recorded.
      status.textContent = recording ? recordingStatus(recording, this.timeOf) : t('Not recording.')
    }
  }
}
