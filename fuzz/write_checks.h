// The checks a write goes through before it touches the store, shared by
// fuzz_requests, fuzz_import and fuzz_csv: the server's conversion, then the store's
// record checks (storage/validation.h) against the built-in schema, named
// as RocksStore::Apply names them.

#ifndef KGD_FUZZ_WRITE_CHECKS_H_
#define KGD_FUZZ_WRITE_CHECKS_H_

#include <algorithm>
#include <cstdlib>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/repeated_field.h"
#include "interop/interop.h"
#include "kg/v1/types.pb.h"
#include "server/call.h"
#include "server/convert.h"
#include "server/options.h"
#include "storage/schema.h"
#include "storage/status_macros.h"
#include "storage/store.h"
#include "storage/validation.h"

namespace kg::fuzz {

// A value that converts must come back unchanged through its proto form:
// what a client reads is what it wrote.
inline void CheckValueRoundTrip(const Value& value) {
  v1::Value proto;
  server::ValueToProto(value, &proto);
  absl::StatusOr<Value> back = server::ValueFromProto(proto, "value");
  if (!back.ok() || !(*back == value)) std::abort();
}

inline absl::Status CheckWriteBatch(const WriteBatch& batch) {
  const Schema& schema = Schema::Default();
  if (batch.document.has_value()) {
    KG_RETURN_IF_ERROR(CheckEntity(*batch.document, schema, "document"));
  }
  for (size_t i = 0; i < batch.entities.size(); ++i) {
    for (const auto& [name, value] : batch.entities[i].attributes) CheckValueRoundTrip(value);
    KG_RETURN_IF_ERROR(CheckEntity(batch.entities[i], schema, absl::StrCat("entities[", i, "]")));
  }
  for (size_t i = 0; i < batch.statements.size(); ++i) {
    CheckValueRoundTrip(batch.statements[i].object);
    KG_RETURN_IF_ERROR(
        CheckStatement(batch.statements[i], schema, absl::StrCat("statements[", i, "]")));
  }
  return absl::OkStatus();
}

// What the server does with the entities and statements of an
// AssertRequest (and of each BulkIngest message) before the store.
inline absl::Status CheckAssert(const google::protobuf::RepeatedPtrField<v1::Entity>& entities,
                                const google::protobuf::RepeatedPtrField<v1::Statement>& statements,
                                const server::ServerLimits& limits) {
  KG_RETURN_IF_ERROR(server::CheckWriteSize(0, entities, statements, limits));
  KG_ASSIGN_OR_RETURN(WriteBatch batch, server::WriteBatchFromProto(entities, statements));
  return CheckWriteBatch(batch);
}

// Feeds `input` to `importer` in chunks of `chunk` bytes, as a stream
// arrives, then puts every batch it made through CheckAssert.
inline void FeedAndCheck(interop::Importer& importer, absl::string_view input, size_t chunk) {
  std::vector<v1::AssertRequest> batches;
  bool ok = true;
  while (ok && !input.empty()) {
    ok = importer.Feed(input.substr(0, chunk), &batches).ok();
    input.remove_prefix(std::min(chunk, input.size()));
  }
  if (ok) importer.Finish(&batches).IgnoreError();
  for (const v1::AssertRequest& batch : batches) {
    CheckAssert(batch.entities(), batch.statements(), server::ServerLimits()).IgnoreError();
  }
}

}  // namespace kg::fuzz

#endif  // KGD_FUZZ_WRITE_CHECKS_H_
