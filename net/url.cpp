#include "net/url.hpp"

#include <algorithm>
#include <cctype>

#include <boost/url/encode.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/pct_string_view.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>
#include <boost/url/url_view.hpp>

namespace siberius::net {

namespace urls = boost::urls;

namespace {

// Boost 1.81's string_view is its own type: hand it pointer and length.
urls::string_view boost_view(std::string_view s) {
  return {s.data(), s.size()};
}

/// A query string as the query of "/?<query>": in 1.81, parse_query and
/// query_rule point their views at the wrong bytes; url_view's params do not.
/// The view refers to `origin`, which the caller keeps.
urls::result<urls::url_view> read_query(std::string_view query, std::string& origin) {
  origin = "/?";
  origin += query;
  return urls::parse_origin_form(boost_view(origin));
}

urls::encoding_opts plus_as_space(bool yes) {
  urls::encoding_opts opts;
  opts.space_as_plus = yes;
  return opts;
}

std::string_view query_of(std::string_view target) {
  auto q = target.find('?');
  return q == std::string_view::npos ? std::string_view{} : target.substr(q + 1);
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

/// Why Boost.URL refused `text`: the first part that does not parse on its own.
url_problem diagnose(std::string_view text, const std::vector<std::string_view>& schemes) {
  auto sep = text.find("://");
  if (sep == std::string_view::npos)
    return url_problem::no_scheme;
  if (std::find(schemes.begin(), schemes.end(), lower(text.substr(0, sep))) == schemes.end())
    return url_problem::bad_scheme;
  auto rest = text.substr(sep + 3);
  auto authority = rest.substr(0, rest.find_first_of("/?#"));
  if (!authority.empty() && authority.front() == '[')
    return authority.find(']') == std::string_view::npos ? url_problem::unterminated_ipv6 : url_problem::bad_ipv6;
  if (urls::parse_authority(boost_view(authority)))
    return url_problem::bad_path;
  auto colon = authority.rfind(':');
  if (colon != std::string_view::npos && urls::parse_authority(boost_view(authority.substr(0, colon))))
    return url_problem::bad_port;
  return url_problem::bad_host;
}

server_url_result refuse(url_problem why) {
  return {std::nullopt, why};
}

} // namespace

std::optional<std::string> percent_decode(std::string_view s, bool plus_is_space) {
  auto checked = urls::make_pct_string_view(boost_view(s));
  if (!checked)
    return std::nullopt;
  return checked->decode(plus_as_space(plus_is_space));
}

std::string percent_encode(std::string_view s) {
  return urls::encode(boost_view(s), urls::unreserved_chars);
}

std::optional<std::string> query_fields::find(std::string_view name) const {
  for (const auto& f : fields)
    if (f.name == name)
      return f.value;
  return std::nullopt;
}

query_fields parse_query_fields(std::string_view target) {
  query_fields out;
  auto query = query_of(target);
  std::string origin;
  auto parsed = read_query(query, origin);
  if (!parsed) {
    // Name the first field that does not parse on its own.
    for (std::size_t from = 0;;) {
      auto amp = query.find('&', from);
      auto field = query.substr(from, amp == std::string_view::npos ? std::string_view::npos : amp - from);
      std::string one;
      if (!read_query(field, one)) {
        out.malformed = std::string(field.substr(0, field.find('=')));
        return out;
      }
      if (amp == std::string_view::npos) {
        out.malformed = std::string();
        return out;
      }
      from = amp + 1;
    }
  }
  for (auto p : parsed->encoded_params()) {
    if (p.key.empty() && !p.has_value)
      continue;
    out.fields.push_back({p.key.decode(plus_as_space(true)), p.value.decode(plus_as_space(true))});
  }
  return out;
}

std::optional<std::string> query_param(std::string_view target, std::string_view name) {
  std::string origin;
  auto parsed = read_query(query_of(target), origin);
  if (!parsed)
    return std::nullopt;
  for (auto p : parsed->encoded_params())
    if (p.key == boost_view(name))
      return std::string(p.value);
  return std::nullopt;
}

std::string server_url::host_header() const {
  std::string h = host.find(':') != std::string::npos ? "[" + host + "]" : host;
  if (port != (tls ? 443 : 80))
    h += ":" + std::to_string(port);
  return h;
}

server_url_result parse_server_url(std::string_view text, const std::vector<std::string_view>& schemes) {
  auto parsed = urls::parse_uri(boost_view(text));
  if (!parsed)
    return refuse(diagnose(text, schemes));
  const auto& u = *parsed;
  if (!u.has_authority())
    return refuse(url_problem::no_scheme);
  // 1.81 reads "http://h:8o" as port 8 and path "o": a path after a host starts with '/'.
  if (!u.encoded_path().empty() && u.encoded_path().front() != '/')
    return refuse(diagnose(text, schemes));
  server_url out;
  out.scheme = lower(u.scheme());
  if (std::find(schemes.begin(), schemes.end(), out.scheme) == schemes.end())
    return refuse(url_problem::bad_scheme);
  if (u.has_query() || u.has_fragment())
    return refuse(url_problem::query_or_fragment);
  if (u.has_userinfo())
    return refuse(url_problem::user_info);
  if (u.host_type() == urls::host_type::ipvfuture)
    return refuse(url_problem::bad_ipv6);
  out.host = std::string(u.encoded_host_address());
  if (out.host.empty())
    return refuse(url_problem::no_host);
  out.tls = out.scheme == "https" || out.scheme == "wss";
  out.port = out.tls ? 443 : 80;
  if (u.has_port()) {
    if (u.port().empty())
      return refuse(url_problem::empty_port);
    // Digits only (the grammar says so), but 1.81's port_number() wraps past
    // 65535 on six digits and more: read the number here.
    unsigned long number = u.port().size() <= 5 ? std::stoul(std::string(u.port())) : 0;
    if (number == 0 || number > 65535)
      return refuse(url_problem::bad_port);
    out.port = static_cast<std::uint16_t>(number);
  }
  // "/", "/siberius/" and "/siberius" all name the same prefix.
  std::string_view path = u.encoded_path();
  while (!path.empty() && path.back() == '/')
    path.remove_suffix(1);
  out.path_prefix = std::string(path);
  return {std::move(out), url_problem::none};
}

} // namespace siberius::net
