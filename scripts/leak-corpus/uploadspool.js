'use strict';
// uploadspool: an upload endpoint that receives files in 8 KiB chunks, assembles each into one
// Buffer and hands it to a storage writer. Finished uploads stay in the spool's `finished` list.
// Usage: node uploadspool.js OUTDIR
const crypto = require('node:crypto');
const { takeThree, pause, run } = require('./lib/series');

const PER_PHASE = 150;
const CHUNK = 8 * 1024;
const CHUNKS_PER_FILE = 6; // 48 KiB per upload

class FinishedUpload {
  constructor(uploadId, name, body) {
    this.uploadId = uploadId;
    this.name = name;
    this.body = body;
    this.sha256 = crypto.createHash('sha256').update(body).digest('hex');
  }
}

class UploadSpool {
  constructor() {
    this.open = new Map();
    this.finished = [];
    this.bytesStored = 0;
  }

  begin(uploadId, name) {
    this.open.set(uploadId, { name, chunks: [] });
  }

  append(uploadId, chunk) {
    this.open.get(uploadId).chunks.push(chunk);
  }

  complete(uploadId) {
    const { name, chunks } = this.open.get(uploadId);
    this.open.delete(uploadId);
    const upload = new FinishedUpload(uploadId, name, Buffer.concat(chunks));
    this.finished.push(upload);
    this.bytesStored += upload.body.length;
    return upload;
  }
}

const spool = new UploadSpool();

async function receive(uploadId) {
  spool.begin(uploadId, `scan-${String(uploadId).padStart(6, '0')}.pdf`);
  for (let c = 0; c < CHUNKS_PER_FILE; c++) {
    const chunk = Buffer.alloc(CHUNK, (uploadId + c) & 0xff);
    spool.append(uploadId, chunk);
    if (c === 2) await pause(1);
  }
  return spool.complete(uploadId).sha256;
}

let uploadId = 0;
async function uploads(count) {
  for (let done = 0; done < count; done += 10) {
    const wave = [];
    for (let k = 0; k < 10; k++) wave.push(receive(++uploadId));
    await Promise.all(wave);
  }
}

run(() => takeThree('uploadspool', {
  warmUp: () => uploads(40),
  load: () => uploads(PER_PHASE),
}));
