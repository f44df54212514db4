'use strict';
// Large snapshot generator (the project corpus's `large.js`, used by scripts/bench-big.sh and the README's
// performance figures): builds a realistic in-memory "CRM" object graph until the estimated heap snapshot
// reaches TARGET_MB, then writes ONE snapshot: large-<TARGET_MB>mb.heapsnapshot.
// Graph per customer unit: Customer class instance, unique name/email strings, address object,
// tags array (shared + unique strings), 2-3 Order instances with line-item arrays, a per-customer
// closure (getDisplayName) capturing the customer, and every 1000 customers a Segment with a Map
// index (id -> Customer) and a Set of tags. Everything is reachable from a module-level registry.
// With `series` as a fourth argument it writes three snapshots of the one process instead, for the leak
// benchmark: large-<TARGET_MB>mb-1.heapsnapshot after 80% of the units, -2 after 90%, -3 after all of them
// (the registry grows between them, a leak `heapscope leaks` must find).
// Usage: node --max-old-space-size=<MB> gen-large-snapshot.js OUTDIR TARGET_MB [BYTES_PER_UNIT|series]
//   suggested heap: 50 MB -> default is fine; 300 MB -> --max-old-space-size=4096;
//                   1000 MB -> --max-old-space-size=8192
const fs = require('fs');
const path = require('path');
const v8 = require('v8');

const outDir = path.resolve(process.argv[2] || '.');
const targetMB = Number(process.argv[3] || 50);
// Calibrated on node v20.20.2: snapshot bytes per customer unit (see README); ~6 MB base.
const series = process.argv[4] === 'series';
const BYTES_PER_UNIT = series ? 2770 : Number(process.argv[4] || 2770);
const BASE_BYTES = 6e6;
const units = Math.max(1000, Math.round((targetMB * 1e6 - BASE_BYTES) / BYTES_PER_UNIT));
fs.mkdirSync(outDir, {recursive: true});

let seed = 12345;
const rand = () => { seed = (seed * 1103515245 + 12345) & 0x7fffffff; return seed / 0x7fffffff; };
const FIRST = ['Ada', 'Grace', 'Alan', 'Edsger', 'Barbara', 'Ken', 'Dennis', 'Linus', 'Margaret', 'Donald'];
const LAST = ['Lovelace', 'Hopper', 'Turing', 'Dijkstra', 'Liskov', 'Thompson', 'Ritchie', 'Torvalds', 'Hamilton', 'Knuth'];
const SHARED_TAGS = ['vip', 'churn-risk', 'newsletter', 'b2b', 'b2c', 'trial', 'enterprise', 'eu', 'us', 'apac'];

class Address { constructor(i) { this.street = `${1 + (i % 999)} Main St`; this.city = 'City' + (i % 5000); this.zip = String(10000 + (i % 89999)); } }
class Order {
  constructor(id, n) {
    this.id = id; this.createdAt = 1.7e12 + id * 1000; this.status = rand() < 0.8 ? 'shipped' : 'pending';
    this.items = []; for (let k = 0; k < n; k++) this.items.push({sku: 'SKU-' + Math.floor(rand() * 1e5), qty: 1 + (k % 4), price: Math.round(rand() * 1e4) / 100});
  }
}
class Customer {
  constructor(i) {
    this.id = i;
    this.name = FIRST[i % 10] + ' ' + LAST[(i / 10 | 0) % 10] + ' #' + i;
    this.email = `user${i}@example${i % 97}.com`;
    this.address = new Address(i);
    this.tags = [SHARED_TAGS[i % 10], SHARED_TAGS[(i * 7) % 10], 'cohort-' + (i % 365)];
    this.orders = []; const no = 2 + (i % 2); for (let k = 0; k < no; k++) this.orders.push(new Order(i * 10 + k, 1 + (k % 3)));
    this.score = rand();
    const self = this;
    this.getDisplayName = function getDisplayName() { return self.name + ' <' + self.email + '>'; };
  }
}
class Segment { constructor(id) { this.id = id; this.name = 'segment-' + id; this.index = new Map(); this.tagSet = new Set(); } }

const registry = {customers: [], segments: []};
globalThis.__registry = registry;
const t0 = Date.now();
let seg = null;
let built = 0;
function grow(until) {
  for (let i = built; i < until; i++) {
    if (i % 1000 === 0) { seg = new Segment(i / 1000); registry.segments.push(seg); }
    const c = new Customer(i);
    registry.customers.push(c);
    seg.index.set(i, c);
    for (const t of c.tags) seg.tagSet.add(t);
  }
  built = until;
}
function write(file) {
  const started = Date.now();
  v8.writeHeapSnapshot(file);
  const size = fs.statSync(file).size;
  process.stderr.write(`[large] wrote ${file}: ${(size / 1e6).toFixed(1)} MB in ${Date.now() - started} ms; ` +
    `bytes/unit=${((size - BASE_BYTES) / built).toFixed(0)}\n`);
  return size;
}
if (series) {
  [0.8, 0.9, 1].forEach((share, k) => {
    grow(Math.round(units * share));
    write(path.join(outDir, `large-${targetMB}mb-${k + 1}.heapsnapshot`));
  });
} else {
  grow(units);
  const done = Date.now();
  process.stderr.write(`[large] built ${units} customer units in ${done - t0} ms, heapUsed=${(process.memoryUsage().heapUsed / 1e6).toFixed(0)} MB\n`);
  const file = path.join(outDir, `large-${targetMB}mb.heapsnapshot`);
  const size = write(file);
  fs.writeFileSync(file.replace(/\.heapsnapshot$/, '.info.json'), JSON.stringify({file, bytes: size, units, targetMB,
    build_ms: done - t0, write_ms: Date.now() - done, node: process.version, execArgv: process.execArgv,
    memoryUsage: process.memoryUsage()}, null, 1) + '\n');
}
