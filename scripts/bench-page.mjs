// Loads a file into the built app (dist/) in headless Chromium as a person would (the file picker), and
// reports how the progress bar moved, how long reading and analysis took, the browser's peak memory (the
// summed RSS of all Chromium processes, sampled every 100 ms) against the file's size, and the main thread's
// long tasks (over 50 ms, DESIGN's UI budget) from picking the file to the Overview. With several files (say
// three snapshots of one process) it waits for them all and for the Leaks view's answer. Then it browses the
// first snapshot as a person would (the Summary, a class opened and paged, an object and its retainer tree,
// the dominator tree opened) and reports each step's time and the main thread's long tasks while browsing.
//   node scripts/bench-page.mjs FILE [FILE…]        (after `make build`)
import fs from 'node:fs';
import { execSync } from 'node:child_process';
import { startServer, launchBrowser, openApp, screenshot } from '../tests/e2e/harness.mjs';

const files = process.argv.slice(2);
if (!files.length) throw new Error('usage: node scripts/bench-page.mjs FILE [FILE…]');
const file = files.join(' ');
const fileBytes = files.reduce((sum, f) => sum + fs.statSync(f).size, 0);

function chromiumRssBytes() {
  const out = execSync("ps -C chromium -o rss= 2>/dev/null || true").toString();
  return out.split('\n').filter(Boolean).reduce((sum, kb) => sum + Number(kb) * 1024, 0);
}

const { server, origin } = await startServer();
const browser = await launchBrowser();
const { page, problems } = await openApp(browser, origin);
const baseline = chromiumRssBytes();
let peak = baseline;
const progress = [];
const sampler = setInterval(async () => {
  peak = Math.max(peak, chromiumRssBytes());
}, 100);
await page.evaluate(() => {
  window.longTasks = [];
  new PerformanceObserver((list) => window.longTasks.push(...list.getEntries().map((e) => Math.round(e.duration))))
    .observe({ type: 'longtask' });
});
const t0 = Date.now();
await page.setInputFiles('#file-input', files);
const poller = setInterval(async () => {
  try {
    const value = await page.evaluate(() => {
      const p = document.querySelector('[data-testid="progress"]');
      return p ? p.value : null;
    });
    if (value !== null) progress.push([Date.now() - t0, value]);
  } catch { /* the page is busy; try again */ }
}, 250);
await page.waitForFunction((n) => document.querySelectorAll('.file-tab:not(.loading)').length === n,
  files.length, { timeout: 600000, polling: 500 });
const seconds = (Date.now() - t0) / 1000;
let leaksSeconds = null;
let firstSuspect = null;
if (files.length > 1) {
  await page.evaluate(() => { location.hash = '#/leaks'; });
  await page.locator('[data-testid="view-leaks"] [data-testid="suspect"], [data-testid="view-leaks"] .no-suspect')
    .first().waitFor({ timeout: 600000 });
  leaksSeconds = (Date.now() - t0) / 1000 - seconds;
  firstSuspect = await page.locator('[data-testid="suspect"] .suspect-title').first().textContent().catch(() => null);
}
clearInterval(sampler);
clearInterval(poller);
const shot = await screenshot(page, 'bench-page.png');
const loadLongTasks = await page.evaluate(() => window.longTasks.splice(0));
const name = files[0].split('/').pop();
const browsing = {};
/** Times `action` until `ready` (a selector that appears, or a function true in the page). */
async function step(label, action, ready) {
  const start = Date.now();
  await action();
  if (typeof ready === 'function') await page.waitForFunction(ready, null, { timeout: 120000, polling: 20 });
  else await page.locator(ready).first().waitFor({ timeout: 120000 });
  browsing[label] = Date.now() - start;
}
const go = (hash) => () => page.evaluate((hash) => { location.hash = hash; }, hash);
await step('overview', go(`#/overview?file=${name}`), '[data-testid="view-overview"] [data-field="worker-memory"]');
const workerMemory = await page.locator('[data-field="worker-memory"]').allTextContents();
await step('summary', go(`#/summary?file=${name}`), '[data-testid="view-summary"] tr.class');
await step('open the largest class', () => page.locator('[data-testid="view-summary"] tr.class [data-col="distance"]').first().click(),
  '[data-testid="view-summary"] tr.object');
// The class with the most objects, opened and paged.
await step('sort by count', () => page.locator('[data-testid="view-summary"] th[data-col="count"]').click(),
  () => document.querySelector('[data-testid="view-summary"] th[data-col="count"]')?.getAttribute('aria-sort') === 'descending'
    && document.querySelectorAll('[data-testid="view-summary"] tr.class').length > 0);
await step('open the class with the most objects', () => page.locator('[data-testid="view-summary"] tr.class [data-col="distance"]').first().click(),
  '[data-testid="view-summary"] tr.object');
await step('next page of its objects', () => page.locator('[data-testid="view-summary"] tr.more button').first().click(),
  () => document.querySelectorAll('[data-testid="view-summary"] tr.object').length > 50);
await step('open an object (retainer tree, properties, dominators)', () => page.locator('[data-testid="view-summary"] tr.object .open').first().click(),
  '[data-testid="view-object"] table.retainers [data-testid="row"]');
await step('dominator tree', go(`#/dominators?file=${name}`), '[data-testid="view-dominators"] [data-testid="row"]');
await step('open the largest owner', () => page.locator('[data-testid="view-dominators"] tr.collapsed [data-col="distance"]').first().click(),
  '[data-testid="view-dominators"] [aria-level="2"]');
const longTasks = await page.evaluate(() => window.longTasks);
const mb = fileBytes / 1e6;
console.log(JSON.stringify({
  file, file_mb: +mb.toFixed(1), seconds_to_result: seconds, mb_per_s: +(mb / seconds).toFixed(1),
  leaks_seconds_after_load: leaksSeconds, first_suspect: firstSuspect,
  chromium_rss_baseline_mb: Math.round(baseline / 1e6), chromium_rss_peak_mb: Math.round(peak / 1e6),
  rss_growth_over_file_size: +((peak - baseline) / fileBytes).toFixed(2),
  progress_samples: progress.length, progress_first: progress[0], progress_last: progress.at(-1),
  distinct_progress_values: new Set(progress.map(([, v]) => v.toFixed(3))).size,
  worker_memory: workerMemory, main_thread_long_tasks_ms: loadLongTasks, browsing_ms: browsing,
  main_thread_long_tasks_while_browsing_ms: longTasks, problems, screenshot: shot,
}, null, 1));
await browser.close();
server.close();
