#include "storage/digest.h"

#include <cstdint>
#include <cstring>

#include "storage/codec.h"

namespace kg {
namespace {

inline uint64_t Rotl(uint64_t x, int r) { return (x << r) | (x >> (64 - r)); }

inline uint64_t Fmix(uint64_t k) {
  k ^= k >> 33;
  k *= 0xff51afd7ed558ccdULL;
  k ^= k >> 33;
  k *= 0xc4ceb9fe1a85ec53ULL;
  k ^= k >> 33;
  return k;
}

inline uint64_t Load64(const unsigned char* p) {
  uint64_t v;
  std::memcpy(&v, p, 8);
  return v;  // little-endian machines only, as the reference code
}

}  // namespace

std::string Murmur3x128(std::string_view data) {
  const auto* p = reinterpret_cast<const unsigned char*>(data.data());
  const size_t len = data.size();
  const size_t nblocks = len / 16;
  uint64_t h1 = 0, h2 = 0;
  const uint64_t c1 = 0x87c37b91114253d5ULL, c2 = 0x4cf5ad432745937fULL;
  for (size_t i = 0; i < nblocks; ++i) {
    uint64_t k1 = Load64(p + i * 16), k2 = Load64(p + i * 16 + 8);
    k1 *= c1, k1 = Rotl(k1, 31), k1 *= c2, h1 ^= k1;
    h1 = Rotl(h1, 27), h1 += h2, h1 = h1 * 5 + 0x52dce729;
    k2 *= c2, k2 = Rotl(k2, 33), k2 *= c1, h2 ^= k2;
    h2 = Rotl(h2, 31), h2 += h1, h2 = h2 * 5 + 0x38495ab5;
  }
  const unsigned char* tail = p + nblocks * 16;
  uint64_t k1 = 0, k2 = 0;
  switch (len & 15) {
    case 15:
      k2 ^= static_cast<uint64_t>(tail[14]) << 48;
      [[fallthrough]];
    case 14:
      k2 ^= static_cast<uint64_t>(tail[13]) << 40;
      [[fallthrough]];
    case 13:
      k2 ^= static_cast<uint64_t>(tail[12]) << 32;
      [[fallthrough]];
    case 12:
      k2 ^= static_cast<uint64_t>(tail[11]) << 24;
      [[fallthrough]];
    case 11:
      k2 ^= static_cast<uint64_t>(tail[10]) << 16;
      [[fallthrough]];
    case 10:
      k2 ^= static_cast<uint64_t>(tail[9]) << 8;
      [[fallthrough]];
    case 9:
      k2 ^= static_cast<uint64_t>(tail[8]);
      k2 *= c2, k2 = Rotl(k2, 33), k2 *= c1, h2 ^= k2;
      [[fallthrough]];
    case 8:
      k1 ^= static_cast<uint64_t>(tail[7]) << 56;
      [[fallthrough]];
    case 7:
      k1 ^= static_cast<uint64_t>(tail[6]) << 48;
      [[fallthrough]];
    case 6:
      k1 ^= static_cast<uint64_t>(tail[5]) << 40;
      [[fallthrough]];
    case 5:
      k1 ^= static_cast<uint64_t>(tail[4]) << 32;
      [[fallthrough]];
    case 4:
      k1 ^= static_cast<uint64_t>(tail[3]) << 24;
      [[fallthrough]];
    case 3:
      k1 ^= static_cast<uint64_t>(tail[2]) << 16;
      [[fallthrough]];
    case 2:
      k1 ^= static_cast<uint64_t>(tail[1]) << 8;
      [[fallthrough]];
    case 1:
      k1 ^= static_cast<uint64_t>(tail[0]);
      k1 *= c1, k1 = Rotl(k1, 31), k1 *= c2, h1 ^= k1;
  }
  h1 ^= len, h2 ^= len;
  h1 += h2, h2 += h1;
  h1 = Fmix(h1), h2 = Fmix(h2);
  h1 += h2, h2 += h1;
  std::string out;
  codec::PutFixed64(&out, h1);
  codec::PutFixed64(&out, h2);
  return out;
}

std::string EvidenceDigest(std::string_view subject, std::string_view predicate,
                           const Value& object, const Evidence& e) {
  std::string in;
  codec::PutString(&in, subject);
  codec::PutString(&in, predicate);
  in.push_back(static_cast<char>(object.type));
  codec::PutString(&in, object.lexical);
  codec::PutString(&in, e.document);
  codec::PutString(&in, e.publisher);
  codec::PutString(&in, e.claimant);
  codec::PutString(&in, e.claimant_description);
  codec::PutString(&in, e.excerpt);
  codec::PutFixed64(&in, static_cast<uint64_t>(static_cast<int64_t>(e.span_begin)));
  codec::PutFixed64(&in, static_cast<uint64_t>(static_cast<int64_t>(e.span_end)));
  in.push_back(static_cast<char>(e.stance));
  codec::PutString(&in, e.extractor);
  // Appended only when set, so ids of records without a story never change.
  if (!e.story.empty()) codec::PutString(&in, e.story);
  return Murmur3x128(in);
}

}  // namespace kg
