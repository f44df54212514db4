// Loads a file into the built app (dist/) in headless Chromium as a person would (the file picker), and
// reports how the progress bar moved, how long reading and analysis took, the browser's peak memory (the
// summed RSS of all Chromium processes, sampled every 100 ms) against the file's size, and the main thread's
// long tasks (over 50 ms, DESIGN's UI budget) from picking the file to the Summary. With several files (say
// three snapshots of one process) it waits for them all and for the Leaks view's answer.
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
      const p = document.querySelector('.file-card progress');
      return p && !p.hidden ? p.value : null;
    });
    if (value !== null) progress.push([Date.now() - t0, value]);
  } catch { /* the page is busy; try again */ }
}, 250);
await page.waitForFunction((n) => document.querySelectorAll('.file-card [data-field="node-count"]').length === n
  || document.querySelector('.file-card .error'), files.length, { timeout: 600000, polling: 500 });
const seconds = (Date.now() - t0) / 1000;
let leaksSeconds = null;
let firstSuspect = null;
if (files.length > 1) {
  await page.locator('[data-testid="view-leaks"] [data-testid="suspect"], [data-testid="view-leaks"] .no-suspect')
    .first().waitFor({ timeout: 600000 });
  leaksSeconds = (Date.now() - t0) / 1000 - seconds;
  firstSuspect = await page.locator('[data-testid="suspect"] .suspect-title').first().textContent().catch(() => null);
}
clearInterval(sampler);
clearInterval(poller);
const shot = await screenshot(page, 'bench-page.png');
const workerMemory = await page.locator('[data-field="worker-memory"]').allTextContents();
const longTasks = await page.evaluate(() => window.longTasks);
const mb = fileBytes / 1e6;
console.log(JSON.stringify({
  file, file_mb: +mb.toFixed(1), seconds_to_result: seconds, mb_per_s: +(mb / seconds).toFixed(1),
  leaks_seconds_after_load: leaksSeconds, first_suspect: firstSuspect,
  chromium_rss_baseline_mb: Math.round(baseline / 1e6), chromium_rss_peak_mb: Math.round(peak / 1e6),
  rss_growth_over_file_size: +((peak - baseline) / fileBytes).toFixed(2),
  progress_samples: progress.length, progress_first: progress[0], progress_last: progress.at(-1),
  distinct_progress_values: new Set(progress.map(([, v]) => v.toFixed(3))).size,
  worker_memory: workerMemory, main_thread_long_tasks_ms: longTasks, problems, screenshot: shot,
}, null, 1));
await browser.close();
server.close();
