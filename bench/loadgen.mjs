// Load generator for y-websocket servers. One mode per run:
//
//   updates  R rooms x C clients, S writers per room writing real Yjs updates at a rate;
//            completeness and latency of every delivery.
//   cursors  R rooms x C clients, every client moving a cursor through awareness at a rate
//            (its own Y.Doc clientID, y-protocols encoding); who saw whom, and how fresh.
//   join     C clients join one (seeded) room at once; how many synced, and how fast.
//   idle     R rooms x C clients connect, sync and stay idle (the caller reads memory).
//
// Usage: node loadgen.mjs '<json>' with
//   {"mode": "updates", "targets": ["ws://host:port/ws/rooms", ...],
//    "rooms": [{"name": "demo-0/board", "token": "..."}, ...], "clients": 50, "writers": 10,
//    "rate": 10, "duration": 20, "drain": 10, "connectTimeout": 120}
// Clients of a room are spread round-robin over the targets. In `updates` only writers hold a
// Y.Doc; every other client is a bare socket that answers the sync handshake and scans
// incoming updates for the writers' markers.
//
// Phases: at each point where the caller measures the servers (before and after the load),
// this prints `{"phase": name}` on stdout and waits for one line on stdin. The last stdout
// line is `{"report": {...}}`.

import { performance } from 'node:perf_hooks'
import { createInterface } from 'node:readline'
import WebSocket from 'ws'
import * as Y from 'yjs'
import * as encoding from 'lib0/encoding'
import * as decoding from 'lib0/decoding'
import * as awarenessProtocol from 'y-protocols/awareness'

const config = {
  mode: 'updates',
  writers: 10,
  rate: 10,
  duration: 20,
  drain: 10,
  settle: 5,
  connectTimeout: 120,
  connectBatch: 25,
  ...JSON.parse(process.argv[2])
}

const SYNC = 0
const AWARENESS = 1
const STEP1 = 0
const STEP2 = 1
const UPDATE = 2
const MARK = Buffer.from('<<bm:')
const EMPTY_STATE_VECTOR = new Uint8Array([0])
const EMPTY_UPDATE = new Uint8Array([0, 0])

const syncMessage = (step, payload) => {
  const encoder = encoding.createEncoder()
  encoding.writeVarUint(encoder, SYNC)
  encoding.writeVarUint(encoder, step)
  encoding.writeVarUint8Array(encoder, payload)
  return encoding.toUint8Array(encoder)
}

const awarenessMessage = (payload) => {
  const encoder = encoding.createEncoder()
  encoding.writeVarUint(encoder, AWARENESS)
  encoding.writeVarUint8Array(encoder, payload)
  return encoding.toUint8Array(encoder)
}

const OWN_STEP1 = syncMessage(STEP1, EMPTY_STATE_VECTOR)
const EMPTY_STEP2 = syncMessage(STEP2, EMPTY_UPDATE)

/** Sent updates, indexed by marker number. */
const sentAt = []
const sentBy = []
const latencies = []
const closes = {}
const errors = []
let received = 0
let duplicates = 0
let lastDeliveryAt = 0
let stopping = false

/** Cursors: every receipt's delay from its mover's send time. */
const freshness = []
let cursorReceipts = 0

class Client {
  constructor (room, index, target) {
    this.room = room
    this.index = index
    this.target = target
    this.seen = new Uint8Array(1024)
    this.synced = false
    this.open = false
    this.connectStartedAt = null
    this.syncedAt = null
    this.step2Bytes = 0
    /** Cursors: mover clientID -> [newest send time seen, receipt time]. */
    this.cursors = new Map()
    this.mover = null
  }

  url () {
    const { name, token } = this.room
    return `${this.target}/${name}${token ? `?token=${encodeURIComponent(token)}` : ''}`
  }

  connect () {
    return new Promise((resolve) => {
      this.onSynced = resolve
      this.connectStartedAt = performance.now()
      const origin = new URL(this.target).origin.replace(/^ws/, 'http')
      const ws = this.ws = new WebSocket(this.url(), { origin, perMessageDeflate: false })
      ws.on('open', () => {
        this.open = true
        ws.send(OWN_STEP1)
      })
      ws.on('message', (data, isBinary) => isBinary && this.receive(data))
      ws.on('close', (code) => {
        this.open = false
        if (!stopping) closes[code] = (closes[code] || 0) + 1
        resolve()
      })
      ws.on('error', (error) => errors.push(String(error.message || error)))
    })
  }

  receive (data) {
    const now = performance.now()
    const decoder = decoding.createDecoder(data)
    const kind = decoding.readVarUint(decoder)
    if (kind === AWARENESS) {
      if (this.mover !== null) this.watch(decoding.readVarUint8Array(decoder), now)
      return
    }
    if (kind !== SYNC) return
    const step = decoding.readVarUint(decoder)
    if (step === STEP1) {
      this.ws.send(EMPTY_STEP2)
      return
    }
    if (config.mode === 'updates') this.scan(data, now)
    if (step === STEP2 && !this.synced) {
      this.synced = true
      this.syncedAt = now
      this.step2Bytes = data.length
      this.onSynced()
    }
  }

  /** Records every marker in `data`: one frame may carry many merged updates. */
  scan (data, now) {
    for (let at = data.indexOf(MARK); at !== -1; at = data.indexOf(MARK, at)) {
      at += MARK.length
      let marker = 0
      for (let digit = data[at]; digit >= 48 && digit <= 57; digit = data[++at]) {
        marker = marker * 10 + digit - 48
      }
      if (sentBy[marker] === this) continue
      if (marker >= this.seen.length) {
        const grown = new Uint8Array(Math.max(marker + 1, this.seen.length * 2))
        grown.set(this.seen)
        this.seen = grown
      }
      if (this.seen[marker]) {
        duplicates++
        continue
      }
      this.seen[marker] = 1
      received++
      latencies.push(now - sentAt[marker])
      lastDeliveryAt = now
    }
  }

  /** Reads one awareness update (y-protocols encoding): the newest cursor of each mover. */
  watch (update, now) {
    const decoder = decoding.createDecoder(update)
    const count = decoding.readVarUint(decoder)
    for (let i = 0; i < count; i++) {
      const clientID = decoding.readVarUint(decoder)
      decoding.readVarUint(decoder) // clock
      const json = decoding.readVarString(decoder)
      if (clientID === this.mover.doc.clientID || json === 'null') continue
      const cursor = JSON.parse(json).cursor
      if (!cursor || typeof cursor.t !== 'number') continue
      const known = this.cursors.get(clientID)
      if (known !== undefined && known[0] >= cursor.t) continue
      this.cursors.set(clientID, [cursor.t, now])
      freshness.push(now - cursor.t)
      cursorReceipts++
      lastDeliveryAt = now
    }
  }
}

class Writer {
  constructor (client) {
    this.client = client
    this.doc = new Y.Doc()
    this.map = this.doc.getMap('bench')
    this.key = `writer-${client.index}`
    this.doc.on('update', (update) => { this.pending = update })
  }

  /** Sends one real Yjs update whose content names marker `marker`. */
  write (marker) {
    this.map.set(this.key, `<<bm:${marker}>>`)
    sentAt[marker] = performance.now()
    sentBy[marker] = this.client
    this.client.ws.send(syncMessage(UPDATE, this.pending))
  }
}

/** A client's cursor: its own Y.Doc (so its own clientID) and a y-protocols Awareness. */
class Mover {
  constructor (client) {
    this.client = client
    this.doc = new Y.Doc()
    this.awareness = new awarenessProtocol.Awareness(this.doc)
    clearInterval(this.awareness._checkInterval) // no renewals: only the moves are sent
    this.sent = 0
    this.lastT = null
    this.angle = Math.random() * 2 * Math.PI
  }

  move () {
    this.angle += 0.1
    const t = performance.now()
    this.awareness.setLocalStateField('cursor', {
      x: Math.round(500 + 400 * Math.cos(this.angle)),
      y: Math.round(400 + 300 * Math.sin(this.angle)),
      t
    })
    const update = awarenessProtocol.encodeAwarenessUpdate(this.awareness, [this.doc.clientID])
    this.client.ws.send(awarenessMessage(update))
    this.lastT = t
    this.sent++
  }
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

const percentile = (sorted, p) =>
  sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] : null

const round = (value) => (value === null ? null : Math.round(value * 10) / 10)

const summary = (values) => {
  const sorted = Float64Array.from(values).sort()
  return {
    p50: round(percentile(sorted, 50)),
    p99: round(percentile(sorted, 99)),
    max: round(sorted.length ? sorted[sorted.length - 1] : null)
  }
}

const stdinLines = createInterface({ input: process.stdin })[Symbol.asyncIterator]()

/** Tells the caller we reached `name` and waits until it has measured. */
const phase = async (name) => {
  process.stdout.write(JSON.stringify({ phase: name }) + '\n')
  await stdinLines.next()
}

/** Connects everyone, a batch at a time; resolves when every client has synced. */
const connectAll = async (clients, batchSize = config.connectBatch) => {
  const started = performance.now()
  const deadline = started + config.connectTimeout * 1000
  for (let i = 0; i < clients.length; i += batchSize) {
    const batch = clients.slice(i, i + batchSize).map((client) => client.connect())
    await Promise.race([Promise.all(batch), sleep(Math.max(0, deadline - performance.now()))])
  }
  return performance.now() - started
}

const makeClients = () => {
  const { targets, rooms, clients: perRoom } = config
  const clients = []
  rooms.forEach((room, r) => {
    for (let i = 0; i < perRoom; i++) {
      clients.push(new Client(room, i, targets[(r * perRoom + i) % targets.length]))
    }
  })
  return clients
}

const requireSynced = (clients) => {
  const synced = clients.filter((client) => client.synced && client.open).length
  if (synced < clients.length) {
    throw new Error(`only ${synced} of ${clients.length} clients synced; closes ${
      JSON.stringify(closes)}; errors ${errors.slice(0, 3)}`)
  }
}

/** Measures how late this process's own timers fire (a busy generator skews latency). */
const lagMonitor = () => {
  let max = 0
  let last = performance.now()
  const timer = setInterval(() => {
    const now = performance.now()
    max = Math.max(max, now - last - 50)
    last = now
  }, 50)
  return { stop: () => { clearInterval(timer); return max } }
}

/** Calls `act(i)` for each of `count` actors at `rate` per second each, staggered. */
const paced = (count, rate, duration, act) => new Promise((resolve) => {
  const started = performance.now()
  const stopAt = started + duration * 1000
  const next = Array.from({ length: count }, (_, i) => started + (i / count) * (1000 / rate))
  const tick = () => {
    const now = performance.now()
    if (now >= stopAt) return resolve(now - started)
    for (let i = 0; i < count; i++) {
      while (next[i] <= now) {
        act(i)
        next[i] += 1000 / rate
      }
    }
    setTimeout(tick, 2)
  }
  tick()
})

const closeAll = (clients) => {
  stopping = true
  for (const client of clients) client.ws.terminate()
}

const updates = async () => {
  const { clients: perRoom, writers: writersPerRoom, rate } = config
  const clients = makeClients()
  const connectMs = await connectAll(clients)
  requireSynced(clients)
  const writers = clients.filter((client) => client.index < writersPerRoom)
    .map((client) => new Writer(client))
  await phase('loaded')

  const lag = lagMonitor()
  let marker = 0
  let expected = 0
  const started = performance.now()
  const sentMs = await paced(writers.length, rate, config.duration, (i) => {
    if (!writers[i].client.open) return
    writers[i].write(marker++)
    expected += perRoom - 1
  })
  const drainUntil = performance.now() + config.drain * 1000
  while (received < expected && performance.now() < drainUntil) await sleep(50)
  const generatorLagMaxMs = lag.stop()
  await phase('drained')
  closeAll(clients)

  const spanS = Math.max(lastDeliveryAt - started, sentMs) / 1000
  return {
    rooms: config.rooms.length,
    clients: clients.length,
    writers: writers.length,
    ratePerWriter: rate,
    durationS: round(sentMs / 1000),
    connectS: round(connectMs / 1000),
    updatesSent: marker,
    deliveriesExpected: expected,
    deliveriesReceived: received,
    duplicates,
    completenessPct: expected ? Math.round((received / expected) * 1e4) / 100 : 100,
    deliveredPerSecond: Math.round(received / spanS),
    latencyMs: summary(latencies),
    generatorLagMaxMs: round(generatorLagMaxMs),
    closes,
    errors: errors.slice(0, 5)
  }
}

const cursors = async () => {
  const { rate } = config
  const clients = makeClients()
  const connectMs = await connectAll(clients)
  requireSynced(clients)
  const movers = clients.map((client) => { client.mover = new Mover(client); return client.mover })
  await phase('loaded')

  const lag = lagMonitor()
  const started = performance.now()
  const sentMs = await paced(movers.length, rate, config.duration, (i) => {
    if (movers[i].client.open) movers[i].move()
  })
  // Drain: until every watcher holds every other mover's last cursor, or the drain ends.
  const byRoom = new Map()
  for (const client of clients) {
    if (!byRoom.has(client.room)) byRoom.set(client.room, [])
    byRoom.get(client.room).push(client)
  }
  const current = () => {
    let pairs = 0
    let seen = 0
    let upToDate = 0
    let watchersSawAll = 0
    for (const members of byRoom.values()) {
      for (const watcher of members) {
        let sawAll = true
        for (const other of members) {
          if (other === watcher) continue
          pairs++
          const known = watcher.cursors.get(other.mover.doc.clientID)
          if (known === undefined) { sawAll = false; continue }
          seen++
          if (known[0] === other.mover.lastT) upToDate++
        }
        if (sawAll) watchersSawAll++
      }
    }
    return { pairs, seen, upToDate, watchersSawAll }
  }
  const drainUntil = performance.now() + config.drain * 1000
  let final = current()
  while (final.upToDate < final.pairs && performance.now() < drainUntil) {
    await sleep(100)
    final = current()
  }
  const generatorLagMaxMs = lag.stop()
  await phase('drained')
  const dropped = clients.filter((client) => !client.open).length
  closeAll(clients)

  const spanS = Math.max(lastDeliveryAt - started, sentMs) / 1000
  return {
    rooms: config.rooms.length,
    clients: clients.length,
    movers: movers.length,
    ratePerMover: rate,
    durationS: round(sentMs / 1000),
    connectS: round(connectMs / 1000),
    cursorsSent: movers.reduce((sum, mover) => sum + mover.sent, 0),
    // Every move, to every other client of its room.
    fanOut: movers.reduce((sum, mover) => sum + mover.sent, 0) * (config.clients - 1),
    socketsDropped: dropped,
    watchers: clients.length,
    watchersSawEveryMover: final.watchersSawAll,
    everyMoverSeen: final.watchersSawAll === clients.length,
    pairs: final.pairs,
    pairsSeen: final.seen,
    pairsCurrentAtEndPct: final.pairs ? Math.round((final.upToDate / final.pairs) * 1e4) / 100 : 100,
    // Deliveries that brought a newer cursor than the watcher held (what a screen shows).
    cursorsDelivered: cursorReceipts,
    deliveredPerSecond: Math.round(cursorReceipts / spanS),
    freshnessMs: summary(freshness),
    generatorLagMaxMs: round(generatorLagMaxMs),
    closes,
    errors: errors.slice(0, 5)
  }
}

const join = async () => {
  const clients = makeClients()
  await phase('ready')
  const lag = lagMonitor()
  const connectMs = await connectAll(clients, clients.length)
  const generatorLagMaxMs = lag.stop()
  await phase('joined')
  const synced = clients.filter((client) => client.synced)
  const bytes = Float64Array.from(synced.map((client) => client.step2Bytes)).sort()
  closeAll(clients)
  return {
    clients: clients.length,
    synced: synced.length,
    allSynced: synced.length === clients.length,
    wallS: round(connectMs / 1000),
    syncMs: summary(synced.map((client) => client.syncedAt - client.connectStartedAt)),
    step2BytesMedian: bytes.length ? bytes[Math.floor(bytes.length / 2)] : null,
    generatorLagMaxMs: round(generatorLagMaxMs),
    closes,
    errors: errors.slice(0, 5)
  }
}

const idle = async () => {
  const clients = makeClients()
  // One socket per target first, kept open and not counted: what a server loads on its first
  // socket (code, the first room) is not a per-socket cost.
  const warm = config.targets.map((target) => new Client(config.rooms[0], -1, target))
  await connectAll(warm)
  requireSynced(warm)
  await sleep(config.settle * 1000)
  await phase('ready')
  const connectMs = await connectAll(clients)
  await sleep(config.settle * 1000)
  const open = clients.filter((client) => client.synced && client.open).length
  await phase('connected')
  closeAll([...warm, ...clients])
  return {
    clients: clients.length,
    synced: open,
    connectS: round(connectMs / 1000),
    closes,
    errors: errors.slice(0, 5)
  }
}

const modes = { updates, cursors, join, idle }

try {
  const report = await modes[config.mode]()
  process.stdout.write(JSON.stringify({ report }) + '\n')
  process.exit(0)
} catch (error) {
  process.stderr.write(`${error.stack || error}\n`)
  process.exit(1)
}
