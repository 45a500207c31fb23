// The embedded explorer: what FindAsset serves for each path, checked against
// the files under web/src/ that the bundle was built from.
#include "web/assets.h"

#include <fstream>
#include <sstream>
#include <string>

#include "gtest/gtest.h"

namespace kg::web {
namespace {

std::string ReadSource(const std::string& name) {
  std::ifstream in(std::string(KG_WEB_SRC_DIR) + "/" + name, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

TEST(WebAssetsTest, RootAndIndexAreThePage) {
  const Asset* root = FindAsset("/");
  ASSERT_NE(root, nullptr);
  EXPECT_EQ(root->content_type, "text/html; charset=utf-8");
  EXPECT_EQ(root, FindAsset("/index.html"));
  const std::string page = ReadSource("index.html");
  ASSERT_FALSE(page.empty());
  EXPECT_EQ(root->body, page);  // byte for byte, non-ASCII included
}

TEST(WebAssetsTest, StylesheetIsTheSource) {
  const Asset* css = FindAsset("/explorer.css");
  ASSERT_NE(css, nullptr);
  EXPECT_EQ(css->content_type, "text/css; charset=utf-8");
  EXPECT_EQ(css->body, ReadSource("explorer.css"));
}

TEST(WebAssetsTest, ScriptIsTheBundleWithCytoscape) {
  const Asset* js = FindAsset("/explorer.js");
  ASSERT_NE(js, nullptr);
  EXPECT_EQ(js->content_type, "text/javascript; charset=utf-8");
  // The bundle carries the library (its licence comment names it) and the
  // page's own gateway calls.
  EXPECT_NE(js->body.find("cytoscape"), absl::string_view::npos);
  EXPECT_NE(js->body.find("/v1/"), absl::string_view::npos);
  EXPECT_NE(js->body.find("GraphService"), absl::string_view::npos);
  EXPECT_EQ(js->body.find('\0'), absl::string_view::npos);
}

TEST(WebAssetsTest, UnknownPathsAreNotServed) {
  EXPECT_EQ(FindAsset(""), nullptr);
  EXPECT_EQ(FindAsset("/nope"), nullptr);
  EXPECT_EQ(FindAsset("/explorer.js?x=1"), nullptr);
  EXPECT_EQ(FindAsset("explorer.js"), nullptr);
  EXPECT_EQ(FindAsset("/../web/assets.h"), nullptr);
  EXPECT_EQ(FindAsset("/v1/GraphService/GetEntity"), nullptr);
}

}  // namespace
}  // namespace kg::web
