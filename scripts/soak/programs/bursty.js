'use strict';
// Bursty load: every `periodSeconds` the request rate is multiplied by `factor` for `burstSeconds`. With
// `retainKbPerBurst` > 0, each burst leaves that much behind in an error list that is never cleared (a leak
// that only moves during bursts); with 0 nothing is kept (truth: stable).
const { options, serve, blob, elapsedSeconds } = require('../lib/service');

const o = options({ periodSeconds: 30, burstSeconds: 6, factor: 5, retainKbPerBurst: 0, rps: 60, churnKb: 16, keepRecent: 500 });
const inBurst = () => elapsedSeconds() % o.periodSeconds < o.burstSeconds;
const errors = [];
const perBurstRequests = o.rps * o.factor * o.burstSeconds;
serve({
  ...o,
  rate: () => (inBurst() ? o.factor : 1),
  onRequest: (id) => {
    if (o.retainKbPerBurst > 0 && inBurst()) errors.push(blob((o.retainKbPerBurst * 1024) / perBurstRequests, id));
  },
});
