#include "api/upload_api.hpp"

#include <unistd.h>

#include <atomic>
#include <cctype>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

#include "api/http_api.hpp"
#include "actors/log.hpp"
#include "actors/server_metrics.hpp"
#include "actors/messages.hpp"
#include "pdf/pdf_metadata.hpp"
#include "pdf/sha256_stream.hpp"
#include "net/multipart.hpp"
#include "cache/pdf_cache.hpp"

namespace siberius::actors {

namespace http = net::http;
using json = nlohmann::json;

namespace {

bool plain_id(const std::string& s) {
  if (s.empty() || s.size() > 128)
    return false;
  for (unsigned char c : s)
    if (!(std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == ':'))
      return false;
  return true;
}

/// SHA-256 on a thread of its own, so hashing overlaps receiving and writing
/// instead of following it on the I/O thread. Bytes are copied into blocks;
/// at most `max_blocks` wait, so memory stays bounded whatever the file's size
/// (a writer ahead of the hasher waits for it: hashing is the slower side).
class background_sha256 {
public:
  background_sha256() : thread_([this] { run(); }) { block_.reserve(block_bytes); }

  ~background_sha256() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      closed_ = true;
      abandoned_ = true; // an upload that failed: the rest is not needed
    }
    has_data_.notify_one();
    thread_.join();
  }

  void update(const char* p, std::size_t n) {
    block_.insert(block_.end(), p, p + n);
    if (block_.size() >= block_bytes)
      push();
  }

  /// The digest of everything given; call once.
  std::string hex() {
    push();
    {
      std::lock_guard<std::mutex> lock(mutex_);
      closed_ = true;
    }
    has_data_.notify_one();
    thread_.join();
    thread_ = std::thread([] {}); // the destructor joins something
    return digest_.hex();
  }

private:
  static constexpr std::size_t block_bytes = 256 * 1024;
  static constexpr std::size_t max_blocks = 8;

  void push() {
    if (block_.empty())
      return;
    std::vector<char> next;
    next.reserve(block_bytes);
    {
      std::unique_lock<std::mutex> lock(mutex_);
      has_room_.wait(lock, [this] { return queue_.size() < max_blocks; });
      queue_.push_back(std::move(block_));
    }
    has_data_.notify_one();
    block_ = std::move(next);
  }

  void run() {
    for (;;) {
      std::vector<char> b;
      {
        std::unique_lock<std::mutex> lock(mutex_);
        has_data_.wait(lock, [this] { return !queue_.empty() || closed_; });
        if (abandoned_ || queue_.empty())
          return;
        b = std::move(queue_.front());
        queue_.pop_front();
      }
      has_room_.notify_one();
      digest_.update(b.data(), b.size());
    }
  }

  sha256_stream digest_;
  std::vector<char> block_;
  std::mutex mutex_;
  std::condition_variable has_data_, has_room_;
  std::deque<std::vector<char>> queue_;
  bool closed_ = false;
  bool abandoned_ = false;
  std::thread thread_;
};

/// What one upload carries through its stages.
struct upload_job {
  caf::actor_system* sys = nullptr;
  caf::actor db;
  upload_options options;
  net::http_request header;
  storage::daemon_identity daemon;
  storage::upload_target target;
  std::string request_id;
  std::string file_hash;
  std::string filename;
  std::string temp_path;
  std::int64_t bytes = 0;
  std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();
  std::chrono::steady_clock::time_point received; // the last byte, hashed
  std::chrono::steady_clock::time_point checked;  // siberius-pdf-reader's verdict
  bool admitted = false; // the coordinator counts this stream against the daemon's limit
  bool receiving = false; // its body is being read: siberius_uploads_in_progress counts it

  upload_job() = default;
  upload_job(const upload_job&) = delete;
  upload_job& operator=(const upload_job&) = delete;
  /// The last holder of the job is done with the stream, however it ended.
  ~upload_job() {
    if (receiving)
      server_series().uploads_in_progress.dec();
    if (admitted && options.coordinator)
      caf::anon_send(options.coordinator, atom::upload_closed_v, daemon.client_id);
  }

  static long long ms(std::chrono::steady_clock::time_point a, std::chrono::steady_clock::time_point b) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(b - a).count();
  }

  void remove_temp() {
    cache::discard(temp_path);
    temp_path.clear();
  }

  /// Answers a failed upload: nothing stays, and the failure is recorded.
  void fail(const net::http_responder& respond, http::status status, const std::string& code,
            const std::string& reason) {
    remove_temp();
    if (receiving)
      server_series().upload_duration.with({"failed"}).observe(seconds_since(started));
    log_event(log_level::warn, "pdf:upload:failed",
              {{"clientId", daemon.client_id}, {"requestId", request_id}, {"fileHash", file_hash}, {"reason", reason}});
    caf::anon_send(db, atom::upload_failed_v, target.pdf_id, daemon.client_id, request_id, bytes, reason);
    if (options.coordinator)
      caf::anon_send(options.coordinator, atom::upload_rejected_v, target.pdf_id, request_id, code, reason);
    respond(error_response(header, status, code, reason));
  }
};

/// Receives the multipart body on the I/O thread: the file part goes to a
/// temporary file and through SHA-256 as it arrives.
class upload_sink : public net::body_sink {
public:
  upload_sink(std::shared_ptr<upload_job> job, std::string boundary)
    : job_(std::move(job)),
      reader_(std::move(boundary),
              {[this](const net::multipart_reader::part_header& h) { on_part(h); },
               [this](const char* p, std::size_t n) { on_data(p, n); }, [this] { in_file_ = false; }}) {
    job_->receiving = true;
    server_series().uploads_in_progress.inc();
  }

  ~upload_sink() override {
    if (fd_ >= 0)
      ::close(fd_);
    if (!handed_over_)
      job_->remove_temp();
  }

  bool write(const char* data, std::size_t size) override {
    if (!problem_.empty())
      return false;
    if (!reader_.feed(data, size) && problem_.empty())
      set_problem(http::status::bad_request, "bad_request", "malformed multipart body: " + reader_.error());
    return problem_.empty();
  }

  void finish(bool complete, net::http_responder respond) override {
    if (fd_ >= 0) {
      ::close(fd_);
      fd_ = -1;
    }
    if (!problem_.empty())
      return job_->fail(respond, status_, code_, problem_);
    if (!complete || !reader_.done())
      return job_->fail(respond, http::status::bad_request, "incomplete", "the upload ended before its last byte");
    if (!saw_file_)
      return job_->fail(respond, http::status::bad_request, "bad_request", "no file part in the body");
    auto got = digest_.hex();
    if (got != job_->file_hash)
      return job_->fail(respond, http::status::unprocessable_entity, "hash_mismatch",
                        "the file's SHA-256 is " + got + ", not X-File-Hash");
    handed_over_ = true;
    job_->received = std::chrono::steady_clock::now();
    check_and_store(job_, std::move(respond));
  }

private:
  void set_problem(http::status status, std::string code, std::string why) {
    status_ = status;
    code_ = std::move(code);
    problem_ = std::move(why);
  }

  void on_part(const net::multipart_reader::part_header& h) {
    if (!problem_.empty() || h.name != "file" || !h.filename)
      return; // other fields are not needed
    if (saw_file_)
      return set_problem(http::status::bad_request, "bad_request", "more than one file part");
    saw_file_ = true;
    if (auto why = unfit_upload_name(*h.filename); !why.empty())
      return set_problem(http::status::unprocessable_entity, "bad_name", why);
    job_->filename = *h.filename;
    std::string why;
    auto part = cache::open_partial(job_->options.storage_dir, job_->file_hash, why);
    if (part.fd < 0)
      return set_problem(http::status::service_unavailable, "storage_unavailable", "cannot write the cache: " + why);
    job_->temp_path = part.path;
    fd_ = part.fd;
    in_file_ = true;
  }

  void on_data(const char* p, std::size_t n) {
    if (!in_file_ || !problem_.empty() || fd_ < 0)
      return;
    job_->bytes += static_cast<std::int64_t>(n);
    server_series().upload_bytes.inc(n);
    if (static_cast<std::size_t>(job_->bytes) > job_->options.max_file_bytes)
      return set_problem(http::status::payload_too_large, "too_large",
                         "the file is larger than " + std::to_string(job_->options.max_file_bytes) + " bytes");
    digest_.update(p, n);
    if (job_->options.coordinator && static_cast<std::size_t>(job_->bytes) >= next_report_) {
      next_report_ = static_cast<std::size_t>(job_->bytes) + job_->options.progress_step;
      caf::anon_send(job_->options.coordinator, atom::upload_progress_v, job_->target.pdf_id, job_->request_id,
                     job_->bytes);
    }
    if (std::string why; !cache::append(fd_, p, n, why))
      return set_problem(http::status::service_unavailable, "storage_unavailable", "cannot write the cache: " + why);
  }

  /// Off the I/O thread: poppler's verdict (a pdf_parse_job), then the
  /// rename and the record.
  static void check_and_store(std::shared_ptr<upload_job> job, net::http_responder respond) {
    // Detached: storing waits for the disk (fsync), which must not hold a
    // scheduler thread other actors share.
    job->sys->spawn<caf::detached>([job, respond](caf::event_based_actor* self) {
      // The hash was computed as the bytes arrived: the reader only checks
      // that poppler opens the file, without reading it all again.
      self->request(job->options.checker, job->options.check_time_limit + std::chrono::seconds(10),
                    atom::check_pdf_v, job->temp_path)
        .then(
          [=](const daemon::pdf_facts& facts) {
            job->checked = std::chrono::steady_clock::now();
            if (facts.problem != daemon::pdf_problem::none && facts.problem != daemon::pdf_problem::no_text_layer)
              return job->fail(respond, http::status::unprocessable_entity, "not_a_pdf",
                               std::string("not a usable PDF: ") +
                                   (facts.reason.empty() ? to_string(facts.problem) : facts.reason));
            store(self, job, respond);
          },
          [=](const caf::error&) {
            job->fail(respond, http::status::service_unavailable, "check_unavailable",
                      "the PDF could not be checked in time, retry later");
          });
    });
  }

  static void store(caf::event_based_actor* self, std::shared_ptr<upload_job> job, net::http_responder respond) {
    std::string why;
    auto final_path = cache::store_copy(job->options.storage_dir, job->temp_path, job->file_hash, job->filename, why);
    if (final_path.empty())
      return job->fail(respond, http::status::service_unavailable, "storage_unavailable",
                       "cannot move the upload into the cache: " + why);
    job->temp_path.clear();
    storage::stored_upload u;
    u.pdf_id = job->target.pdf_id;
    u.client_id = job->daemon.client_id;
    u.request_id = job->request_id;
    u.file_path = final_path;
    u.bytes = job->bytes;
    u.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - job->started).count();
    self->request(job->db, db_timeout, atom::upload_done_v, u)
      .then(
        [=](const std::string& expires_at) {
          server_series().upload_duration.with({"stored"}).observe(seconds_since(job->started));
          log_event(log_level::info, "pdf:upload:stored",
                    {{"clientId", u.client_id}, {"requestId", u.request_id}, {"pdfId", u.pdf_id},
                     {"bytes", u.bytes}, {"path", final_path},
                     {"receiveMs", upload_job::ms(job->started, job->received)},
                     {"checkMs", upload_job::ms(job->received, job->checked)},
                     {"recordMs", upload_job::ms(job->checked, std::chrono::steady_clock::now())}});
          if (job->options.coordinator)
            self->send(job->options.coordinator, atom::upload_stored_v, u.pdf_id, u.request_id, expires_at, u.bytes);
          respond(json_response(job->header, http::status::ok,
                                {{"ok", true}, {"pdfId", u.pdf_id}, {"fileHash", job->file_hash},
                                 {"bytes", u.bytes}, {"status", "cached"}, {"cachedUntil", expires_at}}));
        },
        [=](const caf::error&) {
          // Not recorded: the copy must not stay either.
          cache::discard(final_path);
          job->fail(respond, http::status::service_unavailable, "database_unavailable",
                    "database unavailable, retry later");
        });
  }

  std::shared_ptr<upload_job> job_;
  net::multipart_reader reader_;
  background_sha256 digest_;
  int fd_ = -1;
  std::size_t next_report_ = 0;
  bool in_file_ = false;
  bool saw_file_ = false;
  bool handed_over_ = false;
  http::status status_ = http::status::bad_request;
  std::string code_;
  std::string problem_;
};

} // namespace

std::string unfit_upload_name(const std::string& name) {
  if (name.empty() || name.size() > 255)
    return "file name: expected 1 to 255 characters";
  if (name.find('/') != std::string::npos || name.find('\\') != std::string::npos)
    return "file name: a path is not allowed (" + name + ")";
  if (name == "." || name == ".." || name.find("..") == 0)
    return "file name: must not start with ..";
  for (unsigned char c : name)
    if (c < 0x20 || c == 0x7f)
      return "file name: control characters are not allowed";
  auto dot = name.rfind('.');
  if (dot == std::string::npos || dot == 0)
    return "file name: expected a .pdf name";
  auto ext = name.substr(dot);
  for (auto& c : ext)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (ext != ".pdf")
    return "file name: expected a .pdf name (got " + name + ")";
  return {};
}

net::streaming_handler make_upload_handler(caf::actor_system& sys, caf::actor db, upload_options options) {
  return [&sys, db, options](net::http_request header, std::string remote, net::http_responder respond,
                             net::stream_admit admit) {
    auto job = std::make_shared<upload_job>();
    job->sys = &sys;
    job->db = db;
    job->options = options;
    auto token = bearer_token(header);
    job->request_id = std::string(header["X-Request-Id"]);
    job->file_hash = std::string(header["X-File-Hash"]);
    auto boundary = net::multipart_boundary(header[http::field::content_type]);
    job->header = std::move(header);
    const auto& req = job->header;
    if (token.empty() || token.size() > 200)
      return respond(error_response(req, http::status::unauthorized, "unauthorized", "a daemon bearer token is required"));
    for (auto& c : job->file_hash) // either case is accepted; kept in lowercase
      c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    // Who is asking comes first: a caller without a daemon token learns
    // nothing about what the endpoint expects.
    auto header_problem = [job, boundary]() -> std::optional<net::http_response> {
      const auto& req = job->header;
      if (!plain_id(job->request_id))
        return error_response(req, http::status::bad_request, "bad_request",
                              "X-Request-Id: expected 1 to 128 letters, digits or . _ : -");
      if (!is_sha256_hex(job->file_hash))
        return error_response(req, http::status::bad_request, "bad_request", "X-File-Hash: expected 64 hex digits");
      if (!boundary)
        return error_response(req, http::status::unsupported_media_type, "bad_request",
                              "Content-Type: expected multipart/form-data with a boundary");
      return std::nullopt;
    };
    sys.spawn([job, token, remote, respond, admit, header_problem, boundary = boundary.value_or(std::string())](
                caf::event_based_actor* self) {
      auto unavailable = [=](const caf::error&) {
        respond(error_response(job->header, http::status::service_unavailable, "database_unavailable",
                        "database unavailable, retry later"));
      };
      self->request(job->db, db_timeout, atom::daemon_by_token_v, token)
        .then(
          [=](const std::optional<storage::daemon_identity>& who) {
            if (!who) {
              log_event(log_level::warn, "daemon:auth:failed", {{"ip", remote}, {"path", "/api/daemon/upload"}});
              return respond(error_response(job->header, http::status::unauthorized, "unauthorized", "invalid daemon token"));
            }
            if (auto problem = header_problem())
              return respond(std::move(*problem));
            job->daemon = *who;
            self->request(job->db, db_timeout, atom::upload_target_v, who->client_id, job->file_hash)
              .then(
                [=](const std::optional<storage::upload_target>& target) {
                  if (!target)
                    return respond(error_response(job->header, http::status::not_found, "not_found",
                                           "no PDF with this X-File-Hash is indexed for this daemon"));
                  job->target = *target;
                  if (!job->options.coordinator)
                    return respond(error_response(job->header, http::status::conflict, "not_requested",
                                                  "the server did not ask for this upload"));
                  // Only a transfer the server asked this daemon for, in flight, within the limit.
                  self->request(job->options.coordinator, db_timeout, atom::upload_admit_v, job->daemon.client_id,
                                job->target.pdf_id, job->request_id)
                    .then(
                      [=](const request_answer& a) {
                        if (a.status != 200) {
                          auto res = json_response(job->header, static_cast<http::status>(a.status), a.body);
                          if (a.retry_after > 0)
                            res.set(http::field::retry_after, std::to_string(a.retry_after));
                          return respond(std::move(res));
                        }
                        job->admitted = true;
                        // The transfer fails for good (pdf:failed storage_full); the
                        // daemon does not retry a 507.
                        if (auto full = job->options.storage ? job->options.storage->refusal() : std::nullopt)
                          return job->fail(respond, http::status::insufficient_storage, storage_full_code, *full);
                        job->started = std::chrono::steady_clock::now();
                        admit(std::make_shared<upload_sink>(job, boundary));
                      },
                      [=](const caf::error&) {
                        respond(error_response(job->header, http::status::service_unavailable, "unavailable",
                                               "the server is busy, retry later"));
                      });
                },
                unavailable);
          },
          unavailable);
    });
  };
}

} // namespace siberius::actors
