'use strict';
// flaggate: a checkout service that asks a feature-flag client before pricing each order.
// The flag client's initial sync fails quietly, so its `ready` promise is never settled.
// Usage: node flaggate.js OUTDIR
const { takeThree, pause, seeded, run } = require('./lib/series');

const PER_PHASE = 800;
const rand = seeded(31);

class FlagClient {
  constructor(endpoint) {
    this.endpoint = endpoint;
    this.flags = new Map();
    this.lastError = null;
    this.ready = new Promise((resolve) => {
      this.markReady = resolve;
    });
  }

  async sync() {
    try {
      const payload = await this.download();
      for (const [k, v] of Object.entries(payload)) this.flags.set(k, v);
      this.markReady();
    } catch (err) {
      this.lastError = err;
    }
  }

  async download() {
    await pause(2);
    throw new Error(`ECONNREFUSED ${this.endpoint}`);
  }

  async isEnabled(name, context) {
    await this.ready;
    const rule = this.flags.get(name);
    return Boolean(rule && rule.percent > (context.customerId % 100));
  }
}

class CheckoutRequest {
  constructor(orderId, customerId, lines) {
    this.orderId = orderId;
    this.customerId = customerId;
    this.lines = lines;
    this.receivedAt = 1700000000000 + orderId;
  }
}

const flags = new FlagClient('http://flags.internal:8100/v2/snapshot');
const priced = { count: 0 };

async function checkout(req) {
  const discount = await flags.isEnabled('spring-discount', req);
  let total = 0;
  for (const line of req.lines) total += line.qty * line.cents;
  priced.count++;
  return discount ? Math.round(total * 0.9) : total;
}

let orderId = 0;
function incoming() {
  const lines = [];
  const k = 1 + Math.floor(rand() * 3);
  for (let i = 0; i < k; i++) lines.push({ sku: 'SKU' + Math.floor(rand() * 9000), qty: 1 + (i % 2), cents: 199 + i * 100 });
  return new CheckoutRequest(++orderId, Math.floor(rand() * 1e6), lines);
}

async function traffic(count) {
  for (let i = 0; i < count; i++) {
    checkout(incoming());
    if (i % 40 === 39) await pause(1);
  }
}

run(() => takeThree('flaggate', {
  warmUp: async () => {
    await flags.sync();
    await traffic(200);
  },
  load: () => traffic(PER_PHASE),
}));
