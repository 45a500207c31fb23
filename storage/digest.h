// The evidence id: a 128-bit digest of the fields that make one claim.
//
// The digest is MurmurHash3_x64_128 (seed 0, Austin Appleby's public-domain
// algorithm) over the length-prefixed concatenation of: the statement's
// subject id, predicate, object type and lexical form, then the evidence's
// document, publisher, claimant, claimant_description, excerpt, span_begin,
// span_end, stance and extractor, and the story when it is not empty.
// Confidence, grading and reported_on are not
// part of it: re-sending a claim with a corrected grade is the same claim.
// DO NOT CHANGE: ids are stored and handed to clients.

#ifndef KGD_STORAGE_DIGEST_H_
#define KGD_STORAGE_DIGEST_H_

#include <string>
#include <string_view>

#include "storage/types.h"

namespace kg {

// MurmurHash3_x64_128 of `data`, as 16 bytes (h1 then h2, big-endian).
std::string Murmur3x128(std::string_view data);

// 16 raw bytes; the API shows them as 32 lower-case hex digits.
std::string EvidenceDigest(std::string_view subject, std::string_view predicate,
                           const Value& object, const Evidence& e);

}  // namespace kg

#endif  // KGD_STORAGE_DIGEST_H_
