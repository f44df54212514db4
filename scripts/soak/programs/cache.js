'use strict';
// A bounded LRU cache (a Map in insertion order, oldest evicted): new keys arrive fast enough to fill its
// `maxEntries` within about `fillSeconds`, then it stays full. Truth: stable (a plateau, not a leak).
const { options, serve, blob } = require('../lib/service');

const o = options({ maxEntries: 4000, entryBytes: 2048, fillSeconds: 60, rps: 100, churnKb: 16, keepRecent: 500 });
const cache = new Map();
const newKeysPerRequest = o.maxEntries / (o.fillSeconds * o.rps);
let owed = 0;
let next = 0;
serve({
  ...o,
  onRequest: (id, random) => {
    for (owed += newKeysPerRequest; owed >= 1; owed -= 1) {
      next += 1;
      cache.set(`key-${next}`, blob(o.entryBytes, next));
      if (cache.size > o.maxEntries) cache.delete(cache.keys().next().value);
    }
    // A hit refreshes an entry's place.
    const key = `key-${1 + Math.floor(random() * next)}`;
    const hit = cache.get(key);
    if (hit) {
      cache.delete(key);
      cache.set(key, hit);
    }
  },
});
