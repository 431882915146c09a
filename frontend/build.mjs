/**
 * Bundles the lab room client into static/frontend/room.js, the recording player into
 * static/frontend/player.js and the co-working room into static/frontend/coworking.js.
 *
 *   node build.mjs          write the bundles
 *   node build.mjs --check  exit 1 if a committed bundle differs from a fresh build
 */

import { readFile, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import * as esbuild from 'esbuild'

const root = dirname(fileURLToPath(import.meta.url))
/** Each page's entry point, bundled on its own into static/frontend/<name>.js. */
const PAGES = ['room', 'player', 'coworking']

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

async function main () {
  let stale = false
  for (const page of PAGES) {
    const outfile = join(root, 'static', 'frontend', `${page}.js`)
    const fresh = await bundle(page)
    if (!process.argv.includes('--check')) {
      await writeFile(outfile, fresh)
      console.log(`wrote ${outfile} (${fresh.length} bytes)`)
      continue
    }
    const current = await readFile(outfile).catch(() => null)
    if (current === null || !Buffer.from(fresh).equals(current)) {
      console.error(`static/frontend/${page}.js: bundle is stale: run \`cd frontend && npm run build\``)
      stale = true
    } else {
      console.log(`static/frontend/${page}.js is up to date`)
    }
  }
  if (stale) process.exit(1)
}

await main()
