#include "daemon/uploader.hpp"

#include <thread>

#include "daemon/log.hpp"
#include "daemon/messages.hpp"
#include "pdf/sha256_stream.hpp"
#include "net/client/http_upload.hpp"
#include "platform/files.hpp"

namespace siberius::daemon {

namespace {

using json = nlohmann::json;

/// The file's SHA-256, or "" when it cannot be read.
std::string hash_of(const std::string& path, std::string& error) {
  platform::input_file file;
  if (!file.open(path, error))
    return {};
  sha256_stream digest;
  std::vector<char> buf(256 * 1024);
  for (;;) {
    auto n = file.read(buf.data(), buf.size());
    if (n < 0) {
      error = file.last_error();
      return {};
    }
    if (n == 0)
      break;
    digest.update(buf.data(), static_cast<std::size_t>(n));
  }
  return digest.hex();
}

struct worker_input {
  upload_job job;
  std::vector<std::string> paths;
  uploader_options options;
  std::shared_ptr<std::atomic<bool>> cancel;
  uploader_actor uploader;
};

/// Sleeps `pause`, waking early when cancelled; false when cancelled.
bool pause_unless_cancelled(std::chrono::milliseconds pause, const std::atomic<bool>& cancel) {
  auto until = std::chrono::steady_clock::now() + pause;
  while (std::chrono::steady_clock::now() < until) {
    if (cancel.load())
      return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return !cancel.load();
}

/// The whole of one request, on a worker's own thread.
void run_upload(const worker_input& in) {
  auto finish = [&](const std::string& code, const std::string& message) {
    caf::anon_send(in.uploader, atom::upload_finished_v, in.job.request_id, code, message);
  };
  // The file the server asks for: the path indexed with that hash, if its
  // bytes still have it.
  std::string path;
  std::string code = "file_missing";
  std::string why = "no file with this hash in the watched folder";
  for (auto& p : in.paths) {
    std::string read_error;
    auto h = hash_of(p, read_error);
    if (h == in.job.file_hash) {
      path = p;
      break;
    }
    if (!h.empty()) {
      code = "hash_changed";
      why = "the file " + p + " changed since it was indexed";
    } else {
      why = "the file " + p + " is no longer readable: " + read_error;
    }
  }
  if (path.empty())
    return finish(code, why);

  net::upload_spec spec;
  spec.url = in.options.url;
  spec.ca_file = in.options.ca_file;
  spec.token = in.options.token;
  spec.request_id = in.job.request_id;
  spec.file_hash = in.job.file_hash;
  spec.file_path = path;
  spec.filename = in.job.filename;
  spec.idle_timeout = in.options.idle_timeout;
  spec.cancel = in.cancel.get();
  spec.user_agent = "siberius-daemon/" SIBERIUS_VERSION;
  auto me = in.uploader;
  auto rid = in.job.request_id;
  spec.on_progress = [me, rid](std::uint64_t sent, std::uint64_t total) {
    caf::anon_send(me, atom::upload_progress_v, rid, sent, total);
  };
  auto pause = in.options.retry_pause;
  std::string last;
  for (int attempt = 1; attempt <= in.options.attempts; ++attempt) {
    auto out = in.options.send_file ? in.options.send_file(spec) : net::upload_file(spec);
    switch (out.result) {
      case net::upload_result::stored: return finish("stored", "");
      case net::upload_result::cancelled: return finish("cancelled", "");
      case net::upload_result::file_error: return finish("file_missing", out.error);
      case net::upload_result::rejected:
        if (!out.retryable)
          return finish("rejected", out.error);
        break;
      case net::upload_result::failed:
        if (!out.retryable)
          return finish("upload_failed", out.error);
        break;
    }
    last = out.error;
    log_event(log_level::warn, "upload:attempt:failed",
              {{"requestId", rid}, {"attempt", attempt}, {"error", out.error}, {"bytesSent", out.bytes_sent}});
    if (attempt == in.options.attempts)
      break;
    auto wait = out.retry_after.count() > 0 ? std::chrono::duration_cast<std::chrono::milliseconds>(out.retry_after)
                                            : pause;
    if (!pause_unless_cancelled(wait, *in.cancel))
      return finish("cancelled", "");
    pause *= 2;
  }
  finish("upload_failed", "gave up after " + std::to_string(in.options.attempts) + " attempts: " + last);
}

} // namespace

std::variant<upload_job, std::string> parse_upload_request(const json& p) {
  if (!p.is_object())
    return std::string("expected {requestId, fileHash, filename, priority}");
  upload_job j;
  auto rid = p.value("requestId", json());
  auto hash = p.value("fileHash", json());
  auto name = p.value("filename", json());
  auto priority = p.value("priority", json("normal"));
  if (!rid.is_string() || rid.get<std::string>().empty() || rid.get<std::string>().size() > 128)
    return std::string("requestId: expected 1 to 128 characters");
  if (!hash.is_string() || !is_sha256_hex(hash.get<std::string>()))
    return std::string("fileHash: expected 64 lowercase hex digits");
  if (!name.is_string() || name.get<std::string>().empty() || name.get<std::string>().size() > 255)
    return std::string("filename: expected 1 to 255 characters");
  if (!priority.is_string() || (priority != "normal" && priority != "high"))
    return std::string("priority: expected normal or high");
  j.request_id = rid.get<std::string>();
  j.file_hash = hash.get<std::string>();
  j.filename = name.get<std::string>();
  j.high = priority == "high";
  return j;
}

void uploader_state::on_request(const json& payload) {
  auto parsed = parse_upload_request(payload);
  if (auto err = std::get_if<std::string>(&parsed)) {
    log_event(log_level::warn, "upload:request:invalid", {{"error", *err}});
    return;
  }
  auto job = std::get<upload_job>(parsed);
  if (auto i = jobs.find(job.request_id); i != jobs.end()) {
    // Asked again: the server saw nothing arrive. Start over.
    if (i->second.running) {
      i->second.restart = true;
      i->second.cancel->store(true);
    }
    return;
  }
  if (waiting.size() >= options.max_waiting) {
    log_event(log_level::warn, "upload:request:refused", {{"requestId", job.request_id}, {"reason", "queue full"}});
    self->send(link, atom::upload_report_v, false,
               json{{"code", "busy"}, {"message", "too many uploads waiting in the daemon"},
                    {"requestId", job.request_id}, {"fileHash", job.file_hash}});
    return;
  }
  entry e;
  e.job = job;
  e.ticket = next_ticket++;
  e.cancel = std::make_shared<std::atomic<bool>>(false);
  waiting.emplace(job.high ? -1 : 0, e.ticket, job.request_id);
  log_event(log_level::info, "upload:request",
            {{"requestId", job.request_id}, {"fileHash", job.file_hash}, {"priority", job.high ? "high" : "normal"}});
  jobs.emplace(job.request_id, std::move(e));
  start_next();
}

void uploader_state::on_cancel(const std::string& request_id) {
  auto i = jobs.find(request_id);
  if (i == jobs.end())
    return;
  log_event(log_level::info, "upload:cancelled", {{"requestId", request_id}});
  if (i->second.running) {
    i->second.restart = false;
    i->second.cancel->store(true); // the worker reports back, then it is forgotten
    return;
  }
  waiting.erase({i->second.job.high ? -1 : 0, i->second.ticket, request_id});
  jobs.erase(i);
}

void uploader_state::start_next() {
  while (running < options.max_parallel && !waiting.empty()) {
    auto rid = std::get<2>(*waiting.begin());
    waiting.erase(waiting.begin());
    auto& e = jobs.at(rid);
    e.running = true;
    e.started = std::chrono::steady_clock::now();
    e.worker = caf::actor_addr{}; // a previous run's worker may still be ending
    ++running;
    // No time limit: the index answers once its first scan is complete, and
    // a guess before that would mark a present file missing.
    self->request(index, caf::infinite, atom::locate_v, e.job.file_hash)
      .then([this, rid](const std::vector<std::string>& paths) {
              if (auto i = jobs.find(rid); i != jobs.end())
                run(i->second, paths);
            },
            [this, rid](const caf::error&) {
              if (jobs.count(rid) > 0)
                run(jobs.at(rid), {});
            });
  }
}

void uploader_state::run(entry& e, std::vector<std::string> paths) {
  worker_input in{e.job, std::move(paths), options, e.cancel, caf::actor_cast<uploader_actor>(self)};
  auto body = [in](caf::event_based_actor* worker) {
    // An exception is one more failed upload: the server hears it, the slot frees.
    try {
      run_upload(in);
    } catch (const std::exception& x) {
      caf::anon_send(in.uploader, atom::upload_finished_v, in.job.request_id, std::string("upload_failed"),
                     std::string("the upload stopped on an error: ") + x.what());
    }
    worker->quit();
  };
  // Monitored: a worker that dies without reporting still frees its slot.
  auto worker = options.detached_workers ? self->spawn<caf::detached + caf::monitored>(body)
                                         : self->spawn<caf::monitored>(body);
  e.worker = worker.address();
}

void uploader_state::on_worker_down(const caf::down_msg& msg) {
  // A worker reports before it ends, so a job still running on it was never reported.
  for (auto& [rid, e] : jobs)
    if (e.running && e.worker == msg.source) {
      auto request_id = rid;
      log_event(log_level::error, "upload:worker:died", {{"requestId", request_id}, {"reason", caf::to_string(msg.reason)}});
      e.restart = false;
      return on_finished(request_id, "upload_failed", "the upload worker stopped (" + caf::to_string(msg.reason) + ")");
    }
}

void uploader_state::on_finished(const std::string& request_id, const std::string& code, const std::string& message) {
  auto i = jobs.find(request_id);
  if (i == jobs.end())
    return;
  auto& e = i->second;
  --running;
  e.running = false;
  if (code == "stored") {
    ++stored;
    log_event(log_level::info, "upload:stored", {{"requestId", request_id}, {"bytes", e.total}});
    auto us = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - e.started);
    self->send(link, atom::upload_timing_v, static_cast<std::int64_t>(e.total), static_cast<std::int64_t>(us.count()));
    self->send(link, atom::upload_report_v, true, json());
  } else if (code == "cancelled" && e.restart) {
    // Asked again while it ran: once more from the start, first in line.
    e.restart = false;
    e.cancel = std::make_shared<std::atomic<bool>>(false);
    e.ticket = -1 - next_ticket++;
    e.sent = 0;
    waiting.emplace(e.job.high ? -1 : 0, e.ticket, request_id);
    return start_next();
  } else if (code != "cancelled") {
    ++failed;
    log_event(log_level::warn, "upload:failed", {{"requestId", request_id}, {"code", code}, {"error", message}});
    // The server hears every failure as the answer to its request (one it
    // rejected itself and already ended is ignored there).
    self->send(link, atom::upload_report_v, false,
               json{{"code", code == "rejected" ? std::string("upload_rejected") : code}, {"message", message},
                    {"requestId", request_id}, {"fileHash", e.job.file_hash}, {"filename", e.job.filename}});
  }
  jobs.erase(i);
  start_next();
}

uploader_actor::behavior_type uploader(uploader_actor::stateful_pointer<uploader_state> self, server_link_actor link,
                                       folder_index_actor index, uploader_options options) {
  auto& st = self->state;
  st.self = self;
  st.link = std::move(link);
  st.index = std::move(index);
  st.options = std::move(options);
  self->set_down_handler([self](caf::down_msg& msg) { self->state.on_worker_down(msg); });
  // Stopping: every worker stops at its next chunk.
  self->set_exit_handler([self](caf::exit_msg& msg) {
    for (auto& [_, e] : self->state.jobs)
      e.cancel->store(true);
    self->quit(msg.reason);
  });
  return {
    [self](atom::upload_request, const nlohmann::json& payload) { self->state.on_request(payload); },
    [self](atom::cancel_upload, const std::string& request_id) { self->state.on_cancel(request_id); },
    [self](atom::upload_progress, const std::string& request_id, std::uint64_t sent, std::uint64_t total) {
      if (auto i = self->state.jobs.find(request_id); i != self->state.jobs.end()) {
        i->second.sent = sent;
        i->second.total = total;
        log_event(log_level::debug, "upload:progress",
                  {{"requestId", request_id}, {"bytes", sent}, {"totalBytes", total},
                   {"percent", total > 0 ? sent * 100 / total : 0}});
      }
    },
    [self](atom::upload_finished, const std::string& request_id, const std::string& code, const std::string& message) {
      self->state.on_finished(request_id, code, message);
    },
  };
}

} // namespace siberius::daemon
