'use strict';
// The creates of bench/postgres.sh: POST N Entra-shaped users, as ../shared/bench/peers/preload.js
// does (same bodies, keep-alive, C concurrent connections, 10 s per-request timeout, loopback
// only), plus the latency of every POST so creates get a p50/p99 like the wrk runs.
// Usage: node preload.js BASE_URL TOKEN [N=10000] [CONCURRENCY=16] [PREFIX=user]
// Prints one JSON line: {n, concurrency, ok, failed, statusCounts, seconds, usersPerSec,
// p50_ms, p90_ms, p99_ms, max_ms, ids:{0, 500, N-1}}.
const http = require('node:http');

const [base, token, nArg, cArg, prefixArg] = process.argv.slice(2);
if (!base || !token) {
  console.error('usage: node preload.js BASE_URL TOKEN [N] [CONCURRENCY] [PREFIX]');
  process.exit(2);
}
const url = new URL(base.replace(/\/$/, '') + '/Users');
if (!['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname)) {
  console.error('refusing a non-loopback target');
  process.exit(2);
}
const N = Number(nArg || 10000);
const C = Number(cArg || 16);
const PREFIX = prefixArg || 'user';
const agent = new http.Agent({ keepAlive: true, maxSockets: C });

// Identical to the shared preload.js body, so every server gets the same work.
function body(i) {
  const u = `${PREFIX}${i}@example.com`;
  return JSON.stringify({
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:User', 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User'],
    externalId: `ext-${PREFIX}${i}`,
    userName: u,
    active: true,
    displayName: `User ${i}`,
    name: { formatted: `User ${i}`, familyName: `Family${i}`, givenName: 'User' },
    emails: [{ primary: true, type: 'work', value: u }],
    title: 'Engineer',
    'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User': { department: `Dept${i % 50}` },
  });
}

function post(i) {
  return new Promise((resolve) => {
    const data = body(i);
    const req = http.request(
      {
        agent,
        hostname: url.hostname.replace(/^\[|\]$/g, ''),
        port: url.port,
        path: url.pathname,
        method: 'POST',
        timeout: 10000,
        headers: {
          authorization: `Bearer ${token}`,
          'content-type': 'application/scim+json',
          'content-length': Buffer.byteLength(data),
        },
      },
      (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => {
          let id;
          try {
            id = JSON.parse(Buffer.concat(chunks).toString()).id;
          } catch {}
          resolve({ status: res.statusCode, id });
        });
      }
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', () => resolve({ status: 'error' }));
    req.end(data);
  });
}

const pct = (sorted, p) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] : null);

(async () => {
  const statusCounts = {};
  const ids = {};
  const keep = new Set([0, 500, N - 1]);
  const latencies = [];
  let next = 0;
  let ok = 0;
  const t0 = process.hrtime.bigint();
  async function worker() {
    while (next < N) {
      const i = next++;
      const s = process.hrtime.bigint();
      const r = await post(i);
      latencies.push(Number(process.hrtime.bigint() - s) / 1e6);
      statusCounts[r.status] = (statusCounts[r.status] || 0) + 1;
      if (r.status === 201) ok++;
      if (keep.has(i)) ids[i] = r.id;
    }
  }
  await Promise.all(Array.from({ length: Math.min(C, N) }, worker));
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const r2 = (v) => (v === null ? null : +v.toFixed(2));
  console.log(
    JSON.stringify({
      n: N,
      concurrency: C,
      ok,
      failed: N - ok,
      statusCounts,
      seconds: +seconds.toFixed(3),
      usersPerSec: +(ok / seconds).toFixed(1),
      p50_ms: r2(pct(latencies, 50)),
      p90_ms: r2(pct(latencies, 90)),
      p99_ms: r2(pct(latencies, 99)),
      max_ms: r2(latencies[latencies.length - 1] ?? null),
      ids,
    })
  );
})();
