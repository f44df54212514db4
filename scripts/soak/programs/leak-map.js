'use strict';
// Leak: a session map that is never pruned; about `leakKbPerMin` KB of session state is added per minute.
const { options, serve, blob, leakAt } = require('../lib/service');

const o = options({ leakKbPerMin: 300, pieceBytes: 1024, rps: 100, churnKb: 16, keepRecent: 500 });
const sessions = new Map();
let next = 0;
const leak = leakAt(o.leakKbPerMin * 1024, o.pieceBytes, (bytes) => {
  next += 1;
  sessions.set(`session-${next}`, { user: next, lastSeen: Date.now(), state: blob(bytes, next) });
});
serve({ ...o, onRequest: leak });
