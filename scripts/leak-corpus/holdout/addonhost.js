'use strict';
// addonhost: loads and unloads small add-ons on demand. Each add-on gets a sandbox that records
// process warnings for its diagnostics page.
// Usage: node holdout/addonhost.js OUTDIR
const { takeThree, pause, run } = require('../lib/series');

const PER_PHASE = 600;

class Sandbox {
  constructor(addonName, generation) {
    this.addonName = addonName;
    this.generation = generation;
    this.settings = { locale: 'en', maxItems: 20 + (generation % 30), theme: generation % 2 ? 'dark' : 'light' };
    this.diagnostics = [];
  }

  report(warning) {
    if (this.diagnostics.length < 5) this.diagnostics.push(`${warning.name}: ${warning.message}`);
  }
}

class AddonHost {
  constructor() {
    this.loaded = new Map();
    this.generation = 0;
  }

  load(addonName) {
    const sandbox = new Sandbox(addonName, ++this.generation);
    process.on('warning', (warning) => sandbox.report(warning));
    this.loaded.set(addonName, sandbox);
    return sandbox;
  }

  unload(addonName) {
    const sandbox = this.loaded.get(addonName);
    if (sandbox) sandbox.diagnostics.length = 0;
    this.loaded.delete(addonName);
  }
}

const host = new AddonHost();
const CATALOGUE = ['spellcheck', 'markdown', 'charts', 'emoji', 'export-pdf', 'git-blame'];

let k = 0;
async function sessions(count) {
  for (let i = 0; i < count; i++) {
    const addonName = `${CATALOGUE[k % CATALOGUE.length]}#${k}`;
    k++;
    host.load(addonName);
    if (i % 3 === 2) host.unload(addonName);
    if (host.loaded.size > 8) host.unload(host.loaded.keys().next().value);
    if (i % 25 === 24) await pause(1);
  }
}

run(() => takeThree('addonhost', {
  warmUp: () => sessions(200),
  load: () => sessions(PER_PHASE),
}));
