// Trunk post-build hook: writes the build's file list into the service worker (www/sw.js's `const BUILD`):
// every file with its SHA-256, and a version that is the hash of them all. The worker precaches exactly these
// files and checks each against its hash; since the list is part of sw.js, any change to any file changes
// sw.js, which is how browsers notice a new deployment. Runs after scripts/csp.mjs (Trunk.toml), because the
// policy it writes is part of index.html. Reads TRUNK_STAGING_DIR (set by Trunk), or the folder given as its
// argument (`node scripts/precache.mjs dist`), and prints the version.
import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';

const dir = process.argv[2] ?? process.env.TRUNK_STAGING_DIR;
if (!dir) throw new Error('usage: node scripts/precache.mjs DIR (or as a Trunk post_build hook)');
const WORKER = 'sw.js';
const sha256 = (data) => crypto.createHash('sha256').update(data).digest('hex');

/** Relative URLs of the files under `folder` (sorted, so the version does not depend on readdir's order). */
function files(folder, prefix = '') {
  return fs.readdirSync(folder, { withFileTypes: true })
    .flatMap((entry) => {
      const url = prefix + encodeURIComponent(entry.name);
      return entry.isDirectory() ? files(path.join(folder, entry.name), url + '/') : [url];
    })
    .sort();
}

const list = {};
// The worker's own script is not among them: the browser fetches it itself, never through the worker.
for (const url of files(dir).filter((url) => url !== WORKER)) {
  list[url] = sha256(fs.readFileSync(path.join(dir, ...url.split('/').map(decodeURIComponent))));
}
const version = sha256(Object.entries(list).map(([url, hash]) => `${hash}  ${url}\n`).join('')).slice(0, 16);

const worker = path.join(dir, WORKER);
const source = fs.readFileSync(worker, 'utf8');
const line = /^const BUILD = .*;$/m;
if (!line.test(source)) throw new Error(`${worker} has no \`const BUILD = …;\` line to fill in`);
// A function as the replacement, so `$` in the JSON is not read as a pattern; running again replaces the list.
fs.writeFileSync(worker, source.replace(line, () => `const BUILD = ${JSON.stringify({ version, files: list })};`));
console.log(version);
