#include "mail/message.h"

#include <gtest/gtest.h>

#include <openssl/evp.h>

#include <algorithm>

#include "core/crypto.h"

namespace scimd::mail {
namespace {

MessageParts parts() {
  MessageParts p;
  p.from = "Acme <no-reply@acme.test>";
  p.to = "alice@acme.test";
  p.subject = "Welcome Alice";
  p.body = "Hello Alice,\nyour account is ready.\n";
  p.message_id = "evt_1@acme.test";
  p.date = *parse_time("2026-12-02T01:35:43Z");
  return p;
}

std::string base64_decode(const std::string& text) {
  std::string out(text.size(), '\0');
  const int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(text.data()),
                                static_cast<int>(text.size()));
  out.resize(static_cast<std::size_t>(std::max(n, 0)));
  for (auto it = text.rbegin(); it != text.rend() && *it == '='; ++it) out.pop_back();
  return out;
}

// The header block (up to the blank line).
std::string headers(const std::string& message) { return message.substr(0, message.find("\r\n\r\n") + 2); }

TEST(Message, HasTheRfc5322Headers) {
  const std::string m = build_message(parts());
  const std::string h = headers(m);
  EXPECT_NE(h.find("Date: Wed, 02 Dec 2026 01:35:43 +0000\r\n"), std::string::npos) << h;
  EXPECT_NE(h.find("Message-ID: <evt_1@acme.test>\r\n"), std::string::npos);
  EXPECT_NE(h.find("From: Acme <no-reply@acme.test>\r\n"), std::string::npos);
  EXPECT_NE(h.find("To: alice@acme.test\r\n"), std::string::npos);
  EXPECT_NE(h.find("Subject: Welcome Alice\r\n"), std::string::npos);
  EXPECT_NE(h.find("MIME-Version: 1.0\r\n"), std::string::npos);
  EXPECT_NE(h.find("Content-Type: text/plain; charset=utf-8\r\n"), std::string::npos);
  EXPECT_NE(h.find("Content-Transfer-Encoding: quoted-printable\r\n"), std::string::npos);
  EXPECT_NE(m.find("\r\n\r\nHello Alice,\r\nyour account is ready.\r\n"), std::string::npos) << m;
  // Every line ends in CRLF: no bare LF anywhere.
  for (std::size_t i = 0; i < m.size(); ++i) {
    if (m[i] == '\n') {
      ASSERT_GT(i, 0u);
      EXPECT_EQ(m[i - 1], '\r') << "bare LF at " << i;
    }
  }
}

TEST(Message, ValuesCannotInjectHeaders) {
  MessageParts p = parts();
  p.subject = "Hi\r\nBcc: victim@evil.test";
  p.from = "Acme\r\nBcc: x@evil.test <no-reply@acme.test>";
  const std::string h = headers(build_message(p));
  EXPECT_EQ(h.find("\r\nBcc:"), std::string::npos) << h;
  EXPECT_NE(h.find("Subject: Hi  Bcc: victim@evil.test\r\n"), std::string::npos) << h;
}

TEST(Message, NonAsciiSubjectIsEncodedWords) {
  MessageParts p = parts();
  p.subject = "Bienvenida, José Ñandú — ¡tu cuenta está lista! Ingresa cuando quieras";
  const std::string h = headers(build_message(p));
  const auto start = h.find("Subject: ");
  ASSERT_NE(start, std::string::npos);
  const std::string subject = h.substr(start, h.find("\r\nMIME-Version") - start);
  // Only ASCII on the wire, every line at most 78 characters.
  for (const char c : subject) EXPECT_LT(static_cast<unsigned char>(c), 0x80);
  std::string decoded;
  std::size_t pos = 0;
  while ((pos = subject.find("=?UTF-8?B?", pos)) != std::string::npos) {
    const auto end = subject.find("?=", pos + 10);
    ASSERT_NE(end, std::string::npos);
    EXPECT_LE(end + 2 - pos, 75u);
    const std::string bytes = base64_decode(subject.substr(pos + 10, end - pos - 10));
    decoded += bytes;
    pos = end + 2;
  }
  EXPECT_EQ(decoded, p.subject);
  EXPECT_GT(subject.find("\r\n "), 0u) << "long subject is folded";
  EXPECT_EQ(encode_header_text("plain ascii"), "plain ascii");
  EXPECT_EQ(encode_header_text("é"), "=?UTF-8?B?" + crypto::base64("é") + "?=");
}

TEST(Message, EncodedWordsNeverSplitACharacter) {
  const std::string text(60, 'a');
  const std::string with_accent = text.substr(0, 44) + "é" + "tail";  // é straddles byte 45
  const std::string encoded = encode_header_text(with_accent);
  const auto first_end = encoded.find("?=");
  EXPECT_EQ(encoded.substr(10, first_end - 10), crypto::base64(text.substr(0, 44)));
}

TEST(Message, QuotedPrintableBody) {
  EXPECT_EQ(quoted_printable("Olá = 1"), "Ol=C3=A1 =3D 1");
  EXPECT_EQ(quoted_printable("trailing \nnext"), "trailing=20\r\nnext");
  const std::string long_line(200, 'x');
  const std::string qp = quoted_printable(long_line);
  std::size_t start = 0;
  while (start < qp.size()) {
    auto end = qp.find("\r\n", start);
    if (end == std::string::npos) end = qp.size();
    EXPECT_LE(end - start, 76u);
    start = end + 2;
  }
  EXPECT_NE(qp.find("=\r\n"), std::string::npos);
}

TEST(Message, NonAsciiDisplayNameIsEncoded) {
  MessageParts p = parts();
  p.from = "Müller GmbH <no-reply@acme.test>";
  const std::string h = headers(build_message(p));
  EXPECT_NE(h.find("From: =?UTF-8?B?" + crypto::base64("Müller GmbH") + "?= <no-reply@acme.test>"),
            std::string::npos)
      << h;
}

TEST(Message, MailboxAddress) {
  EXPECT_EQ(mailbox_address("Acme <no-reply@acme.test>"), "no-reply@acme.test");
  EXPECT_EQ(mailbox_address("no-reply@acme.test"), "no-reply@acme.test");
  EXPECT_EQ(mailbox_address("no reply@acme.test"), "");
  EXPECT_EQ(mailbox_address("Acme <no-reply@acme.test"), "");
  EXPECT_EQ(mailbox_address("acme.test"), "");
}

}  // namespace
}  // namespace scimd::mail
