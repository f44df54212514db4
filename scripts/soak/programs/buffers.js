'use strict';
// Buffer memory (external): each request allocates `churnBufferKb` KB of Buffers that are freed normally;
// with `leakKbPerMin` > 0 response Buffers are also kept in a never-emptied list (a leak in external memory
// while the JS heap stays flat); with 0 it is a control (truth: stable).
const { options, serve, leakAt } = require('../lib/service');

const o = options({ leakKbPerMin: 2048, pieceBytes: 16384, churnBufferKb: 8, rps: 100, churnKb: 8, keepRecent: 300 });
const kept = [];
const leak = leakAt(o.leakKbPerMin * 1024, o.pieceBytes, (bytes) => kept.push(Buffer.alloc(bytes, 1)));
serve({
  ...o,
  onRequest: (id) => {
    if (o.churnBufferKb > 0) Buffer.alloc(o.churnBufferKb * 1024, id & 0xff);
    if (o.leakKbPerMin > 0) leak();
  },
});
