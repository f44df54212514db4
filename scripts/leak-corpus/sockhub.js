'use strict';
// sockhub: a small message hub. Clients connect, exchange a few frames, and disconnect.
// Usage: node sockhub.js OUTDIR
const { takeThree, pause, seeded, run } = require('./lib/series');

const REGIONS = ['eu-west', 'eu-central', 'us-east', 'us-west', 'ap-south'];
const PER_PHASE = 1200;
const rand = seeded(7);

class ClientHandle {
  constructor(id, peer, region) {
    this.id = id;
    this.peer = peer;
    this.region = region;
    this.openedAt = 1700000000000 + id * 37;
    this.framesIn = 0;
    this.framesOut = 0;
    this.state = 'open';
  }
}

class SocketBroker {
  constructor() {
    this.handles = new Set();
    this.byPeer = new Map();
    this.nextId = 1;
  }

  connect(peer) {
    const handle = new ClientHandle(this.nextId++, peer, REGIONS[this.nextId % REGIONS.length]);
    this.handles.add(handle);
    this.byPeer.set(peer, handle);
    return handle;
  }

  deliver(handle, frame) {
    handle.framesIn++;
    const reply = { seq: frame.seq, ok: frame.body.length < 200 };
    handle.framesOut++;
    return reply;
  }

  disconnect(handle) {
    handle.state = 'closed';
    this.byPeer.delete(handle.peer);
  }

  get connected() {
    return this.byPeer.size;
  }
}

const broker = new SocketBroker();

async function clientSession(n) {
  const peer = `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}:${40000 + (n % 20000)}`;
  const handle = broker.connect(peer);
  const frames = 2 + Math.floor(rand() * 4);
  for (let seq = 0; seq < frames; seq++) {
    broker.deliver(handle, { seq, body: 'ping:' + 'x'.repeat(Math.floor(rand() * 300)) });
    if (seq === 0) await pause(1);
  }
  broker.disconnect(handle);
}

let counter = 0;
async function traffic(sessions) {
  const batch = 40;
  for (let done = 0; done < sessions; done += batch) {
    const wave = [];
    for (let k = 0; k < batch; k++) wave.push(clientSession(counter++));
    await Promise.all(wave);
  }
}

run(() => takeThree('sockhub', {
  warmUp: () => traffic(400),
  load: () => traffic(PER_PHASE),
}));
