/**
 * Bundles the room client into static/frontend/room.js.
 *
 *   node build.mjs          write the bundle
 *   node build.mjs --check  exit 1 if the committed bundle differs from a fresh build
 */

import { readFile, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import * as esbuild from 'esbuild'

const root = dirname(fileURLToPath(import.meta.url))
const outfile = join(root, 'static', 'frontend', 'room.js')

/** @returns {Promise<Uint8Array>} the bundle, built in memory */
async function bundle () {
  const result = await esbuild.build({
    absWorkingDir: root,
    entryPoints: ['src/room.js'],
    outfile,
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
  const fresh = await bundle()
  if (!process.argv.includes('--check')) {
    await writeFile(outfile, fresh)
    console.log(`wrote ${outfile} (${fresh.length} bytes)`)
    return
  }
  const current = await readFile(outfile).catch(() => null)
  if (current === null || !Buffer.from(fresh).equals(current)) {
    console.error('static/frontend/room.js: bundle is stale: run `cd frontend && npm run build`')
    process.exit(1)
  }
  console.log('static/frontend/room.js is up to date')
}

await main()
