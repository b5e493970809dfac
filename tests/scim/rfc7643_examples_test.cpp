// The example resources of RFC 7643 §8 (minimal user, full user, enterprise user, group) and
// the schema representations of §8.7, through normalize_resource, to_representation, matches,
// project and apply_patch.
#include <string>
#include <string_view>

#include <gtest/gtest.h>

#include "scim/filter.h"
#include "scim/patch.h"
#include "scim/projection.h"
#include "scim/resource.h"

namespace scimd::scim {
namespace {

namespace json = boost::json;

// A JSON string, for comparing values with std::string (boost::json has no such operator==).
json::value js(std::string_view text) { return json::value(json::string(text)); }

constexpr const char* kBase = "https://example.com/v2";
constexpr const char* kBabsId = "2819c223-7f76-453a-919d-413861904646";
constexpr const char* kMandyId = "902c246b-6245-4190-8e05-00816be7344a";
constexpr const char* kGroupId = "e9e30dba-f08f-4109-8486-d5c6a331660a";

// §8.1 Minimal User Representation, verbatim.
constexpr const char* kMinimalUser = R"({
  "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
  "id": "2819c223-7f76-453a-919d-413861904646",
  "userName": "bjensen@example.com",
  "meta": {
    "resourceType": "User",
    "created": "2010-01-23T04:56:22Z",
    "lastModified": "2011-05-13T04:42:34Z",
    "version": "W\/\"3694e05e9dff590\"",
    "location":
     "https://example.com/v2/Users/2819c223-7f76-453a-919d-413861904646"
  }
})";

// §8.2 Full User Representation, verbatim (the certificate shortened).
constexpr const char* kFullUser = R"({
  "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
  "id": "2819c223-7f76-453a-919d-413861904646",
  "externalId": "701984",
  "userName": "bjensen@example.com",
  "name": {
    "formatted": "Ms. Barbara J Jensen, III",
    "familyName": "Jensen",
    "givenName": "Barbara",
    "middleName": "Jane",
    "honorificPrefix": "Ms.",
    "honorificSuffix": "III"
  },
  "displayName": "Babs Jensen",
  "nickName": "Babs",
  "profileUrl": "https://login.example.com/bjensen",
  "emails": [
    {"value": "bjensen@example.com", "type": "work", "primary": true},
    {"value": "babs@jensen.org", "type": "home"}
  ],
  "addresses": [
    {
      "type": "work",
      "streetAddress": "100 Universal City Plaza",
      "locality": "Hollywood",
      "region": "CA",
      "postalCode": "91608",
      "country": "USA",
      "formatted": "100 Universal City Plaza\nHollywood, CA 91608 USA",
      "primary": true
    },
    {
      "type": "home",
      "streetAddress": "456 Hollywood Blvd",
      "locality": "Hollywood",
      "region": "CA",
      "postalCode": "91608",
      "country": "USA",
      "formatted": "456 Hollywood Blvd\nHollywood, CA 91608 USA"
    }
  ],
  "phoneNumbers": [
    {"value": "555-555-5555", "type": "work"},
    {"value": "555-555-4444", "type": "mobile"}
  ],
  "ims": [{"value": "someaimhandle", "type": "aim"}],
  "photos": [
    {"value": "https://photos.example.com/profilephoto/72930000000Ccne/F", "type": "photo"},
    {"value": "https://photos.example.com/profilephoto/72930000000Ccne/T", "type": "thumbnail"}
  ],
  "userType": "Employee",
  "title": "Tour Guide",
  "preferredLanguage": "en-US",
  "locale": "en-US",
  "timezone": "America/Los_Angeles",
  "active": true,
  "password": "t1meMa$heen",
  "groups": [
    {"value": "e9e30dba-f08f-4109-8486-d5c6a331660a",
     "$ref": "https://example.com/v2/Groups/e9e30dba-f08f-4109-8486-d5c6a331660a",
     "display": "Tour Guides"},
    {"value": "fc348aa8-3835-40eb-a20b-c726e15c55b5",
     "$ref": "https://example.com/v2/Groups/fc348aa8-3835-40eb-a20b-c726e15c55b5",
     "display": "Employees"},
    {"value": "71ddacd2-a8e7-49b8-a5db-ae50d0a5bfd7",
     "$ref": "https://example.com/v2/Groups/71ddacd2-a8e7-49b8-a5db-ae50d0a5bfd7",
     "display": "US Employees"}
  ],
  "x509Certificates": [{"value": "MIIDQzCCAqygAwIBAgICEAAwDQYJKoZIhvcNAQEFBQAwTjELMAkGA1UEBhMCVVMx"}],
  "meta": {
    "resourceType": "User",
    "created": "2010-01-23T04:56:22Z",
    "lastModified": "2011-05-13T04:42:34Z",
    "version": "W\/\"a330bc54f0671c9\"",
    "location": "https://example.com/v2/Users/2819c223-7f76-453a-919d-413861904646"
  }
})";

// §8.3 Enterprise User Extension Representation, verbatim (the core part shortened to what
// §8.2 already covers).
constexpr const char* kEnterpriseUser = R"({
  "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User",
              "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],
  "id": "2819c223-7f76-453a-919d-413861904646",
  "externalId": "701984",
  "userName": "bjensen@example.com",
  "name": {"familyName": "Jensen", "givenName": "Barbara"},
  "displayName": "Babs Jensen",
  "userType": "Employee",
  "title": "Tour Guide",
  "active": true,
  "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": {
    "employeeNumber": "701984",
    "costCenter": "4130",
    "organization": "Universal Studios",
    "division": "Theme Park",
    "department": "Tour Operations",
    "manager": {
      "value": "26118915-6090-4610-87e4-49d8ca9f808d",
      "$ref": "../Users/26118915-6090-4610-87e4-49d8ca9f808d",
      "displayName": "John Smith"
    }
  },
  "meta": {
    "resourceType": "User",
    "created": "2010-01-23T04:56:22Z",
    "lastModified": "2011-05-13T04:42:34Z",
    "version": "W\/\"3694e05e9dff591\"",
    "location": "https://example.com/v2/Users/2819c223-7f76-453a-919d-413861904646"
  }
})";

// §8.4 Group Representation, verbatim.
constexpr const char* kGroup = R"({
  "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"],
  "id": "e9e30dba-f08f-4109-8486-d5c6a331660a",
  "displayName": "Tour Guides",
  "members": [
    {
      "value": "2819c223-7f76-453a-919d-413861904646",
      "$ref": "https://example.com/v2/Users/2819c223-7f76-453a-919d-413861904646",
      "display": "Babs Jensen"
    },
    {
      "value": "902c246b-6245-4190-8e05-00816be7344a",
      "$ref": "https://example.com/v2/Users/902c246b-6245-4190-8e05-00816be7344a",
      "display": "Mandy Pepperidge"
    }
  ],
  "meta": {
    "resourceType": "Group",
    "created": "2010-01-23T04:56:22Z",
    "lastModified": "2011-05-13T04:42:34Z",
    "version": "W\/\"3694e05e9dff592\"",
    "location": "https://example.com/v2/Groups/e9e30dba-f08f-4109-8486-d5c6a331660a"
  }
})";

Incoming normalized(ResourceKind kind, std::string_view text) {
  auto in = normalize_resource(kind, json::parse(text));
  EXPECT_TRUE(in.ok()) << (in.ok() ? "" : in.error().detail);
  if (!in.ok()) return {};
  return std::move(in).value();
}

Meta rfc_meta(std::string_view id, std::string_view endpoint) {
  return Meta{std::string(id), "2010-01-23T04:56:22Z", "2011-05-13T04:42:34Z",
              std::string(kBase) + std::string(endpoint) + std::string(id), 3};
}

// The representation scimd would serve for a §8 user body.
json::object user_representation(std::string_view text) {
  const Incoming in = normalized(ResourceKind::user, text);
  return to_representation(ResourceKind::user, in.doc, rfc_meta(kBabsId, "/Users/"), nullptr,
                           nullptr, kBase);
}

bool user_matches(std::string_view filter, const json::object& rep) {
  auto f = parse_filter(filter);
  EXPECT_TRUE(f.ok()) << filter << ": " << (f.ok() ? "" : f.error().detail);
  if (!f.ok()) return false;
  EXPECT_TRUE(validate_filter(ResourceKind::user, *f).ok()) << filter;
  return matches(ResourceKind::user, *f, rep);
}

json::value patch_body(std::string_view operations) {
  return json::object{{"schemas", json::array{urn::kPatchOp}},
                      {"Operations", json::parse(operations)}};
}

// ---------------------------------------------------------------------------------------------
// §8.1

TEST(Rfc7643Examples, S8_1_MinimalUserKeepsOnlyTheClientsAttributes) {
  const Incoming in = normalized(ResourceKind::user, kMinimalUser);
  // id and meta are readOnly: not stored; what remains is the userName.
  EXPECT_EQ(in.doc, json::parse(R"({"userName":"bjensen@example.com"})").as_object());
}

TEST(Rfc7643Examples, S8_1_MinimalUserRoundTrips) {
  const json::object rep = user_representation(kMinimalUser);
  json::object expected = json::parse(kMinimalUser).as_object();
  // scimd's version is its own weak ETag.
  expected["meta"].as_object()["version"] = "W/\"3\"";
  EXPECT_EQ(rep, expected);
}

// ---------------------------------------------------------------------------------------------
// §8.2

TEST(Rfc7643Examples, S8_2_FullUserIsStoredAsSentExceptServerOwnedAndWriteOnly) {
  const Incoming in = normalized(ResourceKind::user, kFullUser);
  json::object expected = json::parse(kFullUser).as_object();
  for (const char* server_owned : {"schemas", "id", "meta", "groups", "password"}) {
    expected.erase(server_owned);
  }
  EXPECT_EQ(in.doc, expected);
}

TEST(Rfc7643Examples, S8_2_FullUserRepresentation) {
  const json::object rep = user_representation(kFullUser);
  EXPECT_EQ(rep.at("schemas"), json::array{urn::kUser});
  EXPECT_EQ(rep.at("id"), kBabsId);
  EXPECT_FALSE(rep.contains("password"));  // returned "never"
  EXPECT_FALSE(rep.contains("groups"));    // only when the caller supplies memberships
  EXPECT_EQ(rep.at("name").at("formatted"), "Ms. Barbara J Jensen, III");
  EXPECT_EQ(rep.at("addresses").as_array()[0].at("formatted"),
            "100 Universal City Plaza\nHollywood, CA 91608 USA");
  EXPECT_EQ(rep.at("meta").at("location"),
            "https://example.com/v2/Users/2819c223-7f76-453a-919d-413861904646");
  // With memberships, the groups as §8.2 shows them.
  const Incoming in = normalized(ResourceKind::user, kFullUser);
  const std::vector<GroupRef> groups{{std::string(kGroupId), "Tour Guides"}};
  const json::object with_groups = to_representation(
      ResourceKind::user, in.doc, rfc_meta(kBabsId, "/Users/"), nullptr, &groups, kBase);
  const json::object& g = with_groups.at("groups").as_array()[0].as_object();
  EXPECT_EQ(g.at("value"), kGroupId);
  EXPECT_EQ(g.at("$ref"), "https://example.com/v2/Groups/e9e30dba-f08f-4109-8486-d5c6a331660a");
  EXPECT_EQ(g.at("display"), "Tour Guides");
}

TEST(Rfc7643Examples, S8_2_FiltersOverTheFullUser) {
  const json::object rep = user_representation(kFullUser);
  const std::vector<std::pair<std::string, bool>> cases = {
      {R"(userName eq "bjensen@example.com")", true},
      {R"(userName eq "BJENSEN@EXAMPLE.COM")", true},              // caseExact false
      {R"(id eq "2819C223-7F76-453A-919D-413861904646")", false},  // caseExact true
      {"id eq \"" + std::string(kBabsId) + "\"", true},
      {R"(externalId eq "701984")", true},
      {R"(name.familyName co "ens")", true},
      {R"(name.honorificSuffix eq "III")", true},
      {R"(displayName sw "babs")", true},
      {R"(title pr and userType eq "Employee")", true},
      {R"(title pr or userType eq "Intern")", true},
      {R"(not (userType eq "Intern"))", true},
      {R"(userType ne "Employee")", false},
      {R"(active eq true)", true},
      {R"(active eq false)", false},
      {R"(emails[type eq "work" and value co "@example.com"])", true},
      {R"(emails[type eq "home" and value co "@example.com"])", false},
      {R"(emails co "jensen.org")", true},
      {R"(emails.value ew ".org")", true},
      {R"(emails.type eq "other")", false},
      {R"(emails[primary eq true].value eq "bjensen@example.com")", true},
      {R"(addresses[type eq "home" and locality eq "Hollywood"])", true},
      {R"(addresses.postalCode eq "91608")", true},
      {R"(phoneNumbers.value co "555-4444")", true},
      {R"(ims[type eq "aim"])", true},
      {R"(ims[type eq "xmpp" and value co "@foo.com"])", false},
      {R"(photos[type eq "thumbnail"].value ew "/T")", true},
      {R"(x509Certificates pr)", true},
      {R"(nickName pr)", true},
      {R"(profileUrl sw "https://login.example.com")", true},
      {R"(meta.resourceType eq "User")", true},
      {R"(meta.created lt "2010-01-24T00:00:00Z")", true},
      {R"(meta.lastModified gt "2011-05-13T04:42:34Z")", false},
      {R"(meta.lastModified ge "2011-05-13T04:42:34Z")", true},
      {R"(meta.lastModified le "2011-05-13T04:42:34.000Z")", true},
      {R"(meta.lastModified gt "2011-05-13T04:42:33+00:00")", true},
      {R"(schemas eq "urn:ietf:params:scim:schemas:core:2.0:User")", true},
      {R"(schemas eq "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User")", false},
      {R"(urn:ietf:params:scim:schemas:core:2.0:User:name.givenName eq "Barbara")", true},
  };
  for (const auto& [filter, expected] : cases) {
    SCOPED_TRACE(filter);
    EXPECT_EQ(user_matches(filter, rep), expected);
  }
  // password is writeOnly and never stored: scimd refuses to filter on it rather than answer.
  auto password = parse_filter("password pr");
  ASSERT_TRUE(password.ok());
  EXPECT_FALSE(validate_filter(ResourceKind::user, *password).ok());
}

TEST(Rfc7643Examples, S8_2_ProjectionOfTheFullUser) {
  const json::object rep = user_representation(kFullUser);
  const json::object only = project(
      ResourceKind::user, rep, parse_projection(ResourceKind::user, "userName,name.givenName", ""));
  EXPECT_EQ(only, json::parse(R"({"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],
      "id":"2819c223-7f76-453a-919d-413861904646","userName":"bjensen@example.com",
      "name":{"givenName":"Barbara"}})")
                      .as_object());
  const json::object excluded =
      project(ResourceKind::user, rep,
              parse_projection(ResourceKind::user, "",
                               "emails,addresses,phoneNumbers,ims,photos,meta,name"));
  EXPECT_FALSE(excluded.contains("emails"));
  EXPECT_FALSE(excluded.contains("meta"));
  EXPECT_FALSE(excluded.contains("name"));
  EXPECT_EQ(excluded.at("id"), kBabsId);
  EXPECT_EQ(excluded.at("x509Certificates"), rep.at("x509Certificates"));
  // Sub-attributes of multi-valued attributes.
  const json::object types =
      project(ResourceKind::user, rep, parse_projection(ResourceKind::user, "emails.type", ""));
  EXPECT_EQ(types.at("emails"), json::parse(R"([{"type":"work"},{"type":"home"}])"));
}

TEST(Rfc7643Examples, S8_2_Rfc7644PatchExamplesOnTheFullUser) {
  const Incoming in = normalized(ResourceKind::user, kFullUser);
  // §3.5.2.3: a sub-attribute of the work address through a value filter.
  auto street = apply_patch(ResourceKind::user, in.doc, patch_body(R"([{"op":"replace",
      "path":"addresses[type eq \"work\"].streetAddress","value":"1010 Broadway Ave"}])"));
  ASSERT_TRUE(street.ok()) << street.error().detail;
  const json::array& addresses = street->doc.at("addresses").as_array();
  EXPECT_EQ(addresses[0].at("streetAddress"), "1010 Broadway Ave");
  EXPECT_EQ(addresses[0].at("locality"), "Hollywood");
  EXPECT_EQ(addresses[1].at("streetAddress"), "456 Hollywood Blvd");
  // §3.5.2.2: remove the work email by a compound filter.
  auto removed = apply_patch(ResourceKind::user, in.doc, patch_body(R"([{"op":"remove",
      "path":"emails[type eq \"work\" and value ew \"example.com\"]"}])"));
  ASSERT_TRUE(removed.ok()) << removed.error().detail;
  EXPECT_EQ(removed->doc.at("emails"),
            json::parse(R"([{"value":"babs@jensen.org","type":"home"}])"));
  // §3.5.2.1: path-less add; the new home email is appended, nickName replaced.
  auto added = apply_patch(ResourceKind::user, in.doc, patch_body(R"([{"op":"add","value":{
      "emails":[{"value":"babs@example.net","type":"other"}],"nickname":"Barbie"}}])"));
  ASSERT_TRUE(added.ok()) << added.error().detail;
  EXPECT_EQ(added->doc.at("emails").as_array().size(), 3u);
  EXPECT_EQ(added->doc.at("nickName"), "Barbie");
  // The input document was not touched.
  EXPECT_EQ(in.doc.at("emails").as_array().size(), 2u);
  // readOnly attributes of §8.2 cannot be patched.
  auto groups =
      apply_patch(ResourceKind::user, in.doc,
                  patch_body(R"([{"op":"add","path":"groups","value":[{"value":"x"}]}])"));
  ASSERT_FALSE(groups.ok());
  EXPECT_EQ(groups.error().code, Errc::mutability);
}

// ---------------------------------------------------------------------------------------------
// §8.3

TEST(Rfc7643Examples, S8_3_EnterpriseUserIsStoredUnderItsUrn) {
  const Incoming in = normalized(ResourceKind::user, kEnterpriseUser);
  const json::object& ext = in.doc.at(urn::kEnterpriseUser).as_object();
  EXPECT_EQ(ext.at("employeeNumber"), "701984");
  EXPECT_EQ(ext.at("costCenter"), "4130");
  EXPECT_EQ(ext.at("organization"), "Universal Studios");
  EXPECT_EQ(ext.at("division"), "Theme Park");
  EXPECT_EQ(ext.at("department"), "Tour Operations");
  EXPECT_EQ(ext.at("manager").at("value"), "26118915-6090-4610-87e4-49d8ca9f808d");
  EXPECT_EQ(ext.at("manager").at("$ref"), "../Users/26118915-6090-4610-87e4-49d8ca9f808d");
}

TEST(Rfc7643Examples, S8_3_ReadOnlyManagerDisplayNameIsNotStored) {
  const Incoming in = normalized(ResourceKind::user, kEnterpriseUser);
  const json::object& ext = in.doc.at(urn::kEnterpriseUser).as_object();
  EXPECT_EQ(ext.at("manager"), json::parse(R"({"value":"26118915-6090-4610-87e4-49d8ca9f808d",
      "$ref":"../Users/26118915-6090-4610-87e4-49d8ca9f808d"})"));
}

TEST(Rfc7643Examples, S8_3_EnterpriseUserRepresentationNamesBothSchemas) {
  const json::object rep = user_representation(kEnterpriseUser);
  EXPECT_EQ(rep.at("schemas"), (json::array{urn::kUser, urn::kEnterpriseUser}));
  EXPECT_EQ(rep.at(urn::kEnterpriseUser).at("costCenter"), "4130");
  // Without the extension, only the core schema is named.
  EXPECT_EQ(user_representation(kMinimalUser).at("schemas"), json::array{urn::kUser});
}

TEST(Rfc7643Examples, S8_3_FiltersOnExtensionAttributes) {
  const json::object rep = user_representation(kEnterpriseUser);
  const std::string ext(urn::kEnterpriseUser);
  EXPECT_TRUE(user_matches(ext + R"(:employeeNumber eq "701984")", rep));
  EXPECT_TRUE(
      user_matches(ext + R"(:manager.value eq "26118915-6090-4610-87e4-49d8ca9f808d")", rep));
  EXPECT_TRUE(user_matches(ext + R"(:department sw "tour")", rep));
  EXPECT_FALSE(user_matches(ext + R"(:costCenter eq "4131")", rep));
  EXPECT_TRUE(user_matches(
      R"(schemas eq "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User")", rep));
  EXPECT_TRUE(user_matches(ext + ":manager pr", rep));
  EXPECT_FALSE(user_matches(ext + ":manager pr", user_representation(kFullUser)));
}

TEST(Rfc7643Examples, S8_3_ProjectionOfExtensionAttributes) {
  const json::object rep = user_representation(kEnterpriseUser);
  const std::string ext(urn::kEnterpriseUser);
  const json::object one = project(
      ResourceKind::user, rep, parse_projection(ResourceKind::user, ext + ":employeeNumber", ""));
  EXPECT_EQ(one.at(ext), json::parse(R"({"employeeNumber":"701984"})"));
  EXPECT_FALSE(one.contains("userName"));
  const json::object whole =
      project(ResourceKind::user, rep, parse_projection(ResourceKind::user, ext, ""));
  EXPECT_EQ(whole.at(ext), rep.at(ext));
  const json::object without =
      project(ResourceKind::user, rep, parse_projection(ResourceKind::user, "", ext + ":manager"));
  EXPECT_FALSE(without.at(ext).as_object().contains("manager"));
  EXPECT_EQ(without.at(ext).at("division"), "Theme Park");
}

TEST(Rfc7643Examples, S8_3_PatchExtensionAttributes) {
  const Incoming in = normalized(ResourceKind::user, kEnterpriseUser);
  const std::string ext(urn::kEnterpriseUser);
  json::object op{{"op", "replace"}, {"path", ext + ":manager.value"}, {"value", "jsmith"}};
  auto r = apply_patch(
      ResourceKind::user, in.doc,
      json::object{{"schemas", json::array{urn::kPatchOp}}, {"Operations", json::array{op}}});
  ASSERT_TRUE(r.ok()) << r.error().detail;
  EXPECT_EQ(r->doc.at(ext).at("manager").at("value"), "jsmith");
  EXPECT_EQ(r->doc.at(ext).at("costCenter"), "4130");
  json::object remove{{"op", "remove"}, {"path", ext + ":costCenter"}};
  auto r2 = apply_patch(
      ResourceKind::user, in.doc,
      json::object{{"schemas", json::array{urn::kPatchOp}}, {"Operations", json::array{remove}}});
  ASSERT_TRUE(r2.ok()) << r2.error().detail;
  EXPECT_FALSE(r2->doc.at(ext).as_object().contains("costCenter"));
}

// ---------------------------------------------------------------------------------------------
// §8.4

TEST(Rfc7643Examples, S8_4_GroupMembersAreSeparatedFromTheDocument) {
  const Incoming in = normalized(ResourceKind::group, kGroup);
  EXPECT_EQ(in.doc, json::parse(R"({"displayName":"Tour Guides"})").as_object());
  EXPECT_TRUE(in.members_present);
  ASSERT_EQ(in.members.size(), 2u);
  EXPECT_EQ(in.members[0].value, kBabsId);
  EXPECT_EQ(in.members[0].display, "Babs Jensen");
  EXPECT_EQ(in.members[1].value, kMandyId);
  EXPECT_EQ(in.members[1].display, "Mandy Pepperidge");
}

TEST(Rfc7643Examples, S8_4_GroupRepresentationRoundTrips) {
  const Incoming in = normalized(ResourceKind::group, kGroup);
  std::vector<MemberRef> members = in.members;
  for (auto& m : members) m.type = "User";  // the store types members by what their id names
  const json::object rep = to_representation(
      ResourceKind::group, in.doc, rfc_meta(kGroupId, "/Groups/"), &members, nullptr, kBase);
  json::object expected = json::parse(kGroup).as_object();
  expected["meta"].as_object()["version"] = "W/\"3\"";
  for (auto& m : expected["members"].as_array()) m.as_object()["type"] = "User";
  EXPECT_EQ(rep, expected);
}

TEST(Rfc7643Examples, S8_4_GroupFilters) {
  const Incoming in = normalized(ResourceKind::group, kGroup);
  std::vector<MemberRef> members = in.members;
  const json::object rep = to_representation(
      ResourceKind::group, in.doc, rfc_meta(kGroupId, "/Groups/"), &members, nullptr, kBase);
  const auto group_matches = [&](std::string_view text) {
    auto f = parse_filter(text);
    EXPECT_TRUE(f.ok()) << text;
    if (!f.ok()) return false;
    EXPECT_TRUE(validate_filter(ResourceKind::group, *f).ok()) << text;
    return matches(ResourceKind::group, *f, rep);
  };
  EXPECT_TRUE(group_matches(R"(displayName eq "tour guides")"));
  EXPECT_TRUE(group_matches("members[value eq \"" + std::string(kMandyId) + "\"]"));
  EXPECT_TRUE(group_matches("members.value eq \"" + std::string(kBabsId) + "\""));
  EXPECT_TRUE(group_matches(R"(members.display co "Pepperidge")"));
  EXPECT_FALSE(group_matches(R"(members[value eq "26118915-6090-4610-87e4-49d8ca9f808d"])"));
  EXPECT_TRUE(group_matches(R"(meta.resourceType eq "Group")"));
  EXPECT_TRUE(group_matches(R"(members pr)"));
}

TEST(Rfc7643Examples, S8_4_PatchGroupMembers) {
  const Incoming in = normalized(ResourceKind::group, kGroup);
  auto r = apply_patch(
      ResourceKind::group, in.doc,
      patch_body(
          R"([{"op":"remove","path":"members[value eq \"902c246b-6245-4190-8e05-00816be7344a\"]"},
                                      {"op":"replace","path":"displayName","value":"Tour Guides 2"}])"));
  ASSERT_TRUE(r.ok()) << r.error().detail;
  EXPECT_EQ(r->doc.at("displayName"), "Tour Guides 2");
  ASSERT_EQ(r->member_ops.size(), 1u);
  EXPECT_EQ(r->member_ops[0].kind, MemberOp::Kind::remove);
  ASSERT_EQ(r->member_ops[0].members.size(), 1u);
  EXPECT_EQ(r->member_ops[0].members[0].value, kMandyId);
  // members are never part of the stored document.
  EXPECT_FALSE(r->doc.contains("members"));
}

// ---------------------------------------------------------------------------------------------
// §8.7.1 resource schemas, compared on the characteristics the RFC prints

json::object attribute_in(const json::object& schema, std::string_view name) {
  for (const auto& a : schema.at("attributes").as_array()) {
    if (a.at("name").as_string() == name) return a.as_object();
  }
  ADD_FAILURE() << "no attribute " << name;
  return {};
}

json::object sub_attribute_in(const json::object& attr, std::string_view name) {
  for (const auto& a : attr.at("subAttributes").as_array()) {
    if (a.at("name").as_string() == name) return a.as_object();
  }
  ADD_FAILURE() << "no sub-attribute " << name;
  return {};
}

void expect_characteristics(const json::object& attr, std::string_view type, bool multi_valued,
                            bool required, bool case_exact, std::string_view mutability,
                            std::string_view returned, std::string_view uniqueness) {
  SCOPED_TRACE(std::string(attr.at("name").as_string()));
  EXPECT_EQ(attr.at("type").as_string(), type);
  EXPECT_EQ(attr.at("multiValued"), multi_valued);
  EXPECT_EQ(attr.at("required"), required);
  if (type == "string" || type == "reference" || type == "binary") {
    EXPECT_EQ(attr.at("caseExact"), case_exact);
  }
  EXPECT_EQ(attr.at("mutability").as_string(), mutability);
  EXPECT_EQ(attr.at("returned").as_string(), returned);
  if (type != "complex" && type != "boolean") {
    EXPECT_EQ(attr.at("uniqueness").as_string(), uniqueness);
  }
}

TEST(Rfc7643Examples, S8_7_1_UserSchema) {
  const json::object s = schema_to_json(user_schema(), kBase);
  EXPECT_EQ(s.at("id").as_string(), urn::kUser);
  EXPECT_EQ(s.at("name"), "User");
  EXPECT_EQ(s.at("description"), "User Account");
  EXPECT_EQ(s.at("meta").at("resourceType"), "Schema");
  EXPECT_EQ(s.at("meta").at("location"),
            js(std::string(kBase) + "/Schemas/" + std::string(urn::kUser)));
  expect_characteristics(attribute_in(s, "userName"), "string", false, true, false, "readWrite",
                         "default", "server");
  expect_characteristics(attribute_in(s, "name"), "complex", false, false, false, "readWrite",
                         "default", "none");
  expect_characteristics(sub_attribute_in(attribute_in(s, "name"), "familyName"), "string", false,
                         false, false, "readWrite", "default", "none");
  expect_characteristics(attribute_in(s, "profileUrl"), "reference", false, false, false,
                         "readWrite", "default", "none");
  EXPECT_EQ(attribute_in(s, "profileUrl").at("referenceTypes"), json::array{"external"});
  expect_characteristics(attribute_in(s, "active"), "boolean", false, false, false, "readWrite",
                         "default", "none");
  expect_characteristics(attribute_in(s, "password"), "string", false, false, false, "writeOnly",
                         "never", "none");
  const json::object emails = attribute_in(s, "emails");
  expect_characteristics(emails, "complex", true, false, false, "readWrite", "default", "none");
  expect_characteristics(sub_attribute_in(emails, "value"), "string", false, false, false,
                         "readWrite", "default", "none");
  const json::object email_type = sub_attribute_in(emails, "type");
  EXPECT_EQ(email_type.at("canonicalValues"), (json::array{"work", "home", "other"}));
  expect_characteristics(sub_attribute_in(emails, "primary"), "boolean", false, false, false,
                         "readWrite", "default", "none");
  const json::object groups = attribute_in(s, "groups");
  expect_characteristics(groups, "complex", true, false, false, "readOnly", "default", "none");
  EXPECT_EQ(sub_attribute_in(groups, "$ref").at("referenceTypes"), json::array{"Group"});
  expect_characteristics(attribute_in(s, "x509Certificates"), "complex", true, false, false,
                         "readWrite", "default", "none");
  EXPECT_EQ(sub_attribute_in(attribute_in(s, "x509Certificates"), "value").at("type"), "binary");
}

TEST(Rfc7643Examples, S8_7_1_GroupSchema) {
  const json::object s = schema_to_json(group_schema(), kBase);
  EXPECT_EQ(s.at("id").as_string(), urn::kGroup);
  EXPECT_EQ(s.at("name"), "Group");
  expect_characteristics(attribute_in(s, "displayName"), "string", false, true, false, "readWrite",
                         "default", "server");
  const json::object members = attribute_in(s, "members");
  expect_characteristics(members, "complex", true, false, false, "readWrite", "default", "none");
  expect_characteristics(sub_attribute_in(members, "value"), "string", false, false, true,
                         "immutable", "default", "none");
  const json::object ref = sub_attribute_in(members, "$ref");
  EXPECT_EQ(ref.at("mutability"), "immutable");
  EXPECT_EQ(ref.at("referenceTypes"), (json::array{"User", "Group"}));
  EXPECT_EQ(sub_attribute_in(members, "type").at("canonicalValues"),
            (json::array{"User", "Group"}));
}

TEST(Rfc7643Examples, S8_7_1_EnterpriseUserSchema) {
  const json::object s = schema_to_json(enterprise_user_schema(), kBase);
  EXPECT_EQ(s.at("id").as_string(), urn::kEnterpriseUser);
  EXPECT_EQ(s.at("name"), "EnterpriseUser");
  for (const char* name :
       {"employeeNumber", "costCenter", "organization", "division", "department"}) {
    expect_characteristics(attribute_in(s, name), "string", false, false, false, "readWrite",
                           "default", "none");
  }
  const json::object manager = attribute_in(s, "manager");
  expect_characteristics(manager, "complex", false, false, false, "readWrite", "default", "none");
  EXPECT_EQ(sub_attribute_in(manager, "displayName").at("mutability"), "readOnly");
  EXPECT_EQ(sub_attribute_in(manager, "$ref").at("referenceTypes"), json::array{"User"});
}

}  // namespace
}  // namespace scimd::scim
