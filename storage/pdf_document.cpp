#include "storage/pdf_document.hpp"

#include <cmath>
#include <cstring>

#include <date/date.h>

namespace siberius::storage {

namespace {

constexpr std::size_t max_filename = 255;
constexpr std::size_t max_file_path = 1024;
constexpr std::size_t max_text_field = 255;
constexpr std::size_t max_indexed_at = 64;
constexpr std::int64_t max_file_size = std::int64_t{1} << 40;
constexpr std::uint64_t max_mtime_ms = std::uint64_t{1} << 53;
constexpr double max_valor_total = 1e12;
// The whole event as stored in pdf_cache.metadata; real ones are a few hundred bytes.
constexpr std::size_t max_raw_bytes = 64 * 1024;

using error = std::string;

/// Short, printable excerpt of a bad value for an error message.
std::string quote(const std::string& s) {
  constexpr std::size_t keep = 40;
  std::string out = "\"";
  for (std::size_t i = 0; i < s.size() && i < keep; ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    out += c < 0x20 ? '?' : s[i];
  }
  if (s.size() > keep)
    out += "...";
  return out + "\"";
}

bool is_hex(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/// PostgreSQL text and jsonb reject NUL characters: refuse them anywhere in
/// the document so one bad event cannot fail a whole batch.
bool has_nul(const std::string& s) {
  return std::memchr(s.data(), '\0', s.size()) != nullptr;
}

/// Whether any string or key of `j` holds a NUL; allocates nothing.
bool any_nul(const nlohmann::json& j) {
  if (j.is_string())
    return has_nul(j.get_ref<const std::string&>());
  if (j.is_object()) {
    for (auto it = j.begin(); it != j.end(); ++it)
      if (has_nul(it.key()) || any_nul(it.value()))
        return true;
  } else if (j.is_array()) {
    for (const auto& v : j)
      if (any_nul(v))
        return true;
  }
  return false;
}

/// Where the first NUL is, as a field path (only called once one was found).
std::optional<error> find_nul(const nlohmann::json& j, const std::string& where) {
  if (j.is_string())
    return has_nul(j.get_ref<const std::string&>()) ? std::optional<error>(where + ": contains a NUL character")
                                                     : std::nullopt;
  if (j.is_object()) {
    for (auto it = j.begin(); it != j.end(); ++it) {
      auto path = where.empty() ? it.key() : where + "." + it.key();
      if (has_nul(it.key()))
        return where.empty() ? "document: a field name contains a NUL character"
                             : where + ": a field name contains a NUL character";
      if (auto e = find_nul(it.value(), path))
        return e;
    }
  } else if (j.is_array()) {
    std::size_t i = 0;
    for (const auto& v : j)
      if (auto e = find_nul(v, where + "[" + std::to_string(i++) + "]"))
        return e;
  }
  return std::nullopt;
}

/// Optional bounded string: absent or null → nullopt.
std::optional<error> read_optional_text(const nlohmann::json& obj, const char* key, const std::string& name,
                                        std::size_t max, std::optional<std::string>& out) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null())
    return std::nullopt;
  if (!it->is_string())
    return name + ": expected a string or null";
  const auto& s = it->get_ref<const std::string&>();
  if (s.size() > max)
    return name + ": longer than " + std::to_string(max) + " bytes";
  out = s;
  return std::nullopt;
}

std::optional<error> parse_into(const nlohmann::json& j, pdf_document& doc) {
  if (!j.is_object())
    return error("document: expected an object");
  if (any_nul(j))
    if (auto e = find_nul(j, ""))
      return e;

  // fileHash
  auto hash = j.find("fileHash");
  if (hash == j.end() || !hash->is_string())
    return error("fileHash: expected 64 hex digits");
  const auto& h = hash->get_ref<const std::string&>();
  if (h.size() != 64)
    return "fileHash: expected 64 hex digits (got " + std::to_string(h.size()) + " characters)";
  doc.file_hash.resize(64);
  for (std::size_t i = 0; i < 64; ++i) {
    if (!is_hex(h[i]))
      return "fileHash: expected 64 hex digits (got " + quote(h) + ")";
    doc.file_hash[i] = static_cast<char>(std::tolower(static_cast<unsigned char>(h[i])));
  }

  // filename: a base name, never a path
  auto name = j.find("filename");
  if (name == j.end() || !name->is_string())
    return error("filename: expected a string");
  doc.filename = name->get<std::string>();
  if (doc.filename.empty())
    return error("filename: must not be empty");
  if (doc.filename.size() > max_filename)
    return "filename: longer than " + std::to_string(max_filename) + " bytes";
  if (doc.filename.find('/') != std::string::npos)
    return "filename: must be a base name without '/' (got " + quote(doc.filename) + ")";

  auto path = j.find("filePath");
  if (path == j.end() || !path->is_string())
    return error("filePath: expected a string");
  doc.file_path = path->get<std::string>();
  if (doc.file_path.empty())
    return error("filePath: must not be empty");
  if (doc.file_path.size() > max_file_path)
    return "filePath: longer than " + std::to_string(max_file_path) + " bytes";

  auto size = j.find("fileSize");
  if (size == j.end() || !size->is_number())
    return error("fileSize: expected an integer number of bytes");
  if (size->is_number_unsigned()) {
    auto v = size->get<std::uint64_t>();
    if (v > static_cast<std::uint64_t>(max_file_size))
      return "fileSize: out of range (0 to " + std::to_string(max_file_size) + ")";
    doc.file_size = static_cast<std::int64_t>(v);
  } else if (size->is_number_integer()) {
    auto v = size->get<std::int64_t>();
    if (v < 0 || v > max_file_size)
      return "fileSize: out of range (0 to " + std::to_string(max_file_size) + ")";
    doc.file_size = v;
  } else {
    auto v = size->get<double>();
    if (!std::isfinite(v) || v != std::floor(v))
      return error("fileSize: expected an integer number of bytes");
    if (v < 0 || v > static_cast<double>(max_file_size))
      return "fileSize: out of range (0 to " + std::to_string(max_file_size) + ")";
    doc.file_size = static_cast<std::int64_t>(v);
  }

  // Optional: what daemon:stat_check compares on the daemon's next start.
  auto mtime = j.find("fileMtimeMs");
  if (mtime != j.end() && !mtime->is_null()) {
    bool fits = mtime->is_number_unsigned() ? mtime->get<std::uint64_t>() <= max_mtime_ms
                                            : mtime->is_number_integer() && mtime->get<std::int64_t>() >= 0;
    if (!fits)
      return error("fileMtimeMs: expected an integer number of milliseconds, 0 to 2^53");
    doc.file_mtime_ms = mtime->get<std::int64_t>();
  }

  auto indexed = j.find("indexedAt");
  if (indexed != j.end() && !indexed->is_null()) {
    if (!indexed->is_string())
      return error("indexedAt: expected a string");
    if (indexed->get_ref<const std::string&>().size() > max_indexed_at)
      return "indexedAt: longer than " + std::to_string(max_indexed_at) + " bytes";
    doc.indexed_at = indexed->get<std::string>();
  }

  doc.tipo = "desconhecido";
  auto meta_it = j.find("metadata");
  if (meta_it != j.end() && !meta_it->is_null()) {
    if (!meta_it->is_object())
      return error("metadata: expected an object");
    const auto& meta = *meta_it;

    auto tipo = meta.find("tipo");
    if (tipo != meta.end() && !tipo->is_null()) {
      static const char* const known[] = {"orcamento", "os", "montagem", "desconhecido"};
      if (!tipo->is_string())
        return error("metadata.tipo: expected one of orcamento, os, montagem, desconhecido");
      const auto& t = tipo->get_ref<const std::string&>();
      bool ok = false;
      for (auto k : known)
        ok = ok || t == k;
      if (!ok)
        return "metadata.tipo: expected one of orcamento, os, montagem, desconhecido (got " + quote(t) + ")";
      doc.tipo = t;
    }
    if (auto e = read_optional_text(meta, "numero", "metadata.numero", max_text_field, doc.numero))
      return e;
    if (auto e = read_optional_text(meta, "cliente", "metadata.cliente", max_text_field, doc.cliente))
      return e;

    auto date = meta.find("dataEvento");
    if (date != meta.end() && !date->is_null()) {
      if (!date->is_string())
        return error("metadata.dataEvento: expected YYYY-MM-DD or null");
      const auto& d = date->get_ref<const std::string&>();
      bool shape = d.size() == 10 && d[4] == '-' && d[7] == '-';
      for (std::size_t i = 0; shape && i < d.size(); ++i)
        shape = (i == 4 || i == 7) || (d[i] >= '0' && d[i] <= '9');
      if (!shape)
        return "metadata.dataEvento: expected YYYY-MM-DD (got " + quote(d) + ")";
      if (!is_iso_date(d))
        return "metadata.dataEvento: not a real date (" + d + ")";
      doc.data_evento = d;
    }

    auto valor = meta.find("valorTotal");
    if (valor != meta.end() && !valor->is_null()) {
      if (!valor->is_number())
        return error("metadata.valorTotal: expected a number or null");
      double v = valor->get<double>();
      if (!std::isfinite(v))
        return error("metadata.valorTotal: not a finite number");
      if (v < 0)
        return error("metadata.valorTotal: must not be negative");
      if (v >= max_valor_total)
        return error("metadata.valorTotal: must be below 1e12");
      doc.valor_total = v;
    }
  }

  // Kept as text: it is measured here and stored as is, never walked again.
  doc.raw = j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  auto bytes = doc.raw.size();
  if (bytes > max_raw_bytes)
    return "document: too large (" + std::to_string(bytes) + " bytes, at most " + std::to_string(max_raw_bytes) + ")";
  return std::nullopt;
}

} // namespace

bool is_iso_date(const std::string& s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-')
    return false;
  for (std::size_t i = 0; i < s.size(); ++i)
    if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
      return false;
  int year = std::stoi(s.substr(0, 4));
  auto month = static_cast<unsigned>(std::stoi(s.substr(5, 2)));
  auto day = static_cast<unsigned>(std::stoi(s.substr(8, 2)));
  return year >= 1 && date::year_month_day(date::year(year), date::month(month), date::day(day)).ok();
}

std::variant<pdf_document, std::string> parse_pdf_document(const nlohmann::json& j) {
  pdf_document doc;
  if (auto e = parse_into(j, doc))
    return *e;
  return doc;
}

} // namespace siberius::storage
