#!/usr/bin/python3
"""Generates storage/fold_table.inc, the character table behind kg::NormalizeText.

Usage: /usr/bin/python3 tools/gen_fold_table.py [storage/fold_table.inc]

Every code point gets one action:
  keep  copy the character unchanged (letters and digits that need no folding,
        the marks of scripts whose vowel signs are part of the letter, and
        code points unassigned in this Python's Unicode version);
  drop  remove it without breaking the word: combining diacritical marks,
        Arabic harakat and Hebrew points, format characters (soft hyphen,
        zero-width joiners, direction marks) and apostrophes, so that
        "Nuṣrah" (with a combining dot) is "nusrah" and "Ma'arrat" is "maarrat";
  sep   a word separator: punctuation, symbols, spaces and controls;
  map   replace it by a folded UTF-8 string.

Folding, for letters and digits of the Latin, IPA, Greek, Cyrillic, Armenian,
Georgian and compatibility blocks listed in FOLD_RANGES: NFKD decomposition,
combining marks dropped, case-folded (so ß -> ss, final ς -> σ), repeated until
stable, keeping only letters and digits; plus the letters that carry their
diacritic in the base character and so do not decompose (SPECIAL: ı ł ø đ ...).
Elsewhere letters are only lower-cased (str.lower, which leaves Arabic, Hebrew
and CJK untouched). Cyrillic й/Й keep their breve: it is a letter of its own,
not an accent.

The output is a sorted list of code point ranges; NormalizeText finds a code
point by binary search. Regenerate after a Python (Unicode) upgrade.
"""
import sys
import unicodedata

# Blocks whose letters are folded (decomposed, marks dropped, case-folded).
FOLD_RANGES = [
    (0x0000, 0x058F),  # Latin, IPA, spacing modifiers, Greek, Cyrillic, Armenian
    (0x10A0, 0x10FF),  # Georgian
    (0x1C80, 0x1CBF),  # Cyrillic Extended-C, Georgian Extended
    (0x1D00, 0x1DBF),  # Phonetic extensions
    (0x1E00, 0x1FFF),  # Latin Extended Additional, Greek Extended
    (0x2070, 0x209F),  # superscripts and subscripts
    (0x2100, 0x218F),  # letterlike symbols, number forms
    (0x2460, 0x24FF),  # enclosed alphanumerics
    (0x2C60, 0x2C7F),  # Latin Extended-C
    (0x2D00, 0x2D2F),  # Georgian supplement
    (0xA640, 0xA69F),  # Cyrillic Extended-B
    (0xA720, 0xA7FF),  # Latin Extended-D
    (0xAB30, 0xAB6F),  # Latin Extended-E
    (0xFB00, 0xFB06),  # Latin ligatures ff, fi, fl ...
    (0xFF00, 0xFFEF),  # fullwidth and halfwidth forms
    (0x1D400, 0x1D7FF),  # mathematical alphanumerics
]

# Combining marks dropped (diacritics); other scripts' marks are kept.
DROP_MARK_RANGES = [
    (0x0300, 0x036F),  # combining diacritical marks
    (0x0483, 0x0489),  # Cyrillic combining titlo etc.
    (0x0591, 0x05C7),  # Hebrew points and accents
    (0x0610, 0x061A),  # Arabic signs
    (0x064B, 0x065F),  # Arabic harakat
    (0x0670, 0x0670),  # Arabic superscript alef
    (0x06D6, 0x06ED),  # Quranic annotation marks
    (0x08D3, 0x08FF),  # Arabic extended-A marks
    (0x1AB0, 0x1AFF),  # combining diacritical marks extended
    (0x1DC0, 0x1DFF),  # combining diacritical marks supplement
    (0x20D0, 0x20FF),  # combining marks for symbols
    (0xFE20, 0xFE2F),  # combining half marks
]

# Apostrophes and letter-like apostrophes: removed inside words.
APOSTROPHES = {0x0027, 0x0060, 0x00B4, 0x2018, 0x2019, 0x201B, 0x2032, 0x02B9, 0x02BB,
               0x02BC, 0x02BD, 0x02BE, 0x02BF, 0x02C8, 0xFF07}

# Letters whose diacritic is part of the base character (no decomposition).
SPECIAL = {
    "ı": "i", "ł": "l", "Ł": "l", "ø": "o", "Ø": "o", "đ": "d", "Đ": "d", "ð": "d", "Ð": "d",
    "ħ": "h", "Ħ": "h", "ŧ": "t", "Ŧ": "t", "ƀ": "b", "Ƀ": "b", "ƚ": "l", "Ƚ": "l",
    "ɨ": "i", "Ɨ": "i", "ȷ": "j", "ƒ": "f", "Ƒ": "f", "ɍ": "r", "Ɍ": "r", "ɏ": "y", "Ɏ": "y",
    "æ": "ae", "Æ": "ae", "œ": "oe", "Œ": "oe", "þ": "th", "Þ": "th", "ĸ": "k",
    "ǥ": "g", "Ǥ": "g", "ƶ": "z", "Ƶ": "z", "ȥ": "z", "Ȥ": "z", "ꝁ": "k", "Ꝁ": "k",
}

# Kept as they are (lower-cased) although they decompose.
NO_DECOMPOSE = {"й": "й", "Й": "й"}


def in_ranges(cp, ranges):
    return any(lo <= cp <= hi for lo, hi in ranges)


def strip_marks(s):
    return "".join(c for c in s if not unicodedata.category(c).startswith("M"))


def fold(ch):
    if ch in NO_DECOMPOSE:
        return NO_DECOMPOSE[ch]
    s = ch
    for _ in range(4):  # NFKD and case folding converge in one or two rounds
        t = "".join(SPECIAL.get(c, c) for c in strip_marks(unicodedata.normalize("NFKD", s)))
        t = t.casefold()
        if t == s:
            break
        s = t
    return "".join(c for c in s
                   if unicodedata.category(c)[0] in "LN" and ord(c) not in APOSTROPHES)


def action(cp):
    """Returns ('keep'|'drop'|'sep', None) or ('map', utf8 bytes)."""
    ch = chr(cp)
    cat = unicodedata.category(ch)
    if cp in APOSTROPHES:
        return ("drop", None)
    if cat[0] == "M":
        return ("drop", None) if in_ranges(cp, DROP_MARK_RANGES) else ("keep", None)
    if cat == "Cf":
        return ("drop", None)
    if cat == "Cn":
        return ("keep", None)
    if cat[0] in "LN":
        if in_ranges(cp, FOLD_RANGES):
            out = fold(ch)
            if not out:  # only apostrophe-like letters fold to nothing
                return ("drop", None)
        else:
            out = ch.lower()
        return ("keep", None) if out == ch else ("map", out.encode("utf-8"))
    return ("sep", None)


KIND = {"keep": 0, "sep": 1, "drop": 2, "map": 3}


def main():
    out_path = sys.argv[1] if len(sys.argv) > 1 else "storage/fold_table.inc"
    ranges = []  # [first, last, kind, pool offset, length]
    pool = bytearray()
    pool_index = {}
    for cp in range(0x80, 0x110000):
        if 0xD800 <= cp <= 0xDFFF:
            kind, data = "sep", None  # surrogates never decode; keep ranges contiguous
        else:
            kind, data = action(cp)
        off = ln = 0
        if kind == "map":
            if data not in pool_index:
                pool_index[data] = len(pool)
                pool.extend(data)
            off, ln = pool_index[data], len(data)
            assert ln < 256 and len(pool) < 65536
        if ranges and kind != "map" and ranges[-1][2] == KIND[kind] and ranges[-1][1] == cp - 1:
            ranges[-1][1] = cp
        else:
            ranges.append([cp, cp, KIND[kind], off, ln])

    # Folding is idempotent: every replacement consists of characters that
    # are themselves kept (NormalizeText(NormalizeText(x)) == NormalizeText(x)).
    for first, last, kind, off, ln in ranges:
        if kind == KIND["map"]:
            for c in bytes(pool[off:off + ln]).decode("utf-8"):
                ok = (c.islower() or c.isdigit()) if ord(c) < 0x80 else action(ord(c))[0] == "keep"
                assert ok, "U+%04X folds to %r, which is not kept" % (first, c)

    with open(out_path, "w", encoding="utf-8") as f:
        f.write("// Generated by tools/gen_fold_table.py from Python's unicodedata\n")
        f.write("// (Unicode %s). DO NOT EDIT; rerun:\n" % unicodedata.unidata_version)
        f.write("//   /usr/bin/python3 tools/gen_fold_table.py storage/fold_table.inc\n")
        f.write("// Code points from U+0080 in sorted, contiguous ranges; ASCII is handled\n")
        f.write("// inline by NormalizeText. kind: 0 keep, 1 separator, 2 drop, 3 map to\n")
        f.write("// kFoldPool[offset, offset + length).\n\n")
        f.write("inline constexpr FoldRange kFoldRanges[] = {\n")
        for first, last, kind, off, ln in ranges:
            f.write("    {0x%X, 0x%X, %d, %d, %d},\n" % (first, last, kind, ln, off))
        f.write("};\n\n")
        f.write("inline constexpr char kFoldPool[] =\n")
        for i in range(0, len(pool), 24):
            chunk = pool[i:i + 24]
            f.write('    "' + "".join("\\x%02x" % b for b in chunk) + '"\n')
        f.write("    ;\n")
    print("%s: %d ranges, %d pool bytes" % (out_path, len(ranges), len(pool)), file=sys.stderr)


if __name__ == "__main__":
    main()
