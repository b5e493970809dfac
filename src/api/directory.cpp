#include "api/directory.h"

#include "api/error_response.h"

namespace scimd::api {

Response handle_directory(const DirectoryContext&, const Request&, const Target&) {
  return error_response(make_error(Errc::not_implemented, "the directory API is being written"));
}

bool directory_may_wait(const Request&) { return false; }

}  // namespace scimd::api
