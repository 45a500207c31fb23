// Output formatting for kg: aligned tables, the proto JSON mapping, and
// Graphviz DOT / GraphML for graphs. Nothing here talks to the server.

#ifndef KGD_CLIENT_FORMAT_H_
#define KGD_CLIENT_FORMAT_H_

#include <map>
#include <ostream>
#include <string>
#include <vector>

#include "google/protobuf/message.h"
#include "kg/v1/kg.pb.h"

namespace kg::cli {

// A table printed with aligned columns; the last column is never padded.
class Table final {
 public:
  explicit Table(std::vector<std::string> headers) : headers_(std::move(headers)) {}
  void AddRow(std::vector<std::string> cells) { rows_.push_back(std::move(cells)); }
  size_t size() const { return rows_.size(); }
  void Print(std::ostream& out) const;

 private:
  std::vector<std::string> headers_;
  std::vector<std::vector<std::string>> rows_;
};

// One line of the proto JSON mapping (lowerCamelCase names, defaults
// omitted), without a trailing newline.
std::string ToJson(const google::protobuf::Message& message);

// "actor/turkey", "\"free text\"", "42", "2019-05-11", "true".
std::string ValueText(const v1::Value& value);
std::string StanceText(v1::Stance stance);
std::string DirectionText(v1::Direction direction);
// Microseconds since the epoch as RFC 3339 UTC; "" for 0.
std::string TimeText(int64_t micros);
// "evidence_added": a history event's type in lower case.
std::string EventTypeText(v1::HistoryEvent::Type type);
// Cuts `text` to `width` code points, ending in "…" when cut.
std::string Clip(const std::string& text, size_t width);
// Confidence with two decimals.
std::string ConfText(double confidence);

// Statements as a table: ID SUBJECT PREDICATE OBJECT CONF SOURCES EVIDENCE
// DISPUTED, where EVIDENCE is the records the read has ("3", or "10 of 1500"
// when the listing carried only some), then for a statement with records
// left out, how to read them all.
void PrintStatementTable(const std::vector<const v1::Statement*>& statements, std::ostream& out);
// An entity as "field: value" lines.
void PrintEntity(const v1::Entity& entity, std::ostream& out);
// An explanation: the statement, its corroboration, every evidence record.
void PrintExplain(const v1::ExplainResponse& resp, std::ostream& out);

// A graph for DOT and GraphML: nodes with a label and kind, directed edges
// with a predicate, statement id and confidence.
struct GraphNode {
  std::string id;
  std::string label;
  std::string kind;
};
struct GraphEdge {
  std::string from;
  std::string to;
  std::string predicate;
  uint64_t statement_id = 0;
  double confidence = -1;   // < 0 when unknown
  bool undirected = false;  // the direction is unknown
};
struct Graph {
  std::string name;
  std::vector<GraphNode> nodes;  // unique ids, in first-seen order
  std::vector<GraphEdge> edges;
};

void PrintDot(const Graph& graph, std::ostream& out);
void PrintGraphMl(const Graph& graph, std::ostream& out);

}  // namespace kg::cli

#endif  // KGD_CLIENT_FORMAT_H_
