'use strict';
// Group PATCH probe (loopback only, one keep-alive connection, requests in sequence), as Entra
// sends them: per round, add one new member, remove the group's oldest member, and read the
// group without its members (excludedAttributes=members). The group keeps its size.
//   node patch.js BASE TOKEN GROUP_ID MEMBERS_FILE SPARE_FILE REPS [WARMUP]
// MEMBERS_FILE: the group's member ids, oldest first; SPARE_FILE: ids of users not in it (at
// least WARMUP + REPS). Prints one JSON line with latency stats (ms) per request kind. Each
// request has a 30 s timeout and the run a DEADLINE_S budget (default 300 s).
const http = require('node:http');
const fs = require('node:fs');

const [base, token, groupId, membersFile, spareFile, repsArg, warmArg] = process.argv.slice(2);
const reps = Number(repsArg);
const warmup = Number(warmArg || 20);
const url = new URL(base.replace(/\/$/, ''));
if (!['127.0.0.1', 'localhost'].includes(url.hostname)) {
  console.error('refusing a non-loopback target');
  process.exit(2);
}
const lines = (f) => fs.readFileSync(f, 'utf8').split('\n').filter(Boolean);
const queue = lines(membersFile);
const spare = lines(spareFile);
if (spare.length < reps + warmup || queue.length === 0) {
  console.error(`need ${reps + warmup} spare ids (have ${spare.length}) and a member`);
  process.exit(2);
}
const deadline = Date.now() + 1000 * Number(process.env.DEADLINE_S || 300);
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
const groupPath = `${url.pathname}/Groups/${groupId}`;

function send(method, path, body) {
  return new Promise((resolve) => {
    const t0 = process.hrtime.bigint();
    const headers = { authorization: `Bearer ${token}` };
    if (body) headers['content-type'] = 'application/scim+json';
    const req = http.request({ agent, hostname: url.hostname, port: url.port, path, method,
                               timeout: 30000, headers }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode,
                                    ms: Number(process.hrtime.bigint() - t0) / 1e6,
                                    body: Buffer.concat(chunks).toString() }));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', (e) => resolve({ status: 'error', ms: NaN, body: String(e) }));
    req.end(body ? JSON.stringify(body) : undefined);
  });
}

const memberPatch = (op, id) => ({
  schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
  Operations: [{ op, path: 'members', value: [{ value: id }] }],
});

function stats(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p) => (s.length ? s[Math.min(s.length - 1, Math.floor(p * s.length))] : null);
  const r = (v) => (v == null ? null : +v.toFixed(3));
  return { n: s.length, p50: r(q(0.5)), p90: r(q(0.9)), p99: r(q(0.99)), max: r(s[s.length - 1]),
           mean: r(s.reduce((a, b) => a + b, 0) / (s.length || 1)) };
}

async function members(filterValue) {
  const f = encodeURIComponent(`id eq "${groupId}" and members.value eq "${filterValue}"`);
  const r = await send('GET', `${url.pathname}/Groups?count=0&filter=${f}`);
  try { return JSON.parse(r.body).totalResults; } catch { return `status ${r.status}`; }
}

async function main() {
  const lat = { add: [], remove: [], get: [] };
  const errors = [];
  const expect = (kind, r, status) => {
    if (r.status !== status && errors.length < 5) errors.push({ kind, status: r.status, body: r.body.slice(0, 200) });
  };
  let removedLast = null;
  for (let i = 0; i < warmup + reps && Date.now() < deadline; i++) {
    const added = spare[i];
    const a = await send('PATCH', groupPath, memberPatch('add', added));
    expect('add', a, 204);
    removedLast = queue.shift();
    const d = await send('PATCH', groupPath, memberPatch('remove', removedLast));
    expect('remove', d, 204);
    queue.push(added);
    const g = await send('GET', `${groupPath}?excludedAttributes=members`);
    expect('get', g, 200);
    if (i >= warmup) { lat.add.push(a.ms); lat.remove.push(d.ms); lat.get.push(g.ms); }
  }
  // The last added id is a member and the last removed one is not (a 204 alone proves neither).
  const verify = { last_added_found: await members(queue[queue.length - 1]),
                   last_removed_found: await members(removedLast) };
  console.log(JSON.stringify({ group: groupId, reps: lat.add.length, warmup,
                               add_ms: stats(lat.add), remove_ms: stats(lat.remove),
                               get_ms: stats(lat.get), verify, errors }));
}
main();
