// Chrome DevTools' own lists for single objects and classes, the oracle for tests/queries_oracle.rs.
//   node scripts/devtools-lists.mjs retainers SNAPSHOT [STEP=997] | gzip -9 > NAME.retainers.devtools.json.gz
//     the Retainers and References lists (createRetainingEdgesProvider / createEdgesProvider with their default
//     filters) of every STEP-th node and of the five with the most retainers (up to 3000):
//     {file, step, nodes: [{id, retainers: [[from_id, type, name]...], references: [[to_id, type, name]...]}]}
//   node scripts/devtools-lists.mjs instances SNAPSHOT | gzip -9 > NAME.instances.devtools.json.gz
//     the first 40 objects of the 12 classes with the largest retained size, as the Summary orders them when
//     sorted by retained size (retained size descending, ties by id), each as [id, name, type, self size,
//     retained size, distance], and each class's count: {file, classes: [{key, total, objects}]}
// Needs the DevTools bundle the project's oracle builds (~/.cache/heapscope-oracle, see the oracle's README).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {pathToFileURL} from 'node:url';

const BUNDLE = path.join(os.homedir(), '.cache/heapscope-oracle/build/devtools-heap-snapshot.mjs');
const [mode, file, stepArg] = process.argv.slice(2);
if (!['retainers', 'instances', 'dominators', 'retained', 'names'].includes(mode) || !file) {
  console.error('usage: devtools-lists.mjs retainers|instances|dominators|retained|names SNAPSHOT [STEP]');
  process.exit(2);
}
const dt = await import(pathToFileURL(BUNDLE).href);
const loader = new dt.HeapSnapshotLoader.HeapSnapshotLoader({sendEvent() {}});
for await (const chunk of fs.createReadStream(file, {encoding: 'utf8', highWaterMark: 8 << 20})) loader.write(chunk);
loader.close();
await loader.parsingComplete;
const {port1, port2} = new MessageChannel();
new dt.HeapSnapshot.SecondaryInitManager(port2);
const snap = await loader.buildSnapshot(port1);
port1.close();
port2.close();

async function retainers(step) {
  const {nodeFieldCount, nodeCount} = snap;
  const ordinals = [];
  for (let o = 0; o < nodeCount; o += step) ordinals.push(o);
  const counts = [];
  for (let o = 0; o < nodeCount; o++) counts.push([snap.firstRetainerIndex[o + 1] - snap.firstRetainerIndex[o], o]);
  counts.sort((a, b) => b[0] - a[0]);
  for (const [, o] of counts.filter(([count]) => count <= 3000).slice(0, 5)) if (!ordinals.includes(o)) ordinals.push(o);
  const nodes = [];
  for (const ordinal of ordinals) {
    const nodeIndex = ordinal * nodeFieldCount;
    const items = (await snap.createRetainingEdgesProvider(nodeIndex).serializeItemsRange(0, Infinity)).items;
    const references = await snap.createEdgesProvider(nodeIndex).serializeItemsRange(0, Infinity);
    const edge = (e) => [e.node.id, e.type, String(e.name)];
    nodes.push({id: snap.createNode(nodeIndex).id(), retainers: items.map(edge), references: references.items.map(edge)});
  }
  return {file: path.basename(file), step, nodes};
}

function instances() {
  const model = dt.HeapSnapshotModel.HeapSnapshotModel;
  const filter = new model.NodeFilter();
  const aggregates = snap.aggregatesWithFilter(filter);
  const keys = Object.keys(aggregates).sort((a, b) => aggregates[b].maxRet - aggregates[a].maxRet).slice(0, 12);
  const classes = keys.map((key) => {
    const provider = snap.createNodesProviderForClass(key, filter);
    provider.sortAndRewind(new model.ComparatorConfig('retainedSize', false, 'id', true));
    const range = provider.serializeItemsRange(0, 40);
    const objects = range.items.map((n) => [n.id, n.name, n.type, n.selfSize, n.retainedSize, n.distance]);
    return {key, total: range.totalLength, objects};
  });
  return {file: path.basename(file), classes};
}

function dominators() {
  return {file: path.basename(file), dominators: Array.from(snap.dominatorsTree)};
}

function retained() {
  return {file: path.basename(file), retained: Array.from(snap.retainedSizes), distances: Array.from(snap.nodeDistances)};
}

function names() {
  const classNames = [];
  for (let ordinal = 0; ordinal < snap.nodeCount; ordinal++) {
    classNames.push(snap.createNode(ordinal * snap.nodeFieldCount).className());
  }
  return {file: path.basename(file), class_names: classNames};
}

const lists = {retainers: () => retainers(Number(stepArg || 997)), instances, dominators, retained, names};
console.log(JSON.stringify(await lists[mode]()));
