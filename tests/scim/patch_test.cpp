#include "scim/patch.h"

#include <string>
#include <string_view>

#include <gtest/gtest.h>

namespace scimd::scim {
namespace {

namespace json = boost::json;

constexpr std::string_view kEnterprise = urn::kEnterpriseUser;

json::object parse_object(std::string_view text) { return json::parse(text).as_object(); }

// A PatchOp body around the given Operations array.
json::value patch_body(std::string_view operations) {
  json::object body;
  body["schemas"] = json::array{json::string(urn::kPatchOp)};
  body["Operations"] = json::parse(operations);
  return body;
}

json::object barbara() {
  return parse_object(R"({
    "userName": "bjensen@example.com",
    "externalId": "bjensen",
    "displayName": "Babs Jensen",
    "active": true,
    "name": {"givenName": "Barbara", "familyName": "Jensen"},
    "emails": [
      {"value": "bjensen@example.com", "type": "work", "primary": true},
      {"value": "babs@jensen.org", "type": "home"}
    ],
    "addresses": [
      {"type": "work", "streetAddress": "100 Universal City Plaza", "locality": "Hollywood",
       "primary": true},
      {"type": "home", "streetAddress": "456 Hollywood Blvd", "locality": "Hollywood"}
    ],
    "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": {
      "employeeNumber": "701984", "department": "Tour Operations"}
  })");
}

json::object group_doc() { return parse_object(R"({"displayName": "Tour Guides"})"); }

PatchResult patch_ok(ResourceKind kind, const json::object& doc, std::string_view operations) {
  auto result = apply_patch(kind, doc, patch_body(operations));
  EXPECT_TRUE(result.ok()) << (result.ok() ? "" : result.error().detail);
  if (!result.ok()) return PatchResult{doc, {}, false};
  return std::move(result).value();
}

PatchResult patch_user(std::string_view operations, const json::object& doc = barbara()) {
  return patch_ok(ResourceKind::user, doc, operations);
}

PatchResult patch_group(std::string_view operations) {
  return patch_ok(ResourceKind::group, group_doc(), operations);
}

Errc patch_error(ResourceKind kind, const json::object& doc, const json::value& body) {
  auto result = apply_patch(kind, doc, body);
  EXPECT_FALSE(result.ok());
  return result.ok() ? Errc::internal : result.error().code;
}

Errc user_error(std::string_view operations) {
  return patch_error(ResourceKind::user, barbara(), patch_body(operations));
}

Errc group_error(std::string_view operations) {
  return patch_error(ResourceKind::group, group_doc(), patch_body(operations));
}

const json::object& enterprise(const PatchResult& result) {
  return result.doc.at(kEnterprise).as_object();
}

std::vector<std::string> ids(const MemberOp& op) {
  std::vector<std::string> out;
  for (const MemberRef& member : op.members) out.push_back(member.value);
  return out;
}

using Ids = std::vector<std::string>;

// ---- RFC 7644 §3.5.2 examples ------------------------------------------------------------

TEST(PatchRfc, AddMemberToGroup) {
  const PatchResult result = patch_group(R"([{"op":"add","path":"members","value":[
      {"display":"Babs Jensen",
       "$ref":"https://example.com/v2/Users/2819c223-7f76-453a-919d-413861904646",
       "value":"2819c223-7f76-453a-919d-413861904646"}]}])");
  ASSERT_EQ(result.member_ops.size(), 1u);
  EXPECT_EQ(result.member_ops[0].kind, MemberOp::Kind::add);
  ASSERT_EQ(result.member_ops[0].members.size(), 1u);
  EXPECT_EQ(result.member_ops[0].members[0].value, "2819c223-7f76-453a-919d-413861904646");
  EXPECT_EQ(result.member_ops[0].members[0].display, "Babs Jensen");
  EXPECT_FALSE(result.doc_changed);
  EXPECT_FALSE(result.doc.contains("members"));
}

TEST(PatchRfc, AddWithoutPathAddsEachAttribute) {
  const PatchResult result = patch_user(R"([{"op":"add","value":{
      "emails":[{"value":"babs@jensen.org","type":"home"},{"value":"b@new.org","type":"other"}],
      "nickname":"Babs"}}])");
  EXPECT_TRUE(result.doc_changed);
  EXPECT_EQ(result.doc.at("nickName"), "Babs");  // canonical spelling
  const json::array& emails = result.doc.at("emails").as_array();
  ASSERT_EQ(emails.size(), 3u);  // the home email was there already
  EXPECT_EQ(emails[2].at("value"), "b@new.org");
}

TEST(PatchRfc, RemoveAllMembers) {
  const PatchResult result = patch_group(R"([{"op":"remove","path":"members"}])");
  ASSERT_EQ(result.member_ops.size(), 1u);
  EXPECT_EQ(result.member_ops[0].kind, MemberOp::Kind::remove_all);
}

TEST(PatchRfc, RemoveOneMemberByFilter) {
  const PatchResult result = patch_group(
      R"([{"op":"remove","path":"members[value eq \"2819c223-7f76-...413861904646\"]"}])");
  ASSERT_EQ(result.member_ops.size(), 1u);
  EXPECT_EQ(result.member_ops[0].kind, MemberOp::Kind::remove);
  EXPECT_EQ(ids(result.member_ops[0]), Ids{"2819c223-7f76-...413861904646"});
}

TEST(PatchRfc, RemoveAllMembersThenAddSome) {
  const PatchResult result = patch_group(R"([
      {"op":"remove","path":"members"},
      {"op":"add","path":"members","value":[{"display":"Babs","value":"2819c223"},
                                            {"display":"James","value":"08e1d05d"}]}])");
  ASSERT_EQ(result.member_ops.size(), 2u);
  EXPECT_EQ(result.member_ops[0].kind, MemberOp::Kind::remove_all);
  EXPECT_EQ(result.member_ops[1].kind, MemberOp::Kind::add);
  EXPECT_EQ(ids(result.member_ops[1]), (Ids{"2819c223", "08e1d05d"}));
}

TEST(PatchRfc, RemoveByComplexFilter) {
  const PatchResult result = patch_user(
      R"([{"op":"remove","path":"emails[type eq \"work\" and value ew \"example.com\"]"}])");
  const json::array& emails = result.doc.at("emails").as_array();
  ASSERT_EQ(emails.size(), 1u);
  EXPECT_EQ(emails[0].at("type"), "home");
}

TEST(PatchRfc, RemoveSingleValuedAttribute) {
  const PatchResult result = patch_user(R"([{"op":"remove","path":"displayName"}])");
  EXPECT_FALSE(result.doc.contains("displayName"));
  EXPECT_TRUE(result.doc_changed);
}

TEST(PatchRfc, ReplaceAllMembers) {
  const PatchResult result = patch_group(R"([{"op":"replace","path":"members","value":[
      {"display":"Babs","value":"2819c223"},{"display":"James","value":"08e1d05d"}]}])");
  ASSERT_EQ(result.member_ops.size(), 1u);
  EXPECT_EQ(result.member_ops[0].kind, MemberOp::Kind::replace_all);
  EXPECT_EQ(ids(result.member_ops[0]), (Ids{"2819c223", "08e1d05d"}));
}

TEST(PatchRfc, ReplaceWholeFilteredValue) {
  const PatchResult result = patch_user(R"([{"op":"replace","path":"addresses[type eq \"work\"]",
      "value":{"type":"work","streetAddress":"911 Universal City Plaza","locality":"Hollywood",
               "primary":true}}])");
  const json::array& addresses = result.doc.at("addresses").as_array();
  ASSERT_EQ(addresses.size(), 2u);
  EXPECT_EQ(addresses[0].at("streetAddress"), "911 Universal City Plaza");
  EXPECT_EQ(addresses[0].at("primary"), true);
  EXPECT_EQ(addresses[1].at("streetAddress"), "456 Hollywood Blvd");
}

TEST(PatchRfc, ReplaceSubAttributeOfFilteredValue) {
  const PatchResult result = patch_user(
      R"([{"op":"replace","path":"addresses[type eq \"work\"].streetAddress",
           "value":"1010 Broadway Ave"}])");
  const json::object& work = result.doc.at("addresses").as_array()[0].as_object();
  EXPECT_EQ(work.at("streetAddress"), "1010 Broadway Ave");
  EXPECT_EQ(work.at("locality"), "Hollywood");  // the other sub-attributes stay
}

TEST(PatchRfc, ReplaceWithoutPathReplacesMultiValuedAttribute) {
  const PatchResult result = patch_user(R"([{"op":"replace","value":{
      "emails":[{"value":"bjensen@example.com","type":"work","primary":true}],
      "nickname":"Babs"}}])");
  EXPECT_EQ(result.doc.at("emails").as_array().size(), 1u);
  EXPECT_EQ(result.doc.at("nickName"), "Babs");
}

TEST(PatchRfc, ReplaceComplexSetsOnlyGivenSubAttributes) {
  const PatchResult result =
      patch_user(R"([{"op":"replace","path":"name","value":{"givenName":"Barb"}}])");
  EXPECT_EQ(result.doc.at("name").at("givenName"), "Barb");
  EXPECT_EQ(result.doc.at("name").at("familyName"), "Jensen");
}

TEST(PatchRfc, ReplaceMultiValuedAttributeWithPath) {
  const PatchResult result = patch_user(
      R"([{"op":"replace","path":"emails","value":[{"value":"only@example.com","type":"work"}]}])");
  ASSERT_EQ(result.doc.at("emails").as_array().size(), 1u);
  EXPECT_EQ(result.doc.at("emails").as_array()[0].at("value"), "only@example.com");
}

// ---- Entra ID, default dialect (client-compat.md A.5) ------------------------------------

TEST(PatchEntraDefault, DisableWithCapitalisedOpAndStringBoolean) {
  const PatchResult result = patch_user(R"([{"op":"Replace","path":"active","value":"False"}])");
  EXPECT_EQ(result.doc.at("active"), false);
  EXPECT_TRUE(result.doc_changed);
  const PatchResult enabled =
      patch_user(R"([{"op":"Replace","path":"active","value":"True"}])", result.doc);
  EXPECT_EQ(enabled.doc.at("active"), true);
}

TEST(PatchEntraDefault, TypicalUserUpdate) {
  const PatchResult result = patch_user(R"([
    {"op":"Replace","path":"emails[type eq \"work\"].value","value":"barbara@contoso.com"},
    {"op":"Replace","path":"name.familyName","value":"Jensen-Smith"},
    {"op":"Replace","path":"name.givenName","value":"Barb"},
    {"op":"Replace","path":"displayName","value":"Barb Jensen-Smith"},
    {"op":"Replace","path":"externalId","value":"bjs"},
    {"op":"Replace",
     "path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber",
     "value":"42"},
    {"op":"Replace","path":"userName","value":"barbara@contoso.com"}])");
  const json::object& doc = result.doc;
  EXPECT_EQ(doc.at("emails").as_array()[0].at("value"), "barbara@contoso.com");
  EXPECT_EQ(doc.at("emails").as_array()[0].at("type"), "work");
  EXPECT_EQ(doc.at("emails").as_array()[1].at("value"), "babs@jensen.org");
  EXPECT_EQ(doc.at("name").at("familyName"), "Jensen-Smith");
  EXPECT_EQ(doc.at("name").at("givenName"), "Barb");
  EXPECT_EQ(doc.at("displayName"), "Barb Jensen-Smith");
  EXPECT_EQ(doc.at("externalId"), "bjs");
  EXPECT_EQ(enterprise(result).at("employeeNumber"), "42");
  EXPECT_EQ(enterprise(result).at("department"), "Tour Operations");
  EXPECT_EQ(doc.at("userName"), "barbara@contoso.com");
  EXPECT_FALSE(doc.contains("employeeNumber"));
}

TEST(PatchEntraDefault, AddSetsSingleValuedAttribute) {
  const PatchResult result = patch_user(R"([{"op":"Add","path":"nickName","value":"Babs"}])");
  EXPECT_EQ(result.doc.at("nickName"), "Babs");
  const PatchResult again =
      patch_user(R"([{"op":"Add","path":"nickName","value":"Barb"}])", result.doc);
  EXPECT_EQ(again.doc.at("nickName"), "Barb");
}

TEST(PatchEntraDefault, ManagerAsPlainStringThroughUrnPath) {
  const PatchResult result = patch_user(R"([{"op":"Add",
      "path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager",
      "value":"271"}])");
  EXPECT_EQ(enterprise(result).at("manager"), json::parse(R"({"value":"271"})"));
  EXPECT_EQ(enterprise(result).at("employeeNumber"), "701984");
}

TEST(PatchEntraDefault, NewManagerDropsTheOldManagersDetails) {
  json::object doc = barbara();
  doc[kEnterprise].as_object()["manager"] =
      json::parse(R"({"value":"26118915","displayName":"John Smith"})");
  const PatchResult result = patch_user(R"([{"op":"Replace",
      "path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager",
      "value":"271"}])",
                                        doc);
  EXPECT_EQ(enterprise(result).at("manager"), json::parse(R"({"value":"271"})"));
}

TEST(PatchEntraDefault, AddMembersWithRefNull) {
  const PatchResult result = patch_group(R"([{"op":"Add","path":"members",
      "value":[{"$ref":null,"value":"u1"},{"$ref":null,"value":"u2"}]}])");
  ASSERT_EQ(result.member_ops.size(), 1u);
  EXPECT_EQ(result.member_ops[0].kind, MemberOp::Kind::add);
  EXPECT_EQ(ids(result.member_ops[0]), (Ids{"u1", "u2"}));
}

TEST(PatchEntraDefault, RemoveMembersWithValueListRemovesOnlyThose) {
  const PatchResult result =
      patch_group(R"([{"op":"Remove","path":"members","value":[{"value":"u1"}]}])");
  ASSERT_EQ(result.member_ops.size(), 1u);
  EXPECT_EQ(result.member_ops[0].kind, MemberOp::Kind::remove);
  EXPECT_EQ(ids(result.member_ops[0]), Ids{"u1"});
}

TEST(PatchEntraDefault, RemoveMembersWithEmptyListRemovesNobody) {
  const PatchResult result = patch_group(R"([{"op":"Remove","path":"members","value":[]}])");
  EXPECT_TRUE(result.member_ops.empty());
}

TEST(PatchEntraDefault, MemberDisplayNameAndBareId) {
  const PatchResult result = patch_group(R"([
      {"op":"Add","path":"members","value":{"displayName":"Babs","value":"u1"}},
      {"op":"Add","path":"members","value":"u2"}])");
  ASSERT_EQ(result.member_ops.size(), 2u);
  EXPECT_EQ(result.member_ops[0].members.at(0).display, "Babs");
  EXPECT_EQ(ids(result.member_ops[1]), Ids{"u2"});
}

TEST(PatchEntraDefault, RolePrimaryStringFilterCreatesTheRole) {
  const PatchResult result =
      patch_user(R"([{"op":"Replace","path":"roles[primary eq \"True\"].value","value":"Admin"}])");
  EXPECT_EQ(result.doc.at("roles"), json::parse(R"([{"primary":true,"value":"Admin"}])"));
  const PatchResult changed =
      patch_user(R"([{"op":"Replace","path":"roles[primary eq \"True\"].value","value":"Reader"}])",
                 result.doc);
  EXPECT_EQ(changed.doc.at("roles"), json::parse(R"([{"primary":true,"value":"Reader"}])"));
}

TEST(PatchEntraDefault, RoleAsJsonString) {
  const PatchResult result = patch_user(R"([{"op":"Add","path":"roles",
      "value":"{\"id\":\"7f3a\",\"value\":\"Reader\",\"display\":\"Reader\"}"}])");
  EXPECT_EQ(result.doc.at("roles"), json::parse(R"([{"value":"Reader","display":"Reader"}])"));
}

TEST(PatchEntraDefault, UnknownAttributesAreIgnored) {
  const PatchResult result = patch_user(R"([
      {"op":"Replace","path":"urn:ietf:params:scim:schemas:extension:Custom:2.0:User:costCenter",
       "value":"17"},
      {"op":"Add","path":"favouriteColour","value":"blue"},
      {"op":"Remove","path":"name.middleInitial"},
      {"op":"Replace","path":"shoeSizes[type eq \"left\"].value","value":"9"}])");
  EXPECT_FALSE(result.doc_changed);
  EXPECT_EQ(result.doc, barbara());
}

TEST(PatchEntraDefault, PhoneAndAddressFiltersCreateMissingValues) {
  const PatchResult result = patch_user(R"([
      {"op":"Add","path":"phoneNumbers[type eq \"work\"].value","value":"+1 555 0100"},
      {"op":"Add","path":"phoneNumbers[type eq \"mobile\"].value","value":"+1 555 0101"},
      {"op":"Replace","path":"addresses[type eq \"work\"].postalCode","value":"91608"}])");
  EXPECT_EQ(result.doc.at("phoneNumbers"), json::parse(R"([
      {"type":"work","value":"+1 555 0100"},{"type":"mobile","value":"+1 555 0101"}])"));
  EXPECT_EQ(result.doc.at("addresses").as_array()[0].at("postalCode"), "91608");
  EXPECT_EQ(result.doc.at("addresses").as_array().size(), 2u);
}

// ---- Entra ID with aadOptscim062020 (client-compat.md A.6) --------------------------------

TEST(PatchEntraFlag, DisableWithBoolean) {
  const PatchResult result = patch_user(R"([{"op":"replace","path":"active","value":false}])");
  EXPECT_EQ(result.doc.at("active"), false);
}

TEST(PatchEntraFlag, PathlessReplaceWithDottedAndUrnKeys) {
  const PatchResult result = patch_user(R"([
    {"op":"replace","path":"emails[type eq \"work\"].value","value":"barbara@contoso.com"},
    {"op":"replace","value":{
      "displayName":"Barb Jensen",
      "name.givenName":"Barb",
      "name.familyName":"Jensen-Smith",
      "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber":"42"}}])");
  const json::object& doc = result.doc;
  EXPECT_EQ(doc.at("displayName"), "Barb Jensen");
  EXPECT_EQ(doc.at("name"), json::parse(R"({"givenName":"Barb","familyName":"Jensen-Smith"})"));
  EXPECT_EQ(enterprise(result).at("employeeNumber"), "42");
  EXPECT_EQ(doc.at("emails").as_array()[0].at("value"), "barbara@contoso.com");
  // Never literal keys (pingidentity/scim2#224).
  EXPECT_FALSE(doc.contains("name.givenName"));
  EXPECT_FALSE(
      doc.contains("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber"));
}

TEST(PatchEntraFlag, RemoveMemberByFilterWithoutValue) {
  const PatchResult result = patch_group(R"([{"op":"remove","path":"members[value eq \"u7\"]"}])");
  ASSERT_EQ(result.member_ops.size(), 1u);
  EXPECT_EQ(result.member_ops[0].kind, MemberOp::Kind::remove);
  EXPECT_EQ(ids(result.member_ops[0]), Ids{"u7"});
}

TEST(PatchEntraFlag, RemoveMembersJoinedByOr) {
  const PatchResult result =
      patch_group(R"([{"op":"remove","path":"members[value eq \"a\" or value eq \"b\"]"}])");
  ASSERT_EQ(result.member_ops.size(), 1u);
  EXPECT_EQ(ids(result.member_ops[0]), (Ids{"a", "b"}));
}

// ---- Okta (client-compat.md B.77, B.79) ---------------------------------------------------

TEST(PatchOkta, DeactivateAndReactivatePathless) {
  const PatchResult off = patch_user(R"([{"op":"replace","value":{"active":false}}])");
  EXPECT_EQ(off.doc.at("active"), false);
  EXPECT_TRUE(off.doc_changed);
  const PatchResult on = patch_user(R"([{"op":"replace","value":{"active":true}}])", off.doc);
  EXPECT_EQ(on.doc.at("active"), true);
}

TEST(PatchOkta, GroupRenameIgnoresTheId) {
  const PatchResult result =
      patch_group(R"([{"op":"replace","value":{"id":"5c2a","displayName":"Tour Leads"}}])");
  EXPECT_EQ(result.doc, parse_object(R"({"displayName":"Tour Leads"})"));
  EXPECT_TRUE(result.member_ops.empty());
}

TEST(PatchOkta, RemoveAndAddMembersInOneRequest) {
  const PatchResult result = patch_group(R"([
      {"op":"replace","value":{"id":"5c2a","displayName":"Tour Guides"}},
      {"op":"remove","path":"members[value eq \"00u1\"]"},
      {"op":"add","path":"members","value":[{"value":"00u2","display":"jdoe@example.com"}]}])");
  EXPECT_FALSE(result.doc_changed);
  ASSERT_EQ(result.member_ops.size(), 2u);
  EXPECT_EQ(result.member_ops[0].kind, MemberOp::Kind::remove);
  EXPECT_EQ(ids(result.member_ops[0]), Ids{"00u1"});
  EXPECT_EQ(result.member_ops[1].kind, MemberOp::Kind::add);
  EXPECT_EQ(result.member_ops[1].members.at(0).display, "jdoe@example.com");
}

TEST(PatchOkta, PasswordSyncIsAcceptedAndNotStored) {
  const PatchResult result = patch_user(R"([{"op":"replace","value":{"password":"t1meMa$heen"}}])");
  EXPECT_FALSE(result.doc_changed);
  EXPECT_FALSE(result.doc.contains("password"));
}

// ---- Other forms ---------------------------------------------------------------------------

TEST(PatchForms, PathlessMembersBecomeMemberOps) {
  const PatchResult result = patch_group(R"([
      {"op":"add","value":{"members":[{"value":"u1"}]}},
      {"op":"replace","value":{"members":[{"value":"u2"}]}}])");
  ASSERT_EQ(result.member_ops.size(), 2u);
  EXPECT_EQ(result.member_ops[0].kind, MemberOp::Kind::add);
  EXPECT_EQ(result.member_ops[1].kind, MemberOp::Kind::replace_all);
  EXPECT_EQ(ids(result.member_ops[1]), Ids{"u2"});
}

TEST(PatchForms, PathlessExtensionObject) {
  const PatchResult result = patch_user(R"([{"op":"add","value":{
      "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":
        {"costCenter":"4130","manager":"271"}}}])");
  EXPECT_EQ(enterprise(result).at("costCenter"), "4130");
  EXPECT_EQ(enterprise(result).at("manager").at("value"), "271");
  EXPECT_EQ(enterprise(result).at("employeeNumber"), "701984");
}

TEST(PatchForms, SchemaUrnAsPath) {
  const PatchResult set = patch_user(R"([{"op":"replace",
      "path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User",
      "value":{"division":"Theme Park"}}])");
  EXPECT_EQ(enterprise(set).at("division"), "Theme Park");
  const PatchResult removed = patch_user(R"([{"op":"remove",
      "path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"}])");
  EXPECT_FALSE(removed.doc.contains(kEnterprise));
}

TEST(PatchForms, CoreUrnQualifiedPath) {
  const PatchResult result = patch_user(R"([{"op":"replace",
      "path":"urn:ietf:params:scim:schemas:core:2.0:User:name.givenName","value":"Barb"}])");
  EXPECT_EQ(result.doc.at("name").at("givenName"), "Barb");
}

TEST(PatchForms, CaseInsensitiveNamesAndKeys) {
  const PatchResult result =
      patch_user(R"([{"OP":"REPLACE","Path":"NAME.GIVENNAME","Value":"Barb"}])");
  EXPECT_EQ(result.doc.at("name").at("givenName"), "Barb");
  auto lower = apply_patch(
      ResourceKind::user, barbara(),
      json::parse(R"({"operations":[{"op":"replace","path":"title","value":"Guide"}]})"));
  ASSERT_TRUE(lower.ok());
  EXPECT_EQ(lower->doc.at("title"), "Guide");
}

TEST(PatchForms, RemovingTheLastValuesLeavesNoEmptyContainers) {
  const PatchResult result = patch_user(R"([
      {"op":"remove","path":"name.givenName"},
      {"op":"remove","path":"name.familyName"},
      {"op":"remove","path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber"},
      {"op":"remove","path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department"},
      {"op":"remove","path":"emails"}])");
  EXPECT_FALSE(result.doc.contains("name"));
  EXPECT_FALSE(result.doc.contains(kEnterprise));
  EXPECT_FALSE(result.doc.contains("emails"));
}

TEST(PatchForms, ReplaceWithNullClears) {
  const PatchResult result = patch_user(R"([{"op":"replace","path":"displayName","value":null}])");
  EXPECT_FALSE(result.doc.contains("displayName"));
}

TEST(PatchForms, MicrosoftPostmanCollectionBodies) {
  // Extra keys ("id" beside Operations, "name" in an operation) are tolerated.
  auto added = apply_patch(ResourceKind::group, group_doc(), json::parse(R"({
      "id":"g1","schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
      "Operations":[{"op":"add","path":"members","value":"string id 1"},
                    {"name":"addMember","op":"add","path":"members",
                     "value":[{"displayName":"new User","value":"u4"}]}]})"));
  ASSERT_TRUE(added.ok());
  ASSERT_EQ(added->member_ops.size(), 2u);
  EXPECT_EQ(ids(added->member_ops[0]), Ids{"string id 1"});
  EXPECT_EQ(added->member_ops[1].members.at(0).display, "new User");
}

// ---- multi-valued attributes --------------------------------------------------------------

TEST(PatchMultiValued, AddDoesNotDuplicate) {
  const PatchResult result = patch_user(R"([{"op":"add","path":"emails",
      "value":[{"value":"babs@jensen.org","type":"home"}]}])");
  EXPECT_FALSE(result.doc_changed);
  EXPECT_EQ(result.doc.at("emails").as_array().size(), 2u);
}

TEST(PatchMultiValued, AddSingleValueAppends) {
  const PatchResult result = patch_user(
      R"([{"op":"add","path":"emails","value":{"value":"b@other.org","type":"other"}}])");
  ASSERT_EQ(result.doc.at("emails").as_array().size(), 3u);
  EXPECT_EQ(result.doc.at("emails").as_array()[2].at("value"), "b@other.org");
}

TEST(PatchMultiValued, RemoveThroughFilterMatchingNothingIsNoChange) {
  const PatchResult result = patch_user(R"([{"op":"remove","path":"emails[type eq \"other\"]"}])");
  EXPECT_FALSE(result.doc_changed);
}

TEST(PatchMultiValued, RemoveSubAttributeThroughFilter) {
  const PatchResult result =
      patch_user(R"([{"op":"remove","path":"addresses[type eq \"home\"].locality"}])");
  EXPECT_EQ(result.doc.at("addresses").as_array()[1],
            json::parse(R"({"type":"home","streetAddress":"456 Hollywood Blvd"})"));
}

TEST(PatchMultiValued, ReplaceThroughNonMatchingFilterCreatesTheValue) {
  json::object doc = barbara();
  doc.erase("emails");
  const PatchResult result = patch_user(
      R"([{"op":"replace","path":"emails[type eq \"work\"].value","value":"a@b.example"}])", doc);
  EXPECT_EQ(result.doc.at("emails"), json::parse(R"([{"type":"work","value":"a@b.example"}])"));
}

TEST(PatchMultiValued, ReplaceThroughUnbuildableFilterIsNoTarget) {
  EXPECT_EQ(
      user_error(R"([{"op":"replace","path":"emails[type ne \"work\" and type ne \"home\"].value",
      "value":"x@y.example"}])"),
      Errc::no_target);
  EXPECT_EQ(user_error(R"([{"op":"replace","path":"emails[type eq \"x\" or type eq \"y\"].value",
      "value":"x@y.example"}])"),
            Errc::no_target);
}

TEST(PatchMultiValued, FilterMatchesCaseInsensitively) {
  const PatchResult result = patch_user(
      R"([{"op":"replace","path":"emails[TYPE eq \"Work\"].value","value":"new@example.com"}])");
  EXPECT_EQ(result.doc.at("emails").as_array().size(), 2u);
  EXPECT_EQ(result.doc.at("emails").as_array()[0].at("value"), "new@example.com");
}

// ---- primary ------------------------------------------------------------------------------

TEST(PatchPrimary, AddedPrimaryTakesOver) {
  const PatchResult result = patch_user(R"([{"op":"add","path":"emails",
      "value":[{"value":"new@example.com","type":"other","primary":"True"}]}])");
  const json::array& emails = result.doc.at("emails").as_array();
  ASSERT_EQ(emails.size(), 3u);
  EXPECT_FALSE(emails[0].as_object().contains("primary"));
  EXPECT_EQ(emails[2].at("primary"), true);
}

TEST(PatchPrimary, ReplacedPrimaryTakesOver) {
  const PatchResult result =
      patch_user(R"([{"op":"replace","path":"emails[type eq \"home\"].primary","value":true}])");
  const json::array& emails = result.doc.at("emails").as_array();
  EXPECT_FALSE(emails[0].as_object().contains("primary"));
  EXPECT_EQ(emails[1].at("primary"), true);
}

TEST(PatchPrimary, OnlyTheFirstOfSeveralPrimariesStays) {
  const PatchResult result = patch_user(R"([{"op":"replace","path":"phoneNumbers","value":[
      {"value":"1","primary":true},{"value":"2","primary":true}]}])");
  const json::array& phones = result.doc.at("phoneNumbers").as_array();
  EXPECT_EQ(phones[0].at("primary"), true);
  EXPECT_FALSE(phones[1].as_object().contains("primary"));
}

// ---- doc_changed --------------------------------------------------------------------------

TEST(PatchChanged, SameValueIsNoChange) {
  const PatchResult result = patch_user(R"([
      {"op":"Replace","path":"displayName","value":"Babs Jensen"},
      {"op":"Replace","path":"active","value":"True"},
      {"op":"Replace","path":"emails[type eq \"work\"].value","value":"bjensen@example.com"}])");
  EXPECT_FALSE(result.doc_changed);
  EXPECT_EQ(result.doc, barbara());
}

// ---- errors -------------------------------------------------------------------------------

TEST(PatchErrors, BodyShape) {
  const json::object doc = barbara();
  EXPECT_EQ(patch_error(ResourceKind::user, doc, json::parse("[]")), Errc::invalid_syntax);
  EXPECT_EQ(patch_error(ResourceKind::user, doc, json::parse("\"x\"")), Errc::invalid_syntax);
  EXPECT_EQ(
      patch_error(ResourceKind::user, doc,
                  json::parse(R"({"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"]})")),
      Errc::invalid_syntax);
  EXPECT_EQ(patch_error(ResourceKind::user, doc, json::parse(R"({"Operations":{}})")),
            Errc::invalid_syntax);
  EXPECT_EQ(patch_error(ResourceKind::user, doc, patch_body("[]")), Errc::invalid_value);
  EXPECT_EQ(user_error(R"([42])"), Errc::invalid_syntax);
}

TEST(PatchErrors, TooManyOperations) {
  json::array operations;
  for (std::size_t i = 0; i <= kMaxPatchOperations; ++i) {
    operations.push_back(json::parse(R"({"op":"replace","path":"title","value":"x"})"));
  }
  json::object body;
  body["Operations"] = std::move(operations);
  EXPECT_EQ(patch_error(ResourceKind::user, barbara(), body), Errc::invalid_value);
}

TEST(PatchErrors, BadOp) {
  EXPECT_EQ(user_error(R"([{"op":"move","path":"title","value":"x"}])"), Errc::invalid_syntax);
  EXPECT_EQ(user_error(R"([{"path":"title","value":"x"}])"), Errc::invalid_syntax);
  EXPECT_EQ(user_error(R"([{"op":true,"path":"title","value":"x"}])"), Errc::invalid_syntax);
}

TEST(PatchErrors, MissingValueOrTarget) {
  EXPECT_EQ(user_error(R"([{"op":"replace","path":"title"}])"), Errc::invalid_value);
  EXPECT_EQ(user_error(R"([{"op":"remove"}])"), Errc::no_target);
  EXPECT_EQ(user_error(R"([{"op":"replace","value":"x"}])"), Errc::invalid_value);
}

TEST(PatchErrors, PathsThatDoNotParse) {
  EXPECT_EQ(user_error(R"([{"op":"replace","path":"emails[type eq \"work\"","value":"x"}])"),
            Errc::invalid_path);
  EXPECT_EQ(user_error(R"([{"op":"replace","path":"emails[type eq]","value":"x"}])"),
            Errc::invalid_path);
  EXPECT_EQ(user_error(R"([{"op":"replace","path":"name..givenName","value":"x"}])"),
            Errc::invalid_path);
  EXPECT_EQ(user_error(R"([{"op":"replace","path":"emails[type eq \"work\"]x","value":"x"}])"),
            Errc::invalid_path);
  EXPECT_EQ(user_error(R"([{"op":"replace","path":42,"value":"x"}])"), Errc::invalid_path);
  EXPECT_EQ(user_error(R"([{"op":"replace","path":"name[givenName eq \"x\"]","value":"x"}])"),
            Errc::invalid_path);
}

TEST(PatchErrors, ReadOnlyTargets) {
  EXPECT_EQ(user_error(R"([{"op":"replace","path":"id","value":"x"}])"), Errc::mutability);
  EXPECT_EQ(user_error(R"([{"op":"replace","path":"meta.created","value":"x"}])"),
            Errc::mutability);
  EXPECT_EQ(user_error(R"([{"op":"add","path":"groups","value":[{"value":"g"}]}])"),
            Errc::mutability);
  EXPECT_EQ(user_error(R"([{"op":"replace",
      "path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.displayName",
      "value":"x"}])"),
            Errc::mutability);
}

TEST(PatchErrors, WrongValueTypes) {
  EXPECT_EQ(user_error(R"([{"op":"replace","path":"active","value":"maybe"}])"),
            Errc::invalid_value);
  EXPECT_EQ(user_error(R"([{"op":"replace","path":"name","value":[1,2]}])"), Errc::invalid_value);
}

TEST(PatchErrors, Members) {
  EXPECT_EQ(group_error(R"([{"op":"remove","path":"members[display eq \"x\"]"}])"),
            Errc::invalid_path);
  EXPECT_EQ(group_error(R"([{"op":"add","path":"members[value eq \"x\"]","value":"y"}])"),
            Errc::invalid_path);
  EXPECT_EQ(group_error(R"([{"op":"replace","path":"members.value","value":"y"}])"),
            Errc::invalid_path);
  EXPECT_EQ(group_error(R"([{"op":"add","path":"members","value":[{"value":""}]}])"),
            Errc::invalid_value);
  EXPECT_EQ(group_error(R"([{"op":"add","path":"members","value":[{"value":17}]}])"),
            Errc::invalid_value);
  EXPECT_EQ(group_error(R"([{"op":"add","path":"members","value":[{"display":"x"}]}])"),
            Errc::invalid_value);
}

TEST(PatchErrors, AtomicFailureReturnsOnlyTheError) {
  auto result = apply_patch(ResourceKind::group, group_doc(), patch_body(R"([
      {"op":"replace","path":"displayName","value":"Renamed"},
      {"op":"add","path":"members","value":[{"value":"u1"}]},
      {"op":"replace","path":"id","value":"x"}])"));
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, Errc::mutability);
  EXPECT_NE(result.error().detail.find("Operations[2]"), std::string::npos)
      << result.error().detail;
}

TEST(PatchErrors, OddValuesGiveAnswersNotCrashes) {
  struct Case {
    const char* operations;
    bool ok;
    Errc code;
  };
  const Case cases[] = {
      {R"([{"op":"add","path":"emails","value":[null,1,"x",{"value":[]}]}])", false,
       Errc::invalid_value},
      {R"([{"op":"replace","path":"emails[value pr].display","value":{}}])", false,
       Errc::invalid_value},
      {R"([{"op":"add","value":{"":1,"[":2,"a.b.c":3,"urn:":4,"emails[":5}}])", true, Errc{}},
      {R"([{"op":"add","path":"emails","value":null}])", true, Errc{}},
      {R"([{"op":"remove","path":"emails","value":{"type":"work"}}])", true, Errc{}},
      {R"([{"op":"add","value":{"urn:ietf:params:scim:schemas:core:2.0:User":{"userName":"x"}}}])",
       true, Errc{}},
      {R"([{"op":"add","value":{"urn:ietf:params:scim:schemas:core:2.0:Group":{"x":1}}}])", true,
       Errc{}},
  };
  for (const Case& c : cases) {
    auto result = apply_patch(ResourceKind::user, barbara(), patch_body(c.operations));
    EXPECT_EQ(result.ok(), c.ok) << c.operations;
    if (!c.ok && !result.ok()) {
      EXPECT_EQ(result.error().code, c.code) << c.operations;
    }
  }
}

TEST(PatchForms, RemoveWithValueOnMultiValuedRemovesOnlyThoseValues) {
  const PatchResult result =
      patch_user(R"([{"op":"remove","path":"emails","value":[{"value":"babs@jensen.org"}]}])");
  ASSERT_EQ(result.doc.at("emails").as_array().size(), 1u);
  EXPECT_EQ(result.doc.at("emails").as_array()[0].at("type"), "work");
}

TEST(PatchForms, CoreUrnKeyInPathlessValue) {
  const PatchResult result = patch_user(R"([{"op":"replace","value":{
      "urn:ietf:params:scim:schemas:core:2.0:User":{"userName":"babs","name.givenName":"B"}}}])");
  EXPECT_EQ(result.doc.at("userName"), "babs");
  EXPECT_EQ(result.doc.at("name").at("givenName"), "B");
}

}  // namespace
}  // namespace scimd::scim
