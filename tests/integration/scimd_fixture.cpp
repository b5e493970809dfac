#include "integration/scimd_fixture.h"

#include <cstdlib>
#include <iostream>

namespace scimd::itest {
namespace {

using store::postgres::PgTestSchema;

// Skips the whole run when PostgreSQL is asked for but no test cluster is named.
class BackendEnvironment : public ::testing::Environment {
 public:
  void SetUp() override {
    if (on_postgres() && !PgTestSchema::configured()) GTEST_SKIP() << PgTestSchema::kSkipReason;
  }
};

[[maybe_unused]] ::testing::Environment* const kBackendEnvironment =
    ::testing::AddGlobalTestEnvironment(new BackendEnvironment);  // gtest owns it

}  // namespace

bool on_postgres() {
  const char* backend = std::getenv("SCIMD_ITEST_BACKEND");
  return backend != nullptr && std::string_view(backend) == "postgres";
}

ScimdTest::ScimdTest() : db_path_((dir_.path() / "scimd.db").string()) {
  if (on_postgres() && PgTestSchema::configured()) {
    schema_ = std::make_unique<PgTestSchema>("itest");
    db_url_ = schema_->url();
  } else {
    db_url_ = "sqlite:" + db_path_;
  }
  server_ = std::make_unique<ScimdServer>(db_url_, std::string(kPublicUrl), dir_.path());
}

void ScimdTest::check_backend() const {
  ASSERT_TRUE(schema_ == nullptr || schema_->ok())
      << "cannot make a schema on SCIMD_TEST_PG_URL: " << schema_->error();
}

void ScimdTest::TearDown() {
  if (server_->running()) {
    const int exit_code = server_->stop();
    EXPECT_EQ(exit_code, 0) << "scimd serve did not exit 0 within 5 s of SIGTERM\n"
                            << server_->output();
  }
  if (HasFailure()) std::cerr << server_->output().substr(0, 20000);
}

CliResult ScimdTest::cli(std::vector<std::string> args) {
  args.push_back("--db");
  args.push_back(db_url());
  return run_scimd(args, dir_.path());
}

void ScimdTest::create_tenant(const std::string& name, Tenant* out) {
  ASSERT_NO_FATAL_FAILURE(check_backend());
  const CliResult result =
      cli({"tenant", "create", name, "--json", "--public-url", std::string(kPublicUrl)});
  ASSERT_EQ(result.exit_code, 0) << "tenant create " << name << ": " << result.out << result.err;
  boost::system::error_code ec;
  const json::value printed = json::parse(result.out, ec);
  ASSERT_FALSE(ec) << "tenant create --json must print exactly one JSON object, printed: "
                   << result.out;
  ASSERT_TRUE(printed.is_object()) << result.out;
  EXPECT_EQ(string_field(printed, "tenant"), name);
  out->name = name;
  out->url = string_field(printed, "tenant_url");
  out->token = string_field(printed, "token");
  EXPECT_EQ(out->url, std::string(kPublicUrl) + "/scim/v2/" + name);
  ASSERT_GE(out->token.size(), 32u) << "token too short to be a secret: " << result.out;
}

void ScimdTest::start_server() {
  ASSERT_NO_FATAL_FAILURE(check_backend());
  const std::string failure = server_->start();
  ASSERT_EQ(failure, "");
  http_.set_port(server_->port());
}

ScimClient ScimdTest::scim(const Tenant& tenant, std::string dialect_query) const {
  return ScimClient(http_, tenant.name, tenant.token, std::move(dialect_query));
}

json::object make_user(std::string_view user_name, json::object extra) {
  json::object user{
      {"schemas", json::array{kUserSchema}}, {"userName", user_name}, {"active", true}};
  for (auto& member : extra) user[member.key()] = std::move(member.value());
  return user;
}

json::object make_group(std::string_view display_name, json::array members) {
  return json::object{{"schemas", json::array{kGroupSchema}},
                      {"displayName", display_name},
                      {"members", std::move(members)}};
}

std::string created_id(const HttpResponse& response) {
  const json::value body = response.json();
  const std::string id = string_field(body, "id");
  EXPECT_EQ(response.status, 201) << response.describe();
  EXPECT_FALSE(id.empty()) << "no id in " << response.describe();
  return response.status == 201 ? id : "";
}

}  // namespace scimd::itest
