#include "storage/change_signal.h"

#include <algorithm>

namespace kg {

ChangePosition ChangeSignal::published() const {
  absl::MutexLock lock(&mu_);
  return published_;
}

void ChangeSignal::Add(std::weak_ptr<ChangeListener> listener) {
  absl::MutexLock lock(&mu_);
  // Pruned here too, so that listeners that come and go between writes do
  // not pile up.
  std::erase_if(listeners_, [](const std::weak_ptr<ChangeListener>& l) { return l.expired(); });
  listeners_.push_back(std::move(listener));
}

void ChangeSignal::Publish(ChangePosition position) {
  std::vector<std::shared_ptr<ChangeListener>> live;
  {
    absl::MutexLock lock(&mu_);
    if (position <= published_) return;
    published_ = position;
    live.reserve(listeners_.size());
    std::erase_if(listeners_, [&live](const std::weak_ptr<ChangeListener>& l) {
      std::shared_ptr<ChangeListener> locked = l.lock();
      if (locked == nullptr) return true;
      live.push_back(std::move(locked));
      return false;
    });
  }
  for (const std::shared_ptr<ChangeListener>& listener : live) listener->OnChangesPublished();
}

}  // namespace kg
