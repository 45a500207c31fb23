// STIX identifiers: "<type>--<UUID>", and the name-based (version 5) UUIDs
// kgd gives the objects it exports, so that exporting again gives the same
// ids.

#ifndef KGD_INTEROP_STIX_IDS_H_
#define KGD_INTEROP_STIX_IDS_H_

#include <string>

#include "absl/strings/string_view.h"

namespace kg::interop::stix {

// A UUID version 5 (RFC 4122: SHA-1 of a namespace and the name) under
// kgd's namespace, in lower-case 8-4-4-4-12 form.
std::string Uuid5(absl::string_view name);

// "<type>--" + Uuid5(name).
std::string IdFor(absl::string_view type, absl::string_view name);

// True for "<type>--<UUID>" with a type of [a-z0-9-] (3..250 bytes, no
// leading or trailing '-') and an RFC 4122 UUID.
bool IsStixId(absl::string_view id);

// The type part of a STIX id ("" when there is no "--").
absl::string_view TypeOfId(absl::string_view id);

}  // namespace kg::interop::stix

#endif  // KGD_INTEROP_STIX_IDS_H_
