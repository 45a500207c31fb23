// Corroboration: the derived view of a statement over a set of evidence.
//
// Independence rule. Two evidence records belong to the same independent
// source when they come from the same document, when they carry the same
// story (copies of one text under several documents), or when they carry the same
// claimant (entity id, else the normalised anonymous description) and the
// same normalised excerpt (case-folded, diacritics and punctuation removed,
// whitespace collapsed) — a wire story republished by several outlets. The
// relation is closed transitively; each resulting group counts once.
//
// Aggregate confidence. For each group take the highest confidence among its
// supporting records (asserts or claims) and, separately, among its denying
// records. Then
//   support = 1 - prod over groups with support (1 - c_support)
//   denial  = 1 - prod over groups with denials (1 - c_denial)
//   confidence = support * (1 - denial)
// so independent confirmations raise confidence and denials lower it.

#ifndef KGD_STORAGE_CORROBORATION_H_
#define KGD_STORAGE_CORROBORATION_H_

#include <string>
#include <vector>

#include "storage/types.h"

namespace kg {

// Computes the corroboration of `evidence` (all of it; select first).
Corroboration Corroborate(const std::vector<const Evidence*>& evidence);

// Lower-cases, strips diacritics and punctuation, collapses whitespace: the
// form used by alias search and the independence rule. UTF-8 in and out.
std::string NormalizeText(std::string_view text);

}  // namespace kg

#endif  // KGD_STORAGE_CORROBORATION_H_
