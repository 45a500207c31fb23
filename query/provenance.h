// Provenance queries over a View: explain a statement down to its sources,
// and list disputed statements.
//
// Explain returns a statement with its evidence records as of filter.as_of,
// a page at a time (retracted records included, with their retraction), the
// corroboration over all the live evidence the filter selects (never just
// the page), the documents the page cites resolved from their Document
// entities, and whether and why the statement is disputed. A statement is
// disputed when
//   - an independent source denies it ("denied by 2 independent sources"), or
//   - its predicate is functional in the schema and another statement with
//     the same subject and predicate but a different object has supporting
//     evidence under the same filter ("conflicting perpetrated_by"); the
//     competing statements are returned with their evidence.
// A functional conflict needs support on both sides: a statement whose
// selected evidence only denies it claims nothing, so it competes with
// nothing.
//
// ListDisputes pages through the disputed statements of one entity (as
// subject or object) or of the whole graph. Claims by publisher, document or
// claimant are View::ClaimsBy.
//
// Each result struct maps 1:1 onto its message in proto/kg/v1/kg.proto:
//   Explanation -> ExplainResponse (conflicts[i] -> Conflict.statement),
//   DocumentInfo -> DocumentInfo, Dispute -> Dispute,
//   Page<Dispute> -> ListDisputesResponse.
//
// Thread safety: a Provenance is used by one thread at a time, like its View.
//
// Example:
//   std::unique_ptr<kg::View> view = store->NewView();
//   kg::Provenance provenance(*view, kg::Schema::Default());
//   KG_ASSIGN_OR_RETURN(kg::Explanation e, provenance.Explain(id, filter));

#ifndef KGD_QUERY_PROVENANCE_H_
#define KGD_QUERY_PROVENANCE_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "storage/schema.h"
#include "storage/store.h"
#include "storage/types.h"

namespace kg {

// A document cited by evidence, resolved from its Document entity as of the
// read's as_of. Fields the entity lacks (or the entity itself, when it is
// unknown) are left empty.
struct DocumentInfo {
  std::string id;
  std::string title;      // attribute "title"
  std::string url;        // attribute "url"
  std::string date;       // attribute "date", YYYY[-MM[-DD]]
  std::string publisher;  // attribute "publisher" (an entity id)
};

struct Explanation {
  // One page of the evidence records as of filter.as_of that the filter's
  // evidence selectors pick: the live ones first, then the retracted ones,
  // each group in evidence id order. Corroboration over all the live ones.
  Statement statement;
  // The records over all pages, and the token of the next page (empty on
  // the last).
  int32_t evidence_total = 0;
  std::string next_evidence_token;
  // The transaction time every page of this explanation answers as of.
  TxTime as_of = 0;
  bool disputed = false;
  // "denied by N independent source(s)", "conflicting <predicate>".
  std::vector<std::string> dispute_reasons;
  // Competing statements on a functional predicate (same subject, other
  // object), each with its selected evidence; at most
  // ProvenanceOptions::max_conflicts.
  std::vector<Statement> conflicts;
  // Each document the page's evidence cites, once, in order of first
  // citation.
  std::vector<DocumentInfo> documents;
};

// Which page of a statement's evidence Explain returns.
struct EvidencePageRequest {
  // Records per page: 0 = ProvenanceOptions::default_page_size.
  int32_t page_size = 0;
  // Explanation::next_evidence_token of the previous page, or a token of
  // EvidencePageToken; empty = the first page.
  std::string page_token;
};

// The token of the Explain page of `statement` under `filter` (as the
// request gives it) as of `as_of` that starts after the record `after`, or
// at the first record when `after` is null. `after` must be one Explain
// lists; a listing that shows a statement's first live records in id order
// (Match) passes its last one, so that Explain goes on from there.
std::string EvidencePageToken(StatementId statement, const Filter& filter, TxTime as_of,
                              const Evidence* after);

struct Dispute {
  std::vector<std::string> reasons;
  // The disputed statement with its selected live evidence (denials
  // included: both sides).
  Statement statement;
  // For a functional conflict, the competing statements with theirs.
  std::vector<Statement> conflicting;
};

struct ProvenanceOptions {
  // Most competing statements reported per statement. Bounds the cost of a
  // subject with many objects for one functional predicate.
  int32_t max_conflicts = 50;
  // Page sizes of ListDisputes and of Explain's evidence pages (a request's
  // 0 means the default; more than the maximum is RESOURCE_EXHAUSTED).
  int32_t default_page_size = 50;
  int32_t max_page_size = 1000;
  // Statements one ListDisputes call examines before it returns what it has
  // found with a page token to continue (possibly an empty page). Bounds the
  // cost of one call over the whole graph; each examined statement with a
  // functional predicate costs one more index lookup.
  int64_t max_statements_scanned = 100000;
};

class Provenance final {
 public:
  // `view` and `schema` must outlive the Provenance. The schema must be the
  // one the store was opened with (it says which predicates are functional).
  Provenance(View& view, const Schema& schema, ProvenanceOptions options = {});

  Provenance(const Provenance&) = delete;
  Provenance& operator=(const Provenance&) = delete;

  // NOT_FOUND when the statement did not exist as of filter.as_of, when the
  // filter's evidence selectors leave it no evidence (live or retracted), or
  // when its corroboration fails min_confidence / min_sources (the message
  // says which). A statement whose evidence is all retracted is explained
  // (confidence 0) unless a minimum excludes it. Every page reads as of the
  // first page's time. INVALID_ARGUMENT for a negative page size or a token
  // of another statement or filter, RESOURCE_EXHAUSTED for a page size
  // above max_page_size ("evidence_page_size: ...").
  absl::StatusOr<Explanation> Explain(StatementId id, const Filter& filter,
                                      const EvidencePageRequest& page = {});

  // Disputed statements with `entity` as subject or object, or of the whole
  // graph when `entity` is empty, in a stable order (by predicate, then
  // index order). page_size 0 = default. The page token pins the read's
  // transaction time. A page may hold fewer than page_size disputes (even
  // none) with a non-empty token when the scan bound was reached; an empty
  // token means the listing is complete. INVALID_ARGUMENT for a bad token (or
  // one of another listing, entity or filter) or negative page_size,
  // RESOURCE_EXHAUSTED above max_page_size, NOT_FOUND "entity: entity 'x' not
  // found" for an entity that did not exist as of filter.as_of.
  absl::StatusOr<Page<Dispute>> ListDisputes(std::string_view entity, const Filter& filter,
                                             int32_t page_size, std::string_view page_token);

 private:
  struct Disputes;
  absl::StatusOr<Disputes> FindDisputes(const Statement& statement, const Filter& filter);
  // A request's page size: 0 = the default; negative or above the maximum
  // is an error naming `field`.
  absl::StatusOr<int32_t> PageSize(int32_t requested, const char* field) const;

  View& view_;
  const Schema& schema_;
  ProvenanceOptions options_;
};

}  // namespace kg

#endif  // KGD_QUERY_PROVENANCE_H_
