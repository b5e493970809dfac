// Where a built invitation goes: an SMTP server (smtp_sender.h) or a directory of .eml files
// (eml_writer.h). The mailer retries whatever a transport reports as a failure.
#pragma once

#include <string>

#include "core/result.h"

namespace scimd::mail {

struct Envelope {
  std::string mail_from;  // bare address (MAIL FROM)
  std::string rcpt_to;    // bare address (RCPT TO)
  std::string event_id;   // names the .eml file
  std::string message;    // RFC 5322 bytes, CRLF line endings
};

class Transport {
 public:
  virtual ~Transport() = default;
  // Errors: unavailable with a detail the mail log shows (SMTP reply, connection error, I/O).
  virtual Status deliver(const Envelope& envelope) = 0;
  // The mail log's outcome on success: "sent" (SMTP) or "written" (.eml).
  virtual std::string success_outcome() const = 0;
};

}  // namespace scimd::mail
