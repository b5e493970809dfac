'use strict';
// Startup probe (loopback only): starts `scimd serve` RUNS times on one database and measures,
// from the spawn, the first 200 from /healthz and then the first 200 from a SCIM GET
// (PATH under the tenant's SCIM base, e.g. a userName lookup: what Entra sends first), polling
// every 2 ms; reads the server's RSS once it answers, then stops it.
//   node startup.js SCIMD_BIN DB_URL PORT TENANT TOKEN RUNS PATH
// Prints one JSON line. Each run has a 60 s budget; the child is killed on every exit path.
const http = require('node:http');
const fs = require('node:fs');
const { spawn } = require('node:child_process');

const [bin, db, port, tenant, token, runsArg, scimPath] = process.argv.slice(2);
const runs = Number(runsArg || 3);
let child = null;
const stop = () => { if (child && child.exitCode === null) child.kill('SIGKILL'); };
process.on('exit', stop);
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => { stop(); process.exit(130); });

function get(path, headers) {
  return new Promise((resolve) => {
    const req = http.get({ hostname: '127.0.0.1', port, path, headers, timeout: 5000, agent: false },
      (res) => { res.resume(); res.on('end', () => resolve(res.statusCode)); });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', () => resolve(0));
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const msSince = (t0) => Number(process.hrtime.bigint() - t0) / 1e6;

async function until(path, headers, t0, budgetMs) {
  while (msSince(t0) < budgetMs) {
    if (await get(path, headers) === 200) return +msSince(t0).toFixed(1);
    if (child.exitCode !== null) throw new Error(`scimd exited with ${child.exitCode}`);
    await sleep(2);
  }
  throw new Error(`no 200 from ${path} within ${budgetMs} ms`);
}

function rssKiB(pid) {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number((/VmRSS:\s+(\d+)/.exec(status) || [])[1]);
}

async function once() {
  const t0 = process.hrtime.bigint();
  child = spawn(bin, ['serve', '--db', db, '--listen', `127.0.0.1:${port}`,
                      '--public-url', `http://127.0.0.1:${port}`], { stdio: 'ignore' });
  try {
    const healthz = await until('/healthz', {}, t0, 60000);
    const scim = await until(`/scim/v2/${tenant}${scimPath}`,
                             { authorization: `Bearer ${token}` }, t0, 60000);
    return { healthz_ms: healthz, scim_get_ms: scim, rss_kib: rssKiB(child.pid) };
  } finally {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
  }
}

(async () => {
  const out = [];
  for (let i = 0; i < runs; i++) out.push(await once());
  const median = (k) => [...out.map((r) => r[k])].sort((a, b) => a - b)[Math.floor(out.length / 2)];
  console.log(JSON.stringify({ runs: out, healthz_ms_median: median('healthz_ms'),
                               scim_get_ms_median: median('scim_get_ms'),
                               rss_kib_median: median('rss_kib') }));
})().catch((e) => { console.error(String(e)); stop(); process.exit(1); });
