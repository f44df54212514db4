'use strict';
// auditlog: an API front end that answers simulated requests and records an audit entry for each.
// Usage: node auditlog.js OUTDIR
const { takeThree, pause, seeded, run } = require('./lib/series');

const PER_PHASE = 1500;
const ROUTES = ['GET /orders', 'GET /orders/:id', 'POST /orders', 'GET /customers/:id', 'PATCH /customers/:id',
  'DELETE /carts/:id', 'GET /inventory', 'POST /payments'];
const rand = seeded(11);

class AuditEntry {
  constructor(seq, route, actor, status, elapsedMs) {
    this.seq = seq;
    this.route = route;
    this.actor = actor;
    this.status = status;
    this.elapsedMs = elapsedMs;
  }
}

const requestLog = [];
let seq = 0;

function recordRequest(route, actor, status, elapsedMs) {
  requestLog.push(new AuditEntry(++seq, route, actor, status, elapsedMs));
}

function authorize(actor, route) {
  return !(route.startsWith('DELETE') && actor.endsWith('7'));
}

async function handle(n) {
  const route = ROUTES[n % ROUTES.length];
  const actor = 'acct-' + (100000 + Math.floor(rand() * 900000));
  const started = n * 3;
  let status = 200;
  if (!authorize(actor, route)) status = 403;
  else if (rand() < 0.02) status = 500;
  const body = status === 200 ? JSON.stringify({ route, items: [n, n + 1, n + 2] }) : '';
  if (n % 25 === 0) await pause(1);
  recordRequest(route, actor, status, (started % 97) + body.length % 13);
  return status;
}

let next = 0;
async function serve(count) {
  const batch = 50;
  for (let done = 0; done < count; done += batch) {
    const inFlight = [];
    for (let k = 0; k < batch; k++) inFlight.push(handle(next++));
    await Promise.all(inFlight);
  }
}

run(() => takeThree('auditlog', {
  warmUp: () => serve(500),
  load: () => serve(PER_PHASE),
}));
