/** Pure geometry: boxes, connector routes, freehand smoothing and grid snapping. */

/** @typedef {{x: number, y: number, w: number, h: number}} Box */
/** @typedef {{x: number, y: number}} Point */

/** @param {Box} box @returns {Point} */
export const centre = (box) => ({ x: box.x + box.w / 2, y: box.y + box.h / 2 })

/**
 * The smallest box holding all `boxes`, or null for none.
 * @param {Iterable<Box>} boxes
 * @returns {Box | null}
 */
export function unionBox (boxes) {
  let x0 = Infinity; let y0 = Infinity; let x1 = -Infinity; let y1 = -Infinity
  for (const b of boxes) {
    x0 = Math.min(x0, b.x); y0 = Math.min(y0, b.y)
    x1 = Math.max(x1, b.x + b.w); y1 = Math.max(y1, b.y + b.h)
  }
  return x0 === Infinity ? null : { x: x0, y: y0, w: x1 - x0, h: y1 - y0 }
}

/** Box spanned by two corner points. @param {Point} a @param {Point} b @returns {Box} */
export const boxFromPoints = (a, b) => ({
  x: Math.min(a.x, b.x), y: Math.min(a.y, b.y), w: Math.abs(a.x - b.x), h: Math.abs(a.y - b.y)
})

/**
 * Where the ray from the centre of `box` towards `target` leaves the box.
 * @param {Box} box
 * @param {Point} target
 * @returns {Point}
 */
export function edgePoint (box, target) {
  const c = centre(box)
  const dx = target.x - c.x
  const dy = target.y - c.y
  if (dx === 0 && dy === 0) return c
  const t = Math.min(dx === 0 ? Infinity : box.w / 2 / Math.abs(dx), dy === 0 ? Infinity : box.h / 2 / Math.abs(dy))
  return t >= 1 ? c : { x: c.x + dx * t, y: c.y + dy * t }
}

/**
 * The segment a connector draws between two boxes: from edge to edge along the centre line.
 * @param {Box} from
 * @param {Box} to
 * @returns {[Point, Point]}
 */
export function connectorLine (from, to) {
  return [edgePoint(from, centre(to)), edgePoint(to, centre(from))]
}

/**
 * An arrowhead at `tip`, pointing away from `tail`, as an SVG path.
 * @param {Point} tail
 * @param {Point} tip
 * @param {number} size
 */
export function arrowHead (tail, tip, size = 12) {
  const angle = Math.atan2(tip.y - tail.y, tip.x - tail.x)
  const left = { x: tip.x - size * Math.cos(angle - 0.45), y: tip.y - size * Math.sin(angle - 0.45) }
  const right = { x: tip.x - size * Math.cos(angle + 0.45), y: tip.y - size * Math.sin(angle + 0.45) }
  return `M${left.x} ${left.y}L${tip.x} ${tip.y}L${right.x} ${right.y}Z`
}

/**
 * Ramer-Douglas-Peucker simplification of a flat [x0, y0, x1, y1, ...] list.
 * @param {number[]} points
 * @param {number} tolerance
 * @returns {number[]}
 */
export function simplify (points, tolerance) {
  const count = points.length / 2
  if (count < 3) return points.slice()
  const keep = new Uint8Array(count)
  keep[0] = keep[count - 1] = 1
  const stack = [[0, count - 1]]
  const tol2 = tolerance * tolerance
  while (stack.length) {
    const [a, b] = /** @type {[number, number]} */ (stack.pop())
    const ax = points[a * 2]; const ay = points[a * 2 + 1]
    const dx = points[b * 2] - ax; const dy = points[b * 2 + 1] - ay
    const len2 = dx * dx + dy * dy
    let worst = -1; let index = -1
    for (let i = a + 1; i < b; i++) {
      const px = points[i * 2] - ax; const py = points[i * 2 + 1] - ay
      let d2
      if (len2 === 0) d2 = px * px + py * py
      else {
        const t = Math.max(0, Math.min(1, (px * dx + py * dy) / len2))
        d2 = (px - t * dx) ** 2 + (py - t * dy) ** 2
      }
      if (d2 > worst) { worst = d2; index = i }
    }
    if (worst > tol2) {
      keep[index] = 1
      stack.push([a, index], [index, b])
    }
  }
  const out = []
  for (let i = 0; i < count; i++) if (keep[i]) out.push(points[i * 2], points[i * 2 + 1])
  return out
}

/**
 * A smooth SVG path through flat points: quadratic curves with the points as control points
 * and the midpoints between them as anchors.
 * @param {number[]} points
 */
export function smoothPath (points) {
  const n = points.length / 2
  if (n === 0) return ''
  const r = (/** @type {number} */ v) => Math.round(v * 10) / 10
  if (n < 3) {
    let d = `M${r(points[0])} ${r(points[1])}`
    for (let i = 1; i < n; i++) d += `L${r(points[i * 2])} ${r(points[i * 2 + 1])}`
    return n === 1 ? d + 'l0.1 0' : d
  }
  let d = `M${r(points[0])} ${r(points[1])}`
  for (let i = 1; i < n - 1; i++) {
    const x = points[i * 2]; const y = points[i * 2 + 1]
    const mx = (x + points[i * 2 + 2]) / 2; const my = (y + points[i * 2 + 3]) / 2
    d += `Q${r(x)} ${r(y)} ${r(mx)} ${r(my)}`
  }
  return d + `L${r(points[n * 2 - 2])} ${r(points[n * 2 - 1])}`
}

/** @param {number} value @param {number} grid */
export const snap = (value, grid) => Math.round(value / grid) * grid
