// Side-by-side ratios: the library's synthesis against the floor (its own output as plain
// ApiObjects) and against cdk8s-plus-28, and the CLI against parsing the same YAML alone.
// Every measurement is a fresh process; figures are medians of several rounds, interleaved so
// that drift on a shared machine hits every side alike. Needs `npx projen compile` (out/cli).
// Run: npm run bench:compare [-- --rounds 5] [-- --large] [-- --baseline DIR]   (prints figures; never a timed test)
// --baseline DIR: a compiled checkout of an earlier commit (scripts/bench-baseline.sh builds one);
// its CLI runs reach and diff on the same files in the same rounds, for the speed-up.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

interface Sample { readonly cpuMs: number; readonly wallMs: number; readonly rssMb: number }
interface Size { readonly label: string; readonly workloads: number; readonly links: number }

const args = process.argv.slice(2);
const rounds = Number(args[args.indexOf('--rounds') + 1] || 0) || 5;
const sizes: Size[] = [
  { label: 's', workloads: 200, links: 1000 },
  { label: 'm', workloads: 2000, links: 10000 },
  ...(args.includes('--large') ? [{ label: 'l', workloads: 10000, links: 50000 }] : []),
];
const baselineArg = args.includes('--baseline') ? args[args.indexOf('--baseline') + 1] : undefined;
const root = path.join(__dirname, '..');
const baselineCli = baselineArg ? path.resolve(baselineArg, 'out', 'cli', 'main.js') : undefined;
if (baselineCli && !fs.existsSync(baselineCli)) throw new Error(`${baselineCli} is missing: build the baseline with scripts/bench-baseline.sh`);
const cli = path.join(root, 'out', 'cli', 'main.js');
if (!fs.existsSync(cli)) throw new Error(`${cli} is missing: run "npx projen compile" first`);
const NODE_FLAGS = ['--max-old-space-size=16384'];

/** A synthesis in its own process; the worker measures declare + app.synth() itself. */
function synthOnce(mode: string, size: Size, outdir: string): Sample {
  fs.rmSync(outdir, { recursive: true, force: true });
  const run = spawnSync(process.execPath, [...NODE_FLAGS, '-r', 'ts-node/register/transpile-only',
    path.join(__dirname, 'compare-worker.ts'), mode, String(size.workloads), String(size.links), outdir],
  { cwd: root, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (run.status !== 0) throw new Error(`${mode} worker failed: ${run.stderr}`);
  return JSON.parse(run.stdout.trim().split('\n').pop()!);
}

/** A whole command measured from outside by GNU time: CPU, wall and peak RSS of the process. */
function processOnce(command: string[]): Sample {
  const run = spawnSync('/usr/bin/time', ['-f', 'ZTBENCH %e %U %S %M', process.execPath, ...NODE_FLAGS, ...command],
    { cwd: root, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  const line = run.stderr.split('\n').find(l => l.startsWith('ZTBENCH '));
  if (!line || (run.status !== 0 && run.status !== 1)) throw new Error(`${command.join(' ')} failed (${run.status}): ${run.stderr.slice(0, 2000)}`);
  const [wall, user, sys, rssKb] = line.split(' ').slice(1).map(Number);
  return { cpuMs: (user + sys) * 1000, wallMs: wall * 1000, rssMb: rssKb / 1024 };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function summary(samples: Sample[]): Sample {
  return { cpuMs: median(samples.map(s => s.cpuMs)), wallMs: median(samples.map(s => s.wallMs)), rssMb: Math.max(...samples.map(s => s.rssMb)) };
}

const fmt = (s: Sample) => `cpu ${(s.cpuMs / 1000).toFixed(2)} s, wall ${(s.wallMs / 1000).toFixed(2)} s, peak ${s.rssMb.toFixed(0)} MB`;
const ratio = (a: Sample, b: Sample) => `${(a.cpuMs / b.cpuMs).toFixed(2)}x cpu, ${(a.wallMs / b.wallMs).toFixed(2)}x wall`;

const parser = path.join(os.tmpdir(), 'zt-bench-parse-yaml.js');
// The CLI's own parser package, alone: the least any YAML-reading command can cost.
fs.writeFileSync(parser, `const fs = require('fs'), path = require('path'), YAML = require(${JSON.stringify(require.resolve('yaml'))});
let n = 0;
for (const f of fs.readdirSync(process.argv[2]).filter(x => x.endsWith('.yaml')).sort()) {
  for (const d of YAML.parseAllDocuments(fs.readFileSync(path.join(process.argv[2], f), 'utf8'))) { d.toJSON(); n++; }
}
console.log(n);
`);

console.log(`cdk8s-zero-trust side-by-side benchmark: ${os.cpus().length} cores (${os.cpus()[0]?.model ?? 'unknown'}), node ${process.version}, median of ${rounds} rounds`);
const librarySynth = new Map<string, Sample>();
for (const size of sizes) {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), `zt-bench-${size.label}-`));
  const samples: { [k: string]: Sample[] } = { 'library': [], 'library-cdk8s-yaml': [], 'floor': [], 'plus': [], 'reach': [], 'diff': [], 'yaml': [], 'baseline-reach': [], 'baseline-diff': [] };
  for (let r = 0; r < rounds; r++) {
    samples.library.push(synthOnce('library', size, path.join(base, 'library')));
    samples['library-cdk8s-yaml'].push(synthOnce('library-cdk8s-yaml', size, path.join(base, 'library-cdk8s-yaml')));
    samples.floor.push(synthOnce('floor', size, path.join(base, 'floor')));
    samples.plus.push(synthOnce('plus', size, path.join(base, 'plus')));
    const dir = path.join(base, 'library');
    samples.reach.push(processOnce([cli, 'reach', dir]));
    samples.diff.push(processOnce([cli, 'diff', '--base', dir, '--head', dir]));
    samples.yaml.push(processOnce([parser, dir]));
    if (baselineCli) {
      samples['baseline-reach'].push(processOnce([baselineCli, 'reach', dir]));
      samples['baseline-diff'].push(processOnce([baselineCli, 'diff', '--base', dir, '--head', dir]));
    }
  }
  const s = Object.fromEntries(Object.entries(samples).filter(([, v]) => v.length > 0).map(([k, v]) => [k, summary(v)]));
  librarySynth.set(size.label, s.library);
  console.log(`\n[${size.label}] W=${size.workloads} L=${size.links}`);
  for (const [k, label] of [['library', 'library synth'], ['library-cdk8s-yaml', 'library synth, cdk8s\'s own YAML writer'],
    ['floor', 'floor synth (same objects as ApiObjects)'], ['plus', 'cdk8s-plus-28 (Deployments + connections.allowTo)'],
    ['reach', 'CLI reach (whole process)'], ['diff', 'CLI diff (whole process)'], ['yaml', 'yaml package parse alone (whole process)'],
    ['baseline-reach', 'baseline CLI reach (whole process)'], ['baseline-diff', 'baseline CLI diff (whole process)']]) {
    if (s[k]) console.log(`  ${label.padEnd(52)} ${fmt(s[k])}`);
  }
  console.log(`  library / floor:          ${ratio(s.library, s.floor)}   (goal <= 1.3x)`);
  console.log(`  same, cdk8s YAML writer:  ${ratio(s['library-cdk8s-yaml'], s.floor)}`);
  console.log(`  library / cdk8s-plus-28:  ${ratio(s.library, s.plus)}   (goal <= 0.4x)`);
  console.log(`  CLI reach / yaml parse:   ${ratio(s.reach, s.yaml)}`);
  if (s['baseline-reach']) {
    console.log(`  baseline / CLI reach:     ${ratio(s['baseline-reach'], s.reach)}   (goal >= 3x at W=10k; peak ${s['baseline-reach'].rssMb.toFixed(0)} -> ${s.reach.rssMb.toFixed(0)} MB)`);
    console.log(`  baseline / CLI diff:      ${ratio(s['baseline-diff'], s.diff)}   (goal >= 3x at W=10k; peak ${s['baseline-diff'].rssMb.toFixed(0)} -> ${s.diff.rssMb.toFixed(0)} MB)`);
  }
  fs.rmSync(base, { recursive: true, force: true });
}
const m = librarySynth.get('m');
const l = librarySynth.get('l');
if (m && l) console.log(`\nsynth growth for x5 workloads (l / m): ${(l.cpuMs / m.cpuMs).toFixed(2)}x cpu   (goal <= 5.5x)`);
