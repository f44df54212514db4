'use strict';
// jobstats: a batch worker that runs small import jobs. For debugging from a REPL, each job's
// statistics are published on the global object under a per-job name.
// Usage: node jobstats.js OUTDIR
const { takeThree, pause, seeded, run } = require('./lib/series');

const PER_PHASE = 1000;
const rand = seeded(43);
const SOURCES = ['s3://imports/crm', 's3://imports/billing', 'sftp://partner/feeds', 'https://api.vendor.example/v1/export'];

class JobStats {
  constructor(jobId, source) {
    this.jobId = jobId;
    this.source = source;
    this.rowsRead = 0;
    this.rowsRejected = 0;
    this.phase = 'queued';
  }
}

function expose(stats) {
  globalThis[`importJob_${stats.jobId}`] = stats;
}

async function runJob(jobId) {
  const stats = new JobStats(jobId, SOURCES[jobId % SOURCES.length]);
  expose(stats);
  stats.phase = 'reading';
  const rows = 5 + Math.floor(rand() * 20);
  for (let r = 0; r < rows; r++) {
    const row = { id: jobId * 100 + r, email: `u${r}@example.com`, amount: Math.floor(rand() * 10000) };
    if (row.amount % 17 === 0) stats.rowsRejected++;
    else stats.rowsRead++;
  }
  if (jobId % 30 === 0) await pause(1);
  stats.phase = 'done';
  return stats.rowsRead;
}

let jobId = 0;
async function worker(count) {
  for (let done = 0; done < count; done += 20) {
    const wave = [];
    for (let k = 0; k < 20; k++) wave.push(runJob(++jobId));
    await Promise.all(wave);
  }
}

run(() => takeThree('jobstats', {
  warmUp: () => worker(300),
  load: () => worker(PER_PHASE),
}));
