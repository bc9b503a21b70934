#include "storage/retention.hpp"

#include <sstream>

namespace siberius::storage {

bool known_tipo(const std::string& tipo) {
  return tipo == "orcamento" || tipo == "os" || tipo == "montagem" || tipo == "desconhecido";
}

std::variant<std::map<std::string, int>, std::string> parse_retention_by_tipo(const std::string& text) {
  std::map<std::string, int> out;
  std::stringstream in(text);
  std::string item;
  while (std::getline(in, item, ',')) {
    if (item.empty())
      continue;
    auto eq = item.find('=');
    if (eq == std::string::npos)
      return "--retention: expected tipo=days, got \"" + item + "\"";
    auto tipo = item.substr(0, eq), days = item.substr(eq + 1);
    if (!known_tipo(tipo))
      return "--retention: unknown type \"" + tipo + "\" (orcamento, os, montagem, desconhecido)";
    if (days.empty() || days.size() > 4 || days.find_first_not_of("0123456789") != std::string::npos ||
        std::stoi(days) > 3650)
      return "--retention: " + tipo + " needs a number of days from 0 to 3650";
    if (!out.emplace(tipo, std::stoi(days)).second)
      return "--retention: " + tipo + " is given twice";
  }
  return out;
}

} // namespace siberius::storage
