'use strict';
// quotaguard: a request rate limiter. Per-request metadata lives in a WeakMap keyed by the request,
// recent latencies in a fixed-size ring, and per-client counters are pruned by a periodic sweep.
// Usage: node holdout/quotaguard.js OUTDIR
const { takeThree, pause, seeded, run } = require('../lib/series');

const PER_PHASE = 3000;
const CLIENTS = 250;
const rand = seeded(113);

class LatencyRing {
  constructor(size) {
    this.samples = new Float64Array(size);
    this.cursor = 0;
  }

  add(ms) {
    this.samples[this.cursor] = ms;
    this.cursor = (this.cursor + 1) % this.samples.length;
  }
}

class QuotaGuard {
  constructor(limitPerWindow) {
    this.limitPerWindow = limitPerWindow;
    this.meta = new WeakMap();
    this.windows = new Map();
    this.latency = new LatencyRing(512);
    this.tick = 0;
  }

  admit(req) {
    const used = (this.windows.get(req.client) || 0) + 1;
    this.windows.set(req.client, used);
    this.meta.set(req, { admittedAt: this.tick, used });
    return used <= this.limitPerWindow;
  }

  finish(req, ms) {
    const info = this.meta.get(req);
    if (info) this.latency.add(ms + (this.tick - info.admittedAt));
  }

  sweep() {
    this.tick++;
    for (const [client, used] of this.windows) {
      if (used > 0) this.windows.set(client, Math.floor(used / 2));
      else this.windows.delete(client);
    }
  }
}

const guard = new QuotaGuard(40);
let nextReq = 0;

async function handle() {
  const req = { id: nextReq++, client: `client-${Math.floor(rand() * CLIENTS)}`, path: '/v1/search?q=' + Math.floor(rand() * 1e6) };
  const ok = guard.admit(req);
  const timer = setTimeout(() => { req.timedOut = true; }, 5000);
  if (req.id % 20 === 0) await pause(1);
  clearTimeout(timer);
  guard.finish(req, ok ? 2 + (req.id % 7) : 0);
  return ok;
}

async function traffic(count) {
  for (let done = 0; done < count; done += 50) {
    const wave = [];
    for (let k = 0; k < 50; k++) wave.push(handle());
    await Promise.all(wave);
    guard.sweep();
  }
}

run(() => takeThree('quotaguard', {
  warmUp: () => traffic(PER_PHASE),
  load: () => traffic(PER_PHASE),
}));
