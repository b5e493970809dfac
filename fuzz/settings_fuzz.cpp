// libFuzzer target: the product-side settings parsers — invitation settings and templates,
// the group→role mapping and webhook endpoint specs — take any JSON (or any template text)
// and either accept it or refuse it with invalid_value, never anything else and never a crash;
// an accepted template renders.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include <boost/json.hpp>

#include "delivery/webhook_spec.h"
#include "mail/invitation.h"
#include "mail/template.h"
#include "store/roles.h"

namespace {

template <class R>
void expect_ok_or_invalid_value(const R& result) {
  if (!result.ok() && result.error().code != scimd::Errc::invalid_value) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  if (scimd::mail::check_template(text, "body").ok()) {
    (void)scimd::mail::render_template(text, {{"userName", "ada"}, {"tenant", "acme"}});
  } else if (scimd::mail::check_template(text, "body").error().code != scimd::Errc::invalid_value) {
    __builtin_trap();
  }
  boost::system::error_code ec;
  const boost::json::value value = boost::json::parse(text, ec);
  if (ec) return 0;
  expect_ok_or_invalid_value(scimd::mail::parse_invitation_settings(value));
  expect_ok_or_invalid_value(scimd::store::parse_role_mapping(value));
  expect_ok_or_invalid_value(scimd::delivery::parse_webhook_spec(value));
  return 0;
}
