'use strict';
// reportgen: a reporting API. Each request parses a JSON query, aggregates a generated dataset,
// serialises the report, and caches the rendered text in a bounded LRU (400 entries). The key space
// (1500 report keys) is larger than the cache, so entries are evicted all the time.
// Usage: node reportgen.js OUTDIR
const { takeThree, pause, seeded, run } = require('./lib/series');

const PER_PHASE = 2500;
const KEY_SPACE = 1500;
const CAPACITY = 400;
const rand = seeded(71);

class BoundedCache {
  constructor(capacity) {
    this.capacity = capacity;
    this.entries = new Map();
    this.hits = 0;
    this.misses = 0;
  }

  get(key) {
    const value = this.entries.get(key);
    if (value === undefined) {
      this.misses++;
      return undefined;
    }
    this.entries.delete(key);
    this.entries.set(key, value);
    this.hits++;
    return value;
  }

  set(key, value) {
    if (this.entries.has(key)) this.entries.delete(key);
    this.entries.set(key, value);
    while (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value);
  }
}

const rendered = new BoundedCache(CAPACITY);

function buildReport(query) {
  const rows = [];
  for (let i = 0; i < 40; i++) {
    rows.push({ day: `2024-03-${String(1 + (i % 28)).padStart(2, '0')}`, region: query.region, orders: Math.floor(rand() * 500), revenue: Math.round(rand() * 1e6) / 100 });
  }
  const totals = rows.reduce((acc, r) => ({ orders: acc.orders + r.orders, revenue: acc.revenue + r.revenue }), { orders: 0, revenue: 0 });
  return { query, totals, rows };
}

async function request(n) {
  const key = `report:${n % KEY_SPACE}`;
  const raw = JSON.stringify({ key, region: ['north', 'south', 'east', 'west'][n % 4], metrics: ['orders', 'revenue'] });
  const query = JSON.parse(raw);
  let text = rendered.get(key);
  if (text === undefined) {
    const report = buildReport(query);
    text = JSON.stringify(report);
    const check = JSON.parse(text);
    if (check.rows.length !== 40) throw new Error('bad report');
    rendered.set(key, text.slice(0, 600));
  }
  if (n % 50 === 0) await pause(1);
  return text.length;
}

let n = 0;
async function serve(count) {
  for (let done = 0; done < count; done += 50) {
    const wave = [];
    for (let k = 0; k < 50; k++) wave.push(request(n++));
    await Promise.all(wave);
  }
}

run(() => takeThree('reportgen', {
  warmUp: () => serve(PER_PHASE),
  load: () => serve(PER_PHASE),
}));
