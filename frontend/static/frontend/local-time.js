// Shows each <time data-local-time datetime="..."> of the page in the page's language, and
// in the time zone its data-time-zone names (the one chosen in the profile), else the
// browser's own; without JavaScript it keeps the server's text. Served as written.
const language = document.documentElement.lang || undefined
const formats = new Map()
function formatIn (zone) {
  if (!formats.has(zone)) {
    const options = { dateStyle: 'medium', timeStyle: 'short' }
    try {
      formats.set(zone, new Intl.DateTimeFormat(language, zone ? { ...options, timeZone: zone } : options))
    } catch {
      formats.set(zone, new Intl.DateTimeFormat(language, options)) // a zone this browser lacks
    }
  }
  return formats.get(zone)
}
for (const element of document.querySelectorAll('time[data-local-time]')) {
  const moment = new Date(element.dateTime)
  if (!Number.isNaN(moment.getTime())) {
    element.textContent = formatIn(element.dataset.timeZone ?? '').format(moment)
    element.title = moment.toISOString()
  }
}
