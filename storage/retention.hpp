// --retention orcamento=30,os=15,montagem=15: days a cached copy is kept after
// its event per document type. Pure code.
#pragma once

#include <map>
#include <string>
#include <variant>

namespace siberius::storage {

/// The document types pdf_cache.tipo allows.
bool known_tipo(const std::string& tipo);

/// "tipo=days,..." (days 0 to 3650, each type once) -> the map; else why not.
std::variant<std::map<std::string, int>, std::string> parse_retention_by_tipo(const std::string& text);

} // namespace siberius::storage
