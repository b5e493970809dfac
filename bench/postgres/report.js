'use strict';
// Render one bench/postgres.sh run (OUTDIR/summary.jsonl + OUTDIR/run.json) as a Markdown
// section for bench/RESULTS.md, with the scaling model's figures (docs/deploy-scaling.md).
// Usage: node bench/postgres/report.js OUTDIR    (env BENCH_RAW: raw outputs, relative to bench/)
const fs = require('node:fs');
const path = require('node:path');

const outDir = process.argv[2];
if (!outDir) {
  console.error('usage: node bench/postgres/report.js OUTDIR');
  process.exit(2);
}
const run = JSON.parse(fs.readFileSync(path.join(outDir, 'run.json'), 'utf8'));
const lines = fs
  .readFileSync(path.join(outDir, 'summary.jsonl'), 'utf8')
  .split('\n')
  .filter((l) => l.trim())
  .map((l) => JSON.parse(l));
const configs = run.configs.split(/\s+/).filter((c) => lines.some((l) => l.config === c));
const get = (config, test) => lines.find((l) => l.config === config && l.test === test);
const rss = (config) => (lines.find((l) => l.config === config && l.peak_rss_kb !== undefined) || {}).peak_rss_kb;

const fmt = (v, digits = 0) =>
  Number.isFinite(v) ? v.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits }) : '—';
const ratio = (a, b) => (Number.isFinite(a) && Number.isFinite(b) && b !== 0 ? a / b : NaN);
const fx = (r) => (Number.isFinite(r) ? `${r.toFixed(2)}×` : '—');
const num = (v) => (v === null || v === undefined ? NaN : Number(v));

const label = {
  'scimd-sqlite': 'scimd SQLite',
  'scimd-pg1': 'scimd PG ×1',
  'scimd-pg2': 'scimd PG ×2',
  'jackson-pg': 'Jackson PG',
  'jackson-mem': 'Jackson mem',
};
const tests = [
  ['create', 'Creates: POST /Users, the preload (requests/s = users/s)'],
  ['filter', '(a) filter `userName eq "user500@example.com"`'],
  ['get-by-id', '(b) GET /Users/{id}'],
];
const ratioCols = [
  ['scimd-pg1', 'jackson-pg'],
  ['scimd-pg2', 'jackson-pg'],
].filter(([a, b]) => configs.includes(a) && configs.includes(b));

const out = [];
const p = (s = '') => out.push(s);

p('## PostgreSQL backend (`bash bench/postgres.sh`, a separate run)');
p();
p(`- date: ${run.start} to ${run.end}; commit ${run.commit}; command \`${run.cmd}\``);
p(`- machine: ${run.cores} cores, ${run.cpu}, ${run.mem}, kernel ${run.kernel}; ${run.node}, ${run.wrk}`);
p(`- load average (1, 5, 15 min): ${run.load_before_wait} when the script started, ${run.load_start} when the measured work started (after waiting ${run.waited} s for the 1-minute load to fall below the threshold), ${run.load_end} at the end. The machine is shared with engineers compiling C++; every figure carries that noise.`);
p(`- PostgreSQL: a private cluster from \`scripts/pg-test-cluster.sh\` on 127.0.0.1 (TCP), default settings: ${run.pg}; one database per configuration.`);
p(`- work, the same for every configuration: creates = ${run.n} Entra-shaped users POSTed at concurrency ${run.preload_c} (\`bench/postgres/preload.js\`, the shared preload's bodies with per-request latency); then (a) and (b), each a ${run.warm} warm-up and a measured \`wrk -t${run.threads} -c${run.conn} -d${run.dur} --latency\`.`);
p(`- scimd PG ×2: two scimd processes on the same database, the work split evenly: two preloads of ${run.n / 2} users at concurrency ${run.preload_c / 2} (prefixes user/userb), two \`wrk -t${run.threads / 2} -c${run.conn / 2}\` at once, one per port; requests/s summed, p50/p99 the worse of the two. scimd's pool is the default 8 connections per process; Jackson's is TypeORM/pg's default (10).`);
p('- Jackson PG is `../shared/bench/peers/jackson.js` unchanged, with `bench/postgres/jackson-pg-hook.js` swapping the library\'s `db` option to `{engine: "sql", type: "postgres", url}` (TypeORM + pg); Jackson mem is the same peer on its in-memory store.');
p('- CPU: utime+stime from /proc during each measured phase, of the server process(es) ("server") and of the PostgreSQL cluster (postmaster + backends + background workers; exited backends through the postmaster\'s cutime/cstime) ("PG"). CPU-ms per request = CPU seconds × 1000 / requests completed in the phase. The load generators (wrk, node preload) run on the same 2 cores and are not counted.');
if (process.env.BENCH_RAW) p(`- raw outputs: [${process.env.BENCH_RAW}](${process.env.BENCH_RAW}) (wrk text and preload JSON per configuration, \`summary.jsonl\`, \`run.json\`, small server logs)`);
p();

for (const [test, title] of tests) {
  p(`### ${title}`);
  p();
  const head = ['', ...configs.map((c) => label[c] || c), ...ratioCols.map(([a, b]) => `${label[a]} / ${label[b]}`)];
  p(`| ${head.join(' | ')} |`);
  p(`|${head.map((_, i) => (i === 0 ? '---' : '---:')).join('|')}|`);
  const rows = [
    ['requests/s', (r) => num(r.rps), 0],
    ['latency p50 (ms)', (r) => num(r.p50_ms), 2],
    ['latency p99 (ms)', (r) => num(r.p99_ms), 2],
    ['server CPU (% of one core)', (r) => num(r.server_cpu_pct), 0],
    ['PG CPU (% of one core)', (r) => num(r.pg_cpu_pct), 0],
    ['server CPU-ms per request', (r) => num(r.server_cpu_ms_per_req), 3],
    ['PG CPU-ms per request', (r) => num(r.pg_cpu_ms_per_req), 3],
    ['server + PG CPU-ms per request', (r) => num(r.server_cpu_ms_per_req) + (r.pg_cpu_ms_per_req === null ? 0 : num(r.pg_cpu_ms_per_req)), 3],
    ['failed / non-2xx', (r) => num(r.non2xx), 0],
  ];
  for (const [name, f, d] of rows) {
    const vals = configs.map((c) => (get(c, test) ? f(get(c, test)) : NaN));
    const ratios = ratioCols.map(([a, b]) => {
      if (name.startsWith('failed')) return '—';
      const ra = get(a, test);
      const rb = get(b, test);
      return ra && rb ? fx(ratio(f(ra), f(rb))) : '—';
    });
    p(`| ${name} | ${vals.map((v) => fmt(v, d)).join(' | ')} | ${ratios.join(' | ')}${ratioCols.length ? ' |' : ''}`.replace(/ \| $/, ' |'));
  }
  p();
}

p('### Memory');
p();
p(`| | ${configs.map((c) => label[c] || c).join(' | ')} |`);
p(`|---|${configs.map(() => '---:').join('|')}|`);
p(`| peak RSS of the server process(es) (MiB) | ${configs.map((c) => fmt(num(rss(c)) / 1024, 1)).join(' | ')} |`);
p();

// Target: scimd on Postgres >= 5x Jackson on Postgres for filter lookups and creates.
if (configs.includes('scimd-pg1') && configs.includes('jackson-pg')) {
  p('### Target: scimd on PostgreSQL ≥ 5× Jackson on PostgreSQL (requests/s, same run)');
  p();
  p('| operation | scimd PG ×1 | Jackson PG | ratio | target | scimd PG ×2 / Jackson PG |');
  p('|---|---:|---:|---:|---|---:|');
  for (const test of ['create', 'filter', 'get-by-id']) {
    const a = get('scimd-pg1', test);
    const b = get('jackson-pg', test);
    const c = get('scimd-pg2', test);
    if (!a || !b) continue;
    const r = ratio(num(a.rps), num(b.rps));
    const verdict = test === 'get-by-id' ? '(not a target)' : r >= 5 ? `**met** (${r.toFixed(2)}× ≥ 5×)` : `**missed** (${r.toFixed(2)}× < 5×)`;
    p(`| ${test} | ${fmt(num(a.rps))} | ${fmt(num(b.rps))} | ${fx(r)} | ${verdict} | ${c ? fx(ratio(num(c.rps), num(b.rps))) : '—'} |`);
  }
  p();
}

// Scaling model inputs: CPU-ms per request in scimd and in PostgreSQL, one and two instances.
if (configs.includes('scimd-pg1')) {
  p('### Scaling model inputs (see docs/deploy-scaling.md)');
  p();
  p('| operation | scimd CPU-ms/req (×1) | PG CPU-ms/req (×1) | scimd CPU-ms/req (×2) | PG CPU-ms/req (×2) | PG share of the total (×1) | k = scimd / PG (×1) |');
  p('|---|---:|---:|---:|---:|---:|---:|');
  for (const test of ['create', 'filter', 'get-by-id']) {
    const a = get('scimd-pg1', test);
    const b = get('scimd-pg2', test) || {};
    if (!a) continue;
    const s = num(a.server_cpu_ms_per_req);
    const g = num(a.pg_cpu_ms_per_req);
    p(`| ${test} | ${fmt(s, 3)} | ${fmt(g, 3)} | ${fmt(num(b.server_cpu_ms_per_req), 3)} | ${fmt(num(b.pg_cpu_ms_per_req), 3)} | ${fmt((100 * g) / (s + g), 0)} % | ${fmt(s / g, 2)} |`);
  }
  p();
  p('Instances at which PostgreSQL\'s CPU saturates, when each scimd instance runs flat out on C cores of its own and the database host has N cores: n* = (N / C) × (scimd CPU-ms/req ÷ PG CPU-ms/req) = (N / C) × k, from the ×1 figures.');
  p();
}

process.stdout.write(out.join('\n') + '\n');
