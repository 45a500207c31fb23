// Conversions between the kg.v1 messages and the storage value types
// (storage/types.h, storage/store.h), in one place.
//
// proto -> kg conversions are wire shape only: oneofs, enums, fields set
// together, and unset = default rules. They fail with INVALID_ARGUMENT
// naming the field; `field` is the path of the message being converted and
// prefixes every error. Every domain rule (ranges, dates, literals, the
// schema, references) is the store's, in storage/validation.h; a filter is
// checked there too (kg::CheckFilter) before it is returned.
//
// kg -> proto conversions cannot fail.
//
// Only message headers (*.pb.h) are included here, never *.grpc.pb.h.

#ifndef KGD_SERVER_CONVERT_H_
#define KGD_SERVER_CONVERT_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/repeated_field.h"
#include "kg/v1/kg.pb.h"
#include "kg/v1/types.pb.h"
#include "storage/store.h"
#include "storage/types.h"

namespace kg::server {

// proto -> kg.

absl::StatusOr<Value> ValueFromProto(const v1::Value& value, absl::string_view field);
absl::StatusOr<Entity> EntityFromProto(const v1::Entity& entity, absl::string_view field);
absl::StatusOr<Evidence> EvidenceFromProto(const v1::Evidence& evidence, absl::string_view field);
absl::StatusOr<Statement> StatementFromProto(const v1::Statement& statement,
                                             absl::string_view field);

// The common read filter. Unset fields do not filter: as_of 0 = kLatest,
// min_reliability "" = 'F', max_credibility 0 = 6. Checked by
// kg::CheckFilter.
absl::StatusOr<Filter> FilterFromProto(const v1::Filter& filter, absl::string_view field);

// Only the as_of of a filter (reads that ignore the rest): 0 = kLatest.
absl::StatusOr<TxTime> AsOfFromProto(const v1::Filter& filter, absl::string_view field);

// Entities and statements as one write batch; fields are named
// "entities[i]" and "statements[i]".
absl::StatusOr<WriteBatch> WriteBatchFromProto(
    const google::protobuf::RepeatedPtrField<v1::Entity>& entities,
    const google::protobuf::RepeatedPtrField<v1::Statement>& statements);

// Exactly one target, and a reason.
absl::StatusOr<PurgeTarget> PurgeTargetFromProto(const v1::PurgeRequest& request);

// Unset code = any; to 0 = open.
absl::StatusOr<AuditQuery> AuditQueryFromProto(const v1::ListAuditRequest& request);

// v1::Direction -> kg::Direction; `unspecified` is what
// DIRECTION_UNSPECIFIED means for the rpc.
absl::StatusOr<Direction> DirectionFromProto(v1::Direction direction, Direction unspecified,
                                             absl::string_view field);

// kg -> proto.

void ValueToProto(const Value& value, v1::Value* out);
void EntityToProto(const Entity& entity, v1::Entity* out);
void EvidenceGradeToProto(const EvidenceGrade& grade, v1::EvidenceGrade* out);
void EvidenceToProto(const Evidence& evidence, v1::Evidence* out);
void CorroborationToProto(const Corroboration& corroboration, v1::Corroboration* out);
// With its evidence when `with_evidence`.
void StatementToProto(const Statement& statement, bool with_evidence, v1::Statement* out);
void WriteResultToProto(const WriteResult& result, v1::WriteResponse* out);
// Adds one applied BulkIngest message to the running totals.
void AddToBulkResponse(const WriteResult& result, v1::BulkIngestResponse* out);
void HistoryEventToProto(const HistoryEvent& event, v1::HistoryEvent* out);
void StatsToProto(const Stats& stats, v1::GetStatsResponse* out);
// The store's durability counters and write error into GetStats.
void HealthToProto(const StoreHealth& health, v1::GetStatsResponse* out);
void AuditPageToProto(const Page<AuditRecord>& page, v1::ListAuditResponse* out);
v1::Direction DirectionToProto(Direction direction);

}  // namespace kg::server

#endif  // KGD_SERVER_CONVERT_H_
