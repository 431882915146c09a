// A stock Yjs client (yjs + y-websocket's WebsocketProvider) against the service, and its
// playback endpoints read as the player reads them (yjs, lib0 and fetch).
//
// Usage: node sync_board.mjs '<json>' where the JSON holds
//   {"mode": "board" | "chat" | "room", "urls": [ws base of server A, ws base of server B],
//    "room": slug, "token": invite token, "notes": how many notes (board mode),
//    "hostToken": a facilitator's invite token (room mode)}
// or, in playback mode, {"mode": "playback", "http": a server's base URL, "room": slug,
//    "token": invite token, "recording": id, "moments": [ms from the start...]}.
// Prints one JSON object with what each client saw; exits non-zero on any timeout.

import WebSocket from 'ws'
import * as Y from 'yjs'
import * as decoding from 'lib0/decoding'
import { WebsocketProvider } from 'y-websocket'

const TIMEOUT_MS = 15000
const config = JSON.parse(process.argv[2])

/** A `ws` WebSocket that sends the Origin header the server checks. */
const socketClass = (url) => {
  const origin = new URL(url).origin.replace(/^ws/, 'http')
  return class extends WebSocket {
    constructor (address, protocols) {
      super(address, protocols, { origin })
    }
  }
}

/** Rejects with a message naming `what` unless `promise` settles within `ms`. */
const within = (promise, what, ms = TIMEOUT_MS) => {
  let timer
  const timeout = new Promise((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out: ${what}`)), ms)
  })
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer))
}

/** JSON with object keys sorted, so equal documents print alike whatever their order. */
const canonical = (value) => JSON.stringify(value, (_key, v) =>
  v && typeof v === 'object' && !Array.isArray(v)
    ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b)))
    : v)

/** Resolves once `check()` holds, re-checking after every update of `doc`. */
const until = (doc, check, what) => within(new Promise((resolve) => {
  const test = () => {
    if (check()) {
      doc.off('update', test)
      resolve()
    }
  }
  doc.on('update', test)
  test()
}), what)

/** A fresh doc connected to `url` as `<room>/<name>`, once its first sync is done. */
const connect = async (url, name, token = config.token) => {
  const doc = new Y.Doc()
  const provider = new WebsocketProvider(url, `${config.room}/${name}`, doc, {
    WebSocketPolyfill: socketClass(url),
    params: { token },
    disableBc: true
  })
  const closes = []
  provider.on('connection-close', (event) => closes.push(event?.code))
  await within(new Promise((resolve) => {
    if (provider.synced) resolve()
    provider.on('sync', (synced) => synced && resolve())
  }), `sync of ${name} on ${url} (closes: ${closes})`)
  return { doc, provider, closes }
}

/** Adds one sticky note, in its own transaction, as the board's client code does. */
const addNote = (doc, index) => {
  const objects = doc.getMap('objects')
  doc.transact(() => {
    const note = new Y.Map()
    const text = new Y.Text()
    text.insert(0, `note ${index}`)
    note.set('type', 'note')
    note.set('x', 40 + 30 * index)
    note.set('y', 60 + 10 * index)
    note.set('w', 180)
    note.set('h', 120)
    note.set('color', index % 2 ? '#ffe066' : '#8ce99a')
    note.set('text', text)
    note.set('author', 'Node client')
    note.set('authorId', 'node')
    note.set('createdAt', 1700000000000 + index)
    note.set('z', index)
    objects.set(`note-${index}`, note)
  })
}

const board = async () => {
  const [writerUrl, readerUrl] = config.urls
  const writer = await connect(writerUrl, 'board')
  const reader = await connect(readerUrl, 'board')
  const readerObjects = reader.doc.getMap('objects')
  const written = writer.doc.getMap('objects')
  const started = Date.now()
  for (let i = 0; i < config.notes; i++) addNote(writer.doc, i)
  // A later edit inside one note's text, so incremental Y.Text updates travel too.
  written.get('note-0').get('text').insert(0, 'edited ')
  const expected = canonical(written.toJSON())
  await until(reader.doc, () => canonical(readerObjects.toJSON()) === expected,
    'the reader seeing every note')
  const seenAfterMs = Date.now() - started
  // A client joining afterwards on the writer's server gets everything: at its first sync
  // what that server has read of the log, then (within a fan-out tick) the rest.
  const late = await connect(writerUrl, 'board')
  const lateObjects = late.doc.getMap('objects')
  await until(late.doc, () => canonical(lateObjects.toJSON()) === expected,
    'the late joiner seeing every note')
  const result = {
    written: written.toJSON(),
    seen: readerObjects.toJSON(),
    late: lateObjects.toJSON(),
    seenAfterMs,
    closes: [...writer.closes, ...reader.closes, ...late.closes]
  }
  for (const client of [writer, reader, late]) client.provider.destroy()
  return result
}

const chat = async () => {
  const [senderUrl, watcherUrl] = config.urls
  const sender = await connect(senderUrl, 'chat')
  const watcher = await connect(watcherUrl, 'chat')
  const text = `hello from node ${Date.now()}`
  // Author fields in the command are the client's claim: the server must ignore them.
  sender.provider.ws.send(JSON.stringify({
    type: 'chat.send', text, author: 'Mallory', authorId: 'u1'
  }))
  const find = (client) => client.doc.getArray('messages').toArray().find((m) => m.text === text)
  await until(sender.doc, () => find(sender) !== undefined, 'the sender seeing its message')
  await until(watcher.doc, () => find(watcher) !== undefined, 'the watcher seeing the message')
  const result = {
    text,
    sent: find(sender),
    watched: find(watcher),
    closes: [...sender.closes, ...watcher.closes]
  }
  for (const client of [sender, watcher]) client.provider.destroy()
  return result
}

const room = async () => {
  const [hostUrl, readerUrl] = config.urls
  const host = await connect(hostUrl, 'room', config.hostToken)
  const reader = await connect(readerUrl, 'room')
  host.provider.ws.send(JSON.stringify({ type: 'timer.start', seconds: 120 }))
  host.provider.ws.send(JSON.stringify({ type: 'board.lock', locked: true }))
  reader.provider.ws.send(JSON.stringify({ type: 'board.lock', locked: false })) // refused
  host.provider.ws.send(JSON.stringify({ type: 'status.set', status: 'available', goal: 'Host the room' }))
  reader.provider.ws.send(JSON.stringify({ type: 'status.set', status: 'available', goal: 'Write the score' }))
  reader.provider.ws.send(JSON.stringify({ type: 'focus.start', workMinutes: 1, breakMinutes: 1 })) // refused
  const state = reader.doc.getMap('room')
  await until(reader.doc, () => Object.keys(state.get('people') ?? {}).length === 2,
    'the reader seeing both desks')
  host.provider.ws.send(JSON.stringify({ type: 'focus.start', workMinutes: 25, breakMinutes: 5 }))
  await until(reader.doc, () => state.get('locked') === true && state.get('timer')?.running &&
    state.get('focus')?.workMinutes === 25,
  'the reader seeing the timer, the lock and the focus rhythm')
  const result = {
    room: state.toJSON(),
    plain: [...state.values()].every((value) => !(value instanceof Y.AbstractType)),
    closes: [...host.closes, ...reader.closes]
  }
  for (const client of [host, reader]) client.provider.destroy()
  return result
}

/** A recording's board read as the player reads it: the `state` endpoint's answer for each
 * moment applied to an empty Y.Doc, and the state at the start with every update of the
 * recording (the `updates` endpoint, lib0-encoded) applied in order. */
const playback = async () => {
  const base = `${config.http}/r/${config.room}/recordings/${config.recording}`
  const get = async (path) => {
    const url = `${base}/${path}&token=${encodeURIComponent(config.token)}`
    const response = await within(fetch(url), `GET ${path}`)
    if (!response.ok) throw new Error(`GET ${path}: ${response.status}`)
    return { bytes: new Uint8Array(await response.arrayBuffer()), headers: response.headers }
  }
  const boardAt = async (at) => {
    const { bytes, headers } = await get(`state?doc=board&at=${at}`)
    const doc = new Y.Doc()
    Y.applyUpdate(doc, bytes)
    return { doc, at: Number(headers.get('x-recording-at')) }
  }
  const states = []
  for (const moment of config.moments) {
    const { doc, at } = await boardAt(moment)
    states.push({ moment, at, objects: doc.getMap('objects').toJSON() })
  }
  const { doc } = await boardAt(0)
  const { bytes, headers } = await get('updates?doc=board')
  const decoder = decoding.createDecoder(bytes)
  const times = []
  for (let count = decoding.readVarUint(decoder); count > 0; count--) {
    times.push(decoding.readVarUint(decoder))
    decoding.readVarString(decoder) // the author
    Y.applyUpdate(doc, decoding.readVarUint8Array(decoder))
  }
  return {
    states,
    times,
    next: headers.get('x-recording-next'),
    replayed: doc.getMap('objects').toJSON()
  }
}

const modes = { board, chat, room, playback }
try {
  const result = await modes[config.mode]()
  // Exit once the output is written: a pipe takes a large one in several writes.
  process.stdout.write(JSON.stringify(result) + '\n', () => process.exit(0))
} catch (error) {
  process.stderr.write(`${error.stack || error}\n`)
  process.exit(1)
}
