// The explorer's files (the single page under web/src/, bundled at build time
// by web/build.mjs from the pinned npm packages in web/package-lock.json),
// compiled into the binary so that kgd serves them with nothing fetched or
// read from disk at run time.
//
// Thread safety: the table is immutable; FindAsset may be called from any
// thread.

#ifndef KGD_WEB_ASSETS_H_
#define KGD_WEB_ASSETS_H_

#include "absl/strings/string_view.h"

namespace kg::web {

struct Asset {
  absl::string_view content_type;  // e.g. "text/html; charset=utf-8"
  absl::string_view body;
};

// The asset served at `path` (the request path without query string): "/"
// and "/index.html" are the page, "/explorer.js" and "/explorer.css" what it
// loads. nullptr for any other path.
const Asset* FindAsset(absl::string_view path);

}  // namespace kg::web

#endif  // KGD_WEB_ASSETS_H_
