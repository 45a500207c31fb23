// Reads every page of a paginated kgd listing, up to a limit.

#ifndef KGD_CLIENT_PAGING_H_
#define KGD_CLIENT_PAGING_H_

#include <cstdint>
#include <functional>
#include <vector>

#include "google/protobuf/repeated_ptr_field.h"
#include "grpcpp/grpcpp.h"

namespace kg::cli {

// A bound on the pages of one listing, whatever the server answers, so a
// server that kept returning tokens could not loop the CLI forever.
inline constexpr int kMaxPages = 1'000'000;

// Calls `call` page after page, appending each page's items to *out until the
// listing ends or `limit` items were taken (0 = no limit). *more is set when
// items were left unread because of the limit.
template <typename Req, typename Resp, typename Item>
grpc::Status FetchPages(
    Req req, int64_t limit, const std::function<grpc::Status(const Req&, Resp*)>& call,
    const std::function<google::protobuf::RepeatedPtrField<Item>*(Resp*)>& items,
    std::vector<Item>* out, bool* more) {
  *more = false;
  for (int page = 0; page < kMaxPages; ++page) {
    Resp resp;
    grpc::Status s = call(req, &resp);
    if (!s.ok()) return s;
    for (Item& item : *items(&resp)) {
      if (limit > 0 && static_cast<int64_t>(out->size()) >= limit) {
        *more = true;
        return grpc::Status::OK;
      }
      out->push_back(std::move(item));
    }
    if (resp.next_page_token().empty()) return grpc::Status::OK;
    if (limit > 0 && static_cast<int64_t>(out->size()) >= limit) {
      *more = true;
      return grpc::Status::OK;
    }
    req.set_page_token(resp.next_page_token());
  }
  *more = true;
  return grpc::Status::OK;
}

}  // namespace kg::cli

#endif  // KGD_CLIENT_PAGING_H_
