#include "api/provisioning_log.h"

#include <spdlog/spdlog.h>

#include "core/text.h"
#include "core/time.h"

namespace scimd::api {

namespace {

bool icontains(std::string_view haystack, std::string_view needle) {
  return to_lower(haystack).find(to_lower(needle)) != std::string::npos;
}

// Error bodies are small; a bound keeps a queue of 10k entries small too.
constexpr std::size_t kMaxErrorBody = 4096;

// The path's segments after /scim/v2/{tenant}/{Users|Groups}/: the resource id, if any.
std::string resource_id_from_path(std::string_view path) {
  std::vector<std::string_view> segments;
  std::size_t pos = 0;
  while (pos < path.size()) {
    const std::size_t next = path.find('/', pos);
    const std::size_t end = next == std::string_view::npos ? path.size() : next;
    if (end > pos) segments.push_back(path.substr(pos, end - pos));
    pos = end + 1;
  }
  if (segments.size() == 5 && (iequals(segments[3], "Users") || iequals(segments[3], "Groups")) &&
      segments[4] != ".search") {
    return std::string(segments[4]);
  }
  return {};
}

std::string header_of(const Response& response, std::string_view name) {
  for (const auto& [key, value] : response.headers) {
    if (iequals(key, name)) return value;
  }
  return {};
}

}  // namespace

std::string detect_client(const Request& request) {
  const std::string_view agent = request.header("user-agent");
  if (icontains(agent, "okta")) return "okta";
  if (icontains(agent, "microsoft") || icontains(agent, "azure") || icontains(agent, "entra")) {
    return "entra";
  }
  if (icontains(request.target, "aadoptscim062020")) return "entra";
  if (request.body.find("schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM") !=
      std::string::npos) {
    return "entra";
  }
  if (request.method == "PATCH") {
    for (std::string_view op : {"\"Add\"", "\"Replace\"", "\"Remove\""}) {
      if (request.body.find(op) != std::string::npos) return "entra";
    }
  }
  return "other";
}

ProvisioningLog::ProvisioningLog(std::shared_ptr<store::Store> store,
                                 ProvisioningLogOptions options)
    : store_(std::move(store)), options_(options) {
  if (options_.start) start();
}

ProvisioningLog::~ProvisioningLog() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) {
    thread_.join();
  } else if (!queue_.empty()) {
    write(queue_);  // never started (tests): still keep what was recorded
  }
}

void ProvisioningLog::start() {
  if (!thread_.joinable()) thread_ = std::thread([this] { run(); });
}

void ProvisioningLog::record(const Request& request, const Response& response,
                             store::TenantId tenant_id, std::string_view tenant_name,
                             std::chrono::steady_clock::time_point started) {
  if (tenant_id == 0 && response.status != 401) return;  // no tenant to file it under
  Item item;
  store::ProvisioningEntry& e = item.entry;
  e.tenant_id = tenant_id;
  e.time = format_time(std::chrono::system_clock::now());
  e.client = detect_client(request);
  e.method = request.method;
  e.path = request.target.substr(0, request.target.find('?'));
  e.resource_id = resource_id_from_path(e.path);
  if (response.status == 201 && e.resource_id.empty()) {
    // The new resource's id is the last segment of its Location.
    const std::string location = header_of(response, "location");
    const auto slash = location.rfind('/');
    if (slash != std::string::npos) e.resource_id = location.substr(slash + 1);
  }
  e.status = response.status;
  e.latency_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
  e.request_id = request.request_id;
  if (response.status >= 400) item.error_body = response.body.substr(0, kMaxErrorBody);
  item.tenant_name = std::string(tenant_name);

  std::uint64_t dropped = 0;
  bool wake = false;
  {
    std::lock_guard lock(mutex_);
    if (queue_.size() >= options_.capacity) {
      dropped = ++dropped_;
    } else {
      queue_.push_back(std::move(item));
      ++enqueued_;
      // The writer needs a signal only to start lingering, or to stop once a batch is full.
      wake = queue_.size() == 1 || queue_.size() == options_.batch;
    }
  }
  if (wake) {
    wake_.notify_one();
  } else if (dropped != 0 && (dropped == 1 || dropped % 1000 == 0)) {
    spdlog::warn("provisioning log: queue full ({} entries); {} entries dropped so far",
                 options_.capacity, dropped);
  }
}

bool ProvisioningLog::flush(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  const std::uint64_t target = enqueued_;
  flush_requested_ = true;
  wake_.notify_one();
  return written_.wait_for(lock, timeout, [&] { return done_ >= target; });
}

std::uint64_t ProvisioningLog::dropped() const {
  std::lock_guard lock(mutex_);
  return dropped_;
}

void ProvisioningLog::run() {
  while (true) {
    std::deque<Item> batch;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, and everything is written
      wake_.wait_for(lock, options_.linger, [&] {
        return stopping_ || flush_requested_ || queue_.size() >= options_.batch;
      });
      if (queue_.size() <= options_.batch) flush_requested_ = false;  // this batch takes all
      const std::size_t n = std::min(queue_.size(), options_.batch);
      batch.insert(batch.end(), std::make_move_iterator(queue_.begin()),
                   std::make_move_iterator(queue_.begin() + static_cast<std::ptrdiff_t>(n)));
      queue_.erase(queue_.begin(), queue_.begin() + static_cast<std::ptrdiff_t>(n));
    }
    const std::size_t n = batch.size();
    write(batch);
    {
      std::lock_guard lock(mutex_);
      done_ += n;
    }
    written_.notify_all();
  }
}

void ProvisioningLog::write(std::deque<Item>& batch) {
  std::vector<store::ProvisioningEntry> entries;
  entries.reserve(batch.size());
  for (Item& item : batch) {
    store::ProvisioningEntry& e = item.entry;
    if (e.tenant_id == 0) {  // a 401: file it under the tenant the URL named, if it exists
      auto tenant = store_->find_tenant(item.tenant_name);
      if (!tenant.ok()) continue;
      e.tenant_id = tenant->id;
    }
    if (!item.error_body.empty()) {
      boost::system::error_code ec;
      const boost::json::value body = boost::json::parse(item.error_body, ec);
      if (!ec && body.is_object()) {
        const auto& o = body.get_object();
        if (const auto* t = o.if_contains("scimType"); t && t->is_string())
          e.scim_type = t->get_string();
        if (const auto* d = o.if_contains("detail"); d && d->is_string())
          e.detail = d->get_string();
      }
    }
    entries.push_back(std::move(e));
  }
  if (auto r = store_->append_provisioning(entries); !r.ok()) {
    spdlog::warn("provisioning log: {} entries lost: {}", entries.size(), r.error().detail);
  }
}

}  // namespace scimd::api
