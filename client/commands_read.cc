// The read subcommands: entity, search, match, neighbors, traverse, path,
// subgraph, timeline, explain, claims, disputes, history.

#include <map>
#include <set>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "client/commands.h"
#include "client/format.h"
#include "client/paging.h"

namespace kg::cli {
namespace {

using google::protobuf::RepeatedPtrField;

std::vector<FlagSpec> AsOfFlag() {
  return {{"as-of", "TIME", "read the graph as it stood then (microseconds or RFC 3339)"}};
}

bool ParseStatementId(const std::string& text, uint64_t* id) {
  return absl::SimpleAtoi(text, id) && *id != 0;
}

bool ReadAsOf(const Env& env, v1::Filter* filter, std::string* error) {
  int64_t as_of = 0;
  if (!env.args->GetTxTime("as-of", &as_of, error)) return false;
  filter->set_as_of(as_of);
  return true;
}

// Parses --object: an entity id, or TYPE:LEXICAL for a literal.
bool ParseObject(const std::string& text, v1::Value* value, std::string* error) {
  size_t colon = text.find(':');
  std::string type = colon == std::string::npos ? "" : text.substr(0, colon);
  std::string lexical = colon == std::string::npos ? text : text.substr(colon + 1);
  if (type == "string")
    value->set_string(lexical);
  else if (type == "decimal")
    value->set_decimal(lexical);
  else if (type == "date")
    value->set_date(lexical);
  else if (type == "integer") {
    int64_t v = 0;
    if (!absl::SimpleAtoi(lexical, &v)) {
      *error = absl::StrCat("--object: '", lexical, "' is not an integer");
      return false;
    }
    value->set_integer(v);
  } else if (type == "boolean") {
    if (lexical != "true" && lexical != "false") {
      *error = absl::StrCat("--object: boolean must be true or false, got '", lexical, "'");
      return false;
    }
    value->set_boolean(lexical == "true");
  } else {
    value->set_entity(text);
  }
  return true;
}

template <typename T>
std::vector<const T*> Pointers(const std::vector<T>& items) {
  std::vector<const T*> out;
  for (const T& t : items) out.push_back(&t);
  return out;
}

void PrintJsonLines(const Env& env, const auto& items) {
  for (const auto& item : items) *env.out << ToJson(item) << "\n";
}

// ------------------------------------------------------------- entity

int RunEntity(Env& env) {
  v1::GetEntityRequest req;
  req.set_id(env.args->positional[0]);
  std::string error;
  if (!ReadAsOf(env, req.mutable_filter(), &error)) return env.Usage(error);
  v1::Entity entity;
  if (grpc::Status s = env.client->GetEntity(req, &entity); !s.ok()) return env.Fail(s);
  if (env.json()) {
    *env.out << ToJson(entity) << "\n";
  } else {
    PrintEntity(entity, *env.out);
  }
  return kExitOk;
}

// ------------------------------------------------------------- search

int RunSearch(Env& env) {
  v1::SearchEntitiesRequest req;
  req.set_query(env.args->positional[0]);
  for (const std::string& k : env.args->GetAll("kind")) req.add_kinds(k);
  std::string error;
  int64_t limit = 0;
  int32_t page_size = 0;
  if (!ReadAsOf(env, req.mutable_filter(), &error) ||
      !PageOptions(env, &limit, &page_size, &error)) {
    return env.Usage(error);
  }
  req.set_page_size(page_size);
  std::vector<v1::Entity> entities;
  bool more = false;
  grpc::Status s = FetchPages<v1::SearchEntitiesRequest, v1::SearchEntitiesResponse, v1::Entity>(
      req, limit, [&](const auto& r, auto* resp) { return env.client->SearchEntities(r, resp); },
      [](auto* resp) { return resp->mutable_entities(); }, &entities, &more);
  if (!s.ok()) return env.Fail(s);
  if (env.json()) {
    PrintJsonLines(env, entities);
  } else if (!entities.empty()) {
    Table t({"ID", "KIND", "LABEL", "ALIASES"});
    for (const v1::Entity& e : entities) {
      t.AddRow({e.id(), e.kind(), e.label(), Clip(absl::StrJoin(e.aliases(), ", "), 60)});
    }
    t.Print(*env.out);
    NoteMore(env, more);
  }
  if (entities.empty()) {
    if (!env.json()) *env.err << "kg search: no entity matches '" << req.query() << "'\n";
    return kExitNotFound;
  }
  return kExitOk;
}

// ------------------------------------------------------------- statements

int PrintStatements(Env& env, const std::vector<v1::Statement>& statements, bool more) {
  if (env.json()) {
    PrintJsonLines(env, statements);
  } else {
    PrintStatementTable(Pointers(statements), *env.out);
    NoteMore(env, more);
  }
  return kExitOk;
}

int RunMatch(Env& env) {
  v1::MatchStatementsRequest req;
  req.set_subject(env.args->Get("subject"));
  req.set_predicate(env.args->Get("predicate"));
  std::string error;
  if (env.args->Has("object") &&
      !ParseObject(env.args->Get("object"), req.mutable_object(), &error)) {
    return env.Usage(error);
  }
  int64_t limit = 0;
  int32_t page_size = 0;
  if (!BuildFilter(*env.args, req.mutable_filter(), &error) ||
      !PageOptions(env, &limit, &page_size, &error)) {
    return env.Usage(error);
  }
  req.set_page_size(page_size);
  std::vector<v1::Statement> statements;
  bool more = false;
  grpc::Status s = FetchPages<v1::MatchStatementsRequest, v1::StatementsPage, v1::Statement>(
      req, limit, [&](const auto& r, auto* resp) { return env.client->MatchStatements(r, resp); },
      [](auto* resp) { return resp->mutable_statements(); }, &statements, &more);
  if (!s.ok()) return env.Fail(s);
  return PrintStatements(env, statements, more);
}

int RunClaims(Env& env) {
  v1::ListClaimsRequest req;
  const std::string& by = env.args->positional[0];
  const std::string& value = env.args->positional[1];
  if (by == "publisher")
    req.set_publisher(value);
  else if (by == "document")
    req.set_document(value);
  else if (by == "claimant")
    req.set_claimant(value);
  else
    return env.Usage(absl::StrCat("expected publisher, document or claimant, got '", by, "'"));
  req.set_date_from(env.args->Get("from"));
  req.set_date_to(env.args->Get("to"));
  std::string error;
  int64_t limit = 0;
  int32_t page_size = 0;
  if (!BuildFilter(*env.args, req.mutable_filter(), &error) ||
      !PageOptions(env, &limit, &page_size, &error)) {
    return env.Usage(error);
  }
  req.set_page_size(page_size);
  std::vector<v1::Statement> statements;
  bool more = false;
  grpc::Status s = FetchPages<v1::ListClaimsRequest, v1::StatementsPage, v1::Statement>(
      req, limit, [&](const auto& r, auto* resp) { return env.client->ListClaims(r, resp); },
      [](auto* resp) { return resp->mutable_statements(); }, &statements, &more);
  if (!s.ok()) return env.Fail(s);
  return PrintStatements(env, statements, more);
}

// ------------------------------------------------------------- neighbors

int RunNeighbors(Env& env) {
  v1::NeighborsRequest req;
  req.set_id(env.args->positional[0]);
  v1::Direction dir = v1::DIRECTION_UNSPECIFIED;
  if (!ParseDirection(env.args->Get("direction"), &dir)) {
    return env.Usage("--direction: expected in, out or both");
  }
  req.set_direction(dir);
  for (const std::string& p : env.args->GetAll("predicate")) req.add_predicates(p);
  for (const std::string& k : env.args->GetAll("kind")) req.add_kinds(k);
  std::string error;
  int64_t limit = 0;
  int32_t page_size = 0;
  if (!BuildFilter(*env.args, req.mutable_filter(), &error) ||
      !PageOptions(env, &limit, &page_size, &error)) {
    return env.Usage(error);
  }
  req.set_page_size(page_size);
  std::vector<v1::Neighbor> neighbors;
  bool more = false;
  grpc::Status s = FetchPages<v1::NeighborsRequest, v1::NeighborsResponse, v1::Neighbor>(
      req, limit, [&](const auto& r, auto* resp) { return env.client->Neighbors(r, resp); },
      [](auto* resp) { return resp->mutable_neighbors(); }, &neighbors, &more);
  if (!s.ok()) return env.Fail(s);
  if (env.json()) {
    PrintJsonLines(env, neighbors);
    return kExitOk;
  }
  Table t({"DIR", "PREDICATE", "OTHER", "KIND", "LABEL", "STATEMENT", "CONF"});
  for (const v1::Neighbor& n : neighbors) {
    const v1::Statement& st = n.statement();
    std::string other = n.direction() == v1::IN ? st.subject() : ValueText(st.object());
    t.AddRow({n.direction() == v1::IN ? "<-" : "->", st.predicate(), Clip(other, 48),
              n.entity().kind(), n.entity().label(), absl::StrCat(st.id()),
              ConfText(st.corroboration().confidence())});
  }
  t.Print(*env.out);
  NoteMore(env, more);
  return kExitOk;
}

// ------------------------------------------------------------- traverse / subgraph

template <typename Req>
bool BuildWalk(const Env& env, Req* req, std::string* error) {
  for (const std::string& seed : env.args->positional) req->add_seeds(seed);
  return BuildWalkShape(*env.args, req, error) &&
         BuildFilter(*env.args, req->mutable_filter(), error);
}

void AddNode(Graph* g, std::set<std::string>* seen, GraphNode node) {
  if (seen->insert(node.id).second) g->nodes.push_back(std::move(node));
}

int PrintGraph(const Env& env, const Graph& g) {
  if (env.format == OutputFormat::kDot) {
    PrintDot(g, *env.out);
  } else {
    PrintGraphMl(g, *env.out);
  }
  return kExitOk;
}

int RunTraverse(Env& env) {
  v1::TraverseRequest req;
  std::string error;
  if (!BuildWalk(env, &req, &error)) return env.Usage(error);
  std::vector<v1::TraversalStep> steps;
  v1::TraverseResponse last;
  grpc::Status s = env.client->Traverse(req, [&](const v1::TraverseResponse& msg) {
    for (const v1::TraversalStep& step : msg.steps()) steps.push_back(step);
    last = msg;
  });
  if (!s.ok()) return env.Fail(s);
  last.clear_steps();
  if (env.json()) {
    PrintJsonLines(env, steps);
    *env.out << ToJson(last) << "\n";
    return kExitOk;
  }
  if (env.format == OutputFormat::kTable) {
    Table t({"DEPTH", "NODE", "KIND", "LABEL", "VIA", "FROM", "STATEMENT"});
    for (const v1::TraversalStep& st : steps) {
      t.AddRow({absl::StrCat(st.depth()), st.node(), st.kind(), Clip(st.label(), 50),
                st.via_predicate(), st.from_node(),
                st.via_statement() == 0 ? "" : absl::StrCat(st.via_statement())});
    }
    t.Print(*env.out);
    *env.out << steps.size() << " node(s), " << last.edges_examined() << " edge(s) examined"
             << (last.truncated() ? ", TRUNCATED by a cap" : "") << "\n";
    return kExitOk;
  }
  Graph g;
  g.name = "traverse";
  std::set<std::string> seen;
  for (const v1::TraversalStep& st : steps) {
    AddNode(&g, &seen, {st.node(), st.label(), st.kind()});
    if (st.via_statement() == 0) continue;
    GraphEdge e{st.from_node(), st.node(), st.via_predicate(), st.via_statement()};
    // Steps do not say which way a BOTH walk crossed an edge.
    if (req.direction() == v1::IN) std::swap(e.from, e.to);
    e.undirected = req.direction() == v1::BOTH;
    g.edges.push_back(std::move(e));
  }
  return PrintGraph(env, g);
}

int RunSubgraph(Env& env) {
  v1::SubgraphRequest req;
  std::string error;
  if (!BuildWalk(env, &req, &error)) return env.Usage(error);
  v1::SubgraphResponse resp;
  if (grpc::Status s = env.client->Subgraph(req, &resp); !s.ok()) return env.Fail(s);
  if (env.json()) {
    *env.out << ToJson(resp) << "\n";
    return kExitOk;
  }
  if (env.format == OutputFormat::kTable) {
    Table nodes({"NODE", "KIND", "LABEL"});
    for (const v1::Entity& e : resp.nodes()) nodes.AddRow({e.id(), e.kind(), e.label()});
    nodes.Print(*env.out);
    *env.out << "\n";
    Table edges({"STATEMENT", "SUBJECT", "PREDICATE", "OBJECT", "CONF", "SOURCES"});
    for (const v1::SubgraphEdge& e : resp.edges()) {
      edges.AddRow({absl::StrCat(e.statement_id()), e.subject(), e.predicate(), e.object(),
                    ConfText(e.confidence()), absl::StrCat(e.independent_sources())});
    }
    edges.Print(*env.out);
    *env.out << resp.nodes_size() << " node(s), " << resp.edges_size() << " edge(s)"
             << (resp.truncated() ? ", TRUNCATED by a cap" : "") << "\n";
    return kExitOk;
  }
  Graph g;
  g.name = "subgraph";
  std::set<std::string> seen;
  for (const v1::Entity& e : resp.nodes()) AddNode(&g, &seen, {e.id(), e.label(), e.kind()});
  for (const v1::SubgraphEdge& e : resp.edges()) {
    AddNode(&g, &seen, {e.subject(), "", ""});
    AddNode(&g, &seen, {e.object(), "", ""});
    g.edges.push_back({e.subject(), e.object(), e.predicate(), e.statement_id(), e.confidence()});
  }
  return PrintGraph(env, g);
}

// ------------------------------------------------------------- path

int RunPath(Env& env) {
  v1::FindPathsRequest req;
  req.set_from(env.args->positional[0]);
  req.set_to(env.args->positional[1]);
  std::string error;
  int64_t depth = 0, k = 0;
  if (!env.args->GetInt("depth", 1, 1000, &depth, &error) ||
      !env.args->GetInt("k", 1, 1000, &k, &error)) {
    return env.Usage(error);
  }
  req.set_max_depth(static_cast<int32_t>(depth));
  req.set_k(static_cast<int32_t>(k));
  v1::Direction dir = v1::DIRECTION_UNSPECIFIED;
  if (!ParseDirection(env.args->Get("direction"), &dir)) {
    return env.Usage("--direction: expected in, out or both");
  }
  req.set_direction(dir);
  for (const std::string& p : env.args->GetAll("allow")) req.add_predicates_allow(p);
  for (const std::string& p : env.args->GetAll("deny")) req.add_predicates_deny(p);
  if (!BuildFilter(*env.args, req.mutable_filter(), &error)) return env.Usage(error);
  v1::FindPathsResponse resp;
  if (grpc::Status s = env.client->FindPaths(req, &resp); !s.ok()) return env.Fail(s);
  if (resp.paths_size() == 0) {
    *env.err << "kg path: no path from " << req.from() << " to " << req.to()
             << " within the depth\n";
    return kExitNotFound;
  }
  if (env.json()) {
    PrintJsonLines(env, resp.paths());
    return kExitOk;
  }
  if (env.format == OutputFormat::kTable) {
    int n = 0;
    for (const v1::Path& p : resp.paths()) {
      if (n > 0) *env.out << "\n";
      *env.out << "path " << ++n << " (" << p.hops_size() << " hop(s))\n";
      Table t({"FROM", "PREDICATE", "TO", "STATEMENT", "CONF"});
      for (const v1::PathHop& h : p.hops()) {
        t.AddRow({h.from(),
                  h.reversed() ? absl::StrCat("<-", h.predicate(), "-")
                               : absl::StrCat("-", h.predicate(), "->"),
                  h.to(), absl::StrCat(h.statement_id()), ConfText(h.confidence())});
      }
      t.Print(*env.out);
    }
    *env.out << "explain a hop: kg explain STATEMENT\n";
    return kExitOk;
  }
  // Pictures: label the nodes with their entity labels (best effort).
  Graph g;
  g.name = "path";
  std::set<std::string> seen;
  std::map<std::string, v1::Entity> entities;
  for (const v1::Path& p : resp.paths()) {
    for (const v1::PathHop& h : p.hops()) {
      for (const std::string& id : {h.from(), h.to()}) {
        if (entities.count(id) > 0) continue;
        v1::GetEntityRequest er;
        er.set_id(id);
        er.mutable_filter()->set_as_of(req.filter().as_of());
        // A missing label only makes the picture plainer; the path stands.
        (void)env.client->GetEntity(er, &entities[id]);
      }
    }
  }
  for (const v1::Path& p : resp.paths()) {
    for (const v1::PathHop& h : p.hops()) {
      for (const std::string& id : {h.from(), h.to()}) {
        AddNode(&g, &seen, {id, entities[id].label(), entities[id].kind()});
      }
      GraphEdge e{h.from(), h.to(), h.predicate(), h.statement_id(), h.confidence()};
      if (h.reversed()) std::swap(e.from, e.to);  // draw subject -> object
      g.edges.push_back(std::move(e));
    }
  }
  return PrintGraph(env, g);
}

// ------------------------------------------------------------- timeline

int RunTimeline(Env& env) {
  v1::TimelineRequest req;
  req.set_actor(env.args->Get("actor"));
  req.set_place(env.args->Get("place"));
  if (req.actor().empty() == req.place().empty()) {
    return env.Usage("give exactly one of --actor or --place");
  }
  req.set_date_from(env.args->Get("from"));
  req.set_date_to(env.args->Get("to"));
  std::string error;
  int64_t limit = 0;
  int32_t page_size = 0;
  if (!BuildFilter(*env.args, req.mutable_filter(), &error) ||
      !PageOptions(env, &limit, &page_size, &error)) {
    return env.Usage(error);
  }
  req.set_page_size(page_size);
  std::vector<v1::TimelineEntry> entries;
  bool more = false;
  grpc::Status s = FetchPages<v1::TimelineRequest, v1::TimelineResponse, v1::TimelineEntry>(
      req, limit, [&](const auto& r, auto* resp) { return env.client->Timeline(r, resp); },
      [](auto* resp) { return resp->mutable_entries(); }, &entries, &more);
  if (!s.ok()) return env.Fail(s);
  if (env.json()) {
    PrintJsonLines(env, entries);
    return kExitOk;
  }
  Table t({"DATE", "INCIDENT", "KIND", "LABEL", "ROLE", "PLACE", "STATEMENT"});
  for (const v1::TimelineEntry& e : entries) {
    std::string date = e.date();
    if (!e.end_date().empty()) absl::StrAppend(&date, "..", e.end_date());
    t.AddRow({date, e.incident().id(), e.incident().kind(), Clip(e.incident().label(), 50),
              e.role(), e.place(), e.statement_id() == 0 ? "" : absl::StrCat(e.statement_id())});
  }
  t.Print(*env.out);
  NoteMore(env, more);
  return kExitOk;
}

// ------------------------------------------------------------- provenance

// Every evidence page of an explanation, as one response: the pages'
// records in order and each cited document once.
grpc::Status ExplainAll(Env& env, v1::ExplainRequest req, v1::ExplainResponse* all) {
  std::set<std::string> documents;
  for (int page = 0; page < kMaxPages; ++page) {
    v1::ExplainResponse resp;
    if (grpc::Status s = env.client->Explain(req, &resp); !s.ok()) return s;
    const std::string next = resp.statement().evidence_page_token();
    if (page == 0) {
      *all = resp;
      all->clear_documents();
    } else {
      for (v1::Evidence& e : *resp.mutable_statement()->mutable_evidence()) {
        *all->mutable_statement()->add_evidence() = std::move(e);
      }
    }
    for (v1::DocumentInfo& d : *resp.mutable_documents()) {
      if (documents.insert(d.id()).second) *all->add_documents() = std::move(d);
    }
    if (next.empty()) break;
    req.set_evidence_page_token(next);
  }
  all->mutable_statement()->clear_evidence_page_token();
  return grpc::Status::OK;
}

int RunExplain(Env& env) {
  v1::ExplainRequest req;
  uint64_t id = 0;
  if (!ParseStatementId(env.args->positional[0], &id)) {
    return env.Usage(
        absl::StrCat("STATEMENT must be a positive integer, got '", env.args->positional[0], "'"));
  }
  req.set_statement_id(id);
  std::string error;
  int64_t page_size = 0;
  if (!BuildFilter(*env.args, req.mutable_filter(), &error) ||
      !env.args->GetInt("evidence-page-size", 1, INT32_MAX, &page_size, &error)) {
    return env.Usage(error);
  }
  req.set_evidence_page_size(static_cast<int32_t>(page_size));
  v1::ExplainResponse resp;
  if (grpc::Status s = ExplainAll(env, req, &resp); !s.ok()) return env.Fail(s);
  if (env.json()) {
    *env.out << ToJson(resp) << "\n";
  } else {
    PrintExplain(resp, *env.out);
  }
  return kExitOk;
}

int RunDisputes(Env& env) {
  v1::ListDisputesRequest req;
  if (!env.args->positional.empty()) req.set_entity(env.args->positional[0]);
  std::string error;
  int64_t limit = 0;
  int32_t page_size = 0;
  if (!BuildFilter(*env.args, req.mutable_filter(), &error) ||
      !PageOptions(env, &limit, &page_size, &error)) {
    return env.Usage(error);
  }
  req.set_page_size(page_size);
  std::vector<v1::Dispute> disputes;
  bool more = false;
  grpc::Status s = FetchPages<v1::ListDisputesRequest, v1::ListDisputesResponse, v1::Dispute>(
      req, limit, [&](const auto& r, auto* resp) { return env.client->ListDisputes(r, resp); },
      [](auto* resp) { return resp->mutable_disputes(); }, &disputes, &more);
  if (!s.ok()) return env.Fail(s);
  if (env.json()) {
    PrintJsonLines(env, disputes);
    return kExitOk;
  }
  Table t({"STATEMENT", "SUBJECT", "PREDICATE", "OBJECT", "REASONS", "CONFLICTING"});
  for (const v1::Dispute& d : disputes) {
    std::vector<std::string> others;
    for (const v1::Statement& c : d.conflicting()) {
      others.push_back(absl::StrCat(c.id(), " (", ValueText(c.object()), ")"));
    }
    const v1::Statement& st = d.statement();
    t.AddRow({absl::StrCat(st.id()), st.subject(), st.predicate(), Clip(ValueText(st.object()), 40),
              absl::StrJoin(d.reasons(), "; "), absl::StrJoin(others, ", ")});
  }
  t.Print(*env.out);
  NoteMore(env, more);
  return kExitOk;
}

// "confidence 0.8 -> 0.95; grading F6 -> B2; reported_on 2019-05 -> 2019-06".
std::string RevisionText(const v1::EvidenceGrade& from, const v1::EvidenceGrade& to) {
  std::vector<std::string> parts;
  if (from.confidence() != to.confidence()) {
    parts.push_back(absl::StrCat("confidence ", from.confidence(), " -> ", to.confidence()));
  }
  if (from.reliability() != to.reliability() || from.credibility() != to.credibility()) {
    parts.push_back(absl::StrCat("grading ", from.reliability(), from.credibility(), " -> ",
                                 to.reliability(), to.credibility()));
  }
  if (from.reported_on() != to.reported_on()) {
    parts.push_back(absl::StrCat("reported_on ", from.reported_on(), " -> ", to.reported_on()));
  }
  return absl::StrJoin(parts, "; ");
}

int RunHistory(Env& env) {
  v1::HistoryRequest req;
  const std::string& target = env.args->positional[0];
  uint64_t id = 0;
  if (!env.args->Has("entity") && ParseStatementId(target, &id)) {
    req.set_statement_id(id);
  } else {
    req.set_entity(target);
  }
  std::string error;
  int64_t limit = 0;
  int32_t page_size = 0;
  if (!ReadAsOf(env, req.mutable_filter(), &error) ||
      !PageOptions(env, &limit, &page_size, &error)) {
    return env.Usage(error);
  }
  req.set_page_size(page_size);
  std::vector<v1::HistoryEvent> events;
  bool more = false;
  grpc::Status s = FetchPages<v1::HistoryRequest, v1::HistoryResponse, v1::HistoryEvent>(
      req, limit, [&](const auto& r, auto* resp) { return env.client->History(r, resp); },
      [](auto* resp) { return resp->mutable_events(); }, &events, &more);
  if (!s.ok()) return env.Fail(s);
  if (env.json()) {
    PrintJsonLines(env, events);
    return kExitOk;
  }
  Table t({"TIME", "PRINCIPAL", "EVENT", "ENTITY", "STATEMENT", "EVIDENCE", "OTHER", "COUNT",
           "REASON"});
  for (const v1::HistoryEvent& e : events) {
    t.AddRow({TimeText(e.at()), e.principal(), EventTypeText(e.type()), e.entity(),
              e.statement_id() == 0 ? "" : absl::StrCat(e.statement_id()),
              Clip(e.evidence_id(), 16), e.other_entity(),
              e.count() == 0 ? "" : absl::StrCat(e.count()),
              e.type() == v1::HistoryEvent::EVIDENCE_REVISED
                  ? RevisionText(e.revised_from(), e.revised_to())
                  : e.reason()});
  }
  t.Print(*env.out);
  NoteMore(env, more);
  return kExitOk;
}

}  // namespace

std::vector<FlagSpec> GraphWalkFlags() {
  return {
      {"depth", "N", "maximum depth in hops (server default when absent)"},
      {"direction", "DIR", "out (subject -> object, default), in, or both"},
      {"allow", "PREDICATE", "follow only these predicates", true},
      {"deny", "PREDICATE", "never follow these predicates", true},
      {"kind", "KIND", "enter only nodes of these kinds (sub-kinds included)", true},
      {"max-nodes", "N", "cap on nodes reached, seeds excluded (server default when absent)"},
      {"max-edges", "N", "cap on edges (server default when absent)"},
  };
}

bool ParseDirection(const std::string& text, v1::Direction* out) {
  if (text.empty()) return true;
  if (text == "out")
    *out = v1::OUT;
  else if (text == "in")
    *out = v1::IN;
  else if (text == "both")
    *out = v1::BOTH;
  else
    return false;
  return true;
}

void AddReadCommands(std::vector<Command>* c) {
  const std::vector<FlagSpec> filter = FilterFlags();
  const std::vector<FlagSpec> page = PageFlags();
  c->push_back({"entity", "ID", "show one entity",
                "Shows the entity with this id. Exit 1 when it does not exist.", AsOfFlag(), 1, 1,
                false, RunEntity});
  c->push_back(
      {"search", "QUERY", "find entities by name or alias prefix",
       "Case- and diacritics-insensitive prefix search over labels and aliases.\n"
       "Exit 1 when nothing matches.",
       Join(Join({{"kind", "KIND", "only these kinds (sub-kinds included)", true}}, AsOfFlag()),
            page),
       1, 1, false, RunSearch});
  c->push_back({"match", "", "statements matching a pattern",
                "Statements whose subject, predicate and object match the given parts (any may be\n"
                "left out). --object takes an entity id, or TYPE:VALUE for a literal\n"
                "(string:, integer:, decimal:, date:, boolean:).",
                Join(Join({{"subject", "ID", "the subject entity"},
                           {"predicate", "PREDICATE", "the predicate"},
                           {"object", "VALUE", "the object: an entity id or TYPE:VALUE"}},
                          filter),
                     page),
                0, 0, false, RunMatch});
  c->push_back({"neighbors", "ID", "statements at an entity and who is at the other end",
                "The statements at an entity, with the entity at the other end.",
                Join(Join({{"direction", "DIR", "in, out or both (default both)"},
                           {"predicate", "PREDICATE", "only these predicates", true},
                           {"kind", "KIND", "only neighbours of these kinds", true}},
                          filter),
                     page),
                1, 1, false, RunNeighbors});
  c->push_back({"traverse", "SEED...", "breadth-first traversal from seeds",
                "Walks the graph breadth-first from the seeds. --json prints one step per\n"
                "line and a last line {\"done\":true,...} saying whether a cap cut the walk.",
                Join(GraphWalkFlags(), filter), 1, -1, true, RunTraverse});
  c->push_back({"path", "FROM TO", "shortest (or k shortest) paths between two entities",
                "Paths from FROM to TO; every hop carries its statement id (kg explain ID).\n"
                "Exit 1 when there is no path within the depth.",
                Join({{"depth", "N", "maximum hops (server default 4)"},
                      {"k", "N", "number of paths (default 1: the shortest)"},
                      {"direction", "DIR", "out (default), in, or both"},
                      {"allow", "PREDICATE", "follow only these predicates", true},
                      {"deny", "PREDICATE", "never follow these predicates", true}},
                     filter),
                2, 2, true, RunPath});
  c->push_back({"subgraph", "SEED...", "nodes and edges around seeds",
                "The nodes and edges within a depth of the seeds, for pictures and export.",
                Join(GraphWalkFlags(), filter), 1, -1, true, RunSubgraph});
  c->push_back({"timeline", "", "incidents of an actor or in a place, in date order",
                "Incidents an actor perpetrated, was targeted by or took part in (--actor),\n"
                "or that occurred in a place or any of its sub-places (--place).",
                Join(Join({{"actor", "ID", "the actor"},
                           {"place", "ID", "the place"},
                           {"from", "DATE", "first date, YYYY[-MM[-DD]]"},
                           {"to", "DATE", "last date"}},
                          filter),
                     page),
                0, 0, false, RunTimeline});
  c->push_back(
      {"explain", "STATEMENT", "a statement's evidence and corroboration",
       "Every evidence record of a statement (retracted ones included) and the\n"
       "derived view: sources, confidence, disputes. The records come a page per\n"
       "call, all pages read as of the first one's time. Exit 1 when it does not exist.",
       Join({{"evidence-page-size", "N", "evidence records per call (server default when absent)"}},
            filter),
       1, 1, false, RunExplain});
  c->push_back({"claims", "publisher|document|claimant VALUE",
                "everything a publisher, document or claimant asserted",
                "Statements supported by the evidence of one publisher, one document, or one\n"
                "claimant (an entity id or an anonymous description).",
                Join(Join({{"from", "DATE", "reported on or after"},
                           {"to", "DATE", "reported on or before"}},
                          filter),
                     page),
                2, 2, false, RunClaims});
  c->push_back({"disputes", "[ENTITY]", "denied or conflicting statements",
                "Statements that a source denies, or that conflict on a functional predicate;\n"
                "around one entity or in the whole graph.",
                Join(filter, page), 0, 1, false, RunDisputes});
  c->push_back({"history", "STATEMENT|ENTITY", "every change of a statement or entity",
                "Every assert, retract, merge, split and purge of a statement (a number) or an\n"
                "entity. A purge shows as one event with the count of evidence records removed\n"
                "(COUNT) and the reason; what it removed is gone.",
                Join(Join({{"entity", "", "treat the argument as an entity id even if numeric"}},
                          AsOfFlag()),
                     page),
                1, 1, false, RunHistory});
}

}  // namespace kg::cli
