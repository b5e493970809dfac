#include "mail/message.h"

#include <time.h>

#include <array>

#include "core/crypto.h"
#include "mail/template.h"

namespace scimd::mail {

namespace {

constexpr std::string_view kCrlf = "\r\n";

bool needs_encoding(std::string_view text) {
  for (const char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (u >= 0x80 || u < 0x20 || u == 0x7f) return true;
  }
  return text.find("=?") != std::string_view::npos;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// The display-name part of a From header: encoded if non-ASCII, quoted if it has specials.
std::string display_name(std::string_view name) {
  if (needs_encoding(name)) return encode_header_text(name);
  if (name.find_first_of("()<>[]:;@\\,.\"") == std::string_view::npos) return std::string(name);
  std::string quoted = "\"";
  for (const char c : name) {
    if (c == '"' || c == '\\') quoted += '\\';
    quoted += c;
  }
  return quoted + "\"";
}

std::string format_mailbox(std::string_view mailbox) {
  const std::string address = mailbox_address(mailbox);
  const auto lt = mailbox.find('<');
  const std::string_view name = lt == std::string_view::npos ? "" : trim(mailbox.substr(0, lt));
  if (name.empty()) return address;
  return display_name(header_safe(name)) + " <" + address + ">";
}

}  // namespace

std::string mailbox_address(std::string_view mailbox) {
  std::string_view addr = trim(mailbox);
  const auto lt = addr.find('<');
  if (lt != std::string_view::npos) {
    const auto gt = addr.find('>', lt);
    if (gt == std::string_view::npos || gt + 1 != addr.size()) return {};
    addr = addr.substr(lt + 1, gt - lt - 1);
  }
  const auto at = addr.find('@');
  if (addr.empty() || at == std::string_view::npos || at == 0 || at + 1 == addr.size()) return {};
  for (const char c : addr) {
    const auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u >= 0x7f || c == '<' || c == '>' || c == ',' || c == '"') return {};
  }
  return std::string(addr);
}

std::string encode_header_text(std::string_view utf8) {
  if (!needs_encoding(utf8)) return std::string(utf8);
  // "=?UTF-8?B?" + 60 base64 characters + "?=" is 72 <= 75; 60 characters carry 45 bytes.
  constexpr std::size_t kMaxBytes = 45;
  std::string out;
  std::size_t pos = 0;
  while (pos < utf8.size()) {
    std::size_t end = std::min(utf8.size(), pos + kMaxBytes);
    // Back off to a character boundary (never cut a UTF-8 continuation byte off its lead).
    while (end < utf8.size() && end > pos + 1 &&
           (static_cast<unsigned char>(utf8[end]) & 0xC0) == 0x80) {
      --end;
    }
    if (!out.empty()) out += "\r\n ";
    out += "=?UTF-8?B?" + crypto::base64(utf8.substr(pos, end - pos)) + "?=";
    pos = end;
  }
  return out;
}

std::string quoted_printable(std::string_view utf8) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  std::size_t start = 0;
  while (start <= utf8.size()) {
    std::size_t nl = utf8.find('\n', start);
    if (nl == std::string_view::npos) nl = utf8.size();
    std::string_view line = utf8.substr(start, nl - start);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    std::size_t width = 0;
    for (std::size_t i = 0; i < line.size(); ++i) {
      const auto u = static_cast<unsigned char>(line[i]);
      const bool last = i + 1 == line.size();
      std::string piece;
      // Trailing white space would be eaten by transports; '=' and non-printables are encoded.
      if ((u >= 33 && u <= 126 && u != '=') || ((u == ' ' || u == '\t') && !last)) {
        piece = std::string(1, static_cast<char>(u));
      } else {
        piece = {'=', kHex[u >> 4], kHex[u & 0x0F]};
      }
      if (width + piece.size() > 75) {  // leaves room for the soft break's '='
        out += "=";
        out += kCrlf;
        width = 0;
      }
      out += piece;
      width += piece.size();
    }
    if (nl == utf8.size()) break;
    out += kCrlf;
    start = nl + 1;
  }
  return out;
}

std::string rfc5322_date(TimePoint t) {
  const std::time_t secs = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  static constexpr std::array<const char*, 7> kDays = {"Sun", "Mon", "Tue", "Wed",
                                                       "Thu", "Fri", "Sat"};
  static constexpr std::array<const char*, 12> kMonths = {"Jan", "Feb", "Mar", "Apr",
                                                          "May", "Jun", "Jul", "Aug",
                                                          "Sep", "Oct", "Nov", "Dec"};
  char buf[64];
  std::snprintf(buf, sizeof buf, "%s, %02d %s %04d %02d:%02d:%02d +0000", kDays[tm.tm_wday],
                tm.tm_mday, kMonths[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min,
                tm.tm_sec);
  return buf;
}

std::string build_message(const MessageParts& parts) {
  std::string m;
  m += "Date: " + rfc5322_date(parts.date) + std::string(kCrlf);
  m += "Message-ID: <" + header_safe(parts.message_id) + ">" + std::string(kCrlf);
  m += "From: " + format_mailbox(parts.from) + std::string(kCrlf);
  m += "To: " + mailbox_address(parts.to) + std::string(kCrlf);
  m += "Subject: " + encode_header_text(header_safe(parts.subject)) + std::string(kCrlf);
  m += "MIME-Version: 1.0" + std::string(kCrlf);
  m += "Content-Type: text/plain; charset=utf-8" + std::string(kCrlf);
  m += "Content-Transfer-Encoding: quoted-printable" + std::string(kCrlf);
  m += kCrlf;
  m += quoted_printable(parts.body);
  m += kCrlf;
  return m;
}

}  // namespace scimd::mail
