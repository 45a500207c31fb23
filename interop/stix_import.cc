// stix in: a STIX 2.1 bundle, split into objects as the bytes arrive
// (stix_scan.h) and each parsed by nlohmann-json. docs/FORMATS.md ("STIX
// 2.1") gives every rule.
//
// Entity ids are the STIX ids, so a statement needs no lookup, but kgd
// takes an entity before a statement naming it: entities (SDOs, SCOs,
// reports, notes, opinions, sightings) are written in batches as they come;
// relationships, sightings' references and the object_refs of reports, notes
// and opinions are held (at most kMaxHeld references) and become statements
// when the input ends, when every object of the bundle is known.

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "interop/formats.h"
#include "interop/stix_ids.h"
#include "interop/stix_mapping.h"
#include "interop/stix_scan.h"
#include "storage/status_macros.h"
#include "storage/validation.h"

namespace kg::interop {
namespace {

using Json = nlohmann::json;
using stix::IsStixId;
using stix::TypeOfId;

// References held until the input ends: relationships, sightings' refs,
// object_refs, internal ids.
constexpr int64_t kMaxHeld = 2'000'000;
// How many unmapped names an error lists.
constexpr size_t kMaxUnmappedListed = 20;

// Properties that are not kept as attributes: the envelope of every object,
// and what becomes another field of the entity or a statement.
const absl::flat_hash_set<std::string>& Consumed() {
  static const auto* const kConsumed = new absl::flat_hash_set<std::string>{"type",
                                                                            "id",
                                                                            "spec_version",
                                                                            "name",
                                                                            "aliases",
                                                                            "x_opencti_aliases",
                                                                            "x_mitre_aliases",
                                                                            "x_kgd_aliases",
                                                                            "external_references",
                                                                            "latitude",
                                                                            "longitude",
                                                                            "object_refs",
                                                                            "sighting_of_ref",
                                                                            "where_sighted_refs",
                                                                            "observed_data_refs",
                                                                            "x_kgd_synthesized",
                                                                            "x_kgd_kind",
                                                                            "x_kgd_mirrors_stance",
                                                                            "x_kgd_id"};
  return *kConsumed;
}

// STIX objects that carry no knowledge of the world.
bool IsIgnoredType(absl::string_view type) {
  return type == "marking-definition" || type == "language-content" ||
         type == "extension-definition" || type == "bundle";
}

// The first `max` bytes of `s`, not splitting a UTF-8 sequence.
std::string Prefix(absl::string_view s, size_t max) {
  if (s.size() <= max) return std::string(s);
  size_t n = max;
  while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
  return std::string(s.substr(0, n));
}

// "YYYY-MM-DD" of a STIX timestamp or date; empty when it is neither.
std::string DateOf(absl::string_view timestamp) {
  if (timestamp.size() < 10) return "";
  for (int i : {0, 1, 2, 3, 5, 6, 8, 9}) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(timestamp[i]))) return "";
  }
  if (timestamp[4] != '-' || timestamp[7] != '-') return "";
  if (timestamp.size() > 10 && timestamp[10] != 'T') return "";
  return std::string(timestamp.substr(0, 10));
}

bool IsDate(absl::string_view s) {
  const auto digits = [](absl::string_view d) {
    return std::all_of(d.begin(), d.end(),
                       [](char c) { return absl::ascii_isdigit(static_cast<unsigned char>(c)); });
  };
  if (s.size() == 4) return digits(s);
  if (s.size() == 7) return digits(s.substr(0, 4)) && s[4] == '-' && digits(s.substr(5));
  return s.size() == 10 && DateOf(s) == s;
}

std::string StringAt(const Json& object, const char* key) {
  auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// The STIX 2.1 appendix's Admiralty Credibility scale: 80-100 -> 1
// (confirmed by other sources) .. 0-19 -> 5 (improbable).
int32_t CredibilityOf(int confidence) {
  if (confidence >= 80) return 1;
  if (confidence >= 60) return 2;
  if (confidence >= 40) return 3;
  if (confidence >= 20) return 4;
  return 5;
}

// What a relationship or sighting says, held until the input ends.
struct Held {
  std::string id;
  std::string predicate;  // relationship: the mapped predicate; empty when unmapped
  std::string relationship_type;
  std::string source, target;                             // relationship
  std::vector<std::pair<std::string, std::string>> refs;  // sighting: predicate, object
  std::string created_by;
  std::optional<int> confidence;
  std::string valid_from, valid_to;
  v1::Stance stance = v1::ASSERTS;
  bool has_evidence = true;  // false: x_kgd_evidence is false
  // What kgd's evidence records have and STIX does not (x_kgd_ properties).
  v1::Evidence kgd;
  int64_t line = 0;
};

// A report, note or opinion: its references and what its evidence records
// take from it.
struct DocumentRefs {
  std::string id;
  bool is_opinion = false;
  v1::Stance stance = v1::ASSERTS;
  std::string created_by;
  std::optional<int> confidence;
  std::string date;
  std::vector<std::string> refs;
};

class StixImporter final : public Importer {
 public:
  StixImporter(const ImportOptions& options, const Schema& schema, stix::Mapping mapping)
      : options_(options),
        schema_(schema),
        mapping_(std::move(mapping)),
        scanner_(options.max_line_bytes) {}

  absl::Status Feed(absl::string_view bytes, std::vector<v1::AssertRequest>* batches) override {
    batches_ = batches;
    return scanner_.Feed(bytes, [&](absl::string_view text, int64_t index, int64_t line,
                                    int64_t column) { return Object(text, index, line, column); });
  }

  absl::Status Finish(std::vector<v1::AssertRequest>* batches) override {
    batches_ = batches;
    KG_RETURN_IF_ERROR(scanner_.Finish());
    KG_RETURN_IF_ERROR(Envelope());
    KG_RETURN_IF_ERROR(Statements());  // writes nothing once something is unmapped
    if (!unmapped_.empty()) return UnmappedError();
    Flush();
    return absl::OkStatus();
  }

  int64_t lines() const override { return scanner_.lines(); }
  int64_t skipped() const override { return skipped_; }

 private:
  // ---- Objects, as they come ----------------------------------------------

  absl::Status Object(absl::string_view text, int64_t index, int64_t line, int64_t column) {
    line_ = line;
    Json object;
    try {
      object = Json::parse(text.begin(), text.end());
    } catch (const Json::exception& e) {
      return absl::InvalidArgumentError(absl::StrCat("line ", line, ", column ", column,
                                                     ": objects[", index,
                                                     "]: not valid JSON: ", Prefix(e.what(), 256)));
    }
    const std::string where =
        absl::StrCat("line ", line, ", column ", column, ": objects[", index, "]");
    return Object(object, where);
  }

  absl::Status Object(const Json& object, const std::string& where_index) {
    const std::string type = StringAt(object, "type");
    const std::string id = StringAt(object, "id");
    if (type.empty()) return absl::InvalidArgumentError(absl::StrCat(where_index, ": no type"));
    if (id.empty()) return absl::InvalidArgumentError(absl::StrCat(where_index, ": no id"));
    const std::string where = absl::StrCat(where_index, " (", Prefix(id, 128), ")");
    if (id.size() > kMaxIdBytes) {
      return absl::InvalidArgumentError(
          absl::StrCat(where, ": the id is longer than ", kMaxIdBytes, " bytes"));
    }
    if (IsIgnoredType(type)) return absl::OkStatus();
    // What kgd exported keeps its own id: the entity is that one, and the
    // STIX id stands for it in references.
    std::string entity_id = id;
    if (const std::string kgd_id = StringAt(object, "x_kgd_id"); !kgd_id.empty()) {
      if (kgd_id.size() > kMaxIdBytes || kgd_id.find_first_of(" \t\r\n") != std::string::npos) {
        return absl::InvalidArgumentError(
            absl::StrCat(where, ": x_kgd_id: 1..", kMaxIdBytes, " bytes without whitespace"));
      }
      KG_RETURN_IF_ERROR(Hold(1, where));
      internal_ids_[id] = kgd_id;
      entity_id = kgd_id;
    }
    // An opinion kgd wrote beside a relationship's x_kgd_stance says it again.
    if (auto it = object.find("x_kgd_mirrors_stance");
        it != object.end() && it->is_boolean() && it->get<bool>()) {
      return absl::OkStatus();
    }
    KG_RETURN_IF_ERROR(InternalIds(object, id, where));
    if (type == "relationship") return Relationship(object, id, where);

    std::optional<int> confidence;
    KG_ASSIGN_OR_RETURN(confidence, Confidence(object, where));
    const std::set<std::string> synthesized = Synthesized(object);
    const std::string created_by = StringAt(object, "created_by_ref");
    if (type == "report" || type == "note" || type == "opinion" || type == "grouping") {
      DocumentRefs doc;
      doc.id = entity_id;
      doc.is_opinion = type == "opinion";
      doc.created_by = created_by;
      doc.confidence = confidence;
      const char* dated_by = type == "report" ? "published" : "created";
      if (synthesized.count(dated_by) == 0) doc.date = DateOf(StringAt(object, dated_by));
      if (doc.is_opinion) {
        KG_ASSIGN_OR_RETURN(doc.stance, StanceOf(object, where));
      }
      KG_RETURN_IF_ERROR(Refs(object, "object_refs", where, &doc.refs));
      documents_.push_back(std::move(doc));
    } else if (type == "sighting") {
      Held sighting;
      sighting.id = entity_id;
      sighting.created_by = created_by;
      sighting.confidence = confidence;
      sighting.line = line_;
      std::vector<std::string> refs;
      const std::string of = StringAt(object, "sighting_of_ref");
      if (of.empty()) {
        return absl::InvalidArgumentError(
            absl::StrCat(where, ": a sighting needs sighting_of_ref"));
      }
      sighting.refs.emplace_back("sighting_of", of);
      KG_RETURN_IF_ERROR(Refs(object, "where_sighted_refs", where, &refs));
      for (std::string& ref : refs) {
        const absl::string_view ref_type = TypeOfId(ref);
        sighting.refs.emplace_back(ref_type == "location" ? "occurred_in" : "reported_by",
                                   std::move(ref));
      }
      refs.clear();
      KG_RETURN_IF_ERROR(Refs(object, "observed_data_refs", where, &refs));
      for (std::string& ref : refs) sighting.refs.emplace_back("observed", std::move(ref));
      KG_RETURN_IF_ERROR(Hold(sighting.refs.size() + 1, where));
      sightings_.push_back(std::move(sighting));
    }
    return Entity(object, type, entity_id, where, synthesized);
  }

  // The properties kgd's export made up (x_kgd_synthesized): not read back.
  static std::set<std::string> Synthesized(const Json& object) {
    std::set<std::string> names;
    if (auto it = object.find("x_kgd_synthesized"); it != object.end() && it->is_array()) {
      for (const Json& name : *it) {
        if (name.is_string()) names.insert(name.get<std::string>());
      }
    }
    return names;
  }

  absl::Status Hold(size_t n, const std::string& where) {
    held_ += static_cast<int64_t>(n);
    if (held_ > kMaxHeld) {
      return absl::ResourceExhaustedError(absl::StrCat(
          where, ": the bundle holds more than ", kMaxHeld,
          " relationships and references, which are kept until its end; split the bundle"));
    }
    return absl::OkStatus();
  }

  // OpenCTI's internal ids (x_opencti_id, a property extension's id) may
  // stand for the STIX id in references.
  absl::Status InternalIds(const Json& object, const std::string& id, const std::string& where) {
    std::vector<std::string> alternatives;
    if (std::string internal = StringAt(object, "x_opencti_id"); !internal.empty()) {
      alternatives.push_back(std::move(internal));
    }
    if (auto ext = object.find("extensions"); ext != object.end() && ext->is_object()) {
      for (const auto& [name, value] : ext->items()) {
        if (value.is_object()) {
          if (std::string internal = StringAt(value, "id"); !internal.empty()) {
            alternatives.push_back(std::move(internal));
          }
        }
      }
    }
    for (std::string& alternative : alternatives) {
      if (alternative == id || IsStixId(alternative)) continue;
      KG_RETURN_IF_ERROR(Hold(1, where));
      internal_ids_.try_emplace(std::move(alternative), id);
    }
    return absl::OkStatus();
  }

  absl::StatusOr<std::optional<int>> Confidence(const Json& object, const std::string& where) {
    auto it = object.find("confidence");
    if (it == object.end()) return std::optional<int>();
    if (!it->is_number_integer() || it->get<int64_t>() < 0 || it->get<int64_t>() > 100) {
      return absl::InvalidArgumentError(
          absl::StrCat(where, ": confidence: an integer from 0 to 100"));
    }
    return std::optional<int>(it->get<int>());
  }

  // The fields of a kgd evidence record that went out as x_kgd_ properties
  // of its relationship.
  static absl::Status KgdEvidence(const Json& object, const std::string& where, v1::Evidence* e) {
    for (auto [key, field] :
         {std::pair{"x_kgd_claimant", e->mutable_claimant()},
          std::pair{"x_kgd_claimant_description", e->mutable_claimant_description()},
          std::pair{"x_kgd_excerpt", e->mutable_excerpt()},
          std::pair{"x_kgd_extractor", e->mutable_extractor()},
          std::pair{"x_kgd_reliability", e->mutable_reliability()},
          std::pair{"x_kgd_reported_on", e->mutable_reported_on()},
          std::pair{"x_kgd_story", e->mutable_story()}}) {
      *field = StringAt(object, key);
    }
    for (const char* key : {"x_kgd_span_begin", "x_kgd_span_end", "x_kgd_credibility"}) {
      auto it = object.find(key);
      if (it == object.end()) continue;
      if (!it->is_number_integer() || it->get<int64_t>() < -1 || it->get<int64_t>() > (1 << 30)) {
        return absl::InvalidArgumentError(absl::StrCat(where, ": ", key, ": an integer"));
      }
      const int32_t n = it->get<int32_t>();
      if (absl::string_view(key) == "x_kgd_span_begin") {
        e->set_span_begin(n);
      } else if (absl::string_view(key) == "x_kgd_span_end") {
        e->set_span_end(n);
      } else {
        e->set_credibility(n);
      }
    }
    return absl::OkStatus();
  }

  absl::StatusOr<v1::Stance> StanceOf(const Json& object, const std::string& where) {
    const std::string opinion = StringAt(object, "opinion");
    if (opinion == "agree" || opinion == "strongly-agree") return v1::ASSERTS;
    if (opinion == "disagree" || opinion == "strongly-disagree") return v1::DENIES;
    if (opinion == "neutral") return v1::CLAIMS;
    return absl::InvalidArgumentError(
        absl::StrCat(where, ": opinion: '", Prefix(opinion, 32),
                     "' is not strongly-disagree, disagree, neutral, agree or strongly-agree"));
  }

  absl::Status Refs(const Json& object, const char* key, const std::string& where,
                    std::vector<std::string>* out) {
    auto it = object.find(key);
    if (it == object.end()) return absl::OkStatus();
    if (!it->is_array()) {
      return absl::InvalidArgumentError(absl::StrCat(where, ": ", key, ": a list of ids"));
    }
    KG_RETURN_IF_ERROR(Hold(it->size(), where));
    for (const Json& ref : *it) {
      if (!ref.is_string() || ref.get_ref<const std::string&>().size() > kMaxIdBytes) {
        return absl::InvalidArgumentError(
            absl::StrCat(where, ": ", key, ": a list of ids (at most ", kMaxIdBytes, " bytes)"));
      }
      out->push_back(ref.get<std::string>());
    }
    return absl::OkStatus();
  }

  absl::Status Relationship(const Json& object, const std::string& id, const std::string& where) {
    Held rel;
    rel.id = id;
    rel.line = line_;
    rel.relationship_type = StringAt(object, "relationship_type");
    rel.source = StringAt(object, "source_ref");
    rel.target = StringAt(object, "target_ref");
    if (rel.relationship_type.empty() || rel.source.empty() || rel.target.empty()) {
      return absl::InvalidArgumentError(absl::StrCat(
          where, ": a relationship needs relationship_type, source_ref and target_ref"));
    }
    if (rel.source.size() > kMaxIdBytes || rel.target.size() > kMaxIdBytes) {
      return absl::InvalidArgumentError(absl::StrCat(
          where, ": source_ref and target_ref are ids of at most ", kMaxIdBytes, " bytes"));
    }
    rel.created_by = StringAt(object, "created_by_ref");
    KG_ASSIGN_OR_RETURN(rel.confidence, Confidence(object, where));
    rel.valid_from = DateOf(StringAt(object, "start_time"));
    rel.valid_to = DateOf(StringAt(object, "stop_time"));
    // kgd's valid times coarser than a day.
    for (auto [key, field] : {std::pair{"x_kgd_valid_from", &rel.valid_from},
                              std::pair{"x_kgd_valid_to", &rel.valid_to}}) {
      if (const std::string date = StringAt(object, key); IsDate(date)) *field = date;
    }
    if (const std::string stance = StringAt(object, "x_kgd_stance"); !stance.empty()) {
      if (stance == "denies") {
        rel.stance = v1::DENIES;
      } else if (stance == "claims") {
        rel.stance = v1::CLAIMS;
      } else if (stance != "asserts") {
        return absl::InvalidArgumentError(
            absl::StrCat(where, ": x_kgd_stance: asserts, denies or claims"));
      }
    }
    if (auto it = object.find("x_kgd_evidence"); it != object.end() && it->is_boolean()) {
      rel.has_evidence = it->get<bool>();
    }
    KG_RETURN_IF_ERROR(KgdEvidence(object, where, &rel.kgd));
    rel.predicate = std::string(mapping_.Predicate(rel.relationship_type));
    if (rel.predicate.empty()) {
      Unmapped(absl::StrCat("relationship_type '", Prefix(rel.relationship_type, 64), "'"));
      return absl::OkStatus();
    }
    KG_RETURN_IF_ERROR(Hold(1, where));
    // The same id again: the later object replaces the earlier.
    auto [it, fresh] = relationship_index_.try_emplace(id, relationships_.size());
    if (fresh) {
      relationships_.push_back(std::move(rel));
    } else {
      relationships_[it->second] = std::move(rel);
    }
    return absl::OkStatus();
  }

  // ---- Entities ----------------------------------------------------------

  absl::Status Entity(const Json& object, const std::string& type, const std::string& id,
                      const std::string& where, const std::set<std::string>& synthesized) {
    const std::optional<std::string> kind = KindOf(object, type);
    if (!kind.has_value()) {
      Unmapped(absl::StrCat("type '", Prefix(type, 64), "'"));
      return absl::OkStatus();
    }
    if (entity_ids_.size() >= static_cast<size_t>(kMaxHeld)) {
      return absl::ResourceExhaustedError(
          absl::StrCat(where, ": more than ", kMaxHeld, " objects in one bundle; split it"));
    }
    entity_ids_.insert(id);
    v1::Entity entity;
    entity.set_id(id);
    entity.set_kind(*kind);
    entity.set_label(Prefix(LabelOf(object, type, StringAt(object, "id")), kMaxLabelBytes));
    if (!object.contains("x_kgd_id")) (*entity.mutable_external_ids())["stix"] = id;
    std::set<std::string> aliases;
    for (const char* key : {"aliases", "x_opencti_aliases", "x_mitre_aliases", "x_kgd_aliases"}) {
      auto it = object.find(key);
      if (it == object.end() || !it->is_array()) continue;
      for (const Json& alias : *it) {
        if (!alias.is_string() || alias.get_ref<const std::string&>().empty()) continue;
        const std::string a = Prefix(alias.get_ref<const std::string&>(), kMaxAliasBytes);
        if (a != entity.label()) aliases.insert(a);
      }
    }
    if (aliases.size() > kMaxAliases) {
      return absl::InvalidArgumentError(
          absl::StrCat(where, ": more than ", kMaxAliases, " aliases"));
    }
    for (const std::string& alias : aliases) entity.add_aliases(alias);
    if (auto it = object.find("external_references"); it != object.end() && it->is_array()) {
      for (const Json& ref : *it) {
        if (!ref.is_object()) continue;
        const std::string scheme = StringAt(ref, "source_name");
        const std::string value = StringAt(ref, "external_id");
        if (scheme.empty() || value.empty() || scheme == "stix" || scheme.size() > kMaxNameBytes ||
            value.size() > kMaxExternalIdBytes) {
          continue;
        }
        if (entity.external_ids_size() >= static_cast<int>(kMaxExternalIds)) {
          return absl::InvalidArgumentError(absl::StrCat(where, ": more than ", kMaxExternalIds - 1,
                                                         " external references with ids"));
        }
        entity.mutable_external_ids()->try_emplace(scheme, value);  // the first of a scheme
      }
    }
    const auto lat = object.find("latitude");
    const auto lon = object.find("longitude");
    if (lat != object.end() && lon != object.end() && lat->is_number() && lon->is_number()) {
      entity.set_latitude(lat->get<double>());
      entity.set_longitude(lon->get<double>());
    }
    auto& attributes = *entity.mutable_attributes();
    for (const auto& [key, value] : object.items()) {
      if (Consumed().contains(key) || synthesized.count(key) > 0) continue;
      // kgd's own attributes went out as x_kgd_<name>.
      absl::string_view name = key;
      absl::ConsumePrefix(&name, "x_kgd_");
      if (name.size() > kMaxNameBytes || name.empty()) continue;
      v1::Value v;
      if (value.is_string()) {
        const std::string& s = value.get_ref<const std::string&>();
        if (s.size() > kMaxLiteralBytes) {
          return absl::InvalidArgumentError(absl::StrCat(where, ": ", Prefix(key, 64), ": ",
                                                         s.size(), " bytes exceed the limit ",
                                                         kMaxLiteralBytes));
        }
        if ((name == "date" || name == "end_date") && IsDate(s)) {
          v.set_date(s);
        } else {
          v.set_string(s);
        }
      } else if (value.is_boolean()) {
        v.set_boolean(value.get<bool>());
      } else if (value.is_number_integer()) {
        v.set_integer(value.get<int64_t>());
      } else if (value.is_number_float()) {
        const std::string text = value.dump();
        if (text.find_first_of("eE") != std::string::npos) continue;  // not a kgd decimal
        v.set_decimal(text);
      } else {
        continue;  // lists and objects: not kept (docs/FORMATS.md)
      }
      attributes[std::string(name)] = std::move(v);
    }
    // kgd's own dates: an incident's "date" and "end_date", a document's "date".
    const auto derived = [&](const char* name, const char* from) {
      if (attributes.contains(name) || synthesized.count(from) > 0) return;
      if (const std::string date = DateOf(StringAt(object, from)); !date.empty()) {
        attributes[name].set_date(date);
      }
    };
    if (schema_.IsKindOf(*kind, "Incident")) {
      derived("date", "first_seen");
      derived("end_date", "last_seen");
    } else if (schema_.IsKindOf(*kind, "Document")) {
      derived("date", type == "report" ? "published" : "created");
    }
    if (attributes.size() > kMaxAttributes) {
      return absl::InvalidArgumentError(
          absl::StrCat(where, ": more than ", kMaxAttributes, " properties to keep"));
    }
    AddEntity(std::move(entity));
    return absl::OkStatus();
  }

  std::optional<std::string> KindOf(const Json& object, const std::string& type) const {
    // What kgd exported says its kind.
    if (const std::string kind = StringAt(object, "x_kgd_kind");
        !kind.empty() && schema_.IsKnownKind(kind)) {
      return kind;
    }
    const std::vector<stix::KindRule>* rules = mapping_.KindRules(type);
    if (rules == nullptr) return std::nullopt;
    for (const stix::KindRule& rule : *rules) {
      if (rule.property.empty()) return rule.kind;
      auto it = object.find(rule.property);
      if (it == object.end()) continue;
      if (rule.value == "*") return rule.kind;
      if (it->is_string() &&
          absl::EqualsIgnoreCase(it->get_ref<const std::string&>(), rule.value)) {
        return rule.kind;
      }
    }
    return std::nullopt;
  }

  static std::string LabelOf(const Json& object, const std::string& type, const std::string& id) {
    std::vector<const char*> keys = {"name"};
    if (type == "indicator") keys.push_back("pattern");
    if (type == "location") keys.insert(keys.end(), {"city", "region", "country"});
    if (type == "note") keys.insert(keys.end(), {"abstract", "content"});
    if (type == "opinion") keys.insert(keys.end(), {"explanation", "opinion"});
    keys.insert(keys.end(), {"value", "path", "key", "number", "display_name"});
    for (const char* key : keys) {
      if (std::string s = StringAt(object, key); !s.empty()) return s;
    }
    if (type == "sighting")
      return absl::StrCat("sighting of ", StringAt(object, "sighting_of_ref"));
    if (type == "observed-data") {
      return absl::StrCat("observed data ", StringAt(object, "first_observed"));
    }
    return id;
  }

  void AddEntity(v1::Entity entity) {
    // The same id again: the later object replaces the earlier.
    auto [it, fresh] = entity_index_.try_emplace(entity.id(), request_.entities_size());
    if (fresh) {
      *request_.add_entities() = std::move(entity);
      ++records_;
    } else {
      *request_.mutable_entities(it->second) = std::move(entity);
    }
    if (records_ >= options_.batch_records) Flush();
  }

  // ---- The end of the bundle: statements ----------------------------------

  absl::Status Envelope() {
    const std::string& text = scanner_.envelope();
    Json envelope;
    try {
      envelope = Json::parse(text);
    } catch (const Json::exception& e) {
      return absl::InvalidArgumentError(
          absl::StrCat("line 1, column 1: the bundle is not valid JSON: ", Prefix(e.what(), 256)));
    }
    if (!envelope.is_object()) {
      return absl::InvalidArgumentError("line 1, column 1: a STIX bundle is a JSON object");
    }
    const std::string type = StringAt(envelope, "type");
    bundle_id_ = StringAt(envelope, "id");
    if (type == "bundle") return absl::OkStatus();
    if (type.empty() || scanner_.objects() > 0) {
      return absl::InvalidArgumentError(
          "line 1, column 1: the top level is not a STIX bundle (its type is not \"bundle\")");
    }
    // A bare object: a bundle of one.
    bundle_id_.clear();
    line_ = 1;
    return Object(envelope, "line 1, column 1: the object");
  }

  std::string Resolve(const std::string& ref) const {
    auto it = internal_ids_.find(ref);
    return it == internal_ids_.end() ? ref : it->second;
  }

  // A reference the import can send: the id of an object of the bundle, or
  // a STIX id kgd may hold from an earlier import. Empty: skipped (counted)
  // or unmapped (listed).
  std::string Endpoint(const std::string& raw, absl::string_view what) {
    const std::string ref = Resolve(raw);
    if (entity_ids_.contains(ref)) return ref;
    if (!IsStixId(ref)) {
      Unmapped(absl::StrCat(what, " '", Prefix(ref, 64), "' (not a STIX id)"));
      return "";
    }
    if (options_.skip_unmapped) {
      ++skipped_;
      return "";
    }
    return ref;
  }

  absl::Status Statements() {
    // Which reports and notes list each relationship and sighting.
    absl::flat_hash_map<std::string, std::vector<const DocumentRefs*>> listed_by;
    absl::flat_hash_map<std::string, std::vector<const DocumentRefs*>> opined_by;
    for (const DocumentRefs& doc : documents_) {
      for (const std::string& raw : doc.refs) {
        const std::string ref = Resolve(raw);
        const bool is_held = relationship_index_.contains(ref) || TypeOfId(raw) == "sighting";
        if (is_held && doc.is_opinion && relationship_index_.contains(ref)) {
          opined_by[ref].push_back(&doc);
        } else if (is_held && !doc.is_opinion) {
          listed_by[ref].push_back(&doc);
        }
      }
    }
    const std::string bundle_document =
        stix::IdFor("report", bundle_id_.empty() ? absl::StrCat("source ", options_.source)
                                                 : absl::StrCat("bundle ", bundle_id_));
    bool needs_bundle_document = false;
    for (const Held& rel : relationships_) {
      needs_bundle_document |= rel.has_evidence && !listed_by.contains(rel.id);
    }
    for (const Held& sighting : sightings_) {
      needs_bundle_document |= !listed_by.contains(sighting.id);
    }
    if (needs_bundle_document) {
      v1::Entity doc;
      doc.set_id(bundle_document);
      doc.set_kind("Document");
      doc.set_label(
          absl::StrCat("STIX bundle ", bundle_id_.empty() ? options_.source : bundle_id_));
      (*doc.mutable_external_ids())["stix"] = bundle_document;
      entity_ids_.insert(bundle_document);
      AddEntity(std::move(doc));
    }
    Flush();  // every entity before the statements

    // The records a relationship or sighting gives: one per report or note
    // listing it, else one in the bundle's document.
    const auto own_records = [&](const Held& held, std::vector<v1::Evidence>* out) {
      if (!held.has_evidence) return;
      auto it = listed_by.find(held.id);
      const std::string publisher = Publisher(held.created_by);
      const auto record = [&](const std::string& document, const std::string& date) {
        v1::Evidence e;
        e.set_document(document);
        e.set_publisher(publisher);
        e.set_stance(held.stance);
        if (held.confidence.has_value()) {
          e.set_confidence(*held.confidence / 100.0);
          e.set_credibility(CredibilityOf(*held.confidence));
        }
        e.set_reported_on(date);
        // What kgd's export carried of its own record.
        const v1::Evidence& kgd = held.kgd;
        if (!kgd.claimant().empty()) e.set_claimant(kgd.claimant());
        if (!kgd.claimant_description().empty()) {
          e.set_claimant_description(kgd.claimant_description());
        }
        if (!kgd.excerpt().empty()) e.set_excerpt(kgd.excerpt());
        if (!kgd.extractor().empty()) e.set_extractor(kgd.extractor());
        if (!kgd.reliability().empty()) e.set_reliability(kgd.reliability());
        if (!kgd.reported_on().empty()) e.set_reported_on(kgd.reported_on());
        if (kgd.has_span_begin()) e.set_span_begin(kgd.span_begin());
        if (kgd.has_span_end()) e.set_span_end(kgd.span_end());
        if (kgd.credibility() != 0) e.set_credibility(kgd.credibility());
        out->push_back(std::move(e));
      };
      if (it == listed_by.end()) {
        record(bundle_document, "");
      } else {
        for (const DocumentRefs* doc : it->second) record(doc->id, doc->date);
      }
    };
    const auto document_record = [&](const DocumentRefs& doc) {
      v1::Evidence e;
      e.set_document(doc.id);
      e.set_publisher(Publisher(doc.created_by));
      e.set_stance(doc.stance);
      if (doc.confidence.has_value()) {
        e.set_confidence(*doc.confidence / 100.0);
        e.set_credibility(CredibilityOf(*doc.confidence));
      }
      e.set_reported_on(doc.date);
      return e;
    };

    for (const Held& rel : relationships_) {
      const std::string source = Resolve(rel.source), target = Resolve(rel.target);
      if (relationship_index_.contains(source) || relationship_index_.contains(target) ||
          TypeOfId(source) == "relationship" || TypeOfId(target) == "relationship") {
        Unmapped(absl::StrCat("relationship ", rel.id,
                              " (its source_ref or target_ref is a relationship: a statement "
                              "about a statement, which kgd does not represent)"));
        continue;
      }
      const std::string subject = Endpoint(rel.source, "source_ref");
      if (subject.empty()) continue;
      const std::string object = Endpoint(rel.target, "target_ref");
      if (object.empty()) continue;
      std::vector<v1::Evidence> records;
      own_records(rel, &records);
      if (auto it = opined_by.find(rel.id); it != opined_by.end()) {
        for (const DocumentRefs* doc : it->second) records.push_back(document_record(*doc));
      }
      AddStatement(subject, rel.predicate, object, rel.valid_from, rel.valid_to,
                   std::move(records));
    }
    for (const Held& sighting : sightings_) {
      std::vector<v1::Evidence> records;
      own_records(sighting, &records);
      for (const auto& [predicate, ref] : sighting.refs) {
        const std::string object = Endpoint(ref, predicate);
        if (object.empty()) continue;
        AddStatement(sighting.id, predicate, object, "", "", records);
      }
    }
    // What a report, note or opinion is about, besides the relationships
    // and sightings it lists.
    for (const DocumentRefs& doc : documents_) {
      const v1::Evidence record = document_record(doc);
      for (const std::string& raw : doc.refs) {
        const std::string ref = Resolve(raw);
        if (relationship_index_.contains(ref)) continue;
        if (TypeOfId(raw) == "sighting" && !doc.is_opinion) continue;
        if (TypeOfId(raw) == "relationship") {
          ++skipped_;  // a relationship the bundle does not hold (or did not map)
          continue;
        }
        if (IsIgnoredType(TypeOfId(raw))) continue;
        const std::string object = Endpoint(raw, "object_refs");
        if (object.empty()) continue;
        v1::Evidence mention = record;
        mention.set_stance(v1::ASSERTS);
        AddStatement(doc.id, "mentions", object, "", "", {std::move(mention)});
      }
    }
    return absl::OkStatus();
  }

  std::string Publisher(const std::string& created_by) {
    if (created_by.empty()) return "";
    const std::string id = Resolve(created_by);
    if (entity_ids_.contains(id)) return id;
    if (!IsStixId(id)) {
      Unmapped(absl::StrCat("created_by_ref '", Prefix(id, 64), "' (not a STIX id)"));
      return "";
    }
    if (options_.skip_unmapped) {
      ++skipped_;  // the record keeps no publisher
      return "";
    }
    return id;
  }

  void AddStatement(const std::string& subject, const std::string& predicate,
                    const std::string& object, const std::string& valid_from,
                    const std::string& valid_to, std::vector<v1::Evidence> records) {
    if (records.empty()) return;
    const std::string key = absl::StrCat(subject, "\x1f", predicate, "\x1f", object, "\x1f",
                                         valid_from, "\x1f", valid_to);
    for (v1::Evidence& e : records) {
      auto [it, fresh] = statement_index_.try_emplace(key, request_.statements_size());
      if (fresh) {
        v1::Statement* s = request_.add_statements();
        s->set_subject(subject);
        s->set_predicate(predicate);
        s->mutable_object()->set_entity(object);
        s->set_valid_from(valid_from);
        s->set_valid_to(valid_to);
        ++records_;
      }
      v1::Statement* s = request_.mutable_statements(it->second);
      const std::string digest = e.SerializeAsString();
      if (!evidence_seen_.insert(absl::StrCat(key, "\x1e", digest)).second) continue;
      *s->add_evidence() = std::move(e);
      ++records_;
      if (records_ >= options_.batch_records) Flush();
    }
  }

  void Unmapped(std::string what) {
    if (options_.skip_unmapped) {
      ++skipped_;
      return;
    }
    if (unmapped_.empty()) first_unmapped_line_ = line_;
    if (unmapped_.size() < kMaxUnmappedListed) unmapped_.insert(std::move(what));
  }

  absl::Status UnmappedError() const {
    return absl::InvalidArgumentError(absl::StrCat(
        "line ", first_unmapped_line_, ", column 1: STIX content the mapping does not map (",
        unmapped_.size() == kMaxUnmappedListed ? "at least " : "", unmapped_.size(),
        "): ", absl::StrJoin(unmapped_, ", "),
        "; map it (interop/stix/mapping.txt, docs/FORMATS.md) or import with skip_unmapped"));
  }

  void Flush() {
    if (!unmapped_.empty()) {  // the import fails; nothing more is written
      request_.Clear();
    } else if (request_.entities_size() > 0 || request_.statements_size() > 0) {
      batches_->push_back(std::move(request_));
    }
    request_.Clear();
    entity_index_.clear();
    statement_index_.clear();
    evidence_seen_.clear();
    records_ = 0;
  }

  const ImportOptions options_;
  const Schema& schema_;
  const stix::Mapping mapping_;
  stix::BundleScanner scanner_;
  std::vector<v1::AssertRequest>* batches_ = nullptr;
  int64_t line_ = 0;

  // Held until the end.
  std::string bundle_id_;
  absl::flat_hash_set<std::string> entity_ids_;
  absl::flat_hash_map<std::string, std::string> internal_ids_;
  std::vector<Held> relationships_;
  absl::flat_hash_map<std::string, size_t> relationship_index_;
  std::vector<Held> sightings_;
  std::vector<DocumentRefs> documents_;
  int64_t held_ = 0;

  // The batch being built.
  v1::AssertRequest request_;
  absl::flat_hash_map<std::string, int> entity_index_;
  absl::flat_hash_map<std::string, int> statement_index_;
  absl::flat_hash_set<std::string> evidence_seen_;
  int64_t records_ = 0;

  int64_t skipped_ = 0;
  std::set<std::string> unmapped_;
  int64_t first_unmapped_line_ = 0;
};

}  // namespace

absl::StatusOr<std::unique_ptr<Importer>> NewStixImporter(const ImportOptions& options,
                                                          const Schema& schema) {
  absl::StatusOr<stix::Mapping> mapping = stix::Mapping::Parse(
      options.mapping.empty() ? stix::DefaultMappingText() : options.mapping, schema);
  if (!mapping.ok()) return mapping.status();
  return std::make_unique<StixImporter>(options, schema, *std::move(mapping));
}

}  // namespace kg::interop
