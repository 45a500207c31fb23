// stix out: the graph as one STIX 2.1 bundle. docs/FORMATS.md ("STIX 2.1")
// gives every rule; what `stix` import reads back as the same graph.
//
// Entities become SDOs as they come, statements relationships (one per
// evidence record, so that each keeps its own created_by_ref and
// confidence). Documents and sightings are held until the end: their
// object_refs and sighting refs come from the statements. Memory holds the
// STIX id of every entity written and the held objects.

#include <cmath>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "interop/formats.h"
#include "interop/stix_ids.h"
#include "interop/stix_mapping.h"

namespace kg::interop {
namespace {

using Json = nlohmann::json;

// created / modified of what kgd does not date.
constexpr char kEpoch[] = "1970-01-01T00:00:00.000Z";

// Properties STIX 2.1 defines that kgd keeps as attributes under their own
// names; any other attribute goes out as x_kgd_<name>.
const absl::flat_hash_set<std::string>& StixProperties() {
  static const auto* const kNames = new absl::flat_hash_set<std::string>{"abstract",
                                                                         "administrative_area",
                                                                         "authors",
                                                                         "city",
                                                                         "confidence",
                                                                         "contact_information",
                                                                         "content",
                                                                         "context",
                                                                         "count",
                                                                         "country",
                                                                         "created",
                                                                         "created_by_ref",
                                                                         "description",
                                                                         "explanation",
                                                                         "first_observed",
                                                                         "first_seen",
                                                                         "goals",
                                                                         "identity_class",
                                                                         "infrastructure_types",
                                                                         "is_family",
                                                                         "lang",
                                                                         "last_observed",
                                                                         "last_seen",
                                                                         "modified",
                                                                         "number_observed",
                                                                         "objective",
                                                                         "opinion",
                                                                         "pattern",
                                                                         "pattern_type",
                                                                         "pattern_version",
                                                                         "postal_code",
                                                                         "precision",
                                                                         "primary_motivation",
                                                                         "published",
                                                                         "region",
                                                                         "resource_level",
                                                                         "revoked",
                                                                         "sophistication",
                                                                         "street_address",
                                                                         "summary",
                                                                         "tool_version",
                                                                         "valid_from",
                                                                         "valid_until",
                                                                         "value",
                                                                         "key",
                                                                         "path",
                                                                         "number",
                                                                         "display_name"};
  return *kNames;
}

// Types whose objects have "aliases" in STIX 2.1.
bool HasAliases(absl::string_view type) {
  return type == "attack-pattern" || type == "campaign" || type == "infrastructure" ||
         type == "intrusion-set" || type == "malware" || type == "threat-actor" || type == "tool";
}

// Types without "name".
bool Nameless(absl::string_view type) {
  return type == "sighting" || type == "note" || type == "opinion" || type == "observed-data";
}

bool IsDocumentType(absl::string_view type) {
  return type == "report" || type == "note" || type == "opinion" || type == "grouping";
}

// A STIX timestamp of a kgd date: YYYY[-MM[-DD]] at midnight UTC.
std::string TimestampOf(absl::string_view date) {
  std::string d(date);
  if (d.size() == 4) absl::StrAppend(&d, "-01-01");
  if (d.size() == 7) absl::StrAppend(&d, "-01");
  return absl::StrCat(d, "T00:00:00.000Z");
}

bool IsTimestamp(absl::string_view s) {
  return s.size() >= 20 && s[4] == '-' && s[10] == 'T' && s.back() == 'Z';
}

const char* OpinionOf(v1::Stance stance) {
  switch (stance) {
    case v1::DENIES:
      return "disagree";
    case v1::CLAIMS:
      return "neutral";
    default:
      return "agree";
  }
}

// A document or sighting written at the end.
struct HeldObject {
  Json object;
  std::set<std::string> refs;  // object_refs
  std::string sighting_of;     // sighting
  std::set<std::string> where, observed;
  bool has_evidence_fields = false;  // sighting: created_by_ref / confidence taken
};

class StixExporter final : public Exporter {
 public:
  StixExporter(const Schema& schema, stix::Mapping mapping)
      : schema_(schema), mapping_(std::move(mapping)) {
    absl::StrAppend(&out_, "{\"type\":\"bundle\",\"id\":\"", stix::IdFor("bundle", "kgd export"),
                    "\",\"objects\":[");
  }

  void AddEntity(const v1::Entity& entity) override {
    std::optional<stix::ExportType> mapped = mapping_.TypeOf(entity.kind(), schema_);
    std::string id;
    // An entity that came from STIX keeps its id and type, when the mapping
    // still knows the type.
    if (auto it = entity.external_ids().find("stix"); it != entity.external_ids().end() &&
                                                      stix::IsStixId(it->second) &&
                                                      mapping_.Maps(stix::TypeOfId(it->second))) {
      id = it->second;
      if (!mapped.has_value() || mapped->type != stix::TypeOfId(id)) {
        mapped = stix::ExportType{std::string(stix::TypeOfId(id)), "", ""};
      }
    }
    const std::string type = mapped.has_value() ? mapped->type : "x-kgd-entity";
    if (id.empty()) id = stix::IdFor(type, entity.id());
    ids_[entity.id()] = id;

    Json o = Json::object();
    o["type"] = type;
    o["spec_version"] = "2.1";
    o["id"] = id;
    if (id != entity.id()) o["x_kgd_id"] = entity.id();
    // The kind itself: the type and its selector may stand for several.
    o["x_kgd_kind"] = entity.kind();
    std::vector<std::string> synthesized;
    const auto& attributes = entity.attributes();
    for (const char* name : {"created", "modified"}) {
      auto it = attributes.find(name);
      if (it != attributes.end() && it->second.has_string() && IsTimestamp(it->second.string())) {
        o[name] = it->second.string();
      } else {
        o[name] = kEpoch;
        synthesized.push_back(name);
      }
    }
    if (!Nameless(type)) o["name"] = entity.label();
    if (entity.aliases_size() > 0) {
      Json aliases = Json::array();
      for (const std::string& alias : entity.aliases()) aliases.push_back(alias);
      o[HasAliases(type) ? "aliases" : "x_kgd_aliases"] = std::move(aliases);
    }
    std::map<std::string, std::string> external(entity.external_ids().begin(),
                                                entity.external_ids().end());
    external.erase("stix");
    if (!external.empty()) {
      Json refs = Json::array();
      for (const auto& [scheme, value] : external) {
        refs.push_back({{"source_name", scheme}, {"external_id", value}});
      }
      o["external_references"] = std::move(refs);
    }
    if (entity.has_latitude() && entity.has_longitude()) {
      o["latitude"] = entity.latitude();
      o["longitude"] = entity.longitude();
    }
    std::map<std::string, v1::Value> sorted(attributes.begin(), attributes.end());
    for (const auto& [name, value] : sorted) {
      if (name == "created" || name == "modified") continue;
      const std::string key = StixProperties().contains(name) || absl::StartsWith(name, "x_")
                                  ? name
                                  : absl::StrCat("x_kgd_", name);
      if (o.contains(key)) continue;
      switch (value.kind_case()) {
        case v1::Value::kString:
          o[key] = value.string();
          break;
        case v1::Value::kDate:
          o[key] = value.date();
          break;
        case v1::Value::kInteger:
          o[key] = value.integer();
          break;
        case v1::Value::kDecimal:
          o[key] = Json::parse(value.decimal(), nullptr, /*allow_exceptions=*/false);
          if (o[key].is_discarded()) o.erase(key);
          break;
        case v1::Value::kBoolean:
          o[key] = value.boolean();
          break;
        default:
          break;  // entity-valued attributes are not exported
      }
    }
    // What STIX requires of the type, when kgd has nothing for it.
    const auto require = [&](const char* name, Json value) {
      if (o.contains(name)) return;
      o[name] = std::move(value);
      synthesized.push_back(name);
    };
    if (type == "report") {
      auto it = attributes.find("date");
      require("published", it != attributes.end() && it->second.has_date()
                               ? TimestampOf(it->second.date())
                               : std::string(kEpoch));
    }
    if (type == "malware") require("is_family", false);
    if (type == "note") require("content", entity.label());
    if (type == "indicator") {
      require("pattern_type", "stix");
      require("valid_from", kEpoch);
    }
    if (mapped.has_value() && !mapped->property.empty())
      require(mapped->property.c_str(), mapped->value);
    if (!synthesized.empty()) o["x_kgd_synthesized"] = synthesized;

    if (IsDocumentType(type) || type == "sighting") {
      held_index_[entity.id()] = held_.size();
      held_.emplace_back().object = std::move(o);
    } else {
      Write(o);
    }
  }

  void AddStatement(const v1::Statement& statement) override {
    const v1::Statement s = WritableStatement(statement);
    if (s.evidence_size() == 0 || !s.object().has_entity()) return;  // literals: not exported
    auto subject = ids_.find(s.subject());
    auto object = ids_.find(s.object().entity());
    if (subject == ids_.end() || object == ids_.end()) return;
    HeldObject* held = Held(s.subject());
    if (held != nullptr) {
      const std::string type = held->object["type"];
      if (s.predicate() == "mentions" && IsDocumentType(type)) {
        held->refs.insert(object->second);
        return;
      }
      if (type == "sighting" && (s.predicate() == "sighting_of" || s.predicate() == "reported_by" ||
                                 s.predicate() == "occurred_in" || s.predicate() == "observed")) {
        if (s.predicate() == "sighting_of") {
          held->sighting_of = object->second;
        } else {
          (s.predicate() == "observed" ? held->observed : held->where).insert(object->second);
        }
        for (const v1::Evidence& e : s.evidence()) {
          if (HeldObject* doc = Held(e.document()); doc != nullptr) {
            doc->refs.insert(held->object["id"].get<std::string>());
          }
          if (!held->has_evidence_fields) {
            held->has_evidence_fields = true;
            SetProvenance(e, &held->object);
          }
        }
        return;
      }
    }
    const std::string type = mapping_.RelationshipType(s.predicate());
    const std::string key =
        absl::StrCat(s.subject(), "\x1f", s.predicate(), "\x1f", s.object().entity(), "\x1f",
                     s.valid_from(), "\x1f", s.valid_to());
    std::string primary;
    std::vector<const v1::Evidence*> opinions;
    for (const v1::Evidence& e : s.evidence()) {
      HeldObject* doc = Held(e.document());
      if (doc != nullptr && doc->object["type"] == "opinion") {
        opinions.push_back(&e);
        continue;
      }
      Json rel = Relationship(s, type, object->second, subject->second);
      const std::string id = stix::IdFor(
          "relationship", absl::StrCat(key, "\x1e", e.document(), "\x1e", e.publisher(), "\x1e",
                                       e.stance(), "\x1e", e.claimant(), "\x1e", e.excerpt()));
      rel["id"] = id;
      SetProvenance(e, &rel);
      KgdEvidence(e, &rel);
      const bool asserts = e.stance() == v1::ASSERTS || e.stance() == v1::STANCE_UNSPECIFIED;
      if (!asserts) rel["x_kgd_stance"] = e.stance() == v1::DENIES ? "denies" : "claims";
      Write(rel);
      if (doc != nullptr) doc->refs.insert(id);
      if (!asserts) {
        // For readers that know opinions, not kgd's x_kgd_stance.
        Json opinion = Json::object();
        opinion["type"] = "opinion";
        opinion["spec_version"] = "2.1";
        opinion["id"] = stix::IdFor("opinion", id);
        opinion["created"] = kEpoch;
        opinion["modified"] = kEpoch;
        opinion["opinion"] = OpinionOf(e.stance());
        opinion["object_refs"] = Json::array({id});
        opinion["x_kgd_mirrors_stance"] = true;
        SetProvenance(e, &opinion);
        Write(opinion);
      }
      if (primary.empty()) primary = id;
    }
    if (opinions.empty()) return;
    if (primary.empty()) {
      // Only opinions speak of it: a relationship for them to name, with no
      // evidence of its own.
      Json rel = Relationship(s, type, object->second, subject->second);
      primary = stix::IdFor("relationship", absl::StrCat(key, "\x1e", "opinions"));
      rel["id"] = primary;
      rel["x_kgd_evidence"] = false;
      Write(rel);
    }
    for (const v1::Evidence* e : opinions) {
      HeldObject* doc = Held(e->document());
      doc->refs.insert(primary);
      if (!doc->object.contains("opinion")) doc->object["opinion"] = OpinionOf(e->stance());
      if (!doc->object.contains("created_by_ref") && !doc->object.contains("confidence")) {
        SetProvenance(*e, &doc->object);
      }
    }
  }

  void Finish() override {
    for (HeldObject& held : held_) {
      Json& o = held.object;
      if (o["type"] == "sighting") {
        if (held.sighting_of.empty()) continue;  // STIX requires what was sighted
        o["sighting_of_ref"] = held.sighting_of;
        if (!held.where.empty()) o["where_sighted_refs"] = held.where;
        if (!held.observed.empty()) o["observed_data_refs"] = held.observed;
      } else if (!held.refs.empty()) {
        o["object_refs"] = held.refs;
      }
      if (o["type"] == "opinion" && !o.contains("opinion")) o["opinion"] = "neutral";
      Write(o);
    }
    held_.clear();
    out_.append("]}\n");
  }

 private:
  HeldObject* Held(const std::string& id) {
    auto it = held_index_.find(id);
    return it == held_index_.end() ? nullptr : &held_[it->second];
  }

  static Json Relationship(const v1::Statement& s, const std::string& type,
                           const std::string& target, const std::string& source) {
    Json rel = Json::object();
    rel["type"] = "relationship";
    rel["spec_version"] = "2.1";
    rel["created"] = kEpoch;
    rel["modified"] = kEpoch;
    rel["relationship_type"] = type;
    rel["source_ref"] = source;
    rel["target_ref"] = target;
    if (!s.valid_from().empty()) rel["start_time"] = TimestampOf(s.valid_from());
    if (!s.valid_to().empty()) rel["stop_time"] = TimestampOf(s.valid_to());
    // A year or a month: STIX's timestamps say a day.
    if (!s.valid_from().empty() && s.valid_from().size() < 10)
      rel["x_kgd_valid_from"] = s.valid_from();
    if (!s.valid_to().empty() && s.valid_to().size() < 10) rel["x_kgd_valid_to"] = s.valid_to();
    return rel;
  }

  // What STIX has no property for, as kgd's import reads it back.
  static void KgdEvidence(const v1::Evidence& e, Json* o) {
    for (auto [key, value] :
         {std::pair{"x_kgd_claimant", &e.claimant()},
          std::pair{"x_kgd_claimant_description", &e.claimant_description()},
          std::pair{"x_kgd_excerpt", &e.excerpt()}, std::pair{"x_kgd_extractor", &e.extractor()},
          std::pair{"x_kgd_reported_on", &e.reported_on()}, std::pair{"x_kgd_story", &e.story()}}) {
      if (!value->empty()) (*o)[key] = *value;
    }
    if (!e.reliability().empty() && e.reliability() != "F")
      (*o)["x_kgd_reliability"] = e.reliability();
    if (e.has_span_begin() && e.span_begin() >= 0) (*o)["x_kgd_span_begin"] = e.span_begin();
    if (e.has_span_end() && e.span_end() >= 0) (*o)["x_kgd_span_end"] = e.span_end();
    if (e.credibility() != 0) (*o)["x_kgd_credibility"] = e.credibility();
  }

  // created_by_ref and confidence (0..100) of an evidence record.
  void SetProvenance(const v1::Evidence& e, Json* o) const {
    if (auto it = ids_.find(e.publisher()); !e.publisher().empty() && it != ids_.end()) {
      (*o)["created_by_ref"] = it->second;
    }
    // Read back, unset grading is confidence 1 and credibility 6.
    if (e.has_confidence() &&
        !(e.confidence() == 1.0 && (e.credibility() == 6 || e.credibility() == 0))) {
      (*o)["confidence"] = static_cast<int>(std::lround(e.confidence() * 100));
    }
  }

  void Write(const Json& o) {
    if (written_ > 0) out_.push_back(',');
    out_.push_back('\n');
    out_.append(o.dump(-1, ' ', false, Json::error_handler_t::replace));
    ++written_;
  }

  const Schema& schema_;
  const stix::Mapping mapping_;
  absl::flat_hash_map<std::string, std::string> ids_;  // kgd id -> STIX id
  std::vector<HeldObject> held_;
  absl::flat_hash_map<std::string, size_t> held_index_;
  int64_t written_ = 0;
};

}  // namespace

absl::StatusOr<std::unique_ptr<Exporter>> NewStixExporter(const ExportOptions& options,
                                                          const Schema& schema) {
  absl::StatusOr<stix::Mapping> mapping = stix::Mapping::Parse(
      options.mapping.empty() ? stix::DefaultMappingText() : options.mapping, schema);
  if (!mapping.ok()) return mapping.status();
  return std::make_unique<StixExporter>(schema, *std::move(mapping));
}

}  // namespace kg::interop
