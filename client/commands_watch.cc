// kg watch: follows GraphService.Watch, one line per change as it comes.

#include <cctype>

#include "absl/strings/str_cat.h"
#include "client/commands.h"
#include "client/format.h"

namespace kg::cli {
namespace {

// A change type from its EventTypeText ("evidence_added"), in any case.
bool ParseChangeType(std::string text, v1::HistoryEvent::Type* type) {
  for (char& c : text) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return v1::HistoryEvent::Type_Parse(text, type) && *type != v1::HistoryEvent::TYPE_UNSPECIFIED;
}

// What changed, in a few words: the entity, or the statement and evidence.
std::string WhatText(const v1::ChangeEvent& event) {
  const v1::HistoryEvent& c = event.change();
  std::string what = c.entity();
  if (!event.predicate().empty()) {
    what = absl::StrCat("#", c.statement_id(), " ", event.subject(), " ", event.predicate(), " ",
                        ValueText(event.object()));
  }
  if (!c.other_entity().empty()) absl::StrAppend(&what, " <-> ", c.other_entity());
  if (!c.evidence_id().empty()) absl::StrAppend(&what, " evidence ", c.evidence_id().substr(0, 16));
  if (!c.reason().empty()) absl::StrAppend(&what, " (", c.reason(), ")");
  return what;
}

int RunWatch(Env& env) {
  v1::WatchRequest req;
  if (env.args->Has("from") && env.args->Has("from-start")) {
    return env.Usage("--from and --from-start: give one");
  }
  if (env.args->Has("from")) req.set_from(env.args->Get("from"));
  if (env.args->Has("from-start")) req.set_from_start(true);
  for (const std::string& t : env.args->GetAll("type")) {
    v1::HistoryEvent::Type type;
    if (!ParseChangeType(t, &type)) {
      return env.Usage(
          absl::StrCat("--type: '", t, "' is not a change type (e.g. evidence_added)"));
    }
    req.add_types(type);
  }
  for (const std::string& k : env.args->GetAll("kind")) req.add_kinds(k);
  for (const std::string& p : env.args->GetAll("predicate")) req.add_predicates(p);
  for (const std::string& e : env.args->GetAll("entity")) req.add_entities(e);
  int64_t limit = 0;
  std::string error;
  if (!env.args->GetInt("limit", 1, INT64_MAX, &limit, &error)) return env.Usage(error);

  int64_t seen = 0;
  grpc::Status s = env.client->Watch(req, [&](const v1::ChangeEvent& event) {
    if (env.json()) {
      *env.out << ToJson(event) << "\n";
    } else {
      const v1::HistoryEvent& c = event.change();
      *env.out << TimeText(c.at()) << "  " << c.principal() << "  " << EventTypeText(c.type())
               << "  " << WhatText(event) << "  " << event.resume_token() << "\n";
    }
    env.out->flush();  // a line as soon as its change happens
    return limit == 0 || ++seen < limit;
  });
  if (!s.ok()) return env.Fail(s);
  return kExitOk;
}

}  // namespace

void AddWatchCommands(std::vector<Command>* c) {
  c->push_back(
      {"watch",
       "",
       "follow every change as it is committed",
       "Prints every committed change in commit order as it happens: entities upserted,\n"
       "statements created, evidence added, revised and retracted, merges, splits and\n"
       "purges, each with its time, principal and resume token (the last word of a line,\n"
       "resume_token in --json). Without --from or --from-start only changes after now.\n"
       "--from TOKEN continues after that change, exactly once, across kgd restarts too;\n"
       "exit 3 (OUT_OF_RANGE) when the change feed no longer holds it\n"
       "(--change_feed_retention_hours). Runs until interrupted, or --limit changes.",
       {{"from", "TOKEN", "continue after the change with this resume token"},
        {"from-start", "", "start from the oldest change the feed holds"},
        {"type", "TYPE", "only changes of this type, e.g. evidence_added (as kg history shows)",
         true},
        {"kind", "KIND", "only changes about entities of this kind (exact)", true},
        {"predicate", "PREDICATE", "only statement changes with this predicate", true},
        {"entity", "ID", "only changes about this entity (or with it as subject or object)", true},
        {"limit", "N", "stop after N changes"}},
       0,
       0,
       false,
       RunWatch});
}

}  // namespace kg::cli
