'use strict';
// A one-time step: at `atSeconds` the service loads a `stepMb` reference table it keeps for good (a feature
// flag turned on, a config reload); flat before and after. Truth: stable.
const { options, serve, blob, elapsedSeconds } = require('../lib/service');

const o = options({ atSeconds: 60, stepMb: 8, rps: 100, churnKb: 16, keepRecent: 500 });
const table = [];
serve({
  ...o,
  onRequest: () => {
    if (table.length === 0 && elapsedSeconds() >= o.atSeconds) {
      for (let i = 0; i < o.stepMb * 16; i++) table.push(blob(64 * 1024, i));
    }
  },
});
