// Helpers shared by the tests: status assertions and hermetic temp dirs.

#ifndef KGD_TESTS_TESTING_TEST_UTIL_H_
#define KGD_TESTS_TESTING_TEST_UTIL_H_

#include <gtest/gtest.h>

#include <filesystem>
#include <random>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

#define ASSERT_OK(expr)                                         \
  do {                                                          \
    const ::absl::Status kg_s_ = ::kg::testing::ToStatus(expr); \
    ASSERT_TRUE(kg_s_.ok()) << kg_s_;                           \
  } while (false)

#define EXPECT_OK(expr) \
  EXPECT_TRUE(::kg::testing::ToStatus(expr).ok()) << ::kg::testing::ToStatus(expr)

#define KG_TEST_CONCAT_INNER_(a, b) a##b
#define KG_TEST_CONCAT_(a, b) KG_TEST_CONCAT_INNER_(a, b)

// ASSERT_OK_AND_ASSIGN(auto store, Store::Open(options));
#define ASSERT_OK_AND_ASSIGN(lhs, expr) \
  ASSERT_OK_AND_ASSIGN_IMPL_(KG_TEST_CONCAT_(kg_statusor_, __LINE__), lhs, expr)
#define ASSERT_OK_AND_ASSIGN_IMPL_(so, lhs, expr) \
  auto so = (expr);                               \
  ASSERT_TRUE(so.ok()) << so.status();            \
  lhs = std::move(so).value()

namespace kg::testing {

inline absl::Status ToStatus(const absl::Status& s) { return s; }
template <typename T>
absl::Status ToStatus(const absl::StatusOr<T>& s) {
  return s.status();
}

// A fresh directory under the system temp dir, removed on destruction.
class TempDir {
 public:
  TempDir() {
    std::random_device rd;
    path_ = std::filesystem::temp_directory_path() /
            ("kgd-test-" + std::to_string(rd()) + "-" + std::to_string(rd()));
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ignored;  // best effort: a leftover temp dir is harmless
    std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  std::string path() const { return path_.string(); }
  std::string Sub(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

}  // namespace kg::testing

#endif  // KGD_TESTS_TESTING_TEST_UTIL_H_
