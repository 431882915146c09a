/** Image uploads to the room's media endpoint. */

/** @returns {string} the CSRF token from Django's cookie */
function csrfToken () {
  const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/)
  return match ? decodeURIComponent(match[1]) : ''
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
  let response
  try {
    response = await fetch(`/r/${encodeURIComponent(slug)}/media/`, {
      method: 'POST',
      body,
      headers: { 'X-CSRFToken': csrfToken() },
      credentials: 'same-origin'
    })
  } catch {
    throw new Error('The image could not be uploaded: the server is unreachable.')
  }
  const data = await response.json().catch(() => null)
  if (!response.ok) {
    throw new Error(typeof data?.error === 'string' ? data.error : `The image could not be uploaded (error ${response.status}).`)
  }
  const width = Number(data?.width)
  const height = Number(data?.height)
  if (typeof data?.src !== 'string' || !Number.isFinite(width) || !Number.isFinite(height)) {
    throw new Error('The server sent an unexpected answer to the upload.')
  }
  return { src: data.src, width, height }
}
