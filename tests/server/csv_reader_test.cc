// interop/csv_reader.h: RFC 4180 records in any chunking, line numbers of
// records that span lines, and errors that name the line and the field.

#include "interop/csv_reader.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "absl/strings/str_join.h"

namespace kg::interop {
namespace {

struct Read {
  std::vector<std::string> records;  // "line:field|field|..."
  absl::Status status;
};

Read ReadAll(const std::string& text, CsvOptions options, size_t chunk) {
  CsvReader reader(options);
  Read out;
  auto on_record = [&](const std::vector<absl::string_view>& fields, int64_t line) {
    out.records.push_back(absl::StrCat(line, ":", absl::StrJoin(fields, "|")));
    return absl::OkStatus();
  };
  for (size_t at = 0; at < text.size() && out.status.ok(); at += chunk) {
    out.status = reader.Feed(absl::string_view(text).substr(at, chunk), on_record);
  }
  if (out.status.ok()) out.status = reader.Finish(on_record);
  return out;
}

TEST(CsvReaderTest, QuotedFieldsLineBreaksAndChunking) {
  const std::string text =
      "id,text,n\r\n"
      "1,\"a, b\",2\r\n"
      "\n"
      "2,\"two\nlines and \"\"quotes\"\"\",3\n"
      "3,,\n"
      "4,\"\",last";
  const std::vector<std::string> expected = {
      "1:id|text|n", "2:1|a, b|2", "4:2|two\nlines and \"quotes\"|3", "6:3||", "7:4||last"};
  for (size_t chunk : {1, 2, 3, 7, 1000}) {
    SCOPED_TRACE(chunk);
    const Read r = ReadAll(text, CsvOptions(), chunk);
    ASSERT_TRUE(r.status.ok()) << r.status;
    EXPECT_EQ(r.records, expected);
  }
}

TEST(CsvReaderTest, TabsWithoutQuoting) {
  CsvOptions tsv;
  tsv.delimiter = '\t';
  tsv.quoting = false;
  const Read r = ReadAll("a\t\"b\tc\n", tsv, 2);
  ASSERT_TRUE(r.status.ok()) << r.status;
  EXPECT_EQ(r.records, std::vector<std::string>{"1:a|\"b|c"});
}

TEST(CsvReaderTest, ErrorsNameLineAndField) {
  EXPECT_EQ(ReadAll("a,b\nc,d\"e\n", CsvOptions(), 3).status.message(),
            "line 2, column 2: a quote inside an unquoted field (quote the whole field, "
            "doubling quotes)");
  EXPECT_EQ(ReadAll("a,\"b\"x\n", CsvOptions(), 1).status.message(),
            "line 1, column 2: a closing quote not followed by a delimiter or a line break");
  EXPECT_EQ(ReadAll("a\n\"b\nc", CsvOptions(), 4).status.message(),
            "line 3, column 1: a quoted field not closed at the end of the input");
  CsvOptions small;
  small.max_record_bytes = 4;
  EXPECT_EQ(ReadAll("ab\nabcdef\n", small, 2).status.message(),
            "line 2: a record longer than 4 bytes");
  small.max_fields = 2;
  small.max_record_bytes = 100;
  EXPECT_EQ(ReadAll("a,b,c\n", small, 2).status.message(), "line 1, column 3: more than 2 fields");
}

}  // namespace
}  // namespace kg::interop
