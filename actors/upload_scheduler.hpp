// The rules of the on-demand uploads, kept apart from the actors so they can
// be tested alone: which transfers of a daemon run now (at most a few at once,
// the rest waiting, high priority first, then oldest first), and how many new
// transfers a daemon may be asked for in a time window.
//
// People first: a low-priority transfer (the server's own auto-upload ahead of
// an event) takes at most `max_low_running` of a daemon's places, starts only
// when no person's transfer waits, and gives its place back (it is preempted,
// and waits again) as soon as a person's transfer would otherwise wait.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <unordered_map>
#include <vector>

namespace siberius::actors {

/// low: asked by the server itself (auto-upload); normal and high: by people.
enum class upload_priority : std::uint8_t { low = 0, normal = 1, high = 2 };

/// "normal" or "high" -> the priority; nullopt for anything else (people
/// cannot ask for "low").
std::optional<upload_priority> parse_upload_priority(const std::string& text);
const char* to_string(upload_priority p);

class upload_scheduler {
public:
  explicit upload_scheduler(std::size_t max_running_per_daemon = 3, std::size_t max_low_running = 1);

  /// A new transfer of `client_id`'s waits for its turn.
  void enqueue(const std::string& client_id, std::int64_t pdf_id, upload_priority p);
  /// A transfer asked for again with a higher priority (waiting: it moves up;
  /// running: it counts as that priority from now on); true when it changed.
  bool raise(const std::string& client_id, std::int64_t pdf_id, upload_priority to = upload_priority::high);
  /// A person's transfer waits while low-priority ones hold places it could
  /// take: those go back to waiting (ahead of the other low ones) and are
  /// returned, for the caller to stop them on the daemon.
  std::vector<std::int64_t> preempt(const std::string& client_id);
  /// The waiting transfers that may start now, in order; they count as running.
  std::vector<std::int64_t> take_startable(const std::string& client_id);
  /// A transfer ended (running or waiting): it leaves the scheduler.
  void remove(const std::string& client_id, std::int64_t pdf_id);
  /// The daemon went offline: its running transfers wait again, ahead of the
  /// others of their priority. Returns them.
  std::vector<std::int64_t> pause_running(const std::string& client_id);

  std::size_t running(const std::string& client_id) const;
  std::size_t waiting(const std::string& client_id) const;
  /// Low-priority transfers of the daemon, running or waiting.
  std::size_t low(const std::string& client_id) const;
  /// A new low-priority transfer would start at once: a low place is free, no
  /// person's transfer waits and the daemon has a place.
  bool low_would_start(const std::string& client_id) const;
  bool is_running(const std::string& client_id, std::int64_t pdf_id) const;
  /// 1-based place among the daemon's waiting transfers; 0 when not waiting.
  std::size_t place(const std::string& client_id, std::int64_t pdf_id) const;

private:
  // (priority, ticket, pdf id): a set ordered by priority, high first, then ticket.
  using key = std::tuple<int, std::int64_t, std::int64_t>;
  struct lane {
    std::set<key> waiting;
    std::unordered_map<std::int64_t, key> key_of;
    std::unordered_map<std::int64_t, int> running; // pdf id -> its (negated) priority
    std::size_t running_low() const;
    bool person_waiting() const;
  };
  lane& lane_of(const std::string& client_id) { return lanes_[client_id]; }
  const lane* find(const std::string& client_id) const;

  std::size_t max_running_;
  std::size_t max_low_running_;
  std::int64_t next_ticket_ = 0;
  std::int64_t pause_ticket_ = 0; // counts down: paused transfers go first
  std::unordered_map<std::string, lane> lanes_;
};

/// Which daemon to ask for a file several offices have: the first of
/// `holders` (the one whose metadata the document carries comes first) that
/// is online; when none is, the first, to wait for. Empty when no daemon has it.
template <class IsOnline>
std::string pick_holder(const std::vector<std::string>& holders, IsOnline is_online) {
  for (const auto& h : holders)
    if (is_online(h))
      return h;
  return holders.empty() ? std::string() : holders.front();
}

/// Open upload streams (POST /api/daemon/upload bodies being received) per
/// daemon, at most `limit` at once: a daemon cannot hold more connections,
/// temporary files and hashing threads than the transfers it was asked for.
class upload_streams {
public:
  explicit upload_streams(std::size_t limit = 3) : limit_(limit) {}
  /// One more stream for `client_id`; false (and nothing counted) at the limit.
  bool open(const std::string& client_id);
  void close(const std::string& client_id);
  std::size_t open_count(const std::string& client_id) const;

private:
  std::size_t limit_;
  std::unordered_map<std::string, std::size_t> open_;
};

/// At most `limit` events per key in any `window`: a sliding window of the
/// times of the accepted ones.
class rate_window {
public:
  using clock = std::chrono::steady_clock;
  rate_window(std::size_t limit, std::chrono::seconds window) : limit_(limit), window_(window) {}
  /// Records one event for `key` and returns nullopt, or, when the key is over
  /// its limit, records nothing and returns how long until one more fits.
  std::optional<std::chrono::seconds> admit(const std::string& key, clock::time_point now = clock::now());
  /// Events of `key` in the window ending `now` (nothing recorded).
  std::size_t count(const std::string& key, clock::time_point now = clock::now());
  std::size_t limit() const { return limit_; }

private:
  std::size_t limit_;
  std::chrono::seconds window_;
  std::unordered_map<std::string, std::deque<clock::time_point>> seen_;
};

} // namespace siberius::actors
