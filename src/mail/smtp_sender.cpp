#include "mail/smtp_sender.h"

#include <curl/curl.h>

#include <algorithm>
#include <cstring>
#include <memory>

namespace scimd::mail {

namespace {

struct Upload {
  const std::string* data;
  std::size_t offset = 0;
};

// libcurl pulls the message through this; it does the SMTP dot-stuffing itself.
std::size_t read_message(char* buffer, std::size_t size, std::size_t count, void* user) {
  auto* upload = static_cast<Upload*>(user);
  const std::size_t n = std::min(size * count, upload->data->size() - upload->offset);
  std::memcpy(buffer, upload->data->data() + upload->offset, n);
  upload->offset += n;
  return n;
}

struct CurlDeleter {
  void operator()(CURL* c) const { curl_easy_cleanup(c); }
};
struct SlistDeleter {
  void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};

}  // namespace

SmtpSender::SmtpSender(SmtpOptions options) : options_(std::move(options)) {
  // Thread-safe since libcurl 7.84; before that, calling it once here before the mailer thread
  // starts is what the docs ask for.
  curl_global_init(CURL_GLOBAL_DEFAULT);
}

Status SmtpSender::deliver(const Envelope& envelope) {
  std::unique_ptr<CURL, CurlDeleter> curl(curl_easy_init());
  if (!curl) return make_error(Errc::unavailable, "smtp: curl_easy_init failed");
  CURL* c = curl.get();
  const std::string from = "<" + envelope.mail_from + ">";
  const std::string to = "<" + envelope.rcpt_to + ">";
  std::unique_ptr<curl_slist, SlistDeleter> recipients(curl_slist_append(nullptr, to.c_str()));
  Upload upload{&envelope.message};
  char error_buffer[CURL_ERROR_SIZE] = {0};

  curl_easy_setopt(c, CURLOPT_URL, options_.url.c_str());
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
  if (!options_.user.empty()) {
    curl_easy_setopt(c, CURLOPT_USERNAME, options_.user.c_str());
    curl_easy_setopt(c, CURLOPT_PASSWORD, options_.password.c_str());
  }
  if (options_.starttls) curl_easy_setopt(c, CURLOPT_USE_SSL, static_cast<long>(CURLUSESSL_ALL));
  curl_easy_setopt(c, CURLOPT_MAIL_FROM, from.c_str());
  curl_easy_setopt(c, CURLOPT_MAIL_RCPT, recipients.get());
  curl_easy_setopt(c, CURLOPT_READFUNCTION, read_message);
  curl_easy_setopt(c, CURLOPT_READDATA, &upload);
  curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
  curl_easy_setopt(c, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(envelope.message.size()));
  curl_easy_setopt(c, CURLOPT_TIMEOUT, static_cast<long>(options_.timeout.count()));
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 10L);
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, error_buffer);

  const CURLcode rc = curl_easy_perform(c);
  if (rc == CURLE_OK) return {};
  long reply = 0;
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &reply);
  std::string detail = "smtp: ";
  detail += error_buffer[0] != '\0' ? error_buffer : curl_easy_strerror(rc);
  if (reply != 0) detail += " (reply " + std::to_string(reply) + ")";
  return make_error(Errc::unavailable, std::move(detail));
}

}  // namespace scimd::mail
