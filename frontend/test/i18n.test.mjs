import { test } from 'node:test'
import { readdirSync, readFileSync } from 'node:fs'
import assert from 'node:assert/strict'
import { Messages, fill, knownZone, pluralIndex } from '../src/i18n.js'
import { catalogMessages, parsePo } from '../src/po.js'

const PO = `# A catalog.
msgid ""
msgstr ""
"Language: pl\\n"
"Plural-Forms: nplurals=3; plural=(n==1 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);\\n"

#: src/coworking.js:10
msgid "Hello, {name}!"
msgstr "Cześć, {name}!"

msgid "{count} person here"
msgid_plural "{count} people here"
msgstr[0] "{count} osoba"
msgstr[1] "{count} osoby"
msgstr[2] "{count} osób"

#, fuzzy
msgid "Check out"
msgstr "Wymelduj"

msgid "Not translated yet"
msgstr ""

msgid ""
"Two "
"lines"
msgstr "Dwie "
"linie \\"tak\\"\\n"

#~ msgid "Gone"
#~ msgstr "Nie ma"
`

test('a catalog keeps what is translated and not fuzzy, plural forms in order', () => {
  const messages = catalogMessages(parsePo(PO))
  assert.deepEqual(messages, {
    'Hello, {name}!': 'Cześć, {name}!',
    '{count} person here': ['{count} osoba', '{count} osoby', '{count} osób'],
    'Two lines': 'Dwie linie "tak"\n'
  })
})

test('a malformed catalog is refused with its line', () => {
  assert.throws(() => parsePo('msgid "a"\nmsgstr "b\\q"\n'), /line 2: unknown escape/)
  assert.throws(() => parsePo('msgstr "b"\n'), /line 1: msgstr without a msgid/)
  assert.throws(() => parsePo('msgctxt "menu"\nmsgid "a"\nmsgstr "b"\n'), /contexts/)
  assert.throws(() => parsePo('msgid "a"\nmsgstr[1] "b"\n'), /out of order/)
})

test('plural forms follow each language, whatever the count', () => {
  const polish = new Messages({ lang: 'pl', messages: catalogMessages(parsePo(PO)) })
  const say = (n) => polish.tn('{count} person here', '{count} people here', n)
  assert.deepEqual([1, 2, 5, 22, 25, 112].map(say), [
    '1 osoba', '2 osoby', '5 osób', '22 osoby', '25 osób', '112 osób'
  ])
  assert.equal(pluralIndex('ar', 0, 6), 0)
  assert.equal(pluralIndex('ar', 2, 6), 2)
  assert.equal(pluralIndex('ar', 11, 6), 4)
  assert.equal(pluralIndex('hr', 21, 3), 0)
  assert.equal(pluralIndex('zh-hans', 5, 1), 0)
  assert.equal(pluralIndex('fr', 0, 2), 0, 'zero is singular in French')
  assert.equal(pluralIndex('fr', 1_000_000, 2), 1, 'many takes the last form')
})

test('the browser picks the plural form each catalog\'s Plural-Forms formula picks', () => {
  const locale = new URL('../locale/', import.meta.url)
  const catalogs = readdirSync(locale, { withFileTypes: true }).filter((entry) => entry.isDirectory())
  assert.ok(catalogs.length >= 10)
  for (const { name } of catalogs) {
    const header = readFileSync(new URL(`${name}/LC_MESSAGES/frontend.po`, locale), 'utf8')
    const [, forms, formula] = /nplurals=(\d+);\s*plural=([^;]+);/.exec(header.replaceAll('"\n"', '')) ?? []
    // eslint-disable-next-line no-new-func
    const gettext = new Function('n', `return Number(${formula})`)
    const lang = name.replace('_', '-').toLowerCase()
    for (const n of [...Array(230).keys(), 1000, 1001, 1_000_000, 2_000_000, 1_000_001]) {
      assert.equal(pluralIndex(lang, n, Number(forms)), gettext(n), `${name}: ${n}`)
    }
  }
})

test('English and missing translations read as the source, numbers as the language writes them', () => {
  const english = new Messages()
  assert.equal(english.tn('{count} person here', '{count} people here', 1), '1 person here')
  assert.equal(english.tn('{count} person here', '{count} people here', 1200), '1,200 people here')
  const german = new Messages({ lang: 'de', messages: { 'Hello, {name}!': ['wrong shape'] } })
  assert.equal(german.t('Hello, {name}!', { name: 'Ana' }), 'Hello, Ana!')
  assert.equal(german.tn('{count} person here', '{count} people here', 1200), '1.200 people here')
  assert.equal(fill('{name} and {other}', { name: 'Ana' }), 'Ana and {other}')
})

test('times are told in the person\'s time zone and lists joined as the language joins them', () => {
  const lisbon = new Messages({ lang: 'pt', timeZone: 'Europe/Lisbon' })
  const shanghai = new Messages({ lang: 'zh-hans', timeZone: 'Asia/Shanghai' })
  const moment = Date.UTC(2026, 11, 1, 9, 30)
  const hour = { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }
  assert.equal(lisbon.dateTime(moment, hour), '09:30')
  assert.equal(shanghai.dateTime(moment, hour), '17:30')
  assert.equal(lisbon.list(['Ana', 'Bo', 'Cy']), 'Ana, Bo e Cy')
  assert.equal(knownZone('Africa/Cairo'), true)
  assert.equal(knownZone('Mars/Olympus'), false)
})
