#include "delivery/signature.h"

#include <gtest/gtest.h>

#include "core/crypto.h"

namespace scimd::delivery {
namespace {

TEST(Signature, MatchesTheStandardWebhooksExample) {
  // The example published with the Standard Webhooks specification.
  auto key = webhook_key("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
  ASSERT_TRUE(key.ok()) << key.error().detail;
  EXPECT_EQ(sign_webhook(*key, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, R"({"test": 2432232314})"),
            "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
}

TEST(Signature, MatchesAnIndependentPythonComputation) {
  // Computed with Python's hmac/base64 over key bytes 0..23 and this exact UTF-8 body.
  auto key = webhook_key("whsec_AAECAwQFBgcICQoLDA0ODxAREhMUFRYX");
  ASSERT_TRUE(key.ok());
  EXPECT_EQ(key->size(), 24u);
  const std::string body = "{\"id\":\"evt_0123\",\"seq\":7,\"type\":\"user.created\",\"data\":{\"name\":\"Zo\xc3\xab\"}}";
  const SignedHeaders h = signed_headers(*key, "evt_0123", 1767225600, body);
  EXPECT_EQ(h.id, "evt_0123");
  EXPECT_EQ(h.timestamp, "1767225600");
  EXPECT_EQ(h.signature, "v1,+a1JfZYWmNKgI6GyJg/9zG3j6it3mwJzzh4ews84F58=");
}

TEST(Signature, AnyChangeChangesTheSignature) {
  const std::string key = "0123456789abcdef0123456789abcdef";
  const std::string base = sign_webhook(key, "evt_1", 100, "{}");
  EXPECT_NE(sign_webhook(key, "evt_2", 100, "{}"), base);
  EXPECT_NE(sign_webhook(key, "evt_1", 101, "{}"), base);
  EXPECT_NE(sign_webhook(key, "evt_1", 100, "{ }"), base);
  EXPECT_NE(sign_webhook("x" + key.substr(1), "evt_1", 100, "{}"), base);
}

TEST(Signature, RejectsSecretsThatAreNotWhsecBase64) {
  EXPECT_EQ(webhook_key("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").error().code, Errc::invalid_value);
  EXPECT_EQ(webhook_key("whsec_").error().code, Errc::invalid_value);
  EXPECT_EQ(webhook_key("whsec_not base64!").error().code, Errc::invalid_value);
}

}  // namespace
}  // namespace scimd::delivery
