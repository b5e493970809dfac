'use strict';
// Runs the shared Jackson peer (../shared/bench/peers/jackson.js, unchanged) on PostgreSQL:
//   JACKSON_PG_URL=postgres://user@127.0.0.1:PORT/db JACKSON_DB=mem \
//     node -r bench/postgres/jackson-pg-hook.js ../shared/bench/peers/jackson.js
// jackson.js only knows mem and sqlite, so this preload module wraps the library's
// controllers() and swaps its `db` option for Jackson's own `sql` engine with type postgres
// (TypeORM + pg, the engine a Polis/Dub deployment on Postgres uses). Everything else, the
// HTTP server and the request handling, is jackson.js as the other Jackson peers run it.
// (jackson.js still prints engine "mem" in its ready line; this hook prints its own line first.)
const Module = require('node:module');

const PG_URL = process.env.JACKSON_PG_URL;
if (!PG_URL) throw new Error('jackson-pg-hook: set JACKSON_PG_URL');
const LIB = '@boxyhq/saml-jackson';

const realLoad = Module._load;
let wrapped = null;
Module._load = function load(request, parent, isMain) {
  const exported = realLoad.apply(this, arguments);
  if (request !== LIB) return exported;
  if (!wrapped) {
    wrapped = Object.assign({}, exported, {
      controllers: (opts) => {
        const db = { engine: 'sql', type: 'postgres', url: PG_URL };
        console.error(`jackson-pg-hook: db ${JSON.stringify({ ...db, url: PG_URL.replace(/:[^:@/]*@/, ':***@') })} (was ${JSON.stringify(opts.db)})`);
        return exported.controllers({ ...opts, db });
      },
    });
  }
  return wrapped;
};
