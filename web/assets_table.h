// Internal to kg_web_assets: the table that web/build.mjs generates
// (assets_data.cc in the build directory) and web/assets.cc looks up.

#ifndef KGD_WEB_ASSETS_TABLE_H_
#define KGD_WEB_ASSETS_TABLE_H_

#include <cstddef>

#include "web/assets.h"

namespace kg::web::internal {

struct NamedAsset {
  absl::string_view path;
  Asset asset;
};

extern const NamedAsset kNamedAssets[];
extern const size_t kNamedAssetCount;

}  // namespace kg::web::internal

#endif  // KGD_WEB_ASSETS_TABLE_H_
