#include "cli/content_disposition.hpp"

#include <cctype>
#include <vector>

#include "net/url.hpp"

namespace siberius::cli {

namespace {

struct parameter {
  std::string name; // lower case
  std::string value;
};

void skip_spaces(std::string_view s, std::size_t& pos) {
  while (pos < s.size() && (s[pos] == ' ' || s[pos] == '\t'))
    ++pos;
}

// The parameters after the disposition type: name=token or name="quoted".
std::vector<parameter> parameters_of(std::string_view s) {
  std::vector<parameter> out;
  auto pos = s.find(';');
  while (pos != std::string_view::npos && pos < s.size()) {
    ++pos; // past ';'
    skip_spaces(s, pos);
    auto eq = s.find('=', pos);
    if (eq == std::string_view::npos)
      break;
    parameter p;
    for (auto i = pos; i < eq; ++i)
      if (s[i] != ' ' && s[i] != '\t')
        p.name += static_cast<char>(std::tolower(static_cast<unsigned char>(s[i])));
    pos = eq + 1;
    skip_spaces(s, pos);
    if (pos < s.size() && s[pos] == '"') {
      for (++pos; pos < s.size() && s[pos] != '"'; ++pos) {
        if (s[pos] == '\\' && pos + 1 < s.size())
          ++pos;
        p.value += s[pos];
      }
      pos = s.find(';', pos);
    } else {
      auto end = s.find(';', pos);
      p.value = std::string(s.substr(pos, end == std::string_view::npos ? std::string_view::npos : end - pos));
      while (!p.value.empty() && (p.value.back() == ' ' || p.value.back() == '\t'))
        p.value.pop_back();
      pos = end;
    }
    out.push_back(std::move(p));
  }
  return out;
}

// UTF-8''caf%C3%A9.pdf -> café.pdf; nullopt for another charset or a bad escape.
std::optional<std::string> decode_extended(const std::string& value) {
  auto first = value.find('\'');
  auto second = first == std::string::npos ? std::string::npos : value.find('\'', first + 1);
  if (second == std::string::npos)
    return std::nullopt;
  std::string charset = value.substr(0, first);
  for (auto& c : charset)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (charset != "utf-8")
    return std::nullopt;
  return net::percent_decode(std::string_view(value).substr(second + 1), false);
}

} // namespace

std::optional<std::string> filename_from_content_disposition(std::string_view header) {
  std::optional<std::string> plain, extended;
  for (const auto& p : parameters_of(header)) {
    if (p.name == "filename*" && !extended)
      extended = decode_extended(p.value);
    else if (p.name == "filename" && !plain)
      plain = p.value;
  }
  if (extended && !extended->empty())
    return extended;
  if (plain && !plain->empty())
    return plain;
  return std::nullopt;
}

std::string safe_download_name(const std::optional<std::string>& proposed, const std::string& fallback) {
  if (!proposed)
    return fallback;
  auto last = proposed->find_last_of("/\\");
  std::string base = last == std::string::npos ? *proposed : proposed->substr(last + 1);
  std::string name;
  for (char c : base) {
    auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7F)
      continue;
    name += c;
  }
  auto start = name.find_first_not_of('.');
  name = start == std::string::npos ? std::string() : name.substr(start);
  while (!name.empty() && name.back() == ' ')
    name.pop_back();
  return name.empty() ? fallback : name;
}

} // namespace siberius::cli
