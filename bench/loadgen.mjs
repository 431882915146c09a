// Load generator for y-websocket servers: R rooms x C clients, S writers per room.
//
// Usage: node loadgen.mjs '<json>' with
//   {"targets": ["ws://host:port/ws/rooms", ...],
//    "rooms": [{"name": "demo-0/board", "token": "..."}, ...], "clients": 50, "writers": 10, "rate": 10,
//    "duration": 20, "drain": 10, "connectTimeout": 120}
// Clients of a room are spread round-robin over the targets. Only writers hold a Y.Doc;
// every other client is a bare socket that answers the sync handshake and scans incoming
// updates for the writers' markers. Prints one JSON report on stdout.

import { performance } from 'node:perf_hooks'
import WebSocket from 'ws'
import * as Y from 'yjs'
import * as encoding from 'lib0/encoding'
import * as decoding from 'lib0/decoding'

const config = {
  writers: 10, rate: 10, duration: 20, drain: 10, connectTimeout: 120, connectBatch: 25,
  ...JSON.parse(process.argv[2])
}

const SYNC = 0
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

class Client {
  constructor (room, index, target) {
    this.room = room
    this.index = index
    this.target = target
    this.seen = new Uint8Array(1024)
    this.synced = false
    this.open = false
  }

  url () {
    const { name, token } = this.room
    return `${this.target}/${name}${token ? `?token=${encodeURIComponent(token)}` : ''}`
  }

  connect () {
    return new Promise((resolve) => {
      this.onSynced = resolve
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
    const decoder = decoding.createDecoder(data)
    if (decoding.readVarUint(decoder) !== SYNC) return
    const step = decoding.readVarUint(decoder)
    if (step === STEP1) {
      this.ws.send(EMPTY_STEP2)
      return
    }
    this.scan(data, performance.now())
    if (step === STEP2 && !this.synced) {
      this.synced = true
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

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

const percentile = (sorted, p) =>
  sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] : null

const round = (value) => (value === null ? null : Math.round(value * 10) / 10)

/** Connects everyone, a batch at a time; resolves when every client has synced. */
const connectAll = async (clients) => {
  const started = performance.now()
  const deadline = started + config.connectTimeout * 1000
  for (let i = 0; i < clients.length; i += config.connectBatch) {
    const batch = clients.slice(i, i + config.connectBatch).map((client) => client.connect())
    await Promise.race([Promise.all(batch), sleep(Math.max(0, deadline - performance.now()))])
  }
  return performance.now() - started
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

const main = async () => {
  const { targets, rooms, clients: perRoom, writers: writersPerRoom, rate } = config
  const clients = []
  rooms.forEach((room, r) => {
    for (let i = 0; i < perRoom; i++) {
      clients.push(new Client(room, i, targets[(r * perRoom + i) % targets.length]))
    }
  })
  const connectMs = await connectAll(clients)
  const synced = clients.filter((client) => client.synced && client.open).length
  if (synced < clients.length) {
    throw new Error(`only ${synced} of ${clients.length} clients synced; closes ${
      JSON.stringify(closes)}; errors ${errors.slice(0, 3)}`)
  }
  const writers = clients.filter((client) => client.index < writersPerRoom)
    .map((client) => new Writer(client))

  const lag = lagMonitor()
  let marker = 0
  let expected = 0
  const started = performance.now()
  const stopAt = started + config.duration * 1000
  const next = writers.map((_, i) => started + (i / writers.length) * (1000 / rate))
  await new Promise((resolve) => {
    const tick = () => {
      const now = performance.now()
      if (now >= stopAt) return resolve()
      writers.forEach((writer, i) => {
        while (next[i] <= now && writer.client.open) {
          writer.write(marker++)
          expected += perRoom - 1
          next[i] += 1000 / rate
        }
      })
      setTimeout(tick, 2)
    }
    tick()
  })
  const sentMs = performance.now() - started
  const drainUntil = performance.now() + config.drain * 1000
  while (received < expected && performance.now() < drainUntil) await sleep(50)
  const generatorLagMaxMs = lag.stop()
  stopping = true
  for (const client of clients) client.ws.terminate()

  const sorted = Float64Array.from(latencies).sort()
  const spanS = Math.max(lastDeliveryAt - started, sentMs) / 1000
  return {
    rooms: rooms.length,
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
    latencyMs: {
      p50: round(percentile(sorted, 50)),
      p99: round(percentile(sorted, 99)),
      max: round(sorted.length ? sorted[sorted.length - 1] : null)
    },
    generatorLagMaxMs: round(generatorLagMaxMs),
    closes,
    errors: errors.slice(0, 5)
  }
}

try {
  process.stdout.write(JSON.stringify(await main()) + '\n')
  process.exit(0)
} catch (error) {
  process.stderr.write(`${error.stack || error}\n`)
  process.exit(1)
}
