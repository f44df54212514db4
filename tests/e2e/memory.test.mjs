// The page's memory and responsiveness while browsing, measured through the Chrome DevTools protocol:
// opening 300 objects one after another leaves the JS heap, the DOM and the listeners bounded (each view
// frees what it stops showing), and the retainer tree of an object with a million retainers opens without
// a long task on the main thread.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { execFileSync } from 'node:child_process';
import { startAppAndBrowser, openApp, dropFixture, dropFixtures, fixturesDir, screenshotDir } from './harness.mjs';

let env;
before(async () => { env = await startAppAndBrowser(); });
after(() => env?.close());

async function metrics(cdp) {
  await cdp.send('HeapProfiler.collectGarbage');
  const { metrics } = await cdp.send('Performance.getMetrics');
  return Object.fromEntries(metrics.map(({ name, value }) => [name, value]));
}

/** Ids of `count` objects spread over the snapshot (nodes of type "object"). */
function objectIds(relative, count) {
  const snapshot = JSON.parse(zlib.gunzipSync(fs.readFileSync(path.join(fixturesDir, relative))).toString('utf8'));
  const meta = snapshot.snapshot.meta;
  const width = meta.node_fields.length;
  const [typeField, idField] = [meta.node_fields.indexOf('type'), meta.node_fields.indexOf('id')];
  const objectType = meta.node_types[typeField].indexOf('object');
  const ids = [];
  for (let i = 0; i < snapshot.nodes.length; i += width) {
    if (snapshot.nodes[i + typeField] === objectType) ids.push(snapshot.nodes[i + idField]);
  }
  const step = Math.floor(ids.length / count);
  return Array.from({ length: count }, (_, k) => ids[k * step]);
}

/** Goes to an object's view and waits until its trees have their first pages. */
async function openObject(page, file, id) {
  await page.evaluate(([file, id]) => { location.hash = `#/object?file=${file}&id=${id}`; }, [file, id]);
  await page.waitForFunction((id) => {
    const view = document.querySelector('[data-testid="view-object"]');
    if (view?.querySelector('.view-title')?.dataset.id !== String(id)) return false;
    const tails = [...view.querySelectorAll('tr.tail')].map((tr) => tr.textContent);
    return view.querySelectorAll('table.tree').length === 3 && !tails.some((t) => t.includes('Loading'));
  }, id, { timeout: 30000 });
}

test('opening 300 objects one after another keeps the page\'s heap, DOM and listeners bounded', async () => {
  const { page, problems } = await openApp(env.browser, env.origin);
  const file = 'mapcache-2.heapsnapshot.gz';
  await dropFixture(page, `snapshots/${file}`);
  await page.locator('[data-testid="view-overview"] [data-field="node-count"]').waitFor({ timeout: 60000 });
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable');
  const ids = objectIds(`snapshots/${file}`, 300);
  for (const id of ids.slice(0, 30)) await openObject(page, file, id);
  const warm = await metrics(cdp);
  for (const id of ids.slice(30)) await openObject(page, file, id);
  const end = await metrics(cdp);
  const mb = (bytes) => (bytes / 1048576).toFixed(1);
  console.log(`after 30 objects: heap ${mb(warm.JSHeapUsedSize)} MB, ${warm.Nodes} nodes, ${warm.JSEventListeners} listeners; ` +
    `after 300: heap ${mb(end.JSHeapUsedSize)} MB, ${end.Nodes} nodes, ${end.JSEventListeners} listeners`);
  assert.ok(end.JSHeapUsedSize < warm.JSHeapUsedSize + 4 * 1048576, 'the JS heap does not grow with the objects opened');
  assert.ok(end.Nodes < warm.Nodes * 1.5 + 2000, 'DOM nodes are freed with their view');
  assert.ok(end.JSEventListeners <= warm.JSEventListeners + 20, 'listeners are removed with their view');
  assert.deepEqual(problems, []);
  await page.close();
});

test('the retainer tree of an object with a million retainers opens without freezing the page', async () => {
  fs.mkdirSync(screenshotDir, { recursive: true });
  const name = 'million-retainers.heapsnapshot';
  const file = path.join(screenshotDir, name);
  if (!fs.existsSync(file)) {
    const program = `
      class SharedTarget { constructor() { this.label = 'shared'; } }
      const shared = new SharedTarget();
      globalThis.holders = Array.from({ length: 1e6 }, () => ({ target: shared }));
      require('v8').writeHeapSnapshot(${JSON.stringify(file)});`;
    execFileSync(process.execPath, ['-e', program], { stdio: 'inherit' });
  }
  const { page, problems } = await openApp(env.browser, env.origin);
  await dropFixtures(page, [{ path: name, url: `/__generated/${name}` }]);
  await page.locator('[data-testid="view-overview"] [data-field="node-count"]').waitFor({ timeout: 120000 });
  await page.evaluate((name) => { location.hash = `#/search?file=${name}&q=SharedTarget&in=class`; }, name);
  const result = page.locator('[data-testid="view-search"] [data-testid="row"]').first();
  await result.waitFor({ timeout: 60000 });
  await page.evaluate(() => {
    window.__longTasks = [];
    new PerformanceObserver((list) => window.__longTasks.push(...list.getEntries().map((e) => e.duration)))
      .observe({ type: 'longtask' });
  });
  const started = Date.now();
  await result.locator('.open').click();
  const more = page.locator('[data-testid="view-object"] table.retainers tr.more');
  await more.waitFor({ timeout: 60000 });
  const opened = Date.now() - started;
  const longTasks = await page.evaluate(() => window.__longTasks);
  const shown = await more.textContent();
  console.log(`retainer tree: ${shown}, first page in ${opened} ms; main-thread long tasks: ${JSON.stringify(longTasks)}`);
  // The million holders, and the module scope that made them.
  assert.match(shown, /of 1,000,00\d shown/);
  assert.ok(longTasks.every((ms) => ms < 200), `no long task on the main thread: ${longTasks}`);
  assert.deepEqual(problems, []);
  await page.close();
});
