// dashboard: a single-page analytics dashboard in Chromium. Each tab shows four chart panels;
// switching tabs unmounts the current panels and mounts new ones. Heap snapshots are taken over
// the DevTools protocol (HeapProfiler.takeHeapSnapshot) after a warm-up and after two equal phases
// of tab switches.
// Usage: node dashboard.mjs OUTDIR   (needs /usr/bin/chromium and playwright-core in the repo's node_modules)
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(path.join(here, '..', '..', 'package.json'));
const { chromium } = require('playwright-core');

const outDir = path.resolve(process.argv[2] || '.');
const SWITCHES_PER_PHASE = 100; // 4 panels each: 400 mounts per phase
fs.mkdirSync(outDir, { recursive: true });

const appJs = `
const TABS = ['traffic', 'revenue', 'errors', 'latency', 'signups'];

class ChartPanel {
  constructor(tab, index, seed) {
    this.title = tab + ' / panel ' + index;
    this.series = [];
    for (let i = 0; i < 24; i++) this.series.push((seed * 31 + i * 17) % 100);
    this.root = document.createElement('section');
    this.root.className = 'panel';
    const heading = document.createElement('h3');
    heading.textContent = this.title;
    this.canvas = document.createElement('canvas');
    this.canvas.width = 160;
    this.canvas.height = 60;
    const legend = document.createElement('ul');
    for (const label of ['min', 'max', 'avg']) {
      const item = document.createElement('li');
      item.textContent = label + ': ' + this.stat(label);
      legend.appendChild(item);
    }
    this.root.append(heading, this.canvas, legend);
    this.onResize = () => this.layout();
  }

  stat(label) {
    if (label === 'min') return Math.min(...this.series);
    if (label === 'max') return Math.max(...this.series);
    return Math.round(this.series.reduce((a, b) => a + b, 0) / this.series.length);
  }

  mount(container) {
    container.appendChild(this.root);
    window.addEventListener('resize', this.onResize);
    this.layout();
  }

  layout() {
    const width = Math.max(120, Math.floor((this.root.parentNode ? this.root.parentNode.clientWidth : 640) / 2) - 16);
    this.canvas.style.width = width + 'px';
  }

  unmount() {
    this.root.remove();
  }
}

class Dashboard {
  constructor(container, nav) {
    this.container = container;
    this.panels = [];
    this.mounted = 0;
    TABS.forEach((tab, i) => {
      const button = document.createElement('button');
      button.textContent = tab;
      button.addEventListener('click', () => this.show(tab, i));
      nav.appendChild(button);
    });
  }

  show(tab, tabIndex) {
    for (const panel of this.panels) panel.unmount();
    this.panels = [];
    for (let i = 0; i < 4; i++) {
      const panel = new ChartPanel(tab, i, ++this.mounted + tabIndex);
      panel.mount(this.container);
      this.panels.push(panel);
    }
  }
}

new Dashboard(document.getElementById('panels'), document.getElementById('tabs')).show(TABS[0], 0);
`;
const html = `<!doctype html><html><head><meta charset="utf-8"><title>Ops dashboard</title>
<style>#panels{display:grid;grid-template-columns:1fr 1fr;gap:8px}.panel{border:1px solid #ccc;padding:4px}</style>
</head><body><nav id="tabs"></nav><main id="panels"></main><script type="module" src="/app.js"></script></body></html>`;

const server = http.createServer((req, res) => {
  if (req.url === '/app.js') {
    res.writeHead(200, { 'content-type': 'text/javascript' });
    res.end(appJs);
  } else {
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end(html);
  }
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'],
});
const page = await browser.newPage();
await page.goto(`http://127.0.0.1:${server.address().port}/`);
await page.waitForSelector('#tabs button');
const cdp = await page.context().newCDPSession(page);

// Clicks tab buttons in a fixed round-robin order, `count` times.
async function switchTabs(count, offset) {
  await page.evaluate(({ count, offset }) => {
    const buttons = document.querySelectorAll('#tabs button');
    for (let i = 0; i < count; i++) buttons[(offset + i) % buttons.length].click();
  }, { count, offset });
}

async function snapshot(i) {
  const chunks = [];
  const onChunk = (e) => chunks.push(e.chunk);
  cdp.on('HeapProfiler.addHeapSnapshotChunk', onChunk);
  await cdp.send('HeapProfiler.enable');
  await cdp.send('HeapProfiler.collectGarbage');
  await cdp.send('HeapProfiler.takeHeapSnapshot', { reportProgress: false, captureNumericValue: false });
  cdp.off('HeapProfiler.addHeapSnapshotChunk', onChunk);
  const file = path.join(outDir, `dashboard-${i}.heapsnapshot`);
  fs.writeFileSync(file, chunks.join(''));
  process.stderr.write(`[dashboard] ${path.basename(file)} ${(fs.statSync(file).size / 1e6).toFixed(2)} MB\n`);
}

await switchTabs(20, 1);
await page.waitForTimeout(200);
await snapshot(1);
await switchTabs(SWITCHES_PER_PHASE, 21);
await page.waitForTimeout(200);
await snapshot(2);
await switchTabs(SWITCHES_PER_PHASE, 21 + SWITCHES_PER_PHASE);
await page.waitForTimeout(200);
await snapshot(3);
await browser.close();
server.close();
