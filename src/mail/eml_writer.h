// With no SMTP server configured, invitations become files: <dir>/<time>-<event id>.eml, the
// exact bytes an SMTP server would have received. Written to a temporary name, then renamed,
// so a reader never sees half a message.
#pragma once

#include <filesystem>
#include <memory>

#include "core/time.h"
#include "mail/transport.h"

namespace scimd::mail {

class EmlWriter final : public Transport {
 public:
  EmlWriter(std::filesystem::path dir, std::shared_ptr<const Clock> clock);
  // Creates the directory if needed. Errors: unavailable naming the path and the OS error.
  Status deliver(const Envelope& envelope) override;
  std::string success_outcome() const override { return "written"; }

 private:
  std::filesystem::path dir_;
  std::shared_ptr<const Clock> clock_;
};

}  // namespace scimd::mail
