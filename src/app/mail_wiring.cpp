#include "app/mail_wiring.h"

#include <filesystem>
#include <fstream>

#include "core/time.h"
#include "mail/eml_writer.h"
#include "mail/smtp_sender.h"

namespace scimd::app {

std::string default_mail_dir(const std::string& db_url) {
  constexpr std::string_view kScheme = "sqlite:";
  if (db_url.rfind(kScheme, 0) == 0) {
    const std::string path = db_url.substr(kScheme.size(), db_url.find('?') - kScheme.size());
    return (std::filesystem::path(path).parent_path() / "mail").string();
  }
  return "mail";
}

Result<std::unique_ptr<Background>> Background::start(const MailFlags& flags,
                                                      const std::string& db_url,
                                                      std::shared_ptr<store::Store> store,
                                                      mail::MailerOptions mailer_options) {
  const auto event_retention = parse_duration(flags.event_retention);
  const auto log_retention = parse_duration(flags.log_retention);
  if (!event_retention || !log_retention) {
    return make_error(Errc::invalid_value,
                      "--event-retention and --log-retention must be durations like 90d, 720h");
  }
  std::unique_ptr<mail::Transport> transport;
  auto background = std::make_unique<Background>();
  if (!flags.smtp_url.empty()) {
    if (flags.smtp_url.rfind("smtp://", 0) != 0 && flags.smtp_url.rfind("smtps://", 0) != 0) {
      return make_error(Errc::invalid_value, "--smtp-url must start with smtp:// or smtps://");
    }
    mail::SmtpOptions smtp;
    smtp.url = flags.smtp_url;
    smtp.user = flags.smtp_user;
    smtp.starttls = flags.smtp_starttls;
    if (!flags.smtp_password_file.empty()) {
      std::ifstream in(flags.smtp_password_file);
      if (!in || !std::getline(in, smtp.password)) {
        return make_error(Errc::invalid_value,
                          "--smtp-password-file: cannot read " + flags.smtp_password_file);
      }
      if (!smtp.password.empty() && smtp.password.back() == '\r') smtp.password.pop_back();
    }
    transport = std::make_unique<mail::SmtpSender>(std::move(smtp));
    background->describe_ = "smtp " + flags.smtp_url;
  } else {
    const std::string dir = flags.mail_dir.empty() ? default_mail_dir(db_url) : flags.mail_dir;
    transport = std::make_unique<mail::EmlWriter>(dir, nullptr);
    background->describe_ = ".eml files in " + dir;
  }
  background->mailer_ =
      std::make_unique<mail::Mailer>(store, std::move(transport), std::move(mailer_options));
  background->mailer_->start();
  store::RetentionOptions retention;
  retention.event_retention = *event_retention;
  retention.log_retention = *log_retention;
  background->pruner_ = std::make_unique<store::RetentionPruner>(std::move(store), retention);
  background->pruner_->start();
  return background;
}

void Background::stop() {
  if (mailer_) mailer_->stop();
  if (pruner_) pruner_->stop();
}

}  // namespace scimd::app
