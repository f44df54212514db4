'use strict';
// catalog: a storefront renderer. Each product listing card is rendered with the shop's theme,
// serialised for the client-side hydration script, and kept in the catalog index.
// Usage: node catalog.js OUTDIR
const { takeThree, pause, seeded, run } = require('./lib/series');

const PER_PHASE = 500;
const rand = seeded(59);

const theme = {
  name: 'autumn-2024',
  palette: { primary: '#8a3b12', secondary: '#f2c14e', background: '#fffaf0', text: '#2b2b2b', muted: '#8c8c8c' },
  typography: { heading: 'Merriweather, Georgia, serif', body: 'Inter, Helvetica, Arial, sans-serif', scale: [12, 14, 16, 20, 24, 32, 40] },
  layout: { columns: 4, gutter: 24, cardRadius: 6, imageRatio: '4:3', breakpoints: { sm: 480, md: 768, lg: 1024, xl: 1440 } },
  badges: { sale: 'On sale', new: 'New arrival', low: 'Only a few left', out: 'Out of stock', eco: 'Sustainably sourced' },
  footer: 'Prices include VAT. Free returns within 30 days. Orders placed before 2 pm ship the same working day.',
};

class ListingCard {
  constructor(sku, title, cents) {
    this.sku = sku;
    this.title = title;
    this.cents = cents;
    // Safe to embed in a <script> tag of the hydration payload.
    this.themeState = JSON.stringify(theme).replace(/</g, '\\u003c');
  }
}

class CatalogIndex {
  constructor() {
    this.cards = [];
  }

  add(card) {
    this.cards.push(card);
  }
}

const catalog = new CatalogIndex();

async function renderProduct(n) {
  const sku = 'P' + (100000 + n);
  const card = new ListingCard(sku, `Item ${n} ${['mug', 'scarf', 'lamp', 'notebook'][n % 4]}`, 500 + Math.floor(rand() * 5000));
  catalog.add(card);
  if (n % 25 === 0) await pause(1);
  return card.themeState.length;
}

let n = 0;
async function render(count) {
  for (let done = 0; done < count; done += 25) {
    const wave = [];
    for (let k = 0; k < 25; k++) wave.push(renderProduct(n++));
    await Promise.all(wave);
  }
}

run(() => takeThree('catalog', {
  warmUp: () => render(150),
  load: () => render(PER_PHASE),
}));
