// Shared set-up of the end-to-end tests: a static server for dist/ on 127.0.0.1, Debian's Chromium driven by
// playwright-core, and helpers that act as a person would (click, drop a file, read the page).
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
// HEAPSCOPE_DIST: test another build than dist/ (say one made with `trunk build --dist /tmp/…`).
export const distDir = process.env.HEAPSCOPE_DIST ? path.resolve(process.env.HEAPSCOPE_DIST) : path.join(root, 'dist');
export const fixturesDir = path.join(root, 'tests/fixtures');
export const screenshotDir = path.join(root, 'target/e2e');

const MIME = {
  '.html': 'text/html', '.js': 'text/javascript', '.mjs': 'text/javascript', '.wasm': 'application/wasm',
  '.css': 'text/css', '.json': 'application/json', '.svg': 'image/svg+xml', '.png': 'image/png',
  '.gz': 'application/octet-stream', '.webmanifest': 'application/manifest+json',
};

/** Serves dist/ (or `dir`) and, under /__fixtures/, the test fixtures (so a test can drop a real file), and under
 * /__generated/ the files tests make in target/e2e. `onRequest` sees each request's path first. */
export async function startServer({ dir = distDir, onRequest = () => {} } = {}) {
  const server = http.createServer((req, res) => {
    onRequest(req);
    const url = new URL(req.url, 'http://127.0.0.1');
    let file;
    if (url.pathname.startsWith('/__fixtures/')) {
      file = path.join(fixturesDir, decodeURIComponent(url.pathname.slice('/__fixtures/'.length)));
    } else if (url.pathname.startsWith('/__generated/')) {
      file = path.join(screenshotDir, decodeURIComponent(url.pathname.slice('/__generated/'.length)));
    } else {
      file = path.join(dir, decodeURIComponent(url.pathname === '/' ? '/index.html' : url.pathname));
    }
    if (!(file.startsWith(root) || file.startsWith(dir)) || !fs.existsSync(file) || fs.statSync(file).isDirectory()) {
      res.writeHead(404).end('not found');
      return;
    }
    res.writeHead(200, { 'content-type': MIME[path.extname(file)] ?? 'application/octet-stream' });
    fs.createReadStream(file).pipe(res);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, origin: `http://127.0.0.1:${server.address().port}` };
}

/** The app's server and a browser for one test file: `close()` stops both. */
export async function startAppAndBrowser() {
  const { server, origin } = await startServer();
  const browser = await launchBrowser();
  return { origin, browser, close: async () => { await browser.close(); server.close(); } };
}

export async function launchBrowser() {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** Opens the app; records console errors, page errors and any request to another origin. */
export async function openApp(browser, origin) {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const problems = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error' && !msg.text().startsWith('Failed to load resource')) problems.push(`console: ${msg.text()}`);
  });
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  page.on('response', (res) => { if (res.status() >= 400) problems.push(`HTTP ${res.status()} for ${res.url()}`); });
  page.on('request', (req) => {
    const url = new URL(req.url());
    if (!['data:', 'blob:'].includes(url.protocol) && url.origin !== origin) problems.push(`request to ${req.url()}`);
  });
  await page.goto(origin + '/');
  await page.waitForFunction(() => document.querySelector('#status')?.textContent === '', null, { timeout: 30000 });
  return { page, problems };
}

/** Drops fixture files onto the drop zone together, the way a browser does: one DataTransfer holding a File
 * each. `files` are `{ path, url?, name?, gunzip? }` (`url` for a file not among the fixtures); with `gunzip` the fixture is decompressed first (in the page),
 * so a large snapshot arrives as its text. */
export async function dropFixtures(page, files) {
  const specs = files.map(({ path: relativePath, url, name = path.basename(relativePath), gunzip = false }) =>
    ({ url: url ?? '/__fixtures/' + relativePath, name, gunzip }));
  await page.evaluate(async (specs) => {
    const transfer = new DataTransfer();
    for (const { url, name, gunzip } of specs) {
      const response = await fetch(url);
      const blob = gunzip
        ? await new Response(response.body.pipeThrough(new DecompressionStream('gzip'))).blob()
        : await response.blob();
      transfer.items.add(new File([blob], name));
    }
    const zone = document.querySelector('#drop-zone');
    zone.dispatchEvent(new DragEvent('dragover', { dataTransfer: transfer, bubbles: true, cancelable: true }));
    zone.dispatchEvent(new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true }));
  }, specs);
}

/** Drops one fixture file (see `dropFixtures`). */
export async function dropFixture(page, relativePath, name = path.basename(relativePath), { gunzip = false } = {}) {
  await dropFixtures(page, [{ path: relativePath, name, gunzip }]);
}

/** Drops a file made of `text` onto the drop zone. */
export async function dropText(page, name, text) {
  await page.evaluate(({ name, text }) => {
    const transfer = new DataTransfer();
    transfer.items.add(new File([text], name, { type: 'text/plain' }));
    const zone = document.querySelector('#drop-zone');
    zone.dispatchEvent(new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true }));
  }, { name, text });
}

export function readOracle(series) {
  return JSON.parse(fs.readFileSync(path.join(fixturesDir, 'oracle', `${series}.devtools.json`), 'utf8'));
}

/** DevTools' numbers for one corpus snapshot, say `mapcache-2.heapsnapshot` (its series is the name's stem). */
export function devtoolsNumbers(file) {
  const series = file.replace(/-\d+\.heapsnapshot$/, '');
  return readOracle(series).files.find((f) => f.file === file).devtools;
}

export async function screenshot(page, name, options = {}) {
  fs.mkdirSync(screenshotDir, { recursive: true });
  const file = path.join(screenshotDir, name);
  await page.screenshot({ path: file, fullPage: true, ...options });
  return file;
}
