// End-to-end tests of the views as a person uses them, in headless Chromium, with their numbers checked
// against DevTools' own (tests/fixtures/oracle): the Summary's top rows, an object's retainers, a dominator
// subtree; the retainer tree opened and closed; the URL restoring a view on reload, back and forward; a
// regular-expression search; a failed query shown in its view; keyboard-only navigation; screenshots of
// every view in light and dark.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { startAppAndBrowser, openApp, dropFixture, dropFixtures, devtoolsNumbers, fixturesDir, screenshot } from './harness.mjs';

const FILE = 'mapcache-2.heapsnapshot.gz';
let env;
before(async () => { env = await startAppAndBrowser(); });
after(() => env?.close());

function gunzipJson(relative) {
  return JSON.parse(zlib.gunzipSync(fs.readFileSync(path.join(fixturesDir, relative))).toString('utf8'));
}

/** The V8 id of each node, by ordinal, read from the snapshot itself. */
function nodeIds(relative) {
  const snapshot = gunzipJson(relative);
  const fields = snapshot.snapshot.meta.node_fields;
  const idField = fields.indexOf('id');
  const ids = [];
  for (let i = idField; i < snapshot.nodes.length; i += fields.length) ids.push(snapshot.nodes[i]);
  return ids;
}

/** A test on a fresh page with mapcache-2 loaded; fails on any console error, page error or foreign request. */
function viewTest(name, body, { colorScheme = 'light' } = {}) {
  test(name, async () => {
    const { page, problems } = await openApp(env.browser, env.origin);
    await page.emulateMedia({ colorScheme });
    await dropFixture(page, `snapshots/${FILE}`);
    await page.locator('[data-testid="view-overview"] [data-field="node-count"]').waitFor({ timeout: 60000 });
    await body(page);
    assert.deepEqual(problems, []);
    await page.close();
  });
}

async function go(page, hash) {
  await page.evaluate((hash) => { location.hash = hash; }, hash);
}

const rows = (view) => view.locator('[data-testid="row"]');
/** Opens or closes a row: a click beside its name (a click on an object's name opens the object). */
const toggle = (row) => row.locator('[data-col="distance"]').click();

viewTest('the Summary opens by retained size, largest first, and its top rows are DevTools\'', async (page) => {
  await go(page, `#/summary?file=${FILE}`);
  const view = page.locator('[data-testid="view-summary"]');
  await rows(view).first().waitFor();
  assert.equal(await view.locator('th[data-col="retained_size"]').getAttribute('aria-sort'), 'descending');
  const oracle = devtoolsNumbers('mapcache-2.heapsnapshot').top_classes_by_retained;
  for (let i = 0; i < 10; i++) {
    const row = rows(view).nth(i);
    assert.equal(await row.locator('[data-col="name"]').textContent(), oracle[i].name);
    for (const col of ['count', 'shallow_size', 'retained_size', 'distance']) {
      assert.equal(Number(await row.locator(`[data-col="${col}"]`).getAttribute('data-value')), oracle[i][col], `${oracle[i].name} ${col}`);
    }
  }
  // Sorting by Count: the class with the most objects first; the sort is in the URL.
  await view.locator('th[data-col="count"]').click();
  await page.waitForFunction(() => document.querySelector('[data-testid="view-summary"] th[data-col="count"]')?.getAttribute('aria-sort') === 'descending');
  const mostObjects = Math.max(...oracle.map((c) => c.count));
  assert.equal(Number(await rows(view).first().locator('[data-col="count"]').getAttribute('data-value')), mostObjects);
  assert.match(page.url(), /sort=count/);
});

viewTest('an object\'s retainers are DevTools\' Retainers; the retainer tree opens three levels and closes', async (page) => {
  const oracle = gunzipJson('oracle/mapcache-2.retainers.devtools.json.gz');
  const node = oracle.nodes.find((n) => n.retainers.length >= 3 && n.retainers.length <= 40);
  await go(page, `#/object?file=${FILE}&id=${node.id}`);
  const view = page.locator('[data-testid="view-object"]');
  const tree = view.locator('table.retainers');
  await rows(tree).first().waitFor();
  // The tree opened itself along the path to a root: collapse the first row to see the top level alone.
  const first = rows(tree).first();
  if (await first.getAttribute('aria-expanded') === 'true') await toggle(first);
  await page.waitForFunction(() => [...document.querySelectorAll('table.retainers [data-testid="row"]')].every((r) => r.getAttribute('aria-level') === '1'));
  const shown = [];
  for (const row of await rows(tree).all()) {
    shown.push([Number(await row.getAttribute('data-key')), (await row.locator('[data-col="edge"]').textContent()).replace(/^\[(.*)\]$/, '$1')]);
  }
  const expected = node.retainers.map(([id, , name]) => [id, name]);
  const sort = (list) => list.map((pair) => pair.join(' ')).sort();
  assert.deepEqual(sort(shown), sort(expected), `retainers of @${node.id}`);
  // Nearest to a root first, as DevTools' retainer tree opens.
  const distances = await tree.locator('[data-testid="row"] [data-col="distance"]').evaluateAll((cells) => cells.map((c) => Number(c.dataset.value)));
  assert.deepEqual(distances, [...distances].sort((a, b) => a - b));
  // Open three levels by hand, then close the top one.
  let row = rows(tree).first();
  for (let level = 1; level <= 3; level++) {
    await toggle(row);
    const child = tree.locator(`[data-testid="row"][aria-level="${level + 1}"].collapsed`).first();
    await child.waitFor();
    row = child;
  }
  assert.ok(await tree.locator('[data-testid="row"][aria-level="4"]').count() >= 1);
  await screenshot(page, 'retainer-tree-open.png');
  await toggle(rows(tree).first());
  await page.waitForFunction(() => document.querySelectorAll('table.retainers [data-testid="row"]:not([aria-level="1"])').length === 0);
  assert.equal(await rows(tree).count(), expected.length);
});

viewTest('the Dominators view lists what the root dominates, and a node\'s children, as DevTools\' dominator tree', async (page) => {
  const ids = nodeIds(`snapshots/${FILE}`);
  const dominators = gunzipJson('oracle/mapcache-2.dominators.devtools.json.gz').dominators;
  const retained = gunzipJson('oracle/mapcache-2.retained.devtools.json.gz').retained;
  const childrenOf = (ordinal) => dominators.flatMap((d, o) => (d === ordinal && o !== ordinal ? [o] : []));
  await go(page, `#/dominators?file=${FILE}`);
  const view = page.locator('[data-testid="view-dominators"]');
  await rows(view).first().waitFor();
  const check = async (level, parentOrdinal) => {
    const expected = childrenOf(parentOrdinal);
    const byId = new Map(expected.map((o) => [ids[o], o]));
    const shown = view.locator(`[data-testid="row"][aria-level="${level}"]`);
    const count = await shown.count();
    assert.equal(count, Math.min(50, expected.length), `children of ordinal ${parentOrdinal}`);
    const largest = expected.map((o) => retained[o]).sort((a, b) => b - a);
    for (let i = 0; i < count; i++) {
      const id = Number(await shown.nth(i).getAttribute('data-key'));
      assert.ok(byId.has(id), `@${id} is dominated by ordinal ${parentOrdinal}`);
      assert.equal(Number(await shown.nth(i).locator('[data-col="retained_size"]').getAttribute('data-value')), retained[byId.get(id)]);
      assert.equal(retained[byId.get(id)], largest[i], 'largest retained size first');
    }
    return shown;
  };
  const top = await check(1, 0);
  // Open the first owner that dominates something and check its children.
  const ordinalOf = new Map(ids.map((id, o) => [id, o]));
  for (let i = 0; i < await top.count(); i++) {
    const ordinal = ordinalOf.get(Number(await top.nth(i).getAttribute('data-key')));
    if (childrenOf(ordinal).length >= 3) {
      await toggle(top.nth(i));
      await view.locator('[data-testid="row"][aria-level="2"]').first().waitFor();
      await check(2, ordinal);
      assert.match(page.url(), /open=\d+/);
      break;
    }
  }
});

viewTest('reload, back and forward restore the view from the URL', async (page) => {
  await go(page, `#/summary?file=${FILE}&filter=CachedResp`);
  const summary = page.locator('[data-testid="view-summary"]');
  await summary.locator('tr.class').first().click();
  await summary.locator('tr.object').first().waitFor();
  const id = await summary.locator('tr.object').first().getAttribute('data-key');
  await summary.locator('tr.object .open').first().click();
  const object = page.locator('[data-testid="view-object"]');
  await object.locator('.view-title[data-id]').waitFor();
  assert.equal(await object.locator('.view-title').getAttribute('data-id'), id);
  await page.goBack();
  await summary.locator('tr.object').first().waitFor();
  assert.equal(await page.inputValue('[data-testid="class-filter"]'), 'CachedResp');
  assert.equal(await summary.locator('tr.class').count(), 1);
  await page.goForward();
  await object.locator('.view-title[data-id]').waitFor();
  assert.equal(await object.locator('.view-title').getAttribute('data-id'), id);
  // After a reload the files are gone: the view waits for its file, and comes back once it is dropped.
  await page.reload();
  await page.waitForFunction(() => document.querySelector('#status')?.textContent === '');
  await page.locator('[data-testid="waiting"]', { hasText: FILE }).waitFor();
  await dropFixture(page, `snapshots/${FILE}`);
  await object.locator('.view-title[data-id]').waitFor({ timeout: 60000 });
  assert.equal(await object.locator('.view-title').getAttribute('data-id'), id);
});

viewTest('a regular-expression search finds a known string and opens its object', async (page) => {
  await go(page, `#/search?file=${FILE}`);
  const view = page.locator('[data-testid="view-search"]');
  await page.fill('[data-testid="search-input"]', 'Product #6{2}"');
  await page.check('[data-testid="search-regex"]');
  await page.press('[data-testid="search-input"]', 'Enter');
  const first = rows(view).first();
  await first.waitFor();
  const name = await first.locator('[data-col="name"]').textContent();
  assert.match(name, /"name":"Product #66"/);
  assert.match(page.url(), /regex=1/);
  const id = await first.getAttribute('data-key');
  await first.locator('.open').click();
  const object = page.locator('[data-testid="view-object"]');
  await object.locator('[data-field="object-class"]').waitFor();
  assert.equal(await object.locator('.view-title').getAttribute('data-id'), id);
  assert.equal(await object.locator('[data-field="object-type"]').textContent(), 'string');
});

viewTest('a failed query shows its error in its view with a retry, and the file stays usable', async (page) => {
  await go(page, `#/search?file=${FILE}`);
  const view = page.locator('[data-testid="view-search"]');
  await page.fill('[data-testid="search-input"]', 'Product (unclosed');
  await page.check('[data-testid="search-regex"]');
  await page.press('[data-testid="search-input"]', 'Enter');
  const error = view.locator('[data-testid="error"]');
  await error.waitFor();
  assert.match(await error.textContent(), /regular expression/);
  assert.equal(await view.locator('button.retry').count(), 1);
  assert.equal(await page.locator('.file-tab [data-testid="error"]').count(), 0, 'the file is not marked failed');
  await page.click('.view-link:has-text("Summary")');
  await rows(page.locator('[data-testid="view-summary"]')).first().waitFor();
  await screenshot(page, 'failed-query.png');
});

viewTest('keyboard only: from the Summary to an object and back', async (page) => {
  await go(page, `#/summary?file=${FILE}`);
  const summary = page.locator('[data-testid="view-summary"]');
  await rows(summary).first().waitFor();
  // The view puts the keyboard in its table: ↓ selects the first class, → opens it, ↓ its first object.
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowRight');
  await summary.locator('tr.object').first().waitFor();
  await page.keyboard.press('ArrowDown');
  const selected = summary.locator('tr.selected');
  assert.equal(await selected.getAttribute('aria-level'), '2');
  const id = await selected.getAttribute('data-key');
  await page.keyboard.press('Enter');
  const object = page.locator('[data-testid="view-object"]');
  await object.locator('.view-title[data-id]').waitFor();
  assert.equal(await object.locator('.view-title').getAttribute('data-id'), id);
  // `/` would go to a search box; Backspace goes back.
  await page.keyboard.press('Backspace');
  await rows(summary).first().waitFor();
  await page.keyboard.press('/');
  assert.equal(await page.evaluate(() => document.activeElement?.dataset.testid), 'class-filter');
});

for (const colorScheme of ['light', 'dark']) {
  viewTest(`screenshots of every view (${colorScheme})`, async (page) => {
    await dropFixtures(page, [{ path: 'snapshots/mapcache-3.heapsnapshot.gz' }, { path: 'metrics/corpus/mapcache.memusage.ndjson' }]);
    await page.waitForFunction(() => document.querySelectorAll('.file-tab:not(.loading)').length === 3, null, { timeout: 60000 });
    const cachedKey = devtoolsNumbers('mapcache-2.heapsnapshot').top_classes_by_retained.find((c) => c.name === 'CachedResponse').key;
    const shots = [
      ['overview', `#/overview?file=${FILE}`, 'view-overview'],
      ['summary', `#/summary?file=${FILE}&open=${encodeURIComponent(cachedKey)}`, 'view-summary'],
      ['object', `#/object?file=${FILE}&id=${devtoolsNumbers('mapcache-2.heapsnapshot').top_objects_by_retained[0].id}`, 'view-object'],
      ['dominators', `#/dominators?file=${FILE}`, 'view-dominators'],
      ['search', `#/search?file=${FILE}&q=CachedResponse&in=class`, 'view-search'],
      ['trends', '#/trends', 'view-trends'],
      ['comparison', '#/comparison', 'view-comparison'],
      ['leaks', '#/leaks', 'view-leaks'],
    ];
    for (const [name, hash, testid] of shots) {
      await go(page, hash);
      const view = page.locator(`[data-testid="${testid}"]`);
      await view.waitFor();
      if (name === 'trends') await view.locator('.memory-chart svg').waitFor();
      else if (name === 'leaks') await view.locator('.leak-report > *').first().waitFor({ timeout: 60000 });
      else await rows(view).first().waitFor({ timeout: 60000 });
      await page.waitForTimeout(300);
      await screenshot(page, `view-${name}-${colorScheme}.jpg`, { fullPage: false, type: 'jpeg', quality: 80 });
    }
  }, { colorScheme });
}
