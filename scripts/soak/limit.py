#!/usr/bin/env python3
"""How many heap leaks of the soak corpus any test could find from its sampled exports (README.md, "Where
90% is out of reach"). For each leak run (not the Buffer ones) the GC log's floor (heap after each major
GC) is the truth; each floor point of memoryUsage, prom-client and query_range is compared with it at its
time, and an ideal test that knew that error's spread and looked for a straight climb at 5% false leaks
would find the leak with probability Phi(z - 1.645), z being the true slope over its standard error.
Usage: cargo build --release && python3 scripts/soak/limit.py"""
import glob, gzip, json, math, os, statistics, subprocess, tempfile

ROOT = os.path.join(os.path.dirname(__file__), '..', '..')
SOAK = os.path.join(ROOT, 'tests/fixtures/metrics/soak')
CLI = os.path.join(ROOT, 'target/release/heapscope')


def floor(run, name):
    """Floor points (minutes, MB) of the heap-used series of one export, the first tenth left out."""
    path = os.path.join(SOAK, run, name + '.gz')
    if not os.path.exists(path):
        return None
    with tempfile.TemporaryDirectory() as tmp:
        plain = os.path.join(tmp, name)
        with open(plain, 'wb') as out:
            out.write(gzip.open(path).read())
        report = json.loads(subprocess.run([CLI, 'trend', plain, '--json'], capture_output=True, check=True).stdout)
    series = next((s for s in report['series'] if s.get('role') == 'heap_used' and s['floor']), None)
    if series is None:
        return None
    t = [p[0] / 60000 for p in series['floor']]
    v = [p[1] / 2**20 for p in series['floor']]
    keep = [i for i in range(len(t)) if t[i] >= t[0] + 0.1 * (t[-1] - t[0])]
    return series['floor_source'], [t[i] for i in keep], [v[i] for i in keep]


def theil_sen(t, v):
    slopes = sorted((v[j] - v[i]) / (t[j] - t[i]) for i in range(len(t)) for j in range(i + 1, len(t)) if t[j] > t[i])
    return slopes[len(slopes) // 2]


def main():
    runs = json.load(open(os.path.join(ROOT, 'scripts/soak/runs.json')))
    phi = lambda x: 0.5 * math.erfc(-x / math.sqrt(2))
    found, cells, weak = {}, {}, {}
    for run in runs:
        if run['truth'] != 'leak' or run['program'] == 'buffers' or run.get('blind2'):
            continue
        exact = floor(run['name'], 'trace-gc.log') or floor(run['name'], 'trace-gc-nvp.log')
        if not exact or exact[0] != 'major_gcs':
            continue
        _, et, ev = exact
        slope = theil_sen(et, ev)
        at = lambda x: next((ev[i - 1] + (x - et[i - 1]) / (et[i] - et[i - 1]) * (ev[i] - ev[i - 1])
                             for i in range(1, len(et)) if x <= et[i]), ev[-1] if x > et[-1] else ev[0])
        row = [run['name'], f'{slope:.2f} MB/min']
        for name in ['memusage.ndjson', 'scrapes.prom', 'query_range.json']:
            sampled = floor(run['name'], name)
            cells[name] = cells.get(name, 0) + 1
            if not sampled or len(sampled[1]) < 3:
                row.append(f'{name}: -')
                weak[name] = weak.get(name, 0) + 1
                continue
            _, t, v = sampled
            spread = statistics.pstdev([v[i] - at(t[i]) for i in range(len(t))])
            mean_t = sum(t) / len(t)
            sxx = sum((x - mean_t) ** 2 for x in t)
            z = slope / (spread / math.sqrt(sxx)) if spread > 0 and sxx > 0 else float('inf')
            found[name] = found.get(name, 0) + phi(z - 1.645)
            weak[name] = weak.get(name, 0) + (z < 2.5)
            row.append(f'{name}: n={len(t)} sd={spread:.2f} MB z={z:.1f}')
        print(' | '.join(row))
    for name in cells:
        print(f'{name}: an ideal test finds {found.get(name, 0):.1f} of {cells[name]} leaks; '
              f'{weak[name]} with z < 2.5 or too few points')


main()
