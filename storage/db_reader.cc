#include "storage/db_reader.h"

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "storage/status_macros.h"
#include "storage/validation.h"

namespace kg {

DbReader::BorrowedIterator DbReader::Borrow(int cf) const {
  const size_t i = static_cast<size_t>(cf);
  if (i < spare_.size() && spare_[i] != nullptr) return {this, cf, std::move(spare_[i])};
  return {this, cf, NewIterator(cf)};
}

void DbReader::GiveBack(int cf, std::unique_ptr<KvIterator> it) const {
  if (snapshot_ == nullptr || it == nullptr || !it->status().ok()) return;
  const size_t i = static_cast<size_t>(cf);
  if (spare_.empty()) spare_.resize(codec::kNumCfs);
  if (spare_[i] == nullptr) spare_[i] = std::move(it);
}

absl::StatusOr<std::optional<TermId>> DbReader::FindTerm(std::string_view term) const {
  return h_.dict->Find(term, snapshot_);
}

absl::StatusOr<Value> DbReader::TermValue(TermId id) const {
  absl::StatusOr<std::string> term = h_.dict->TermOf(id, snapshot_);
  if (!term.ok()) return term.status();
  bool is_predicate;
  return codec::DecodeTerm(*term, &is_predicate);
}

namespace {

absl::StatusOr<std::string> EntityIdOf(TermId id, absl::StatusOr<Value> v) {
  if (!v.ok()) return v.status();
  if (!v->is_entity())
    return absl::InvalidArgumentError(absl::StrCat("term ", id, " is not an entity"));
  return std::move(v->lexical);
}

}  // namespace

absl::StatusOr<std::string> DbReader::EntityId(TermId id) const {
  return EntityIdOf(id, TermValue(id));
}

absl::Status DbReader::FillTriple(const codec::Triple& t, Statement* st) const {
  const TermId ids[] = {t.s, t.p, t.o};
  KG_ASSIGN_OR_RETURN(std::vector<std::string> terms, h_.dict->TermsOf(ids, snapshot_));
  bool is_predicate;
  KG_ASSIGN_OR_RETURN(st->subject, EntityIdOf(t.s, codec::DecodeTerm(terms[0], &is_predicate)));
  KG_ASSIGN_OR_RETURN(Value p, codec::DecodeTerm(terms[1], &is_predicate));
  st->predicate = std::move(p.lexical);
  KG_ASSIGN_OR_RETURN(st->object, codec::DecodeTerm(terms[2], &is_predicate));
  return absl::OkStatus();
}

absl::StatusOr<std::optional<EntityVersion>> DbReader::EntityAt(TermId id, TxTime as_of) const {
  BorrowedIterator it = Borrow(codec::kEnt);
  std::string prefix = codec::EntityPrefix(id);
  it->Seek(codec::EntityKey(id, as_of));
  if (!it->Valid()) {
    if (!it->status().ok()) return WithContext(it->status(), "read entity");
    return std::nullopt;
  }
  if (!it->key().starts_with(prefix)) return std::nullopt;
  absl::StatusOr<codec::EntityRecord> rec = codec::DecodeEntity(it->value());
  if (!rec.ok()) return rec.status();
  EntityVersion v{std::move(*rec), codec::EntityKeyTx(it->key())};
  v.record.entity.updated_at = v.tx;
  return v;
}

absl::StatusOr<std::optional<codec::StatementRecord>> DbReader::StatementAt(StatementId sid) const {
  absl::StatusOr<std::optional<std::string>> raw = Get(codec::kStmt, codec::StatementKey(sid));
  if (!raw.ok()) return raw.status();
  if (!raw->has_value()) return std::nullopt;
  absl::StatusOr<codec::StatementRecord> rec = codec::DecodeStatement(**raw);
  if (!rec.ok()) return rec.status();
  return std::move(*rec);
}

absl::StatusOr<Evidence> DecodeEvidenceEntry(std::string_view key, std::string_view value) {
  absl::StatusOr<Evidence> e = codec::DecodeEvidence(value);
  if (!e.ok()) return e.status();
  if (key.size() != 8 + codec::kDigestSize) return absl::DataLossError("corrupt evidence key");
  std::string_view digest = key.substr(8);
  e->id = absl::BytesToHexString(absl::string_view(digest.data(), digest.size()));
  return e;
}

absl::StatusOr<std::vector<Evidence>> DbReader::EvidenceOf(StatementId sid, TxTime as_of) const {
  std::vector<Evidence> out;
  std::string prefix = codec::EvidencePrefix(sid);
  BorrowedIterator it = Borrow(codec::kEv);
  for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) {
    absl::StatusOr<Evidence> e = DecodeEvidenceEntry(it->key(), it->value());
    if (!e.ok()) return e.status();
    out.push_back(EvidenceAsOf(std::move(*e), as_of));
  }
  if (!it->status().ok()) return WithContext(it->status(), "read evidence");
  return out;
}

absl::StatusOr<std::optional<codec::IndexValue>> DbReader::IndexAt(codec::IndexOrder order,
                                                                   const codec::Triple& t,
                                                                   StatementId sid) const {
  absl::StatusOr<std::optional<std::string>> raw =
      Get(codec::IndexCf(order), codec::IndexKey(order, t, sid));
  if (!raw.ok()) return raw.status();
  if (!raw->has_value()) return std::nullopt;
  absl::StatusOr<codec::IndexValue> v = codec::DecodeIndexValue(**raw);
  if (!v.ok()) return v.status();
  return std::move(*v);
}

absl::StatusOr<uint64_t> DbReader::Counter(std::string_view key) const {
  absl::StatusOr<std::optional<std::string>> raw = Get(codec::kMeta, key);
  if (!raw.ok()) return raw.status();
  if (!raw->has_value()) return 0;
  if ((*raw)->size() != 8)
    return absl::DataLossError(absl::StrCat("corrupt meta counter ", std::string(key)));
  return codec::DecodeFixed64((*raw)->data());
}

}  // namespace kg
