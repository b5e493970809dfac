// The provisioning log: one entry per SCIM request of a known tenant (who called, what, the
// status, the SCIM error, how long it took), kept by the store for the admin API.
//
// Recording never blocks or slows a request: entries go to a bounded in-memory queue that a
// background thread writes to the store in batches (one transaction each). When the queue is
// full (the store is slower than the traffic for a long while) entries are dropped and counted,
// with a warning; destroying the log writes what is still queued.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "api/request.h"
#include "store/store.h"

namespace scimd::api {

// "entra", "okta" or "other", from the User-Agent ("Okta SCIM Client 1.0.0"; Microsoft's
// provisioning service is often seen without one) and, failing that, from Entra's request
// shape: the aadOptscim062020 flag in the query, its ADSCIM group schema URI, or PATCH
// operations spelled "Add"/"Replace"/"Remove".
std::string detect_client(const Request& request);

struct ProvisioningLogOptions {
  std::size_t capacity = 10000;  // queued entries before new ones are dropped
  std::size_t batch = 500;       // entries per store transaction
  // How long the writer waits for a batch to fill before writing a partial one. Under load
  // every request would otherwise wake it and cost a durable transaction of a few entries.
  std::chrono::milliseconds linger{200};
  bool start = true;             // false: no writer thread until start() (tests)
};

class ProvisioningLog {
 public:
  explicit ProvisioningLog(std::shared_ptr<store::Store> store, ProvisioningLogOptions options = {});
  ~ProvisioningLog();  // writes what is queued, then stops
  ProvisioningLog(const ProvisioningLog&) = delete;
  ProvisioningLog& operator=(const ProvisioningLog&) = delete;

  // Queues the entry for one SCIM request. `tenant_id` 0: authentication failed; the entry is
  // kept (status 401) only if `tenant_name` names an existing tenant. Never blocks.
  void record(const Request& request, const Response& response, store::TenantId tenant_id,
              std::string_view tenant_name, std::chrono::steady_clock::time_point started);

  void start();
  // Waits (at most `timeout`) until everything queued before the call is written.
  bool flush(std::chrono::milliseconds timeout = std::chrono::seconds(10));
  std::uint64_t dropped() const;

 private:
  struct Item {
    store::ProvisioningEntry entry;
    std::string tenant_name;  // resolved by the writer when entry.tenant_id is 0
    std::string error_body;   // parsed by the writer for scimType and detail
  };
  void run();
  void write(std::deque<Item>& batch);

  std::shared_ptr<store::Store> store_;
  ProvisioningLogOptions options_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::condition_variable written_;
  std::deque<Item> queue_;
  std::uint64_t enqueued_ = 0;
  std::uint64_t done_ = 0;  // written or given up
  std::uint64_t dropped_ = 0;
  bool stopping_ = false;
  bool flush_requested_ = false;  // flush() waits: write without lingering
  std::thread thread_;
};

}  // namespace scimd::api
