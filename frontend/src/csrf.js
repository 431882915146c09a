/** Django's CSRF token, which every POST from the page carries in `X-CSRFToken`. */

/** @returns {string} the CSRF token from Django's cookie */
export function csrfToken () {
  const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/)
  return match ? decodeURIComponent(match[1]) : ''
}
