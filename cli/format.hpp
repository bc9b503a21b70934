// Small formatters shared by the views: durations, byte counts, and reading
// loosely typed JSON fields into table cells.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

namespace siberius::cli {

/// "42s", "5m 2s", "2h 3m", "3d 4h".
std::string format_duration(std::int64_t seconds);

/// "512 B", "1.5 KiB", "12.3 MiB", "2.0 GiB".
std::string format_bytes(double bytes);

/// A field as cell text: strings as they are, numbers and booleans printed,
/// "-" when missing or null.
std::string cell_text(const nlohmann::json& object, const char* key);

/// object[key]; null when the object is not one or lacks the key.
const nlohmann::json& json_member(const nlohmann::json& object, const char* key);

/// A string field, nullopt when missing, null or not a string.
std::optional<std::string> string_field(const nlohmann::json& object, const char* key);

/// A numeric field, nullopt when missing or not a number.
std::optional<double> number_field(const nlohmann::json& object, const char* key);

} // namespace siberius::cli
