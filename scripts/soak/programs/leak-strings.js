'use strict';
// Leak: an in-memory audit log of request lines that is never rotated (about `leakKbPerMin` KB a minute).
const { options, serve, leakAt } = require('../lib/service');

const o = options({ leakKbPerMin: 300, pieceBytes: 512, rps: 100, churnKb: 16, keepRecent: 500 });
const audit = [];
let next = 0;
const leak = leakAt(o.leakKbPerMin * 1024, o.pieceBytes, (bytes) => {
  next += 1;
  audit.push(`${new Date().toISOString()} GET /items/${next} 200 `.padEnd(bytes, '.'));
});
serve({ ...o, onRequest: leak });
