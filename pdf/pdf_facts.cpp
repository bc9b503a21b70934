// pdf_facts without poppler: the problem names and the JSON form that carries
// facts from siberius-pdf-reader to the daemon.
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "pdf/pdf_metadata.hpp"

namespace siberius::daemon {

namespace {

constexpr pdf_problem all_problems[] = {
    pdf_problem::none,          pdf_problem::empty,    pdf_problem::not_a_pdf, pdf_problem::truncated,
    pdf_problem::encrypted,     pdf_problem::no_text_layer, pdf_problem::too_slow, pdf_problem::io_error,
    pdf_problem::reader_crashed};

template <class T>
void put_optional(nlohmann::json& j, const char* key, const std::optional<T>& v) {
  if (v)
    j[key] = *v;
}

template <class T>
std::optional<T> get_optional(const nlohmann::json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null())
    return std::nullopt;
  return it->get<T>();
}

} // namespace

const char* to_string(pdf_problem p) {
  switch (p) {
    case pdf_problem::none: return "none";
    case pdf_problem::empty: return "empty";
    case pdf_problem::not_a_pdf: return "not_a_pdf";
    case pdf_problem::truncated: return "truncated";
    case pdf_problem::encrypted: return "encrypted";
    case pdf_problem::no_text_layer: return "no_text_layer";
    case pdf_problem::too_slow: return "too_slow";
    case pdf_problem::io_error: return "io_error";
    case pdf_problem::reader_crashed: return "reader_crashed";
  }
  return "unknown";
}

std::string facts_to_json(const pdf_facts& f) {
  nlohmann::json m = {{"tipo", f.metadata.tipo}};
  put_optional(m, "numero", f.metadata.numero);
  put_optional(m, "cliente", f.metadata.cliente);
  put_optional(m, "dataEvento", f.metadata.data_evento);
  put_optional(m, "valorTotal", f.metadata.valor_total);
  nlohmann::json j = {{"sha256", f.sha256},   {"size", f.size},         {"problem", to_string(f.problem)},
                      {"reason", f.reason},   {"metadata", std::move(m)}, {"warnings", f.warnings}};
  // Text from a damaged file may not be valid UTF-8: replaced, never thrown.
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

pdf_facts facts_from_json(const std::string& text) {
  try {
    auto j = nlohmann::json::parse(text);
    pdf_facts f;
    f.sha256 = j.at("sha256").get<std::string>();
    f.size = j.at("size").get<std::int64_t>();
    auto problem = j.at("problem").get<std::string>();
    bool known = false;
    for (auto p : all_problems)
      if (problem == to_string(p)) {
        f.problem = p;
        known = true;
      }
    if (!known)
      throw std::invalid_argument("unknown problem " + problem);
    f.reason = j.at("reason").get<std::string>();
    const auto& m = j.at("metadata");
    f.metadata.tipo = m.at("tipo").get<std::string>();
    f.metadata.numero = get_optional<std::string>(m, "numero");
    f.metadata.cliente = get_optional<std::string>(m, "cliente");
    f.metadata.data_evento = get_optional<std::string>(m, "dataEvento");
    f.metadata.valor_total = get_optional<double>(m, "valorTotal");
    f.warnings = j.at("warnings").get<std::vector<std::string>>();
    return f;
  } catch (const nlohmann::json::exception& e) {
    throw std::invalid_argument(std::string("not a pdf_facts document: ") + e.what());
  }
}

} // namespace siberius::daemon
