/**
 * The words and formats of the page's language: messages from the language's catalog
 * (gettext, built with the bundle), plurals chosen by `Intl.PluralRules`, and numbers, dates
 * and times through `Intl` in the person's time zone.
 *
 * Sources say `t('Saved {name}', { name })` and `tn('{count} person', '{count} people', n)`;
 * `node build.mjs --extract` collects them for the translators. Whole sentences only: a
 * message is never glued together from translated pieces.
 */

/**
 * @typedef {object} Catalog
 * @property {string} [lang] a BCP 47 language tag (`pt`, `zh-hans`)
 * @property {string} [timeZone] an IANA time zone; the browser's when absent
 * @property {Record<string, string | string[]>} [messages] msgid -> translation, or the
 *   plural forms in the language's gettext order
 */

/**
 * The order of the plural forms in each language's catalog (gettext's `msgstr[n]`), by the
 * categories `Intl.PluralRules` names; languages not listed have one and other.
 * @type {Record<string, string[]>}
 */
const PLURAL_ORDER = {
  ar: ['zero', 'one', 'two', 'few', 'many', 'other'],
  es: ['one', 'many', 'other'], // "many": whole millions ("1 millón de notas")
  hr: ['one', 'few', 'other'],
  pl: ['one', 'few', 'many'],
  zh: ['other']
}
const TWO_FORMS = ['one', 'other']
/** Whose plural rules a language's catalogs follow, where `Intl` would take another's: the
 * Portuguese catalogs are Portugal's (zero is plural), `Intl`'s `pt` is Brazil's. */
const RULES_OF = /** @type {Record<string, string>} */ ({ pt: 'pt-PT' })

/** @param {string} lang @returns {string[]} */
export function pluralOrder (lang) {
  return PLURAL_ORDER[lang.toLowerCase().split('-')[0]] ?? TWO_FORMS
}

/**
 * Which of a catalog's plural forms goes with `count` in `lang`.
 * @param {string} lang
 * @param {number} count
 * @param {number} forms how many forms the catalog gives
 * @returns {number}
 */
export function pluralIndex (lang, count, forms) {
  const order = pluralOrder(lang)
  const category = new Intl.PluralRules(RULES_OF[lang.toLowerCase()] ?? lang).select(count)
  const index = order.indexOf(category)
  // A category the catalog has no form of (`other` for fractions in Polish, `many` for a
  // million in French) takes the last form, gettext's "everything else".
  return Math.min(index === -1 ? order.length - 1 : index, forms - 1)
}

/**
 * `{name}` placeholders filled from `params`; a placeholder without a value stays as it is.
 * @param {string} text
 * @param {Record<string, unknown>} [params]
 * @returns {string}
 */
export function fill (text, params) {
  if (!params) return text
  return text.replace(/\{(\w+)\}/g, (whole, name) => (Object.hasOwn(params, name) ? String(params[name]) : whole))
}

export class Messages {
  /** @param {Catalog} [catalog] */
  constructor ({ lang = 'en', timeZone, messages = {} } = {}) {
    this.lang = lang
    this.timeZone = timeZone
    this.messages = messages
    this.numbers = new Intl.NumberFormat(lang)
  }

  /**
   * @param {string} msgid the English sentence
   * @param {Record<string, unknown>} [params]
   * @returns {string}
   */
  t (msgid, params) {
    const found = this.messages[msgid]
    return fill(typeof found === 'string' && found ? found : msgid, params)
  }

  /**
   * The sentence for `count` (given to it as `{count}`, formatted as a number).
   * @param {string} singular
   * @param {string} plural
   * @param {number} count
   * @param {Record<string, unknown>} [params]
   * @returns {string}
   */
  tn (singular, plural, count, params) {
    const forms = this.messages[singular]
    const all = { count: this.number(count), ...params }
    if (Array.isArray(forms) && forms.length && forms.every((form) => typeof form === 'string' && form)) {
      return fill(forms[pluralIndex(this.lang, count, forms.length)], all)
    }
    return fill(new Intl.PluralRules('en').select(count) === 'one' ? singular : plural, all)
  }

  /** @param {number} value @returns {string} */
  number (value) {
    return this.numbers.format(value)
  }

  /**
   * A moment in the person's language and time zone.
   * @param {number | Date} when
   * @param {Intl.DateTimeFormatOptions} [options] by default the date and the time, short
   * @returns {string}
   */
  dateTime (when, options = { dateStyle: 'medium', timeStyle: 'short' }) {
    return new Intl.DateTimeFormat(this.lang, { ...options, timeZone: this.timeZone }).format(when)
  }

  /**
   * A list of items joined as the language joins them ("A, B and C").
   * @param {string[]} items
   * @returns {string}
   */
  list (items) {
    return new Intl.ListFormat(this.lang, { type: 'conjunction' }).format(items)
  }
}

/** The language the page speaks: English, until `install` is given the page's catalog. */
let current = new Messages()

/** @param {Messages} messages */
export function install (messages) {
  current = messages
}

/**
 * The catalog a page carries in `<script type="application/json" id="i18n-catalog">`, with
 * `<html lang>`; English without one.
 * @param {Document} doc
 * @returns {Messages}
 */
export function pageMessages (doc) {
  const element = doc.getElementById('i18n-catalog')
  /** @type {Catalog} */
  let catalog = {}
  try {
    catalog = element?.textContent ? JSON.parse(element.textContent) : {}
  } catch {
    catalog = {}
  }
  const messages = catalog && typeof catalog.messages === 'object' && catalog.messages ? catalog.messages : {}
  const timeZone = knownZone(catalog?.timeZone) ? catalog.timeZone : undefined
  return new Messages({ lang: doc.documentElement.lang || 'en', timeZone, messages })
}

/** @param {unknown} zone @returns {zone is string} whether `Intl` knows the time zone */
export function knownZone (zone) {
  if (typeof zone !== 'string' || !zone) return false
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone }) // eslint-disable-line no-new
    return true
  } catch {
    return false
  }
}

/** @param {string} msgid @param {Record<string, unknown>} [params] */
export const t = (msgid, params) => current.t(msgid, params)

/**
 * @param {string} singular
 * @param {string} plural
 * @param {number} count
 * @param {Record<string, unknown>} [params]
 */
export const tn = (singular, plural, count, params) => current.tn(singular, plural, count, params)

/** The page's messages (for numbers, dates and lists). */
export const messages = () => current
