// corridor::core — Result<T>, shaped like std::expected<T, Error>.
//
// Debian's libstdc++ 12 gives <expected> to g++ but not to clang, which builds the fuzz targets, so
// the project carries this small equivalent. Construct a failure with `fail(code, message)`.
#pragma once

#include <cassert>
#include <string>
#include <type_traits>
#include <utility>
#include <variant>

#include "core/error.h"

namespace corridor::core {

struct Unexpected {
  Error error;
};

[[nodiscard]] inline Unexpected fail(ErrorCode code, std::string message) {
  return Unexpected{Error{code, std::move(message)}};
}
// A ledger event refused by one of the ledger's rules (docs/formats.md, "Ledger rules").
[[nodiscard]] inline Unexpected refuse(ErrorCode code, std::string rule, std::string message) {
  return Unexpected{Error{code, std::move(message), std::move(rule)}};
}

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::in_place_index<0>, std::move(value)) {}  // NOLINT: implicit by design
  Result(Unexpected u) : v_(std::in_place_index<1>, std::move(u.error)) {}  // NOLINT

  [[nodiscard]] bool has_value() const { return v_.index() == 0; }
  explicit operator bool() const { return has_value(); }

  T& value() & {
    assert(has_value());
    return std::get<0>(v_);
  }
  const T& value() const& {
    assert(has_value());
    return std::get<0>(v_);
  }
  T&& value() && {
    assert(has_value());
    return std::get<0>(std::move(v_));
  }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  [[nodiscard]] const Error& error() const {
    assert(!has_value());
    return std::get<1>(v_);
  }

 private:
  std::variant<T, Error> v_;
};

template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Unexpected u) : error_(std::move(u.error)), ok_(false) {}  // NOLINT

  [[nodiscard]] bool has_value() const { return ok_; }
  explicit operator bool() const { return ok_; }
  [[nodiscard]] const Error& error() const {
    assert(!ok_);
    return error_;
  }

 private:
  Error error_{ErrorCode::kInternal, {}};
  bool ok_ = true;
};

// Propagates a failure: `CORRIDOR_TRY(auto x, make_x());`
#define CORRIDOR_CONCAT_INNER(a, b) a##b
#define CORRIDOR_CONCAT(a, b) CORRIDOR_CONCAT_INNER(a, b)
#define CORRIDOR_TRY_IMPL(tmp, decl, expr)                           \
  auto tmp = (expr);                                                 \
  if (!tmp) return ::corridor::core::Unexpected{tmp.error()};        \
  decl = std::move(*tmp)
#define CORRIDOR_TRY(decl, expr) CORRIDOR_TRY_IMPL(CORRIDOR_CONCAT(try_tmp_, __COUNTER__), decl, expr)
#define CORRIDOR_CHECK_IMPL(tmp, expr)                          \
  do {                                                          \
    auto tmp = (expr);                                          \
    if (!tmp) return ::corridor::core::Unexpected{tmp.error()}; \
  } while (0)
#define CORRIDOR_CHECK(expr) CORRIDOR_CHECK_IMPL(CORRIDOR_CONCAT(check_tmp_, __COUNTER__), expr)

}  // namespace corridor::core
