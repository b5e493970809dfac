// The serve command's background work beside the server that is not webhooks: the invitation
// mailer (SMTP or .eml files) and retention pruning, built from the serve flags.
#pragma once

#include <memory>
#include <string>

#include "core/result.h"
#include "mail/mailer.h"
#include "store/retention.h"
#include "store/store.h"

namespace scimd::app {

struct MailFlags {
  std::string smtp_url;            // --smtp-url: smtp://host:port or smtps://host:port
  std::string smtp_user;           // --smtp-user
  std::string smtp_password_file;  // --smtp-password-file (first line; trailing newline dropped)
  bool smtp_starttls = false;      // --smtp-starttls: require STARTTLS on smtp://
  std::string mail_dir;            // --mail-dir: .eml files when no --smtp-url
  std::string event_retention = "90d";  // --event-retention
  std::string log_retention = "30d";    // --log-retention
};

// "mail" beside the SQLite file of a "sqlite:PATH" store URL; "./mail" otherwise.
std::string default_mail_dir(const std::string& db_url);

class Background {
 public:
  // Errors: invalid_value naming the flag (bad URL scheme, unreadable password file, bad
  // duration).
  // `mailer_options` carries the instance id and lease TTL shared with webhook delivery.
  static Result<std::unique_ptr<Background>> start(const MailFlags& flags,
                                                   const std::string& db_url,
                                                   std::shared_ptr<store::Store> store,
                                                   mail::MailerOptions mailer_options);
  void stop();  // the mailer finishes the message it is sending
  std::string describe() const { return describe_; }

 private:
  std::unique_ptr<mail::Mailer> mailer_;
  std::unique_ptr<store::RetentionPruner> pruner_;
  std::string describe_;
};

}  // namespace scimd::app
