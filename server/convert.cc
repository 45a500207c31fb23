#include "server/convert.h"

#include <cmath>
#include <cstdint>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "storage/status_macros.h"
#include "storage/validation.h"

namespace kg::server {
namespace {

absl::Status Invalid(absl::string_view field, absl::string_view reason) {
  return absl::InvalidArgumentError(absl::StrCat(field, ": ", reason));
}

std::string Sub(absl::string_view field, absl::string_view name) {
  return absl::StrCat(field, ".", name);
}

std::string Index(absl::string_view field, int i) { return absl::StrCat(field, "[", i, "]"); }

// The letter as sent; whether it is a grade (A-F) is the store's rule.
absl::StatusOr<char> ReliabilityFromProto(const std::string& letter, absl::string_view field) {
  if (letter.empty()) return 'F';
  if (letter.size() != 1) {
    return Invalid(field, absl::StrCat("must be one letter A-F, got '", Clip(letter), "'"));
  }
  return letter[0];
}

int32_t CredibilityFromProto(int32_t credibility) { return credibility == 0 ? 6 : credibility; }

absl::StatusOr<TxTime> TxTimeFromProto(int64_t as_of, absl::string_view field) {
  if (as_of < 0) return Invalid(field, absl::StrCat("must be >= 0, got ", as_of));
  return as_of == 0 ? kLatest : as_of;
}

}  // namespace

absl::StatusOr<Value> ValueFromProto(const v1::Value& value, absl::string_view field) {
  switch (value.kind_case()) {
    case v1::Value::kEntity:
      if (value.entity().empty()) return Invalid(Sub(field, "entity"), "must not be empty");
      return Value{ValueType::kEntity, value.entity()};
    case v1::Value::kString:
      return Value{ValueType::kString, value.string()};
    case v1::Value::kInteger:
      return Value{ValueType::kInteger, absl::StrCat(value.integer())};
    case v1::Value::kDecimal:
      return Value{ValueType::kDecimal, value.decimal()};
    case v1::Value::kDate:
      return Value{ValueType::kDate, value.date()};
    case v1::Value::kBoolean:
      return Value{ValueType::kBoolean, value.boolean() ? "true" : "false"};
    case v1::Value::KIND_NOT_SET:
      break;
  }
  return Invalid(field, "a value is required (entity, string, integer, decimal, date or boolean)");
}

absl::StatusOr<Entity> EntityFromProto(const v1::Entity& entity, absl::string_view field) {
  Entity out;
  out.id = entity.id();
  out.kind = entity.kind();
  out.label = entity.label();
  out.aliases.assign(entity.aliases().begin(), entity.aliases().end());
  for (const auto& [name, value] : entity.attributes()) {
    KG_ASSIGN_OR_RETURN(
        out.attributes[name],
        ValueFromProto(value, absl::StrCat(field, ".attributes[\"", Clip(name), "\"]")));
  }
  out.external_ids.insert(entity.external_ids().begin(), entity.external_ids().end());
  if (entity.has_latitude() != entity.has_longitude()) {
    return Invalid(Sub(field, entity.has_latitude() ? "longitude" : "latitude"),
                   "latitude and longitude must be set together");
  }
  if (entity.has_latitude()) {
    out.latitude = entity.latitude();
    out.longitude = entity.longitude();
  }
  return out;
}

absl::StatusOr<Evidence> EvidenceFromProto(const v1::Evidence& evidence, absl::string_view field) {
  Evidence out;
  out.document = evidence.document();
  out.publisher = evidence.publisher();
  out.claimant = evidence.claimant();
  out.claimant_description = evidence.claimant_description();
  out.excerpt = evidence.excerpt();
  if (evidence.has_span_begin() != evidence.has_span_end()) {
    return Invalid(Sub(field, evidence.has_span_begin() ? "span_end" : "span_begin"),
                   "span_begin and span_end must be set together");
  }
  if (evidence.has_span_begin()) {
    out.span_begin = evidence.span_begin();
    out.span_end = evidence.span_end();
  }
  switch (evidence.stance()) {
    case v1::STANCE_UNSPECIFIED:
    case v1::ASSERTS:
      out.stance = Stance::kAsserts;
      break;
    case v1::DENIES:
      out.stance = Stance::kDenies;
      break;
    case v1::CLAIMS:
      out.stance = Stance::kClaims;
      break;
    default:
      return Invalid(Sub(field, "stance"), absl::StrCat("unknown value ", evidence.stance()));
  }
  if (evidence.has_confidence()) out.confidence = evidence.confidence();
  KG_ASSIGN_OR_RETURN(out.reliability,
                      ReliabilityFromProto(evidence.reliability(), Sub(field, "reliability")));
  out.credibility = CredibilityFromProto(evidence.credibility());
  out.extractor = evidence.extractor();
  out.story = evidence.story();
  out.reported_on = evidence.reported_on();
  return out;
}

absl::StatusOr<Statement> StatementFromProto(const v1::Statement& statement,
                                             absl::string_view field) {
  Statement out;
  out.subject = statement.subject();
  out.predicate = statement.predicate();
  if (!statement.has_object()) return Invalid(Sub(field, "object"), "is required");
  KG_ASSIGN_OR_RETURN(out.object, ValueFromProto(statement.object(), Sub(field, "object")));
  out.valid_from = statement.valid_from();
  out.valid_to = statement.valid_to();
  out.evidence.reserve(statement.evidence_size());
  for (int i = 0; i < statement.evidence_size(); ++i) {
    KG_ASSIGN_OR_RETURN(Evidence e,
                        EvidenceFromProto(statement.evidence(i), Index(Sub(field, "evidence"), i)));
    out.evidence.push_back(std::move(e));
  }
  return out;
}

absl::StatusOr<Filter> FilterFromProto(const v1::Filter& filter, absl::string_view field) {
  Filter out;
  KG_ASSIGN_OR_RETURN(out.as_of, TxTimeFromProto(filter.as_of(), Sub(field, "as_of")));
  out.min_confidence = filter.min_confidence();
  out.min_sources = filter.min_sources();
  out.max_sources = filter.max_sources();
  out.publishers_allow.assign(filter.publishers_allow().begin(), filter.publishers_allow().end());
  out.publishers_deny.assign(filter.publishers_deny().begin(), filter.publishers_deny().end());
  KG_ASSIGN_OR_RETURN(out.min_reliability, ReliabilityFromProto(filter.min_reliability(),
                                                                Sub(field, "min_reliability")));
  out.max_credibility = CredibilityFromProto(filter.max_credibility());
  out.valid_from = filter.valid_from();
  out.valid_to = filter.valid_to();
  KG_RETURN_IF_ERROR(CheckFilter(out, std::string(field)));
  return out;
}

absl::StatusOr<TxTime> AsOfFromProto(const v1::Filter& filter, absl::string_view field) {
  return TxTimeFromProto(filter.as_of(), Sub(field, "as_of"));
}

absl::StatusOr<WriteBatch> WriteBatchFromProto(
    const google::protobuf::RepeatedPtrField<v1::Entity>& entities,
    const google::protobuf::RepeatedPtrField<v1::Statement>& statements) {
  WriteBatch batch;
  batch.entities.reserve(entities.size());
  for (int i = 0; i < entities.size(); ++i) {
    KG_ASSIGN_OR_RETURN(Entity e, EntityFromProto(entities[i], Index("entities", i)));
    batch.entities.push_back(std::move(e));
  }
  batch.statements.reserve(statements.size());
  for (int i = 0; i < statements.size(); ++i) {
    KG_ASSIGN_OR_RETURN(Statement s, StatementFromProto(statements[i], Index("statements", i)));
    batch.statements.push_back(std::move(s));
  }
  return batch;
}

absl::StatusOr<PurgeTarget> PurgeTargetFromProto(const v1::PurgeRequest& request) {
  PurgeTarget target;
  switch (request.target_case()) {
    case v1::PurgeRequest::kDocument:
      target.document = request.document();
      if (target.document.empty()) return absl::InvalidArgumentError("document: is empty");
      break;
    case v1::PurgeRequest::kEvidence:
      target.statement = request.evidence().statement_id();
      target.evidence_id = request.evidence().evidence_id();
      if (target.statement == 0) {
        return absl::InvalidArgumentError("evidence.statement_id: is required");
      }
      if (target.evidence_id.empty()) {
        return absl::InvalidArgumentError("evidence.evidence_id: is required");
      }
      break;
    case v1::PurgeRequest::TARGET_NOT_SET:
      return absl::InvalidArgumentError("target: set document or evidence");
  }
  if (request.reason().empty()) return absl::InvalidArgumentError("reason: is required");
  return target;
}

absl::StatusOr<AuditQuery> AuditQueryFromProto(const v1::ListAuditRequest& request) {
  AuditQuery query;
  query.principal = request.principal();
  query.rpc = request.rpc();
  if (request.has_code()) {
    if (request.code() < 0 || request.code() > 16) {
      return absl::InvalidArgumentError(
          absl::StrCat("code: must be a google.rpc.Code 0..16, got ", request.code()));
    }
    query.code = request.code();
  }
  if (request.from() < 0 || request.to() < 0) {
    return absl::InvalidArgumentError("from, to: must be >= 0");
  }
  query.from = request.from();
  query.to = request.to() == 0 ? kLatest : request.to();
  if (query.from > query.to) return absl::InvalidArgumentError("from: is after to");
  return query;
}

absl::StatusOr<Direction> DirectionFromProto(v1::Direction direction, Direction unspecified,
                                             absl::string_view field) {
  switch (direction) {
    case v1::DIRECTION_UNSPECIFIED:
      return unspecified;
    case v1::OUT:
      return Direction::kOut;
    case v1::IN:
      return Direction::kIn;
    case v1::BOTH:
      return Direction::kBoth;
    default:
      return Invalid(field, absl::StrCat("unknown direction ", direction));
  }
}

void ValueToProto(const Value& value, v1::Value* out) {
  switch (value.type) {
    case ValueType::kEntity:
      out->set_entity(value.lexical);
      return;
    case ValueType::kString:
      out->set_string(value.lexical);
      return;
    case ValueType::kInteger: {
      int64_t n = 0;
      if (absl::SimpleAtoi(value.lexical, &n)) {
        out->set_integer(n);
      } else {
        // Never stored by a validating store; keep the text rather than lose it.
        out->set_decimal(value.lexical);
      }
      return;
    }
    case ValueType::kDecimal:
      out->set_decimal(value.lexical);
      return;
    case ValueType::kDate:
      out->set_date(value.lexical);
      return;
    case ValueType::kBoolean:
      out->set_boolean(value.lexical == "true");
      return;
  }
  out->set_string(value.lexical);
}

void EntityToProto(const Entity& entity, v1::Entity* out) {
  out->set_id(entity.id);
  out->set_kind(entity.kind);
  out->set_label(entity.label);
  for (const std::string& alias : entity.aliases) out->add_aliases(alias);
  for (const auto& [name, value] : entity.attributes) {
    ValueToProto(value, &(*out->mutable_attributes())[name]);
  }
  for (const auto& [scheme, id] : entity.external_ids) {
    (*out->mutable_external_ids())[scheme] = id;
  }
  if (entity.latitude.has_value()) out->set_latitude(*entity.latitude);
  if (entity.longitude.has_value()) out->set_longitude(*entity.longitude);
  out->set_merged_into(entity.merged_into);
  out->set_updated_at(entity.updated_at);
  out->set_updated_by(entity.updated_by);
}

void EvidenceGradeToProto(const EvidenceGrade& grade, v1::EvidenceGrade* out) {
  out->set_confidence(grade.confidence);
  out->set_reliability(std::string(1, grade.reliability));
  out->set_credibility(grade.credibility);
  out->set_reported_on(grade.reported_on);
}

void EvidenceToProto(const Evidence& evidence, v1::Evidence* out) {
  out->set_id(evidence.id);
  out->set_document(evidence.document);
  out->set_publisher(evidence.publisher);
  out->set_claimant(evidence.claimant);
  out->set_claimant_description(evidence.claimant_description);
  out->set_excerpt(evidence.excerpt);
  out->set_span_begin(evidence.span_begin);
  out->set_span_end(evidence.span_end);
  switch (evidence.stance) {
    case Stance::kAsserts:
      out->set_stance(v1::ASSERTS);
      break;
    case Stance::kDenies:
      out->set_stance(v1::DENIES);
      break;
    case Stance::kClaims:
      out->set_stance(v1::CLAIMS);
      break;
  }
  out->set_confidence(evidence.confidence);
  out->set_reliability(std::string(1, evidence.reliability));
  out->set_credibility(evidence.credibility);
  out->set_extractor(evidence.extractor);
  out->set_story(evidence.story);
  out->set_reported_on(evidence.reported_on);
  out->set_ingested_at(evidence.ingested_at);
  out->set_ingested_by(evidence.ingested_by);
  out->set_retracted_at(evidence.retracted_at);
  out->set_retracted_by(evidence.retracted_by);
  out->set_retraction_reason(evidence.retraction_reason);
  for (const EvidenceRevision& r : evidence.revisions) {
    v1::EvidenceRevision* revision = out->add_revisions();
    revision->set_at(r.at);
    revision->set_by(r.by);
    EvidenceGradeToProto(r.before, revision->mutable_before());
    EvidenceGradeToProto(r.after, revision->mutable_after());
  }
}

void CorroborationToProto(const Corroboration& c, v1::Corroboration* out) {
  out->set_evidence_count(c.evidence_count);
  out->set_independent_sources(c.independent_sources);
  out->set_publishers(c.publishers);
  out->set_claimants(c.claimants);
  out->set_supporting(c.supporting);
  out->set_denying(c.denying);
  out->set_first_reported(c.first_reported);
  out->set_last_reported(c.last_reported);
  out->set_confidence(c.confidence);
  out->set_disputed(c.disputed);
}

void StatementToProto(const Statement& statement, bool with_evidence, v1::Statement* out) {
  out->set_id(statement.id);
  out->set_subject(statement.subject);
  out->set_predicate(statement.predicate);
  ValueToProto(statement.object, out->mutable_object());
  out->set_valid_from(statement.valid_from);
  out->set_valid_to(statement.valid_to);
  if (with_evidence) {
    for (const Evidence& e : statement.evidence) EvidenceToProto(e, out->add_evidence());
  }
  CorroborationToProto(statement.corroboration, out->mutable_corroboration());
}

void WriteResultToProto(const WriteResult& result, v1::WriteResponse* out) {
  out->set_committed_at(result.committed_at);
  out->set_entities_written(result.entities_written);
  out->set_entities_unchanged(result.entities_unchanged);
  out->set_statements_created(result.statements_created);
  out->set_evidence_added(result.evidence_added);
  out->set_evidence_unchanged(result.evidence_unchanged);
  out->set_evidence_revised(result.evidence_revised);
  out->set_evidence_retracted(result.evidence_retracted);
  for (const std::string& id : result.retracted_evidence_ids) out->add_retracted_evidence_ids(id);
  for (size_t i = 0; i < result.statement_ids.size(); ++i) {
    v1::StatementRef* ref = out->add_statements();
    ref->set_id(result.statement_ids[i]);
    if (i < result.evidence_ids.size()) {
      for (const std::string& id : result.evidence_ids[i]) ref->add_evidence_ids(id);
    }
  }
}

void AddToBulkResponse(const WriteResult& result, v1::BulkIngestResponse* out) {
  out->set_messages_applied(out->messages_applied() + 1);
  out->set_entities_written(out->entities_written() + result.entities_written);
  out->set_statements_created(out->statements_created() + result.statements_created);
  out->set_evidence_added(out->evidence_added() + result.evidence_added);
  out->set_evidence_unchanged(out->evidence_unchanged() + result.evidence_unchanged);
  out->set_evidence_revised(out->evidence_revised() + result.evidence_revised);
  out->set_evidence_retracted(out->evidence_retracted() + result.evidence_retracted);
}

void HistoryEventToProto(const HistoryEvent& event, v1::HistoryEvent* out) {
  out->set_at(event.at);
  out->set_principal(event.principal);
  // kg::HistoryEvent::Type values are the proto's minus one (the proto
  // reserves 0 for TYPE_UNSPECIFIED).
  out->set_type(static_cast<v1::HistoryEvent::Type>(static_cast<int>(event.type) + 1));
  out->set_entity(event.entity);
  out->set_statement_id(event.statement);
  out->set_evidence_id(event.evidence_id);
  out->set_other_entity(event.other_entity);
  out->set_reason(event.reason);
  out->set_count(event.count);
  if (event.type == HistoryEvent::Type::kEvidenceRevised) {
    EvidenceGradeToProto(event.revised_from, out->mutable_revised_from());
    EvidenceGradeToProto(event.revised_to, out->mutable_revised_to());
  }
}

void AuditPageToProto(const Page<AuditRecord>& page, v1::ListAuditResponse* out) {
  for (const AuditRecord& r : page.items) {
    v1::AuditEntry* e = out->add_entries();
    e->set_at(r.at);
    e->set_principal(r.principal);
    e->set_on_behalf_of(r.on_behalf_of);
    e->set_role(r.role);
    e->set_authenticated_by(r.authenticated_by);
    e->set_rpc(r.rpc);
    e->set_peer(r.peer);
    e->set_request_bytes(r.request_bytes);
    e->set_request_sha256(r.request_sha256);
    e->set_code(r.code);
    e->set_message(r.message);
  }
  out->set_next_page_token(page.next_page_token);
}

void StatsToProto(const Stats& stats, v1::GetStatsResponse* out) {
  out->set_entities(stats.entities);
  out->set_statements(stats.statements);
  out->set_evidence(stats.evidence);
  out->set_retracted_evidence(stats.retracted_evidence);
  for (const auto& [kind, n] : stats.entities_per_kind)
    (*out->mutable_entities_per_kind())[kind] = n;
  for (const auto& [predicate, n] : stats.statements_per_predicate) {
    (*out->mutable_statements_per_predicate())[predicate] = n;
  }
  out->set_disk_bytes(stats.disk_bytes);
}

void HealthToProto(const StoreHealth& health, v1::GetStatsResponse* out) {
  out->set_sync_writes(health.sync_writes);
  out->set_commits(health.commits);
  out->set_wal_syncs(health.wal_syncs);
  out->set_write_error(health.error);
  out->set_write_error_recoverable(health.recoverable);
}

v1::Direction DirectionToProto(Direction direction) {
  switch (direction) {
    case Direction::kOut:
      return v1::OUT;
    case Direction::kIn:
      return v1::IN;
    case Direction::kBoth:
      return v1::BOTH;
  }
  return v1::DIRECTION_UNSPECIFIED;
}

}  // namespace kg::server
