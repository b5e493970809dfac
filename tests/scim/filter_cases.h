// A table of SCIM filters with the sample resources each one matches, shared by the in-memory
// evaluator test (tests/scim/filter_cases_test.cpp) and any store whose SQL translation of
// filters must agree with scim::matches().
//
// The samples are full representations as clients see them (id, meta, schemas, groups,
// members, extension attributes under their URN key). Every filter in the table passes
// scim::validate_filter for its kind. Semantics worth knowing when translating to SQL:
// any-element matching for multi-valued attributes, `ne` = NOT `eq` (true when absent),
// `eq null` = NOT `pr`, `pr` false for "" / [] / {}, caseExact by the schema with ASCII
// folding, string ordering bytewise, a number literal against a string attribute compares as
// its text, dateTimes compare as instants whatever their offset.
#pragma once

#include <string>
#include <vector>

#include <boost/json.hpp>

#include "scim/schema.h"

namespace scimd::scim::testing {

struct FilterCase {
  std::string filter;
  std::vector<std::string> expected_ids;  // the "id" of every matching sample, in sample order
  ResourceKind kind;
};

// The sample Users (ids u1..u5) and Groups (ids g1..g3).
inline std::vector<boost::json::object> sample_resources(ResourceKind kind) {
  static const char* const kUsers[] = {
      R"({
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User",
                    "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],
        "id": "u1",
        "externalId": "EXT-bjensen",
        "userName": "bjensen",
        "name": {"formatted": "Ms. Barbara J Jensen, III", "familyName": "Jensen",
                 "givenName": "Barbara", "middleName": "Jane"},
        "displayName": "Babs Jensen",
        "nickName": "Babs",
        "profileUrl": "https://login.example.com/bjensen",
        "title": "Tour Guide",
        "userType": "Employee",
        "preferredLanguage": "en-US",
        "locale": "en-US",
        "timezone": "America/Los_Angeles",
        "active": true,
        "emails": [{"value": "bjensen@example.com", "type": "work", "primary": true},
                   {"value": "babs@jensen.org", "type": "home"}],
        "phoneNumbers": [{"value": "555-555-5555", "type": "work"},
                         {"value": "555-555-4444", "type": "mobile"}],
        "ims": [{"value": "someaimhandle", "type": "aim"}],
        "roles": [{"value": "Admin", "primary": true}],
        "groups": [{"value": "g1", "display": "Tour Guides", "type": "direct"}],
        "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": {
          "employeeNumber": "701984", "costCenter": "4130", "organization": "Universal Studios",
          "division": "Theme Park", "department": "Tour Operations",
          "manager": {"value": "u3", "displayName": "John Smith"}},
        "meta": {"resourceType": "User", "created": "2010-01-23T04:56:22.000Z",
                 "lastModified": "2011-05-13T04:42:34.000Z",
                 "location": "https://example.com/v2/Users/u1",
                 "version": "W/\"3694e05e9dff591\""}
      })",
      R"({
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
        "id": "u2",
        "externalId": "ext-omalley",
        "userName": "Ryan.OMalley@Example.org",
        "name": {"familyName": "O'Malley", "givenName": "Ryan"},
        "displayName": "Ryan O'Malley",
        "userType": "Intern",
        "active": false,
        "emails": [{"value": "ryan@example.org", "type": "work"}],
        "ims": [{"value": "ryan@foo.com", "type": "xmpp"}],
        "groups": [{"value": "g1", "display": "Tour Guides", "type": "direct"},
                   {"value": "g2", "display": "Group One", "type": "direct"}],
        "meta": {"resourceType": "User", "created": "2015-10-10T21:38:21.861Z",
                 "lastModified": "2016-01-01T00:00:00.000Z",
                 "location": "https://example.com/v2/Users/u2", "version": "W/\"2\""}
      })",
      R"({
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User",
                    "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],
        "id": "u3",
        "externalId": "EXT-JSMITH",
        "userName": "JSmith",
        "name": {"familyName": "Smith", "givenName": "John"},
        "displayName": "John Smith",
        "title": "",
        "userType": "Employee",
        "active": true,
        "emails": [{"value": "john@EXAMPLE.COM", "type": "Work", "primary": true},
                   {"value": "js@other.net", "type": "other", "primary": false}],
        "ims": [{"value": "jsmith@bar.com", "type": "xmpp"}],
        "x509Certificates": [{"value": "MIIDQzCCAqygAwIBAgICEAAwDQYJKoZIhvcNAQEFBQAw"}],
        "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": {
          "employeeNumber": "007", "department": "Executive"},
        "meta": {"resourceType": "User", "created": "2020-02-29T12:00:00.000Z",
                 "lastModified": "2020-03-01T00:00:00.000Z",
                 "location": "https://example.com/v2/Users/u3", "version": "W/\"3\""}
      })",
      R"({
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
        "id": "u4",
        "userName": "minimal",
        "name": {},
        "emails": [],
        "meta": {"resourceType": "User", "created": "2026-11-24T15:08:18.123Z",
                 "lastModified": "2026-11-24T15:08:18.123Z",
                 "location": "https://example.com/v2/Users/u4", "version": "W/\"4\""}
      })",
      R"({
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
        "id": "u5",
        "externalId": "ext-zoe",
        "userName": "zo\u00eb@example.com",
        "name": {"familyName": "\u00dcnicode", "givenName": "Zo\u00eb"},
        "displayName": "Zo\u00eb \u00dcnicode",
        "title": "Engineer",
        "userType": "Intern",
        "active": true,
        "emails": [{"value": "zoe@example.com", "type": "work", "primary": true}],
        "phoneNumbers": [{"value": "+1 (555) 010-9999", "type": "work"}],
        "meta": {"resourceType": "User", "created": "2015-10-10T21:38:21.862Z",
                 "lastModified": "2015-10-10T21:38:21.862Z",
                 "location": "https://example.com/v2/Users/u5", "version": "W/\"5\""}
      })"};
  static const char* const kGroups[] = {
      R"({
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"],
        "id": "g1",
        "externalId": "EXT-G1",
        "displayName": "Tour Guides",
        "members": [{"value": "u1", "display": "Babs Jensen", "type": "User",
                     "$ref": "https://example.com/v2/Users/u1"},
                    {"value": "u2", "display": "Ryan O'Malley", "type": "User"}],
        "meta": {"resourceType": "Group", "created": "2012-01-01T00:00:00.000Z",
                 "lastModified": "2016-01-01T00:00:00.000Z",
                 "location": "https://example.com/v2/Groups/g1", "version": "W/\"g1\""}
      })",
      R"({
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"],
        "id": "g2",
        "externalId": "8f2a-ABC",
        "displayName": "Group One",
        "members": [{"value": "u2", "type": "User"},
                    {"value": "g1", "display": "Tour Guides", "type": "Group"}],
        "meta": {"resourceType": "Group", "created": "2019-06-01T10:00:00.000Z",
                 "lastModified": "2019-06-01T10:00:00.000Z",
                 "location": "https://example.com/v2/Groups/g2", "version": "W/\"g2\""}
      })",
      R"({
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"],
        "id": "g3",
        "displayName": "Empty Group",
        "members": [],
        "meta": {"resourceType": "Group", "created": "2026-01-01T00:00:00.000Z",
                 "lastModified": "2026-01-01T00:00:00.000Z",
                 "location": "https://example.com/v2/Groups/g3", "version": "W/\"g3\""}
      })"};
  std::vector<boost::json::object> out;
  if (kind == ResourceKind::user) {
    for (const char* text : kUsers) out.push_back(boost::json::parse(text).as_object());
  } else {
    for (const char* text : kGroups) out.push_back(boost::json::parse(text).as_object());
  }
  return out;
}

// Each filter with the ids it matches among sample_resources(kind).
inline const std::vector<FilterCase>& filter_cases() {
  constexpr auto U = ResourceKind::user;
  constexpr auto G = ResourceKind::group;
#define EU "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
  static const std::vector<FilterCase> cases = {
      // string, caseExact=false (userName)
      {R"(userName eq "bjensen")", {"u1"}, U},
      {R"(userName eq "BJENSEN")", {"u1"}, U},
      {R"(userName eq "bjensen ")", {}, U},
      {R"(userName ne "bjensen")", {"u2", "u3", "u4", "u5"}, U},
      {R"(userName co "omalley")", {"u2"}, U},
      {R"(userName co "EXAMPLE")", {"u2", "u5"}, U},
      {R"(userName sw "J")", {"u3"}, U},
      {R"(userName sw "j")", {"u3"}, U},
      {R"(userName ew ".ORG")", {"u2"}, U},
      {R"(userName ew "@example.com")", {"u5"}, U},
      {R"(userName gt "m")", {"u2", "u4", "u5"}, U},
      {R"(userName ge "minimal")", {"u2", "u4", "u5"}, U},
      {R"(userName lt "JSMITH")", {"u1"}, U},
      {R"(userName le "jsmith")", {"u1", "u3"}, U},
      {R"(userName co "")", {"u1", "u2", "u3", "u4", "u5"}, U},
      {"userName eq \"Zo\u00eb@EXAMPLE.com\"", {"u5"}, U},
      // ASCII case folding only: "Ë" is not folded to "ë".
      {"userName eq \"ZO\u00cb@example.com\"", {}, U},
      {R"(urn:ietf:params:scim:schemas:core:2.0:User:userName sw "J")", {"u3"}, U},
      {R"(USERNAME eq "JSMITH")", {"u3"}, U},
      {"userName sw R", {"u2"}, U},
      {"userName sw O", {}, U},
      {R"(userName eq "Ryan.OMalley@example.org")", {"u2"}, U},
      // displayName (missing on u4)
      {R"(displayName eq "john smith")", {"u3"}, U},
      {R"(displayName co "o'malley")", {"u2"}, U},
      {R"(displayName ne "John Smith")", {"u1", "u2", "u4", "u5"}, U},
      {"displayName pr", {"u1", "u2", "u3", "u5"}, U},
      {"not (displayName pr)", {"u4"}, U},
      {"displayName eq null", {"u4"}, U},
      {"displayName ne null", {"u1", "u2", "u3", "u5"}, U},
      {R"(displayName gt "a")", {"u1", "u2", "u3", "u5"}, U},
      {R"(displayName lt "zzz")", {"u1", "u2", "u3", "u5"}, U},
      {R"(DisplayName eq "Babs Jensen")", {"u1"}, U},
      // singular complex name
      {R"(name.familyName co "O'Malley")", {"u2"}, U},
      {R"(name.familyName eq "jensen")", {"u1"}, U},
      {"name.FamilyName eq Employee", {}, U},
      {R"(name.givenName sw "j")", {"u3"}, U},
      {R"(name.familyName ew "H")", {"u3"}, U},
      {"name pr", {"u1", "u2", "u3", "u5"}, U},
      {"name.givenName pr", {"u1", "u2", "u3", "u5"}, U},
      {"name.middleName pr", {"u1"}, U},
      {R"(name.middleName ne "Jane")", {"u2", "u3", "u4", "u5"}, U},
      {R"(name[givenName eq "Barbara"])", {"u1"}, U},
      {R"(name[givenName eq "Barbara" and familyName eq "Smith"])", {}, U},
      // title: "" on u3 is not present, but equals ""
      {"title pr", {"u1", "u5"}, U},
      {R"(title eq "")", {"u3"}, U},
      {"title eq null", {"u2", "u3", "u4"}, U},
      {R"(title pr and userType eq "Employee")", {"u1"}, U},
      {R"(title pr or userType eq "Intern")", {"u1", "u2", "u5"}, U},
      {R"(title ne "Tour Guide")", {"u2", "u3", "u4", "u5"}, U},
      {R"(userType eq "Employee")", {"u1", "u3"}, U},
      {R"(userType eq "employee")", {"u1", "u3"}, U},
      {R"(userType ne "Employee")", {"u2", "u4", "u5"}, U},
      // string, caseExact=true (externalId, id)
      {R"(externalId eq "EXT-bjensen")", {"u1"}, U},
      {R"(externalId eq "ext-bjensen")", {}, U},
      {R"(externalId eq "EXT-BJENSEN")", {}, U},
      {R"(externalId sw "EXT-")", {"u1", "u3"}, U},
      {R"(externalId sw "ext-")", {"u2", "u5"}, U},
      {R"(externalId co "jsmith")", {}, U},
      {R"(externalId co "JSMITH")", {"u3"}, U},
      {R"(externalId ew "-zoe")", {"u5"}, U},
      {R"(externalId ne "ext-omalley")", {"u1", "u3", "u4", "u5"}, U},
      {R"(externalId gt "EXT-Z")", {"u1", "u2", "u5"}, U},
      {R"(externalId le "EXT-JSMITH")", {"u3"}, U},
      {"externalId pr", {"u1", "u2", "u3", "u5"}, U},
      {R"(externalId eq "ext-omalley")", {"u2"}, U},
      {R"(id eq "u1")", {"u1"}, U},
      {R"(id eq "U1")", {}, U},
      {R"(id ne "u1")", {"u2", "u3", "u4", "u5"}, U},
      {R"(id sw "u")", {"u1", "u2", "u3", "u4", "u5"}, U},
      {R"(urn:ietf:params:scim:schemas:core:2.0:User:id eq "u3")", {"u3"}, U},
      // boolean
      {"active eq true", {"u1", "u3", "u5"}, U},
      {"active eq false", {"u2"}, U},
      {"active ne true", {"u2", "u4"}, U},
      {"active ne false", {"u1", "u3", "u4", "u5"}, U},
      {R"(active eq "True")", {"u1", "u3", "u5"}, U},
      {R"(active eq "FALSE")", {"u2"}, U},
      {"active eq TRUE", {"u1", "u3", "u5"}, U},
      {"active pr", {"u1", "u2", "u3", "u5"}, U},
      {"not (active eq false)", {"u1", "u3", "u4", "u5"}, U},
      {"active eq null", {"u4"}, U},
      // multi-valued complex: emails
      {R"(emails co "example.com")", {"u1", "u3", "u5"}, U},
      {R"(emails.value co "example.org")", {"u2"}, U},
      {R"(userType eq "Employee" and (emails co "example.com" or emails.value co "example.org"))",
       {"u1", "u3"},
       U},
      {R"(userType ne "Employee" and not (emails co "example.com" or emails.value co "example.org"))",
       {"u4"},
       U},
      {R"(userType eq "Employee" and (emails.type eq "work"))", {"u1", "u3"}, U},
      {R"(userType eq "Employee" and emails[type eq "work" and value co "@example.com"])",
       {"u1", "u3"},
       U},
      {R"(emails[type eq "work" and value co "@example.com"] or ims[type eq "xmpp" and value co "@foo.com"])",
       {"u1", "u2", "u3", "u5"},
       U},
      // [] needs one element to satisfy both; without [] any elements may.
      {R"(emails[type eq "home" and value co "example.com"])", {}, U},
      {R"(emails.type eq "home" and emails.value co "example.com")", {"u1"}, U},
      {R"(emails[type eq "work"].value eq "bjensen@example.com")", {"u1"}, U},
      {R"(emails[type eq "work"].value eq "JOHN@example.com")", {"u3"}, U},
      {R"(emails[type eq "work"].value eq "js@other.net")", {}, U},
      {R"(emails[type eq "work"].value eq "zoe@example.com")", {"u5"}, U},
      {R"(emails[type eq "work"].value pr)", {"u1", "u2", "u3", "u5"}, U},
      {R"(emails.value eq "js@other.net")", {"u3"}, U},
      {"emails pr", {"u1", "u2", "u3", "u5"}, U},
      {"not (emails pr)", {"u4"}, U},
      {"emails eq null", {"u4"}, U},
      {"emails.primary eq true", {"u1", "u3", "u5"}, U},
      {"emails.primary eq false", {"u3"}, U},
      {"emails[primary eq false]", {"u3"}, U},
      {"emails[not (primary eq true)]", {"u1", "u2", "u3"}, U},
      // ne is NOT eq over all values; inside [] it applies to one element.
      {R"(emails.value ne "ryan@example.org")", {"u1", "u3", "u4", "u5"}, U},
      {R"(emails[value ne "ryan@example.org"])", {"u1", "u3", "u5"}, U},
      {R"(emails.type eq "WORK")", {"u1", "u2", "u3", "u5"}, U},
      {R"(emails[type eq "work" or type eq "other"])", {"u1", "u2", "u3", "u5"}, U},
      {R"(emails.value ew ".net")", {"u3"}, U},
      {R"(emails.value sw "b")", {"u1"}, U},
      {"emails.display pr", {}, U},
      {R"(emails.value gt "x")", {"u5"}, U},
      {R"(emails eq "ryan@example.org")", {"u2"}, U},
      {R"(emails[type eq "work" and primary eq true])", {"u1", "u3", "u5"}, U},
      // phoneNumbers, ims
      {R"(phoneNumbers[type eq "mobile"].value eq "555-555-4444")", {"u1"}, U},
      {R"(phoneNumbers.value co "555")", {"u1", "u5"}, U},
      {R"(phoneNumbers[type eq "fax"])", {}, U},
      {R"(phoneNumbers.value eq "+1 (555) 010-9999")", {"u5"}, U},
      {R"(ims[type eq "xmpp"])", {"u2", "u3"}, U},
      {R"(ims.value co "@foo.com")", {"u2"}, U},
      {R"(ims[type eq "xmpp" and value co "@foo.com"])", {"u2"}, U},
      // groups (readOnly, value caseExact)
      {R"(groups.value eq "g1")", {"u1", "u2"}, U},
      {R"(groups.value eq "G1")", {}, U},
      {R"(groups[value eq "g2"])", {"u2"}, U},
      {R"(groups.display eq "tour guides")", {"u1", "u2"}, U},
      {"groups pr", {"u1", "u2"}, U},
      {R"(groups.value ne "g2")", {"u1", "u3", "u4", "u5"}, U},
      {R"(groups eq "g2")", {"u2"}, U},
      // roles with Entra's string booleans
      {R"(roles[primary eq "True"].value eq "Admin")", {"u1"}, U},
      {R"(roles[primary eq true].value eq "admin")", {"u1"}, U},
      {R"(roles.value eq "User")", {}, U},
      // enterprise extension
      {EU R"(:employeeNumber eq "701984")", {"u1"}, U},
      {EU ":employeeNumber eq 701984", {"u1"}, U},
      {EU R"(:employeeNumber eq "7")", {}, U},
      {EU ":employeeNumber eq 007", {"u3"}, U},
      {EU ":employeeNumber pr", {"u1", "u3"}, U},
      {EU R"(:employeeNumber ne "007")", {"u1", "u2", "u4", "u5"}, U},
      {EU R"(:department co "tour")", {"u1"}, U},
      {EU R"(:manager.value eq "u3")", {"u1"}, U},
      {EU R"(:manager.value eq "U3")", {}, U},
      {EU R"(:manager.displayName sw "john")", {"u1"}, U},
      {EU ":manager pr", {"u1"}, U},
      {EU R"(:manager[value eq "u3"])", {"u1"}, U},
      {EU R"(:manager.value ne "u3")", {"u2", "u3", "u4", "u5"}, U},
      {EU ":division eq null", {"u2", "u3", "u4", "u5"}, U},
      {R"(urn:ietf:params:scim:schemas:extension:enterprise:2.0:user:DEPARTMENT eq "executive")",
       {"u3"},
       U},
      {EU ":costCenter eq 4130", {"u1"}, U},
      // a number against a string attribute compares as text: "4130" < "500"
      {EU ":costCenter gt 500", {}, U},
      {"userName eq 42", {}, U},
      // schemas (multi-valued, caseExact)
      {R"(schemas eq "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User")",
       {"u1", "u3"},
       U},
      {R"(schemas eq "urn:ietf:params:scim:schemas:core:2.0:User")",
       {"u1", "u2", "u3", "u4", "u5"},
       U},
      {R"(schemas eq "URN:IETF:PARAMS:SCIM:SCHEMAS:CORE:2.0:USER")", {}, U},
      {R"(schemas co "enterprise")", {"u1", "u3"}, U},
      {R"(not (schemas eq "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"))",
       {"u2", "u4", "u5"},
       U},
      // dateTime, compared as instants
      {R"(meta.lastModified gt "2011-05-13T04:42:34Z")", {"u2", "u3", "u4", "u5"}, U},
      {R"(meta.lastModified ge "2011-05-13T04:42:34Z")", {"u1", "u2", "u3", "u4", "u5"}, U},
      {R"(meta.lastModified lt "2011-05-13T04:42:34Z")", {}, U},
      {R"(meta.lastModified le "2011-05-13T04:42:34Z")", {"u1"}, U},
      {R"(meta.lastModified eq "2011-05-13T04:42:34Z")", {"u1"}, U},
      {R"(meta.lastModified eq "2011-05-12T21:42:34-07:00")", {"u1"}, U},
      {R"(meta.lastModified eq "2011-05-13T06:42:34.000+02:00")", {"u1"}, U},
      {R"(meta.lastModified ne "2011-05-13T04:42:34Z")", {"u2", "u3", "u4", "u5"}, U},
      {"meta.Created gt 2015-10-10T14:38:21.8617979-07:00", {"u3", "u4", "u5"}, U},
      {"meta.created lt 2015-10-10T14:38:21.8617979-07:00", {"u1", "u2"}, U},
      {R"(meta.created ge "2015-10-10T21:38:21.861Z")", {"u2", "u3", "u4", "u5"}, U},
      {R"(meta.created gt "2015-10-10T21:38:21.861Z")", {"u3", "u4", "u5"}, U},
      {R"(meta.created lt "2020-02-29T12:00:00.001Z")", {"u1", "u2", "u3", "u5"}, U},
      {R"(meta.created gt "2020-02-29T13:00:00+01:00")", {"u4"}, U},
      {R"(meta.created ge "2020-02-29T13:00:00+01:00")", {"u3", "u4"}, U},
      {R"(meta.created gt "2015-10-10T21:38:21Z" and meta.created lt "2016-01-01T00:00:00Z")",
       {"u2", "u5"},
       U},
      {R"(meta.resourceType eq "User")", {"u1", "u2", "u3", "u4", "u5"}, U},
      {R"(meta.resourceType eq "user")", {}, U},
      {R"(meta.location ew "/Users/u2")", {"u2"}, U},
      {R"(meta.version eq "W/\"3694e05e9dff591\"")", {"u1"}, U},
      {"meta pr", {"u1", "u2", "u3", "u4", "u5"}, U},
      {"meta.created pr", {"u1", "u2", "u3", "u4", "u5"}, U},
      // binary and reference
      {R"(x509Certificates.value eq "MIIDQzCCAqygAwIBAgICEAAwDQYJKoZIhvcNAQEFBQAw")", {"u3"}, U},
      {R"(x509Certificates.value co "AqygA")", {"u3"}, U},
      {"x509Certificates pr", {"u3"}, U},
      {R"(profileUrl sw "https://login.example.com")", {"u1"}, U},
      {"profileUrl pr", {"u1"}, U},
      // attributes only one sample has
      {R"(nickName eq "babs")", {"u1"}, U},
      {R"(nickName ne "x")", {"u1", "u2", "u3", "u4", "u5"}, U},
      {R"(nickName eq "x")", {}, U},
      {R"(nickName gt "")", {"u1"}, U},
      {R"(timezone co "America")", {"u1"}, U},
      {R"(locale eq "en-us")", {"u1"}, U},
      {"preferredLanguage pr", {"u1"}, U},
      // logic
      {R"(userType eq "Employee" and active eq true)", {"u1", "u3"}, U},
      {R"(userType eq "Intern" or active eq false)", {"u2", "u5"}, U},
      {R"(not (userType eq "Intern" or active eq false))", {"u1", "u3", "u4"}, U},
      {R"(not (userType eq "Intern") and not (active eq false))", {"u1", "u3", "u4"}, U},
      {R"((userType eq "Employee" or userType eq "Intern") and title pr)", {"u1", "u5"}, U},
      {R"(userType eq "Employee" or userType eq "Intern" and title pr)", {"u1", "u3", "u5"}, U},
      {R"(not (not (userName eq "bjensen")))", {"u1"}, U},
      {R"(userName eq "bjensen" and userName eq "JSmith")", {}, U},
      {R"(userName eq "bjensen" or userName eq "JSmith" or userName eq "minimal")",
       {"u1", "u3", "u4"},
       U},
      {R"(id eq "u1" or id eq "u2" or id eq "u3" or id eq "u4" or id eq "u5")",
       {"u1", "u2", "u3", "u4", "u5"},
       U},
      {"not (id pr)", {}, U},
      {R"(USERTYPE EQ "Employee" AND NOT (Active Eq False))", {"u1", "u3"}, U},
      // Microsoft's Postman collection, unquoted values
      {"name.FamilyName eq Employee and (emails.Value co example.com or emails.Value co "
       "example.org)",
       {},
       U},
      {"name.familyName eq Smith and (emails.Value co example.com or emails.Value co example.org)",
       {"u3"},
       U},

      // ---- Groups ----
      {R"(displayName eq "Group One")", {"g2"}, G},
      {R"(displayName eq "group one")", {"g2"}, G},
      {R"(displayName co "group")", {"g2", "g3"}, G},
      {R"(displayName sw "tour")", {"g1"}, G},
      {R"(displayName ne "Group One")", {"g1", "g3"}, G},
      {R"(displayName gt "F")", {"g1", "g2"}, G},
      {R"(not (displayName co "o"))", {}, G},
      {R"(members[value eq "u1"])", {"g1"}, G},
      {R"(members[value eq "U1"])", {}, G},
      {R"(members.value eq "u2")", {"g1", "g2"}, G},
      {R"(members eq "g1")", {"g2"}, G},
      {"members pr", {"g1", "g2"}, G},
      {"not (members pr)", {"g3"}, G},
      {"members eq null", {"g3"}, G},
      {R"(members[type eq "Group"])", {"g2"}, G},
      {R"(members[type eq "group"])", {"g2"}, G},
      {R"(members[type eq "User" and value eq "u2"])", {"g1", "g2"}, G},
      {R"(members[type eq "Group" and value eq "u2"])", {}, G},
      {R"(members.display co "o'malley")", {"g1"}, G},
      {"members.$ref pr", {"g1"}, G},
      {R"(members.value ne "u2")", {"g3"}, G},
      {R"(members[not (type eq "Group")])", {"g1", "g2"}, G},
      {R"(members.type eq "Group")", {"g2"}, G},
      {"members[display pr]", {"g1", "g2"}, G},
      {R"(members[value sw "u"])", {"g1", "g2"}, G},
      {R"(members[value ew "1"])", {"g1", "g2"}, G},
      {R"(externalId eq "8f2a-ABC")", {"g2"}, G},
      {R"(externalId eq "8F2A-abc")", {}, G},
      {"externalId pr", {"g1", "g2"}, G},
      {R"(meta.created gt "2015-01-01T00:00:00Z")", {"g2", "g3"}, G},
      {R"(meta.lastModified le "2016-01-01T01:00:00+01:00")", {"g1"}, G},
      {R"(meta.created eq "2019-06-01T12:00:00+02:00")", {"g2"}, G},
      {R"(meta.resourceType eq "Group")", {"g1", "g2", "g3"}, G},
      {R"(displayName eq "Group One" and members[value eq "u2"])", {"g2"}, G},
      {R"(displayName eq "Tour Guides" or displayName eq "Empty Group")", {"g1", "g3"}, G},
      {R"(id eq "g2")", {"g2"}, G},
      {R"(schemas eq "urn:ietf:params:scim:schemas:core:2.0:Group")", {"g1", "g2", "g3"}, G},
      {R"(urn:ietf:params:scim:schemas:core:2.0:Group:displayName eq "Empty Group")", {"g3"}, G},
  };
#undef EU
  return cases;
}

// A sixth user whose second work email is not its first: a store that indexes only "the" work
// email misses it. Kept apart from sample_resources() so the cases above keep their answers;
// extra_user_cases() run over sample_resources(user) followed by this user.
inline boost::json::object second_work_email_user() {
  return boost::json::parse(R"({
    "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
    "id": "u6",
    "userName": "multi.mail",
    "active": true,
    "emails": [{"value": "First@Corp.example", "type": "work", "primary": true},
               {"value": "second@corp.example", "type": "Work"},
               {"value": "me@home.example", "type": "home"}],
    "meta": {"resourceType": "User", "created": "2021-03-04T05:06:07.000Z",
             "lastModified": "2021-03-04T05:06:07.000Z",
             "location": "https://example.com/v2/Users/u6", "version": "W/\"6\""}
  })")
      .as_object();
}

// Email lookups over u1..u6 (ids in sample order).
inline const std::vector<FilterCase>& extra_user_cases() {
  constexpr auto U = ResourceKind::user;
  static const std::vector<FilterCase> cases = {
      {R"(emails[type eq "work"].value eq "second@corp.example")", {"u6"}, U},
      {R"(emails[type eq "work"].value eq "SECOND@Corp.Example")", {"u6"}, U},
      {R"(emails[type eq "work"].value eq "first@corp.example")", {"u6"}, U},
      {R"(emails[type eq "home"].value eq "second@corp.example")", {}, U},
      {R"(emails[type eq "work"].value eq "me@home.example")", {}, U},
      {R"(emails[type eq "work" and value eq "second@corp.example"])", {"u6"}, U},
      {R"(emails[value eq "me@home.example"])", {"u6"}, U},
      {R"(emails[value eq "babs@jensen.org"])", {"u1"}, U},
      {R"(emails.value eq "second@corp.example")", {"u6"}, U},
      {R"(emails eq "Second@Corp.Example")", {"u6"}, U},
      {R"(emails.value eq "bjensen@example.com")", {"u1"}, U},
      {R"(emails.value eq "js@other.net")", {"u3"}, U},
      // Dotted paths may match different elements: a work email and, elsewhere, this value.
      {R"(emails.type eq "work" and emails.value eq "me@home.example")", {"u6"}, U},
      {R"(not (emails.value eq "second@corp.example"))", {"u1", "u2", "u3", "u4", "u5"}, U},
      {R"(emails[type eq "work"].value eq "second@corp.example" or userName eq "bjensen")",
       {"u1", "u6"},
       U},
      {R"(emails[type eq "work"].value eq "second@corp.example" and active eq false)", {}, U},
  };
  return cases;
}

}  // namespace scimd::scim::testing
