'use strict';
// Minimal three-snapshot driver shared by the corpus programs.
// A program hands over two async functions: warmUp() and load(phase). The driver runs warmUp(),
// writes snapshot 1, runs load(1), writes snapshot 2, runs load(2), writes snapshot 3.
// v8.writeHeapSnapshot() performs a full garbage collection first, so no --expose-gc is needed.
const fs = require('node:fs');
const path = require('node:path');
const v8 = require('node:v8');

const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// mulberry32: small deterministic PRNG so that every run builds the same data.
function seeded(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function takeThree(name, { warmUp, load, settleMs = 200 }) {
  const outDir = path.resolve(process.argv[2] || '.');
  fs.mkdirSync(outDir, { recursive: true });
  // process.stderr is created lazily: create it now so that it is in every snapshot, not only in 2 and 3.
  process.stderr.write(`[${name}] warming up\n`);
  await warmUp();
  await pause(settleMs);
  for (let i = 1; i <= 3; i++) {
    const file = path.join(outDir, `${name}-${i}.heapsnapshot`);
    const before = process.memoryUsage();
    v8.writeHeapSnapshot(file);
    const bytes = fs.statSync(file).size;
    process.stderr.write(`[${name}] ${path.basename(file)} ${(bytes / 1e6).toFixed(2)} MB` +
      ` heapUsed=${(before.heapUsed / 1e6).toFixed(1)}MB external=${(before.external / 1e6).toFixed(1)}MB\n`);
    if (i < 3) {
      await load(i);
      await pause(settleMs);
    }
  }
}

// Runs a program's main and exits with its status, so pending timers or never-settled work
// cannot keep the process alive after the third snapshot.
function run(main) {
  main().then(() => process.exit(0), (err) => {
    process.stderr.write(`${err && err.stack || err}\n`);
    process.exit(1);
  });
}

module.exports = { takeThree, pause, seeded, run };
