#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <string_view>

#include "storage/corroboration.h"

namespace kg {
namespace {

TEST(NormalizeTextTest, FoldsCaseDiacriticsAndPunctuation) {
  EXPECT_EQ(NormalizeText("Jabhat al-Nuṣrah"), "jabhat al nusrah");
  EXPECT_EQ(NormalizeText("Kafr Nabl"), "kafr nabl");
  EXPECT_EQ(NormalizeText("ÇANAKKALE"), "canakkale");
  EXPECT_EQ(NormalizeText("  Khan   Sheikhoun, Idlib!  "), "khan sheikhoun idlib");
  EXPECT_EQ(NormalizeText("Hay'at Tahrir al-Sham"), "hayat tahrir al sham");
  EXPECT_EQ(NormalizeText("Ma’arrat al-Nu‘man"), "maarrat al numan");
  EXPECT_EQ(NormalizeText("Syria’s Idlib"), "syrias idlib");
  EXPECT_EQ(NormalizeText("“Over the past two days…”"), "over the past two days");
  EXPECT_EQ(NormalizeText("180,000 IDPs"), "180 000 idps");
}

TEST(NormalizeTextTest, DecomposedMarksAreDropped) {
  // "Nuṣrah" with U+0323 COMBINING DOT BELOW after a plain s.
  EXPECT_EQ(NormalizeText("Nus\xCC\xA3rah"), "nusrah");
  EXPECT_EQ(NormalizeText("Ame\xCC\x81lie"), "amelie");
}

TEST(NormalizeTextTest, SpecialLetters) {
  EXPECT_EQ(NormalizeText("Straße"), "strasse");
  EXPECT_EQ(NormalizeText("Diyarbakır"), "diyarbakir");
  EXPECT_EQ(NormalizeText("İSTANBUL"), "istanbul");
  EXPECT_EQ(NormalizeText("Łódź"), "lodz");
  EXPECT_EQ(NormalizeText("Søren Ærø"), "soren aero");
  EXPECT_EQ(NormalizeText("Đorđe"), "dorde");
  EXPECT_EQ(NormalizeText("ﬁnal"), "final");
  EXPECT_EQ(NormalizeText("ＡＢＣ１２"), "abc12");
  EXPECT_EQ(NormalizeText("Nguyễn Tấn Dũng"), "nguyen tan dung");
}

TEST(NormalizeTextTest, GreekAndCyrillicAreLowerCasedAndFolded) {
  EXPECT_EQ(NormalizeText("ΑΘΉΝΑ"), "αθηνα");
  EXPECT_EQ(NormalizeText("Σίσυφος"), "σισυφοσ");  // final sigma folds to sigma
  EXPECT_EQ(NormalizeText("МОСКВА"), "москва");
  EXPECT_EQ(NormalizeText("Ёлка"), "елка");
  EXPECT_EQ(NormalizeText("Кащей Бессмертный"), "кащей бессмертный");  // й keeps its breve
}

TEST(NormalizeTextTest, ArabicTextIsUntouched) {
  EXPECT_EQ(NormalizeText("هيئة تحرير الشام"), "هيئة تحرير الشام");
  EXPECT_EQ(NormalizeText("إدلب"), "إدلب");
  EXPECT_EQ(NormalizeText("جبهة النصرة، إدلب"), "جبهة النصرة إدلب");  // Arabic comma separates
  // Harakat (short-vowel marks) are diacritics and go.
  EXPECT_EQ(NormalizeText("إِدْلِب"), "إدلب");
  EXPECT_EQ(NormalizeText("中文 日本語"), "中文 日本語");
}

TEST(NormalizeTextTest, FormatCharactersVanish) {
  EXPECT_EQ(NormalizeText("Ham\xC2\xADma"), "hamma");                  // soft hyphen
  EXPECT_EQ(NormalizeText("\xE2\x80\x8Fidlib\xE2\x80\x8E"), "idlib");  // RLM, LRM
  EXPECT_EQ(NormalizeText("\xEF\xBB\xBFHama"), "hama");                // BOM
}

TEST(NormalizeTextTest, EmptyAndPunctuationOnly) {
  EXPECT_EQ(NormalizeText(""), "");
  EXPECT_EQ(NormalizeText("  -- !! ,, "), "");
  EXPECT_EQ(NormalizeText("\t\nx\r\n"), "x");
}

TEST(NormalizeTextTest, InvalidUtf8DoesNotCrash) {
  EXPECT_EQ(NormalizeText("ab\xFF"
                          "cd"),
            "ab cd");
  EXPECT_EQ(NormalizeText("\x80\x80\x80"), "");
  EXPECT_EQ(NormalizeText("x\xC3"), "x");  // truncated sequence
  EXPECT_EQ(NormalizeText("\xC0\xAF"
                          "a"),
            "a");                                      // overlong '/'
  EXPECT_EQ(NormalizeText("\xED\xA0\x80z"), "z");      // UTF-16 surrogate
  EXPECT_EQ(NormalizeText("\xF4\x90\x80\x80q"), "q");  // past U+10FFFF
  std::string all_bytes;
  for (int i = 0; i < 256; ++i) all_bytes += static_cast<char>(i);
  const std::string out = NormalizeText(all_bytes);
  EXPECT_EQ(out.substr(0, 10), "0123456789");
  EXPECT_EQ(NormalizeText(out), out);
}

void AppendUtf8(uint32_t cp, std::string* out) {
  if (cp < 0x80) {
    *out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    *out += static_cast<char>(0xC0 | (cp >> 6));
    *out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    *out += static_cast<char>(0xE0 | (cp >> 12));
    *out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    *out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    *out += static_cast<char>(0xF0 | (cp >> 18));
    *out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    *out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    *out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

bool IsValidUtf8(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    const unsigned char b = static_cast<unsigned char>(s[i]);
    const size_t n = b < 0x80 ? 1 : (b >> 5) == 6 ? 2 : (b >> 4) == 14 ? 3 : (b >> 3) == 30 ? 4 : 0;
    if (n == 0 || i + n > s.size()) return false;
    for (size_t k = 1; k < n; ++k) {
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
    }
    i += n;
  }
  return true;
}

// Every code point of every plane, and random garbage bytes: the output is
// valid UTF-8 with single inner spaces, and normalising it again changes
// nothing.
TEST(NormalizeTextTest, AllCodePointsAndGarbage) {
  std::string all;
  for (uint32_t cp = 1; cp <= 0x10FFFF; ++cp) {
    if (cp >= 0xD800 && cp <= 0xDFFF) continue;
    AppendUtf8(cp, &all);
    if (cp % 7 == 0) all += ' ';
  }
  uint64_t x = 88172645463325252ull;
  for (int i = 0; i < 100000; ++i) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    all += static_cast<char>(x & 0xFF);
  }
  const std::string out = NormalizeText(all);
  EXPECT_TRUE(IsValidUtf8(out));
  EXPECT_EQ(out.find("  "), std::string::npos);
  ASSERT_FALSE(out.empty());
  EXPECT_NE(out.front(), ' ');
  EXPECT_NE(out.back(), ' ');
  EXPECT_EQ(NormalizeText(out), out);
}

TEST(NormalizeTextTest, IsIdempotent) {
  for (const char* s : {"Jabhat al-Nuṣrah", "ÇANAKKALE", "Straße", "ΑΘΉΝΑ", "هيئة تحرير الشام",
                        "Ǆemal ǅ ǆ", "Ⅻ ① ²"}) {
    const std::string once = NormalizeText(s);
    EXPECT_EQ(NormalizeText(once), once) << s;
  }
}

}  // namespace
}  // namespace kg
