'use strict';
// Leak: every connection subscribes to a shared emitter and never unsubscribes; each listener closes over
// the connection's buffers (about `leakKbPerMin` KB a minute).
const { EventEmitter } = require('node:events');
const { options, serve, blob, leakAt } = require('../lib/service');

const o = options({ leakKbPerMin: 600, pieceBytes: 4096, rps: 100, churnKb: 16, keepRecent: 500 });
const bus = new EventEmitter();
bus.setMaxListeners(0);
let next = 0;
const leak = leakAt(o.leakKbPerMin * 1024, o.pieceBytes, (bytes) => {
  next += 1;
  const connection = { id: next, buffers: blob(bytes, next) };
  bus.on('config', () => connection.buffers.data.length);
});
serve({ ...o, onRequest: leak });
