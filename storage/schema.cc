// Schema parsing and checks. The text format is documented in schema.h and in
// default_schema.txt, whose text is embedded below as kDefaultSchemaText.
//
// Grammar (tokens are separated by optional blanks; '#' to end of line is a
// comment):
//   line      := [kind_decl | pred_decl | role_decl | iri_decl]
//   kind_decl := "kind" KIND [":" KIND]
//   pred_decl := "predicate" PRED ":" alts "->" alts {FLAG}
//   role_decl := ("publishers" | "claimants") ":" alts     (kinds only, once each)
//   iri_decl  := "iri" (KIND | PRED) "<" IRI ">"          (each name, each IRI once)
//   alts      := TERM {"|" TERM}
//   TERM      := KIND | "Any" | "string" | "integer" | "decimal" | "date" | "boolean"
//   FLAG      := "functional" | "same_base" | "acyclic"

#include "storage/schema.h"

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <utility>

#include "absl/strings/str_join.h"
#include "storage/status_macros.h"
#include "storage/validation.h"

namespace kg {
namespace {

// Keep equal to storage/default_schema.txt (schema_test checks it).
constexpr std::string_view kDefaultSchemaText =
    R"kgschema(# kgd default schema: the kinds of entities and the predicates between them.
#
# Used when the server runs without --schema. A deployment may copy this file,
# extend it and pass the copy (StoreOptions.schema_path). storage/schema.cc
# embeds this exact text; tests/storage/schema_test.cc checks that they match.
#
# Format: one declaration per line; '#' starts a comment; blank lines ignored.
#
#   kind <Name>                       a base kind
#   kind <Name> : <Parent>            a sub-kind; the parent must be declared above
#   predicate <name> : <domain> -> <range> [functional] [same_base] [acyclic]
#   publishers : <kinds>              kinds an evidence's publisher may have
#   claimants : <kinds>               kinds an evidence's claimant entity may have
#
# Kind names start with an upper-case letter ([A-Z][A-Za-z0-9_]*); predicate
# names are lower case ([a-z][a-z0-9_]*). A domain is one or more kinds joined
# by '|'; a range is one or more kinds and/or literal types (string, integer,
# decimal, date, boolean) joined by '|'. A kind stands for itself and all its
# sub-kinds ("Location" accepts a Village); "Any" stands for every kind.
# Flags:
#   functional  a subject has at most one object for this predicate; a second,
#               different object is a conflicting claim (the statement is
#               disputed), e.g. two perpetrators named for one incident.
#   same_base   subject and object must share their base kind (a Location is
#               part of a Location, an Actor of an Actor).
#   acyclic     the predicate's statements never lead from an entity back to
#               itself (no self-loop, no cycle): nothing lies inside itself.
# Without a publishers (claimants) line any kind may publish (be a claimant).

# ---- Actors: who does what to whom ------------------------------------------
kind Actor
kind State : Actor              # a sovereign state as an actor: Turkey, Russia
kind Government : Actor         # a government or regime: the Syrian government
kind ArmedForce : Actor         # a state's regular forces: the Syrian Arab Army
kind ArmedGroup : Actor         # a non-state armed group: Jabhat al-Nusra
kind Organization : Actor       # UN agencies, NGOs, parties, companies
kind Person : Actor             # a named individual: Maj. Gen. Viktor Kupschishin
kind MediaOutlet : Actor        # a news agency or outlet: Reuters, TASS, SANA

# ---- Locations: where -------------------------------------------------------
kind Location
kind Country : Location
kind Region : Location          # province, governorate: Idlib, Hama, Hatay
kind District : Location
kind Town : Location            # towns and cities: Khan Sheikhoun, Aleppo
kind Village : Location
kind Zone : Location            # a designated area: the Idlib de-escalation zone

# ---- Incidents: what happened (dated by the attributes date / end_date) -----
kind Incident
kind Attack : Incident
kind Airstrike : Attack         # "air attacks in Idlib throughout last week"
kind ChemicalAttack : Attack    # "the use of chemical weapons"
kind Clash : Incident           # "clashes in Idlib between ... and al-Nusra fighters"
kind Offensive : Incident       # "an expected Russian-backed offensive"
kind BuildUp : Incident         # "fighters were a part of the build-up"
kind Supply : Incident          # "Ankara has sent fresh supplies"
kind AidDelivery : Incident     # "a convoy of 31 trucks" of humanitarian aid
kind Displacement : Incident    # "180,000 IDPs into secondary displacement"
kind Destruction : Incident     # "destroyed dwellings", "destroyed weaponry"
kind Meeting : Incident         # "a string of working meetings"
kind Warning : Incident         # "DiCarlo warned of the situation in Idlib"
kind Casualties : Incident      # "killed more than 100 civilians"
kind Protest : Incident         # a demonstration (ACLED, CAMEO 14)
kind Riot : Incident            # violent demonstration or mob violence

# ---- Documents: where a claim was published ---------------------------------
kind Document                   # a report or article (attributes url, title, publisher, date)

# ---- Threat intelligence (STIX 2.1; interop/stix/mapping.txt) -----------------
kind ThreatActor : Actor        # an adversary: APT1
kind IntrusionSet : Actor       # activity attributed to one actor: Comment Crew
kind Sector : Actor             # a class of identities: the energy sector
kind Campaign : Incident        # a series of attacks over time: Operation Aurora
kind Sighting : Incident        # something seen, by someone, somewhere, some times
kind Note : Document            # an analyst's note about other objects
kind Opinion : Document         # an assessment of other objects (agree .. disagree)
kind Capability                 # what an actor uses
kind Malware : Capability       # Poison Ivy
kind Tool : Capability          # a legitimate tool put to use: PsExec
kind AttackPattern : Capability # a technique: spear phishing, CAPEC-66
kind Infrastructure : Capability # command-and-control servers
kind Vulnerability              # a weakness exploited: CVE-2012-0158
kind Indicator                  # a detection pattern
kind CourseOfAction             # a mitigation
kind Observable                 # observed data and cyber observables: a file, an IP address

# ---- Sources: who may publish evidence and who may be its claimant -------------
# Outlets, but also governments, groups, organisations and people publish
# statements of their own; places, incidents and documents never do.
publishers : Actor
claimants : Actor

# ---- Relations between actors -----------------------------------------------
predicate supplies : Actor -> Actor            # sends arms, fighters or materiel
predicate backs : Actor -> Actor               # political or military backing
predicate sponsors : Actor -> Actor | Incident # funds or organises (a group, a meeting)
predicate opposes : Actor -> Actor
predicate allied_with : Actor -> Actor
predicate clashes_with : Actor -> Actor
predicate attacks : Actor -> Actor | Location
predicate member_of : Actor -> Actor           # a person of a group, a group of a coalition

# ---- Containment --------------------------------------------------------------
# A sub-unit of an actor, a sub-place of a place, a phase of an incident, a
# component of a capability.
predicate part_of : Actor | Location | Incident | Capability -> Actor | Location | Incident | Capability same_base acyclic
# Where a place lies, or where an actor is based.
predicate located_in : Location | Actor -> Location acyclic

# ---- Incidents ------------------------------------------------------------------
predicate occurred_in : Incident -> Location functional
predicate perpetrated_by : Incident -> Actor functional
predicate targeted : Incident -> Actor | Location
predicate participant : Incident -> Actor      # took part: both sides of a clash, a meeting
predicate reported_by : Incident -> Actor      # the outlet or body that reported it
predicate issued_by : Warning -> Actor         # who gave a warning or statement
predicate listed_in : Any -> Document          # a row of a dataset export (a synced import's scope)

# ---- Literal facts ----------------------------------------------------------------
predicate deaths : Incident -> integer         # people killed
predicate injured : Incident -> integer        # people wounded
predicate displaced : Incident -> integer      # people displaced
predicate count : Incident -> integer          # fighters, vehicles or trucks involved
predicate description : Any -> string          # free text

# ---- Threat intelligence (STIX 2.1 relationship types) ---------------------------
predicate uses : Any -> Any
predicate indicates : Any -> Any
predicate targets : Any -> Any
predicate attributed_to : Any -> Any
predicate mitigates : Any -> Any
predicate related_to : Any -> Any
predicate impersonates : Any -> Any
predicate variant_of : Any -> Any
predicate consists_of : Any -> Any
predicate controls : Any -> Any
predicate delivers : Any -> Any
predicate drops : Any -> Any
predicate exploits : Any -> Any
predicate communicates_with : Any -> Any
predicate hosts : Any -> Any
predicate owns : Any -> Any
predicate authored_by : Any -> Any
predicate compromises : Any -> Any
predicate originates_from : Any -> Any
predicate based_on : Any -> Any
predicate derived_from : Any -> Any
predicate duplicate_of : Any -> Any
predicate investigates : Any -> Any
predicate remediates : Any -> Any
predicate beacons_to : Any -> Any
predicate exfiltrates_to : Any -> Any
predicate downloads : Any -> Any
predicate characterizes : Any -> Any
predicate analysis_of : Any -> Any
predicate located_at : Any -> Location         # where an actor, a victim, infrastructure is
predicate sighting_of : Sighting -> Any        # what was seen
predicate observed : Sighting -> Observable    # the observed data that saw it
predicate mentions : Document -> Any           # an object a report, note or opinion is about
)kgschema";

// absl::string_view is not std::string_view in the Abseil we link, so
// absl::StrCat cannot take std::string_view; this small concatenation can.
void AppendPiece(std::string* out, std::string_view s) { out->append(s); }
void AppendPiece(std::string* out, const char* s) { out->append(s); }
void AppendPiece(std::string* out, const std::string& s) { out->append(s); }
void AppendPiece(std::string* out, absl::string_view s) { out->append(s.data(), s.size()); }
void AppendPiece(std::string* out, size_t n) { out->append(std::to_string(n)); }

template <typename... Args>
void AppendAll(std::string* out, const Args&... args) {
  (AppendPiece(out, args), ...);
}

template <typename... Args>
std::string Cat(const Args&... args) {
  std::string out;
  (AppendPiece(&out, args), ...);
  return out;
}

constexpr std::pair<std::string_view, ValueType> kLiteralTypes[] = {
    {"string", ValueType::kString},   {"integer", ValueType::kInteger},
    {"decimal", ValueType::kDecimal}, {"date", ValueType::kDate},
    {"boolean", ValueType::kBoolean},
};

// Upper bounds that keep a hostile schema file from costing much; names
// obey kg::kMaxNameBytes, the bound of the kinds and predicates writes send.
constexpr size_t kMaxDeclarations = 10000;

bool IsIdentChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

bool IsKindName(std::string_view s) {
  if (s.empty() || s.size() > kMaxNameBytes || !(s[0] >= 'A' && s[0] <= 'Z')) return false;
  return std::all_of(s.begin(), s.end(), IsIdentChar);
}

bool IsPredicateName(std::string_view s) {
  if (s.empty() || s.size() > kMaxNameBytes || !(s[0] >= 'a' && s[0] <= 'z')) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
  });
}

const ValueType* FindLiteralType(std::string_view name) {
  for (const auto& [n, t] : kLiteralTypes) {
    if (n == name) return &t;
  }
  return nullptr;
}

// Splits one line into tokens: identifiers, ":", "|" and "->". Stops at '#'.
absl::Status Tokenize(std::string_view line, std::vector<std::string_view>* tokens) {
  size_t i = 0;
  while (i < line.size()) {
    const char c = line[i];
    if (c == ' ' || c == '\t' || c == '\r') {
      ++i;
    } else if (c == '#') {
      break;
    } else if (c == '<') {  // an IRI, whole: it may hold ':' and '|'
      const size_t end = line.find('>', i);
      if (end == std::string_view::npos) {
        return absl::InvalidArgumentError("an IRI '<' has no closing '>'");
      }
      tokens->push_back(line.substr(i, end - i + 1));
      i = end + 1;
    } else if (c == ':' || c == '|') {
      tokens->push_back(line.substr(i, 1));
      ++i;
    } else if (c == '-' && i + 1 < line.size() && line[i + 1] == '>') {
      tokens->push_back(line.substr(i, 2));
      i += 2;
    } else if (IsIdentChar(c)) {
      size_t j = i;
      while (j < line.size() && IsIdentChar(line[j])) ++j;
      tokens->push_back(line.substr(i, j - i));
      i = j;
    } else {
      return absl::InvalidArgumentError(
          Cat("unexpected character '", std::string_view(&line[i], 1), "'"));
    }
  }
  return absl::OkStatus();
}

std::string KindList(const std::vector<std::string>& kinds) { return absl::StrJoin(kinds, " or "); }

}  // namespace

std::string_view ValueTypeName(ValueType type) {
  switch (type) {
    case ValueType::kEntity:
      return "entity";
    case ValueType::kString:
      return "string";
    case ValueType::kInteger:
      return "integer";
    case ValueType::kDecimal:
      return "decimal";
    case ValueType::kDate:
      return "date";
    case ValueType::kBoolean:
      return "boolean";
  }
  return "unknown";
}

// Parses one declaration (already tokenized) into *schema. Errors carry no
// line prefix; Parse adds it.
class SchemaParser {
 public:
  explicit SchemaParser(Schema* schema) : schema_(schema) {}

  absl::Status Line(const std::vector<std::string_view>& t) {
    if (t.empty()) return absl::OkStatus();
    if (t[0] == "kind") return Kind(t);
    if (t[0] == "predicate") return Predicate(t);
    if (t[0] == "publishers") return Role(t, &schema_->publisher_kinds_);
    if (t[0] == "claimants") return Role(t, &schema_->claimant_kinds_);
    if (t[0] == "iri") return Iri(t);
    return absl::InvalidArgumentError(
        Cat("expected 'kind', 'predicate', 'publishers', 'claimants' or 'iri', got '", t[0], "'"));
  }

 private:
  absl::Status Iri(const std::vector<std::string_view>& t) {
    if (t.size() != 3 || t[2].size() < 3 || t[2].front() != '<') {
      return absl::InvalidArgumentError("expected 'iri <Kind or predicate> <IRI>'");
    }
    const std::string_view name = t[1];
    if (!schema_->IsKnownKind(name) && schema_->FindPredicate(name) == nullptr) {
      return absl::InvalidArgumentError(
          Cat("iri: '", name, "' is no kind or predicate declared above"));
    }
    const std::string iri(t[2].substr(1, t[2].size() - 2));
    if (iri.find_first_of(" \t\"{}|\\^`<") != std::string::npos) {
      return absl::InvalidArgumentError(Cat("iri: '", iri, "' is not an IRI"));
    }
    if (!schema_->names_by_iri_.emplace(iri, std::string(name)).second) {
      return absl::InvalidArgumentError(Cat("iri: <", iri, "> is named twice"));
    }
    if (!schema_->iris_.emplace(std::string(name), iri).second) {
      return absl::InvalidArgumentError(Cat("iri: '", name, "' has an IRI already"));
    }
    schema_->iri_order_.push_back(std::string(name));
    return absl::OkStatus();
  }

  absl::Status Kind(const std::vector<std::string_view>& t) {
    if (t.size() != 2 && !(t.size() == 4 && t[2] == ":")) {
      return absl::InvalidArgumentError("expected 'kind <Name>' or 'kind <Name> : <Parent>'");
    }
    const std::string_view name = t[1];
    if (!IsKindName(name)) {
      return absl::InvalidArgumentError(
          Cat("kind name '", name, "' must match [A-Z][A-Za-z0-9_]* (at most 128 bytes)"));
    }
    if (name == kAnyKind) {
      return absl::InvalidArgumentError("'Any' is reserved and cannot be declared as a kind");
    }
    if (schema_->kinds_.count(name) > 0) {
      return absl::InvalidArgumentError(Cat("kind '", name, "' declared twice"));
    }
    Schema::KindInfo info;
    if (t.size() == 4) {
      auto parent = schema_->kinds_.find(t[3]);
      if (parent == schema_->kinds_.end()) {
        return absl::InvalidArgumentError(Cat("parent kind '", t[3], "' of '", name,
                                              "' is not declared (declare parents first)"));
      }
      info.parent = std::string(t[3]);
      info.base = parent->second.base;
    } else {
      info.base = std::string(name);
    }
    schema_->kinds_.emplace(std::string(name), std::move(info));
    schema_->kind_order_.emplace_back(name);
    return absl::OkStatus();
  }

  absl::Status Role(const std::vector<std::string_view>& t, std::vector<std::string>* kinds) {
    if (t.size() < 3 || t[1] != ":") {
      return absl::InvalidArgumentError(Cat("expected '", t[0], " : <kinds>'"));
    }
    if (!kinds->empty()) return absl::InvalidArgumentError(Cat("'", t[0], "' declared twice"));
    size_t pos = 2;
    KG_RETURN_IF_ERROR(Alternatives(t, &pos, t[0], kinds, nullptr));
    if (pos != t.size()) {
      return absl::InvalidArgumentError(Cat("unexpected '", t[pos], "' after the ", t[0]));
    }
    return absl::OkStatus();
  }

  // Reads TERM {"|" TERM} from t[*pos]. Literal types are allowed only when
  // `literals` is non-null.
  absl::Status Alternatives(const std::vector<std::string_view>& t, size_t* pos,
                            std::string_view what, std::vector<std::string>* kinds,
                            std::vector<ValueType>* literals) {
    while (true) {
      if (*pos >= t.size()) {
        return absl::InvalidArgumentError(Cat("missing ", what));
      }
      const std::string_view term = t[*pos];
      const ValueType* literal = FindLiteralType(term);
      if (literal != nullptr) {
        if (literals == nullptr) {
          return absl::InvalidArgumentError(
              Cat("the ", what, " cannot be a literal type, got '", term, "'"));
        }
        if (std::find(literals->begin(), literals->end(), *literal) != literals->end()) {
          return absl::InvalidArgumentError(Cat("'", term, "' listed twice in the ", what));
        }
        literals->push_back(*literal);
      } else if (term == kAnyKind || schema_->kinds_.count(term) > 0) {
        if (std::find(kinds->begin(), kinds->end(), term) != kinds->end()) {
          return absl::InvalidArgumentError(Cat("'", term, "' listed twice in the ", what));
        }
        kinds->emplace_back(term);
      } else {
        return absl::InvalidArgumentError(
            Cat("unknown kind or literal type '", term, "' in the ", what));
      }
      ++*pos;
      if (*pos < t.size() && t[*pos] == "|") {
        ++*pos;
        continue;
      }
      return absl::OkStatus();
    }
  }

  absl::Status Predicate(const std::vector<std::string_view>& t) {
    if (t.size() < 5 || t[2] != ":") {
      return absl::InvalidArgumentError(
          "expected 'predicate <name> : <domain> -> <range> [functional] [same_base] "
          "[acyclic]'");
    }
    PredicateSpec spec;
    spec.name = std::string(t[1]);
    if (!IsPredicateName(spec.name)) {
      return absl::InvalidArgumentError(
          Cat("predicate name '", spec.name, "' must match [a-z][a-z0-9_]* (at most 128 bytes)"));
    }
    if (schema_->predicates_.count(spec.name) > 0) {
      return absl::InvalidArgumentError(Cat("predicate '", spec.name, "' declared twice"));
    }
    size_t pos = 3;
    KG_RETURN_IF_ERROR(Alternatives(t, &pos, "domain", &spec.domain, nullptr));
    if (pos >= t.size() || t[pos] != "->") {
      return absl::InvalidArgumentError(Cat("expected '->' after the domain of '", spec.name, "'"));
    }
    ++pos;
    KG_RETURN_IF_ERROR(Alternatives(t, &pos, "range", &spec.range_kinds, &spec.range_literals));
    for (; pos < t.size(); ++pos) {
      bool* flag = nullptr;
      if (t[pos] == "functional") flag = &spec.functional;
      if (t[pos] == "same_base") flag = &spec.same_base;
      if (t[pos] == "acyclic") flag = &spec.acyclic;
      if (flag == nullptr) {
        return absl::InvalidArgumentError(
            Cat("unknown flag '", t[pos], "' (expected 'functional', 'same_base' or 'acyclic')"));
      }
      if (*flag) {
        return absl::InvalidArgumentError(Cat("flag '", t[pos], "' given twice"));
      }
      *flag = true;
    }
    if (spec.same_base && spec.range_kinds.empty()) {
      return absl::InvalidArgumentError("'same_base' needs kinds in the range");
    }
    if (spec.acyclic && spec.range_kinds.empty()) {
      return absl::InvalidArgumentError("'acyclic' needs kinds in the range");
    }
    schema_->predicate_order_.push_back(spec.name);
    std::string name = spec.name;
    schema_->predicates_.emplace(std::move(name), std::move(spec));
    return absl::OkStatus();
  }

  Schema* schema_;
};

absl::StatusOr<Schema> Schema::Parse(std::string_view text) {
  Schema schema;
  SchemaParser parser(&schema);
  std::vector<std::string_view> tokens;
  size_t line_number = 0;
  size_t declarations = 0;
  while (!text.empty()) {
    ++line_number;
    const size_t eol = text.find('\n');
    const std::string_view line = text.substr(0, eol);
    text = eol == std::string_view::npos ? std::string_view() : text.substr(eol + 1);
    tokens.clear();
    absl::Status status = Tokenize(line, &tokens);
    if (status.ok() && !tokens.empty() && ++declarations > kMaxDeclarations) {
      status = absl::InvalidArgumentError(Cat("more than ", kMaxDeclarations, " declarations"));
    }
    if (status.ok()) status = parser.Line(tokens);
    if (!status.ok()) {
      return absl::InvalidArgumentError(Cat("schema line ", line_number, ": ", status.message()));
    }
  }
  return schema;
}

absl::StatusOr<Schema> Schema::LoadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return absl::NotFoundError(Cat("schema file '", path, "' cannot be read"));
  }
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) {
    return absl::NotFoundError(Cat("schema file '", path, "' cannot be read"));
  }
  absl::StatusOr<Schema> schema = Parse(text.str());
  if (!schema.ok()) {
    return absl::InvalidArgumentError(Cat(path, ": ", schema.status().message()));
  }
  return schema;
}

std::string_view Schema::DefaultText() { return kDefaultSchemaText; }

const Schema& Schema::Default() {
  // The embedded text is covered by schema_test; a parse failure here is a
  // build defect, so fail loudly rather than run with an empty schema.
  static const Schema* const schema = [] {
    absl::StatusOr<Schema> parsed = Parse(kDefaultSchemaText);
    if (!parsed.ok()) std::abort();
    return new Schema(std::move(parsed).value());
  }();
  return *schema;
}

std::string_view Schema::IriOf(std::string_view name) const {
  auto it = iris_.find(name);
  return it == iris_.end() ? std::string_view() : std::string_view(it->second);
}

std::string_view Schema::NameOfIri(std::string_view iri) const {
  auto it = names_by_iri_.find(iri);
  return it == names_by_iri_.end() ? std::string_view() : std::string_view(it->second);
}

bool Schema::IsKnownKind(std::string_view kind) const { return kinds_.count(kind) > 0; }

bool Schema::IsKindOf(std::string_view kind, std::string_view ancestor) const {
  auto it = kinds_.find(kind);
  if (it == kinds_.end()) return false;
  if (ancestor == kAnyKind) return true;
  // Parents are declared before children, so the chain is finite and acyclic.
  while (true) {
    if (it->first == ancestor) return true;
    if (it->second.parent.empty()) return false;
    it = kinds_.find(it->second.parent);
    if (it == kinds_.end()) return false;
  }
}

std::string_view Schema::BaseKind(std::string_view kind) const {
  auto it = kinds_.find(kind);
  return it == kinds_.end() ? std::string_view() : std::string_view(it->second.base);
}

const PredicateSpec* Schema::FindPredicate(std::string_view name) const {
  auto it = predicates_.find(name);
  return it == predicates_.end() ? nullptr : &it->second;
}

bool Schema::MatchesAny(std::string_view kind, const std::vector<std::string>& kinds) const {
  return std::any_of(kinds.begin(), kinds.end(),
                     [&](const std::string& k) { return IsKindOf(kind, k); });
}

absl::Status Schema::CheckStatement(std::string_view predicate, std::string_view subject_kind,
                                    const Value& object, std::string_view object_kind,
                                    std::string_view field) const {
  const PredicateSpec* spec = FindPredicate(predicate);
  if (spec == nullptr) {
    return absl::InvalidArgumentError(
        Cat(field, ".predicate: '", Clip(predicate), "' is not in the schema"));
  }
  if (!MatchesAny(subject_kind, spec->domain)) {
    return absl::FailedPreconditionError(Cat(
        field, ": predicate '", predicate, "' expects a subject of kind ", KindList(spec->domain),
        ", got ", subject_kind.empty() ? std::string_view("no kind") : subject_kind));
  }
  if (object.is_entity()) {
    if (spec->range_kinds.empty()) {
      std::vector<std::string> types;
      for (ValueType t : spec->range_literals) types.emplace_back(ValueTypeName(t));
      return absl::FailedPreconditionError(
          Cat(field, ": predicate '", predicate, "' expects an object of type ", KindList(types),
              ", got an entity of kind ",
              object_kind.empty() ? std::string_view("none") : object_kind));
    }
    if (!MatchesAny(object_kind, spec->range_kinds)) {
      return absl::FailedPreconditionError(
          Cat(field, ": predicate '", predicate, "' expects an object of kind ",
              KindList(spec->range_kinds), ", got ",
              object_kind.empty() ? std::string_view("no kind") : object_kind));
    }
    if (spec->same_base && BaseKind(subject_kind) != BaseKind(object_kind)) {
      return absl::FailedPreconditionError(Cat(field, ": predicate '", predicate,
                                               "' links kinds of the same base only, got ",
                                               subject_kind, " (", BaseKind(subject_kind), ") and ",
                                               object_kind, " (", BaseKind(object_kind), ")"));
    }
    return absl::OkStatus();
  }
  if (std::find(spec->range_literals.begin(), spec->range_literals.end(), object.type) ==
      spec->range_literals.end()) {
    std::vector<std::string> expected = spec->range_kinds;
    for (ValueType t : spec->range_literals) expected.emplace_back(ValueTypeName(t));
    return absl::FailedPreconditionError(
        Cat(field, ": predicate '", predicate, "' expects an object of ",
            spec->range_literals.empty() ? "kind " : "type ", KindList(expected), ", got ",
            ValueTypeName(object.type)));
  }
  return absl::OkStatus();
}

bool Schema::MayPublish(std::string_view kind) const {
  return publisher_kinds_.empty() || MatchesAny(kind, publisher_kinds_);
}

bool Schema::MayClaim(std::string_view kind) const {
  return claimant_kinds_.empty() || MatchesAny(kind, claimant_kinds_);
}

absl::Status Schema::CheckPublisher(std::string_view id, std::string_view kind,
                                    std::string_view field) const {
  if (MayPublish(kind)) return absl::OkStatus();
  return absl::FailedPreconditionError(Cat(field, ": '", Clip(id), "' is a ", kind,
                                           "; publishers must be of kind ",
                                           KindList(publisher_kinds_)));
}

absl::Status Schema::CheckClaimant(std::string_view id, std::string_view kind,
                                   std::string_view field) const {
  if (MayClaim(kind)) return absl::OkStatus();
  return absl::FailedPreconditionError(Cat(field, ": '", Clip(id), "' is a ", kind,
                                           "; claimants must be of kind ",
                                           KindList(claimant_kinds_)));
}

std::vector<std::string> Schema::PredicateNames() const { return predicate_order_; }

std::vector<std::string> Schema::KindNames() const { return kind_order_; }

std::string Schema::ToText() const {
  std::string out;
  for (const std::string& name : kind_order_) {
    const KindInfo& info = kinds_.find(name)->second;
    AppendAll(&out, "kind ", name);
    if (!info.parent.empty()) AppendAll(&out, " : ", info.parent);
    out += '\n';
  }
  for (const std::string& name : predicate_order_) {
    const PredicateSpec& spec = predicates_.find(name)->second;
    std::vector<std::string> range = spec.range_kinds;
    for (ValueType t : spec.range_literals) range.emplace_back(ValueTypeName(t));
    AppendAll(&out, "predicate ", name, " : ", absl::StrJoin(spec.domain, " | "), " -> ",
              absl::StrJoin(range, " | "));
    if (spec.functional) out += " functional";
    if (spec.same_base) out += " same_base";
    if (spec.acyclic) out += " acyclic";
    out += '\n';
  }
  if (!publisher_kinds_.empty()) {
    AppendAll(&out, "publishers : ", absl::StrJoin(publisher_kinds_, " | "), "\n");
  }
  if (!claimant_kinds_.empty()) {
    AppendAll(&out, "claimants : ", absl::StrJoin(claimant_kinds_, " | "), "\n");
  }
  for (const std::string& name : iri_order_) {
    AppendAll(&out, "iri ", name, " <", iris_.at(name), ">\n");
  }
  return out;
}

}  // namespace kg
