// DevTools' own object lists of the Summary's classes: for the 12 classes with the largest retained size, the
// first 40 objects as DevTools' Summary orders them when sorted by retained size (createNodesProviderForClass,
// then retained size descending, ties by id), and each class's object count. Prints JSON {file, classes:
// [{key, total, ids}]}; gzipped, that is tests/fixtures/oracle/NAME.instances.devtools.json.gz.
// Needs the DevTools bundle the project's oracle builds (~/.cache/heapscope-oracle, see the oracle's README).
//   node scripts/instances-oracle.mjs SNAPSHOT | gzip -9 > NAME.instances.devtools.json.gz
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {pathToFileURL} from 'node:url';
const BUNDLE = path.join(os.homedir(), '.cache/heapscope-oracle/build/devtools-heap-snapshot.mjs');
const [file] = process.argv.slice(2);
const dt = await import(pathToFileURL(BUNDLE).href);
const loader = new dt.HeapSnapshotLoader.HeapSnapshotLoader({sendEvent() {}});
for await (const chunk of fs.createReadStream(file, {encoding: 'utf8', highWaterMark: 8 << 20})) loader.write(chunk);
loader.close();
await loader.parsingComplete;
const {port1, port2} = new MessageChannel();
new dt.HeapSnapshot.SecondaryInitManager(port2);
const snap = await loader.buildSnapshot(port1);
port1.close(); port2.close();
const M = dt.HeapSnapshotModel.HeapSnapshotModel;
const filter = new M.NodeFilter();
const aggregates = snap.aggregatesWithFilter(filter);
const keys = Object.keys(aggregates).sort((a, b) => aggregates[b].maxRet - aggregates[a].maxRet).slice(0, 12);
const out = [];
for (const key of keys) {
  const provider = snap.createNodesProviderForClass(key, filter);
  provider.sortAndRewind(new M.ComparatorConfig('retainedSize', false, 'id', true));
  const range = provider.serializeItemsRange(0, 40);
  out.push({key, total: range.totalLength, ids: range.items.map((n) => n.id)});
}
console.log(JSON.stringify({file: path.basename(file), classes: out}));
