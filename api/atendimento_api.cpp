// REST: atendimentos (the calendar) and "escalar equipe" on an indexed PDF.
// Admins create and edit; a technician lists and reads the ones they are
// scheduled on. Every change goes out as atendimento:updated on /client to
// admins and to the technicians on it (before and after the change); so does
// a PDF that joins one as it is indexed (daemon_session.cpp).
#include "api/api_support.hpp"
#include "actors/log.hpp"
#include "net/url.hpp"
#include "storage/atendimentos.hpp"
#include "storage/pdf_query.hpp"

namespace siberius::actors {

namespace {

namespace http = net::http;
using json = nlohmann::json;

std::vector<std::int64_t> tecnico_ids(const json& a) {
  std::vector<std::int64_t> ids;
  if (a.is_object() && a.contains("tecnicos"))
    for (auto& t : a["tecnicos"])
      ids.push_back(t["id"].get<std::int64_t>());
  return ids;
}

/// Tells /client about a change: admins, and technicians on it before or after.
void announce(const api_context& ctx, const json& before, const json& after) {
  auto ids = tecnico_ids(before);
  for (auto id : tecnico_ids(after))
    ids.push_back(id);
  caf::anon_send(ctx.hub, atom::audience_changed_v);
  caf::anon_send(ctx.hub, atom::publish_to_v, std::string("atendimento:updated"), after, ids);
}

void list(const api_context& ctx, const net::http_request& req, const std::string& remote,
          const net::http_responder& respond) {
  bool bad = false;
  auto target = std::string_view(req.target());
  auto from = query_param(target, "from", bad), to = query_param(target, "to", bad);
  if (bad || (from && !storage::is_iso_date(*from)) || (to && !storage::is_iso_date(*to)))
    return respond(error_response(req, http::status::bad_request, "bad_request", "from, to: YYYY-MM-DD"));
  if (from && to && *from > *to)
    return respond(error_response(req, http::status::bad_request, "bad_request", "from: after to"));
  auto q = target.find('?');
  if (q != std::string_view::npos) {
    for (auto rest = target.substr(q + 1); !rest.empty();) {
      auto amp = rest.find('&');
      auto name = rest.substr(0, std::min(amp, rest.find('=')));
      if (name != "from" && name != "to")
        return respond(error_response(req, http::status::bad_request, "bad_request",
                                      std::string(name) + ": unknown parameter (from, to)"));
      if (amp == std::string_view::npos)
        break;
      rest.remove_prefix(amp + 1);
    }
  }
  with_caller(ctx, req, remote, respond, access::user, [=](caf::event_based_actor* self, const auto& who) {
    self->request(ctx.db, db_timeout, atom::list_atendimentos_v, atendimento_period{from, to, who})
      .then([=](const json_text& items) { respond(json_text_response(req, http::status::ok, items.body)); },
            [=](const caf::error& err) {
              log_event(log_level::warn, "api:db:failed",
                        {{"path", std::string(path_of_target(req.target()))}, {"reason", reason_of(*ctx.sys, err)}});
              respond(error_response(req, http::status::service_unavailable, "database_unavailable",
                                     "database unavailable, retry later"));
            });
  });
}

void show(const api_context& ctx, const net::http_request& req, const std::string& remote, std::int64_t id,
          const net::http_responder& respond) {
  with_caller(ctx, req, remote, respond, access::user, [=](caf::event_based_actor* self, const auto& who) {
    ask_db(self, ctx, req, respond, [id](storage::metadata_store& s) { return s.atendimento(id).value_or(json()); },
           [=](json a) {
             if (a.is_null())
               return respond(error_response(req, http::status::not_found, "not_found",
                                             "no atendimento with id " + std::to_string(id)));
             auto ids = tecnico_ids(a);
             if (!who.admin() && std::find(ids.begin(), ids.end(), who.user_id) == ids.end())
               return respond(forbidden(req, "you are not scheduled on atendimento " + std::to_string(id)));
             respond(json_response(req, http::status::ok, a));
           });
  });
}

/// POST /api/atendimentos, PUT /api/atendimentos/:id, PUT .../:id/tecnicos,
/// POST /api/pdfs/:id/escalar.
enum class change { create, update, tecnicos, escalar };

void write(const api_context& ctx, const net::http_request& req, const std::string& remote, change what,
           std::int64_t id, const net::http_responder& respond) {
  auto body = json_body(req, respond, what == change::escalar);
  if (!body)
    return;
  if (what == change::tecnicos && (body->size() != 1 || !body->contains("tecnicos")))
    return respond(error_response(req, http::status::bad_request, "bad_request", "body: {tecnicos: [id or login]}"));
  if (what == change::escalar && !body->contains("tecnicos"))
    (*body)["tecnicos"] = json::array();
  auto parsed = storage::parse_atendimento_input(*body, what == change::create);
  if (auto err = std::get_if<std::string>(&parsed))
    return respond(error_response(req, http::status::bad_request, "bad_request", *err));
  auto in = std::get<storage::atendimento_input>(parsed);
  with_caller(ctx, req, remote, respond, access::admin, [=](caf::event_based_actor* self, const auto& who) {
    std::optional<std::int64_t> by;
    if (who.user_id)
      by = who.user_id;
    ask_db(self, ctx, req, respond,
           [what, id, in, by](storage::metadata_store& s) -> json {
             switch (what) {
               case change::create:
                 return {{"before", nullptr}, {"after", s.create_atendimento(in, by)}};
               case change::escalar:
                 return {{"before", nullptr}, {"after", s.escalar(id, in, by).value_or(json())}};
               default: {
                 auto before = s.atendimento(id);
                 if (!before)
                   return {{"before", nullptr}, {"after", nullptr}};
                 return {{"before", *before}, {"after", s.update_atendimento(id, in, by).value_or(json())}};
               }
             }
           },
           [=](json result) {
             auto& after = result["after"];
             if (after.is_null())
               return respond(error_response(req, http::status::not_found, "not_found",
                                             what == change::escalar ? "no PDF with id " + std::to_string(id)
                                                                     : "no atendimento with id " + std::to_string(id)));
             static const char* actions[] = {"atendimento.create", "atendimento.update", "atendimento.assign",
                                             "atendimento.escalar"};
             audit(ctx, who, remote, actions[static_cast<int>(what)], "atendimento " + after["id"].dump(), "ok",
                   {{"tecnicos", tecnico_ids(after)}});
             announce(ctx, result["before"], after);
             bool created = what == change::create || what == change::escalar;
             respond(json_response(req, created ? http::status::created : http::status::ok, after));
           });
  });
}

/// DELETE /api/atendimentos/:id/pdfs/:pdfId: the PDF is no longer linked to
/// it; the technicians on it lose access to that PDF with the same commit.
void unlink_pdf(const api_context& ctx, const net::http_request& req, const std::string& remote, std::int64_t id,
                std::int64_t pdf_id, const net::http_responder& respond) {
  with_caller(ctx, req, remote, respond, access::admin, [=](caf::event_based_actor* self, const auto& who) {
    std::optional<std::int64_t> by;
    if (who.user_id)
      by = who.user_id;
    ask_db(self, ctx, req, respond,
           [id, pdf_id, by](storage::metadata_store& s) -> json {
             auto before = s.atendimento(id);
             if (!before)
               return {{"missing", "atendimento"}};
             bool linked = false;
             for (auto& p : (*before)["pdfs"])
               linked = linked || p["id"].get<std::int64_t>() == pdf_id;
             if (!linked)
               return {{"missing", "link"}};
             storage::atendimento_input in;
             in.unlink_pdfs = {pdf_id};
             return {{"before", *before}, {"after", s.update_atendimento(id, in, by).value_or(json())}};
           },
           [=](json result) {
             if (result.contains("missing") || result["after"].is_null()) {
               auto why = result.value("missing", "") == "link"
                              ? "PDF " + std::to_string(pdf_id) + " is not linked to atendimento " + std::to_string(id)
                              : "no atendimento with id " + std::to_string(id);
               return respond(error_response(req, http::status::not_found, "not_found", why));
             }
             auto& after = result["after"];
             audit(ctx, who, remote, "atendimento.unlink_pdf", "atendimento " + after["id"].dump(), "ok",
                   {{"pdf", pdf_id}, {"tecnicos", tecnico_ids(after)}});
             announce(ctx, result["before"], after);
             respond(json_response(req, http::status::ok, after));
           });
  });
}

/// A path segment percent-decoded ('+' is itself there); nullopt when malformed.
std::optional<std::string> decode_segment(std::string_view s) {
  return net::percent_decode(s, false);
}

/// DELETE /api/atendimentos/:id/referencias/:tipo/:numero: the atendimento
/// no longer waits for that document (a PDF of it indexed later stays
/// unlinked); PDFs already linked stay linked.
void unlink_ref(const api_context& ctx, const net::http_request& req, const std::string& remote, std::int64_t id,
                std::string_view rest, const net::http_responder& respond) {
  if (req.method() != http::verb::delete_)
    return respond(not_allowed(req));
  auto slash = rest.find('/');
  std::optional<std::string> tipo, numero;
  if (slash != std::string_view::npos) {
    tipo = decode_segment(rest.substr(0, slash));
    numero = decode_segment(rest.substr(slash + 1));
  }
  if (!tipo || !numero)
    return respond(error_response(req, http::status::bad_request, "bad_request",
                                  "path: /api/atendimentos/:id/referencias/:tipo/:numero (numero percent-encoded)"));
  if (auto why = storage::unfit_reference(*tipo, *numero))
    return respond(error_response(req, http::status::bad_request, "bad_request", *why));
  with_caller(ctx, req, remote, respond, access::admin, [=](caf::event_based_actor* self, const auto& who) {
    std::optional<std::int64_t> by;
    if (who.user_id)
      by = who.user_id;
    auto t = *tipo, n = *numero;
    ask_db(self, ctx, req, respond,
           [id, t, n, by](storage::metadata_store& s) -> json {
             auto before = s.atendimento(id);
             if (!before)
               return {{"missing", "atendimento"}};
             bool referenced = false;
             for (auto& r : (*before)["referencias"])
               referenced = referenced || (r["tipo"] == t && r["numero"] == n);
             if (!referenced)
               return {{"missing", "reference"}};
             storage::atendimento_input in;
             in.unlink_refs = {{t, n}};
             return {{"before", *before}, {"after", s.update_atendimento(id, in, by).value_or(json())}};
           },
           [=](json result) {
             if (result.contains("missing") || result["after"].is_null()) {
               auto why = result.value("missing", "") == "reference"
                              ? "atendimento " + std::to_string(id) + " does not reference " + t + " " + n
                              : "no atendimento with id " + std::to_string(id);
               return respond(error_response(req, http::status::not_found, "not_found", why));
             }
             auto& after = result["after"];
             audit(ctx, who, remote, "atendimento.unlink_ref", "atendimento " + after["id"].dump(), "ok",
                   {{"tipo", t}, {"numero", n}, {"tecnicos", tecnico_ids(after)}});
             announce(ctx, result["before"], after);
             respond(json_response(req, http::status::ok, after));
           });
  });
}

} // namespace

bool serve_atendimento_api(const api_context& ctx, const net::http_request& req, const std::string& remote,
                           const net::http_responder& respond) {
  auto path = path_of_target(req.target());
  auto method = req.method();
  if (path == "/api/atendimentos") {
    if (method == http::verb::get)
      list(ctx, req, remote, respond);
    else if (method == http::verb::post)
      write(ctx, req, remote, change::create, 0, respond);
    else
      respond(not_allowed(req));
    return true;
  }
  auto tail = [](std::string_view p, std::string_view prefix, std::int64_t& id) -> std::optional<std::string_view> {
    if (p.substr(0, prefix.size()) != prefix)
      return std::nullopt;
    p.remove_prefix(prefix.size());
    auto slash = p.find('/');
    auto n = parse_id(p.substr(0, slash));
    if (!n)
      return std::nullopt;
    id = *n;
    return slash == std::string_view::npos ? std::string_view() : p.substr(slash + 1);
  };
  std::int64_t id = 0;
  if (auto rest = tail(path, "/api/pdfs/", id); rest && *rest == "escalar") {
    if (method != http::verb::post)
      respond(not_allowed(req));
    else
      write(ctx, req, remote, change::escalar, id, respond);
    return true;
  }
  auto rest = tail(path, "/api/atendimentos/", id);
  if (!rest)
    return false;
  if (rest->empty()) {
    if (method == http::verb::get)
      show(ctx, req, remote, id, respond);
    else if (method == http::verb::put)
      write(ctx, req, remote, change::update, id, respond);
    else
      respond(not_allowed(req));
    return true;
  }
  if (*rest == "tecnicos") {
    if (method != http::verb::put)
      respond(not_allowed(req));
    else
      write(ctx, req, remote, change::tecnicos, id, respond);
    return true;
  }
  if (rest->substr(0, 5) == "pdfs/") {
    auto pdf_id = parse_id(rest->substr(5));
    if (!pdf_id)
      return false;
    if (method != http::verb::delete_)
      respond(not_allowed(req));
    else
      unlink_pdf(ctx, req, remote, id, *pdf_id, respond);
    return true;
  }
  if (rest->substr(0, 12) == "referencias/") {
    unlink_ref(ctx, req, remote, id, rest->substr(12), respond);
    return true;
  }
  return false;
}

} // namespace siberius::actors
