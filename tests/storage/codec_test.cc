// Record layouts that must stay readable: history records written before
// they carried a count, and the audit record.

#include "storage/codec.h"

#include <gtest/gtest.h>

#include <string>

#include "storage/digest.h"
#include "tests/testing/test_util.h"

namespace kg::codec {
namespace {

// A history record as written before the count existed.
std::string LegacyHistory(uint8_t type, std::string_view principal, StatementId sid,
                          std::string_view evidence_id, std::string_view reason) {
  std::string out(1, '\x01');
  out.push_back(static_cast<char>(type));
  PutString(&out, principal);
  PutString(&out, "");  // entity
  PutFixed64(&out, sid);
  PutString(&out, evidence_id);
  PutString(&out, "");  // other_entity
  PutString(&out, reason);
  return out;
}

TEST(HistoryRecordTest, WithoutCountKeepsTheOldLayout) {
  const std::string old = LegacyHistory(3, "bob", 7, "00ff", "misattributed");
  ASSERT_OK_AND_ASSIGN(HistoryEvent e, DecodeHistory(old));
  EXPECT_EQ(e.type, HistoryEvent::Type::kEvidenceRetracted);
  EXPECT_EQ(e.principal, "bob");
  EXPECT_EQ(e.statement, 7u);
  EXPECT_EQ(e.evidence_id, "00ff");
  EXPECT_EQ(e.reason, "misattributed");
  EXPECT_EQ(e.count, 0);
  EXPECT_EQ(EncodeHistory(e), old);
}

TEST(HistoryRecordTest, PurgeCarriesItsCount) {
  HistoryEvent e;
  e.type = HistoryEvent::Type::kPurged;
  e.principal = "admin";
  e.statement = 9;
  e.reason = "court order";
  e.count = 300;
  const std::string raw = EncodeHistory(e);
  EXPECT_EQ(raw.substr(0, raw.size() - 2), LegacyHistory(6, "admin", 9, "", "court order"));
  ASSERT_OK_AND_ASSIGN(HistoryEvent back, DecodeHistory(raw));
  EXPECT_EQ(back.type, HistoryEvent::Type::kPurged);
  EXPECT_EQ(back.count, 300);
  EXPECT_EQ(back.reason, "court order");

  EXPECT_EQ(DecodeHistory(raw + "x").status().code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ(DecodeHistory(LegacyHistory(7, "admin", 9, "", "")).status().code(),
            absl::StatusCode::kDataLoss);
}

TEST(IndexValueTest, ACompleteSummaryExtendsTheOldLayout) {
  IndexValue v;
  v.live_evidence = 3;
  v.independent_sources = 2;
  v.confidence = 0.85;
  v.last_change = 42;
  v.valid_from = "2013";
  v.intervals = {{10, kLatest}};
  const std::string old = EncodeIndexValue(v);
  ASSERT_OK_AND_ASSIGN(IndexValue partial, DecodeIndexValue(old));
  EXPECT_FALSE(partial.complete);
  EXPECT_EQ(partial.live_evidence, 3);

  v.complete = true;
  v.publishers = 2;
  v.claimants = 1;
  v.supporting = 2;
  v.denying = 1;
  v.first_reported = "2013-05-01";
  v.last_reported = "2013-06-02";
  const std::string raw = EncodeIndexValue(v);
  EXPECT_EQ(raw.substr(0, old.size()), old);
  ASSERT_OK_AND_ASSIGN(IndexValue back, DecodeIndexValue(raw));
  EXPECT_TRUE(back.complete);
  EXPECT_EQ(SummaryCorroboration(back), SummaryCorroboration(v));
  EXPECT_EQ(SummaryCorroboration(back).evidence_count, 3);
  EXPECT_EQ(DecodeIndexValue(raw + "x").status().code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ(DecodeIndexValue(raw.substr(0, raw.size() - 1)).status().code(),
            absl::StatusCode::kDataLoss);
}

TEST(AuditRecordTest, RoundTripAndKeyOrder) {
  AuditRecord r;
  r.principal = "gateway";
  r.on_behalf_of = "alice";
  r.role = "gateway";
  r.authenticated_by = "certificate";
  r.rpc = "kg.v1.IngestService/Assert";
  r.peer = "ipv6:[::1]:4000";
  r.request_bytes = int64_t{5} << 40;
  r.request_sha256 = std::string(64, 'f');
  r.code = -1;
  r.message = "clipped";
  r.at = 123;  // not part of the record: the key holds it
  ASSERT_OK_AND_ASSIGN(AuditRecord back, DecodeAudit(EncodeAudit(r)));
  EXPECT_EQ(back.at, 0);
  back.at = r.at;
  EXPECT_EQ(EncodeAudit(back), EncodeAudit(r));
  EXPECT_EQ(back.request_bytes, r.request_bytes);
  EXPECT_EQ(back.code, -1);
  EXPECT_EQ(DecodeAudit(EncodeAudit(r) + "x").status().code(), absl::StatusCode::kDataLoss);

  EXPECT_LT(AuditKey(255), AuditKey(256));
  TxTime at = 0;
  ASSERT_TRUE(DecodeAuditKey(AuditKey(1700000000000000), &at));
  EXPECT_EQ(at, 1700000000000000);
  EXPECT_FALSE(DecodeAuditKey("short", &at));
}

// Found by fuzz/fuzz_codec: a few bytes claiming 2^24 aliases made the
// decoder allocate them all (512 MiB) before failing; elements are now added
// as they decode.
TEST(EntityRecordTest, LyingCountIsDataLoss) {
  std::string record(1, '\x01');
  PutString(&record, "State");
  PutString(&record, "Turkey");
  PutVarint(&record, 1u << 24);
  PutString(&record, "Ankara");
  EXPECT_EQ(DecodeEntity(record).status().code(), absl::StatusCode::kDataLoss);
}

// Found by fuzz/fuzz_codec: a short entity key was read past its end.
TEST(EvidenceRecordTest, AStoryExtendsTheLayoutAndRoundTrips) {
  Evidence e;
  e.document = "doc/a";
  e.publisher = "outlet/a";
  e.confidence = 0.5;
  const std::string plain = EncodeEvidence(e);
  // Without a story or revisions there is no trailer: the old layout.
  e.story = "gdelt/story/1/12";
  const std::string with_story = EncodeEvidence(e);
  EXPECT_EQ(with_story.substr(0, plain.size()), plain);
  absl::StatusOr<Evidence> back = DecodeEvidence(with_story);
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(back->story, "gdelt/story/1/12");
  EXPECT_TRUE(back->revisions.empty());
  ASSERT_TRUE(DecodeEvidence(plain).ok());
  EXPECT_EQ(DecodeEvidence(plain)->story, "");

  // With revisions too.
  EvidenceRevision r;
  r.at = 7;
  r.by = "analyst";
  r.before = e.grade();
  r.after = e.grade();
  r.after.confidence = 0.9;
  e.revisions.push_back(r);
  e.set_grade(r.after);
  back = DecodeEvidence(EncodeEvidence(e));
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(back->story, "gdelt/story/1/12");
  ASSERT_EQ(back->revisions.size(), 1u);
  EXPECT_EQ(back->confidence, 0.9);

  // An empty trailer is not a layout any writer produces.
  std::string empty_trailer = plain;
  PutVarint(&empty_trailer, 0);
  EXPECT_FALSE(DecodeEvidence(empty_trailer).ok());
  PutString(&empty_trailer, "");
  EXPECT_FALSE(DecodeEvidence(empty_trailer).ok());
}

TEST(EvidenceDigestTest, AStoryIsPartOfTheIdOnlyWhenSet) {
  Evidence e;
  e.document = "doc/a";
  const Value object = Value::Entity("actor/b");
  const std::string without = EvidenceDigest("ev/1", "participant", object, e);
  e.story = "s";
  const std::string with = EvidenceDigest("ev/1", "participant", object, e);
  EXPECT_NE(without, with);
  e.story.clear();
  EXPECT_EQ(EvidenceDigest("ev/1", "participant", object, e), without);
}

TEST(EntityKeyTest, ShortKeyHasNoTime) {
  EXPECT_EQ(EntityKeyTx(EntityKey(7, 1234)), 1234);
  EXPECT_EQ(EntityKeyTx(EntityPrefix(7)), 0);
  EXPECT_EQ(EntityKeyTx(""), 0);
}

}  // namespace
}  // namespace kg::codec
