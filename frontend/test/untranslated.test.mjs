/**
 * No English left in the sources outside the catalogs: every text the browser shows or says
 * goes through `t` or `tn` (and so into `frontend.pot`), and every message the sources use
 * is in the catalogs. A literal assigned to what a person sees or hears, passed to what
 * shows or says it, or that reads as a sentence ("Capital words with spaces") is flagged.
 */

import { test } from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, readdirSync, existsSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parsePo } from '../src/po.js'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
/** The message machinery itself and the catalog parser hold no messages. */
const MACHINERY = new Set(['i18n.js', 'po.js'])

const SHOWN = String.raw`\.(?:textContent|innerText|title|placeholder|alt|label|ariaLabel|ariaDescription|ariaValueText|ariaRoleDescription)\s*=\s*`
const SPOKEN_ATTRIBUTE = String.raw`setAttribute\(\s*['"](?:aria-label|aria-description|aria-valuetext|aria-roledescription|aria-placeholder|title|placeholder|alt)['"]\s*,\s*`
const SAYS = String.raw`\b(?:announce|say|notify|showError|alert|confirm|prompt|toast)\(\s*`
const LITERAL = String.raw`(?:'[^'\n]*[A-Za-z]{2}[^'\n]*'|"[^"\n]*[A-Za-z]{2}[^"\n]*"|\x60[^\x60]*?[A-Za-z]{2}[^\x60]*?\x60)`
const ENGLISH = [
  new RegExp(SHOWN + LITERAL, 'g'),
  new RegExp(SPOKEN_ATTRIBUTE + LITERAL, 'g'),
  new RegExp(SAYS + LITERAL, 'g')
]
/** A sentence: a capital word, then more words, one of them in small letters ("Segoe UI" is a
 * name); in quotes or a template. */
const SENTENCE = /(['"\x60])[A-Z][a-z’']+(?: [\w’'{},.!?:;()-]+)*? [a-z][a-z’']+(?: [\w’'{},.!?:;()-]+)*?[.!?:]?\1/g
/** Where a sentence is not shown: messages themselves, errors for developers, logs, and
 * comparisons with what the server wrote. */
const NOT_SHOWN = /(?:\b(?:t|tn)\(\s*|\btn\([^()]*,\s*|new (?:\w*Error)\(\s*|console\.\w+\(\s*|[!=]==\s*)$/

/** @param {string} source @returns {string} the source without its comments */
function code (source) {
  return source
    .replace(/\/\*[\s\S]*?\*\//g, (comment) => comment.replace(/[^\n]/g, ' '))
    .replace(/^(\s*)\/\/.*$/gm, '$1')
    .replace(/([;,{}()\s])\/\/ .*$/gm, '$1')
}

/** @returns {string[]} the sources of the bundles, relative to frontend/ */
function sources () {
  return readdirSync(join(root, 'src'), { recursive: true })
    .map(String)
    .filter((name) => name.endsWith('.js') && !MACHINERY.has(name))
    .map((name) => join('src', name))
    .sort()
}

/** @param {string} path a .po or .pot file @returns {string[]} its messages */
const msgids = (path) => parsePo(readFileSync(path, 'utf8')).map((entry) => entry.msgid)

/**
 * @param {string} text the code of one file
 * @returns {string[]} its English left outside `t` and `tn`: `<line>: <what>`, a line each
 */
export function englishIn (text) {
  /** @type {Map<number, string>} */
  const found = new Map()
  const add = (/** @type {number} */ index, /** @type {string} */ what) => {
    const line = text.slice(0, index).split('\n').length
    if (!found.has(line)) found.set(line, what)
  }
  for (const pattern of ENGLISH) {
    for (const match of text.matchAll(pattern)) add(match.index, match[0])
  }
  for (const match of text.matchAll(SENTENCE)) {
    const before = text.slice(Math.max(0, match.index - 200), match.index)
    if (!NOT_SHOWN.test(before)) add(match.index, match[0])
  }
  return [...found].sort(([a], [b]) => a - b).map(([line, what]) => `${line}: ${what}`)
}

test('the check finds English shown, said or written as a sentence outside t and tn', () => {
  const sample = code(`
    button.textContent = 'Save'
    label.setAttribute('aria-label', "Close the panel")
    announce(\`Saved \${name}\`)
    const hint = 'Drag a note here'
    ok.textContent = t('Save')
    other.title = tn('{count} vote', '{count} votes', n)
    throw new Error('Not a board update')
    // Says 'Hello there' in a comment
    el.dataset.kind = 'note'
  `)
  assert.deepEqual(englishIn(sample).map((line) => line.split(':')[0]), ['2', '3', '4', '5'])
})

test('every text the bundles show goes through t or tn', () => {
  const left = sources().flatMap((file) =>
    englishIn(code(readFileSync(join(root, file), 'utf8'))).map((line) => `${file}:${line}`))
  assert.deepEqual(left, [])
})

test('every message of the sources is in the catalogs', () => {
  const pot = join(mkdtempSync(join(tmpdir(), 'messages-')), 'frontend.pot')
  execFileSync('xgettext', [
    '--language=JavaScript', '--from-code=UTF-8', '--keyword=t', '--keyword=tn:1,2', '-o', pot,
    ...sources()
  ], { cwd: root })
  const wanted = existsSync(pot) ? msgids(pot).filter(Boolean) : []
  const catalogs = readdirSync(join(root, 'locale'), { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => join(root, 'locale', entry.name, 'LC_MESSAGES', 'frontend.po'))
  for (const catalog of [join(root, 'locale', 'frontend.pot'), ...catalogs]) {
    const have = new Set(msgids(catalog))
    const missing = wanted.filter((msgid) => !have.has(msgid))
    assert.deepEqual(missing, [], `${catalog} lacks messages: run \`node build.mjs --extract\``)
  }
})
