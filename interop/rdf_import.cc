// ntriples / nquads in: serd parses each line (strict: a line that is not
// valid RDF 1.1 is an error at its line and column); the mapping of
// docs/RDF.md turns triples into entities, statements and evidence.
//
// Batches close only between subjects, so that an entity's triples, which
// must be contiguous, land in one batch, and an evidence node is whole.

#include <serd/serd.h>

#include <algorithm>
#include <cstdarg>
#include <cstdio>
#include <cstring>
#include <map>
#include <set>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "interop/formats.h"
#include "interop/lines.h"
#include "interop/rdf_mapping.h"
#include "interop/rdf_vocab.h"
#include "storage/status_macros.h"

namespace kg::interop {
namespace {

using rdf::Literal;

// Stands for every document in a coverage key.
constexpr char kAnyDocument[] = "\x1e";

// How many unmapped IRIs an error lists.
constexpr size_t kMaxUnmappedListed = 20;

absl::string_view View(const SerdNode* node) {
  return node == nullptr
             ? absl::string_view()
             : absl::string_view(reinterpret_cast<const char*>(node->buf), node->n_bytes);
}

// One triple's term as kgd sees it: an entity id or a literal.
struct Term {
  bool is_literal = false;
  std::string id;  // entity
  Literal literal;
};

// A statement's identity within a batch: subject, predicate, object (as
// serialized bytes), valid time.
using StatementKey = std::tuple<std::string, std::string, std::string, std::string, std::string>;

// An evidence node being read: its own subject, and the fields so far.
struct EvidenceNode {
  std::string subject;
  int64_t line = 0;
  std::string statement_subject, predicate, document;
  std::optional<Term> object;
  std::string valid_from, valid_to;
  v1::Evidence evidence;
};

class RdfImporter final : public Importer {
 public:
  RdfImporter(const ImportOptions& options, const Schema& schema, RdfMapping mapping)
      : options_(options),
        schema_(schema),
        mapping_(std::move(mapping)),
        lines_(options.max_line_bytes),
        source_hash_(absl::StrFormat("%016x", Fnv1a(options.source))) {
    reader_ = serd_reader_new(options.format == Format::kNQuads ? SERD_NQUADS : SERD_NTRIPLES, this,
                              nullptr, nullptr, nullptr, &RdfImporter::OnStatement, nullptr);
    serd_reader_set_strict(reader_, true);
    serd_reader_set_error_sink(reader_, &RdfImporter::OnError, this);
  }
  ~RdfImporter() override { serd_reader_free(reader_); }

  absl::Status Feed(absl::string_view bytes, std::vector<v1::AssertRequest>* batches) override {
    batches_ = batches;
    return lines_.Feed(bytes, [&](absl::string_view line, int64_t n) { return Line(line, n); });
  }

  absl::Status Finish(std::vector<v1::AssertRequest>* batches) override {
    batches_ = batches;
    if (absl::Status s =
            lines_.Finish([&](absl::string_view line, int64_t n) { return Line(line, n); });
        !s.ok()) {
      return s;
    }
    if (absl::Status s = CloseGroup(); !s.ok()) return s;
    if (!unmapped_.empty()) return UnmappedError();
    return Flush();
  }

  int64_t lines() const override { return lines_.lines(); }
  int64_t skipped() const override { return skipped_; }

 private:
  absl::Status Line(absl::string_view line, int64_t number) {
    if (line.find_first_not_of(" \t") == absl::string_view::npos) return absl::OkStatus();
    line_number_ = number;
    line_text_.assign(line.data(), line.size());
    line_text_.push_back('\n');
    error_.clear();
    triple_status_ = absl::OkStatus();
    // A byte source of the line's length: a literal may hold U+0000.
    unread_ = line_text_;
    const SerdStatus read = serd_reader_read_source(
        reader_, &RdfImporter::ReadLine, [](void*) { return 0; }, this, nullptr, 4096);
    if (!triple_status_.ok()) return triple_status_;
    if (read != SERD_SUCCESS || !error_.empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat("line ", number, ", column ", error_column_, ": ",
                       error_.empty() ? std::string("not valid RDF") : error_));
    }
    return absl::OkStatus();
  }

  static size_t ReadLine(void* buf, size_t size, size_t nmemb, void* stream) {
    auto* self = static_cast<RdfImporter*>(stream);
    const size_t n = std::min(size * nmemb, self->unread_.size());
    std::memcpy(buf, self->unread_.data(), n);
    self->unread_.remove_prefix(n);
    return n / size;
  }

  static SerdStatus OnError(void* handle, const SerdError* error) {
    auto* self = static_cast<RdfImporter*>(handle);
    if (!self->error_.empty()) return SERD_SUCCESS;  // the first one counts
    char message[512];
    va_list args;
    va_copy(args, *error->args);
    std::vsnprintf(message, sizeof(message), error->fmt, args);
    va_end(args);
    self->error_ = message;
    while (!self->error_.empty() && (self->error_.back() == '\n' || self->error_.back() == ' ')) {
      self->error_.pop_back();
    }
    self->error_column_ = error->col;
    return SERD_SUCCESS;
  }

  static SerdStatus OnStatement(void* handle, SerdStatementFlags, const SerdNode* graph,
                                const SerdNode* subject, const SerdNode* predicate,
                                const SerdNode* object, const SerdNode* datatype,
                                const SerdNode* language) {
    auto* self = static_cast<RdfImporter*>(handle);
    absl::Status s = self->Triple(graph, subject, predicate, object, datatype, language);
    if (!s.ok()) {
      self->triple_status_ = absl::InvalidArgumentError(
          absl::StrCat("line ", self->line_number_, ", column 1: ", s.message()));
      return SERD_FAILURE;
    }
    return SERD_SUCCESS;
  }

  std::string IdOf(const SerdNode* node) {
    if (node->type == SERD_BLANK) {
      const absl::string_view label = View(node);
      // Stable per source and label, and within the id length bound.
      return label.size() <= 200 ? absl::StrCat("bnode/", source_hash_, "/", label)
                                 : absl::StrCat("bnode/", source_hash_, "/",
                                                absl::StrFormat("%016x", Fnv1a(label)));
    }
    return rdf::IdOfIri(View(node), options_.base_iri);
  }

  Term TermOf(const SerdNode* node, const SerdNode* datatype, const SerdNode* language) {
    Term term;
    if (node->type != SERD_LITERAL) {
      term.id = IdOf(node);
      return term;
    }
    term.is_literal = true;
    term.literal.lexical = std::string(View(node));
    term.literal.datatype =
        datatype != nullptr
            ? std::string(View(datatype))
            : (language != nullptr ? rdf::kRdfLangString : absl::StrCat(rdf::kXsd, "string"));
    if (language != nullptr) term.literal.language = std::string(View(language));
    return term;
  }

  // The local name of a kgd vocabulary IRI, or none.
  static std::optional<absl::string_view> Vocab(absl::string_view iri) {
    if (!absl::StartsWith(iri, rdf::kVocab)) return std::nullopt;
    return iri.substr(sizeof(rdf::kVocab) - 1);
  }

  absl::Status Triple(const SerdNode* graph, const SerdNode* subject_node,
                      const SerdNode* predicate_node, const SerdNode* object_node,
                      const SerdNode* datatype, const SerdNode* language) {
    const absl::string_view predicate = View(predicate_node);
    const Term object = TermOf(object_node, datatype, language);
    const bool after_plain = last_was_plain_;
    last_was_plain_ = false;
    if (graph != nullptr && mapping_.skip_graphs.contains(View(graph))) {
      ++skipped_;
      return absl::OkStatus();
    }
    const std::string document = graph != nullptr ? IdOf(graph) : options_.document;
    // Not a subject of its own: it grades the quad before it.
    if (!mapping_.confidence.empty() && predicate == mapping_.confidence) {
      return Confidence(after_plain, document, object);
    }
    const std::string subject = IdOf(subject_node);
    if (subject != group_subject_) {
      KG_RETURN_IF_ERROR(CloseGroup());
      if (records_ >= options_.batch_records) KG_RETURN_IF_ERROR(Flush());
      group_subject_ = subject;
    }

    if (predicate == rdf::kRdfType && !object.is_literal) {
      const std::string type = rdf::IriOfId(object.id, options_.base_iri);
      if (type == absl::StrCat(rdf::kVocab, rdf::kEvidence)) {
        evidence_.emplace();
        evidence_->subject = subject;
        evidence_->line = line_number_;
        return absl::OkStatus();
      }
      if (type == rdf::kProvEntity) return absl::OkStatus();  // evidence nodes say it too
      if (auto mapped = mapping_.kinds.find(type); mapped != mapping_.kinds.end()) {
        EntityOf(subject).set_kind(mapped->second);
        return absl::OkStatus();
      }
      const std::optional<std::string> kind = Named(type);
      if (kind.has_value() && schema_.IsKnownKind(*kind)) {
        EntityOf(subject).set_kind(*kind);
        return absl::OkStatus();
      }
      return Unmapped(type);
    }
    if (evidence_.has_value() && evidence_->subject == subject) {
      return EvidenceProperty(predicate, object);
    }
    if (object.is_literal &&
        (predicate == rdf::kRdfsLabel || mapping_.labels.contains(predicate))) {
      EntityOf(subject).set_label(object.literal.lexical);
      return absl::OkStatus();
    }
    if (object.is_literal &&
        (predicate == rdf::kSkosAltLabel || mapping_.aliases.contains(predicate))) {
      EntityOf(subject).add_aliases(object.literal.lexical);
      return absl::OkStatus();
    }
    if (const std::string_view declared = schema_.NameOfIri(SchemaView(predicate));
        !declared.empty()) {
      return Statement(subject, absl::string_view(declared.data(), declared.size()), object,
                       document, predicate);
    }
    if (auto attribute = mapping_.attributes.find(predicate);
        attribute != mapping_.attributes.end()) {
      return SetAttribute(subject, attribute->second, object);
    }
    if (std::optional<std::string> name = mapping_.PredicateOf(predicate); name.has_value()) {
      return Statement(subject, *name, object, document, predicate);
    }
    const std::optional<absl::string_view> local = Vocab(predicate);
    if (!local.has_value()) return Unmapped(predicate);
    return Property(subject, *local, object, document);
  }

  // The mapping's confidence IRI: it must follow the quad it grades, in the
  // same graph.
  absl::Status Confidence(bool after_plain, const std::string& document, const Term& object) {
    if (!after_plain || plain_.empty() || plain_.back().document != document) {
      return absl::InvalidArgumentError(
          "a confidence triple must follow the quad whose evidence it grades, in the same graph");
    }
    double c = 0;
    if (!object.is_literal || !absl::SimpleAtod(object.literal.lexical, &c) || !(c >= 0) || c > 1) {
      return absl::InvalidArgumentError("confidence: a number from 0 to 1");
    }
    plain_.back().confidence = c;
    return absl::OkStatus();
  }

  absl::Status SetAttribute(const std::string& subject, absl::string_view name,
                            const Term& object) {
    v1::Value value;
    if (object.is_literal) {
      KG_ASSIGN_OR_RETURN(value, rdf::ValueOf(object.literal));
    } else {
      value.set_entity(object.id);
    }
    (*EntityOf(subject).mutable_attributes())[std::string(name)] = std::move(value);
    return absl::OkStatus();
  }

  static std::string_view SchemaView(absl::string_view s) { return {s.data(), s.size()}; }

  // The kind or predicate an IRI names: the schema's "iri" lines first, then
  // kgd's vocabulary.
  std::optional<std::string> Named(absl::string_view iri) const {
    if (const std::string_view declared = schema_.NameOfIri(SchemaView(iri)); !declared.empty()) {
      return std::string(declared);
    }
    std::optional<absl::string_view> local = Vocab(iri);
    if (!local.has_value()) return std::nullopt;
    return std::string(*local);
  }

  // A statement of schema predicate `name` (`iri` in the input).
  absl::Status Statement(const std::string& subject, absl::string_view name, const Term& object,
                         const std::string& document, absl::string_view iri) {
    if (schema_.FindPredicate(SchemaView(name)) == nullptr) return Unmapped(iri);
    KG_ASSIGN_OR_RETURN(v1::Statement * statement, StatementOf(subject, name, object, "", ""));
    plain_.push_back({KeyOf(*statement), document, line_number_, std::nullopt});
    last_was_plain_ = true;
    return absl::OkStatus();
  }

  absl::Status Property(const std::string& subject, absl::string_view local, const Term& object,
                        const std::string& document) {
    if (absl::ConsumePrefix(&local, rdf::kAttr)) return SetAttribute(subject, local, object);
    if (absl::ConsumePrefix(&local, rdf::kExtId)) {
      if (!object.is_literal) return absl::InvalidArgumentError("an external id is a literal");
      (*EntityOf(subject).mutable_external_ids())[std::string(local)] = object.literal.lexical;
      return absl::OkStatus();
    }
    if (local == rdf::kGeoLat || local == rdf::kGeoLong) {
      double degrees = 0;
      if (!object.is_literal || !absl::SimpleAtod(object.literal.lexical, &degrees)) {
        return absl::InvalidArgumentError(absl::StrCat(local, ": degrees, as a number"));
      }
      local == rdf::kGeoLat ? EntityOf(subject).set_latitude(degrees)
                            : EntityOf(subject).set_longitude(degrees);
      return absl::OkStatus();
    }
    return Statement(subject, local, object, document, absl::StrCat(rdf::kVocab, local));
  }

  absl::Status EvidenceProperty(absl::string_view predicate, const Term& object) {
    EvidenceNode& node = *evidence_;
    v1::Evidence& e = node.evidence;
    const auto id = [&]() -> absl::StatusOr<std::string> {
      if (object.is_literal) return absl::InvalidArgumentError(absl::StrCat(predicate, ": an IRI"));
      return object.id;
    };
    const auto text = [&]() -> absl::StatusOr<std::string> {
      if (!object.is_literal)
        return absl::InvalidArgumentError(absl::StrCat(predicate, ": a literal"));
      return object.literal.lexical;
    };
    const auto integer = [&]() -> absl::StatusOr<int64_t> {
      int64_t n = 0;
      if (!object.is_literal || !absl::SimpleAtoi(object.literal.lexical, &n)) {
        return absl::InvalidArgumentError(absl::StrCat(predicate, ": an integer"));
      }
      return n;
    };
    if (predicate == rdf::kProvWasQuotedFrom) {
      KG_ASSIGN_OR_RETURN(node.document, id());
      return absl::OkStatus();
    }
    if (predicate == rdf::kProvWasAttributedTo) {
      KG_ASSIGN_OR_RETURN(*e.mutable_claimant(), id());
      return absl::OkStatus();
    }
    absl::string_view local = Vocab(predicate).value_or("");
    if (!absl::ConsumePrefix(&local, rdf::kEv)) return Unmapped(predicate);
    if (local == "subject") {
      KG_ASSIGN_OR_RETURN(node.statement_subject, id());
    } else if (local == "predicate") {
      KG_ASSIGN_OR_RETURN(std::string iri, id());
      const std::string full = rdf::IriOfId(iri, options_.base_iri);
      std::optional<std::string> name = Named(full);
      if (!name.has_value()) return Unmapped(full);
      node.predicate = *name;
    } else if (local == "object") {
      node.object = object;
    } else if (local == "publisher") {
      KG_ASSIGN_OR_RETURN(*e.mutable_publisher(), id());
    } else if (local == "claimantDescription") {
      KG_ASSIGN_OR_RETURN(*e.mutable_claimant_description(), text());
    } else if (local == "excerpt") {
      KG_ASSIGN_OR_RETURN(*e.mutable_excerpt(), text());
    } else if (local == "spanBegin" || local == "spanEnd") {
      KG_ASSIGN_OR_RETURN(int64_t n, integer());
      local == "spanBegin" ? e.set_span_begin(static_cast<int32_t>(n))
                           : e.set_span_end(static_cast<int32_t>(n));
    } else if (local == "stance") {
      KG_ASSIGN_OR_RETURN(std::string stance, text());
      v1::Stance value;
      if (!v1::Stance_Parse(absl::AsciiStrToUpper(stance), &value)) {
        return absl::InvalidArgumentError(absl::StrCat("ev/stance: '", stance.substr(0, 32),
                                                       "' is not asserts, denies or claims"));
      }
      e.set_stance(value);
    } else if (local == "confidence") {
      double c = 0;
      if (!object.is_literal || !absl::SimpleAtod(object.literal.lexical, &c)) {
        return absl::InvalidArgumentError("ev/confidence: a number");
      }
      e.set_confidence(c);
    } else if (local == "reliability") {
      KG_ASSIGN_OR_RETURN(*e.mutable_reliability(), text());
    } else if (local == "credibility") {
      KG_ASSIGN_OR_RETURN(int64_t n, integer());
      e.set_credibility(static_cast<int32_t>(n));
    } else if (local == "extractor") {
      KG_ASSIGN_OR_RETURN(*e.mutable_extractor(), text());
    } else if (local == "reportedOn") {
      KG_ASSIGN_OR_RETURN(*e.mutable_reported_on(), text());
    } else if (local == "story") {
      KG_ASSIGN_OR_RETURN(*e.mutable_story(), text());
    } else if (local == "validFrom") {
      KG_ASSIGN_OR_RETURN(node.valid_from, text());
    } else if (local == "validTo") {
      KG_ASSIGN_OR_RETURN(node.valid_to, text());
    } else {
      return Unmapped(predicate);
    }
    return absl::OkStatus();
  }

  // Ends the current subject's group: an evidence node becomes a record.
  absl::Status CloseGroup() {
    if (!evidence_.has_value()) return absl::OkStatus();
    EvidenceNode node = std::move(*evidence_);
    evidence_.reset();
    if (node.statement_subject.empty() || node.predicate.empty() || !node.object.has_value() ||
        node.document.empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat("line ", node.line,
                       ", column 1: an evidence node needs ev/subject, ev/predicate, ev/object and "
                       "prov:wasQuotedFrom"));
    }
    if (schema_.FindPredicate(node.predicate) == nullptr) {
      return Unmapped(absl::StrCat(rdf::kVocab, node.predicate));
    }
    absl::StatusOr<v1::Statement*> statement = StatementOf(
        node.statement_subject, node.predicate, *node.object, node.valid_from, node.valid_to);
    if (!statement.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("line ", node.line, ", column 1: ", statement.status().message()));
    }
    node.evidence.set_document(node.document);
    covered_now_.insert(Covered(KeyOf(**statement), node.document));
    covered_now_.insert(Covered(KeyOf(**statement), kAnyDocument));
    *(*statement)->add_evidence() = std::move(node.evidence);
    ++records_;
    return absl::OkStatus();
  }

  v1::Entity& EntityOf(const std::string& id) {
    auto [it, fresh] = entity_index_.try_emplace(id, request_.entities_size());
    if (fresh) {
      request_.add_entities()->set_id(id);
      ++records_;
    }
    return *request_.mutable_entities(it->second);
  }

  absl::StatusOr<v1::Statement*> StatementOf(const std::string& subject,
                                             absl::string_view predicate, const Term& object,
                                             const std::string& valid_from,
                                             const std::string& valid_to) {
    v1::Value value;
    if (object.is_literal) {
      KG_ASSIGN_OR_RETURN(value, rdf::ValueOf(object.literal));
    } else {
      value.set_entity(object.id);
    }
    StatementKey key{subject, std::string(predicate), value.SerializeAsString(), valid_from,
                     valid_to};
    auto [it, fresh] = statement_index_.try_emplace(key, request_.statements_size());
    if (fresh) {
      v1::Statement* statement = request_.add_statements();
      statement->set_subject(subject);
      statement->set_predicate(std::string(predicate));
      *statement->mutable_object() = std::move(value);
      statement->set_valid_from(valid_from);
      statement->set_valid_to(valid_to);
      ++records_;
    }
    return request_.mutable_statements(it->second);
  }

  static StatementKey KeyOf(const v1::Statement& s) {
    return {s.subject(), s.predicate(), s.object().SerializeAsString(), s.valid_from(),
            s.valid_to()};
  }
  // Subject, predicate, object and document: a plain quad names no valid
  // time, so it is covered by an evidence node of any.
  static std::string Covered(const StatementKey& key, const std::string& document) {
    return absl::StrCat(std::get<0>(key), "\x1f", std::get<1>(key), "\x1f", std::get<2>(key),
                        "\x1f", document);
  }

  absl::Status Unmapped(absl::string_view iri) {
    if (options_.skip_unmapped) {
      ++skipped_;
      return absl::OkStatus();
    }
    if (unmapped_.empty()) first_unmapped_line_ = line_number_;
    if (unmapped_.size() < kMaxUnmappedListed) unmapped_.insert(std::string(iri.substr(0, 256)));
    return absl::OkStatus();
  }

  absl::Status UnmappedError() const {
    return absl::InvalidArgumentError(
        absl::StrCat("line ", first_unmapped_line_, ", column 1: IRIs the mapping does not know (",
                     unmapped_.size() == kMaxUnmappedListed ? "at least " : "", unmapped_.size(),
                     "): <", absl::StrJoin(unmapped_, ">, <"),
                     ">; map them (docs/RDF.md) or import with skip_unmapped"));
  }

  // Emits the batch: plain quads become evidence unless an evidence node of
  // this batch or the one before described that statement in that document
  // (a triple outside a named graph: in any document).
  absl::Status Flush() {
    if (!unmapped_.empty()) return absl::OkStatus();  // the import fails; nothing more is written
    for (const Plain& plain : plain_) {
      const std::string covered =
          Covered(plain.key, plain.document.empty() ? kAnyDocument : plain.document);
      if (covered_now_.contains(covered) || covered_before_.contains(covered)) continue;
      if (plain.document.empty()) {
        return absl::InvalidArgumentError(absl::StrCat(
            "line ", plain.line,
            ", column 1: a statement outside a named graph needs a document (the import's "
            "document option) or an evidence node"));
      }
      if (!plain_seen_.insert(covered).second) continue;
      v1::Statement* statement = request_.mutable_statements(statement_index_.at(plain.key));
      v1::Evidence* evidence = statement->add_evidence();
      evidence->set_document(plain.document);
      if (plain.confidence.has_value()) evidence->set_confidence(*plain.confidence);
    }
    DefaultKinds();
    // A statement all of whose records were written by the batch before.
    auto* statements = request_.mutable_statements();
    for (int i = statements->size() - 1; i >= 0; --i) {
      if (statements->Get(i).evidence_size() == 0) statements->DeleteSubrange(i, 1);
    }
    if (request_.entities_size() > 0 || request_.statements_size() > 0) {
      batches_->push_back(std::move(request_));
    }
    request_.Clear();
    entity_index_.clear();
    statement_index_.clear();
    plain_.clear();
    plain_seen_.clear();
    covered_before_ = std::move(covered_now_);
    covered_now_.clear();
    records_ = 0;
    return absl::OkStatus();
  }

  // Entities under a default_kind prefix that name no type get its kind,
  // and their id as label when none is given.
  void DefaultKinds() {
    if (mapping_.default_kinds.empty()) return;
    for (v1::Entity& entity : *request_.mutable_entities()) {
      if (!entity.kind().empty()) continue;
      std::optional<std::string> kind =
          mapping_.DefaultKindOf(rdf::IriOfId(entity.id(), options_.base_iri));
      if (!kind.has_value()) continue;
      entity.set_kind(*kind);
      if (entity.label().empty()) entity.set_label(entity.id());
    }
  }

  const ImportOptions options_;
  const Schema& schema_;
  const RdfMapping mapping_;
  LineSplitter lines_;
  const std::string source_hash_;
  SerdReader* reader_ = nullptr;
  std::vector<v1::AssertRequest>* batches_ = nullptr;

  // The line being read.
  int64_t line_number_ = 0;
  std::string line_text_;
  absl::string_view unread_;  // of line_text_, for ReadLine
  std::string error_;
  unsigned error_column_ = 1;
  absl::Status triple_status_;

  // The batch being built.
  v1::AssertRequest request_;
  absl::flat_hash_map<std::string, int> entity_index_;
  std::map<StatementKey, int> statement_index_;
  // A triple or quad of a statement with no evidence node of its own.
  struct Plain {
    StatementKey key;
    std::string document;  // empty outside a named graph
    int64_t line;
    std::optional<double> confidence;  // from the mapping's confidence triple
  };
  std::vector<Plain> plain_;
  absl::flat_hash_set<std::string> plain_seen_;
  absl::flat_hash_set<std::string> covered_now_, covered_before_;
  int64_t records_ = 0;

  std::string group_subject_;
  bool last_was_plain_ = false;
  std::optional<EvidenceNode> evidence_;

  int64_t skipped_ = 0;
  std::set<std::string> unmapped_;
  int64_t first_unmapped_line_ = 0;
};

}  // namespace

std::unique_ptr<Importer> NewRdfImporter(const ImportOptions& options, const Schema& schema,
                                         RdfMapping mapping) {
  return std::make_unique<RdfImporter>(options, schema, std::move(mapping));
}

}  // namespace kg::interop
