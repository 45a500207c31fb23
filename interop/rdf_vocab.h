// The IRIs of kgd's RDF mapping (docs/RDF.md) and the conversions between
// entity ids and IRIs, and between kg.v1 values and literals.

#ifndef KGD_INTEROP_RDF_VOCAB_H_
#define KGD_INTEROP_RDF_VOCAB_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "kg/v1/types.pb.h"

namespace kg::interop::rdf {

inline constexpr char kRdfType[] = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type";
inline constexpr char kRdfLangString[] = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString";
inline constexpr char kRdfsLabel[] = "http://www.w3.org/2000/01/rdf-schema#label";
inline constexpr char kSkosAltLabel[] = "http://www.w3.org/2004/02/skos/core#altLabel";
inline constexpr char kXsd[] = "http://www.w3.org/2001/XMLSchema#";
inline constexpr char kProvEntity[] = "http://www.w3.org/ns/prov#Entity";
inline constexpr char kProvWasQuotedFrom[] = "http://www.w3.org/ns/prov#wasQuotedFrom";
inline constexpr char kProvWasAttributedTo[] = "http://www.w3.org/ns/prov#wasAttributedTo";

// kgd's own vocabulary: kinds are kVocab + "State", predicates kVocab +
// "backs", attributes kVocab + "attr/date", external ids kVocab +
// "extid/wikidata", coordinates kVocab + "geo/lat" and "geo/long",
// evidence records kVocab + "Evidence" with kVocab + "ev/..." properties.
inline constexpr char kVocab[] = "urn:kgd:vocab:";
inline constexpr char kAttr[] = "attr/";
inline constexpr char kExtId[] = "extid/";
inline constexpr char kGeoLat[] = "geo/lat";
inline constexpr char kGeoLong[] = "geo/long";
inline constexpr char kEvidence[] = "Evidence";
inline constexpr char kEv[] = "ev/";

// An entity id as an IRI: absolute IRIs ("http://…", "urn:…") as they are,
// others under `base` with the characters an IRI may not hold (and '%')
// percent-encoded.
std::string IriOfId(absl::string_view id, absl::string_view base);
// The inverse: under `base`, percent-decoded; otherwise the IRI itself.
std::string IdOfIri(absl::string_view iri, absl::string_view base);

// A literal: its lexical form, datatype IRI (never empty) and language tag.
struct Literal {
  std::string lexical;
  std::string datatype;
  std::string language;
};

// Values that are not entities as literals (xsd:string, integer, decimal,
// date / gYearMonth / gYear by the date's precision, boolean).
Literal LiteralOf(const v1::Value& value);
// The inverse; INVALID_ARGUMENT for a datatype kgd does not store (naming
// it). A language-tagged string is a string (the tag is dropped).
absl::StatusOr<v1::Value> ValueOf(const Literal& literal);

}  // namespace kg::interop::rdf

#endif  // KGD_INTEROP_RDF_VOCAB_H_
