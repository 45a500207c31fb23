#include "storage/kv_engine.h"

#include <string>

#include "absl/strings/str_cat.h"

namespace kg {

absl::Status WithContext(const absl::Status& status, std::string_view context) {
  if (status.ok()) return status;
  return absl::Status(status.code(), absl::StrCat(std::string(context), ": ", status.message()));
}

}  // namespace kg
