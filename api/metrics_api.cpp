// GET /metrics: the server's series in the Prometheus text format, for an
// admin's bearer token or an address of --metrics-allow; and the wrappers
// that count every HTTP answer by route template.
#include "api/metrics_api.hpp"

#include <set>

#include "api/api_support.hpp"
#include "actors/log.hpp"
#include "actors/messages.hpp"
#include "actors/server_metrics.hpp"

namespace siberius::actors {

namespace {

namespace http = net::http;
using json = nlohmann::json;
using clock = std::chrono::steady_clock;

const char* const pdf_statuses[] = {"available_local", "uploading", "cached", "expired", "missing"};

void apply_snapshot(const json& snap, std::optional<std::uint64_t> capacity) {
  auto& m = server_series();
  std::size_t online = 0, total = 0;
  // Set every daemon's value, then drop the ones gone: a scrape meanwhile
  // never sees the family emptied.
  std::set<metrics::label_values> present;
  for (auto& d : snap.value("daemons", json::array())) {
    bool up = d.value("online", false);
    online += up ? 1 : 0;
    ++total;
    metrics::label_values id{d.value("clientId", std::string())};
    m.daemon_online.with(id).set(up ? 1 : 0);
    present.insert(std::move(id));
  }
  for (auto& id : m.daemon_online.label_sets())
    if (!present.count(id))
      m.daemon_online.remove(id);
  m.daemons_online.set(static_cast<double>(online));
  m.daemons_total.set(static_cast<double>(total));
  auto pdfs = snap.value("pdfs", json::object());
  for (auto status : pdf_statuses)
    m.pdfs.with({status}).set(pdfs.value(status, 0.0));
  auto cache = snap.value("cache", json::object());
  m.cache_bytes.set(cache.value("bytes", 0.0));
  m.cache_files.set(cache.value("files", 0.0));
  // Absent when not configured: cache_bytes / cache_capacity_bytes is then no series, not +Inf.
  if (capacity)
    m.cache_capacity_bytes.get().set(static_cast<double>(*capacity));
}

net::http_response metrics_response(const net::http_request& req, const metrics_snapshot_state& snap) {
  auto& m = server_series();
  {
    std::lock_guard lock(snap.mutex);
    if (snap.read_at != clock::time_point{})
      m.snapshot_age.set(seconds_since(snap.read_at));
  }
  net::http_response res{http::status::ok, req.version()};
  res.set(http::field::content_type, metrics::text_content_type);
  res.set(http::field::cache_control, "no-store");
  res.keep_alive(req.keep_alive());
  res.body() = m.registry.render();
  res.prepare_payload();
  return res;
}

/// Renders, after reading the database figures again when they are older than
/// the snapshot's interval. One read at a time: scrapes that arrive during it
/// get the previous figures rather than a query each.
void scrape(const api_context& ctx, caf::event_based_actor* self, const net::http_request& req,
            const net::http_responder& respond) {
  static auto fallback = std::make_shared<metrics_snapshot_state>();
  auto snap = ctx.metrics_snapshot ? ctx.metrics_snapshot : fallback;
  bool refresh = false;
  {
    std::lock_guard lock(snap->mutex);
    if (!snap->reading && (snap->read_at == clock::time_point{} || clock::now() - snap->read_at >= snap->interval)) {
      snap->reading = true;
      refresh = true;
    }
  }
  if (!refresh)
    return respond(metrics_response(req, *snap));
  auto capacity = ctx.cache_capacity_bytes;
  auto done = [=](bool ok) {
    std::lock_guard lock(snap->mutex);
    snap->reading = false;
    if (ok)
      snap->read_at = clock::now();
  };
  self->request(ctx.db, db_timeout, atom::db_run_v, db_job{[](storage::metadata_store& s) { return s.metrics_snapshot(); }})
    .then(
      [=](const json_reply& reply) {
        apply_snapshot(reply.value, capacity);
        done(true);
        respond(metrics_response(req, *snap));
      },
      [=](const caf::error&) {
        // The figures of the last read (and siberius_db_errors_total) still tell the story.
        done(false);
        respond(metrics_response(req, *snap));
      });
}

std::string status_class(unsigned code) { return std::to_string(code / 100) + "xx"; }

/// A streamed body's sink whose answer (given at its end) is counted.
class counted_sink : public net::body_sink {
public:
  counted_sink(std::shared_ptr<net::body_sink> inner, std::string route, http::verb method, clock::time_point start)
      : inner_(std::move(inner)), route_(std::move(route)), method_(method), start_(start) {}
  bool write(const char* data, std::size_t size) override { return inner_->write(data, size); }
  void finish(bool complete, net::http_responder respond) override {
    inner_->finish(complete, [route = route_, method = method_, start = start_,
                              respond = std::move(respond)](net::http_response res) {
      count_http_answer(route, method, res.result_int(), start);
      respond(std::move(res));
    });
  }

private:
  std::shared_ptr<net::body_sink> inner_;
  std::string route_;
  http::verb method_;
  clock::time_point start_;
};

} // namespace

bool serve_metrics_api(const api_context& ctx, const net::http_request& req, const std::string& remote,
                       const net::http_responder& respond) {
  if (path_of_target(req.target()) != "/metrics")
    return false;
  if (req.method() != http::verb::get)
    return respond(not_allowed(req)), true;
  if (ctx.metrics_allow && ctx.metrics_allow->contains(remote)) {
    ctx.sys->spawn([=](caf::event_based_actor* self) { scrape(ctx, self, req, respond); });
    return true;
  }
  if (req[http::field::authorization].empty() && req[http::field::cookie].empty()) {
    log_event(log_level::warn, "metrics:refused", {{"ip", remote}});
    respond(error_response(req, http::status::unauthorized, "unauthorized",
                           "GET /metrics needs an admin's bearer token, or a client address listed in "
                           "--metrics-allow (" + remote + " is not)"));
    return true;
  }
  with_caller(ctx, req, remote, respond, access::admin,
              [ctx, req, respond](caf::event_based_actor* self, const storage::api_principal&) {
                scrape(ctx, self, req, respond);
              });
  return true;
}

void count_http_answer(const std::string& route, http::verb method, unsigned code, clock::time_point start) {
  auto& m = server_series();
  auto verb = std::string(http::to_string(method));
  m.http_requests.with({route, verb, std::to_string(code)}).inc();
  m.http_duration.with({route, verb, status_class(code)}).observe(seconds_since(start));
}

namespace {

/// `respond`, counting the answer it passes on.
net::http_responder counted(std::string route, http::verb method, clock::time_point start,
                            net::http_responder respond) {
  return [route = std::move(route), method, start, respond = std::move(respond)](net::http_response res) {
    count_http_answer(route, method, res.result_int(), start);
    respond(std::move(res));
  };
}

} // namespace

net::http_handler instrument_http(net::http_handler inner) {
  return [inner = std::move(inner)](net::http_request req, std::string remote, net::http_responder respond) {
    auto route = route_template(path_of_target(req.target()));
    auto method = req.method();
    auto start = clock::now();
    inner(std::move(req), std::move(remote),
          counted(route, method, start, std::move(respond)));
  };
}

net::file_handler instrument_files(net::file_handler inner) {
  return [inner = std::move(inner)](net::http_request req, std::string remote, net::http_responder respond,
                                    net::file_responder send) {
    auto route = route_template(path_of_target(req.target()));
    auto method = req.method();
    auto start = clock::now();
    inner(std::move(req), std::move(remote),
          counted(route, method, start, std::move(respond)),
          [route, method, start, send = std::move(send)](net::file_response file) {
            // Counted when the answer starts: the body's time is the network's.
            count_http_answer(route, method, file.header.result_int(), start);
            send(std::move(file));
          });
  };
}

net::streaming_handler instrument_streaming(net::streaming_handler inner) {
  return [inner = std::move(inner)](net::http_request header, std::string remote, net::http_responder respond,
                                    net::stream_admit admit) {
    auto route = route_template(path_of_target(header.target()));
    auto method = header.method();
    auto start = clock::now();
    inner(std::move(header), std::move(remote),
          counted(route, method, start, std::move(respond)),
          [route, method, start, admit = std::move(admit)](std::shared_ptr<net::body_sink> sink) {
            admit(std::make_shared<counted_sink>(std::move(sink), route, method, start));
          });
  };
}

} // namespace siberius::actors
