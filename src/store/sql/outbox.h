// The SQLite side of the event outbox: appending a write's events inside its transaction.
#pragma once

#include <string>
#include <vector>

#include "core/result.h"
#include "store/event_builder.h"
#include "store/sql/connection.h"

namespace scimd::store::sql {

// Gives the events the tenant's next sequence numbers and inserts them (in the caller's
// transaction). `when` is the write's time.
Status append_events(Connection& db, TenantId tenant, std::vector<NewEvent>& events,
                     const std::string& when);

}  // namespace scimd::store::sql
