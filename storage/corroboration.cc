// kg::Corroborate: independence groups and the aggregate confidence, as
// specified in corroboration.h.
//
// Cost: O(n log n) in the number of evidence records given (a statement's
// evidence), plus one NormalizeText per excerpt and anonymous claimant.

#include "storage/corroboration.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace kg {
namespace {

// Union-find over evidence indexes, with path halving and union by size.
class DisjointSets final {
 public:
  explicit DisjointSets(size_t n) : parent_(n), size_(n, 1) {
    std::iota(parent_.begin(), parent_.end(), size_t{0});
  }

  size_t Find(size_t x) {
    while (parent_[x] != x) {
      parent_[x] = parent_[parent_[x]];
      x = parent_[x];
    }
    return x;
  }

  void Union(size_t a, size_t b) {
    a = Find(a);
    b = Find(b);
    if (a == b) return;
    if (size_[a] < size_[b]) std::swap(a, b);
    parent_[b] = a;
    size_[a] += size_[b];
  }

 private:
  std::vector<size_t> parent_;
  std::vector<size_t> size_;
};

// Confidence clamped to [0, 1]; NaN counts as 0.
double Clamp01(double c) {
  if (!(c > 0)) return 0;
  return c > 1 ? 1 : c;
}

// Joins `i` with the first index seen under `key`.
void JoinOnKey(std::unordered_map<std::string, size_t>* first, std::string key, size_t i,
               DisjointSets* sets) {
  auto [it, inserted] = first->try_emplace(std::move(key), i);
  if (!inserted) sets->Union(it->second, i);
}

}  // namespace

Corroboration Corroborate(const std::vector<const Evidence*>& evidence) {
  Corroboration c;
  std::vector<const Evidence*> records;
  records.reserve(evidence.size());
  for (const Evidence* e : evidence) {
    if (e != nullptr) records.push_back(e);
  }
  const size_t n = records.size();
  c.evidence_count = static_cast<int32_t>(n);
  if (n == 0) return c;

  DisjointSets sets(n);
  std::unordered_map<std::string, size_t> by_document;
  std::unordered_map<std::string, size_t> by_story;
  std::unordered_map<std::string, size_t> by_claim;
  std::unordered_set<std::string> publishers;
  std::unordered_set<std::string> claimants;
  for (size_t i = 0; i < n; ++i) {
    const Evidence& e = *records[i];
    if (!e.document.empty()) JoinOnKey(&by_document, e.document, i, &sets);
    if (!e.story.empty()) JoinOnKey(&by_story, e.story, i, &sets);

    // The claimant: its entity id, else its normalised description. The two
    // namespaces are kept apart by a one-letter prefix.
    std::string claimant;
    if (!e.claimant.empty()) {
      claimant = "e:" + e.claimant;
    } else {
      std::string description = NormalizeText(e.claimant_description);
      if (!description.empty()) claimant = "d:" + description;
    }
    if (!claimant.empty()) claimants.insert(claimant);
    if (!e.publisher.empty()) publishers.insert(e.publisher);

    // The same words from the same claimant are one source however many
    // outlets carry them. An unattributed excerpt has the empty claimant, so
    // identical unattributed quotes are also one source.
    if (!e.excerpt.empty()) {
      std::string excerpt = NormalizeText(e.excerpt);
      if (!excerpt.empty()) {
        claimant += '\0';
        claimant += excerpt;
        JoinOnKey(&by_claim, std::move(claimant), i, &sets);
      }
    }

    if (e.stance == Stance::kDenies) {
      ++c.denying;
    } else {
      ++c.supporting;
    }
    if (!e.reported_on.empty()) {
      if (c.first_reported.empty() || e.reported_on < c.first_reported) {
        c.first_reported = e.reported_on;
      }
      if (c.last_reported.empty() || e.reported_on > c.last_reported) {
        c.last_reported = e.reported_on;
      }
    }
  }

  // Per group (indexed by its root): the highest supporting and the highest
  // denying confidence, -1 when the group has no record of that stance.
  // Visited in index order, so the products below are deterministic.
  struct Group {
    double support = -1;
    double denial = -1;
  };
  std::vector<Group> groups(n);
  for (size_t i = 0; i < n; ++i) {
    const Evidence& e = *records[i];
    Group& g = groups[sets.Find(i)];
    double& slot = e.stance == Stance::kDenies ? g.denial : g.support;
    slot = std::max(slot, Clamp01(e.confidence));
  }

  int32_t group_count = 0;
  double no_support = 1;  // prod over groups with support of (1 - c_support)
  double no_denial = 1;   // prod over groups with denials of (1 - c_denial)
  for (size_t i = 0; i < n; ++i) {
    if (sets.Find(i) != i) continue;
    ++group_count;
    if (groups[i].support >= 0) no_support *= 1 - groups[i].support;
    if (groups[i].denial >= 0) no_denial *= 1 - groups[i].denial;
  }
  const double support = 1 - no_support;
  const double denial = 1 - no_denial;

  c.independent_sources = group_count;
  c.publishers = static_cast<int32_t>(publishers.size());
  c.claimants = static_cast<int32_t>(claimants.size());
  c.confidence = std::clamp(support * (1 - denial), 0.0, 1.0);
  c.disputed = c.denying > 0;
  return c;
}

}  // namespace kg
