'use strict';
// Preloaded into every soak run (`node -r ./record.js program.js`): records the process's memory the ways
// users do, into $SOAK_OUT, and ends the process after $SOAK_SECONDS.
//   memusage.ndjson   process.memoryUsage() every second, {"timestamp": epoch ms, rss, heapTotal, ...}
//   heapstats.ndjson  v8.getHeapStatistics() every 2 s, with v8.getHeapSpaceStatistics() keyed by space name
//   scrapes.prom      prom-client's default metrics, scraped every 15 s, each after a `# SCRAPE <ms> <ISO>` line
// Files are appended synchronously, so a run that dies of an out-of-memory crash keeps what it recorded.
const fs = require('node:fs');
const path = require('node:path');
const v8 = require('node:v8');
const client = require('prom-client');

const out = process.env.SOAK_OUT;
const seconds = Number(process.env.SOAK_SECONDS || 240);
if (!out) throw new Error('SOAK_OUT is not set');
fs.mkdirSync(out, { recursive: true });
const file = (name) => path.join(out, name);
for (const name of ['memusage.ndjson', 'heapstats.ndjson', 'scrapes.prom']) fs.writeFileSync(file(name), '');

client.collectDefaultMetrics();

function sampleMemoryUsage() {
  const line = JSON.stringify({ timestamp: Date.now(), ...process.memoryUsage() });
  fs.appendFileSync(file('memusage.ndjson'), line + '\n');
}

function sampleHeapStatistics() {
  const record = { timestamp: Date.now(), ...v8.getHeapStatistics() };
  for (const space of v8.getHeapSpaceStatistics()) {
    if (['old_space', 'new_space', 'large_object_space'].includes(space.space_name)) {
      record[space.space_name] = {
        space_size: space.space_size,
        space_used_size: space.space_used_size,
        space_available_size: space.space_available_size,
      };
    }
  }
  fs.appendFileSync(file('heapstats.ndjson'), JSON.stringify(record) + '\n');
}

async function scrape() {
  const now = Date.now();
  const text = await client.register.metrics();
  fs.appendFileSync(file('scrapes.prom'), `# SCRAPE ${now} ${new Date(now).toISOString()}\n${text}\n`);
}

const timers = [
  setInterval(sampleMemoryUsage, 1000),
  setInterval(sampleHeapStatistics, 2000),
  setInterval(scrape, 15000),
];
// The first scrape after prom-client's collectors have run once.
setTimeout(scrape, 1000);
setTimeout(async () => {
  timers.forEach(clearInterval);
  sampleMemoryUsage();
  await scrape();
  process.exit(0);
}, seconds * 1000);
