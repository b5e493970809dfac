// Result<T>: a value or an Error, in the manner of absl::StatusOr. No exceptions cross a layer
// on the request path; functions that can fail return one of these.
#pragma once

#include <cassert>
#include <type_traits>
#include <utility>
#include <variant>

#include "core/error.h"

namespace scimd {

template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::in_place_index<0>, std::move(value)) {}  // NOLINT: implicit by design
  Result(Error error) : v_(std::in_place_index<1>, std::move(error)) {}  // NOLINT

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & { assert(ok()); return std::get<0>(v_); }
  const T& value() const& { assert(ok()); return std::get<0>(v_); }
  T&& value() && { assert(ok()); return std::get<0>(std::move(v_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

  const Error& error() const& { assert(!ok()); return std::get<1>(v_); }
  Error&& error() && { assert(!ok()); return std::get<1>(std::move(v_)); }

 private:
  std::variant<T, Error> v_;
};

template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Error error) : error_(std::move(error)), ok_(false) {}  // NOLINT

  bool ok() const { return ok_; }
  explicit operator bool() const { return ok_; }
  const Error& error() const& { assert(!ok_); return error_; }
  Error&& error() && { assert(!ok_); return std::move(error_); }

 private:
  Error error_;
  bool ok_ = true;
};

using Status = Result<void>;

}  // namespace scimd

// Propagates the error of a Result expression out of the enclosing function.
#define SCIMD_TRY(expr)                                 \
  do {                                                  \
    auto scimd_try_r_ = (expr);                         \
    if (!scimd_try_r_.ok()) return std::move(scimd_try_r_).error(); \
  } while (0)

#define SCIMD_CONCAT_INNER_(a, b) a##b
#define SCIMD_CONCAT_(a, b) SCIMD_CONCAT_INNER_(a, b)
// SCIMD_ASSIGN_OR_RETURN(auto x, f()) binds the value or returns the error.
#define SCIMD_ASSIGN_OR_RETURN(lhs, expr) \
  SCIMD_ASSIGN_OR_RETURN_IMPL_(SCIMD_CONCAT_(scimd_r_, __LINE__), lhs, expr)
#define SCIMD_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr) \
  auto tmp = (expr);                                  \
  if (!tmp.ok()) return std::move(tmp).error();       \
  lhs = std::move(tmp).value()
