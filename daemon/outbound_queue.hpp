// What the daemon still has to tell the server, bounded. An event leaves the
// queue only when the server acknowledged it; past the limit the queue is
// dropped whole and a full reconciliation is owed instead (the folder is the
// truth, so nothing is lost: the reconciliation finds every file again).
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace siberius::daemon {

enum class event_kind { document, error_report };

struct outbound_event {
  event_kind kind = event_kind::document;
  std::string file_hash;
  std::string file_path;
  std::string report_key; // error reports: folder_entry::report_key()
  nlohmann::json payload; // the document, or the daemon:error object
  std::uint64_t id = 0;   // set by the queue
};

class outbound_queue {
public:
  explicit outbound_queue(std::size_t limit) : limit_(limit) {}

  /// Appends; false when the limit (or `limit_now`, when larger) was reached:
  /// the queue is then emptied and resync_needed() is true.
  bool push(outbound_event ev, std::size_t limit_now = 0);

  /// Up to `max` waiting events of the same kind as the oldest waiting one
  /// (documents go in batches, error reports one by one). They stay queued,
  /// marked in flight, until acked() or released().
  std::vector<outbound_event> take_batch(std::size_t max);

  /// The server acknowledged these: drop them.
  void acked(const std::vector<std::uint64_t>& ids);
  /// No usable ack (timeout, disconnect, retryable error): send again later.
  void release(const std::vector<std::uint64_t>& ids);
  /// Every in-flight event waits again (the connection is gone).
  void release_all();

  /// Drops waiting documents a finished reconciliation already covered.
  template <class Covered>
  std::size_t drop_if(Covered covered) {
    std::size_t dropped = 0;
    for (auto it = entries_.begin(); it != entries_.end();) {
      if (!it->in_flight && covered(it->event)) {
        it = entries_.erase(it);
        ++dropped;
      } else {
        ++it;
      }
    }
    return dropped;
  }

  template <class Visit>
  void for_each(Visit visit) const {
    for (auto& e : entries_)
      visit(e.event);
  }
  template <class Pred>
  bool any_of(Pred pred) const {
    for (auto& e : entries_)
      if (pred(e.event))
        return true;
    return false;
  }

  std::size_t size() const { return entries_.size(); }
  std::size_t waiting() const;
  bool empty() const { return entries_.empty(); }
  std::size_t limit() const { return limit_; }
  bool resync_needed() const { return resync_needed_; }
  void set_resync_needed() { resync_needed_ = true; }
  void clear_resync_needed() { resync_needed_ = false; }
  std::uint64_t overflows() const { return overflows_; }

private:
  struct entry {
    outbound_event event;
    bool in_flight = false;
  };
  std::size_t limit_;
  std::deque<entry> entries_;
  std::uint64_t next_id_ = 1;
  bool resync_needed_ = false;
  std::uint64_t overflows_ = 0;
};

} // namespace siberius::daemon
