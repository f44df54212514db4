'use strict';
// A small request-handling "service" that every soak program runs: it handles `rps` simulated requests a
// second, each building a JSON response of about `churnKb` KB (garbage once answered) and keeping the last
// `keepRecent` responses for a while (a recent-requests buffer), so some garbage survives scavenges and is
// promoted to old space before it dies: the heap saws up and down as in a real service.
// `options(defaults)` reads the program's parameters: a JSON object as the first argument.

// mulberry32: a small deterministic PRNG, so a run's work does not depend on Math.random.
function seeded(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function options(defaults) {
  return { ...defaults, ...JSON.parse(process.argv[2] || '{}') };
}

const startedAt = Date.now();
const elapsedSeconds = () => (Date.now() - startedAt) / 1000;

// About `bytes` bytes of JS heap held by one object: a packed array of small integers (8 bytes each).
function blob(bytes, tag) {
  const n = Math.max(1, Math.floor(bytes / 8));
  const data = new Array(n);
  for (let i = 0; i < n; i++) data[i] = (tag + i) & 0x3fffffff;
  return { tag, data };
}

// Builds one request's response: `kb` KB of small records, serialised and parsed back (as a JSON API does).
function respond(id, kb, random) {
  const items = [];
  for (let i = 0; i < kb * 4; i++) {
    items.push({ id: id * 1000 + i, name: `item-${id}-${i}`, score: random(), tags: ['a', 'b'] });
  }
  return JSON.parse(JSON.stringify({ id, at: Date.now(), items }));
}

// Runs the service; `onRequest(id, random)` is the program's own work, `rate()` scales the load (bursts).
function serve({ rps = 100, churnKb = 16, keepRecent = 500, seed = 1, rate = () => 1, onRequest = () => {} }) {
  const random = seeded(seed);
  const recent = new Array(keepRecent);
  let id = 0;
  let owed = 0;
  const tickMs = 20;
  setInterval(() => {
    owed += (rps * rate() * tickMs) / 1000;
    for (; owed >= 1; owed -= 1) {
      id += 1;
      const response = respond(id, churnKb, random);
      if (keepRecent > 0) recent[id % keepRecent] = response;
      onRequest(id, random);
    }
  }, tickMs);
}

// Calls `keep(bytes)` so that about `bytesPerMinute` are kept per minute, in pieces of `pieceBytes`.
function leakAt(bytesPerMinute, pieceBytes, keep) {
  let owed = 0;
  let last = Date.now();
  return () => {
    const now = Date.now();
    owed += (bytesPerMinute * (now - last)) / 60000;
    last = now;
    for (; owed >= pieceBytes; owed -= pieceBytes) keep(pieceBytes);
  };
}

module.exports = { seeded, options, serve, blob, leakAt, elapsedSeconds };
