/**
 * Lab recipes: board templates (ready-made layouts of frames, prompts and starter notes, as
 * plain objects in the codec's format (see codec.js), laid out around (0, 0)) with the agenda
 * that runs a lab on them, phase by phase (in the agenda editor's text: see agenda.js). Insert
 * the objects with `insertObjects` and an `author`, which gives them fresh ids and the
 * inserting user's name. The scaffolding (frames, prompts, headings, labels, shapes and the
 * connectors between them) is locked, so clearing the board leaves it; the starter notes, and
 * connectors to them, are not.
 */

/** @typedef {{id: string, name: string, description: string, agenda: string}} Template */

/** @type {Template[]} */
export const TEMPLATES = [
  { id: 'blank', name: 'Blank board', description: 'Start from an empty board.', agenda: '' },
  {
    id: 'brainstorm',
    name: 'Brainstorm',
    description: 'A central question with starter ideas around it. Warm up, ideas on your own, cluster them in groups, vote, discuss.',
    agenda: '5 Warm-up\n8 Ideas on your own [private] [frame Your ideas]\n10 Cluster the ideas in groups [groups 2]\n5 Vote [vote 3]\n15 Discuss the top ideas'
  },
  {
    id: 'crazy-8s',
    name: 'Crazy 8s',
    description: 'Eight quick sketches in eight minutes, on your own; then share and vote.',
    agenda: '3 The question\n8 Sketch eight ideas [private]\n10 Share your sketches\n4 Vote [vote 2]\n10 Discuss the winners'
  },
  {
    id: 'swot',
    name: 'SWOT analysis',
    description: 'Strengths, weaknesses, opportunities and threats, in groups; then vote on what matters most.',
    agenda: '5 The question\n15 Fill in the quadrants in groups [groups 4]\n10 Share back\n5 Vote on what matters most [vote 3]\n10 Next steps'
  },
  {
    id: 'lean-canvas',
    name: 'Lean Canvas',
    description: 'A one-page business plan for a startup idea; then vote on the riskiest assumptions.',
    agenda: '5 The idea\n20 Fill in the canvas\n5 Vote on the riskiest assumptions [vote 3]\n10 Plan experiments'
  },
  {
    id: 'business-model-canvas',
    name: 'Business Model Canvas',
    description: 'The nine building blocks of a business model, filled in groups.',
    agenda: '5 Introduction\n25 Fill in the blocks in groups [groups 3]\n10 Share back\n5 Vote [vote 3]\n10 Discuss'
  },
  {
    id: 'empathy-map',
    name: 'Empathy map',
    description: 'What a user says, thinks, does and feels: on your own first, then together.',
    agenda: '5 The persona\n10 What you learned, on your own [private]\n10 Share\n10 Insights'
  },
  {
    id: 'matrix-2x2',
    name: '2×2 matrix',
    description: 'Sort ideas by impact and effort, or two axes of your own; then vote and decide.',
    agenda: '5 Name the axes\n10 Place the ideas\n5 Vote [vote 3]\n10 Decide [lock]'
  },
  {
    id: 'retrospective',
    name: 'Retrospective',
    description: 'What went well, what to improve, and actions: reflect anonymously, group, vote, agree on actions.',
    agenda: '3 Check-in\n7 Reflect on your own [private] [anonymous] [frame Reflections]\n8 Share and group\n5 Vote [vote 3]\n15 Discuss and agree on actions'
  }
]

/** Space between a frame's edge and what is placed inside it. */
const PAD = 24

/**
 * Builds a template's objects with every field sanitize() would fill in, stacked in call order;
 * all but notes, and connectors to them, are locked.
 */
class Layout {
  constructor () {
    /** @type {Array<Record<string, any>>} */
    this.objects = []
  }

  /** @param {string} id @param {string} type @param {Record<string, any>} fields @param {boolean} [locked] */
  add (id, type, fields, locked = true) {
    this.objects.push({
      id, type, z: this.objects.length + 1, author: '', authorId: '', createdAt: 0, ...(locked ? { locked } : {}), ...fields
    })
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
    return this.add(id, 'note', { x, y, w: 200, h: 160, color, text, reactions: {} }, false)
  }

  /**
   * @param {string} id @param {{x: number, y: number, w: number, h: number}} box @param {string} text
   * @param {{shape?: string, color?: string}} [style]
   */
  shape (id, box, text, { shape = 'rect', color = 'blue' } = {}) {
    return this.add(id, 'shape', { ...box, shape, color, text })
  }

  /**
   * A connector, locked when both its ends are.
   * @param {string} id @param {string} from @param {string} to @param {string} [arrow]
   */
  connector (id, from, to, arrow = 'end') {
    const locked = this.objects.filter((o) => o.id === from || o.id === to).every((o) => o.locked)
    return this.add(id, 'connector', { from, to, arrow, color: 'gray' }, locked)
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
    layout.section('ideas', { x: -620, y: 360, w: 1240, h: 400 }, 'Your ideas', 'The ideas you write on your own land here when they are revealed.')
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

  retrospective (layout) {
    layout.heading(-420, 'Retrospective', 'Look back together: reflect on your own, group similar notes, vote on what to talk about, leave with actions.')
    const columns = [
      ['went-well', 'Went well', 'What helped us? What should we keep doing?', 'green'],
      ['to-improve', 'To improve', 'What got in the way? What would we change?', 'orange'],
      ['actions', 'Actions', 'What will we do next, who does it, and by when?', 'blue']
    ]
    columns.forEach(([id, title, prompt, color], i) => {
      const box = { x: -840 + i * 570, y: -420, w: 540, h: 700 }
      layout.section(id, box, title, prompt)
      layout.note(`${id}-note`, box.x + PAD, box.y + 136, i === 2 ? 'Action, owner, date' : 'Add a note', color)
    })
    layout.section('reflections', { x: -840, y: 320, w: 1680, h: 420 }, 'Reflections', 'Your reflections land here when they are revealed: drag each to Went well or To improve, and put similar ones together.')
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
