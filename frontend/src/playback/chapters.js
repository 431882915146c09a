/** The phases of a recording as chapters of its timeline, and where playback goes next. */

/**
 * @typedef {{at: number, title: string}} Chapter a phase that started `at` ms from the start;
 *   it lasts until the next chapter, or the end
 */

/** Within this much of a chapter's start, "previous" goes to the chapter before it. */
export const RESTART_GRACE_MS = 2000

/**
 * The chapter playing at a moment.
 * @param {Chapter[]} chapters by start, earliest first
 * @param {number} ms
 * @returns {number} its index, or -1 before the first chapter
 */
export function chapterAt (chapters, ms) {
  let found = -1
  for (const [index, chapter] of chapters.entries()) {
    if (chapter.at > ms) break
    found = index
  }
  return found
}

/**
 * Where "previous phase" goes from a moment: the start of the chapter playing, unless that
 * is less than RESTART_GRACE_MS back, then the start of the one before (or the recording's).
 * @param {Chapter[]} chapters
 * @param {number} ms
 * @returns {number}
 */
export function previousChapterStart (chapters, ms) {
  const index = chapterAt(chapters, ms)
  if (index < 0) return 0
  if (ms - chapters[index].at >= RESTART_GRACE_MS) return chapters[index].at
  return index > 0 ? chapters[index - 1].at : 0
}

/**
 * Where "next phase" goes from a moment: the start of the next chapter, or null when none is left.
 * @param {Chapter[]} chapters
 * @param {number} ms
 * @returns {number | null}
 */
export function nextChapterStart (chapters, ms) {
  return chapters.find((chapter) => chapter.at > ms)?.at ?? null
}

/** How far the arrow keys move along the timeline. */
export const KEY_STEP_MS = 5000

/**
 * Where a key pressed on the timeline goes: arrows 5 s back or on, Home and End, PageUp or
 * `[` the previous phase, PageDown or `]` the next.
 * @param {string} key `KeyboardEvent.key`
 * @param {number} ms now
 * @param {number} duration
 * @param {Chapter[]} chapters
 * @returns {number | null} the moment, or null for a key the timeline leaves alone
 */
export function keyTarget (key, ms, duration, chapters) {
  switch (key) {
    case 'ArrowLeft':
    case 'ArrowDown':
      return Math.max(0, ms - KEY_STEP_MS)
    case 'ArrowRight':
    case 'ArrowUp':
      return Math.min(duration, ms + KEY_STEP_MS)
    case 'Home':
      return 0
    case 'End':
      return duration
    case 'PageUp':
    case '[':
      return previousChapterStart(chapters, ms)
    case 'PageDown':
    case ']':
      return nextChapterStart(chapters, ms) ?? duration
  }
  return null
}

/**
 * Where playback skipping idle stretches goes from `ms`: to shortly before the next change
 * when that is more than `idleMs` ahead, else nowhere.
 * @param {number} ms now
 * @param {number | null} next the time of the next change, null when none is known
 * @param {number} idleMs the longest stretch played through
 * @param {number} leadMs how much of the quiet before the change is still played
 * @returns {number | null}
 */
export function skipIdle (ms, next, idleMs, leadMs) {
  if (next === null || next - ms <= idleMs) return null
  return next - leadMs
}
