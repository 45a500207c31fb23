// Helpers shared by the tests: status assertions and hermetic temp dirs.

#ifndef KGD_TESTS_TESTING_TEST_UTIL_H_
#define KGD_TESTS_TESTING_TEST_UTIL_H_

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"

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

// Replaces the file at `path` with `text`; fails the test when it cannot.
inline void WriteFile(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  ASSERT_TRUE(out.good()) << "cannot write " << path;
}

inline std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// Writes DIR/NAME.pem and DIR/NAME.key: a self-signed certificate with
// subject CN=NAME, valid for 127.0.0.1 and localhost, by the openssl CLI.
inline bool MakeCertificate(const std::string& dir, const std::string& name) {
  const std::string command =
      absl::StrCat("openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=", name,
                   " -addext subjectAltName=IP:127.0.0.1,DNS:localhost -keyout ", dir, "/", name,
                   ".key -out ", dir, "/", name, ".pem >/dev/null 2>&1");
  return std::system(command.c_str()) == 0;
}

}  // namespace kg::testing

#endif  // KGD_TESTS_TESTING_TEST_UTIL_H_
