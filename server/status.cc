#include "server/status.h"

#include <string>

#include "absl/strings/cord.h"
#include "absl/strings/str_cat.h"
#include "google/rpc/status.pb.h"

namespace kg::server {

grpc::Status ToGrpcStatus(const absl::Status& status) {
  if (status.ok()) return grpc::Status::OK;
  // absl::StatusCode and grpc::StatusCode are both google.rpc.Code.
  const auto code = static_cast<grpc::StatusCode>(status.code());
  google::rpc::Status rich;
  status.ForEachPayload([&](absl::string_view type_url, const absl::Cord& value) {
    google::protobuf::Any* any = rich.add_details();
    any->set_type_url(std::string(type_url));
    any->set_value(std::string(value));
  });
  if (rich.details_size() == 0) return grpc::Status(code, std::string(status.message()));
  rich.set_code(static_cast<int32_t>(code));
  rich.set_message(std::string(status.message()));
  return grpc::Status(code, rich.message(), rich.SerializeAsString());
}

void AddStatusDetail(const google::protobuf::Message& detail, absl::Status* status) {
  status->SetPayload(absl::StrCat("type.googleapis.com/", detail.GetDescriptor()->full_name()),
                     absl::Cord(detail.SerializeAsString()));
}

}  // namespace kg::server
