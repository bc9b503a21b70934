#include "api/http_api.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <optional>
#include <string_view>

#include "api/api_support.hpp"
#include "actors/log.hpp"
#include "actors/messages.hpp"
#include "actors/upload_scheduler.hpp"
#include "net/client_id.hpp"
#include "net/url.hpp"

namespace siberius::actors {

namespace {

using json = nlohmann::json;
namespace http = net::http;

double uptime_seconds(const api_context& ctx) {
  using namespace std::chrono;
  return duration_cast<duration<double>>(steady_clock::now() - ctx.started).count();
}

using admin_step = caller_step;

void with_admin(const api_context& ctx, const net::http_request& req, const std::string& remote,
                const net::http_responder& respond, admin_step then) {
  with_caller(ctx, req, remote, respond, access::admin, std::move(then));
}

void health(const api_context& ctx, const net::http_request& req, const net::http_responder& respond) {
  respond(json_response(req, http::status::ok,
                        {{"status", "ok"}, {"timestamp", now_iso8601()}, {"uptime", uptime_seconds(ctx)}}));
}

void health_detailed(const api_context& ctx, const net::http_request& req, const std::string& remote,
                     const net::http_responder& respond) {
  with_admin(ctx, req, remote, respond, [ctx, req, respond](caf::event_based_actor* self, auto&) {
    auto server = std::make_shared<json>(json{{"status", "healthy"},
                   {"version", SIBERIUS_VERSION},
                   {"uptime", uptime_seconds(ctx)},
                   {"memory", {{"rssBytes", resident_bytes()}}},
                   {"timestamp", now_iso8601()}});
    auto unavailable = [=](const caf::error&) {
      (*server)["status"] = "degraded";
      respond(json_response(req, http::status::service_unavailable,
                            {{"server", *server}, {"database", {{"connected", false}}}}));
    };
    self->request(ctx.db, db_timeout, atom::db_stats_v)
      .then(
        [=](const json_reply& database_reply) {
          auto database = database_reply.value;
          self->request(ctx.db, db_timeout, atom::list_daemons_v)
            .then(
              [=](const json_reply& reply) {
                auto& list = reply.value;
                std::size_t online = 0;
                for (auto& d : list)
                  if (d.value("status", "") == "online")
                    ++online;
                json daemons = {{"total", list.size()}, {"online", online}, {"offline", list.size() - online}};
                daemons["list"] = list;
                json body = json::object();
                body["server"] = *server;
                body["database"] = database;
                body["daemons"] = std::move(daemons);
                respond(json_response(req, http::status::ok, body));
              },
              unavailable);
        },
        unavailable);
  });
}

void list_daemons(const api_context& ctx, const net::http_request& req, const std::string& remote,
                  const net::http_responder& respond) {
  with_admin(ctx, req, remote, respond, [ctx, req, respond](caf::event_based_actor* self, auto&) {
    self->request(ctx.db, db_timeout, atom::list_daemons_v)
      .then(
        [=](const json_reply& reply) {
          json body = json::object();
          body["daemons"] = reply.value;
          respond(json_response(req, http::status::ok, body));
        },
            [=](const caf::error&) {
              respond(error_response(req, http::status::service_unavailable, "database_unavailable",
                                     "database unavailable, retry later"));
            });
  });
}

void create_daemon_token(const api_context& ctx, const net::http_request& req, const std::string& remote,
                         const net::http_responder& respond) {
  auto parsed = json_body(req, respond, false);
  if (!parsed)
    return;
  auto& body = *parsed;
  auto name = body.value("name", json());
  if (!name.is_string() || name.get<std::string>().empty() || name.get<std::string>().size() > 255)
    return respond(error_response(req, http::status::bad_request, "bad_request",
                                  "name is required (1-255 characters)"));
  std::optional<std::string> client_id;
  if (auto c = body.value("clientId", json()); c.is_string() && !c.get<std::string>().empty()) {
    if (!net::valid_client_id(c.get<std::string>()))
      return respond(error_response(req, http::status::bad_request, "bad_request",
                                    "clientId: 1 to 100 characters among A-Z a-z 0-9 . _ : @ - "
                                    "(the daemon's CLIENT_ID)"));
    client_id = c.get<std::string>();
  } else if (!c.is_null()) {
    return respond(error_response(req, http::status::bad_request, "bad_request", "clientId must be a string"));
  }
  with_admin(ctx, req, remote, respond, [=](caf::event_based_actor* self, const storage::api_principal& who) {
    self->request(ctx.db, db_timeout, atom::create_token_v, name.get<std::string>(), client_id)
      .then(
        [=](const storage::issued_token& t) {
          log_event(log_level::info, "admin:daemon_token:created",
                    {{"by", who.name}, {"daemonId", t.id}, {"name", name}, {"clientId", t.client_id}});
          audit(ctx, who, remote, "daemon_token.create", "daemon " + std::to_string(t.id), "ok",
                {{"name", name}, {"clientId", t.client_id}});
          respond(json_response(req, http::status::created,
                                {{"id", t.id}, {"name", name}, {"clientId", t.client_id}, {"token", t.token}}));
        },
        [=](const caf::error& err) {
          if (is(err, db_errc::conflict))
            return respond(error_response(req, http::status::conflict, "conflict", reason_of(*ctx.sys, err)));
          if (is(err, db_errc::invalid))
            return respond(error_response(req, http::status::bad_request, "bad_request", reason_of(*ctx.sys, err)));
          respond(error_response(req, http::status::service_unavailable, "database_unavailable",
                                 "database unavailable, retry later"));
        });
  });
}

void db_unavailable_response(const net::http_request& req, const net::http_responder& respond) {
  respond(error_response(req, http::status::service_unavailable, "database_unavailable",
                         "database unavailable, retry later"));
}

void list_pdfs(const api_context& ctx, const net::http_request& req, const std::string& remote,
               const net::http_responder& respond) {
  // Read once the caller is known: a cursor is only valid for the view it was issued for.
  with_caller(ctx, req, remote, respond, access::user, [=](caf::event_based_actor* self, const auto& who) {
    std::optional<std::int64_t> visible_to;
    if (!who.admin())
      visible_to = who.user_id; // an API token without a user sees none
    auto query = net::parse_query_fields(req.target());
    if (query.malformed)
      return respond(error_response(req, http::status::bad_request, "bad_request",
                                    *query.malformed + ": malformed percent-encoding"));
    storage::query_pairs fields;
    for (auto& f : query.fields)
      fields.emplace_back(std::move(f.name), std::move(f.value));
    auto parsed = storage::parse_pdf_filter(fields, visible_to);
    if (auto err = std::get_if<std::string>(&parsed))
      return respond(error_response(req, http::status::bad_request, "bad_request", *err));
    auto mine = std::get<storage::pdf_filter>(parsed);
    self->request(ctx.db, db_timeout, atom::list_pdfs_v, mine)
      .then([=](const json_reply& reply) { respond(json_response(req, http::status::ok, reply.value)); },
            [=](const caf::error&) { db_unavailable_response(req, respond); });
  });
}

/// Runs `then` with the PDF id the path names: itself, or the one linked to
/// the atendimento (404 when there is none), once `who` may see it (403).
void resolve_pdf(const api_context& ctx, caf::event_based_actor* self, const net::http_request& req,
                 const pdf_path& where, const storage::api_principal& who, const net::http_responder& respond,
                 std::function<void(std::int64_t)> then) {
  auto id = where.id;
  if (!where.atendimento) {
    if (who.admin())
      return then(id);
    return ask_db(self, ctx, req, respond, [who, id](storage::metadata_store& s) { return s.can_access_pdf(who, id); },
                  [=](json allowed) {
                    if (!allowed.get<bool>())
                      return respond(forbidden(req, "PDF " + std::to_string(id) +
                                                        " is not linked to an atendimento you are scheduled on"));
                    then(id);
                  });
  }
  ask_db(self, ctx, req, respond,
         [who, id](storage::metadata_store& s) {
           auto a = s.pdf_of_atendimento(id);
           return json{{"exists", a.atendimento_exists},
                       {"pdf", a.pdf_id ? json(*a.pdf_id) : json()},
                       {"allowed", a.atendimento_exists && s.can_access_atendimento(who, id)}};
         },
         [=](json a) {
           if (!a["exists"].get<bool>())
             return respond(error_response(req, http::status::not_found, "not_found",
                                           "no atendimento with id " + std::to_string(id)));
           if (!a["allowed"].get<bool>())
             return respond(forbidden(req, "you are not scheduled on atendimento " + std::to_string(id)));
           if (a["pdf"].is_null())
             return respond(error_response(req, http::status::not_found, "no_pdf",
                                           "atendimento " + std::to_string(id) + " has no linked PDF"));
           then(a["pdf"].get<std::int64_t>());
         });
}

net::http_response answer_response(const net::http_request& req, const request_answer& a) {
  auto res = json_response(req, static_cast<http::status>(a.status), a.body);
  if (a.retry_after > 0)
    res.set(http::field::retry_after, std::to_string(a.retry_after));
  return res;
}

void pdf_status(const api_context& ctx, const net::http_request& req, const std::string& remote, pdf_path where,
                const net::http_responder& respond) {
  with_caller(ctx, req, remote, respond, access::user, [=](caf::event_based_actor* self, const auto& who) {
    resolve_pdf(ctx, self, req, where, who, respond, [=](std::int64_t id) {
      self->request(ctx.db, db_timeout, atom::pdf_status_v, id)
        .then(
          [=](const json_reply& reply) {
            if (reply.value.is_null())
              return respond(error_response(req, http::status::not_found, "not_found",
                                            "no PDF with id " + std::to_string(id)));
            auto body = reply.value;
            self->request(ctx.uploads, db_timeout, atom::transfer_status_v, id)
              .then([=](const json_reply& transfer) mutable {
                // A transfer under way says more than the row: how far it is,
                // or that it waits for the daemon.
                if (!transfer.value.is_null()) {
                  auto state = transfer.value.value("state", std::string());
                  body["status"] = state == "daemon_offline" ? "daemon_offline" : "uploading";
                  body["progress"] = transfer.value["progress"];
                  body["requestId"] = transfer.value["requestId"];
                  body["reason"] = nullptr;
                  body["transfer"] = transfer.value;
                }
                respond(json_response(req, http::status::ok, body));
              },
              [=](const caf::error&) { respond(json_response(req, http::status::ok, body)); });
          },
          [=](const caf::error&) { db_unavailable_response(req, respond); });
    });
  });
}

/// POST .../request {priority?}: 202 with a requestId (or the one under way),
/// 200 when already cached. DELETE .../request cancels the transfer.
void pdf_request(const api_context& ctx, const net::http_request& req, const std::string& remote, pdf_path where,
                 const net::http_responder& respond) {
  bool cancel = req.method() == http::verb::delete_;
  bool high = false;
  if (!cancel) {
    std::string priority = "normal";
    auto target = std::string_view(req.target());
    if (auto q = target.find('?'); q != std::string_view::npos) {
      auto query = target.substr(q + 1);
      if (query == "priority=high" || query == "priority=normal")
        priority = std::string(query.substr(9));
      else if (!query.empty())
        return respond(error_response(req, http::status::bad_request, "bad_request",
                                      "query: only priority=normal or priority=high"));
    }
    if (!req.body().empty()) {
      if (auto refused = too_deep(req))
        return respond(std::move(*refused));
      auto body = json::parse(req.body(), nullptr, false);
      if (body.is_discarded() || !body.is_object())
        return respond(error_response(req, http::status::bad_request, "bad_request",
                                      "body must be a JSON object {priority: normal|high}"));
      if (auto p = body.find("priority"); p != body.end()) {
        if (!p->is_string() || !parse_upload_priority(p->get<std::string>()))
          return respond(error_response(req, http::status::bad_request, "bad_request",
                                        "priority: expected normal or high"));
        priority = p->get<std::string>();
      }
    }
    high = priority == "high";
  }
  with_caller(ctx, req, remote, respond, access::user, [=](caf::event_based_actor* self, const auto& who) {
    resolve_pdf(ctx, self, req, where, who, respond, [=](std::int64_t id) {
      auto answer = [=](const request_answer& a) { respond(answer_response(req, a)); };
      auto failed = [=](const caf::error&) {
        respond(error_response(req, http::status::service_unavailable, "unavailable", "try again"));
      };
      if (cancel)
        self->request(ctx.uploads, db_timeout, atom::cancel_request_v, id, who.name).then(answer, failed);
      else
        self->request(ctx.uploads, db_timeout, atom::request_pdf_v, id, high, who.name).then(answer, failed);
    });
  });
}

} // namespace

net::http_response json_response(const net::http_request& req, http::status status, const json& body) {
  return json_text_response(req, status, body.dump());
}

net::http_response json_text_response(const net::http_request& req, http::status status, std::string body) {
  net::http_response res{status, req.version()};
  res.set(http::field::content_type, "application/json");
  res.set(http::field::cache_control, "no-store");
  res.keep_alive(req.keep_alive());
  res.body() = std::move(body);
  res.prepare_payload();
  return res;
}

net::http_response error_response(const net::http_request& req, http::status status, const std::string& code,
                                  const std::string& message) {
  auto res = json_response(req, status, {{"error", message}, {"code", code}});
  if (status == http::status::unauthorized)
    res.set(http::field::www_authenticate, "Bearer");
  return res;
}

std::string bearer_token(const net::http_request& req) {
  auto h = req[http::field::authorization];
  constexpr std::string_view prefix = "Bearer ";
  if (h.size() <= prefix.size() || h.substr(0, prefix.size()) != prefix)
    return {};
  return std::string(h.substr(prefix.size()));
}

bool over_tls(const net::http_request& req) {
  return boost::beast::iequals(req["X-Forwarded-Proto"], "https");
}

std::optional<byte_range> requested_range(std::string_view header, std::uint64_t size, bool& unsatisfiable) {
  unsatisfiable = false;
  constexpr std::string_view unit = "bytes=";
  if (header.substr(0, unit.size()) != unit)
    return std::nullopt; // not a byte range: the whole file
  auto spec = header.substr(unit.size());
  if (spec.find(',') != std::string_view::npos)
    return std::nullopt; // several ranges: the whole file, which RFC 9110 allows
  auto dash = spec.find('-');
  if (dash == std::string_view::npos)
    return std::nullopt;
  auto number = [](std::string_view d, std::uint64_t& out) {
    if (d.empty() || d.size() > 19)
      return false;
    out = 0;
    for (char c : d) {
      if (c < '0' || c > '9')
        return false;
      out = out * 10 + static_cast<std::uint64_t>(c - '0');
    }
    return true;
  };
  std::uint64_t a = 0, b = 0;
  auto first = spec.substr(0, dash), last = spec.substr(dash + 1);
  if (first.empty()) { // bytes=-N: the last N bytes
    if (!number(last, b) || b == 0 || size == 0) {
      unsatisfiable = true;
      return std::nullopt;
    }
    b = std::min(b, size);
    return byte_range{size - b, b};
  }
  if (!number(first, a))
    return std::nullopt;
  if (a >= size) {
    unsatisfiable = true;
    return std::nullopt;
  }
  if (last.empty())
    return byte_range{a, size - a};
  if (!number(last, b) || b < a)
    return std::nullopt;
  b = std::min(b, size - 1);
  return byte_range{a, b - a + 1};
}

std::string attachment_disposition(const std::string& name) {
  std::string ascii;
  for (unsigned char c : name) {
    bool plain = c >= 0x20 && c < 0x7f && c != '"' && c != '\\';
    ascii += plain ? static_cast<char>(c) : '_';
  }
  return "attachment; filename=\"" + ascii + "\"; filename*=UTF-8''" + net::percent_encode(name);
}

std::optional<pdf_path> parse_pdf_path(std::string_view path) {
  constexpr std::string_view pdfs = "/api/pdfs/", atendimentos = "/api/atendimentos/";
  pdf_path p;
  if (path.substr(0, pdfs.size()) == pdfs) {
    path.remove_prefix(pdfs.size());
  } else if (path.substr(0, atendimentos.size()) == atendimentos) {
    path.remove_prefix(atendimentos.size());
    p.atendimento = true;
  } else {
    return std::nullopt;
  }
  auto slash = path.find('/');
  if (slash == std::string_view::npos)
    return std::nullopt;
  auto id = parse_id(path.substr(0, slash));
  if (!id)
    return std::nullopt;
  p.id = *id;
  path.remove_prefix(slash + 1);
  if (p.atendimento) {
    constexpr std::string_view pdf = "pdf/";
    if (path.substr(0, pdf.size()) != pdf)
      return std::nullopt;
    path.remove_prefix(pdf.size());
  }
  if (path != "status" && path != "request" && path != "download")
    return std::nullopt;
  p.action = path;
  return p;
}

bool is_pdf_download_path(std::string_view path) {
  auto p = parse_pdf_path(path);
  return p && p->action == "download";
}

net::file_handler make_pdf_download(api_context ctx) {
  return [ctx](net::http_request req, std::string remote, net::http_responder respond, net::file_responder send) {
    if (auto refused = over_rate(ctx, req, remote))
      return respond(std::move(*refused));
    auto where = *parse_pdf_path(path_of_target(req.target()));
    with_caller(ctx, req, remote, respond, access::user, [=](caf::event_based_actor* self, const auto& who) {
      resolve_pdf(ctx, self, req, where, who, respond, [=](std::int64_t id) {
      self->request(ctx.db, db_timeout, atom::download_target_v, id)
        .then(
          [=](const std::optional<storage::download_target>& t) {
            if (!t)
              return respond(error_response(req, http::status::not_found, "not_found",
                                            "no PDF with id " + std::to_string(id)));
            if (t->status != "cached" || !t->file_path)
              return respond(error_response(req, http::status::conflict, "not_cached",
                                            "the PDF is not on the server (" + t->status +
                                                "): POST /api/pdfs/" + std::to_string(id) + "/request first"));
            auto etag = "\"" + t->file_hash + "\"";
            if (req[http::field::if_none_match] == etag) {
              net::http_response res{http::status::not_modified, req.version()};
              res.set(http::field::etag, etag);
              return respond(std::move(res));
            }
            int fd = ::open(t->file_path->c_str(), O_RDONLY | O_CLOEXEC);
            struct stat st{};
            if (fd < 0 || ::fstat(fd, &st) != 0) {
              int err = errno;
              if (fd >= 0)
                ::close(fd);
              // Only a file that is not there is lost; a server out of file
              // descriptors (or memory) has the copy and is busy for a moment.
              if (err == EMFILE || err == ENFILE || err == ENOMEM) {
                log_event(log_level::warn, "pdf:cache:busy",
                          {{"pdfId", id}, {"reason", std::strerror(err)}});
                auto res = error_response(req, http::status::service_unavailable, "server_busy",
                                          "the server is out of file descriptors; retry in a moment");
                res.set(http::field::retry_after, "1");
                return respond(std::move(res));
              }
              if (err != ENOENT && err != ENOTDIR) {
                log_event(log_level::error, "pdf:cache:unreadable",
                          {{"pdfId", id}, {"path", *t->file_path}, {"reason", std::strerror(err)}});
                return respond(error_response(req, http::status::internal_server_error, "cache_unreadable",
                                              "the cached copy cannot be read: " + std::string(std::strerror(err))));
              }
              log_event(log_level::error, "pdf:cache:lost", {{"pdfId", id}, {"path", *t->file_path}});
              return respond(error_response(req, http::status::not_found, "not_found",
                                            "the cached copy is gone; request the PDF again"));
            }
            auto size = static_cast<std::uint64_t>(st.st_size);
            bool unsatisfiable = false;
            auto range = requested_range(req[http::field::range], size, unsatisfiable);
            net::file_response file;
            file.fd = fd;
            file.header = net::http_response{range ? http::status::partial_content : http::status::ok, req.version()};
            if (unsatisfiable) {
              ::close(fd);
              auto res = error_response(req, http::status::range_not_satisfiable, "range_not_satisfiable",
                                        "the file has " + std::to_string(size) + " bytes");
              res.set(http::field::content_range, "bytes */" + std::to_string(size));
              return respond(std::move(res));
            }
            file.offset = range ? range->first : 0;
            file.length = range ? range->length : size;
            if (range)
              file.header.set(http::field::content_range, "bytes " + std::to_string(range->first) + "-" +
                                                              std::to_string(range->first + range->length - 1) + "/" +
                                                              std::to_string(size));
            file.header.set(http::field::content_type, "application/pdf");
            file.header.set(http::field::accept_ranges, "bytes");
            file.header.set(http::field::etag, etag);
            file.header.set(http::field::cache_control, "private, no-cache");
            file.header.set(http::field::content_disposition, attachment_disposition(t->filename));
            if (req.method() == http::verb::get)
              caf::anon_send(ctx.db, atom::downloaded_v, id, static_cast<std::int64_t>(file.length), who.name);
            send(std::move(file));
          },
          [=](const caf::error&) {
            respond(error_response(req, http::status::service_unavailable, "database_unavailable",
                                   "database unavailable, retry later"));
          });
      });
    });
  };
}

std::optional<net::http_response> over_rate(const api_context& ctx, const net::http_request& req,
                                           const std::string& remote) {
  if (!ctx.limiter)
    return std::nullopt;
  auto wait = ctx.limiter->take(remote, rate_limiter::clock::now());
  if (wait.count() == 0)
    return std::nullopt;
  auto res = error_response(req, http::status::too_many_requests, "rate_limited",
                            "too many requests from " + remote + "; retry in " + std::to_string(wait.count()) + " s");
  res.set(http::field::retry_after, std::to_string(wait.count()));
  return res;
}

std::size_t resident_bytes() {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("VmRSS:", 0) == 0)
      return std::stoull(line.substr(6)) * 1024;
  return 0;
}

net::http_handler make_http_api(api_context ctx) {
  return [ctx](net::http_request req, std::string remote, net::http_responder respond) {
    auto path = path_of_target(req.target());
    auto method = req.method();
    if (path != "/health") {
      if (auto refused = over_rate(ctx, req, remote))
        return respond(std::move(*refused));
    }
    struct route {
      http::verb verb;
      std::string_view path;
      void (*serve)(const api_context&, const net::http_request&, const std::string&, const net::http_responder&);
    };
    static const route routes[] = {
      {http::verb::get, "/health",
       [](auto& c, auto& r, auto&, auto& respond) { health(c, r, respond); }},
      {http::verb::get, "/health/detailed", health_detailed},
      {http::verb::get, "/api/admin/daemons", list_daemons},
      {http::verb::post, "/api/admin/daemon-tokens", create_daemon_token},
      {http::verb::get, "/api/pdfs", list_pdfs},
    };
    if (serve_account_api(ctx, req, remote, respond) || serve_daemon_admin_api(ctx, req, remote, respond) ||
        serve_monitor_api(ctx, req, remote, respond) || serve_cache_admin_api(ctx, req, remote, respond) ||
        serve_alerts_api(ctx, req, remote, respond) ||
        serve_metrics_api(ctx, req, remote, respond) ||
        serve_atendimento_api(ctx, req, remote, respond))
      return;
    if (auto where = parse_pdf_path(path)) {
      bool allowed = where->action == "status" ? method == http::verb::get
                                               : method == http::verb::post || method == http::verb::delete_;
      if (!allowed || where->action == "download") // downloads are served by the file route
        return respond(error_response(req, http::status::method_not_allowed, "method_not_allowed",
                                      "method not allowed on " + std::string(path)));
      if (where->action == "status")
        return pdf_status(ctx, req, remote, *where, respond);
      return pdf_request(ctx, req, remote, *where, respond);
    }
    bool path_known = false;
    for (auto& r : routes) {
      if (r.path != path)
        continue;
      path_known = true;
      if (r.verb == method)
        return r.serve(ctx, req, remote, respond);
    }
    if (path_known)
      return respond(error_response(req, http::status::method_not_allowed, "method_not_allowed",
                                    "method not allowed on " + std::string(path)));
    respond(error_response(req, http::status::not_found, "not_found", "no such endpoint: " + std::string(path)));
  };
}

} // namespace siberius::actors
