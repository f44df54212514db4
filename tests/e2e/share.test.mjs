// Sharing without sharing the heap: `#url=` links open published files after the user confirms the host;
// without CORS headers the page says what the host must send; without confirmation nothing is fetched; and
// every request the page makes goes to its own origin or to the confirmed host, none carrying file contents.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { startServer, launchBrowser, devtoolsNumbers, fixturesDir, screenshot } from './harness.mjs';

let app, files, browser;

/** A second host publishing the fixtures: under /cors/ with `Access-Control-Allow-Origin: *`, under /plain/
 * without. It counts the requests it gets. */
async function startFileHost() {
  const host = { requests: [] };
  host.server = http.createServer((req, res) => {
    host.requests.push(req.url);
    const [, mode, ...rest] = req.url.split('/');
    const file = path.join(fixturesDir, decodeURIComponent(rest.join('/')));
    if (!file.startsWith(fixturesDir) || !fs.existsSync(file)) return res.writeHead(404).end();
    const headers = { 'content-type': 'application/octet-stream', 'content-length': fs.statSync(file).size };
    if (mode === 'cors') headers['access-control-allow-origin'] = '*';
    res.writeHead(200, headers);
    fs.createReadStream(file).pipe(res);
  });
  await new Promise((resolve) => host.server.listen(0, '127.0.0.1', resolve));
  host.origin = `http://127.0.0.1:${host.server.address().port}`;
  return host;
}

before(async () => {
  app = await startServer();
  files = await startFileHost();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  app?.server.close();
  files?.server.close();
});

/** A page recording every request it makes. */
async function recordingPage() {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const requests = [];
  page.on('request', (req) => requests.push({ url: req.url(), method: req.method(), body: req.postData() }));
  const errors = [];
  page.on('pageerror', (err) => errors.push(err.message));
  return { page, requests, errors };
}

const FILE = 'mapcache-2.heapsnapshot.gz';

test('a #url= link opens a published snapshot after the user confirms its host; the Summary is DevTools\'', async () => {
  const { page, requests, errors } = await recordingPage();
  const url = `${files.origin}/cors/snapshots/${FILE}`;
  await page.goto(`${app.origin}/#/summary?url=${encodeURIComponent(url)}&file=${FILE}`);
  const panel = page.locator('[data-testid="url-confirm-panel"]');
  await panel.waitFor();
  assert.match(await panel.textContent(), new RegExp(files.origin.replace('http://', '')));
  // Nothing is fetched before the user says so.
  await page.waitForTimeout(1500);
  assert.equal(files.requests.length, 0, 'no request to the file host before confirmation');
  await screenshot(page, 'url-confirm.png');
  await page.click('[data-testid="url-confirm"]');
  const view = page.locator('[data-testid="view-summary"]');
  await view.locator('[data-testid="row"]').first().waitFor({ timeout: 60000 });
  const oracle = devtoolsNumbers('mapcache-2.heapsnapshot').top_classes_by_retained;
  for (let i = 0; i < 5; i++) {
    const row = view.locator('[data-testid="row"]').nth(i);
    assert.equal(await row.locator('[data-col="name"]').textContent(), oracle[i].name);
    assert.equal(Number(await row.locator('[data-col="retained_size"]').getAttribute('data-value')), oracle[i].retained_size);
  }
  // Every request went to the app's origin or the confirmed host, and none carried a body.
  for (const request of requests) {
    const origin = new URL(request.url).origin;
    assert.ok([app.origin, files.origin].includes(origin) || request.url.startsWith('blob:') || request.url.startsWith('data:'), request.url);
    assert.equal(request.body, null, `${request.method} ${request.url} carries no contents`);
  }
  assert.deepEqual(errors, []);
  await page.close();
});

test('a host that sends no CORS header gets a message saying what it must send', async () => {
  const { page } = await recordingPage();
  const url = `${files.origin}/plain/snapshots/${FILE}`;
  await page.goto(`${app.origin}/#url=${encodeURIComponent(url)}`);
  await page.click('[data-testid="url-confirm"]');
  const error = page.locator('.file-tab [data-testid="error"]');
  await error.waitFor({ timeout: 30000 });
  assert.match(await error.textContent(), /Access-Control-Allow-Origin/);
  await page.close();
});

test('a cancelled link fetches nothing, and a link to a non-https address is refused', async () => {
  const before = files.requests.length;
  const { page } = await recordingPage();
  const url = `${files.origin}/cors/snapshots/${FILE}`;
  await page.goto(`${app.origin}/#url=${encodeURIComponent(url)}&url=${encodeURIComponent('http://example.com/a.heapsnapshot')}`);
  const panel = page.locator('[data-testid="url-confirm-panel"]');
  await panel.waitFor();
  assert.match(await panel.locator('[data-testid="error"]').textContent(), /only https: addresses/);
  await page.click('[data-testid="url-cancel"]');
  await page.waitForTimeout(1000);
  assert.equal(await panel.count(), 0);
  assert.equal(files.requests.length, before, 'nothing fetched');
  await page.close();
});
