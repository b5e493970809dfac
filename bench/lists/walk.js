'use strict';
// Paging latency probe (loopback only, one keep-alive connection, requests in sequence).
//   node walk.js cursor BASE TOKEN PAGES COUNT     walk PAGES pages by RFC 9865 cursor from the first
//   node walk.js index  BASE TOKEN COUNT REPS K1,K2 REPS requests at each startIndex Ki
// Prints one JSON line. Every request has a 60 s timeout and the whole run a DEADLINE_S budget
// (default 300 s); a non-200 answer or a short page is reported, not hidden.
const http = require('node:http');

const [mode, base, token, a1, a2, a3] = process.argv.slice(2);
const url = new URL(base.replace(/\/$/, '') + '/Users');
if (!['127.0.0.1', 'localhost'].includes(url.hostname)) {
  console.error('refusing a non-loopback target');
  process.exit(2);
}
const deadline = Date.now() + 1000 * Number(process.env.DEADLINE_S || 300);
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });

function get(query) {
  return new Promise((resolve) => {
    const t0 = process.hrtime.bigint();
    const req = http.request(
      { agent, hostname: url.hostname, port: url.port, path: `${url.pathname}?${query}`,
        method: 'GET', timeout: 60000, headers: { authorization: `Bearer ${token}` } },
      (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => {
          const ms = Number(process.hrtime.bigint() - t0) / 1e6;
          let body = null;
          try { body = JSON.parse(Buffer.concat(chunks).toString()); } catch {}
          resolve({ status: res.statusCode, ms, body });
        });
      });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', (e) => resolve({ status: 'error', ms: NaN, body: { error: String(e) } }));
    req.end();
  });
}

function stats(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p) => s.length ? s[Math.min(s.length - 1, Math.floor(p * s.length))] : null;
  const r = (v) => (v == null ? null : +v.toFixed(2));
  const mean = s.reduce((x, y) => x + y, 0) / (s.length || 1);
  return { n: s.length, min: r(s[0]), p50: r(q(0.5)), p90: r(q(0.9)), p99: r(q(0.99)),
           max: r(s[s.length - 1]), mean: r(mean) };
}

async function cursorWalk(pages, count) {
  const lat = [];
  const errors = [];
  let cursor = '';
  let seen = 0;
  let total = null;
  for (let p = 0; p < pages && Date.now() < deadline; p++) {
    const r = await get(`count=${count}&cursor=${encodeURIComponent(cursor)}`);
    if (r.status !== 200) { errors.push({ page: p, status: r.status, body: r.body }); break; }
    lat.push(r.ms);
    seen += (r.body.Resources || []).length;
    total = r.body.totalResults;
    if (!r.body.nextCursor) break;
    cursor = r.body.nextCursor;
  }
  const firstTen = stats(lat.slice(0, 10));
  const lastTen = stats(lat.slice(-10));
  return { mode: 'cursor', count, pages: lat.length, resources: seen, totalResults: total,
           latency_ms: stats(lat), first10_mean_ms: firstTen.mean, last10_mean_ms: lastTen.mean,
           errors };
}

async function indexProbe(count, reps, starts) {
  const out = [];
  for (const k of starts) {
    const lat = [];
    let got = null;
    let status = null;
    for (let i = 0; i < reps && Date.now() < deadline; i++) {
      const r = await get(`startIndex=${k}&count=${count}`);
      status = r.status;
      if (r.status !== 200) break;
      lat.push(r.ms);
      got = (r.body.Resources || []).length;
    }
    out.push({ startIndex: k, status, resources: got, latency_ms: stats(lat) });
  }
  return { mode: 'index', count, reps, probes: out };
}

(async () => {
  let res;
  if (mode === 'cursor') res = await cursorWalk(Number(a1), Number(a2));
  else if (mode === 'index') res = await indexProbe(Number(a1), Number(a2), a3.split(',').map(Number));
  else { console.error('mode must be cursor or index'); process.exit(2); }
  agent.destroy();
  console.log(JSON.stringify(res));
})();
