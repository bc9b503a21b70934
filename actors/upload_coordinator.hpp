// The on-demand path of a PDF from the office to the cache.
//
// upload_coordinator (one per server) takes the requests (POST
// /api/pdfs/:id/request), coalesces those for a PDF already on its way,
// applies the per-daemon rate limit, and keeps each daemon's uploads in an
// upload_scheduler: at most three running, the rest waiting, high priority
// first. It knows which daemons are online (the registry tells it) and
// routes what the upload endpoint and the daemon sessions report to the
// right transfer. A file several offices have is asked of one of them that
// is online, and moves to another when that one goes offline or answers that
// it no longer has the file (that office is not asked again for the same
// request); only when no office is left does the transfer fail. Uploads are
// received only for a transfer in flight, from the daemon it was asked of,
// and at most `max_running_per_daemon` at once per daemon.
//
// The coordinator also asks for uploads of its own, at low priority, ahead of
// events (autoUpload, fed by the auto_upload actor): at most one such
// transfer per daemon at a time, only while no person's transfer waits and
// half the daemon's rate budget is unused, and it gives its place back
// (preempted: stopped on the daemon, waiting again) whenever a person's
// transfer would wait. A person asking for a PDF under way this way joins
// that transfer, which then runs at the person's priority.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include <caf/all.hpp>

#include "actors/messages.hpp"
#include "actors/upload_scheduler.hpp"
#include "actors/upload_transfer.hpp"
#include "storage/metadata_store.hpp"

namespace siberius::actors {

struct upload_coordinator_state {
  struct entry {
    caf::actor transfer;
    transfer_info info;
    std::string state;      // daemon_offline | queued | requested | uploading
    std::int64_t bytes = 0; // received so far
    bool cancelling = false; // cancel sent; the transfer is ending
    std::vector<std::string> holders; // every daemon that has the file
    std::set<std::string> refused;    // holders that said they no longer have it: not asked again
  };
  struct pending_lookup {
    std::vector<caf::typed_response_promise<request_answer>> promises;
    bool high = false;
  };

  caf::event_based_actor* self = nullptr;
  caf::actor db;
  caf::actor hub;
  transfer_options options;
  upload_scheduler scheduler;
  rate_window rate;
  upload_streams streams;
  std::unordered_map<std::string, caf::actor> sessions;       // online daemons by clientId
  std::unordered_map<std::int64_t, entry> transfers;          // by pdf id
  std::unordered_map<std::string, std::int64_t> by_request;   // request id -> pdf id
  std::unordered_map<std::int64_t, pending_lookup> lookups;   // requests waiting for the database
  // Auto-upload: per daemon, the PDFs to ask for ahead of their events, in
  // order; the daemons whose next candidate is being looked up; when each
  // candidate was last tried.
  std::unordered_map<std::string, std::deque<std::int64_t>> background;
  std::set<std::string> auto_looking;
  std::unordered_map<std::int64_t, std::chrono::steady_clock::time_point> auto_tried;

  static inline const char* name = "upload_coordinator";

  upload_coordinator_state();
  caf::result<request_answer> on_request(std::int64_t pdf_id, bool high, const std::string& who);
  void on_target(std::int64_t pdf_id, const std::optional<storage::request_target>& target);
  request_answer admit(const storage::request_target& t, bool high);
  /// Spawns the transfer of `t` from `client_id` (one of `holders`) and queues it.
  entry& start_transfer(const storage::request_target& t, const std::string& client_id,
                        std::vector<std::string> holders, upload_priority priority);
  request_answer join(entry& e, bool high);
  /// A new list of auto-upload candidates for `client_id` (replaces the last).
  void on_auto_candidates(const std::string& client_id, std::vector<std::int64_t> pdf_ids);
  /// Looks up the daemon's next auto-upload candidate when a low-priority
  /// transfer would start now.
  void feed_auto(const std::string& client_id);
  /// A low-priority transfer of `client_id` may be started now.
  bool auto_room(const std::string& client_id);
  void on_auto_target(const std::string& client_id, std::int64_t pdf_id,
                      const std::optional<storage::request_target>& t);
  request_answer cancel(std::int64_t pdf_id, const std::string& who);
  void pump(const std::string& client_id);
  void on_daemon_up(const std::string& client_id, const caf::actor& session);
  void on_daemon_down(const std::string& client_id);
  /// Moves a transfer to daemon `to` (it waits there for its turn), freeing
  /// its place on the daemon it leaves; `why` is for the log.
  void reassign(entry& e, const std::string& to, const std::string& why);
  /// `client_id` may be asked for the transfer: it has the file and did not refuse.
  static bool may_ask(const entry& e, const std::string& client_id);
  /// The holders not yet refused, in the order to ask them.
  static std::vector<std::string> askable(const entry& e);
  /// A daemon answered the upload request with daemon:error. file_missing or
  /// hash_changed moves the transfer to another office that has the file
  /// while one is left; any other refusal, or none left, ends it.
  void on_refused(const std::string& client_id, const std::string& request_id, const std::string& code,
                  const std::string& reason);
  request_answer admit_upload(const std::string& client_id, std::int64_t pdf_id, const std::string& request_id);
  entry* find(std::int64_t pdf_id, const std::string& request_id);
  void on_over(std::int64_t pdf_id, const std::string& request_id);
  /// A transfer's actor ended; one that did not say it was over failed.
  void on_transfer_down(const caf::down_msg& msg);
  /// The failure path of a transfer that cannot run it itself.
  void fail_dead_transfer(entry& e, const std::string& why);
  nlohmann::json status_of(std::int64_t pdf_id) const;
};

caf::behavior upload_coordinator(caf::stateful_actor<upload_coordinator_state>* self, caf::actor db, caf::actor hub,
                                 transfer_options options);

} // namespace siberius::actors
