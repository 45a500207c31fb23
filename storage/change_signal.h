// ChangeSignal: the store's published change-feed position and the
// listeners told when it advances. Internal to RocksStore.
//
// Thread safety: any thread. Publish calls the listeners outside its lock,
// so a listener may add listeners (or expire) while it is told.

#ifndef KGD_STORAGE_CHANGE_SIGNAL_H_
#define KGD_STORAGE_CHANGE_SIGNAL_H_

#include <memory>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "storage/change_feed.h"

namespace kg {

class ChangeSignal {
 public:
  explicit ChangeSignal(ChangePosition published) : published_(published) {}

  ChangePosition published() const ABSL_LOCKS_EXCLUDED(mu_);
  void Add(std::weak_ptr<ChangeListener> listener) ABSL_LOCKS_EXCLUDED(mu_);
  // Advances the published position to `position` (never back: writers
  // acknowledged out of commit order publish the furthest) and tells the
  // live listeners; expired ones are dropped.
  void Publish(ChangePosition position) ABSL_LOCKS_EXCLUDED(mu_);

 private:
  mutable absl::Mutex mu_;
  ChangePosition published_ ABSL_GUARDED_BY(mu_);
  std::vector<std::weak_ptr<ChangeListener>> listeners_ ABSL_GUARDED_BY(mu_);
};

}  // namespace kg

#endif  // KGD_STORAGE_CHANGE_SIGNAL_H_
