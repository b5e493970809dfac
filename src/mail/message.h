// One invitation as an RFC 5322 message: the same bytes go to the SMTP server and to .eml
// files. Headers are ASCII (non-ASCII text RFC 2047-encoded, CR/LF stripped from values), the
// body is UTF-8 in quoted-printable, lines end in CRLF.
#pragma once

#include <string>
#include <string_view>

#include "core/time.h"

namespace scimd::mail {

struct MessageParts {
  std::string from;        // "Name <addr>" or "addr" (from the tenant's settings)
  std::string to;          // the recipient's address
  std::string subject;     // rendered, UTF-8
  std::string body;        // rendered, UTF-8
  std::string message_id;  // without angle brackets, e.g. "evt_…@acme.test"
  TimePoint date;
};

// The whole message, headers and body, CRLF line endings.
std::string build_message(const MessageParts& parts);

// The bare address of "Name <addr>" or "addr"; "" if it is not one (no '@', spaces, CR/LF).
std::string mailbox_address(std::string_view mailbox);

// RFC 2047 "B" encoded-words for text with non-ASCII bytes (or "=?"); ASCII text unchanged.
// Encoded words stay within 75 characters and never split a UTF-8 sequence.
std::string encode_header_text(std::string_view utf8);

// Quoted-printable (RFC 2045): lines of at most 76 characters, CRLF hard breaks.
std::string quoted_printable(std::string_view utf8);

// "Wed, 02 Dec 2026 01:35:43 +0000".
std::string rfc5322_date(TimePoint t);

}  // namespace scimd::mail
