// DevTools' own Retainers and References lists (JSHeapSnapshot.createRetainingEdgesProvider /
// createEdgesProvider, with their default filters) for a sample of nodes: every STEP-th node and the five
// with the most retainers (up to 3000). Prints JSON {file, step, nodes: [{id, retainers: [[from_id, type,
// name]...], references_total}]}; gzipped, that is tests/fixtures/oracle/NAME.retainers.devtools.json.gz.
// Needs the DevTools bundle the project's oracle builds (~/.cache/heapscope-oracle, see the oracle's README).
//   node scripts/retainers-oracle.mjs SNAPSHOT [STEP=997] | gzip -9 > NAME.retainers.devtools.json.gz
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {pathToFileURL} from 'node:url';
const BUNDLE = path.join(os.homedir(), '.cache/heapscope-oracle/build/devtools-heap-snapshot.mjs');
const [file, stepArg] = process.argv.slice(2);
const step = Number(stepArg || 997);
const dt = await import(pathToFileURL(BUNDLE).href);
const loader = new dt.HeapSnapshotLoader.HeapSnapshotLoader({sendEvent() {}});
for await (const chunk of fs.createReadStream(file, {encoding: 'utf8', highWaterMark: 8 << 20})) loader.write(chunk);
loader.close();
await loader.parsingComplete;
const {port1, port2} = new MessageChannel();
new dt.HeapSnapshot.SecondaryInitManager(port2);
const snap = await loader.buildSnapshot(port1);
port1.close(); port2.close();
const {nodeFieldCount, nodeCount} = snap;
const ordinals = [];
for (let o = 0; o < nodeCount; o += step) ordinals.push(o);
// And the nodes with the most retainers (weak and root ones among them), up to 3000 retainers each.
const counts = [];
for (let o = 0; o < nodeCount; o++) counts.push([snap.firstRetainerIndex[o + 1] - snap.firstRetainerIndex[o], o]);
counts.sort((a, b) => b[0] - a[0]);
for (const [count, o] of counts.filter(([c]) => c <= 3000).slice(0, 5)) if (!ordinals.includes(o)) ordinals.push(o);
const out = [];
for (const ordinal of ordinals) {
  const nodeIndex = ordinal * nodeFieldCount;
  const node = snap.createNode(nodeIndex);
  const retainers = (await snap.createRetainingEdgesProvider(nodeIndex).serializeItemsRange(0, Infinity)).items;
  const refs = (await snap.createEdgesProvider(nodeIndex).serializeItemsRange(0, Infinity));
  out.push({id: node.id(), retainers: retainers.map((e) => [e.node.id, e.type, String(e.name)]),
    references_total: refs.totalLength});
}
console.log(JSON.stringify({file: path.basename(file), step, nodes: out}));
