// End-to-end tests of the page in headless Chromium: what a person sees after opening, dropping and picking
// files. Run by `make test` against the release build in dist/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startAppAndBrowser, openApp, dropFixture, dropFixtures, dropText, devtoolsNumbers, readOracle, screenshot } from './harness.mjs';

let env;
before(async () => { env = await startAppAndBrowser(); });
after(() => env?.close());

/** A test on a fresh page of the app; it also fails on any console error, page error or foreign request. */
function appTest(name, body) {
  test(name, async () => {
    const { page, problems } = await openApp(env.browser, env.origin);
    await body(page);
    assert.deepEqual(problems, []);
    await page.close();
  });
}

/** The number in the Overview's `data-field` cell, as an integer. */
async function shownCount(page, field) {
  const cell = page.locator(`[data-testid="view-overview"] [data-field="${field}"]`);
  await cell.waitFor({ timeout: 60000 });
  return Number((await cell.textContent()).replaceAll(',', ''));
}

/** Opens a snapshot's view through the view bar and waits for its first row. */
async function openView(page, label, testid) {
  await page.click(`.view-link:has-text("${label}")`);
  const view = page.locator(`[data-testid="${testid}"]`);
  await view.locator('[data-testid="row"]').first().waitFor({ timeout: 60000 });
  return view;
}

appTest('Open example loads three snapshots and their metrics, shows the Overview, with no errors and no foreign requests', async (page) => {
  await page.click('#open-example');
  await page.waitForFunction(() => document.querySelectorAll('.file-tab').length === 4 &&
    document.querySelectorAll('.file-tab.loading').length === 0, null, { timeout: 60000 });
  const nodes = await shownCount(page, 'node-count');
  const oracle = devtoolsNumbers('mapcache-1.heapsnapshot');
  assert.equal(nodes, oracle.node_count);
  assert.equal(await shownCount(page, 'edge-count'), oracle.edge_count);
  assert.match(page.url(), /#\/overview\?file=mapcache-1\.heapsnapshot\.gz$/);
  // At a glance: the metrics verdict and the leak suspect across the three snapshots.
  await page.locator('.suspects-glance-list a', { hasText: 'responseCache' }).waitFor({ timeout: 60000 });
  assert.equal(await page.locator('.glance .verdicts li').count(), 1);
  const policy = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
  assert.match(policy, /default-src 'self'/, 'a Content-Security-Policy keeps every request on this origin');
  await screenshot(page, 'example.png');
});

appTest('a dropped corpus snapshot shows its node count and its Summary pages 100 classes at a time', async (page) => {
  await dropFixture(page, 'snapshots/listeners-2.heapsnapshot.gz');
  const oracle = devtoolsNumbers('listeners-2.heapsnapshot');
  assert.equal(await shownCount(page, 'node-count'), oracle.node_count);
  assert.match(await page.locator('[data-field="node-fields"]').textContent(), /^type, name, id/);
  const view = await openView(page, 'Summary', 'view-summary');
  const classRows = view.locator('tr.class');
  assert.equal(await classRows.count(), 100);
  await view.locator('button.more').click();
  await page.waitForFunction((n) => document.querySelectorAll('[data-testid="view-summary"] tr.class').length === n,
    Math.min(200, oracle.class_count));
  assert.equal(await classRows.nth(0).locator('[data-col="name"]').textContent(), oracle.top_classes_by_retained[0].name);
  await screenshot(page, 'dropped-snapshot.png');
});

appTest('a 15 MB snapshot streams to the worker in several chunks and shows DevTools\' numbers', async (page) => {
  // listeners-3 as text is four 4 MiB slices: more than the page sends ahead of the worker, so the page must
  // wait for the worker to consume chunks before it sends the last one.
  await dropFixture(page, 'snapshots/listeners-3.heapsnapshot.gz', 'listeners-3.heapsnapshot', { gunzip: true });
  const oracle = devtoolsNumbers('listeners-3.heapsnapshot');
  assert.equal(await shownCount(page, 'node-count'), oracle.node_count);
  assert.equal(await shownCount(page, 'edge-count'), oracle.edge_count);
  assert.match(await page.locator('.file-tab .file-name').first().textContent(), /^listeners-3\.heapsnapshot/);
});

appTest('two snapshots dropped together load side by side as tabs, their chunks interleaved', async (page) => {
  await dropFixtures(page, [
    { path: 'snapshots/listeners-3.heapsnapshot.gz', name: 'listeners-3.heapsnapshot', gunzip: true },
    { path: 'snapshots/mapcache-3.heapsnapshot.gz', name: 'mapcache-3.heapsnapshot', gunzip: true },
  ]);
  await page.waitForFunction(() => document.querySelectorAll('.file-tab').length === 2 &&
    document.querySelectorAll('.file-tab.loading').length === 0, null, { timeout: 60000 });
  for (const name of ['listeners-3.heapsnapshot', 'mapcache-3.heapsnapshot']) {
    await page.locator('.file-tab .file-name', { hasText: name }).click();
    await page.waitForFunction((name) => document.querySelector('[data-testid="view-overview"] .view-title')?.textContent === name, name);
    assert.equal(await shownCount(page, 'node-count'), devtoolsNumbers(name).node_count, name);
  }
});

appTest('files that are not snapshots (25 MB, 5 MB) fail with a clear error, and the page goes on', async (page) => {
  await page.evaluate(() => {
    const transfer = new DataTransfer();
    transfer.items.add(new File(['not JSON at all; '.repeat(1_500_000)], 'big.heapsnapshot'));
    // A snapshot broken in its first bytes, two chunks long: the page has sent all of it, and said it is
    // the end, before the worker's error about the first chunk comes back.
    transfer.items.add(new File(['{"snapshot": 5, ' + ' '.repeat(5_000_000)], 'small.heapsnapshot'));
    const zone = document.querySelector('#drop-zone');
    zone.dispatchEvent(new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true }));
  });
  await page.waitForFunction(() => document.querySelectorAll('.file-tab [data-testid="error"]').length === 2, null, { timeout: 30000 });
  const errors = await page.locator('.file-tab [data-testid="error"]').allTextContents();
  const error = (name) => errors.find((text) => text.includes(`${name}.heapsnapshot`)) ?? errors.join(' | ');
  assert.match(error('big'), /not a heap snapshot/, 'big');
  assert.match(error('small'), /snapshot.*byte \d+/, 'small: the parser\'s error, with its byte offset');
  // The page stays usable: another file opens after it.
  await dropFixture(page, 'snapshots/steady-1.heapsnapshot.gz');
  assert.equal(await shownCount(page, 'node-count'), devtoolsNumbers('steady-1.heapsnapshot').node_count);
});

appTest('a dropped text file gets a clear error', async (page) => {
  await dropText(page, 'notes.txt', 'these are my notes, not a heap snapshot\n');
  const error = page.locator('.file-tab [data-testid="error"]');
  await error.waitFor({ timeout: 30000 });
  assert.match(await error.textContent(), /notes\.txt: not a heap snapshot/);
  await screenshot(page, 'text-file-error.png');
});

appTest('a truncated snapshot gets an error naming the section and byte offset', async (page) => {
  const head = '{"snapshot":{"meta":{"node_fields":["type","name","id","self_size","edge_count"],' +
    '"node_types":[["hidden","object"],"string","number","number","number"],"edge_fields":["type","name_or_index","to_node"],' +
    '"edge_types":[["context","element"],"string_or_number","node"]},"node_count":2,"edge_count":1},"nodes":[1,0,1,0,1,';
  await dropText(page, 'cut.heapsnapshot', head);
  const error = page.locator('.file-tab [data-testid="error"]');
  await error.waitFor({ timeout: 30000 });
  const text = await error.textContent();
  assert.match(text, /^cut\.heapsnapshot: /);
  assert.match(text, /truncated/i);
  assert.match(text, /nodes/);
  assert.match(text, /byte \d+/);
});

appTest('the class filter shows only the classes whose name contains it, and their objects', async (page) => {
  await dropFixture(page, 'snapshots/mapcache-2.heapsnapshot.gz');
  const oracle = devtoolsNumbers('mapcache-2.heapsnapshot');
  const view = await openView(page, 'Summary', 'view-summary');
  const rows = view.locator('tr.class');
  await page.fill('[data-testid="class-filter"]', 'cachedresp');
  await page.waitForFunction(() => {
    const names = [...document.querySelectorAll('[data-testid="view-summary"] tr.class [data-col="name"]')].map((td) => td.textContent);
    return names.length > 0 && names.every((name) => /cachedresp/i.test(name));
  });
  const expected = oracle.top_classes_by_retained.filter((c) => /cachedresp/i.test(c.name));
  assert.equal(await rows.count(), expected.length);
  assert.equal(await rows.nth(0).locator('[data-col="count"]').getAttribute('data-value'), String(expected[0].count));
  assert.match(page.url(), /filter=cachedresp/);
  await rows.nth(0).click();
  const object = view.locator('tr.object').first();
  await object.waitFor();
  assert.equal(await object.locator('[data-col="name"]').textContent(), 'CachedResponse');
  await page.fill('[data-testid="class-filter"]', 'no class is called this');
  await view.locator('tr.tail', { hasText: 'none' }).waitFor();
  assert.equal(await rows.count(), 0);
  await page.fill('[data-testid="class-filter"]', '');
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="view-summary"] tr.class').length === 100);
  await screenshot(page, 'class-filter.png');
});

appTest('an object opens by its @id in the URL; an unknown id and a malformed one say so', async (page) => {
  await dropFixture(page, 'snapshots/mapcache-3.heapsnapshot.gz');
  await shownCount(page, 'node-count');
  const server = devtoolsNumbers('mapcache-3.heapsnapshot').top_objects_by_retained[0];
  const file = 'mapcache-3.heapsnapshot.gz';
  await page.evaluate(([file, id]) => { location.hash = `#/object?file=${file}&id=${id}`; }, [file, server.id]);
  const view = page.locator('[data-testid="view-object"]');
  await view.locator('[data-field="object-class"]').waitFor({ timeout: 30000 });
  assert.equal(await view.locator('[data-field="object-class"]').textContent(), server.class_name);
  assert.equal(await view.locator('.view-title').getAttribute('data-id'), String(server.id));
  await view.locator('table.retainers [data-testid="row"]').first().waitFor();
  await page.evaluate((file) => { location.hash = `#/object?file=${file}&id=4294967295`; }, file);
  await page.locator('[data-testid="view-object"] p.muted', { hasText: 'No object has id @4294967295' }).waitFor();
  await page.evaluate((file) => { location.hash = `#/object?file=${file}&id=abc`; }, file);
  await page.locator('[data-testid="view-object"] p.muted', { hasText: 'is not an object id' }).waitFor();
});

appTest('a class and then an object show why it is alive: path from a root, retainers, properties', async (page) => {
  await dropFixture(page, 'snapshots/mapcache-2.heapsnapshot.gz');
  const oracle = devtoolsNumbers('mapcache-2.heapsnapshot');
  const leak = oracle.top_classes_by_retained.find((c) => c.name === 'CachedResponse');
  const summary = await openView(page, 'Summary', 'view-summary');
  const classRow = summary.locator('tr.class', { has: page.locator('[data-col="name"]', { hasText: /^CachedResponse$/ }) });
  await classRow.scrollIntoViewIfNeeded();
  assert.equal(await classRow.locator('[data-col="count"]').getAttribute('data-value'), String(leak.count));
  assert.equal(await classRow.locator('[data-col="retained_size"]').getAttribute('data-value'), String(leak.retained_size));
  await classRow.click();
  const firstInstance = summary.locator('tr.object').first();
  await firstInstance.waitFor();
  await firstInstance.locator('.open').click();
  const view = page.locator('[data-testid="view-object"]');
  await view.locator('[data-field="object-class"]').waitFor({ timeout: 30000 });
  // The path from a GC root ends at the object itself.
  await view.locator('.path-steps li.path-end').waitFor();
  assert.match(await view.locator('.path-steps li.path-end').textContent(), /^CachedResponse @\d+$/);
  assert.ok(await view.locator('table.retainers [data-testid="row"]').count() >= 1);
  // Its properties: the fields the leaking program gave it that are objects (numbers are stored inline).
  const properties = view.locator('table.properties [data-testid="row"] [data-col="edge"]');
  await properties.first().waitFor();
  const fields = await properties.allTextContents();
  for (const field of ['id', 'body', 'headers']) assert.ok(fields.includes(field), `${field} in ${fields}`);
  await screenshot(page, 'object-view.png');
});

appTest('a dropped memoryUsage log shows a leak verdict, its evidence and its chart', async (page) => {
  await dropFixture(page, 'metrics/corpus/listeners.memusage.ndjson');
  const trends = page.locator('[data-testid="view-trends"]');
  const verdict = trends.locator('[data-field="verdict"]');
  await verdict.waitFor({ timeout: 30000 });
  assert.match(await verdict.textContent(), /^Verdict: leak\. heapUsed: floor .* never came back down/);
  const floor = trends.locator('[data-field="floor-source"]');
  assert.match(await floor.textContent(), /GC cycle .* points \(drawn on the chart\)/);
  assert.match(await trends.locator('[data-field="confidence"]').textContent(), /low|medium|high/);
  const chart = trends.locator('.memory-chart svg');
  assert.equal(await chart.count(), 1);
  const box = await chart.boundingBox();
  assert.ok(box.width > 300 && box.height > 150, `the chart is drawn at a readable size (${box.width}x${box.height})`);
  await screenshot(page, 'metrics.png');
});

appTest('the steady program\'s memoryUsage log is stable', async (page) => {
  await dropFixture(page, 'metrics/corpus/steady.memusage.ndjson');
  const verdict = page.locator('[data-testid="view-trends"] [data-field="verdict"]');
  await verdict.waitFor({ timeout: 30000 });
  assert.match(await verdict.textContent(), /^Verdict: stable\./);
});

appTest('a memoryUsage log and its snapshot events combine into one timeline with markers', async (page) => {
  await dropFixture(page, 'metrics/corpus/timers.memusage.ndjson');
  await page.locator('[data-field="verdict"]').first().waitFor({ timeout: 30000 });
  await dropFixture(page, 'metrics/corpus/timers.events.ndjson');
  const combine = page.locator('[data-testid="combine"]');
  await combine.waitFor({ timeout: 30000 });
  assert.match(await combine.textContent(), /Combine the 2 metrics files/);
  await combine.click();
  const card = page.locator('.metrics-file', { hasText: 'metrics files on one timeline' });
  const verdict = card.locator('[data-field="verdict"]');
  await verdict.waitFor({ timeout: 30000 });
  assert.match(await verdict.textContent(), /^Verdict: leak\./);
  const svg = await card.locator('.memory-chart svg').innerHTML();
  for (const marker of ['snapshot 1', 'snapshot 2', 'snapshot 3']) assert.ok(svg.includes(marker), `${marker} marked`);
  await screenshot(page, 'combined-metrics.png');
});

/** Drops the three snapshots of a corpus series, gzipped as they are in the fixtures. */
async function dropSeries(page, dir, name) {
  await dropFixtures(page, [1, 2, 3].map((i) => ({ path: `${dir}/${name}-${i}.heapsnapshot.gz` })));
}

appTest('three snapshots of a leaking service: the Leaks view names the planted Map first; a trace step opens it', async (page) => {
  // Dropped newest first: the page orders the series by the objects' ids, not by drop order.
  await dropFixtures(page, [3, 1, 2].map((i) => ({ path: `snapshots/mapcache-${i}.heapsnapshot.gz` })));
  await page.waitForFunction(() => document.querySelectorAll('.file-tab:not(.loading)').length === 3, null, { timeout: 90000 });
  await page.click('.view-link:has-text("Leaks")');
  const leaks = page.locator('[data-testid="view-leaks"]');
  const first = leaks.locator('[data-testid="suspect"]').first();
  await first.waitFor({ timeout: 90000 });
  assert.match(await page.locator('.series-order').textContent(), /mapcache-1.*mapcache-2.*mapcache-3/s);
  assert.equal(await first.getAttribute('data-kind'), 'collection');
  assert.match(await first.textContent(), /→ responseCache \(Map\)/);
  assert.ok(await first.locator('svg.sparkline circle').count() === 3, 'growth drawn for the three snapshots');
  await screenshot(page, 'leaks-view.png');
  // The last step is the Map itself: clicking it opens that object in the last snapshot's object view.
  const step = first.locator('button.step').last();
  const id = await step.getAttribute('data-id');
  await step.click();
  const title = page.locator('[data-testid="view-object"] .view-title[data-id]');
  await title.waitFor({ timeout: 30000 });
  assert.equal(await title.textContent(), 'Map');
  assert.equal(await title.getAttribute('data-id'), id);
  assert.match(page.url(), /file=mapcache-3\.heapsnapshot\.gz/);
});

appTest('the steady control series gets no suspect', async (page) => {
  await dropSeries(page, 'snapshots', 'steady');
  await page.waitForFunction(() => document.querySelectorAll('.file-tab:not(.loading)').length === 3, null, { timeout: 90000 });
  await page.click('.view-link:has-text("Leaks")');
  const none = page.locator('[data-testid="view-leaks"] .no-suspect');
  await none.waitFor({ timeout: 90000 });
  assert.equal(await page.locator('[data-testid="suspect"]').count(), 0);
});

appTest('the Comparison view shows DevTools\' Comparison numbers, sorts, and opens a class into its new objects', async (page) => {
  await dropSeries(page, 'snapshots', 'mapcache');
  await page.waitForFunction(() => document.querySelectorAll('.file-tab:not(.loading)').length === 3, null, { timeout: 90000 });
  await page.click('.view-link:has-text("Comparison")');
  const view = page.locator('[data-testid="view-comparison"]');
  const rows = view.locator('[data-testid="row"]');
  await rows.first().waitFor({ timeout: 60000 });
  // By default: the last snapshot against the one before, largest size delta first.
  const oracle = readOracle('mapcache').comparisons[1];
  assert.match(oracle.current, /mapcache-3/);
  const value = async (row, col) => row.locator(`[data-col="${col}"]`).getAttribute('data-value');
  // Rows with equal size deltas may come in another order than DevTools': rows are matched by class key.
  const deltas = [];
  for (let i = 0; i < 10; i++) {
    const row = rows.nth(i);
    const key = await row.getAttribute('data-key');
    const expected = [...oracle.top_by_size_delta, ...oracle.top_by_delta_count].find((r) => r.key === key);
    assert.ok(expected, `${key} is among DevTools' rows`);
    for (const col of ['new_count', 'deleted_count', 'delta_count', 'alloc_size', 'freed_size', 'size_delta']) {
      assert.equal(Number(await value(row, col)), expected[col], `${key} ${col}`);
    }
    assert.equal(await row.locator('[data-col="name"]').textContent(), expected.name);
    deltas.push(expected.size_delta);
  }
  assert.deepEqual(deltas, oracle.top_by_size_delta.slice(0, 10).map((r) => r.size_delta));
  assert.equal(await rows.count(), Math.min(100, oracle.class_count));
  // Sorting by "# New" puts the class with the most new objects first.
  await view.locator('th[data-col="new_count"]').click();
  const mostNew = Math.max(...oracle.top_by_delta_count.map((r) => r.new_count), ...oracle.top_by_size_delta.map((r) => r.new_count));
  assert.equal(Number(await value(rows.first(), 'new_count')), mostNew);
  // A class opens into its new and deleted objects, its new ones 50 at a time.
  const cached = view.locator('[data-testid="row"][data-key$=",CachedResponse"]');
  await cached.click();
  await view.locator('tr.group.new-objects').click();
  const newObjects = view.locator('tr.object');
  await newObjects.first().waitFor({ timeout: 30000 });
  assert.equal(await newObjects.count(), 50);
  assert.equal(await newObjects.first().locator('[data-col="name"]').textContent(), 'CachedResponse');
  await screenshot(page, 'comparison-view.png');
});

test('after one visit the app opens offline and still reads files', async () => {
  const context = await env.browser.newContext();
  const page = await context.newPage();
  await page.goto(env.origin + '/');
  await page.waitForFunction(async () => (await navigator.serviceWorker.ready).active?.state === 'activated');
  await context.setOffline(true);
  await page.reload();
  await page.waitForFunction(() => document.querySelector('#status')?.textContent === '', null, { timeout: 30000 });
  await page.click('#open-example');
  const nodes = page.locator('[data-testid="view-overview"] [data-field="node-count"]');
  await nodes.waitFor({ timeout: 60000 });
  assert.ok(Number((await nodes.textContent()).replaceAll(',', '')) > 10000);
  await context.close();
});
