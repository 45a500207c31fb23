// kg_load: loads a directory written by gen.py (entities.tsv, documents.tsv,
// statements.tsv, provenance.tsv) into a kgd data directory, through
// kg::BulkLoader when the data directory is empty or missing (sorted SST
// files ingested at the end), else (or with --bulk=false) through
// Store::Apply in large batches, and prints statements/s.
//
//   kg_load --in /tmp/gen --data_dir /tmp/kgdata [--bulk=false] [--batch 20000]
//
// Mapping: entity n -> "e/<n>" with kind from the type column
// (state_actor -> State, armed_group -> ArmedGroup, organization ->
// Organization, person -> Person, media_outlet -> MediaOutlet, incident ->
// Incident, location -> Location, document -> Document) and the name as its
// label; a document also gets its "date" attribute. Each statement's
// evidence comes from its provenance.tsv rows: document e/<doc>, publisher
// e/<pub>, reported_on the document's date, and the confidence.

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "storage/bulk_load.h"
#include "storage/store.h"

ABSL_FLAG(std::string, in, "", "Directory written by gen.py.");
ABSL_FLAG(std::string, data_dir, "", "kgd data directory to create or extend.");
ABSL_FLAG(int32_t, batch, 20000, "Statements per batch.");
ABSL_FLAG(bool, bulk, true,
          "Load through kg::BulkLoader when the data dir is empty; false: always Store::Apply.");

namespace {

using Clock = std::chrono::steady_clock;

const std::map<std::string, std::string, std::less<>>& KindOfType() {
  static const auto* kinds = new std::map<std::string, std::string, std::less<>>{
      {"state_actor", "State"}, {"armed_group", "ArmedGroup"},   {"organization", "Organization"},
      {"person", "Person"},     {"media_outlet", "MediaOutlet"}, {"incident", "Incident"},
      {"location", "Location"}, {"document", "Document"}};
  return *kinds;
}

int Fail(const std::string& message) {
  std::cerr << "kg_load: " << message << "\n";
  return 1;
}

// Reads a TSV file line by line; `row` gets the fields. False at the end.
class Tsv {
 public:
  explicit Tsv(const std::string& path) : in_(path), path_(path) {}
  bool ok() const { return in_.good(); }
  bool Next(std::vector<std::string_view>* row) {
    if (!std::getline(in_, line_)) return false;
    ++line_no_;
    row->clear();
    for (absl::string_view f : absl::StrSplit(line_, '\t')) row->emplace_back(f.data(), f.size());
    return true;
  }
  std::string Where() const { return absl::StrCat(path_, ":", line_no_); }

 private:
  std::ifstream in_;
  std::string path_;
  std::string line_;
  int64_t line_no_ = 0;
};

std::string Id(std::string_view n) {
  return absl::StrCat("e/", absl::string_view(n.data(), n.size()));
}

}  // namespace

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  const std::string in = absl::GetFlag(FLAGS_in);
  const std::string data_dir = absl::GetFlag(FLAGS_data_dir);
  const int32_t batch_size = absl::GetFlag(FLAGS_batch);
  if (in.empty() || data_dir.empty()) return Fail("--in and --data_dir are required");
  if (batch_size < 1 || batch_size > 1000000) return Fail("--batch: must be 1..1000000");

  // Where batches go: a BulkLoader, or Apply on an open Store.
  std::unique_ptr<kg::BulkLoader> loader;
  std::unique_ptr<kg::Store> store;
  const kg::WriteContext context{.principal = "importer:kg_load"};
  int64_t evidence = 0;
  std::error_code ec;
  const bool empty_dir =
      !std::filesystem::exists(data_dir, ec) || std::filesystem::is_empty(data_dir, ec);
  if (absl::GetFlag(FLAGS_bulk) && empty_dir) {
    kg::BulkLoadOptions options;
    options.path = data_dir;
    options.principal = context.principal;
    absl::StatusOr<std::unique_ptr<kg::BulkLoader>> created = kg::BulkLoader::Create(options);
    if (!created.ok()) return Fail(created.status().ToString());
    loader = std::move(*created);
  } else {
    kg::StoreOptions options;
    options.path = data_dir;
    absl::StatusOr<std::unique_ptr<kg::Store>> opened = kg::Store::Open(options);
    if (!opened.ok()) return Fail(opened.status().ToString());
    store = std::move(*opened);
  }
  auto add = [&](const kg::WriteBatch& batch) -> absl::Status {
    if (loader) return loader->Add(batch);
    absl::StatusOr<kg::WriteResult> r = store->Apply(batch, context);
    if (r.ok()) evidence += r->evidence_added;
    return r.status();
  };
  const auto start = Clock::now();

  // Documents: their dates (for reported_on and the entity attribute).
  std::vector<std::string> doc_date;
  {
    Tsv docs(in + "/documents.tsv");
    if (!docs.ok()) return Fail("cannot read " + in + "/documents.tsv");
    std::vector<std::string_view> row;
    while (docs.Next(&row)) {
      size_t doc = 0;
      if (row.size() != 3 ||
          !absl::SimpleAtoi(absl::string_view(row[0].data(), row[0].size()), &doc)) {
        return Fail(docs.Where() + ": expected doc_id, publisher_id, date");
      }
      if (doc >= doc_date.size()) doc_date.resize(doc + 1);
      doc_date[doc] = std::string(row[2]);
    }
  }

  // Entities.
  int64_t entities = 0;
  {
    Tsv tsv(in + "/entities.tsv");
    if (!tsv.ok()) return Fail("cannot read " + in + "/entities.tsv");
    std::vector<std::string_view> row;
    kg::WriteBatch batch;
    auto flush = [&]() -> bool {
      if (batch.entities.empty()) return true;
      absl::Status r = add(batch);
      if (!r.ok()) {
        std::cerr << "kg_load: entities: " << r << "\n";
        return false;
      }
      entities += batch.entities.size();
      batch.entities.clear();
      return true;
    };
    while (tsv.Next(&row)) {
      if (row.size() != 4) return Fail(tsv.Where() + ": expected id, type, name, parent");
      auto kind = KindOfType().find(row[1]);
      if (kind == KindOfType().end())
        return Fail(tsv.Where() + ": unknown type " + std::string(row[1]));
      kg::Entity e;
      e.id = Id(row[0]);
      e.kind = kind->second;
      e.label = std::string(row[2]);
      size_t n = 0;
      if (kind->second == "Document" &&
          absl::SimpleAtoi(absl::string_view(row[0].data(), row[0].size()), &n) &&
          n < doc_date.size() && !doc_date[n].empty()) {
        e.attributes["date"] = kg::Value{kg::ValueType::kDate, doc_date[n]};
      }
      batch.entities.push_back(std::move(e));
      if (static_cast<int32_t>(batch.entities.size()) >= 4 * batch_size && !flush()) return 1;
    }
    if (!flush()) return 1;
  }
  const auto entities_done = Clock::now();

  // Statements with their evidence; provenance.tsv is ordered by sid.
  int64_t statements = 0;
  {
    Tsv st(in + "/statements.tsv");
    Tsv pv(in + "/provenance.tsv");
    if (!st.ok() || !pv.ok()) return Fail("cannot read statements.tsv / provenance.tsv");
    std::vector<std::string_view> srow, prow;
    bool have_prow = pv.Next(&prow);
    std::string prow_sid = have_prow ? std::string(prow[0]) : "";
    kg::WriteBatch batch;
    auto flush = [&]() -> bool {
      if (batch.statements.empty()) return true;
      absl::Status r = add(batch);
      if (!r.ok()) {
        std::cerr << "kg_load: statements before row " << statements + 1 << ": " << r << "\n";
        return false;
      }
      statements += batch.statements.size();
      batch.statements.clear();
      return true;
    };
    while (st.Next(&srow)) {
      if (srow.size() != 4) return Fail(st.Where() + ": expected sid, s, p, o");
      kg::Statement s;
      s.subject = Id(srow[1]);
      s.predicate = std::string(srow[2]);
      s.object = kg::Value::Entity(Id(srow[3]));
      while (have_prow && prow_sid == srow[0]) {
        if (prow.size() != 5)
          return Fail(pv.Where() + ": expected sid, doc, publisher, date, confidence");
        kg::Evidence e;
        e.document = Id(prow[1]);
        e.publisher = Id(prow[2]);
        e.reported_on = std::string(prow[3]);
        if (!absl::SimpleAtod(absl::string_view(prow[4].data(), prow[4].size()), &e.confidence)) {
          return Fail(pv.Where() + ": bad confidence");
        }
        e.extractor = "importer:gen";
        s.evidence.push_back(std::move(e));
        have_prow = pv.Next(&prow);
        if (have_prow) prow_sid = std::string(prow[0]);
      }
      if (s.evidence.empty()) return Fail(st.Where() + ": statement without provenance");
      batch.statements.push_back(std::move(s));
      if (static_cast<int32_t>(batch.statements.size()) >= batch_size && !flush()) return 1;
    }
    if (!flush()) return 1;
  }
  if (loader) {
    const auto finishing = Clock::now();
    absl::StatusOr<kg::BulkLoadResult> done = loader->Finish();
    if (!done.ok()) return Fail(done.status().ToString());
    evidence = done->evidence_added;
    std::printf("bulk load: %lld sorted runs merged into %lld SST files, ingested; Finish %.2f s\n",
                static_cast<long long>(done->runs), static_cast<long long>(done->sst_files),
                std::chrono::duration<double>(Clock::now() - finishing).count());
  }
  store.reset();  // closes the database (flushes memtables)
  const auto end = Clock::now();
  const double total_s = std::chrono::duration<double>(end - start).count();
  const double statements_s = std::chrono::duration<double>(end - entities_done).count();
  std::printf(
      "loaded %lld entities, %lld statements, %lld evidence records in %.2f s\n"
      "  entities phase %.2f s; statements phase %.2f s\n"
      "  %.0f statements/s (incl. evidence, whole load), %.0f statements/s (statements phase)\n",
      static_cast<long long>(entities), static_cast<long long>(statements),
      static_cast<long long>(evidence), total_s, total_s - statements_s, statements_s,
      statements / total_s, statements / statements_s);
  return 0;
}
