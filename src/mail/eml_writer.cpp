#include "mail/eml_writer.h"

#include <cctype>
#include <cerrno>
#include <cstring>
#include <fstream>

namespace scimd::mail {

namespace {

// "2026-12-02T01:35:43.123Z" -> "20261202T013543123Z": sortable and safe in every file system.
std::string file_time(TimePoint t) {
  std::string out;
  for (const char c : format_time(t)) {
    if (c != '-' && c != ':' && c != '.') out += c;
  }
  return out;
}

// Event ids are "evt_" + hex; anything else is replaced so a name never leaves the directory.
std::string file_safe(std::string_view id) {
  std::string out(id);
  for (char& c : out) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '-') c = '_';
  }
  return out;
}

}  // namespace

EmlWriter::EmlWriter(std::filesystem::path dir, std::shared_ptr<const Clock> clock)
    : dir_(std::move(dir)), clock_(clock ? std::move(clock) : std::make_shared<SystemClock>()) {}

Status EmlWriter::deliver(const Envelope& envelope) {
  std::error_code ec;
  std::filesystem::create_directories(dir_, ec);
  if (ec) {
    return make_error(Errc::unavailable, "mail dir " + dir_.string() + ": " + ec.message());
  }
  const std::string name = file_time(clock_->now()) + "-" + file_safe(envelope.event_id) + ".eml";
  const std::filesystem::path final_path = dir_ / name;
  const std::filesystem::path temp_path = dir_ / ("." + name + ".tmp");
  {
    std::ofstream out(temp_path, std::ios::binary | std::ios::trunc);
    out.write(envelope.message.data(), static_cast<std::streamsize>(envelope.message.size()));
    out.close();
    if (!out) {
      const std::string why = std::strerror(errno);
      std::filesystem::remove(temp_path, ec);
      return make_error(Errc::unavailable, "cannot write " + temp_path.string() + ": " + why);
    }
  }
  std::filesystem::rename(temp_path, final_path, ec);
  if (ec) {
    std::filesystem::remove(temp_path, ec);
    return make_error(Errc::unavailable, "cannot rename to " + final_path.string() + ": " +
                                             ec.message());
  }
  return {};
}

}  // namespace scimd::mail
