'use strict';
// Control: a service with a fixed working set (`baseMb` of lookup tables built at start) and request churn.
// Nothing accumulates: truth is stable.
const { options, serve, blob } = require('../lib/service');

const o = options({ baseMb: 4, rps: 100, churnKb: 16, keepRecent: 500 });
const tables = [];
for (let i = 0; i < o.baseMb * 16; i++) tables.push(blob(64 * 1024, i));
serve({ ...o, onRequest: (id) => tables[id % tables.length].data[0]++ });
