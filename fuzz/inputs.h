// How the fuzz targets read their input, shared with make_corpus, which
// writes their seeds in the same layout. Seeds are written with these
// numbers: append only.

#ifndef KGD_FUZZ_INPUTS_H_
#define KGD_FUZZ_INPUTS_H_

#include <cstdint>

#include "google/protobuf/message.h"
#include "interop/interop.h"
#include "kg/v1/kg.pb.h"
#include "storage/page_token.h"

namespace kg::fuzz {

// fuzz_import: the format of the first byte.
inline interop::Format ImportFormatOf(uint8_t selector) {
  switch (selector % 4) {
    case 0:
      return interop::Format::kJsonLines;
    case 1:
      return interop::Format::kNTriples;
    case 2:
      return interop::Format::kNQuads;
    default:
      return interop::Format::kStix;
  }
}

// fuzz_requests: the first byte picks the request message of one rpc of
// kg.v1. BulkIngest streams AssertRequest, so it has no entry of its own.
enum RequestKind : uint8_t {
  kUpsertEntities,
  kAssert,
  kIngestDocument,
  kRetract,
  kMerge,
  kSplit,
  kPurge,
  kGetEntity,
  kSearchEntities,
  kMatchStatements,
  kNeighbors,
  kTraverse,
  kFindPaths,
  kSubgraph,
  kTimeline,
  kExplain,
  kListClaims,
  kListDisputes,
  kHistory,
  kGetStats,
  kBackup,
  kWhoAmI,
  kListAudit,
  kNumRequestKinds,
};

// The default instance of `kind`'s message type.
inline const google::protobuf::Message& RequestPrototype(RequestKind kind) {
  switch (kind) {
    case kUpsertEntities:
      return v1::UpsertEntitiesRequest::default_instance();
    case kAssert:
      return v1::AssertRequest::default_instance();
    case kIngestDocument:
      return v1::IngestDocumentRequest::default_instance();
    case kRetract:
      return v1::RetractRequest::default_instance();
    case kMerge:
      return v1::MergeRequest::default_instance();
    case kSplit:
      return v1::SplitRequest::default_instance();
    case kPurge:
      return v1::PurgeRequest::default_instance();
    case kGetEntity:
      return v1::GetEntityRequest::default_instance();
    case kSearchEntities:
      return v1::SearchEntitiesRequest::default_instance();
    case kMatchStatements:
      return v1::MatchStatementsRequest::default_instance();
    case kNeighbors:
      return v1::NeighborsRequest::default_instance();
    case kTraverse:
      return v1::TraverseRequest::default_instance();
    case kFindPaths:
      return v1::FindPathsRequest::default_instance();
    case kSubgraph:
      return v1::SubgraphRequest::default_instance();
    case kTimeline:
      return v1::TimelineRequest::default_instance();
    case kExplain:
      return v1::ExplainRequest::default_instance();
    case kListClaims:
      return v1::ListClaimsRequest::default_instance();
    case kListDisputes:
      return v1::ListDisputesRequest::default_instance();
    case kHistory:
      return v1::HistoryRequest::default_instance();
    case kGetStats:
      return v1::GetStatsRequest::default_instance();
    case kBackup:
      return v1::BackupRequest::default_instance();
    case kWhoAmI:
    case kNumRequestKinds:
      break;
    case kListAudit:
      return v1::ListAuditRequest::default_instance();
  }
  return v1::WhoAmIRequest::default_instance();
}

// fuzz_codec: the first byte picks the decoder.
enum CodecInput : uint8_t {
  kTerm,
  kEntityKey,
  kIndexKey,  // then a byte whose value mod 3 is the IndexOrder
  kProvKeyTail,
  kAliasKey,
  kLogKey,
  kAuditKey,
  kEntityRecord,
  kStatementRecord,
  kIndexValue,
  kEvidenceRecord,
  kIntervals,
  kHistoryRecord,
  kAuditRecord,
  kPrimitives,
  kFeedKey,
  kChangeRecord,
  kChangeToken,  // a resume token of the change feed (storage/change_feed.h)
  kNumCodecInputs,
};

// fuzz_page_token: the first byte is the number of resume fields (bits 0-1)
// and whether the rest is a whole token (0) or the payload after the digest
// (bit 2), of tokens of this listing.
inline constexpr uint8_t kTokenPayloadOnly = 4;
inline PageListing TokenListing() {
  PageListing listing("fuzz");
  listing.Add("subject").Add(int64_t{7});
  return listing;
}

}  // namespace kg::fuzz

#endif  // KGD_FUZZ_INPUTS_H_
