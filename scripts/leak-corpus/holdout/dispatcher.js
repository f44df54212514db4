'use strict';
// dispatcher: a task runner. Specs are submitted, normalised, run with a small delay, and the
// runner emits 'settled' when each one finishes.
// Usage: node holdout/dispatcher.js OUTDIR
const { EventEmitter } = require('node:events');
const { takeThree, pause, seeded, run } = require('../lib/series');

const PER_PHASE = 900;
const rand = seeded(101);

class Task {
  constructor(spec, attempt) {
    this.spec = spec;
    this.attempt = attempt;
    this.queuedAt = 1700000000000 + attempt;
    this.result = null;
  }
}

class Dispatcher extends EventEmitter {
  constructor() {
    super();
    this.inflight = new Map();
    this.completed = 0;
    this.on('settled', (spec) => {
      this.inflight.delete(spec);
      this.completed++;
    });
  }

  submit(spec) {
    const normalised = { queue: 'default', priority: 5, ...spec };
    const task = new Task(normalised, this.completed + this.inflight.size);
    this.inflight.set(normalised, task);
    return this.execute(task).then((value) => {
      task.result = value;
      this.emit('settled', spec);
      return value;
    });
  }

  async execute(task) {
    await pause(task.spec.priority % 2);
    return task.spec.payload.length * task.spec.priority;
  }
}

const dispatcher = new Dispatcher();

let n = 0;
async function produce(count) {
  for (let done = 0; done < count; done += 30) {
    const wave = [];
    for (let k = 0; k < 30; k++) {
      const id = n++;
      wave.push(dispatcher.submit({ id, payload: `resize:${id}:${Math.floor(rand() * 4000)}`, priority: 1 + (id % 9) }));
    }
    await Promise.all(wave);
  }
}

run(() => takeThree('dispatcher', {
  warmUp: () => produce(300),
  load: () => produce(PER_PHASE),
}));
