#include "http/error_body.h"

#include <gtest/gtest.h>
#include <boost/json.hpp>

namespace scimd::http {
namespace {

namespace json = boost::json;

TEST(ErrorBodyTest, IsAScimErrorWithStatusAsString) {
  const json::value body = json::parse(error_body(413, "", "too large"));
  const auto& object = body.as_object();
  EXPECT_EQ(object.at("schemas").as_array().at(0).as_string(),
            "urn:ietf:params:scim:api:messages:2.0:Error");
  EXPECT_EQ(object.at("status").as_string(), "413");
  EXPECT_EQ(object.at("detail").as_string(), "too large");
  EXPECT_FALSE(object.contains("scimType"));
}

TEST(ErrorBodyTest, CarriesScimTypeWhenGivenAndEscapesDetail) {
  const json::value body = json::parse(error_body(400, "invalidSyntax", "bad \"quote\"\n"));
  EXPECT_EQ(body.at("scimType").as_string(), "invalidSyntax");
  EXPECT_EQ(body.at("detail").as_string(), "bad \"quote\"\n");
}

}  // namespace
}  // namespace scimd::http
