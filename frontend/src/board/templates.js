/**
 * Board templates: ready-made layouts of frames, prompts and starter notes, as plain objects in
 * the codec's format (see codec.js), laid out around (0, 0). Insert them with `insertObjects`
 * and an `author`, which gives them fresh ids and the inserting user's name.
 */

/** @typedef {{id: string, name: string, description: string}} Template */

/** @type {Template[]} */
export const TEMPLATES = [
  { id: 'blank', name: 'Blank board', description: 'Start from an empty board.' },
  { id: 'brainstorm', name: 'Brainstorm', description: 'A central question with starter ideas around it.' },
  { id: 'swot', name: 'SWOT analysis', description: 'Strengths, weaknesses, opportunities and threats.' },
  { id: 'business-model-canvas', name: 'Business Model Canvas', description: 'The nine building blocks of a business model.' },
  { id: 'lean-canvas', name: 'Lean Canvas', description: 'A one-page business plan for a startup idea.' },
  { id: 'empathy-map', name: 'Empathy map', description: 'What a user says, thinks, does and feels.' },
  { id: 'matrix-2x2', name: '2×2 matrix', description: 'Sort ideas by impact and effort, or two axes of your own.' },
  { id: 'crazy-8s', name: 'Crazy 8s', description: 'Eight quick sketches in eight minutes.' }
]

/** Space between a frame's edge and what is placed inside it. */
const PAD = 24

/** Builds a template's objects with every field sanitize() would fill in, stacked in call order. */
class Layout {
  constructor () {
    /** @type {Array<Record<string, any>>} */
    this.objects = []
  }

  /** @param {string} id @param {string} type @param {Record<string, any>} fields */
  add (id, type, fields) {
    this.objects.push({ id, type, z: this.objects.length + 1, author: '', authorId: '', createdAt: 0, ...fields })
    return id
  }

  /** @param {string} id @param {{x: number, y: number, w: number, h: number}} box @param {string} title */
  frame (id, box, title) {
    return this.add(id, 'frame', { ...box, title })
  }

  /**
   * @param {string} id @param {{x: number, y: number, w: number, h: number}} box @param {string} text
   * @param {{fontSize?: number, color?: string}} [style]
   */
  text (id, box, text, { fontSize = 16, color = 'gray' } = {}) {
    return this.add(id, 'text', { ...box, color, fontSize, text })
  }

  /** @param {string} id @param {number} x @param {number} y @param {string} text @param {string} [color] */
  note (id, x, y, text, color = 'yellow') {
    return this.add(id, 'note', { x, y, w: 200, h: 160, color, text, reactions: {} })
  }

  /**
   * @param {string} id @param {{x: number, y: number, w: number, h: number}} box @param {string} text
   * @param {{shape?: string, color?: string}} [style]
   */
  shape (id, box, text, { shape = 'rect', color = 'blue' } = {}) {
    return this.add(id, 'shape', { ...box, shape, color, text })
  }

  /** @param {string} id @param {string} from @param {string} to @param {string} [arrow] */
  connector (id, from, to, arrow = 'end') {
    return this.add(id, 'connector', { from, to, arrow, color: 'gray' })
  }

  /**
   * A titled frame with a prompt at its top.
   * @param {string} id @param {{x: number, y: number, w: number, h: number}} box
   * @param {string} title @param {string} prompt
   */
  section (id, box, title, prompt) {
    this.frame(id, box, title)
    this.text(`${id}-prompt`, { x: box.x + PAD, y: box.y + PAD, w: box.w - 2 * PAD, h: 96 }, prompt, { fontSize: 14 })
  }

  /**
   * A heading and a line of guidance above the layout.
   * @param {number} top the layout's top edge
   * @param {string} title
   * @param {string} guide
   */
  heading (top, title, guide) {
    this.text('title', { x: -480, y: top - 150, w: 960, h: 56 }, title, { fontSize: 36, color: 'black' })
    this.text('guide', { x: -480, y: top - 90, w: 960, h: 56 }, guide, { fontSize: 16 })
  }
}

/**
 * The two one-page canvases share a layout: five columns, of which the second and fourth are
 * split in two, over a bottom row of two halves.
 * @param {Layout} layout
 * @param {Array<[string, string, string]>} blocks [id, title, prompt] for: column 1, column 2 top,
 *   column 2 bottom, column 3, column 4 top, column 4 bottom, column 5, bottom left, bottom right
 */
function canvas (layout, blocks) {
  const column = 300
  const gap = 20
  const half = 280
  const width = 5 * column + 4 * gap
  const left = -width / 2
  const top = -450
  const tall = 2 * half + gap
  const x = (/** @type {number} */ i) => left + i * (column + gap)
  const boxes = [
    { x: x(0), y: top, w: column, h: tall },
    { x: x(1), y: top, w: column, h: half },
    { x: x(1), y: top + half + gap, w: column, h: half },
    { x: x(2), y: top, w: column, h: tall },
    { x: x(3), y: top, w: column, h: half },
    { x: x(3), y: top + half + gap, w: column, h: half },
    { x: x(4), y: top, w: column, h: tall },
    { x: left, y: top + tall + gap, w: (width - gap) / 2, h: 300 },
    { x: left + (width + gap) / 2, y: top + tall + gap, w: (width - gap) / 2, h: 300 }
  ]
  blocks.forEach(([id, title, prompt], i) => layout.section(id, boxes[i], title, prompt))
  return top
}

/** @type {Record<string, (layout: Layout) => void>} */
const BUILDERS = {
  blank () {},

  brainstorm (layout) {
    layout.heading(-330, 'Brainstorm', 'Answer the question in the middle: one idea per note, no judging yet. Link ideas that build on each other.')
    const question = layout.shape('question', { x: -140, y: -80, w: 280, h: 160 }, 'What question are we answering?', { shape: 'ellipse', color: 'blue' })
    const starters = [
      { id: 'go-wide', x: -520, y: -330, text: 'Go for quantity: more ideas beat perfect ideas' },
      { id: 'wild', x: 320, y: -330, text: 'Wild ideas welcome' },
      { id: 'build', x: -620, y: -80, text: 'Build on others\' ideas: "yes, and…"' },
      { id: 'visual', x: 420, y: -80, text: 'Sketch it if words get in the way' },
      { id: 'defer', x: -520, y: 170, text: 'Defer judgement until we vote' },
      { id: 'idea', x: 320, y: 170, text: 'Your idea here', color: 'green' }
    ]
    for (const { id, x, y, text, color } of starters) layout.note(id, x, y, text, color)
    for (const { id } of starters) layout.connector(`${id}-link`, question, id, 'none')
  },

  swot (layout) {
    layout.heading(-420, 'SWOT analysis', 'Strengths and weaknesses are internal; opportunities and threats come from outside.')
    const quadrants = [
      ['strengths', 'Strengths', 'What do we do well? What do we have that others don\'t?', 'green'],
      ['weaknesses', 'Weaknesses', 'Where do we fall short? What do others do better?', 'orange'],
      ['opportunities', 'Opportunities', 'Which trends, needs or gaps could we use?', 'blue'],
      ['threats', 'Threats', 'What could hurt us? What are competitors doing?', 'pink']
    ]
    quadrants.forEach(([id, title, prompt, color], i) => {
      const box = { x: i % 2 ? 20 : -580, y: i < 2 ? -420 : 20, w: 560, h: 400 }
      layout.section(id, box, title, prompt)
      layout.note(`${id}-note`, box.x + PAD, box.y + 136, 'Add a point', color)
    })
  },

  'business-model-canvas' (layout) {
    const top = canvas(layout, [
      ['key-partners', 'Key Partners', 'Who are our key partners and suppliers? Which resources do we get from them? Which activities do they perform?'],
      ['key-activities', 'Key Activities', 'What key activities do our value propositions, channels, relationships and revenue streams require?'],
      ['key-resources', 'Key Resources', 'What key resources do our value propositions require?'],
      ['value-propositions', 'Value Propositions', 'What value do we deliver? Which customer problems do we help solve? Which needs do we satisfy?'],
      ['customer-relationships', 'Customer Relationships', 'What relationship does each customer segment expect us to establish and maintain?'],
      ['channels', 'Channels', 'Through which channels do our customers want to be reached? Which work best?'],
      ['customer-segments', 'Customer Segments', 'For whom are we creating value? Who are our most important customers?'],
      ['cost-structure', 'Cost Structure', 'What are the most important costs of our business model? Which resources and activities cost most?'],
      ['revenue-streams', 'Revenue Streams', 'For what value are our customers willing to pay? How do they pay now, and how would they prefer to?']
    ])
    layout.heading(top, 'Business Model Canvas', 'Start with customer segments and value propositions, then work outwards. One idea per note.')
  },

  'lean-canvas' (layout) {
    const top = canvas(layout, [
      ['problem', 'Problem', 'Your customers\' top three problems. Existing alternatives: how are these problems solved today?'],
      ['solution', 'Solution', 'A possible solution for each problem.'],
      ['key-metrics', 'Key Metrics', 'The key numbers that tell you how the business is doing.'],
      ['unique-value-proposition', 'Unique Value Proposition', 'One clear, compelling message that says why you are different and worth buying.'],
      ['unfair-advantage', 'Unfair Advantage', 'Something that cannot easily be copied or bought.'],
      ['channels', 'Channels', 'Your paths to customers.'],
      ['customer-segments', 'Customer Segments', 'Your target customers and users. Early adopters: who are your ideal first customers?'],
      ['cost-structure', 'Cost Structure', 'Customer acquisition, distribution, hosting, people…'],
      ['revenue-streams', 'Revenue Streams', 'Revenue model, lifetime value, revenue, gross margin.']
    ])
    layout.heading(top, 'Lean Canvas', 'Fill in problem and customer segments first. Keep each block short: it is a snapshot, not a plan.')
  },

  'empathy-map' (layout) {
    layout.heading(-420, 'Empathy map', 'Put a real person from your research in the middle, then fill each quadrant with what you learned.')
    const quadrants = [
      ['says', 'Says', 'What do they say out loud? Quotes and words they use.'],
      ['thinks', 'Thinks', 'What occupies their thoughts? What matters to them that they might not say?'],
      ['does', 'Does', 'What do they do? Which actions and habits did you observe?'],
      ['feels', 'Feels', 'How do they feel? What worries or excites them?']
    ]
    quadrants.forEach(([id, title, prompt], i) => {
      layout.section(id, { x: i % 2 ? 140 : -660, y: i < 2 ? -420 : 20, w: 520, h: 400 }, title, prompt)
    })
    layout.shape('persona', { x: -120, y: -90, w: 240, h: 180 }, 'Persona\nName, role, situation', { shape: 'ellipse', color: 'yellow' })
  },

  'matrix-2x2' (layout) {
    layout.heading(-480, '2×2 matrix', 'Place each idea where it belongs. Rename the axes and quadrants to suit your question.')
    const quadrants = [
      ['quick-wins', 'Quick wins', 'High impact, low effort: do these first.'],
      ['big-bets', 'Big bets', 'High impact, high effort: plan these carefully.'],
      ['fill-ins', 'Fill-ins', 'Low impact, low effort: do these when there is time.'],
      ['money-pits', 'Money pits', 'Low impact, high effort: question these.']
    ]
    quadrants.forEach(([id, title, prompt], i) => {
      layout.section(id, { x: i % 2 ? 40 : -560, y: i < 2 ? -400 : 40, w: 520, h: 360 }, title, prompt)
    })
    const label = { fontSize: 18, color: 'black' }
    const high = layout.text('impact-high', { x: -60, y: -470, w: 120, h: 40 }, 'High impact', label)
    const low = layout.text('impact-low', { x: -60, y: 430, w: 120, h: 40 }, 'Low impact', label)
    const easy = layout.text('effort-low', { x: -710, y: -20, w: 120, h: 40 }, 'Low effort', label)
    const hard = layout.text('effort-high', { x: 590, y: -20, w: 120, h: 40 }, 'High effort', label)
    layout.connector('impact-axis', low, high, 'end')
    layout.connector('effort-axis', easy, hard, 'end')
  },

  'crazy-8s' (layout) {
    layout.heading(-340, 'Crazy 8s', 'Sketch eight different ideas, one minute each. Variety beats polish; there are no wrong answers.')
    for (let i = 0; i < 8; i++) {
      layout.frame(`sketch-${i + 1}`, { x: -688 + (i % 4) * 352, y: i < 4 ? -340 : 20, w: 320, h: 320 }, String(i + 1))
    }
  }
}

/**
 * The objects of a template, each with an `id` unique within it.
 * @param {string} id one of TEMPLATES' ids
 * @returns {Array<Record<string, any>>} plain objects in the codec's format
 */
export function templateObjects (id) {
  const build = Object.hasOwn(BUILDERS, id) ? BUILDERS[id] : null
  if (!build) throw new Error(`Unknown template: ${id}`)
  const layout = new Layout()
  build(layout)
  return layout.objects
}
