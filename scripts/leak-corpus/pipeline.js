'use strict';
// pipeline: an ingestion worker. Each batch streams generated records through a Transform that
// hashes and re-encodes them, waits on timers and promises, and keeps only running totals.
// Usage: node pipeline.js OUTDIR
const crypto = require('node:crypto');
const { Readable, Transform, Writable } = require('node:stream');
const { pipeline } = require('node:stream/promises');
const { takeThree, pause, seeded, run } = require('./lib/series');

const BATCHES_PER_PHASE = 60;
const RECORDS_PER_BATCH = 40;
const rand = seeded(83);

const totals = { batches: 0, records: 0, bytes: 0, digest: '' };

function* records(batch) {
  for (let i = 0; i < RECORDS_PER_BATCH; i++) {
    const size = 512 + Math.floor(rand() * 3000);
    yield Buffer.alloc(size, (batch * 31 + i) & 0xff);
  }
}

class Encoder extends Transform {
  constructor() {
    super({ readableObjectMode: true, writableObjectMode: true });
  }

  _transform(chunk, _enc, done) {
    const digest = crypto.createHash('md5').update(chunk).digest('hex');
    setTimeout(() => done(null, { digest, payload: chunk.toString('base64') }), 0);
  }
}

function sink(batch) {
  let hash = crypto.createHash('sha1');
  return new Writable({
    objectMode: true,
    write(item, _enc, done) {
      hash.update(item.digest);
      totals.records++;
      totals.bytes += item.payload.length;
      done();
    },
    final(done) {
      totals.digest = hash.digest('hex');
      hash = null;
      totals.batches = batch;
      done();
    },
  });
}

async function retrying(fn, attempts) {
  for (let a = 1; ; a++) {
    try {
      return await fn(a);
    } catch (err) {
      if (a >= attempts) throw err;
      await pause(1);
    }
  }
}

let batch = 0;
async function ingest(count) {
  for (let i = 0; i < count; i++) {
    batch++;
    await pipeline(Readable.from(records(batch)), new Encoder(), sink(batch));
    await retrying(async (attempt) => {
      if (attempt === 1 && batch % 3 === 0) throw new Error('transient');
      return attempt;
    }, 3);
    const timers = [];
    for (let t = 0; t < 10; t++) timers.push(new Promise((resolve) => setTimeout(resolve, t % 3, t)));
    await Promise.all(timers);
  }
}

run(() => takeThree('pipeline', {
  warmUp: () => ingest(BATCHES_PER_PHASE),
  load: () => ingest(BATCHES_PER_PHASE),
}));
