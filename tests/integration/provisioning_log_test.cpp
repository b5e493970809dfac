// The provisioning log with the real binary: SCIM requests become entries, written by the
// background queue and flushed by a graceful stop.
#include "integration/scimd_fixture.h"
#include "store/store.h"

namespace scimd::itest {
namespace {

class ProvisioningLogIntegration : public ScimdTest {};

TEST_F(ProvisioningLogIntegration, RequestsAreLoggedAndFlushedAtStop) {
  Tenant acme;
  ASSERT_NO_FATAL_FAILURE(create_tenant("acme", &acme));
  ASSERT_NO_FATAL_FAILURE(start_server());
  const HttpResponse created = scim(acme).raw("POST", "/Users", "", json::serialize(make_user("alice")),
                                              {{"User-Agent", "Okta SCIM Client 1.0.0"}});
  ASSERT_EQ(created.status, 201) << created.describe();
  ASSERT_EQ(scim(acme).post("/Users", make_user("alice")).status, 409);
  Tenant wrong = acme;
  wrong.token = "not-the-token";
  ASSERT_EQ(scim(wrong).get("/Users").status, 401);
  ASSERT_EQ(server().stop(), 0);

  auto store = store::Store::open(db_url());
  ASSERT_TRUE(store.ok()) << store.error().detail;
  store::ProvisioningQuery q;
  q.tenant_id = (*store)->find_tenant("acme")->id;
  auto entries = (*store)->list_provisioning(q);
  ASSERT_TRUE(entries.ok()) << entries.error().detail;
  ASSERT_EQ(entries->size(), 3u);  // newest first
  EXPECT_EQ((*entries)[2].status, 201);
  EXPECT_EQ((*entries)[2].client, "okta");
  EXPECT_EQ((*entries)[2].resource_id, created_id(created));
  EXPECT_EQ((*entries)[2].path, "/scim/v2/acme/Users");
  EXPECT_FALSE((*entries)[2].request_id.empty()) << "http/ assigns one to every request";
  EXPECT_EQ((*entries)[1].status, 409);
  EXPECT_EQ((*entries)[1].scim_type, "uniqueness");
  EXPECT_EQ((*entries)[0].status, 401);
}

}  // namespace
}  // namespace scimd::itest
