#include "interop/stix_ids.h"

#include <cstdint>
#include <cstring>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

namespace kg::interop::stix {
namespace {

// kgd's UUID namespace: Uuid5 of the URL namespace (RFC 4122 appendix C)
// and "urn:kgd:stix".
// af8b2c5e-92bf-518c-8666-94946ac9028e.
constexpr uint8_t kNamespace[16] = {0xaf, 0x8b, 0x2c, 0x5e, 0x92, 0xbf, 0x51, 0x8c,
                                    0x86, 0x66, 0x94, 0x94, 0x6a, 0xc9, 0x02, 0x8e};

uint32_t Rotl(uint32_t x, int n) { return (x << n) | (x >> (32 - n)); }

// SHA-1 (FIPS 180-4), for RFC 4122 name-based UUIDs only.
void Sha1(const std::string& message, uint8_t out[20]) {
  uint32_t h[5] = {0x67452301, 0xEFCDAB89, 0x98BADCFE, 0x10325476, 0xC3D2E1F0};
  std::string m = message;
  const uint64_t bits = static_cast<uint64_t>(message.size()) * 8;
  m.push_back(static_cast<char>(0x80));
  while (m.size() % 64 != 56) m.push_back('\0');
  for (int i = 7; i >= 0; --i) m.push_back(static_cast<char>((bits >> (i * 8)) & 0xff));
  for (size_t block = 0; block < m.size(); block += 64) {
    uint32_t w[80];
    for (int i = 0; i < 16; ++i) {
      const auto* p = reinterpret_cast<const uint8_t*>(m.data() + block + i * 4);
      w[i] = (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | p[3];
    }
    for (int i = 16; i < 80; ++i) w[i] = Rotl(w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16], 1);
    uint32_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4];
    for (int i = 0; i < 80; ++i) {
      uint32_t f, k;
      if (i < 20) {
        f = (b & c) | (~b & d);
        k = 0x5A827999;
      } else if (i < 40) {
        f = b ^ c ^ d;
        k = 0x6ED9EBA1;
      } else if (i < 60) {
        f = (b & c) | (b & d) | (c & d);
        k = 0x8F1BBCDC;
      } else {
        f = b ^ c ^ d;
        k = 0xCA62C1D6;
      }
      const uint32_t t = Rotl(a, 5) + f + e + k + w[i];
      e = d;
      d = c;
      c = Rotl(b, 30);
      b = a;
      a = t;
    }
    h[0] += a;
    h[1] += b;
    h[2] += c;
    h[3] += d;
    h[4] += e;
  }
  for (int i = 0; i < 5; ++i) {
    for (int j = 0; j < 4; ++j) out[i * 4 + j] = static_cast<uint8_t>(h[i] >> (24 - j * 8));
  }
}

bool IsHex(absl::string_view s) {
  for (char c : s) {
    if (!absl::ascii_isxdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

}  // namespace

std::string Uuid5(absl::string_view name) {
  std::string input(reinterpret_cast<const char*>(kNamespace), sizeof(kNamespace));
  input.append(name.data(), name.size());
  uint8_t digest[20];
  Sha1(input, digest);
  digest[6] = static_cast<uint8_t>((digest[6] & 0x0f) | 0x50);
  digest[8] = static_cast<uint8_t>((digest[8] & 0x3f) | 0x80);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (int i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out.push_back('-');
    out.push_back(kHex[digest[i] >> 4]);
    out.push_back(kHex[digest[i] & 0xf]);
  }
  return out;
}

std::string IdFor(absl::string_view type, absl::string_view name) {
  return absl::StrCat(type, "--", Uuid5(name));
}

absl::string_view TypeOfId(absl::string_view id) {
  const size_t at = id.find("--");
  return at == absl::string_view::npos ? absl::string_view() : id.substr(0, at);
}

bool IsStixId(absl::string_view id) {
  const size_t at = id.find("--");
  if (at == absl::string_view::npos || at < 3 || at > 250) return false;
  const absl::string_view type = id.substr(0, at);
  if (type.front() == '-' || type.back() == '-') return false;
  for (char c : type) {
    if (!(absl::ascii_islower(static_cast<unsigned char>(c)) ||
          absl::ascii_isdigit(static_cast<unsigned char>(c)) || c == '-')) {
      return false;
    }
  }
  const absl::string_view u = id.substr(at + 2);
  if (u.size() != 36 || u[8] != '-' || u[13] != '-' || u[18] != '-' || u[23] != '-') return false;
  if (!IsHex(u.substr(0, 8)) || !IsHex(u.substr(9, 4)) || !IsHex(u.substr(14, 4)) ||
      !IsHex(u.substr(19, 4)) || !IsHex(u.substr(24))) {
    return false;
  }
  return true;
}

}  // namespace kg::interop::stix
