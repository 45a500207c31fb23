#include "web/assets.h"

#include "web/assets_table.h"

namespace kg::web {

const Asset* FindAsset(absl::string_view path) {
  if (path == "/") path = "/index.html";
  for (size_t i = 0; i < internal::kNamedAssetCount; ++i) {
    if (internal::kNamedAssets[i].path == path) return &internal::kNamedAssets[i].asset;
  }
  return nullptr;
}

}  // namespace kg::web
