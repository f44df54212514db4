// A hosted build that keeps itself current: the service worker precaches the build it belongs to, and when a
// new build is deployed the page offers it (never reloading by itself) and, on Reload, runs the new one.
// A copy of the build is served from a temp folder, so the test can deploy a "new build" into it: index.html
// gets a marker and scripts/precache.mjs is run on the copy, as the Trunk hook does after a real build.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { distDir, launchBrowser, startServer } from './harness.mjs';

const precacheScript = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../scripts/precache.mjs');
const MARKER = '<meta name="heapscope-test-build" content="2">';

let browser;
let server;
let origin;
let site;
let requested = [];

/** Hashes the copy's files into its sw.js (as the build's hook does) and returns the build's version. */
const deploy = () => execFileSync('node', [precacheScript, site], { encoding: 'utf8' }).trim();
const appCaches = (page) => page.evaluate(async () => (await caches.keys()).filter((name) => name.startsWith('heapscope-')));

before(async () => {
  site = fs.mkdtempSync(path.join(os.tmpdir(), 'heapscope-site-'));
  fs.cpSync(distDir, site, { recursive: true });
  ({ server, origin } = await startServer({ dir: site, onRequest: (req) => requested.push(req.url) }));
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  server?.close();
  if (site) fs.rmSync(site, { recursive: true, force: true });
});

test('the page offers a newly deployed build, keeps running until asked, then reloads into it', async () => {
  const first = deploy();
  const context = await browser.newContext();
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  await page.goto(origin + '/');
  await page.waitForFunction(() => document.querySelector('#status')?.textContent === '', null, { timeout: 30000 });
  // The first install takes over the page by itself (clients.claim), without offering anything.
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 30000 });
  assert.deepEqual(await appCaches(page), [`heapscope-${first}`]);
  const wasm = fs.readdirSync(site).filter((file) => file.endsWith('.wasm'));
  assert.ok(wasm.length >= 2, 'the page and the worker are wasm');
  assert.equal(await page.locator('[data-testid="update-available"]').count(), 0);

  // A new deployment: only index.html changes.
  const index = path.join(site, 'index.html');
  fs.writeFileSync(index, fs.readFileSync(index, 'utf8').replace('<meta charset="utf-8">', `<meta charset="utf-8">\n  ${MARKER}`));
  const second = deploy();
  assert.notEqual(second, first);
  requested = [];
  await page.evaluate(() => { window.stillTheFirstPage = true; });
  // What the page does every few minutes and when its tab becomes visible.
  await page.evaluate(async () => (await navigator.serviceWorker.getRegistration()).update());

  const banner = page.locator('[data-testid="update-available"]');
  await banner.waitFor({ timeout: 30000 });
  assert.match(await banner.textContent(), /A new version of heapscope is available/);
  // The new build is installed beside the running one, and the page has not reloaded by itself.
  assert.deepEqual((await appCaches(page)).sort(), [`heapscope-${first}`, `heapscope-${second}`].sort());
  await page.waitForTimeout(500);
  assert.equal(await page.evaluate(() => window.stillTheFirstPage), true);
  assert.equal(await page.evaluate(() => document.querySelector('meta[name="heapscope-test-build"]')), null);
  // Files whose hash did not change come from the old build's cache, not the network again.
  for (const file of wasm) assert.ok(!requested.includes('/' + file), `${file} was downloaded again`);
  assert.ok(requested.includes('/index.html'), 'the changed index.html was downloaded');

  await Promise.all([page.waitForEvent('load', { timeout: 30000 }), page.click('[data-testid="update-reload"]')]);
  await page.waitForFunction(() => document.querySelector('#status')?.textContent === '', null, { timeout: 30000 });
  assert.equal(await page.evaluate(() => window.stillTheFirstPage), undefined);
  assert.equal(await page.locator('meta[name="heapscope-test-build"]').count(), 1);
  // The old build's cache is gone; the new one serves the page, offline too.
  assert.deepEqual(await appCaches(page), [`heapscope-${second}`]);
  assert.equal(await page.locator('[data-testid="update-available"]').count(), 0);
  await context.setOffline(true);
  await page.reload();
  await page.waitForFunction(() => document.querySelector('#status')?.textContent === '', null, { timeout: 30000 });
  assert.equal(await page.locator('meta[name="heapscope-test-build"]').count(), 1);
  assert.deepEqual(problems, []);
  await context.close();
});

test('the manifest registers .heapsnapshot files, and files the app is launched with open like dropped ones', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  // Chromium hands an installed app's files to window.launchQueue; a headless browser installs no app, so
  // the queue is played here (over Chromium's own, which stays empty), with the file handles a launch gives.
  await page.addInitScript(() => {
    Object.defineProperty(window, 'launchQueue', {
      value: { setConsumer(consume) {
        const handles = ['mapcache-1.heapsnapshot.gz', 'mapcache-2.heapsnapshot.gz'].map((name) => ({
          kind: 'file',
          name,
          getFile: async () => new File([await (await fetch(`./example/${name}`)).blob()], name),
        }));
        consume({ files: handles });
      } },
    });
  });
  await page.goto(origin + '/');
  const { errors, data } = await (await context.newCDPSession(page)).send('Page.getAppManifest');
  assert.deepEqual(errors, []);
  assert.deepEqual(JSON.parse(data).file_handlers[0].accept, { 'application/x-heapsnapshot': ['.heapsnapshot'] });
  await page.waitForFunction(() => document.querySelectorAll('.file-tab').length === 2 &&
    document.querySelectorAll('.file-tab.loading').length === 0, null, { timeout: 60000 });
  const tabs = await page.locator('.file-tab').allTextContents();
  assert.ok(tabs[0].includes('mapcache-1') && tabs[1].includes('mapcache-2'), `tabs in launch order: ${tabs}`);
  const nodes = page.locator('[data-testid="view-overview"] [data-field="node-count"]');
  await nodes.waitFor({ timeout: 60000 });
  await context.close();
});
