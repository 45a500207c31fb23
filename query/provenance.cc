#include "query/provenance.h"

#include <algorithm>
#include <set>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "query/edge_filter.h"
#include "storage/corroboration.h"
#include "storage/page_token.h"
#include "storage/status_macros.h"

namespace kg {
namespace {

// The position of a ListDisputes page (storage/page_token.h fields): phase
// says which underlying Match is being paged (for an entity: 0 = as
// subject, 1 = as object; for the whole graph: the index of the predicate
// in schema order); inner is that Match's page token for the page being
// consumed, and offset the number of its statements already consumed.
struct DisputeCursor {
  int64_t phase = 0;
  int64_t offset = 0;
  std::string inner;
};

std::vector<std::string> PositionOf(const DisputeCursor& c) {
  return {absl::StrCat(c.phase), absl::StrCat(c.offset), c.inner};
}

// Explain's evidence pages: one listing per statement and filter. A
// position is a record's group (0 live, 1 retracted: the order Explain
// lists them in) and its id.
PageListing EvidenceListing(StatementId statement, const Filter& filter) {
  PageListing listing("ExplainEvidence");
  listing.Add(static_cast<int64_t>(statement)).Add(filter);
  return listing;
}

using EvidencePosition = std::pair<int64_t, std::string>;

int64_t GroupOf(const Evidence& e) { return e.retracted_at != 0 ? 1 : 0; }

EvidencePosition PositionOf(const Evidence& e) { return {GroupOf(e), e.id}; }

// Whether `e` comes after position `p` (without copying its id).
bool After(const Evidence& e, const EvidencePosition& p) {
  return GroupOf(e) != p.first ? GroupOf(e) > p.first : e.id > p.second;
}

// Live as of `as_of`: a retraction after that moment has not happened yet.
bool IsLive(const Evidence& e, TxTime as_of) {
  return e.retracted_at == 0 || e.retracted_at > as_of;
}

std::string Plural(int64_t n, std::string_view one, std::string_view many) {
  return absl::StrCat(n, " ", std::string(n == 1 ? one : many));
}

std::string AttributeText(const Entity& entity, const std::string& name) {
  auto it = entity.attributes.find(name);
  return it == entity.attributes.end() ? std::string() : it->second.lexical;
}

}  // namespace

// The disputes of one statement under one filter.
struct Provenance::Disputes {
  std::vector<std::string> reasons;
  std::vector<Statement> conflicting;
};

Provenance::Provenance(View& view, const Schema& schema, ProvenanceOptions options)
    : view_(view), schema_(schema), options_(options) {}

absl::StatusOr<int32_t> Provenance::PageSize(int32_t requested, const char* field) const {
  if (requested < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, ": must not be negative, got ", requested));
  }
  if (requested > options_.max_page_size) {
    return absl::ResourceExhaustedError(
        absl::StrCat(field, ": at most ", options_.max_page_size, " allowed, got ", requested));
  }
  return requested == 0 ? options_.default_page_size : requested;
}

absl::StatusOr<Provenance::Disputes> Provenance::FindDisputes(const Statement& statement,
                                                              const Filter& filter) {
  Disputes out;
  // Denials: count independent sources among the live denying records.
  std::vector<const Evidence*> denials;
  for (const Evidence& e : statement.evidence) {
    if (IsLive(e, filter.as_of) && e.stance == Stance::kDenies) denials.push_back(&e);
  }
  if (!denials.empty()) {
    const int32_t sources = Corroborate(denials).independent_sources;
    out.reasons.push_back(
        absl::StrCat("denied by ", Plural(sources, "independent source", "independent sources")));
  }
  // Functional conflicts: another object for the same subject and predicate,
  // supported on both sides.
  const PredicateSpec* spec = schema_.FindPredicate(statement.predicate);
  if (spec == nullptr || !spec->functional || statement.corroboration.supporting == 0) {
    return out;
  }
  Pattern pattern;
  pattern.subject = statement.subject;
  pattern.predicate = statement.predicate;
  std::string token;
  // Bounded: at most max_conflicts competitors are kept, and each page
  // returns at least one statement or ends the loop.
  for (int pages = 0; pages <= options_.max_conflicts; ++pages) {
    KG_ASSIGN_OR_RETURN(Page<Statement> page,
                        view_.Match(pattern, filter, options_.max_conflicts + 1, token));
    for (Statement& other : page.items) {
      if (other.id == statement.id || other.object == statement.object) continue;
      if (other.corroboration.supporting == 0) continue;
      if (static_cast<int32_t>(out.conflicting.size()) >= options_.max_conflicts) break;
      out.conflicting.push_back(std::move(other));
    }
    if (page.next_page_token.empty() || page.items.empty() ||
        static_cast<int32_t>(out.conflicting.size()) >= options_.max_conflicts) {
      break;
    }
    token = std::move(page.next_page_token);
  }
  if (!out.conflicting.empty()) {
    out.reasons.push_back(absl::StrCat("conflicting ", statement.predicate));
  }
  return out;
}

std::string EvidencePageToken(StatementId statement, const Filter& filter, TxTime as_of,
                              const Evidence* after) {
  const EvidencePosition at = after != nullptr ? PositionOf(*after) : EvidencePosition(0, "");
  return EncodePageToken(EvidenceListing(statement, filter), as_of,
                         {absl::StrCat(at.first), at.second});
}

absl::StatusOr<Explanation> Provenance::Explain(StatementId id, const Filter& request_filter,
                                                const EvidencePageRequest& page) {
  KG_ASSIGN_OR_RETURN(const size_t page_size, PageSize(page.page_size, "evidence_page_size"));
  const PageListing listing = EvidenceListing(id, request_filter);
  KG_ASSIGN_OR_RETURN(PageCursor at, StartPage(page.page_token, listing, request_filter.as_of,
                                               view_.snapshot_time(), 2));
  EvidencePosition resume(-1, "");
  if (!page.page_token.empty()) {
    KG_ASSIGN_OR_RETURN(resume.first, at.Int(0));
    if (resume.first > 1) return absl::InvalidArgumentError("page_token: malformed");
    resume.second = std::move(at.fields[1]);
  }
  // Every page reads as of the first one's time.
  Filter filter = request_filter;
  filter.as_of = at.as_of;

  Explanation out;
  out.as_of = at.as_of;
  KG_ASSIGN_OR_RETURN(out.statement, view_.GetStatement(id, filter, /*include_retracted=*/true));
  const Corroboration& c = out.statement.corroboration;
  // A statement whose evidence is all retracted is still explained: the
  // retractions are the answer. One the selectors leave bare is not.
  if (out.statement.evidence.empty()) {
    return absl::NotFoundError(absl::StrCat(
        "statement ", id, ": no evidence passes the filter's publisher and Admiralty selectors"));
  }
  if (c.confidence < filter.min_confidence) {
    return absl::NotFoundError(absl::StrCat("statement ", id, ": confidence ", c.confidence,
                                            " is below min_confidence ", filter.min_confidence));
  }
  if (c.independent_sources < filter.min_sources) {
    return absl::NotFoundError(absl::StrCat("statement ", id, ": ", c.independent_sources,
                                            " independent sources, below min_sources ",
                                            filter.min_sources));
  }
  if (filter.max_sources > 0 && c.independent_sources > filter.max_sources) {
    return absl::NotFoundError(absl::StrCat("statement ", id, ": ", c.independent_sources,
                                            " independent sources, above max_sources ",
                                            filter.max_sources));
  }

  KG_ASSIGN_OR_RETURN(Disputes disputes, FindDisputes(out.statement, filter));
  out.disputed = !disputes.reasons.empty();
  out.dispute_reasons = std::move(disputes.reasons);
  out.conflicts = std::move(disputes.conflicting);

  // The page, once everything above has seen all the records. They come in
  // position order: the live ones, then the retracted ones, by id.
  std::vector<Evidence>& records = out.statement.evidence;
  out.evidence_total = static_cast<int32_t>(records.size());
  const auto begin = std::find_if(records.begin(), records.end(),
                                  [&](const Evidence& e) { return After(e, resume); });
  const size_t first = begin - records.begin();
  const size_t end = std::min(records.size(), first + page_size);
  if (end < records.size()) {
    out.next_evidence_token = EvidencePageToken(id, request_filter, at.as_of, &records[end - 1]);
  }
  records.erase(records.begin() + end, records.end());
  records.erase(records.begin(), records.begin() + first);

  std::set<std::string> seen;
  for (const Evidence& e : out.statement.evidence) {
    if (e.document.empty() || !seen.insert(e.document).second) continue;
    DocumentInfo doc;
    doc.id = e.document;
    absl::StatusOr<Entity> entity = view_.GetEntity(e.document, filter.as_of);
    if (entity.ok()) {
      doc.title = AttributeText(*entity, "title");
      doc.url = AttributeText(*entity, "url");
      doc.date = AttributeText(*entity, "date");
      doc.publisher = AttributeText(*entity, "publisher");
    } else if (!absl::IsNotFound(entity.status())) {
      return entity.status();
    }
    // A document unknown as of as_of keeps only its id: the evidence still
    // names it, and Explain should not fail over a missing title.
    out.documents.push_back(std::move(doc));
  }
  return out;
}

absl::StatusOr<Page<Dispute>> Provenance::ListDisputes(std::string_view entity,
                                                       const Filter& filter, int32_t page_size,
                                                       std::string_view page_token) {
  KG_ASSIGN_OR_RETURN(page_size, PageSize(page_size, "page_size"));

  // The token pins the listing to one transaction time so that later pages
  // answer as of the same moment even while writes go on.
  PageListing listing("ListDisputes");
  listing.Add(entity).Add(filter);
  KG_ASSIGN_OR_RETURN(PageCursor at,
                      StartPage(page_token, listing, filter.as_of, view_.snapshot_time(), 3));
  DisputeCursor cursor;
  if (!page_token.empty()) {
    KG_ASSIGN_OR_RETURN(cursor.phase, at.Int(0));
    KG_ASSIGN_OR_RETURN(cursor.offset, at.Int(1));
    cursor.inner = std::move(at.fields[2]);
  }
  Filter pinned = filter;
  pinned.as_of = at.as_of;

  // The underlying scans, one per phase.
  std::vector<Pattern> phases;
  if (!entity.empty()) {
    KG_RETURN_IF_ERROR(
        query_internal::ResolveEntity(view_, "entity", std::string(entity), pinned.as_of).status());
    Pattern as_subject;
    as_subject.subject = std::string(entity);
    Pattern as_object;
    as_object.object = Value::Entity(std::string(entity));
    phases = {as_subject, as_object};
  } else {
    for (const std::string& predicate : schema_.PredicateNames()) {
      Pattern p;
      p.predicate = predicate;
      phases.push_back(std::move(p));
    }
  }
  if (cursor.phase > static_cast<int64_t>(phases.size())) {
    return absl::InvalidArgumentError("page_token: malformed");
  }

  Page<Dispute> out;
  out.as_of = pinned.as_of;
  int64_t scanned = 0;
  const int32_t inner_limit = std::max<int32_t>(page_size, 100);
  while (cursor.phase < static_cast<int64_t>(phases.size())) {
    if (static_cast<int32_t>(out.items.size()) >= page_size ||
        scanned >= options_.max_statements_scanned) {
      out.next_page_token = EncodePageToken(listing, pinned.as_of, PositionOf(cursor));
      return out;
    }
    const Pattern& pattern = phases[cursor.phase];
    KG_ASSIGN_OR_RETURN(Page<Statement> page,
                        view_.Match(pattern, pinned, inner_limit, cursor.inner));
    if (cursor.offset > static_cast<int64_t>(page.items.size())) {
      return absl::InvalidArgumentError("page_token: malformed");
    }
    for (size_t i = cursor.offset; i < page.items.size(); ++i) {
      if (static_cast<int32_t>(out.items.size()) >= page_size ||
          scanned >= options_.max_statements_scanned) {
        cursor.offset = static_cast<int64_t>(i);
        out.next_page_token = EncodePageToken(listing, pinned.as_of, PositionOf(cursor));
        return out;
      }
      ++scanned;
      Statement& s = page.items[i];
      // As object, skip statements already listed as subject (self-loops).
      if (!entity.empty() && cursor.phase == 1 && s.subject == entity) continue;
      KG_ASSIGN_OR_RETURN(Disputes d, FindDisputes(s, pinned));
      if (d.reasons.empty()) continue;
      Dispute dispute;
      dispute.reasons = std::move(d.reasons);
      dispute.statement = std::move(s);
      dispute.conflicting = std::move(d.conflicting);
      out.items.push_back(std::move(dispute));
    }
    // This inner page is consumed: move to the next one, or the next phase.
    cursor.offset = 0;
    if (page.next_page_token.empty() || page.items.empty()) {
      ++cursor.phase;
      cursor.inner.clear();
    } else {
      cursor.inner = std::move(page.next_page_token);
    }
  }
  return out;
}

}  // namespace kg
