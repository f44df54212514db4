'use strict';
// pricing: a quoting service. quote() is built once by a factory that closes over the rate table.
// Usage: node pricing.js OUTDIR
const { takeThree, pause, seeded, run } = require('./lib/series');

const PER_PHASE = 1200;
const rand = seeded(67);

function makeQuoter(rateCard) {
  const issued = [];
  return function quote(sku, qty, region) {
    const rate = rateCard[region] || rateCard.default;
    const net = Math.round(qty * rate.unitCents * (qty >= 10 ? 0.95 : 1));
    const result = { sku, qty, region, net, gross: Math.round(net * (1 + rate.vat)) };
    issued.push(result);
    return result.gross;
  };
}

const quote = makeQuoter({
  default: { unitCents: 1299, vat: 0.2 },
  de: { unitCents: 1249, vat: 0.19 },
  fr: { unitCents: 1279, vat: 0.2 },
  ie: { unitCents: 1310, vat: 0.23 },
});

const REGIONS = ['de', 'fr', 'ie', 'uk', 'nl'];
let n = 0;
async function quotes(count) {
  for (let i = 0; i < count; i++) {
    quote('SKU-' + (n % 700), 1 + Math.floor(rand() * 20), REGIONS[n % REGIONS.length]);
    n++;
    if (i % 50 === 49) await pause(1);
  }
}

run(() => takeThree('pricing', {
  warmUp: () => quotes(400),
  load: () => quotes(PER_PHASE),
}));
