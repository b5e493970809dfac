// Appends events to a tenant's outbox straight through SQL, as a store write would, so tests of
// the outbox's consumers (webhooks, mail) need not depend on which writes emit which events.
#pragma once

#include <string>

#include <gtest/gtest.h>

#include "store/event_builder.h"
#include "store/postgres/pg_connection.h"
#include "store/sqlite/connection.h"

namespace scimd::store::testing {

// A connection of its own to the store named by a URL (sqlite:PATH or postgres://...).
inline Result<std::unique_ptr<sql::Connection>> raw_connection(const std::string& url) {
  if (url.starts_with("sqlite:")) {
    const std::string path = url.substr(7, url.find('?') == std::string::npos
                                                ? std::string::npos
                                                : url.find('?') - 7);
    SCIMD_ASSIGN_OR_RETURN(auto db, sqlite::Connection::open(path, sqlite::Connection::Mode::writer));
    return std::unique_ptr<sql::Connection>(std::move(db));
  }
  SCIMD_ASSIGN_OR_RETURN(auto db, postgres::PgConnection::open(url));
  return std::unique_ptr<sql::Connection>(std::move(db));
}

// Appends `count` events of `type` to tenant `tenant` in the store at `url`; returns the seq
// of the last one. The store may be open: this waits on its write lock (SQLite's, or the
// tenant row's).
inline std::int64_t append_raw_events(const std::string& url, TenantId tenant, int count,
                                      const std::string& type = "user.created") {
  auto db = raw_connection(url);
  EXPECT_TRUE(db.ok()) << (db.ok() ? "" : db.error().detail);
  if (!db.ok()) return 0;
  auto& conn = **db;
  const bool sqlite = conn.dialect() == sql::Dialect::sqlite;
  EXPECT_TRUE(conn.exec(sqlite ? "BEGIN IMMEDIATE" : "BEGIN").ok());
  std::int64_t seq = 0;
  std::string name;
  {
    auto stmt = conn.prepare(std::string("SELECT event_seq, name FROM tenants WHERE id = ?") +
                             (sqlite ? "" : " FOR UPDATE"));
    EXPECT_TRUE(stmt.ok());
    stmt->bind(1, tenant);
    auto row = stmt->step();
    EXPECT_TRUE(row.ok() && *row);
    seq = stmt->column_int(0);
    name = stmt->column_text(1);
  }
  for (int i = 0; i < count; ++i) {
    ++seq;
    const std::string id = new_event_id();
    const std::string time = "2026-01-01T00:00:00.000Z";
    auto insert = conn.prepare(
        "INSERT INTO events (tenant_id, seq, id, type, time, payload) VALUES (?, ?, ?, ?, ?, ?)");
    EXPECT_TRUE(insert.ok());
    insert->bind(1, tenant).bind(2, seq).bind(3, id).bind(4, type).bind(5, time);
    insert->bind(6, event_json(id, seq, type, time, name, boost::json::object{{"n", seq}}));
    EXPECT_TRUE(insert->run().ok());
  }
  auto bump = conn.prepare("UPDATE tenants SET event_seq = ? WHERE id = ?");
  EXPECT_TRUE(bump.ok());
  bump->bind(1, seq).bind(2, tenant);
  EXPECT_TRUE(bump->run().ok());
  EXPECT_TRUE(conn.exec("COMMIT").ok());
  return seq;
}

}  // namespace scimd::store::testing
