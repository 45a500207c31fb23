// ntriples / nquads out, written by serd (which escapes every term), in the
// mapping of docs/RDF.md. Each evidence record is a node of kgd's
// vocabulary in its document's graph, written before the statement's quad,
// so that importing an export gives back every record field for field.

#include <serd/serd.h>

#include <set>
#include <string>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "interop/formats.h"
#include "interop/rdf_vocab.h"

namespace kg::interop {
namespace {

using rdf::Literal;

class RdfExporter final : public Exporter {
 public:
  RdfExporter(const ExportOptions& options, const Schema& schema)
      : base_(options.base_iri), quads_(options.format == Format::kNQuads), schema_(schema) {
    env_ = serd_env_new(nullptr);
    writer_ = serd_writer_new(quads_ ? SERD_NQUADS : SERD_NTRIPLES, static_cast<SerdStyle>(0), env_,
                              nullptr, &RdfExporter::Sink, this);
  }
  ~RdfExporter() override {
    serd_writer_free(writer_);
    serd_env_free(env_);
  }

  void AddEntity(const v1::Entity& e) override {
    const std::string self = Iri(e.id());
    Link(self, rdf::kRdfType, Named(e.kind()));
    Text(self, rdf::kRdfsLabel, e.label());
    for (const std::string& alias : e.aliases()) Text(self, rdf::kSkosAltLabel, alias);
    // Sorted: the map's order is unspecified, an export's is not.
    const std::map<std::string, v1::Value> attributes(e.attributes().begin(), e.attributes().end());
    for (const auto& [name, value] : attributes) {
      Value(self, Vocab(absl::StrCat(rdf::kAttr, name)), value);
    }
    const std::map<std::string, std::string> ids(e.external_ids().begin(), e.external_ids().end());
    for (const auto& [scheme, id] : ids) {
      Text(self, Vocab(absl::StrCat(rdf::kExtId, scheme)), id);
    }
    if (e.has_latitude() && e.has_longitude()) {
      const std::string xsd_double = absl::StrCat(rdf::kXsd, "double");
      Write("", self, Vocab(rdf::kGeoLat), {absl::StrCat(e.latitude()), xsd_double, ""});
      Write("", self, Vocab(rdf::kGeoLong), {absl::StrCat(e.longitude()), xsd_double, ""});
    }
  }

  void AddStatement(const v1::Statement& s) override {
    const std::string subject = Iri(s.subject());
    const std::string predicate = Named(s.predicate());
    std::set<std::string> documents;
    for (const v1::Evidence& e : s.evidence()) {
      if (e.retracted_at() != 0) continue;
      const std::string graph = quads_ ? Iri(e.document()) : "";
      const std::string node = Iri(absl::StrCat("evidence/", e.id()));
      const auto ev = [](absl::string_view name) { return Vocab(absl::StrCat(rdf::kEv, name)); };
      Write(graph, node, rdf::kRdfType, Vocab(rdf::kEvidence));
      Write(graph, node, ev("subject"), subject);
      Write(graph, node, ev("predicate"), predicate);
      Object(graph, node, ev("object"), s.object());
      Write(graph, node, rdf::kProvWasQuotedFrom, Iri(e.document()));
      if (!e.publisher().empty()) Write(graph, node, ev("publisher"), Iri(e.publisher()));
      if (!e.claimant().empty()) Write(graph, node, rdf::kProvWasAttributedTo, Iri(e.claimant()));
      const auto text = [&](absl::string_view name, const std::string& value) {
        if (!value.empty()) Write(graph, node, ev(name), {value, "", ""});
      };
      const auto integer = [&](absl::string_view name, int64_t value) {
        Write(graph, node, ev(name), {absl::StrCat(value), absl::StrCat(rdf::kXsd, "integer"), ""});
      };
      text("claimantDescription", e.claimant_description());
      text("excerpt", e.excerpt());
      if (e.has_span_begin()) integer("spanBegin", e.span_begin());
      if (e.has_span_end()) integer("spanEnd", e.span_end());
      if (e.stance() != v1::STANCE_UNSPECIFIED) {
        text("stance", absl::AsciiStrToLower(v1::Stance_Name(e.stance())));
      }
      if (e.has_confidence()) {
        Write(graph, node, ev("confidence"),
              {absl::StrCat(e.confidence()), absl::StrCat(rdf::kXsd, "double"), ""});
      }
      text("reliability", e.reliability());
      if (e.credibility() != 0) integer("credibility", e.credibility());
      text("extractor", e.extractor());
      text("reportedOn", e.reported_on());
      text("story", e.story());
      text("validFrom", s.valid_from());
      text("validTo", s.valid_to());
      documents.insert(e.document());
    }
    // The statement itself, once in each of its documents' graphs.
    for (const std::string& document : documents) {
      Object(quads_ ? Iri(document) : "", subject, predicate, s.object());
      if (!quads_) break;
    }
  }

  void Finish() override { serd_writer_finish(writer_); }

 private:
  static size_t Sink(const void* buf, size_t len, void* stream) {
    static_cast<RdfExporter*>(stream)->out_.append(static_cast<const char*>(buf), len);
    return len;
  }

  std::string Iri(const std::string& id) const { return rdf::IriOfId(id, base_); }
  static std::string Vocab(absl::string_view local) { return absl::StrCat(rdf::kVocab, local); }
  // A kind's or predicate's IRI: the schema's "iri" line, else the vocabulary's.
  std::string Named(const std::string& name) const {
    const std::string_view declared = schema_.IriOf(name);
    return declared.empty() ? Vocab(name) : std::string(declared);
  }

  void Link(const std::string& subject, const std::string& predicate, const std::string& object) {
    Write("", subject, predicate, object);
  }
  void Text(const std::string& subject, const std::string& predicate, const std::string& text) {
    if (!text.empty()) Write("", subject, predicate, Literal{text, "", ""});
  }
  void Value(const std::string& subject, const std::string& predicate, const v1::Value& value) {
    Object("", subject, predicate, value);
  }
  void Object(const std::string& graph, const std::string& subject, const std::string& predicate,
              const v1::Value& value) {
    if (value.has_entity()) {
      Write(graph, subject, predicate, Iri(value.entity()));
    } else {
      Literal literal = rdf::LiteralOf(value);
      if (literal.datatype == absl::StrCat(rdf::kXsd, "string")) literal.datatype.clear();
      Write(graph, subject, predicate, literal);
    }
  }

  static SerdNode Node(SerdType type, const std::string& text) {
    return serd_node_from_substring(type, reinterpret_cast<const uint8_t*>(text.data()),
                                    text.size());
  }

  void Write(const std::string& graph, const std::string& subject, const std::string& predicate,
             const std::string& object_iri) {
    const SerdNode g = Node(SERD_URI, graph), s = Node(SERD_URI, subject),
                   p = Node(SERD_URI, predicate), o = Node(SERD_URI, object_iri);
    serd_writer_write_statement(writer_, 0, graph.empty() ? nullptr : &g, &s, &p, &o, nullptr,
                                nullptr);
  }
  void Write(const std::string& graph, const std::string& subject, const std::string& predicate,
             const Literal& object) {
    const SerdNode g = Node(SERD_URI, graph), s = Node(SERD_URI, subject),
                   p = Node(SERD_URI, predicate), o = Node(SERD_LITERAL, object.lexical),
                   d = Node(SERD_URI, object.datatype);
    serd_writer_write_statement(writer_, 0, graph.empty() ? nullptr : &g, &s, &p, &o,
                                object.datatype.empty() ? nullptr : &d, nullptr);
  }

  const std::string base_;
  const bool quads_;
  const Schema& schema_;
  SerdEnv* env_ = nullptr;
  SerdWriter* writer_ = nullptr;
};

}  // namespace

std::unique_ptr<Exporter> NewRdfExporter(const ExportOptions& options, const Schema& schema) {
  return std::make_unique<RdfExporter>(options, schema);
}

}  // namespace kg::interop
