// atendimentos list / show / create / assign / escalar: scheduling the jobs
// technicians go out to, and linking them to the office's PDFs.
#include <memory>

#include "cli/atendimento_views.hpp"
#include "cli/commands.hpp"
#include "cli/errors.hpp"
#include "cli/format.hpp"
#include "cli/local_time.hpp"

namespace siberius::cli {

namespace {

struct period_args {
  std::string from, to;
  CLI::Option *from_opt = nullptr, *to_opt = nullptr;
};

struct atendimento_args {
  std::int64_t id = 0; // the atendimento, or the PDF for escalar
  std::string titulo, inicio, fim, cliente, local, tipo, numero;
  std::vector<std::string> tecnicos;
  std::vector<std::int64_t> pdfs;
  std::vector<std::string> hashes;
  CLI::Option *titulo_opt = nullptr, *inicio_opt = nullptr, *fim_opt = nullptr, *cliente_opt = nullptr,
              *local_opt = nullptr, *tipo_opt = nullptr;
};

std::string not_empty(const std::string& v) { return v.empty() ? std::string("must not be empty") : std::string(); }

std::string check_sha256(const std::string& v) {
  bool hex = v.size() == 64 && v.find_first_not_of("0123456789abcdefABCDEF") == std::string::npos;
  return hex ? std::string() : "expected a SHA-256 of 64 hex digits, got \"" + v + "\"";
}

std::string utc(const std::string& local) { return *local_to_utc_iso(local); } // checked by the parser

void print_atendimento(const command_context& ctx, const nlohmann::json& reply, const std::string& headline) {
  if (ctx.flags.json) {
    ctx.print_json(reply);
    return;
  }
  if (!headline.empty())
    *ctx.out << headline << "\n\n";
  *ctx.out << render_atendimento(reply);
}

int list_atendimentos(const command_context& ctx, const period_args& a) {
  if (a.from_opt->count() > 0 && a.to_opt->count() > 0 && a.from > a.to)
    throw usage_error("--from " + a.from + " is after --to " + a.to);
  auto path = with_query("/api/atendimentos",
                         {{"from", a.from_opt->count() > 0 ? std::optional<std::string>(a.from) : std::nullopt},
                          {"to", a.to_opt->count() > 0 ? std::optional<std::string>(a.to) : std::nullopt}});
  auto reply = ctx.client().get(path);
  if (ctx.flags.json)
    ctx.print_json(reply);
  else
    *ctx.out << render_atendimentos(reply);
  return exit_ok;
}

int show_atendimento(const command_context& ctx, const atendimento_args& a) {
  print_atendimento(ctx, ctx.client().get("/api/atendimentos/" + std::to_string(a.id)), "");
  return exit_ok;
}

nlohmann::json create_body(const atendimento_args& a) {
  nlohmann::json body{{"titulo", a.titulo}, {"dataInicio", utc(a.inicio)}};
  if (a.fim_opt->count() > 0) {
    body["dataFim"] = utc(a.fim);
    if (body["dataFim"] < body["dataInicio"]) // both UTC in one format: text order is time order
      throw usage_error("--fim " + a.fim + " is before --inicio " + a.inicio);
  }
  if (a.cliente_opt->count() > 0)
    body["cliente"] = a.cliente;
  if (a.local_opt->count() > 0)
    body["local"] = a.local;
  if (!a.tecnicos.empty())
    body["tecnicos"] = a.tecnicos;
  auto pdfs = nlohmann::json::array();
  for (auto id : a.pdfs)
    pdfs.push_back({{"id", id}});
  for (const auto& hash : a.hashes)
    pdfs.push_back({{"fileHash", hash}});
  if (a.tipo_opt->count() > 0)
    pdfs.push_back({{"tipo", a.tipo}, {"numero", a.numero}});
  if (!pdfs.empty())
    body["pdfs"] = pdfs;
  return body;
}

int create_atendimento(const command_context& ctx, const atendimento_args& a) {
  auto body = create_body(a);
  auto reply = ctx.client().post("/api/atendimentos", body);
  print_atendimento(ctx, reply, "Created atendimento " + cell_text(reply, "id") + ".");
  return exit_ok;
}

int assign_tecnicos(const command_context& ctx, const atendimento_args& a) {
  auto reply =
      ctx.client().put("/api/atendimentos/" + std::to_string(a.id) + "/tecnicos", {{"tecnicos", a.tecnicos}});
  print_atendimento(ctx, reply, "Technicians of atendimento " + std::to_string(a.id) + " replaced.");
  return exit_ok;
}

int escalate_pdf(const command_context& ctx, const atendimento_args& a) {
  nlohmann::json body{{"tecnicos", a.tecnicos}};
  if (a.titulo_opt->count() > 0)
    body["titulo"] = a.titulo;
  if (a.inicio_opt->count() > 0)
    body["dataInicio"] = utc(a.inicio);
  auto reply = ctx.client().post("/api/pdfs/" + std::to_string(a.id) + "/escalar", body);
  print_atendimento(ctx, reply,
                    "Created atendimento " + cell_text(reply, "id") + " from PDF " +
                        std::to_string(a.id) + ".");
  return exit_ok;
}

void add_tecnicos_option(CLI::App* sub, atendimento_args& a, bool required, const char* what) {
  auto* opt = sub->add_option("--tecnico", a.tecnicos, what)->check(not_empty);
  if (required)
    opt->required();
}

} // namespace

void add_atendimentos_commands(CLI::App& app, command_context& ctx, command_action& chosen) {
  auto* group = app.add_subcommand("atendimentos", "Schedule jobs (atendimentos), their technicians and PDFs");
  group->require_subcommand(1);

  auto p = std::make_shared<period_args>();
  auto* list = group->add_subcommand("list", "List the atendimentos of a period (the server's default without dates)");
  p->from_opt = list->add_option("--from", p->from, "From YYYY-MM-DD")->check(check_calendar_date);
  p->to_opt = list->add_option("--to", p->to, "To YYYY-MM-DD, included")->check(check_calendar_date);
  list->callback([&ctx, &chosen, p] { chosen = [&ctx, p] { return list_atendimentos(ctx, *p); }; });

  auto sh = std::make_shared<atendimento_args>();
  auto* show = group->add_subcommand("show", "Show one atendimento: times, place, technicians, PDFs");
  show->add_option("ID", sh->id, "The atendimento's id")->required()->check(CLI::PositiveNumber);
  show->callback([&ctx, &chosen, sh] { chosen = [&ctx, sh] { return show_atendimento(ctx, *sh); }; });

  auto c = std::make_shared<atendimento_args>();
  auto* create = group->add_subcommand("create", "Create an atendimento (times in local time)");
  c->titulo_opt = create->add_option("--titulo", c->titulo, "Title")->required()->check(not_empty);
  c->inicio_opt = create->add_option("--inicio", c->inicio, "Start, YYYY-MM-DD or YYYY-MM-DDTHH:MM")
                      ->required()
                      ->check(check_local_date_time);
  c->fim_opt = create->add_option("--fim", c->fim, "End, YYYY-MM-DD or YYYY-MM-DDTHH:MM")->check(check_local_date_time);
  c->cliente_opt = create->add_option("--cliente", c->cliente, "Customer");
  c->local_opt = create->add_option("--local", c->local, "Where");
  add_tecnicos_option(create, *c, false, "LOGIN of a technician to send (repeat for more)");
  create->add_option("--pdf", c->pdfs, "Link the PDF with this id (repeat for more)")->check(CLI::PositiveNumber);
  create->add_option("--hash", c->hashes, "Link the PDF with this SHA-256 (repeat for more)")->check(check_sha256);
  c->tipo_opt = create->add_option("--tipo", c->tipo,
                                   "Link the PDFs of this type and --numero; one not indexed yet joins when it is")
                    ->check(CLI::IsMember({"orcamento", "os", "montagem"}));
  auto* numero = create->add_option("--numero", c->numero, "The document number, with --tipo")->check(not_empty);
  c->tipo_opt->needs(numero);
  numero->needs(c->tipo_opt);
  create->callback([&ctx, &chosen, c] { chosen = [&ctx, c] { return create_atendimento(ctx, *c); }; });

  auto as = std::make_shared<atendimento_args>();
  auto* assign = group->add_subcommand("assign", "Replace the technicians of an atendimento");
  assign->add_option("ID", as->id, "The atendimento's id")->required()->check(CLI::PositiveNumber);
  add_tecnicos_option(assign, *as, true, "LOGIN of a technician (repeat for more; the list replaces the old one)");
  assign->callback([&ctx, &chosen, as] { chosen = [&ctx, as] { return assign_tecnicos(ctx, *as); }; });

  auto e = std::make_shared<atendimento_args>();
  auto* escalar = group->add_subcommand(
      "escalar", "Create an atendimento from a PDF's data (customer, event date) with these technicians");
  escalar->add_option("PDF_ID", e->id, "The PDF's id (see `pdf search`)")->required()->check(CLI::PositiveNumber);
  add_tecnicos_option(escalar, *e, true, "LOGIN of a technician (repeat for more)");
  e->titulo_opt = escalar->add_option("--titulo", e->titulo, "Title (default: from the PDF)")->check(not_empty);
  e->inicio_opt = escalar->add_option("--inicio", e->inicio, "Start, YYYY-MM-DD[THH:MM] (default: the event date)")
                      ->check(check_local_date_time);
  escalar->callback([&ctx, &chosen, e] { chosen = [&ctx, e] { return escalate_pdf(ctx, *e); }; });
}

} // namespace siberius::cli
