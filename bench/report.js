'use strict';
// Render one bench run (bench.sh outputs in OUTDIR) as Markdown on stdout.
// Usage: node bench/report.js OUTDIR
// Env (all optional, shown in the header): BENCH_CMD (the exact command), BENCH_RAW (where the
// raw outputs are, relative to bench/), BENCH_COMMIT, BENCH_N, BENCH_DUR, BENCH_WARM, BENCH_PEERS
// (comma-separated, in column order; default: every peer in summary.jsonl), BENCH_LOADAVG.
// Reads OUTDIR/summary.jsonl (bench.sh's one line per wrk run and per peak-RSS reading) and the
// "preload: {...}" line of OUTDIR/<peer>.txt.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { execFileSync } = require('node:child_process');

const outDir = process.argv[2];
if (!outDir) {
  console.error('usage: node bench/report.js OUTDIR');
  process.exit(2);
}
const env = process.env;
const lines = fs
  .readFileSync(path.join(outDir, 'summary.jsonl'), 'utf8')
  .split('\n')
  .filter((l) => l.trim())
  .map((l) => JSON.parse(l));

const peers = env.BENCH_PEERS ? env.BENCH_PEERS.split(',') : [...new Set(lines.map((l) => l.peer))];
const isCeiling = (p) => p.startsWith('ceiling');
const ceiling = peers.find(isCeiling);
const jackson = peers.find((p) => p.startsWith('jackson'));

// wrk latency text ("850.00us", "1.23ms", "2.01s") -> milliseconds.
function ms(text) {
  const m = /^([\d.]+)(us|ms|s|m)$/.exec(text || '');
  if (!m) return NaN;
  const scale = { us: 0.001, ms: 1, s: 1000, m: 60000 }[m[2]];
  return Number(m[1]) * scale;
}

function runOf(peer, test) {
  // A ceiling responder answers every path with the same body, so its one run stands for both.
  const t = isCeiling(peer) ? 'filter' : test;
  return lines.find((l) => l.peer === peer && l.test === t);
}
function rssOf(peer) {
  const l = lines.find((x) => x.peer === peer && x.peak_rss_kb !== undefined);
  return l ? l.peak_rss_kb : NaN;
}
function preloadOf(peer) {
  try {
    const txt = fs.readFileSync(path.join(outDir, `${peer}.txt`), 'utf8');
    const m = /^preload: (\{.*\})$/m.exec(txt);
    return m ? JSON.parse(m[1]) : null;
  } catch {
    return null;
  }
}

const fmt = (v, digits = 0) =>
  Number.isFinite(v) ? v.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits }) : '—';
const ratio = (a, b) => (Number.isFinite(a) && Number.isFinite(b) && b !== 0 ? `${(a / b).toFixed(2)}×` : '—');

const ratioCols = [];
if (jackson && peers.includes('scimd')) ratioCols.push(['scimd / ' + jackson, jackson]);
if (ceiling && peers.includes('scimd')) ratioCols.push(['scimd / ' + ceiling, ceiling]);

function table(title, note, rows) {
  const out = [`### ${title}`, ''];
  if (note) out.push(note, '');
  const head = ['', ...peers, ...ratioCols.map((c) => c[0])];
  out.push(`| ${head.join(' | ')} |`);
  out.push(`|---|${head.slice(1).map(() => '---:').join('|')}|`);
  for (const [label, get, digits, suffix = ''] of rows) {
    const vals = peers.map((p) => get(p));
    const cells = vals.map((v) => (Number.isFinite(v) ? fmt(v, digits) + suffix : '—'));
    const ratios = ratioCols.map(([, other]) => ratio(get('scimd'), get(other)));
    out.push(`| ${[label, ...cells, ...ratios].join(' | ')} |`);
  }
  out.push('');
  return out.join('\n');
}

function wrkRows(test) {
  const r = (p) => runOf(p, test) || {};
  return [
    ['requests/s', (p) => r(p).rps, 0],
    ['latency p50 (ms)', (p) => ms(r(p).p50), 2],
    ['latency p90 (ms)', (p) => ms(r(p).p90), 2],
    ['latency p99 (ms)', (p) => ms(r(p).p99), 2],
    ['server CPU (% of one core)', (p) => r(p).server_cpu_pct, 0],
    ['requests per server CPU-second', (p) => (r(p).rps * 100) / r(p).server_cpu_pct, 0],
    ['non-2xx replies', (p) => r(p).non2xx, 0],
  ];
}

function sh(cmd, args) {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
  } catch (e) {
    return ((e.stdout || '') + (e.stderr || '')).trim().split('\n')[0] || '?';
  }
}

const cpus = os.cpus();
const n = env.BENCH_N || '10000';
const date = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
const doc = [];
doc.push('# scimd benchmark results', '');
doc.push(`Measured ${date} by \`${env.BENCH_CMD || 'bench/run'}\`${env.BENCH_COMMIT ? ` at commit \`${env.BENCH_COMMIT}\`` : ''}.`);
doc.push('');
doc.push('## Machine', '');
doc.push(`- ${sh('nproc', [])} CPUs online (${cpus.length} in the machine): ${cpus[0] ? cpus[0].model.trim() : '?'}`);
doc.push(`- kernel ${os.release()}, memory ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB`);
doc.push(`- ${sh('bash', ['-c', '. /etc/os-release && echo "$PRETTY_NAME"'])}, node ${process.version}, ${sh('wrk', ['-v']).split('\n')[0].replace(/ \[.*$/, '')}, ${sh('bash', ['-c', 'nginx -v 2>&1']).replace(/^nginx version: /, '')}`);
doc.push(`- load average when the run started: ${env.BENCH_LOADAVG || '?'} (1, 5, 15 min; other work on the machine skews every figure)`);
doc.push('- load generator (wrk) and server share the same CPUs, unpinned; everything on 127.0.0.1');
doc.push('');
doc.push('## Method', '');
doc.push(
  `Every server is measured in the same run by \`../shared/bench/peers/bench.sh PEER\`: start it, ` +
    `preload ${n} Entra-shaped users (POST /Users, 16 concurrent keep-alive connections, timed), ` +
    'check that the filter finds user 500, then for each URL a ' +
    `${env.BENCH_WARM || '3s'} warm-up and a measured \`wrk -t2 -c32 -d${env.BENCH_DUR || '10s'} --latency\` run: ` +
    '(a) `GET /Users?filter=userName eq "user500@example.com"`, (b) `GET /Users/{id of user 500}`. ' +
    'Server CPU is the server processes\' utime+stime during the measured run; peak RSS is `VmHWM` ' +
    'at the end (it includes the preload). scimd runs on a fresh SQLite file with one tenant.'
);
doc.push('');
const peerText = {
  'jackson-': '`jackson-*` is BoxyHQ SAML Jackson directory sync (the SCIM library Dub uses) on node:http, ' +
    '`-mem` with its in-memory store.',
  ceiling: '`ceiling-*` answers every request with a fixed 819-byte ListResponse, without auth or parsing ' +
    '(`-nginx1`: nginx with one worker; `-node`: node:http): the most this machine serves under the same wrk command.',
  scimmy: '`scimmy` is SCIMMY on Express with an in-memory store.',
};
const described = Object.entries(peerText)
  .filter(([prefix]) => peers.some((p) => p.startsWith(prefix)))
  .map(([, text]) => text);
doc.push(
  `Peers: ${described.join(' ')} ` +
    'A ratio above 1× means scimd has more of that quantity (better for requests/s, worse for latency, CPU and memory).'
);
doc.push('');
if (env.BENCH_RAW) doc.push(`Raw outputs: [${env.BENCH_RAW}](${env.BENCH_RAW}) (wrk output per peer and \`summary.jsonl\`).`, '');
doc.push('## Results', '');

doc.push(
  table(`Preload ${n} users (POST, concurrency 16)`, null, [
    ['seconds', (p) => (preloadOf(p) || {}).seconds, 2],
    ['users/s', (p) => (preloadOf(p) || {}).usersPerSec, 0],
    ['failed POSTs', (p) => (preloadOf(p) ? preloadOf(p).failed : NaN), 0],
  ])
);
doc.push(table('(a) filter `userName eq "user500@example.com"`', null, wrkRows('filter')));
doc.push(
  table(
    '(b) GET /Users/{id}',
    ceiling ? `The ${ceiling} column repeats its one run: it answers every path the same way.` : null,
    wrkRows('get-by-id')
  )
);
doc.push(table('Memory', null, [['peak RSS (MiB)', (p) => rssOf(p) / 1024, 1]]));
// Issue 7's targets for this part of the run (the replay and big-tenant parts state their own).
if (peers.includes('scimd') && (ceiling || jackson)) {
  const rows = [];
  const check = (what, target, value, holds) =>
    rows.push(`| ${what} | ${target} | ${Number.isFinite(value) ? value.toFixed(2) + '×' : '—'} | ${
      Number.isFinite(value) ? (holds(value) ? 'holds' : 'misses') : 'not measured'} |`);
  const rps = (peer, test) => (runOf(peer, test) || {}).rps;
  if (ceiling) {
    check('filter `userName eq` req/s, scimd / ceiling', '≥ 0.8×', rps('scimd', 'filter') / rps(ceiling, 'filter'), (v) => v >= 0.8);
    check('GET /Users/{id} req/s, scimd / ceiling', '≥ 0.8×', rps('scimd', 'get-by-id') / rps(ceiling, 'filter'), (v) => v >= 0.8);
  }
  if (jackson) {
    check(`filter req/s, scimd / ${jackson}`, '≥ 5×', rps('scimd', 'filter') / rps(jackson, 'filter'), (v) => v >= 5);
    check(`peak RSS, scimd / ${jackson}`, '≤ 0.125×', rssOf('scimd') / rssOf(jackson), (v) => v <= 0.125);
  }
  doc.push('### Targets (issue 7) for this part', '', '| row | target | measured | verdict |', '|---|---|---:|---|', ...rows, '');
  // The preload is one Node process and part of its own limit, so creates have their own run.
  doc.push('The creates row is judged in "Creates under wrk" (`bash bench/creates.sh`): the preload ' +
    'above is a single Node process, which limits the rate it measures.', '');
}
// Large-tenant lists have their own, longer benchmarks (bench/lists.sh, bench/cursor-depth.sh);
// their latest figures are kept beside this file and carried into it, so RESULTS.md stays the
// one place to read.
for (const [file, title] of [
  ['lists.md', 'Large tenants (`bash bench/lists.sh`, a separate run)'],
  ['cursor-depth.md', 'Cursor page 10,000 against page 1 (`bash bench/cursor-depth.sh`, a separate run)'],
]) {
  const source = path.join(__dirname, 'results', file);
  if (!fs.existsSync(source)) continue;
  const body = fs.readFileSync(source, 'utf8').replace(/^# .*\n/, '');
  doc.push(`## ${title}`, '', body.replace(/^## /gm, '### '));
}
// Sections written by the other bench scripts (replay, big tenants, micro-benchmarks, webhooks,
// PostgreSQL) live only in RESULTS.md, each replaced in place by its own script: a full run
// keeps every one of them that this report did not just write.
if (process.env.BENCH_KEEP_SECTIONS === '1') {
  const previous = path.join(__dirname, 'RESULTS.md');
  const written = new Set(doc.join('\n').match(/^## .*$/gm) || []);
  if (fs.existsSync(previous)) {
    const old = fs.readFileSync(previous, 'utf8');
    for (const section of old.split(/^(?=## )/m).slice(1)) {
      const title = section.match(/^## .*$/m)[0];
      if (!written.has(title)) doc.push(section.replace(/\n+$/, '\n'));
    }
  }
}
process.stdout.write(doc.join('\n'));
