'use strict';
// Leak: per-request callbacks registered in a retry queue that is never drained; each closure keeps its
// request context alive (about `leakKbPerMin` KB a minute).
const { options, serve, blob, leakAt } = require('../lib/service');

const o = options({ leakKbPerMin: 400, pieceBytes: 2048, rps: 100, churnKb: 16, keepRecent: 500 });
const retryQueue = [];
let next = 0;
const leak = leakAt(o.leakKbPerMin * 1024, o.pieceBytes, (bytes) => {
  next += 1;
  const context = blob(bytes, next);
  retryQueue.push(() => context.data.length);
});
serve({ ...o, onRequest: leak });
