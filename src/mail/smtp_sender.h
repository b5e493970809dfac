// Sends invitations through an SMTP server with libcurl: smtp://host:port (optionally
// upgraded with STARTTLS, required when `starttls`) or smtps://host:port (implicit TLS).
#pragma once

#include <chrono>
#include <string>

#include "mail/transport.h"

namespace scimd::mail {

struct SmtpOptions {
  std::string url;  // "smtp://mail.example.com:587" or "smtps://mail.example.com:465"
  std::string user;
  std::string password;  // read from --smtp-password-file
  bool starttls = false;  // CURLUSESSL_ALL: refuse to send in clear text
  std::chrono::seconds timeout{30};
};

class SmtpSender final : public Transport {
 public:
  explicit SmtpSender(SmtpOptions options);
  // Errors: unavailable naming the SMTP reply code or the connection error.
  Status deliver(const Envelope& envelope) override;
  std::string success_outcome() const override { return "sent"; }

 private:
  SmtpOptions options_;
};

}  // namespace scimd::mail
