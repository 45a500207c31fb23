#include "interop/rdf_vocab.h"

#include <cctype>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace kg::interop::rdf {
namespace {

// RFC 3987 excludes these (and controls, and space) from IRIs.
bool NeedsEscape(unsigned char c) {
  return c <= 0x20 || c == '<' || c == '>' || c == '"' || c == '{' || c == '}' || c == '|' ||
         c == '\\' || c == '^' || c == '`' || c == '%' || c == 0x7f;
}

// scheme ":" with nothing an IRI may not hold.
bool IsAbsoluteIri(absl::string_view id) {
  const size_t colon = id.find(':');
  if (colon == absl::string_view::npos || colon == 0 || !std::isalpha(id[0])) return false;
  for (size_t i = 1; i < colon; ++i) {
    const char c = id[i];
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '+' && c != '-' && c != '.') {
      return false;
    }
  }
  for (char c : id) {
    if (NeedsEscape(static_cast<unsigned char>(c)) && c != '%') return false;
  }
  return true;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::string IriOfId(absl::string_view id, absl::string_view base) {
  if (IsAbsoluteIri(id)) return std::string(id);
  std::string iri(base);
  for (char c : id) {
    if (NeedsEscape(static_cast<unsigned char>(c))) {
      absl::StrAppendFormat(&iri, "%%%02X", static_cast<unsigned char>(c));
    } else {
      iri.push_back(c);
    }
  }
  return iri;
}

std::string IdOfIri(absl::string_view iri, absl::string_view base) {
  if (!absl::StartsWith(iri, base) || iri.size() == base.size()) return std::string(iri);
  absl::string_view rest = iri.substr(base.size());
  std::string id;
  for (size_t i = 0; i < rest.size(); ++i) {
    if (rest[i] == '%' && i + 2 < rest.size() && HexValue(rest[i + 1]) >= 0 &&
        HexValue(rest[i + 2]) >= 0) {
      id.push_back(static_cast<char>(HexValue(rest[i + 1]) * 16 + HexValue(rest[i + 2])));
      i += 2;
    } else {
      id.push_back(rest[i]);
    }
  }
  return id;
}

Literal LiteralOf(const v1::Value& value) {
  const auto xsd = [](absl::string_view type) { return absl::StrCat(kXsd, type); };
  switch (value.kind_case()) {
    case v1::Value::kInteger:
      return {absl::StrCat(value.integer()), xsd("integer"), ""};
    case v1::Value::kDecimal:
      return {value.decimal(), xsd("decimal"), ""};
    case v1::Value::kDate: {
      const size_t n = value.date().size();
      return {value.date(), xsd(n == 4 ? "gYear" : n == 7 ? "gYearMonth" : "date"), ""};
    }
    case v1::Value::kBoolean:
      return {value.boolean() ? "true" : "false", xsd("boolean"), ""};
    default:
      return {value.string(), xsd("string"), ""};
  }
}

absl::StatusOr<v1::Value> ValueOf(const Literal& literal) {
  v1::Value value;
  const absl::string_view type = literal.datatype;
  const absl::string_view local =
      absl::StartsWith(type, kXsd) ? type.substr(sizeof(kXsd) - 1) : absl::string_view();
  if (type.empty() || local == "string" || type == kRdfLangString) {
    value.set_string(literal.lexical);
  } else if (local == "integer") {
    int64_t n = 0;
    if (!absl::SimpleAtoi(literal.lexical, &n)) {
      return absl::InvalidArgumentError(absl::StrCat("'", literal.lexical.substr(0, 64),
                                                     "' is not an xsd:integer kgd stores "
                                                     "(64-bit)"));
    }
    value.set_integer(n);
  } else if (local == "decimal") {
    value.set_decimal(literal.lexical);
  } else if (local == "date" || local == "gYear" || local == "gYearMonth") {
    value.set_date(literal.lexical);
  } else if (local == "boolean") {
    if (literal.lexical != "true" && literal.lexical != "false" && literal.lexical != "1" &&
        literal.lexical != "0") {
      return absl::InvalidArgumentError(
          absl::StrCat("'", literal.lexical.substr(0, 64), "' is not an xsd:boolean"));
    }
    value.set_boolean(literal.lexical == "true" || literal.lexical == "1");
  } else {
    return absl::InvalidArgumentError(
        absl::StrCat("literals of datatype <", type.substr(0, 128),
                     "> are not stored (kgd stores xsd:string, integer, decimal, date, gYear, "
                     "gYearMonth and boolean)"));
  }
  return value;
}

}  // namespace kg::interop::rdf
