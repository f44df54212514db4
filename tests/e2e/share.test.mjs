// Sharing without sharing the heap: `#url=` links open published files after the user confirms the host;
// without CORS headers the page says what the host must send; without confirmation nothing is fetched; and
// every request the page makes goes to its own origin or to the confirmed host, none carrying file contents;
// an exported report leaves string values out unless asked, and reads without JavaScript.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { startServer, launchBrowser, devtoolsNumbers, dropFixtures, fixturesDir, screenshotDir, screenshot } from './harness.mjs';

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

/** The text of the largest string value of a snapshot fixture (a value, not a name: no edge is named so). */
function largestStringValue(relative) {
  const snapshot = JSON.parse(zlib.gunzipSync(fs.readFileSync(path.join(fixturesDir, relative))).toString('utf8'));
  const meta = snapshot.snapshot.meta;
  const width = meta.node_fields.length;
  const [type, name, size] = ['type', 'name', 'self_size'].map((f) => meta.node_fields.indexOf(f));
  const stringTypes = new Set(['string', 'concatenated string', 'sliced string'].map((t) => meta.node_types[type].indexOf(t)));
  const edgeWidth = meta.edge_fields.length;
  const edgeNames = new Set();
  const [edgeType, edgeName] = ['type', 'name_or_index'].map((f) => meta.edge_fields.indexOf(f));
  const named = new Set(['context', 'property', 'internal', 'shortcut', 'weak'].map((t) => meta.edge_types[edgeType].indexOf(t)));
  for (let i = 0; i < snapshot.edges.length; i += edgeWidth) {
    if (named.has(snapshot.edges[i + edgeType])) edgeNames.add(snapshot.edges[i + edgeName]);
  }
  let best = null;
  for (let i = 0; i < snapshot.nodes.length; i += width) {
    const text = snapshot.strings[snapshot.nodes[i + name]];
    if (stringTypes.has(snapshot.nodes[i + type]) && text.length > 40 && !edgeNames.has(snapshot.nodes[i + name]) &&
      (!best || snapshot.nodes[i + size] > best.size)) {
      best = { size: snapshot.nodes[i + size], text };
    }
  }
  return best.text;
}

test('Export report: string values left out by default and kept when asked; the HTML reads without JavaScript', async () => {
  const { page, requests, errors } = await recordingPage();
  await page.goto(`${app.origin}/`);
  await page.waitForFunction(() => document.querySelector('#status')?.textContent === '', null, { timeout: 30000 });
  await dropFixtures(page, [1, 2, 3].map((i) => ({ path: `snapshots/mapcache-${i}.heapsnapshot.gz` }))
    .concat([{ path: 'metrics/corpus/mapcache.memusage.ndjson' }]));
  await page.waitForFunction(() => document.querySelectorAll('.file-tab:not(.loading)').length === 4, null, { timeout: 90000 });
  const exported = async () => {
    const [download] = await Promise.all([page.waitForEvent('download', { timeout: 90000 }), page.click('[data-testid="export-report"]')]);
    return fs.readFileSync(await download.path(), 'utf8');
  };
  const secret = largestStringValue('snapshots/mapcache-3.heapsnapshot.gz').slice(0, 40);
  const escaped = secret.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
  const redacted = await exported();
  assert.ok(!redacted.includes(secret) && !redacted.includes(escaped), `"${secret}" is left out`);
  assert.match(redacted, /responseCache/);
  assert.ok(!/<script/i.test(redacted), 'the report runs no script');
  await page.check('[data-testid="export-strings"]');
  const included = await exported();
  assert.ok(included.includes(escaped) || included.includes(secret), `"${secret}" is kept when asked`);
  // All requests: the app's own files, none with a body (the report is made in the page, from a blob: URL).
  for (const request of requests) {
    const origin = new URL(request.url).origin;
    assert.ok(origin === app.origin || /^(blob|data):/.test(request.url), request.url);
    assert.equal(request.body, null, `${request.method} ${request.url}`);
  }
  assert.deepEqual(errors, []);
  await page.close();
  // The report opens with JavaScript disabled and shows its charts.
  const file = path.join(screenshotDir, 'report.html');
  fs.writeFileSync(file, redacted);
  const context = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 1280, height: 900 } });
  const reader = await context.newPage();
  await reader.goto('file://' + file);
  const charts = reader.locator('svg');
  assert.ok(await charts.count() >= 2, 'the Statistics and the memory chart are drawn');
  const box = await charts.first().boundingBox();
  assert.ok(box && box.width > 200, 'a chart is drawn at a readable size');
  await reader.screenshot({ path: path.join(screenshotDir, 'report.jpg'), type: 'jpeg', quality: 80 });
  await context.close();
});
