// Shows each <time data-local-time datetime="..."> of the page in the viewer's own time zone
// and language; without JavaScript it keeps the server's text (UTC). Served as written.
const format = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' })
for (const element of document.querySelectorAll('time[data-local-time]')) {
  const moment = new Date(element.dateTime)
  if (!Number.isNaN(moment.getTime())) {
    element.textContent = format.format(moment)
    element.title = moment.toISOString()
  }
}
