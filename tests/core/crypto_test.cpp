#include "core/crypto.h"

#include <set>

#include <gtest/gtest.h>

#include "core/ids.h"

namespace scimd {
namespace {

TEST(Crypto, Sha256KnownAnswer) {
  EXPECT_EQ(crypto::sha256_hex("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(Crypto, HmacSha256KnownAnswer) {
  // RFC 4231 test case 2.
  EXPECT_EQ(crypto::hex(crypto::hmac_sha256("Jefe", "what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(Crypto, Base64Forms) {
  EXPECT_EQ(crypto::base64("\xfb\xff"), "+/8=");
  EXPECT_EQ(crypto::base64url("\xfb\xff"), "-_8");
}

TEST(Crypto, Base64DecodeRoundTripsAndRejectsJunk) {
  // RFC 4648 section 10 vectors.
  EXPECT_EQ(crypto::base64_decode(""), std::optional<std::string>(""));
  EXPECT_EQ(crypto::base64_decode("Zg=="), std::optional<std::string>("f"));
  EXPECT_EQ(crypto::base64_decode("Zm8="), std::optional<std::string>("fo"));
  EXPECT_EQ(crypto::base64_decode("Zm9vYmFy"), std::optional<std::string>("foobar"));
  EXPECT_EQ(crypto::base64_decode("+/8="), std::optional<std::string>("\xfb\xff"));
  const std::string bytes = crypto::random_bytes(61);
  EXPECT_EQ(crypto::base64_decode(crypto::base64(bytes)), std::optional<std::string>(bytes));
  EXPECT_FALSE(crypto::base64_decode("Zg="));     // length not a multiple of 4
  EXPECT_FALSE(crypto::base64_decode("Z=g="));    // padding inside
  EXPECT_FALSE(crypto::base64_decode("Zm9v YmE"));  // not in the alphabet
  EXPECT_FALSE(crypto::base64_decode("-_8A"));    // URL-safe alphabet is not standard base64
}

TEST(Crypto, IdBytesHaveTheAskedSizeAndNeverRepeatAcrossRefills) {
  std::set<std::string> seen;
  // 16-byte ids: 1,000 of them cross several 4 KiB refills of the per-thread buffer.
  for (int i = 0; i < 1000; ++i) {
    const std::string id = crypto::random_id_bytes(16);
    ASSERT_EQ(id.size(), 16u);
    EXPECT_TRUE(seen.insert(id).second) << "repeated at " << i;
  }
  EXPECT_EQ(crypto::random_id_bytes(5000).size(), 5000u);  // larger than the buffer
  EXPECT_EQ(crypto::random_id_bytes(0).size(), 0u);
}

TEST(Crypto, ConstantTimeEqual) {
  EXPECT_TRUE(crypto::constant_time_equal("abc", "abc"));
  EXPECT_FALSE(crypto::constant_time_equal("abc", "abd"));
  EXPECT_FALSE(crypto::constant_time_equal("abc", "abcd"));
}

TEST(Ids, TokensAre256BitBase64Url) {
  const std::string t = new_secret_token();
  EXPECT_EQ(t.size(), 43u);
  EXPECT_EQ(t.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
            std::string::npos);
  EXPECT_NE(t, new_secret_token());
}

TEST(Ids, ResourceIdsAreUuidV4) {
  const std::string id = new_resource_id();
  ASSERT_EQ(id.size(), 36u);
  EXPECT_EQ(id[14], '4');
  EXPECT_NE(std::string("89ab").find(id[19]), std::string::npos);
}

}  // namespace
}  // namespace scimd
