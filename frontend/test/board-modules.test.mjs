/**
 * Board templates, exports, style commands and the outline's content against real Yjs documents. exportPng,
 * download and the Outline's DOM need a browser; the browser tests cover them.
 */

import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import * as Y from 'yjs'
import { exportDocument, importDocument, insertObjects, plainObjects, sanitize } from '../src/board/codec.js'
import { PALETTE, exportCsv, exportJson, exportMarkdown, exportSvg } from '../src/board/export.js'
import { Outline, outlineNodes } from '../src/board/outline.js'
import { Commands } from '../src/board/commands.js'
import { BoardModel } from '../src/board/model.js'
import { INK_COLORS, NOTE_COLORS, framesOf } from '../src/board/schema.js'
import { boardSections } from '../src/board/sections.js'
import { TEMPLATES, templateObjects } from '../src/board/templates.js'
import { parseAgenda } from '../src/agenda.js'

const origin = Symbol('test')

/** @param {Array<Record<string, any>>} objects @returns {Y.Doc} */
function board (objects) {
  const doc = new Y.Doc()
  insertObjects(doc, objects, { origin, keepIds: true })
  return doc
}

/** @param {string} id @param {number} x @param {number} y @param {string} text @param {Record<string, any>} [extra] */
const note = (id, x, y, text, extra = {}) => ({ id, type: 'note', x, y, text, author: 'Ada', authorId: 'u1', ...extra })
/** @param {string} id @param {number} x @param {number} y @param {string} title */
const frame = (id, x, y, title) => ({ id, type: 'frame', x, y, w: 640, h: 440, title })

describe('templates', () => {
  test('lists the expected recipes, each with an agenda that runs a lab on it', () => {
    assert.deepEqual(TEMPLATES.map((t) => t.id), [
      'blank', 'brainstorm', 'crazy-8s', 'swot', 'lean-canvas', 'business-model-canvas', 'empathy-map', 'matrix-2x2', 'retrospective'
    ])
    for (const template of TEMPLATES) {
      assert.ok(template.name && template.description, template.id)
      if (template.id === 'blank') continue
      const frames = templateObjects(template.id).filter((o) => o.type === 'frame')
      const named = (/** @type {string} */ title) => frames.find((f) => f.title.toLowerCase() === title.toLowerCase())?.id ?? null
      const agenda = parseAgenda(template.agenda, named)
      assert.equal(agenda.length, template.agenda.split('\n').length, `${template.id}: every line is a phase`)
      assert.ok(agenda.every((phase) => phase.minutes > 0 && phase.minutes <= 240 && !phase.title.includes('[')), template.id)
    }
    const brainstorm = parseAgenda(TEMPLATES[1].agenda, (title) => (title === 'Your ideas' ? 'ideas' : null))
    assert.deepEqual(brainstorm.map((phase) => phase.tools), [{}, { private: true }, { breakouts: { count: 2 } }, { vote: { budget: 3 } }, {}])
    assert.equal(brainstorm[1].frame, 'ideas', 'ideas written on your own are revealed into their frame')
    assert.deepEqual(templateObjects('blank'), [])
    assert.throws(() => templateObjects('nope'), /Unknown template/)
  })

  for (const { id } of TEMPLATES.filter((t) => t.id !== 'blank')) {
    test(`${id}: objects pass sanitize unchanged, are laid out around the origin and insert whole`, () => {
      const objects = templateObjects(id)
      const ids = objects.map((o) => o.id)
      assert.equal(new Set(ids).size, ids.length, 'ids are unique')
      for (const { id: objectId, ...fields } of objects) {
        assert.deepEqual(sanitize(fields), fields, objectId)
      }
      for (const o of objects.filter((o) => o.type === 'connector')) {
        assert.ok(ids.includes(o.from) && ids.includes(o.to), o.id)
      }
      const boxes = objects.filter((o) => o.type !== 'connector')
      const left = Math.min(...boxes.map((o) => o.x))
      const right = Math.max(...boxes.map((o) => o.x + o.w))
      const top = Math.min(...boxes.map((o) => o.y))
      const bottom = Math.max(...boxes.map((o) => o.y + o.h))
      assert.ok(Math.abs(left + right) < 200 && Math.abs(top + bottom) < 400, 'centred near (0, 0)')

      const plain = new Map(objects.map(({ id: objectId, ...o }) => [objectId, o]))
      const frameOf = framesOf(plain)
      for (const o of objects.filter((o) => o.id.endsWith('-prompt'))) {
        assert.equal(frameOf.get(o.id), o.id.slice(0, -'-prompt'.length), `${o.id} lies in its frame`)
      }

      const doc = new Y.Doc()
      assert.equal(insertObjects(doc, objects, { origin, author: { id: 'u1', name: 'Ada' } }).length, objects.length)
      assert.equal(plainObjects(doc).size, objects.length)
    })
  }

  test('scaffolding comes locked: select-all and delete take only the starter notes and their links', () => {
    const pat = { id: 'u2', name: 'Pat' }
    for (const { id } of TEMPLATES.filter((t) => t.id !== 'blank')) {
      const objects = templateObjects(id)
      const notes = new Set(objects.filter((o) => o.type === 'note').map((o) => o.id))
      const free = new Set(objects.filter((o) => notes.has(o.id) || notes.has(o.from) || notes.has(o.to)).map((o) => o.id))
      for (const o of objects) assert.equal(o.locked === true, !free.has(o.id), `${id}: ${o.id}`)
      const scaffolding = objects.length - free.size
      assert.ok(scaffolding > 0, id)

      const doc = new Y.Doc()
      const ids = insertObjects(doc, objects, { origin, author: { id: 'u1', name: 'Fay' } })
      const commands = new Commands({ model: new BoardModel(doc), origin, user: pat, author: pat })
      assert.equal(commands.remove(ids), scaffolding, `${id}: kept`)
      const left = [...plainObjects(doc).values()]
      assert.equal(left.length, scaffolding, id)
      assert.ok(left.every((o) => o.locked && o.type !== 'note'), id)
    }
  })

  test('sections have the expected frames', () => {
    /** @param {string} id */
    const titles = (id) => templateObjects(id).filter((o) => o.type === 'frame').map((o) => o.title)
    assert.deepEqual(titles('swot'), ['Strengths', 'Weaknesses', 'Opportunities', 'Threats'])
    assert.deepEqual(titles('empathy-map'), ['Says', 'Thinks', 'Does', 'Feels'])
    assert.deepEqual(titles('crazy-8s'), ['1', '2', '3', '4', '5', '6', '7', '8'])
    assert.equal(titles('business-model-canvas').length, 9)
    assert.equal(titles('lean-canvas').length, 9)
    assert.equal(titles('matrix-2x2').length, 4)
    assert.equal(templateObjects('matrix-2x2').filter((o) => o.type === 'connector').length, 2)
    const brainstorm = templateObjects('brainstorm')
    assert.equal(brainstorm.filter((o) => o.type === 'connector').length, brainstorm.filter((o) => o.type === 'note').length)
  })

  test('the Business Model Canvas reads in its canonical order', () => {
    const doc = board(templateObjects('business-model-canvas'))
    const { frames } = boardSections(plainObjects(doc))
    assert.deepEqual(frames.map((s) => s.title), [
      'Key Partners', 'Key Activities', 'Value Propositions', 'Customer Relationships', 'Customer Segments',
      'Key Resources', 'Channels', 'Cost Structure', 'Revenue Streams'
    ])
  })
})

describe('exports', () => {
  const sample = () => board([
    frame('right', 700, 0, 'Second'),
    frame('left', 0, 10, 'First'),
    note('a', 20, 200, 'Lower note', { reactions: { 'u1 👍': 1, 'u2 👍': 1, 'u1 💡': 1 } }),
    note('b', 20, 40, 'Upper note\nsecond line'),
    note('c', 720, 40, '# not a heading', { author: 'Grace' }),
    note('d', 2000, 2000, 'Loose'),
    { id: 'e', type: 'note', x: 20, y: 250, w: 200, h: 160, text: '   ' }
  ])

  test('JSON is the codec export', () => {
    const doc = sample()
    assert.deepEqual(JSON.parse(exportJson(doc)), exportDocument(doc))
  })

  test('Markdown groups notes by frame in reading order, with authors and reactions', () => {
    const markdown = exportMarkdown(sample())
    assert.equal(markdown, [
      '# Board',
      '',
      '## First',
      '',
      '- Upper note',
      '  second line — Ada',
      '- Lower note — Ada 👍 2 💡 1',
      '',
      '## Second',
      '',
      '- \\# not a heading — Grace',
      '',
      '## Not in a frame',
      '',
      '- Loose — Ada',
      ''
    ].join('\n'))
  })

  test('Markdown leaves out authors when anonymous', () => {
    const markdown = exportMarkdown(sample(), { anonymous: true })
    assert.ok(!markdown.includes('Ada') && !markdown.includes('Grace'))
    assert.ok(markdown.includes('- Lower note 👍 2 💡 1\n'))
  })

  test('Markdown escapes leading syntax and HTML tags, and nothing else', () => {
    const doc = board([note('a', 0, 0, '1. first\n> quoted <b>bold</b> a < b\n[x]: http://example.com', { author: '<img src=x>' })])
    assert.equal(exportMarkdown(doc).split('## Not in a frame\n\n')[1], [
      '- 1\\. first',
      '  \\> quoted \\<b>bold\\</b> a < b',
      '  \\[x]: http://example.com — \\<img src=x>',
      ''
    ].join('\n'))
  })

  test('CSV quotes fields, guards against formulas and uses CRLF', () => {
    const doc = board([
      frame('f', 0, 0, 'Plan, "v2"'),
      note('a', 10, 10, 'say "hi", then\nleave'),
      note('b', 300, 10, '=HYPERLINK("http://x")'),
      note('c', -500, -400, '-1+2', { author: '@mallory', reactions: { 'u1 👍': 1, 'u1 🎉': 1 } }),
      note('d', -500, 0, '\tindented', { author: '+plus' })
    ])
    const csv = exportCsv(doc)
    const lines = csv.split('\r\n')
    assert.equal(lines.pop(), '', 'ends with CRLF')
    assert.ok(!csv.replace(/\r\n/g, '').includes('\r'))
    assert.equal(lines[0], 'frame,type,text,author,color,reactions,votes,x,y')
    assert.equal(lines[1], '"Plan, ""v2""",note,"say ""hi"", then\nleave",Ada,yellow,,,10,10')
    assert.equal(lines[2], '"Plan, ""v2""",note,"\'=HYPERLINK(""http://x"")",Ada,yellow,,,300,10')
    assert.equal(lines[3], ',note,\'-1+2,\'@mallory,yellow,👍 1; 🎉 1,,-500,-400')
    assert.equal(lines[4], ',note,\'\tindented,\'+plus,yellow,,,-500,0')

    const anonymous = exportCsv(doc, { anonymous: true }).split('\r\n')
    assert.equal(anonymous[3], ',note,\'-1+2,,yellow,👍 1; 🎉 1,,-500,-400')
  })

  test('with a vote\'s results, Markdown and CSV list notes by votes and carry them', () => {
    const votes = new Map([['a', 3], ['c', 1], ['d', 2]])
    const markdown = exportMarkdown(sample(), { votes })
    assert.equal(markdown, [
      '# Board',
      '',
      '## First',
      '',
      '- Lower note — Ada 👍 2 💡 1 (3 votes)',
      '- Upper note',
      '  second line — Ada',
      '',
      '## Second',
      '',
      '- \\# not a heading — Grace (1 vote)',
      '',
      '## Not in a frame',
      '',
      '- Loose — Ada (2 votes)',
      ''
    ].join('\n'))
    assert.ok(exportMarkdown(sample(), { anonymous: true, votes }).includes('- Lower note 👍 2 💡 1 (3 votes)\n'))

    const rows = exportCsv(sample(), { votes }).split('\r\n')
    assert.equal(rows[0], 'frame,type,text,author,color,reactions,votes,x,y')
    assert.equal(rows[1], 'First,note,Lower note,Ada,yellow,👍 2; 💡 1,3,20,200')
    assert.equal(rows[2], 'First,note,"Upper note\nsecond line",Ada,yellow,,0,20,40')
    assert.equal(rows[5], ',note,Loose,Ada,yellow,,2,2000,2000')
  })

  test('SVG escapes text and draws one element per object', () => {
    const doc = board([
      frame('f', 0, 0, 'Frame <b>&'),
      note('n', 20, 20, '<script>alert("x")</script>\u0001', { author: 'A & B' }),
      { id: 't', type: 'text', x: 300, y: 20, w: 200, h: 40, text: "it's <fine>", color: 'blue' },
      { id: 's', type: 'shape', shape: 'diamond', x: 20, y: 220, w: 180, h: 120, text: 'Decide' },
      { id: 'c', type: 'connector', from: 'n', to: 's', arrow: 'both', color: 'red' },
      { id: 'd', type: 'drawing', x: 900, y: 900, w: 50, h: 50, points: [0, 0, 10, 20, 30, 10, 50, 50], color: 'green', width: 4 },
      { id: 'i', type: 'image', x: 700, y: 0, w: 100, h: 80, src: '/r/lab/media/photo.png', alt: 'A "photo"' }
    ])
    const svg = exportSvg(doc)
    assert.ok(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"'))
    assert.ok(!svg.includes('<script') && !svg.includes('<b>') && !svg.includes('\u0001'))
    assert.ok(svg.includes('&lt;script&gt;alert(&quot;x&quot;)'))
    assert.ok(svg.includes('Frame &lt;b&gt;&amp;') && svg.includes('A &amp; B') && svg.includes('it&#39;s &lt;fine&gt;'))
    assert.equal(svg.match(/<g data-id=/g)?.length, 7)
    assert.equal(svg.match(/<g /g)?.length, svg.match(/<\/g>/g)?.length)
    assert.ok(svg.includes('<polygon') && svg.includes('marker-start="url(#arrow-red)"') && svg.includes('<marker id="arrow-red"'))
    assert.match(svg, /<path d="M900,900Q910,920 /)
    assert.ok(svg.includes('href="/r/lab/media/photo.png"'))
    assert.ok(!/&(?!amp;|lt;|gt;|quot;|#39;)/.test(svg), 'every ampersand is an entity')

    assert.ok(!exportSvg(doc, { anonymous: true }).includes('A &amp; B'))
  })

  test('SVG of one frame holds the frame and what lies in it', () => {
    const doc = board([
      frame('f', 0, 0, 'Inside'),
      note('in', 20, 20, 'kept'),
      note('out', 1000, 20, 'dropped'),
      { id: 'c', type: 'connector', from: 'in', to: 'out' }
    ])
    const svg = exportSvg(doc, { frameId: 'f' })
    assert.equal(svg.match(/<g data-id=/g)?.length, 2)
    assert.ok(svg.includes('kept') && !svg.includes('dropped'))
    assert.match(svg, /viewBox="-40 -68 720 548"/)
    assert.throws(() => exportSvg(doc, { frameId: 'in' }), /no such frame/)
  })

  test('the palette covers every colour', () => {
    assert.deepEqual(Object.keys(PALETTE.note).sort(), [...NOTE_COLORS].sort())
    assert.deepEqual(Object.keys(PALETTE.ink).sort(), [...INK_COLORS].sort())
  })

  test('the JSON export round-trips losslessly through importDocument', async () => {
    const doc = board([
      frame('f', 0, 0, 'Frame'),
      note('n', 20, 20, 'Hello\nworld', { color: 'pink', createdAt: 1700000000000, reactions: { 'u1 ❤️': 1 } }),
      { id: 't', type: 'text', x: 300, y: 20, w: 200, h: 40, text: 'Title', color: 'blue', fontSize: 32 },
      { id: 's', type: 'shape', shape: 'ellipse', x: 20, y: 220, w: 180, h: 120, text: 'Oval', color: 'green' },
      { id: 'c', type: 'connector', from: 'n', to: 's', arrow: 'none', color: 'purple' },
      { id: 'd', type: 'drawing', x: 900, y: 900, w: 50, h: 50, points: [0, 0, 10.5, 20, 50, 50], color: 'red', width: 2 },
      { id: 'i', type: 'image', x: 700, y: 0, w: 100, h: 80, src: '/r/lab/media/a.png', alt: 'A' }
    ])
    const copy = new Y.Doc()
    await importDocument(copy, exportJson(doc), origin)
    /** @param {Y.Doc} d */
    const sorted = (d) => exportDocument(d).objects.sort((a, b) => a.id.localeCompare(b.id))
    assert.equal(sorted(copy).length, 7)
    assert.deepEqual(sorted(copy), sorted(doc))
  })
})

describe('outline', () => {
  const sample = () => board([
    frame('outer', 0, 0, 'Outer'),
    { id: 'inner', type: 'frame', x: 300, y: 100, w: 300, h: 300, title: 'Inner' },
    note('a', 20, 100, 'First\nline', { reactions: { 'u1 👍': 1, 'u2 👍': 1, 'u3 👍': 1, 'u1 ❤️': 1 } }),
    note('b', 320, 120, 'Nested'),
    { id: 's', type: 'shape', shape: 'ellipse', x: 20, y: 300, w: 100, h: 80, text: 'Goal', author: 'Grace' },
    { id: 'c', type: 'connector', from: 'a', to: 's', arrow: 'end' },
    { id: 'x', type: 'connector', from: 'b', to: 'loose', arrow: 'both' },
    { id: 'loose', type: 'image', x: 2000, y: 0, w: 10, h: 10, src: '/r/lab/media/p.png', alt: 'Photo' }
  ])

  test('nests frames and lists objects, connectors and loose objects with words for reactions', () => {
    assert.deepEqual(outlineNodes(sample()), [
      {
        id: 'outer',
        label: 'Frame: Outer',
        children: [
          { id: 'a', label: 'Note: First line, by Ada, 3 thumbs up, 1 heart', children: [] },
          { id: 's', label: 'Ellipse: Goal, by Grace', children: [] },
          { id: 'inner', label: 'Frame: Inner', children: [{ id: 'b', label: 'Note: Nested, by Ada', children: [] }] },
          { id: 'c', label: 'Connector: First line → Goal', children: [] }
        ]
      },
      {
        id: null,
        label: 'Not in a frame',
        children: [
          { id: 'loose', label: 'Image: Photo', children: [] },
          { id: 'x', label: 'Connector: Nested ↔ Photo', children: [] }
        ]
      }
    ])
  })

  test('leaves out authors when anonymous', () => {
    assert.ok(!JSON.stringify(outlineNodes(sample(), { anonymous: true })).includes(' by '))
  })

  test('frames with equal boxes do not hide each other', () => {
    const doc = board([frame('p', 0, 0, 'P'), frame('q', 0, 0, 'Q'), note('n', 10, 10, 'kept')])
    const labels = JSON.stringify(outlineNodes(doc))
    assert.ok(labels.includes('Frame: P') && labels.includes('Frame: Q') && labels.includes('kept'))
  })

  test('the Outline class loads without a DOM (the browser tests render it)', () => {
    assert.equal(typeof Outline, 'function')
  })
})

describe('style commands', () => {
  const styled = () => {
    const doc = board([
      note('a', 0, 0, 'A'), note('b', 300, 0, 'B'),
      { id: 't', type: 'text', x: 0, y: 300, text: 'Title' },
      { id: 'c', type: 'connector', from: 'a', to: 'b' },
      { id: 'd', type: 'drawing', x: 0, y: 500, points: [0, 0, 10, 10] }
    ])
    const ada = { id: 'u1', name: 'Ada' }
    const commands = new Commands({ model: new BoardModel(doc), origin, user: ada, author: ada })
    return { doc, commands, all: ['a', 'b', 't', 'c', 'd'] }
  }

  test('set a style on the selected objects that have it, in one local transaction', () => {
    const { doc, commands, all } = styled()
    const origins = []
    doc.on('afterTransaction', (transaction) => origins.push(transaction.origin))
    commands.setStyle(all, 'ink', 'red')
    commands.setStyle(all, 'arrow', 'both')
    commands.setStyle(all, 'fontSize', 40)
    commands.setStyle(all, 'width', 8)
    assert.deepEqual(origins, [origin, origin, origin, origin])
    const objects = plainObjects(doc)
    assert.deepEqual(all.map((id) => objects.get(id)?.color), ['yellow', 'yellow', 'red', 'red', 'red'])
    assert.equal(objects.get('c')?.arrow, 'both')
    assert.equal(objects.get('t')?.fontSize, 40)
    assert.equal(objects.get('d')?.width, 8)
    assert.equal(objects.get('a')?.fontSize, undefined)
  })

  test('ignore values the style does not offer', () => {
    const { doc, commands, all } = styled()
    const before = JSON.stringify(doc.getMap('objects').toJSON())
    commands.setStyle(all, 'ink', 'yellow')
    commands.setStyle(all, 'arrow', 'start')
    commands.setStyle(all, 'fontSize', 1000)
    assert.equal(JSON.stringify(doc.getMap('objects').toJSON()), before)
  })
})
