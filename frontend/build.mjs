/**
 * Bundles each page's client into static/frontend/<page>.js, and turns the gettext catalogs
 * of the browser's messages (locale/<lang>/LC_MESSAGES/frontend.po) into the JSON the pages
 * carry (static/frontend/locale/<lang>.json).
 *
 *   node build.mjs            write the bundles and the catalogs
 *   node build.mjs --check    exit 1 if a committed bundle or catalog differs from a fresh build
 *   node build.mjs --extract  collect the messages of src/ into locale/frontend.pot (xgettext)
 *                             and merge them into every catalog (msgmerge)
 */

import { execFileSync } from 'node:child_process'
import { readFile, readdir, writeFile, mkdir } from 'node:fs/promises'
import { dirname, join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import * as esbuild from 'esbuild'
import { catalogMessages, parsePo } from './src/po.js'

const root = dirname(fileURLToPath(import.meta.url))
/** Each page's entry point, bundled on its own into static/frontend/<name>.js. */
const PAGES = ['room', 'player', 'coworking', 'manage']
const LOCALE = join(root, 'locale')
const TEMPLATE = join(LOCALE, 'frontend.pot')

/**
 * @param {string} page
 * @returns {Promise<Uint8Array>} the page's bundle, built in memory
 */
async function bundle (page) {
  const result = await esbuild.build({
    absWorkingDir: root,
    entryPoints: [`src/${page}.js`],
    outfile: join(root, 'static', 'frontend', `${page}.js`),
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: ['es2020'],
    minify: true,
    sourcemap: false,
    legalComments: 'eof',
    charset: 'utf8',
    write: false,
    logLevel: 'warning'
  })
  return result.outputFiles[0].contents
}

/** @returns {Promise<string[]>} the languages that have a catalog of the browser's messages */
async function languages () {
  const catalogs = await readdir(LOCALE, { recursive: true }).catch(() => [])
  return catalogs
    .map(String)
    .filter((path) => path.endsWith(join('LC_MESSAGES', 'frontend.po')))
    .map((path) => path.split(/[\\/]/)[0])
    .sort()
}

/**
 * @param {string} lang
 * @returns {Promise<Uint8Array>} the catalog of `lang` as the pages carry it
 */
async function catalog (lang) {
  const po = await readFile(join(LOCALE, lang, 'LC_MESSAGES', 'frontend.po'), 'utf8')
  const messages = catalogMessages(parsePo(po))
  return new TextEncoder().encode(JSON.stringify({ messages }) + '\n')
}

/** @returns {Promise<Array<[string, () => Promise<Uint8Array>]>>} every built file, and how to build it */
async function outputs () {
  const files = PAGES.map((page) => /** @type {[string, () => Promise<Uint8Array>]} */ ([join('static', 'frontend', `${page}.js`), () => bundle(page)]))
  for (const lang of await languages()) {
    files.push([join('static', 'frontend', 'locale', `${lang}.json`), () => catalog(lang)])
  }
  return files
}

/** xgettext over the sources, then msgmerge into each language's catalog. */
async function extract () {
  const sources = (await readdir(join(root, 'src'), { recursive: true }))
    .filter((name) => name.endsWith('.js'))
    .map((name) => join('src', name))
    .sort()
  execFileSync('xgettext', [
    '--language=JavaScript', '--from-code=UTF-8', '--keyword=t', '--keyword=tn:1,2',
    '--add-comments=Translators:', '--sort-by-file', '--package-name=coworking-frontend',
    '-o', relative(root, TEMPLATE), ...sources
  ], { cwd: root, stdio: 'inherit' })
  for (const lang of await languages()) {
    const po = join(LOCALE, lang, 'LC_MESSAGES', 'frontend.po')
    execFileSync('msgmerge', ['--quiet', '--update', '--backup=none', po, TEMPLATE], { stdio: 'inherit' })
  }
  console.log(`wrote ${relative(root, TEMPLATE)} and merged it into ${(await languages()).length} catalogs`)
}

async function main () {
  if (process.argv.includes('--extract')) return extract()
  const check = process.argv.includes('--check')
  let stale = false
  for (const [name, build] of await outputs()) {
    const outfile = join(root, name)
    const fresh = await build()
    if (!check) {
      await mkdir(dirname(outfile), { recursive: true })
      await writeFile(outfile, fresh)
      console.log(`wrote ${outfile} (${fresh.length} bytes)`)
      continue
    }
    const current = await readFile(outfile).catch(() => null)
    if (current === null || !Buffer.from(fresh).equals(current)) {
      console.error(`${name}: stale: run \`cd frontend && npm run build\``)
      stale = true
    } else {
      console.log(`${name} is up to date`)
    }
  }
  if (stale) process.exit(1)
}

await main()
