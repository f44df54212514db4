'use strict';
// Runs one soak run of runs.json and records every export into tests/fixtures/metrics/soak/<name>/:
//   memusage.ndjson.gz, heapstats.ndjson.gz, scrapes.prom.gz  (written by record.js inside the process)
//   trace-gc.log.gz or trace-gc-nvp.log.gz                      (node's stdout and stderr: GC trace, OOM dump)
//   query_range.json.gz   the memory metrics of the scrapes as Prometheus' /api/v1/query_range answers them
//                         (step 15 s, each evaluation takes the latest scrape at or before it)
//   run.json              the run's program, parameters, flags, truth, node version, exit status
// Usage: node run.js <run name> [fixtures dir]   ($SOAK_RUNS: the manifest, runs.json by default)
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const zlib = require('node:zlib');
const { spawn } = require('node:child_process');

// $SOAK_RUNS names another manifest (runs recorded apart, say, before they join runs.json).
const manifest = process.env.SOAK_RUNS || path.join(__dirname, 'runs.json');
const runs = JSON.parse(fs.readFileSync(manifest, 'utf8'));
const name = process.argv[2];
const run = runs.find((r) => r.name === name);
if (!run) throw new Error(`no run ${name} in runs.json`);
const fixtures = path.resolve(process.argv[3] || path.join(__dirname, '../../tests/fixtures/metrics/soak'));
const work = fs.mkdtempSync(path.join(os.tmpdir(), `soak-${name}-`));
const nvp = run.flags.includes('--trace-gc-nvp');
const traceName = nvp ? 'trace-gc-nvp.log' : 'trace-gc.log';
const traceFlags = nvp ? [] : ['--trace-gc'];

const QUERY_METRICS = [
  'nodejs_heap_size_used_bytes',
  'nodejs_heap_size_total_bytes',
  'nodejs_external_memory_bytes',
  'process_resident_memory_bytes',
  'nodejs_heap_space_size_used_bytes',
];
const STEP_S = 15;

// The scrapes as [{t_ms, samples: Map<series key, {labels, value}>}].
function readScrapes(text) {
  const scrapes = [];
  for (const line of text.split('\n')) {
    const marker = /^# SCRAPE (\d+)/.exec(line);
    if (marker) {
      scrapes.push({ t_ms: Number(marker[1]), samples: new Map() });
      continue;
    }
    const sample = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{([^}]*)\})? (\S+)$/.exec(line);
    if (!sample || !scrapes.length || !QUERY_METRICS.includes(sample[1])) continue;
    const labels = { __name__: sample[1] };
    for (const pair of (sample[2] || '').matchAll(/([a-zA-Z_]\w*)="([^"]*)"/g)) labels[pair[1]] = pair[2];
    const key = JSON.stringify(labels);
    scrapes[scrapes.length - 1].samples.set(key, { labels, value: Number(sample[3]) });
  }
  return scrapes;
}

// Prometheus' answer to query_range {__name__=~"<QUERY_METRICS>"} over the scrapes' span, step 15 s.
function queryRange(scrapes) {
  const result = new Map();
  if (scrapes.length === 0) return { status: 'success', data: { resultType: 'matrix', result: [] } };
  const start = Math.ceil(scrapes[0].t_ms / 1000);
  const end = scrapes[scrapes.length - 1].t_ms / 1000;
  for (let t = start; t <= end; t += STEP_S) {
    const latest = scrapes.filter((s) => s.t_ms / 1000 <= t && t - s.t_ms / 1000 <= 300).pop();
    if (!latest) continue;
    for (const [key, { labels, value }] of latest.samples) {
      if (!result.has(key)) {
        const metric = { ...labels, instance: 'localhost:9464', job: 'soak' };
        const sorted = Object.fromEntries(Object.entries(metric).sort(([a], [b]) => a.localeCompare(b)));
        result.set(key, { metric: sorted, values: [] });
      }
      result.get(key).values.push([t, String(value)]);
    }
  }
  return { status: 'success', data: { resultType: 'matrix', result: [...result.values()] } };
}

function gzipTo(file, text) {
  fs.writeFileSync(file, zlib.gzipSync(Buffer.from(text), { level: 9 }));
}

const args = [
  ...traceFlags,
  ...run.flags,
  '-r',
  path.join(__dirname, 'record.js'),
  path.join(__dirname, 'programs', `${run.program}.js`),
  JSON.stringify(run.params),
];
const trace = fs.openSync(path.join(work, traceName), 'w');
const started = Date.now();
const child = spawn(process.execPath, args, {
  env: { ...process.env, SOAK_OUT: work, SOAK_SECONDS: String(run.seconds) },
  stdio: ['ignore', trace, trace],
});
child.on('exit', (code, signal) => {
  fs.closeSync(trace);
  const dir = path.join(fixtures, name);
  fs.mkdirSync(dir, { recursive: true });
  for (const file of ['memusage.ndjson', 'heapstats.ndjson', 'scrapes.prom', traceName]) {
    gzipTo(path.join(dir, `${file}.gz`), fs.readFileSync(path.join(work, file), 'utf8'));
  }
  const scrapes = readScrapes(fs.readFileSync(path.join(work, 'scrapes.prom'), 'utf8'));
  gzipTo(path.join(dir, 'query_range.json.gz'), JSON.stringify(queryRange(scrapes)));
  const meta = {
    ...run,
    held_out: Boolean(run.held_out),
    node: process.version,
    command: ['node', ...args.map((a) => path.relative(__dirname, a).startsWith('..') ? a : path.relative(__dirname, a))].join(' '),
    exit_code: code,
    signal,
    wall_seconds: Math.round((Date.now() - started) / 1000),
  };
  fs.writeFileSync(path.join(dir, 'run.json'), JSON.stringify(meta, null, 1) + '\n');
  fs.rmSync(work, { recursive: true, force: true });
  process.stdout.write(`${name}: exit ${code}${signal ? ` (${signal})` : ''} after ${meta.wall_seconds} s\n`);
});
