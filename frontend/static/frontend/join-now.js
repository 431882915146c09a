// Shows each session's "Join now" link (data-join-opens / data-join-ends, ISO times) from ten
// minutes before the session starts until it ends, also while the page stays open; the server
// renders the state at the time of the request. Served as written.
const LONGEST_WAIT_MS = 2 ** 31 - 1 // setTimeout's limit
function update (link) {
  const now = Date.now()
  const opens = Date.parse(link.dataset.joinOpens)
  const ends = Date.parse(link.dataset.joinEnds)
  if (Number.isNaN(opens) || Number.isNaN(ends)) return
  link.hidden = now < opens || now >= ends
  const next = now < opens ? opens : ends
  if (now < ends) setTimeout(() => update(link), Math.min(next - now + 50, LONGEST_WAIT_MS))
}
document.querySelectorAll('a[data-join-opens]').forEach(update)
