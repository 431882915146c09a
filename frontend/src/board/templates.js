/**
 * Lab recipes: board templates (ready-made layouts of frames, prompts and starter notes, as
 * plain objects in the codec's format (see codec.js), laid out around (0, 0)) with the agenda
 * that runs a lab on them, phase by phase (in the agenda editor's text: see agenda.js). Insert
 * the objects with `insertObjects` and an `author`, which gives them fresh ids and the
 * inserting user's name. The scaffolding (frames, prompts, headings, labels, shapes and the
 * connectors between them) is locked, so clearing the board leaves it; the starter notes, and
 * connectors to them, are not.
 */

import { messages, t } from '../i18n.js'

/** @typedef {{id: string, name: string, description: string, agenda: string}} Template */

/**
 * A template whose words are read in the page's language each time they are asked for.
 * @param {string} id
 * @param {() => string} name
 * @param {() => string} description
 * @param {() => string} agenda
 * @returns {Template}
 */
const template = (id, name, description, agenda) => ({
  id,
  get name () { return name() },
  get description () { return description() },
  get agenda () { return agenda() }
})

/**
 * One line of an agenda (agenda.js): its minutes, its title, then its tags, which are the
 * agenda's syntax and stay as they are in every language.
 * @param {number} minutes
 * @param {string} title
 * @param {...string} tags
 */
const phase = (minutes, title, ...tags) => [String(minutes), title, ...tags].join(' ')

/** @param {...string} phases @returns {string} an agenda's text, a phase a line */
const agenda = (...phases) => phases.join('\n')

/** @param {string} title @returns {string} the tag of the phase that works in a frame */
const inFrame = (title) => `[frame ${title}]`

/** @type {Template[]} */
export const TEMPLATES = [
  template(
    'blank',
    // Translators: the name of a board template that adds nothing.
    () => t('Blank board'),
    () => t('Start from an empty board.'),
    () => ''
  ),
  template(
    'brainstorm',
    // Translators: the name of a board template (a lab recipe).
    () => t('Brainstorm'),
    () => t('A central question with starter ideas around it. Warm up, ideas on your own, cluster them in groups, vote, discuss.'),
    () => agenda(
      // Translators: a phase of a lab's agenda.
      phase(5, t('Warm-up')),
      // Translators: a phase of a lab's agenda.
      phase(8, t('Ideas on your own'), '[private]', inFrame(t('Your ideas'))),
      // Translators: a phase of a lab's agenda.
      phase(10, t('Cluster the ideas in groups'), '[groups 2]'),
      // Translators: a phase of a lab's agenda: a dot vote.
      phase(5, t('Vote'), '[vote 3]'),
      // Translators: a phase of a lab's agenda.
      phase(15, t('Discuss the top ideas'))
    )
  ),
  template(
    'crazy-8s',
    // Translators: the name of a board template (a lab recipe: eight sketches in eight minutes).
    () => t('Crazy 8s'),
    () => t('Eight quick sketches in eight minutes, on your own; then share and vote.'),
    () => agenda(
      // Translators: a phase of a lab's agenda.
      phase(3, t('The question')),
      // Translators: a phase of a lab's agenda.
      phase(8, t('Sketch eight ideas'), '[private]'),
      // Translators: a phase of a lab's agenda.
      phase(10, t('Share your sketches')),
      // Translators: a phase of a lab's agenda: a dot vote.
      phase(4, t('Vote'), '[vote 2]'),
      // Translators: a phase of a lab's agenda.
      phase(10, t('Discuss the winners'))
    )
  ),
  template(
    'swot',
    // Translators: the name of a board template (a lab recipe).
    () => t('SWOT analysis'),
    () => t('Strengths, weaknesses, opportunities and threats, in groups; then vote on what matters most.'),
    () => agenda(
      // Translators: a phase of a lab's agenda.
      phase(5, t('The question')),
      // Translators: a phase of a lab's agenda.
      phase(15, t('Fill in the quadrants in groups'), '[groups 4]'),
      // Translators: a phase of a lab's agenda.
      phase(10, t('Share back')),
      // Translators: a phase of a lab's agenda: a dot vote.
      phase(5, t('Vote on what matters most'), '[vote 3]'),
      // Translators: a phase of a lab's agenda.
      phase(10, t('Next steps'))
    )
  ),
  template(
    'lean-canvas',
    // Translators: the name of a board template (a lab recipe), after the method's name.
    () => t('Lean Canvas'),
    () => t('A one-page business plan for a startup idea; then vote on the riskiest assumptions.'),
    () => agenda(
      // Translators: a phase of a lab's agenda.
      phase(5, t('The idea')),
      // Translators: a phase of a lab's agenda.
      phase(20, t('Fill in the canvas')),
      // Translators: a phase of a lab's agenda: a dot vote.
      phase(5, t('Vote on the riskiest assumptions'), '[vote 3]'),
      // Translators: a phase of a lab's agenda.
      phase(10, t('Plan experiments'))
    )
  ),
  template(
    'business-model-canvas',
    // Translators: the name of a board template (a lab recipe), after the method's name.
    () => t('Business Model Canvas'),
    () => t('The nine building blocks of a business model, filled in groups.'),
    () => agenda(
      // Translators: a phase of a lab's agenda.
      phase(5, t('Introduction')),
      // Translators: a phase of a lab's agenda.
      phase(25, t('Fill in the blocks in groups'), '[groups 3]'),
      // Translators: a phase of a lab's agenda.
      phase(10, t('Share back')),
      // Translators: a phase of a lab's agenda: a dot vote.
      phase(5, t('Vote'), '[vote 3]'),
      // Translators: a phase of a lab's agenda.
      phase(10, t('Discuss'))
    )
  ),
  template(
    'empathy-map',
    // Translators: the name of a board template (a lab recipe).
    () => t('Empathy map'),
    () => t('What a user says, thinks, does and feels: on your own first, then together.'),
    () => agenda(
      // Translators: a phase of a lab's agenda.
      phase(5, t('The persona')),
      // Translators: a phase of a lab's agenda.
      phase(10, t('What you learned, on your own'), '[private]'),
      // Translators: a phase of a lab's agenda.
      phase(10, t('Share')),
      // Translators: a phase of a lab's agenda.
      phase(10, t('Insights'))
    )
  ),
  template(
    'matrix-2x2',
    // Translators: the name of a board template (a lab recipe): a grid of two rows and two columns.
    () => t('2×2 matrix'),
    () => t('Sort ideas by impact and effort, or two axes of your own; then vote and decide.'),
    () => agenda(
      // Translators: a phase of a lab's agenda.
      phase(5, t('Name the axes')),
      // Translators: a phase of a lab's agenda.
      phase(10, t('Place the ideas')),
      // Translators: a phase of a lab's agenda: a dot vote.
      phase(5, t('Vote'), '[vote 3]'),
      // Translators: a phase of a lab's agenda.
      phase(10, t('Decide'), '[lock]')
    )
  ),
  template(
    'retrospective',
    // Translators: the name of a board template (a lab recipe).
    () => t('Retrospective'),
    () => t('What went well, what to improve, and actions: reflect anonymously, group, vote, agree on actions.'),
    () => agenda(
      // Translators: a phase of a lab's agenda.
      phase(3, t('Check-in')),
      // Translators: a phase of a lab's agenda.
      phase(7, t('Reflect on your own'), '[private]', '[anonymous]', inFrame(t('Reflections'))),
      // Translators: a phase of a lab's agenda.
      phase(8, t('Share and group')),
      // Translators: a phase of a lab's agenda: a dot vote.
      phase(5, t('Vote'), '[vote 3]'),
      // Translators: a phase of a lab's agenda.
      phase(15, t('Discuss and agree on actions'))
    )
  )
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
    // Translators: the heading of the Brainstorm board template.
    layout.heading(-330, t('Brainstorm'), t('Answer the question in the middle: one idea per note, no judging yet. Link ideas that build on each other.'))
    // Translators: the text of a shape in the Brainstorm board template.
    const question = layout.shape('question', { x: -140, y: -80, w: 280, h: 160 }, t('What question are we answering?'), { shape: 'ellipse', color: 'blue' })
    const starters = [
      // Translators: the text of a starter note in the Brainstorm board template.
      { id: 'go-wide', x: -520, y: -330, text: t('Go for quantity: more ideas beat perfect ideas') },
      // Translators: the text of a starter note in the Brainstorm board template.
      { id: 'wild', x: 320, y: -330, text: t('Wild ideas welcome') },
      // Translators: the text of a starter note in the Brainstorm board template.
      { id: 'build', x: -620, y: -80, text: t('Build on others\' ideas: "yes, and…"') },
      // Translators: the text of a starter note in the Brainstorm board template.
      { id: 'visual', x: 420, y: -80, text: t('Sketch it if words get in the way') },
      // Translators: the text of a starter note in the Brainstorm board template.
      { id: 'defer', x: -520, y: 170, text: t('Defer judgement until we vote') },
      // Translators: the text of a starter note in the Brainstorm board template.
      { id: 'idea', x: 320, y: 170, text: t('Your idea here'), color: 'green' }
    ]
    for (const { id, x, y, text, color } of starters) layout.note(id, x, y, text, color)
    for (const { id } of starters) layout.connector(`${id}-link`, question, id, 'none')
    // Translators: the title of a frame in the Brainstorm board template.
    layout.section('ideas', { x: -620, y: 360, w: 1240, h: 400 }, t('Your ideas'), t('The ideas you write on your own land here when they are revealed.'))
  },

  swot (layout) {
    // Translators: the heading of the SWOT analysis board template.
    layout.heading(-420, t('SWOT analysis'), t('Strengths and weaknesses are internal; opportunities and threats come from outside.'))
    const quadrants = [
      // Translators: the title of a frame in the SWOT analysis board template.
      ['strengths', t('Strengths'), t('What do we do well? What do we have that others don\'t?'), 'green'],
      // Translators: the title of a frame in the SWOT analysis board template.
      ['weaknesses', t('Weaknesses'), t('Where do we fall short? What do others do better?'), 'orange'],
      // Translators: the title of a frame in the SWOT analysis board template.
      ['opportunities', t('Opportunities'), t('Which trends, needs or gaps could we use?'), 'blue'],
      // Translators: the title of a frame in the SWOT analysis board template.
      ['threats', t('Threats'), t('What could hurt us? What are competitors doing?'), 'pink']
    ]
    quadrants.forEach(([id, title, prompt, color], i) => {
      const box = { x: i % 2 ? 20 : -580, y: i < 2 ? -420 : 20, w: 560, h: 400 }
      layout.section(id, box, title, prompt)
      // Translators: the text of a starter note in the SWOT analysis board template.
      layout.note(`${id}-note`, box.x + PAD, box.y + 136, t('Add a point'), color)
    })
  },

  'business-model-canvas' (layout) {
    const top = canvas(layout, [
      // Translators: the title of a frame in the Business Model Canvas board template.
      ['key-partners', t('Key Partners'), t('Who are our key partners and suppliers? Which resources do we get from them? Which activities do they perform?')],
      // Translators: the title of a frame in the Business Model Canvas board template.
      ['key-activities', t('Key Activities'), t('What key activities do our value propositions, channels, relationships and revenue streams require?')],
      // Translators: the title of a frame in the Business Model Canvas board template.
      ['key-resources', t('Key Resources'), t('What key resources do our value propositions require?')],
      // Translators: the title of a frame in the Business Model Canvas board template.
      ['value-propositions', t('Value Propositions'), t('What value do we deliver? Which customer problems do we help solve? Which needs do we satisfy?')],
      // Translators: the title of a frame in the Business Model Canvas board template.
      ['customer-relationships', t('Customer Relationships'), t('What relationship does each customer segment expect us to establish and maintain?')],
      // Translators: the title of a frame in the Business Model Canvas board template.
      ['channels', t('Channels'), t('Through which channels do our customers want to be reached? Which work best?')],
      // Translators: the title of a frame in the Business Model Canvas board template.
      ['customer-segments', t('Customer Segments'), t('For whom are we creating value? Who are our most important customers?')],
      // Translators: the title of a frame in the Business Model Canvas board template.
      ['cost-structure', t('Cost Structure'), t('What are the most important costs of our business model? Which resources and activities cost most?')],
      // Translators: the title of a frame in the Business Model Canvas board template.
      ['revenue-streams', t('Revenue Streams'), t('For what value are our customers willing to pay? How do they pay now, and how would they prefer to?')]
    ])
    // Translators: the heading of the Business Model Canvas board template.
    layout.heading(top, t('Business Model Canvas'), t('Start with customer segments and value propositions, then work outwards. One idea per note.'))
  },

  'lean-canvas' (layout) {
    const top = canvas(layout, [
      // Translators: the title of a frame in the Lean Canvas board template.
      ['problem', t('Problem'), t('Your customers\' top three problems. Existing alternatives: how are these problems solved today?')],
      // Translators: the title of a frame in the Lean Canvas board template.
      ['solution', t('Solution'), t('A possible solution for each problem.')],
      // Translators: the title of a frame in the Lean Canvas board template.
      ['key-metrics', t('Key Metrics'), t('The key numbers that tell you how the business is doing.')],
      // Translators: the title of a frame in the Lean Canvas board template.
      ['unique-value-proposition', t('Unique Value Proposition'), t('One clear, compelling message that says why you are different and worth buying.')],
      // Translators: the title of a frame in the Lean Canvas board template.
      ['unfair-advantage', t('Unfair Advantage'), t('Something that cannot easily be copied or bought.')],
      // Translators: the title of a frame in the Lean Canvas board template.
      ['channels', t('Channels'), t('Your paths to customers.')],
      // Translators: the title of a frame in the Lean Canvas board template.
      ['customer-segments', t('Customer Segments'), t('Your target customers and users. Early adopters: who are your ideal first customers?')],
      // Translators: the title of a frame in the Lean Canvas board template.
      ['cost-structure', t('Cost Structure'), t('Customer acquisition, distribution, hosting, people…')],
      // Translators: the title of a frame in the Lean Canvas board template.
      ['revenue-streams', t('Revenue Streams'), t('Revenue model, lifetime value, revenue, gross margin.')]
    ])
    // Translators: the heading of the Lean Canvas board template.
    layout.heading(top, t('Lean Canvas'), t('Fill in problem and customer segments first. Keep each block short: it is a snapshot, not a plan.'))
  },

  'empathy-map' (layout) {
    // Translators: the heading of the Empathy map board template.
    layout.heading(-420, t('Empathy map'), t('Put a real person from your research in the middle, then fill each quadrant with what you learned.'))
    const quadrants = [
      // Translators: the title of a frame in the Empathy map board template.
      ['says', t('Says'), t('What do they say out loud? Quotes and words they use.')],
      // Translators: the title of a frame in the Empathy map board template.
      ['thinks', t('Thinks'), t('What occupies their thoughts? What matters to them that they might not say?')],
      // Translators: the title of a frame in the Empathy map board template.
      ['does', t('Does'), t('What do they do? Which actions and habits did you observe?')],
      // Translators: the title of a frame in the Empathy map board template.
      ['feels', t('Feels'), t('How do they feel? What worries or excites them?')]
    ]
    quadrants.forEach(([id, title, prompt], i) => {
      layout.section(id, { x: i % 2 ? 140 : -660, y: i < 2 ? -420 : 20, w: 520, h: 400 }, title, prompt)
    })
    // Translators: the text of a shape in the Empathy map board template.
    layout.shape('persona', { x: -120, y: -90, w: 240, h: 180 }, t('Persona\nName, role, situation'), { shape: 'ellipse', color: 'yellow' })
  },

  'matrix-2x2' (layout) {
    // Translators: the heading of the 2×2 matrix board template.
    layout.heading(-480, t('2×2 matrix'), t('Place each idea where it belongs. Rename the axes and quadrants to suit your question.'))
    const quadrants = [
      // Translators: the title of a frame in the 2×2 matrix board template.
      ['quick-wins', t('Quick wins'), t('High impact, low effort: do these first.')],
      // Translators: the title of a frame in the 2×2 matrix board template.
      ['big-bets', t('Big bets'), t('High impact, high effort: plan these carefully.')],
      // Translators: the title of a frame in the 2×2 matrix board template.
      ['fill-ins', t('Fill-ins'), t('Low impact, low effort: do these when there is time.')],
      // Translators: the title of a frame in the 2×2 matrix board template.
      ['money-pits', t('Money pits'), t('Low impact, high effort: question these.')]
    ]
    quadrants.forEach(([id, title, prompt], i) => {
      layout.section(id, { x: i % 2 ? 40 : -560, y: i < 2 ? -400 : 40, w: 520, h: 360 }, title, prompt)
    })
    const label = { fontSize: 18, color: 'black' }
    // Translators: an axis label in the 2×2 matrix board template.
    const high = layout.text('impact-high', { x: -60, y: -470, w: 120, h: 40 }, t('High impact'), label)
    // Translators: an axis label in the 2×2 matrix board template.
    const low = layout.text('impact-low', { x: -60, y: 430, w: 120, h: 40 }, t('Low impact'), label)
    // Translators: an axis label in the 2×2 matrix board template.
    const easy = layout.text('effort-low', { x: -710, y: -20, w: 120, h: 40 }, t('Low effort'), label)
    // Translators: an axis label in the 2×2 matrix board template.
    const hard = layout.text('effort-high', { x: 590, y: -20, w: 120, h: 40 }, t('High effort'), label)
    layout.connector('impact-axis', low, high, 'end')
    layout.connector('effort-axis', easy, hard, 'end')
  },

  retrospective (layout) {
    // Translators: the heading of the Retrospective board template.
    layout.heading(-420, t('Retrospective'), t('Look back together: reflect on your own, group similar notes, vote on what to talk about, leave with actions.'))
    const columns = [
      // Translators: the title of a frame in the Retrospective board template.
      ['went-well', t('Went well'), t('What helped us? What should we keep doing?'), 'green'],
      // Translators: the title of a frame in the Retrospective board template.
      ['to-improve', t('To improve'), t('What got in the way? What would we change?'), 'orange'],
      // Translators: the title of a frame in the Retrospective board template.
      ['actions', t('Actions'), t('What will we do next, who does it, and by when?'), 'blue']
    ]
    columns.forEach(([id, title, prompt, color], i) => {
      const box = { x: -840 + i * 570, y: -420, w: 540, h: 700 }
      layout.section(id, box, title, prompt)
      // Translators: the text of a starter note in the Retrospective board template.
      const starter = i === 2
        // Translators: the text of a starter note in the Retrospective board template.
        ? t('Action, owner, date')
        // Translators: the text of a starter note in the Retrospective board template.
        : t('Add a note')
      layout.note(`${id}-note`, box.x + PAD, box.y + 136, starter, color)
    })
    layout.section(
      'reflections', { x: -840, y: 320, w: 1680, h: 420 },
      // Translators: the title of a frame in the Retrospective board template.
      t('Reflections'),
      // Translators: "Went well" and "To improve" are the titles of two frames of the Retrospective board template.
      t('Your reflections land here when they are revealed: drag each to Went well or To improve, and put similar ones together.')
    )
  },

  'crazy-8s' (layout) {
    // Translators: the heading of the Crazy 8s board template.
    layout.heading(-340, t('Crazy 8s'), t('Sketch eight different ideas, one minute each. Variety beats polish; there are no wrong answers.'))
    for (let i = 0; i < 8; i++) {
      layout.frame(`sketch-${i + 1}`, { x: -688 + (i % 4) * 352, y: i < 4 ? -340 : 20, w: 320, h: 320 }, messages().number(i + 1))
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
