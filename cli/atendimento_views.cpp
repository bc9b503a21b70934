#include "cli/atendimento_views.hpp"

#include <stdexcept>

#include "cli/format.hpp"
#include "cli/local_time.hpp"
#include "cli/table.hpp"

namespace siberius::cli {

namespace {

const nlohmann::json& list_in(const nlohmann::json& a, const char* key) {
  static const nlohmann::json none = nlohmann::json::array();
  if (!a.is_object() || !a.contains(key) || !a[key].is_array())
    return none;
  return a[key];
}

// "ana, bruno" (or with names: "ana (Ana Lima), bruno").
std::string tecnicos_cell(const nlohmann::json& a, bool with_names) {
  std::string out;
  for (const auto& t : list_in(a, "tecnicos")) {
    if (!out.empty())
      out += ", ";
    out += cell_text(t, "login");
    if (auto nome = string_field(t, "nome"); with_names && nome && !nome->empty())
      out += " (" + *nome + ")";
  }
  return out.empty() ? "-" : out;
}

// "os 555, montagem 7/2026": the references no PDF answers yet, each
// followed by `suffix`.
std::string pending_refs(const nlohmann::json& a, const std::string& suffix = "") {
  std::string out;
  for (const auto& r : list_in(a, "referencias")) {
    if (!r.is_object() || !r.contains("pending") || r["pending"] != true)
      continue;
    if (!out.empty())
      out += ", ";
    out += cell_text(r, "tipo") + " " + cell_text(r, "numero") + suffix;
  }
  return out;
}

// "os 89331, orcamento 12"; a PDF without type and number by its id; then
// the documents still awaited, "os 555 (pending)".
std::string pdfs_cell(const nlohmann::json& a) {
  std::string out;
  for (const auto& p : list_in(a, "pdfs")) {
    if (!out.empty())
      out += ", ";
    auto tipo = string_field(p, "tipo"), numero = string_field(p, "numero");
    out += tipo && numero ? *tipo + " " + *numero : "#" + cell_text(p, "id");
  }
  auto pending = pending_refs(a, " (pending)");
  if (!pending.empty())
    out += (out.empty() ? "" : ", ") + pending;
  return out.empty() ? "-" : out;
}

std::string time_cell(const nlohmann::json& a, const char* key) { return format_local_time(string_field(a, key)); }

} // namespace

std::string render_atendimentos(const nlohmann::json& reply) {
  if (!reply.is_object() || !reply.contains("items") || !reply["items"].is_array())
    throw std::runtime_error("unexpected reply from the server: no \"items\" list");
  const auto& items = reply["items"];
  if (items.empty())
    return "No atendimentos in that period.\n";
  text_table table({{"ID", alignment::right},
                    {"START"},
                    {"END"},
                    {"TITLE"},
                    {"CLIENT"},
                    {"PLACE"},
                    {"TECHNICIANS"},
                    {"PDFS"}});
  for (const auto& a : items) {
    if (!a.is_object())
      throw std::runtime_error("unexpected reply from the server: an atendimento is not an object");
    table.add_row({cell_text(a, "id"), time_cell(a, "dataInicio"), time_cell(a, "dataFim"), cell_text(a, "titulo"),
                   cell_text(a, "cliente"), cell_text(a, "local"), tecnicos_cell(a, false), pdfs_cell(a)});
  }
  return table.render();
}

std::string render_atendimento(const nlohmann::json& a) {
  if (!a.is_object())
    throw std::runtime_error("unexpected reply from the server: the atendimento is not an object");
  std::string out = render_fields({{"id", cell_text(a, "id")},
                                   {"title", cell_text(a, "titulo")},
                                   {"client", cell_text(a, "cliente")},
                                   {"start", time_cell(a, "dataInicio")},
                                   {"end", time_cell(a, "dataFim")},
                                   {"place", cell_text(a, "local")},
                                   {"technicians", tecnicos_cell(a, true)},
                                   {"created", time_cell(a, "createdAt")},
                                   {"updated", time_cell(a, "updatedAt")}});
  auto pending = pending_refs(a);
  auto awaited = pending.empty() ? std::string() : "Waiting for PDFs not indexed yet: " + pending + "\n";
  const auto& pdfs = list_in(a, "pdfs");
  if (pdfs.empty())
    return out + "\nNo PDFs linked.\n" + awaited;
  text_table table({{"PDF", alignment::right}, {"TYPE"}, {"NUMBER"}, {"STATUS"}, {"HASH"}});
  for (const auto& p : pdfs)
    table.add_row({cell_text(p, "id"), cell_text(p, "tipo"), cell_text(p, "numero"), cell_text(p, "status"),
                   cell_text(p, "fileHash")});
  return out + "\n" + table.render() + awaited;
}

} // namespace siberius::cli
