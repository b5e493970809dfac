#include "http/wire_message.h"

#include <gtest/gtest.h>

namespace scimd::http {
namespace {

namespace beast_http = boost::beast::http;

TEST(WireMessageTest, FillApiRequestLowerCasesNamesAndMovesBody) {
  WireRequest message{beast_http::verb::post, "/scim/v2/t/Users?x=1", 11};
  message.set("Content-Type", "application/scim+json");
  message.set("X-Mixed-CASE", "Value Kept");
  message.body() = "{\"a\":1}";
  api::Request request;
  request.headers.emplace_back("stale", "from the previous request");
  fill_api_request(std::move(message), request);
  EXPECT_EQ(request.method, "POST");
  EXPECT_EQ(request.target, "/scim/v2/t/Users?x=1");
  EXPECT_EQ(request.body, "{\"a\":1}");
  ASSERT_EQ(request.headers.size(), 2u);
  EXPECT_EQ(request.header("content-type"), "application/scim+json");
  EXPECT_EQ(request.header("x-mixed-case"), "Value Kept");
  EXPECT_EQ(request.header("stale"), "");
}

TEST(WireMessageTest, FillWireResponseAddsFramingAndRequestId) {
  api::Response response;
  response.status = 201;
  response.headers = {{"Content-Type", "application/scim+json"}, {"Location", "/u/1"}};
  response.body = "{}";
  WireResponse out;
  fill_wire_response(std::move(response), "rid", ResponseFraming{11, true, false}, out);
  EXPECT_EQ(out.result_int(), 201u);
  EXPECT_EQ(out["Content-Type"], "application/scim+json");
  EXPECT_EQ(out["Location"], "/u/1");
  EXPECT_EQ(out["X-Request-Id"], "rid");
  EXPECT_EQ(out["Content-Length"], "2");
  EXPECT_EQ(out.body(), "{}");
  EXPECT_TRUE(out.keep_alive());
}

TEST(WireMessageTest, HandlerCannotOverrideFramingHeaders) {
  api::Response response;
  response.headers = {{"Content-Length", "999"},
                      {"Connection", "keep-alive"},
                      {"Transfer-Encoding", "chunked"},
                      {"X-Request-Id", "forged"}};
  response.body = "abc";
  WireResponse out;
  fill_wire_response(std::move(response), "rid", ResponseFraming{11, false, false}, out);
  EXPECT_EQ(out["Content-Length"], "3");
  EXPECT_EQ(out["Transfer-Encoding"], "");
  EXPECT_EQ(out["X-Request-Id"], "rid");
  EXPECT_EQ(out["Connection"], "close");
  EXPECT_FALSE(out.keep_alive());
}

TEST(WireMessageTest, HeadResponseHasLengthButNoBody) {
  api::Response response;
  response.body = "twelve bytes";
  WireResponse out;
  fill_wire_response(std::move(response), "rid", ResponseFraming{11, true, true}, out);
  EXPECT_EQ(out["Content-Length"], "12");
  EXPECT_TRUE(out.body().empty());
}

TEST(WireMessageTest, NoContentAndNotModifiedCarryNoBody) {
  for (const int status : {204, 304}) {
    api::Response response;
    response.status = status;
    response.body = "ignored";
    WireResponse out;
    fill_wire_response(std::move(response), "rid", ResponseFraming{11, true, false}, out);
    EXPECT_EQ(out.result_int(), static_cast<unsigned>(status));
    EXPECT_TRUE(out.body().empty());
    EXPECT_EQ(out["Content-Length"], "");
  }
}

TEST(WireMessageTest, Http10KeepAliveIsExplicit) {
  WireResponse out;
  fill_wire_response(api::Response{}, "rid", ResponseFraming{10, true, false}, out);
  EXPECT_EQ(out.version(), 10u);
  EXPECT_TRUE(out.keep_alive());
  EXPECT_TRUE(beast_http::token_list{out["Connection"]}.exists("keep-alive"));
}

}  // namespace
}  // namespace scimd::http
