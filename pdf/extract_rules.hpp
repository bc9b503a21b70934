// Business metadata from the positioned words of a document: the rule tables
// (titles, labels per field and per tipo, date and money formats) live in
// extract_rules.cpp, in one place, so that a new layout is a small change.
// Pure code: no poppler, no I/O.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "pdf/pdf_metadata.hpp"
#include "pdf/pdf_text.hpp"

namespace siberius::daemon {

/// Text as the rules compare it: Portuguese diacritics stripped, upper case,
/// "º" and "°" read as "O" (so "Nº", "N°" and "No" meet), dashes as "-".
/// Bytes that are not valid UTF-8 become "?".
std::string fold_for_matching(std::string_view utf8);

/// An event date as ISO "YYYY-MM-DD" from "15/01/2026", "15-01-26",
/// "15 de janeiro de 2026", "1º de março de 2026", "15 mar 2026" or
/// "2026-01-15". Two-digit years are 20yy. Text after the date is allowed;
/// impossible dates (31/02) are refused.
std::optional<std::string> parse_event_date(std::string_view text);

/// An amount in Brazilian format: "R$ 12.500,00", "R$1.234.567,89",
/// "753,30", "12.500". Text after the amount is allowed.
std::optional<double> parse_brl_amount(std::string_view text);

/// The tipo a title names ("PROPOSTA COMERCIAL / ORÇAMENTO" → "orcamento"),
/// matched at the start of the text; nullopt for anything else.
std::optional<std::string> tipo_of_title(std::string_view title);

/// The metadata of a document given as lines (see group_lines).
pdf_metadata extract_metadata_from_lines(const std::vector<text_line>& lines);

} // namespace siberius::daemon
