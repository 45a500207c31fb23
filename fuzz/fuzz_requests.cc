// Every kg.v1 request from its serialized bytes through what the server does
// with it before the store: the first byte picks the message type
// (fuzz/inputs.h), the rest is parsed as that message the way the server
// parses requests (server/wire.h: bytes that do not parse must be diagnosed
// INVALID_ARGUMENT); a message that parses goes through the rpc's conversion and validation
// (server/convert*.h, server/call.h) and, for writes, the store's record checks. A rejected request
// is a normal outcome; only crashes, sanitizer reports and broken round trips are findings.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>

#include "absl/status/status.h"
#include "fuzz/inputs.h"
#include "fuzz/write_checks.h"
#include "kg/v1/kg.pb.h"
#include "server/call.h"
#include "server/convert.h"
#include "server/convert_graph.h"
#include "server/convert_query.h"
#include "server/wire.h"
#include "storage/schema.h"
#include "storage/status_macros.h"
#include "storage/validation.h"

namespace kg::fuzz {
namespace {

using server::ServerLimits;

// The ids of Merge, Split and Purge, as the store checks them.
absl::Status CheckIds(std::initializer_list<std::pair<const std::string*, const char*>> ids) {
  for (const auto& [id, field] : ids) KG_RETURN_IF_ERROR(CheckEntityId(*id, field));
  return absl::OkStatus();
}

absl::Status CheckKinds(const google::protobuf::RepeatedPtrField<std::string>& kinds) {
  for (const std::string& kind : kinds) {
    if (!Schema::Default().IsKnownKind(kind)) return absl::InvalidArgumentError("kinds");
  }
  return absl::OkStatus();
}

absl::Status Run(RequestKind kind, const google::protobuf::Message& message) {
  const ServerLimits limits;
  switch (kind) {
    case kUpsertEntities: {
      const auto& r = static_cast<const v1::UpsertEntitiesRequest&>(message);
      KG_RETURN_IF_ERROR(server::CheckBatchSize(r.entities_size(), "entities", limits));
      KG_ASSIGN_OR_RETURN(WriteBatch batch, server::WriteBatchFromProto(r.entities(), {}));
      return CheckWriteBatch(batch);
    }
    case kAssert: {
      const auto& r = static_cast<const v1::AssertRequest&>(message);
      return CheckAssert(r.entities(), r.statements(), limits);
    }
    case kIngestDocument: {
      const auto& r = static_cast<const v1::IngestDocumentRequest&>(message);
      KG_RETURN_IF_ERROR(server::CheckWriteSize(1, r.entities(), r.statements(), limits));
      KG_ASSIGN_OR_RETURN(Entity document, server::EntityFromProto(r.document(), "document"));
      KG_ASSIGN_OR_RETURN(WriteBatch batch,
                          server::WriteBatchFromProto(r.entities(), r.statements()));
      batch.document = std::move(document);
      return CheckWriteBatch(batch);
    }
    case kRetract:
      return absl::OkStatus();  // two required fields; the rest is the store's lookup
    case kMerge: {
      const auto& r = static_cast<const v1::MergeRequest&>(message);
      return CheckIds({{&r.from(), "from"}, {&r.into(), "into"}});
    }
    case kSplit: {
      const auto& r = static_cast<const v1::SplitRequest&>(message);
      return CheckIds({{&r.entity(), "entity"}});
    }
    case kPurge: {
      KG_ASSIGN_OR_RETURN(PurgeTarget target, server::PurgeTargetFromProto(
                                                  static_cast<const v1::PurgeRequest&>(message)));
      if (target.document.empty()) return absl::OkStatus();
      return CheckIds({{&target.document, "document"}});
    }
    case kGetEntity:
      return server::AsOfFromProto(static_cast<const v1::GetEntityRequest&>(message).filter(),
                                   "filter")
          .status();
    case kSearchEntities: {
      const auto& r = static_cast<const v1::SearchEntitiesRequest&>(message);
      KG_RETURN_IF_ERROR(CheckKinds(r.kinds()));
      KG_RETURN_IF_ERROR(server::AsOfFromProto(r.filter(), "filter").status());
      return server::ResolvePageSize(r.page_size(), limits).status();
    }
    case kMatchStatements: {
      const auto& r = static_cast<const v1::MatchStatementsRequest&>(message);
      KG_ASSIGN_OR_RETURN(Pattern pattern, server::PatternFromProto(r));
      if (pattern.object.has_value()) CheckValueRoundTrip(*pattern.object);
      KG_RETURN_IF_ERROR(server::FilterFromProto(r.filter(), "filter").status());
      return server::ResolvePageSize(r.page_size(), limits).status();
    }
    case kNeighbors: {
      const auto& r = static_cast<const v1::NeighborsRequest&>(message);
      KG_ASSIGN_OR_RETURN(int32_t limit, server::ResolvePageSize(r.page_size(), limits));
      return server::NeighborsQueryFromProto(r, limit).status();
    }
    case kTraverse:
      return server::TraverseRequestFromProto(static_cast<const v1::TraverseRequest&>(message))
          .status();
    case kFindPaths:
      return server::FindPathsRequestFromProto(static_cast<const v1::FindPathsRequest&>(message))
          .status();
    case kSubgraph:
      return server::SubgraphRequestFromProto(static_cast<const v1::SubgraphRequest&>(message))
          .status();
    case kTimeline: {
      const auto& r = static_cast<const v1::TimelineRequest&>(message);
      KG_ASSIGN_OR_RETURN(int32_t page_size, server::ResolvePageSize(r.page_size(), limits));
      return server::TimelineRequestFromProto(r, page_size).status();
    }
    case kExplain:
      return server::FilterFromProto(static_cast<const v1::ExplainRequest&>(message).filter(),
                                     "filter")
          .status();
    case kListClaims: {
      const auto& r = static_cast<const v1::ListClaimsRequest&>(message);
      KG_RETURN_IF_ERROR(server::ClaimsQueryFromProto(r).status());
      return server::ResolvePageSize(r.page_size(), limits).status();
    }
    case kListDisputes: {
      const auto& r = static_cast<const v1::ListDisputesRequest&>(message);
      KG_RETURN_IF_ERROR(server::FilterFromProto(r.filter(), "filter").status());
      return server::ResolvePageSize(r.page_size(), limits).status();
    }
    case kHistory: {
      const auto& r = static_cast<const v1::HistoryRequest&>(message);
      KG_RETURN_IF_ERROR(server::AsOfFromProto(r.filter(), "filter").status());
      KG_RETURN_IF_ERROR(server::ResolvePageSize(r.page_size(), limits).status());
      return server::CheckHistoryTarget(r);
    }
    case kGetStats:
      return server::AsOfFromProto(static_cast<const v1::GetStatsRequest&>(message).filter(),
                                   "filter")
          .status();
    case kBackup:  // the directory is resolved against the file system
    case kWhoAmI:
    case kNumRequestKinds:
      return absl::OkStatus();
    case kListAudit: {
      const auto& r = static_cast<const v1::ListAuditRequest&>(message);
      KG_RETURN_IF_ERROR(server::AuditQueryFromProto(r).status());
      return server::ResolvePageSize(r.page_size(), limits).status();
    }
  }
  return absl::OkStatus();
}

}  // namespace
}  // namespace kg::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const auto kind = static_cast<kg::fuzz::RequestKind>(data[0] % kg::fuzz::kNumRequestKinds);
  static const bool quiet = (kg::server::ThrottleProtobufLog(), true);
  (void)quiet;
  std::unique_ptr<google::protobuf::Message> message(kg::fuzz::RequestPrototype(kind).New());
  const absl::string_view bytes(reinterpret_cast<const char*>(data + 1), size - 1);
  const absl::Status parsed = kg::server::ParseMessage(bytes, "request", *message);
  if (!parsed.ok()) {
    if (parsed.code() != absl::StatusCode::kInvalidArgument) std::abort();
    return 0;
  }
  // The diagnosis is never stricter than the parser.
  if (!kg::server::DiagnoseUnparsable(bytes, "request", *message->GetDescriptor()).ok()) {
    std::abort();
  }
  // Rejections are expected; the findings are crashes and aborts.
  kg::fuzz::Run(kind, *message).IgnoreError();
  return 0;
}
