/** Image uploads to the room's media endpoint. */

import { csrfToken } from '../csrf.js'
import { t } from '../i18n.js'

/**
 * What went wrong with an upload or a copy, as a whole sentence.
 * @param {'upload' | 'copy'} action
 * @param {number | null} status the HTTP status, or null when the server could not be reached
 * @returns {string}
 */
function failure (action, status) {
  if (action === 'upload') {
    return status === null
      ? t('The image could not be uploaded: the server is unreachable.')
      // Translators: {status} is an HTTP status code, such as 413.
      : t('The image could not be uploaded (error {status}).', { status })
  }
  return status === null
    ? t('The image could not be copied: the server is unreachable.')
    // Translators: {status} is an HTTP status code, such as 413.
    : t('The image could not be copied (error {status}).', { status })
}

/**
 * POSTs to a room's media endpoint; resolves to the JSON answer or rejects with a readable Error.
 * @param {string} url
 * @param {BodyInit} body
 * @param {Record<string, string>} headers
 * @param {'upload' | 'copy'} action what is being done, for messages
 */
async function post (url, body, headers, action) {
  let response
  try {
    response = await fetch(url, {
      method: 'POST', body, headers: { 'X-CSRFToken': csrfToken(), ...headers }, credentials: 'same-origin'
    })
  } catch {
    throw new Error(failure(action, null))
  }
  const data = await response.json().catch(() => null)
  if (!response.ok) {
    throw new Error(typeof data?.error === 'string' ? data.error : failure(action, response.status))
  }
  return data
}

/**
 * Uploads an image file; resolves to its media URL and pixel size.
 * Rejects with an Error whose message can be shown to the user.
 * @param {string} slug the room
 * @param {File} file
 * @returns {Promise<{src: string, width: number, height: number}>}
 */
export async function uploadImage (slug, file) {
  const body = new FormData()
  body.append('file', file)
  const data = await post(`/r/${encodeURIComponent(slug)}/media/`, body, {}, 'upload')
  const width = Number(data?.width)
  const height = Number(data?.height)
  if (typeof data?.src !== 'string' || !Number.isFinite(width) || !Number.isFinite(height)) {
    throw new Error(t('The server sent an unexpected answer to the upload.'))
  }
  return { src: data.src, width, height }
}

/**
 * Points the images among `list` (plain objects) at copies in this room, so that objects
 * pasted or imported from another room keep their pictures: an embedded picture (`media`:
 * URL -> data URL, from a JSON export) is uploaded; otherwise the server copies the image
 * from its room when you can see that room. Images that cannot be had are left out.
 * @param {string} slug this room
 * @param {Array<Record<string, any>>} list
 * @param {Map<string, string>} [media]
 * @returns {Promise<{objects: Array<Record<string, any>>, dropped: number}>}
 */
export async function adoptImages (slug, list, media = new Map()) {
  const own = `/r/${slug}/media/`
  let dropped = 0
  const objects = await Promise.all(list.map(async (obj) => {
    if (obj?.type !== 'image' || typeof obj.src !== 'string' || obj.src.startsWith(own)) return obj
    try {
      const embedded = media.get(obj.src)
      if (embedded) {
        const blob = await (await fetch(embedded)).blob()
        const copy = await uploadImage(slug, new File([blob], 'image', { type: blob.type }))
        return { ...obj, src: copy.src }
      }
      const body = JSON.stringify({ src: obj.src })
      const copy = await post(`${own}copy/`, body, { 'Content-Type': 'application/json' }, 'copy')
      return { ...obj, src: copy.src }
    } catch {
      dropped++
      return null
    }
  }))
  return { objects: objects.filter((obj) => obj !== null), dropped }
}
