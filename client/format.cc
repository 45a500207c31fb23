#include "client/format.h"

#include <algorithm>
#include <cctype>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/time/time.h"
#include "google/protobuf/util/json_util.h"

namespace kg::cli {
namespace {

// Display width in code points (continuation bytes do not count).
size_t Width(const std::string& s) {
  size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

std::string DotQuote(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out.push_back('\\');
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out.push_back(c);
  }
  out.push_back('"');
  return out;
}

std::string XmlEscape(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out.push_back(c);
    }
  }
  return out;
}

}  // namespace

void Table::Print(std::ostream& out) const {
  std::vector<size_t> widths(headers_.size(), 0);
  auto measure = [&](const std::vector<std::string>& row) {
    for (size_t i = 0; i < row.size() && i < widths.size(); ++i) {
      widths[i] = std::max(widths[i], Width(row[i]));
    }
  };
  measure(headers_);
  for (const auto& row : rows_) measure(row);
  auto print = [&](const std::vector<std::string>& row) {
    std::string line;
    for (size_t i = 0; i < row.size() && i < widths.size(); ++i) {
      line += row[i];
      if (i + 1 < row.size()) line += std::string(widths[i] - Width(row[i]) + 2, ' ');
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out << line << "\n";
  };
  print(headers_);
  for (const auto& row : rows_) print(row);
}

std::string ToJson(const google::protobuf::Message& message) {
  std::string json;
  google::protobuf::util::JsonPrintOptions options;
  options.add_whitespace = false;
  // Generated messages always serialise; a failure here would be a bug in
  // protobuf, and the empty object is a safe answer.
  if (!google::protobuf::util::MessageToJsonString(message, &json, options).ok()) return "{}";
  return json;
}

std::string ValueText(const v1::Value& value) {
  switch (value.kind_case()) {
    case v1::Value::kEntity:
      return value.entity();
    case v1::Value::kString:
      return absl::StrCat("\"", value.string(), "\"");
    case v1::Value::kInteger:
      return absl::StrCat(value.integer());
    case v1::Value::kDecimal:
      return value.decimal();
    case v1::Value::kDate:
      return value.date();
    case v1::Value::kBoolean:
      return value.boolean() ? "true" : "false";
    case v1::Value::KIND_NOT_SET:
      break;
  }
  return "(none)";
}

std::string StanceText(v1::Stance stance) {
  switch (stance) {
    case v1::DENIES:
      return "denies";
    case v1::CLAIMS:
      return "claims";
    default:
      return "asserts";
  }
}

std::string DirectionText(v1::Direction direction) {
  switch (direction) {
    case v1::IN:
      return "in";
    case v1::OUT:
      return "out";
    case v1::BOTH:
      return "both";
    default:
      return "";
  }
}

std::string TimeText(int64_t micros) {
  if (micros == 0) return "";
  return absl::FormatTime("%Y-%m-%dT%H:%M:%E6SZ", absl::FromUnixMicros(micros),
                          absl::UTCTimeZone());
}

std::string EventTypeText(v1::HistoryEvent::Type type) {
  std::string name = v1::HistoryEvent::Type_Name(type);
  for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return name;
}

std::string Clip(const std::string& text, size_t width) {
  if (Width(text) <= width || width == 0) return text;
  std::string out;
  size_t n = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    if ((c & 0xC0) != 0x80) {
      if (n == width - 1) break;
      ++n;
    }
    out.push_back(text[i]);
  }
  return out + "…";
}

std::string ConfText(double confidence) { return absl::StrFormat("%.2f", confidence); }

void PrintStatementTable(const std::vector<const v1::Statement*>& statements, std::ostream& out) {
  Table table({"ID", "SUBJECT", "PREDICATE", "OBJECT", "CONF", "SOURCES", "EVIDENCE", "DISPUTED"});
  std::vector<const v1::Statement*> partial;
  for (const v1::Statement* s : statements) {
    const v1::Corroboration& c = s->corroboration();
    std::string evidence = absl::StrCat(s->evidence_total());
    if (s->evidence_size() < s->evidence_total()) {
      evidence = absl::StrCat(s->evidence_size(), " of ", s->evidence_total());
      partial.push_back(s);
    }
    table.AddRow({absl::StrCat(s->id()), s->subject(), s->predicate(),
                  Clip(ValueText(s->object()), 48), ConfText(c.confidence()),
                  absl::StrCat(c.independent_sources()), evidence, c.disputed() ? "yes" : ""});
  }
  table.Print(out);
  for (const v1::Statement* s : partial) {
    out << "statement " << s->id() << ": " << s->evidence_size() << " of " << s->evidence_total()
        << " evidence records listed; kg explain " << s->id() << " reads them all\n";
  }
}

void PrintEntity(const v1::Entity& e, std::ostream& out) {
  Table t({"FIELD", "VALUE"});
  t.AddRow({"id", e.id()});
  t.AddRow({"kind", e.kind()});
  t.AddRow({"label", e.label()});
  if (e.aliases_size() > 0) t.AddRow({"aliases", absl::StrJoin(e.aliases(), ", ")});
  std::map<std::string, std::string> attrs;
  for (const auto& [k, v] : e.attributes()) attrs[k] = ValueText(v);
  for (const auto& [k, v] : attrs) t.AddRow({absl::StrCat("attributes.", k), v});
  std::map<std::string, std::string> ext(e.external_ids().begin(), e.external_ids().end());
  for (const auto& [k, v] : ext) t.AddRow({absl::StrCat("external_ids.", k), v});
  if (e.has_latitude() && e.has_longitude()) {
    t.AddRow({"coordinates", absl::StrFormat("%.5f, %.5f", e.latitude(), e.longitude())});
  }
  if (!e.merged_into().empty()) t.AddRow({"merged_into", e.merged_into()});
  if (e.updated_at() != 0) {
    t.AddRow({"updated", absl::StrCat(TimeText(e.updated_at()), " by ", e.updated_by())});
  }
  t.Print(out);
}

void PrintExplain(const v1::ExplainResponse& resp, std::ostream& out) {
  const v1::Statement& s = resp.statement();
  const v1::Corroboration& c = s.corroboration();
  out << "statement " << s.id() << ": " << s.subject() << " " << s.predicate() << " "
      << ValueText(s.object()) << "\n";
  if (!s.valid_from().empty() || !s.valid_to().empty()) {
    out << "valid: " << (s.valid_from().empty() ? "…" : s.valid_from()) << " – "
        << (s.valid_to().empty() ? "…" : s.valid_to()) << "\n";
  }
  out << absl::StrFormat(
      "confidence %.2f from %d independent source(s), %d publisher(s), %d claimant(s); "
      "%d supporting, %d denying",
      c.confidence(), c.independent_sources(), c.publishers(), c.claimants(), c.supporting(),
      c.denying());
  if (!c.first_reported().empty()) {
    out << "; reported " << c.first_reported();
    if (c.last_reported() != c.first_reported()) out << " – " << c.last_reported();
  }
  out << "\n";
  if (resp.disputed()) {
    out << "DISPUTED: " << absl::StrJoin(resp.dispute_reasons(), "; ") << "\n";
    for (const v1::Conflict& k : resp.conflicts()) {
      out << "  conflicts with statement " << k.statement().id() << ": " << k.statement().subject()
          << " " << k.statement().predicate() << " " << ValueText(k.statement().object()) << "\n";
    }
  }
  int n = 0;
  for (const v1::Evidence& e : s.evidence()) {
    out << "\n[" << ++n << "] " << StanceText(e.stance());
    std::string who = e.claimant();
    if (!e.claimant_description().empty()) {
      who = who.empty() ? e.claimant_description()
                        : absl::StrCat(who, " (", e.claimant_description(), ")");
    }
    if (!who.empty()) out << " — " << who;
    out << "\n";
    if (!e.excerpt().empty()) {
      out << "    \"" << e.excerpt() << "\"";
      if (e.has_span_begin() && e.span_begin() >= 0) {
        out << " [" << e.span_begin() << ", " << e.span_end() << ")";
      }
      out << "\n";
    }
    out << "    document " << e.document();
    for (const v1::DocumentInfo& d : resp.documents()) {
      if (d.id() == e.document() && !d.title().empty()) out << " \"" << d.title() << "\"";
    }
    if (!e.publisher().empty()) out << ", published by " << e.publisher();
    if (!e.reported_on().empty()) out << " on " << e.reported_on();
    out << "\n";
    if (!e.story().empty()) out << "    story " << e.story() << "\n";
    out << "    confidence " << ConfText(e.has_confidence() ? e.confidence() : 1.0) << ", grading "
        << (e.reliability().empty() ? "F" : e.reliability())
        << (e.credibility() == 0 ? 6 : e.credibility());
    if (!e.extractor().empty()) out << ", extracted by " << e.extractor();
    out << "\n";
    if (!e.id().empty()) {
      out << "    evidence " << e.id();
      if (e.ingested_at() != 0) {
        out << ", ingested " << TimeText(e.ingested_at()) << " by " << e.ingested_by();
      }
      out << "\n";
    }
    if (e.retracted_at() != 0) {
      out << "    RETRACTED " << TimeText(e.retracted_at()) << " by " << e.retracted_by() << ": "
          << e.retraction_reason() << "\n";
    }
  }
}

void PrintDot(const Graph& graph, std::ostream& out) {
  out << "digraph " << DotQuote(graph.name.empty() ? "kg" : graph.name) << " {\n";
  out << "  rankdir=LR;\n  node [shape=box, style=rounded, fontname=\"Helvetica\"];\n"
      << "  edge [fontname=\"Helvetica\", fontsize=10];\n";
  for (const GraphNode& n : graph.nodes) {
    std::string label = n.label.empty() ? n.id : n.label;
    if (!n.kind.empty()) label += "\n(" + n.kind + ")";
    out << "  " << DotQuote(n.id) << " [label=" << DotQuote(label) << "];\n";
  }
  for (const GraphEdge& e : graph.edges) {
    std::string label = e.predicate;
    if (e.statement_id != 0) label += absl::StrCat(" #", e.statement_id);
    if (e.confidence >= 0) label += absl::StrCat(" (", ConfText(e.confidence), ")");
    out << "  " << DotQuote(e.from) << " -> " << DotQuote(e.to) << " [label=" << DotQuote(label)
        << (e.undirected ? ", dir=none" : "") << "];\n";
  }
  out << "}\n";
}

void PrintGraphMl(const Graph& graph, std::ostream& out) {
  out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      << "<graphml xmlns=\"http://graphml.graphdrawing.org/xmlns\">\n"
      << "  <key id=\"label\" for=\"node\" attr.name=\"label\" attr.type=\"string\"/>\n"
      << "  <key id=\"kind\" for=\"node\" attr.name=\"kind\" attr.type=\"string\"/>\n"
      << "  <key id=\"predicate\" for=\"edge\" attr.name=\"predicate\" attr.type=\"string\"/>\n"
      << "  <key id=\"statement\" for=\"edge\" attr.name=\"statement_id\" attr.type=\"long\"/>\n"
      << "  <key id=\"confidence\" for=\"edge\" attr.name=\"confidence\" "
         "attr.type=\"double\"/>\n"
      << "  <graph id=\"" << XmlEscape(graph.name.empty() ? "kg" : graph.name)
      << "\" edgedefault=\"directed\">\n";
  for (const GraphNode& n : graph.nodes) {
    out << "    <node id=\"" << XmlEscape(n.id) << "\">\n"
        << "      <data key=\"label\">" << XmlEscape(n.label) << "</data>\n"
        << "      <data key=\"kind\">" << XmlEscape(n.kind) << "</data>\n"
        << "    </node>\n";
  }
  int i = 0;
  for (const GraphEdge& e : graph.edges) {
    out << "    <edge id=\"e" << i++ << "\" source=\"" << XmlEscape(e.from) << "\" target=\""
        << XmlEscape(e.to) << "\"" << (e.undirected ? " directed=\"false\"" : "") << ">\n"
        << "      <data key=\"predicate\">" << XmlEscape(e.predicate) << "</data>\n";
    if (e.statement_id != 0) {
      out << "      <data key=\"statement\">" << e.statement_id << "</data>\n";
    }
    if (e.confidence >= 0) {
      out << "      <data key=\"confidence\">" << e.confidence << "</data>\n";
    }
    out << "    </edge>\n";
  }
  out << "  </graph>\n</graphml>\n";
}

}  // namespace kg::cli
