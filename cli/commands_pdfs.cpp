// pdf search / status / request / download: finding a document and bringing
// it from the office to the server, then to this machine.
#include <chrono>
#include <memory>
#include <thread>

#include "cli/commands.hpp"
#include "cli/download_file.hpp"
#include "cli/errors.hpp"
#include "cli/format.hpp"
#include "cli/local_time.hpp"
#include "cli/pdf_views.hpp"

namespace siberius::cli {

namespace {

using steady = std::chrono::steady_clock;

// How often `pdf request --wait` asks for the status.
constexpr auto poll_interval = std::chrono::milliseconds(500);

struct search_args {
  std::string tipo, numero, cliente, from, to, status, client_id;
  int page = 1;
  int page_size = 25;
  CLI::Option *tipo_opt = nullptr, *numero_opt = nullptr, *cliente_opt = nullptr, *from_opt = nullptr,
              *to_opt = nullptr, *status_opt = nullptr, *client_id_opt = nullptr, *page_opt = nullptr,
              *page_size_opt = nullptr;
};

struct pdf_args {
  std::int64_t id = 0;
  std::string priority = "normal";
  bool wait = false;
  int wait_seconds = 120;
  std::string output;
  bool force = false;
};

std::string pdf_path(std::int64_t id, const char* action) { return "/api/pdfs/" + std::to_string(id) + action; }

std::optional<std::string> given(const CLI::Option* opt, const std::string& value) {
  return opt->count() > 0 ? std::optional<std::string>(value) : std::nullopt;
}

int search_pdfs(const command_context& ctx, const search_args& a) {
  if (a.from_opt->count() > 0 && a.to_opt->count() > 0 && a.from > a.to)
    throw usage_error("--from " + a.from + " is after --to " + a.to);
  auto path = with_query("/api/pdfs", {{"tipo", given(a.tipo_opt, a.tipo)},
                                       {"numero", given(a.numero_opt, a.numero)},
                                       {"cliente", given(a.cliente_opt, a.cliente)},
                                       {"status", given(a.status_opt, a.status)},
                                       {"clientId", given(a.client_id_opt, a.client_id)},
                                       {"from", given(a.from_opt, a.from)},
                                       {"to", given(a.to_opt, a.to)},
                                       {"page", given(a.page_opt, std::to_string(a.page))},
                                       {"pageSize", given(a.page_size_opt, std::to_string(a.page_size))}});
  auto reply = ctx.client().get(path);
  if (ctx.flags.json)
    ctx.print_json(reply);
  else
    *ctx.out << render_pdf_search(reply);
  return exit_ok;
}

int show_pdf_status(const command_context& ctx, const pdf_args& a) {
  auto reply = ctx.client().get(pdf_path(a.id, "/status"));
  if (ctx.flags.json)
    ctx.print_json(reply);
  else
    *ctx.out << render_pdf_status(reply);
  return exit_ok;
}

// Why a transfer ended without the file: the server's reason when it gives one.
std::string why_not_arrived(const nlohmann::json& status) {
  if (auto reason = string_field(status, "reason"); reason && !reason->empty())
    return *reason;
  if (status.contains("lastTransfer") && status["lastTransfer"].is_object())
    if (auto error = string_field(status["lastTransfer"], "error"); error && !error->empty())
      return *error;
  return "the transfer ended with status " + cell_text(status, "status");
}

// Polls the status until the PDF is cached (exit 0), the transfer ends
// without it (failed, missing: exit 1 with the reason) or time runs out.
int wait_for_pdf(const command_context& ctx, const api_client& client, const pdf_args& a) {
  auto deadline = steady::now() + std::chrono::seconds(a.wait_seconds);
  std::string last_line;
  for (;;) {
    auto status = client.get(pdf_path(a.id, "/status"));
    auto state = string_field(status, "status").value_or("");
    if (auto line = describe_pdf_progress(a.id, status); !ctx.flags.json && line != last_line) {
      *ctx.err << line << '\n';
      last_line = line;
    }
    bool under_way = state == "uploading" || state == "daemon_offline";
    if (state == "cached" || !under_way) {
      if (ctx.flags.json)
        ctx.print_json(status);
      if (state != "cached")
        throw std::runtime_error("PDF " + std::to_string(a.id) + " did not arrive: " + why_not_arrived(status));
      if (!ctx.flags.json)
        *ctx.out << render_pdf_cached(a.id, status);
      return exit_ok;
    }
    auto now = steady::now();
    if (now >= deadline)
      throw std::runtime_error("PDF " + std::to_string(a.id) + " is still " + state + " after " +
                               std::to_string(a.wait_seconds) + " s; follow it with `siberius-admin pdf status " +
                               std::to_string(a.id) + "`");
    std::this_thread::sleep_for(std::min<steady::duration>(poll_interval, deadline - now));
  }
}

int request_pdf(const command_context& ctx, const pdf_args& a) {
  auto client = ctx.client();
  auto reply = client.post(pdf_path(a.id, "/request"), {{"priority", a.priority}});
  if (a.wait && string_field(reply, "status") != std::optional<std::string>("cached"))
    return wait_for_pdf(ctx, client, a);
  if (ctx.flags.json)
    ctx.print_json(reply);
  else
    *ctx.out << render_pdf_request(a.id, reply);
  return exit_ok;
}

int download_pdf(const command_context& ctx, const pdf_args& a) {
  if (!a.output.empty())
    download_file::refuse_existing(a.output, a.force); // before a byte is fetched
  auto client = ctx.client();
  download_file file(a.output, "pdf-" + std::to_string(a.id) + ".pdf", a.force);
  try {
    client.download(pdf_path(a.id, "/download"), file);
  } catch (const api_error& e) {
    if (e.status == 409 && e.code == "not_cached")
      throw api_error(e.status,
                      "PDF " + std::to_string(a.id) + " is not cached on the server: run `siberius-admin pdf request " +
                          std::to_string(a.id) + " --wait` first",
                      e.code);
    throw;
  }
  file.commit();
  if (ctx.flags.json)
    ctx.print_json({{"id", a.id}, {"file", file.path()}, {"bytes", file.bytes()}, {"sha256", file.sha256()}});
  else
    *ctx.out << "Saved " << file.path() << " (" << format_bytes(static_cast<double>(file.bytes())) << ").\n";
  return exit_ok;
}

CLI::Option* add_id(CLI::App* sub, pdf_args& a) {
  return sub->add_option("ID", a.id, "The PDF's id (see `pdf search`)")->required()->check(CLI::PositiveNumber);
}

} // namespace

void add_pdf_commands(CLI::App& app, command_context& ctx, command_action& chosen) {
  auto* group = app.add_subcommand("pdf", "Find the office's PDFs and bring one here");
  group->require_subcommand(1);

  auto s = std::make_shared<search_args>();
  auto* search = group->add_subcommand("search", "Search the indexed PDFs, newest event first");
  s->tipo_opt = search->add_option("--tipo", s->tipo, "Document type")
                    ->check(CLI::IsMember({"orcamento", "os", "montagem", "desconhecido"}));
  s->numero_opt = search->add_option("--numero", s->numero, "The document number, exactly");
  s->cliente_opt = search->add_option("--cliente", s->cliente, "Part of the customer's name, any case");
  s->from_opt = search->add_option("--from", s->from, "Event on or after YYYY-MM-DD")->check(check_calendar_date);
  s->to_opt = search->add_option("--to", s->to, "Event on or before YYYY-MM-DD")->check(check_calendar_date);
  s->status_opt = search->add_option("--status", s->status, "Where the file is")
                      ->check(CLI::IsMember({"available_local", "uploading", "cached", "expired", "missing"}));
  s->client_id_opt = search->add_option("--client-id", s->client_id, "Only PDFs of the daemon with this CLIENT_ID");
  s->page_opt = search->add_option("--page", s->page, "Page, from 1")->check(CLI::Range(1, 1000000));
  s->page_size_opt = search->add_option("--page-size", s->page_size, "PDFs per page, 1 to 100 (default 25)")
                         ->check(CLI::Range(1, 100));
  search->callback([&ctx, &chosen, s] { chosen = [&ctx, s] { return search_pdfs(ctx, *s); }; });

  auto st = std::make_shared<pdf_args>();
  auto* status = group->add_subcommand("status", "Where one PDF is: in the office, on its way, or cached");
  add_id(status, *st);
  status->callback([&ctx, &chosen, st] { chosen = [&ctx, st] { return show_pdf_status(ctx, *st); }; });

  auto rq = std::make_shared<pdf_args>();
  auto* request = group->add_subcommand(
      "request", "Ask the office daemon to upload a PDF to the server's cache; --wait until it is there");
  add_id(request, *rq);
  request->add_option("--priority", rq->priority, "normal or high (ahead of the daemon's other uploads)")
      ->check(CLI::IsMember({"normal", "high"}))
      ->capture_default_str();
  auto* wait = request->add_flag(
      "--wait", rq->wait, "Wait until it is cached (exit 0), or the upload fails or the file is missing (exit 1)");
  request->add_option("--timeout-s", rq->wait_seconds, "Seconds to wait with --wait")
      ->check(CLI::Range(1, 86400))
      ->needs(wait)
      ->capture_default_str();
  request->callback([&ctx, &chosen, rq] { chosen = [&ctx, rq] { return request_pdf(ctx, *rq); }; });

  auto dl = std::make_shared<pdf_args>();
  auto* download = group->add_subcommand(
      "download", "Save the server's cached copy of a PDF (run `pdf request ID --wait` first if it is not cached)");
  add_id(download, *dl);
  download->add_option("-o,--output", dl->output, "FILE to write (default: the name the server gives)")
      ->check([](const std::string& v) { return v.empty() ? std::string("must not be empty") : std::string(); });
  download->add_flag("--force", dl->force, "Replace the file if it exists");
  download->callback([&ctx, &chosen, dl] { chosen = [&ctx, dl] { return download_pdf(ctx, *dl); }; });
}

} // namespace siberius::cli
