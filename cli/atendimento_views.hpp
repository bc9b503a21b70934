// What people read about atendimentos (scheduled jobs): the period's list
// and one in full. Times are shown in local time. Pure functions of the
// server's replies.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace siberius::cli {

/// GET /api/atendimentos → table (ID, START, END, TITLE, CLIENT, PLACE,
/// TECHNICIANS, PDFS), or a line saying there are none. Throws
/// std::runtime_error without "items".
std::string render_atendimentos(const nlohmann::json& reply);

/// One atendimento: a field per line, then its PDFs as a table.
std::string render_atendimento(const nlohmann::json& atendimento);

} // namespace siberius::cli
