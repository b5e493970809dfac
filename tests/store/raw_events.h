// Appends events to a tenant's outbox straight through SQL, as a store write would, so tests of
// the outbox's consumers (webhooks, mail) need not depend on which writes emit which events.
#pragma once

#include <string>

#include <gtest/gtest.h>

#include "store/event_builder.h"
#include "store/sqlite/connection.h"

namespace scimd::store::testing {

// Appends `count` events of `type` to tenant `tenant` in the SQLite file at `path`; returns the
// seq of the last one. The store's own writer may be open: this waits on its lock (WAL).
inline std::int64_t append_raw_events(const std::string& path, TenantId tenant, int count,
                                      const std::string& type = "user.created") {
  auto db = sqlite::Connection::open(path, sqlite::Connection::Mode::writer);
  EXPECT_TRUE(db.ok()) << (db.ok() ? "" : db.error().detail);
  if (!db.ok()) return 0;
  auto& conn = **db;
  EXPECT_TRUE(conn.exec("BEGIN IMMEDIATE").ok());
  std::int64_t seq = 0;
  std::string name;
  {
    auto stmt = conn.prepare("SELECT event_seq, name FROM tenants WHERE id = ?");
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
