#include "net/static_files.hpp"
#include "net/url.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <climits>
#include <cstdlib>
#include <memory>

namespace siberius::net {

namespace {

// The app's pages: scripts and styles only from this server, no framing.
constexpr const char* html_policy =
    "default-src 'self'; img-src 'self' data:; style-src 'self'; connect-src 'self'; "
    "frame-ancestors 'none'; base-uri 'self'; form-action 'self'";

bool starts_with_segment(std::string_view path, std::string_view prefix) {
  return path.substr(0, prefix.size()) == prefix &&
         (path.size() == prefix.size() || path[prefix.size()] == '/');
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out)
    if (c >= 'A' && c <= 'Z')
      c = static_cast<char>(c - 'A' + 'a');
  return out;
}

std::string trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
    s.remove_suffix(1);
  return std::string(s);
}

bool regular_file(const std::string& path, struct stat& st) {
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

/// Whether `path`, with every link resolved, is inside `root` (resolved too).
bool inside(const std::string& root, const std::string& path) {
  std::unique_ptr<char, decltype(&std::free)> r(::realpath(root.c_str(), nullptr), &std::free);
  std::unique_ptr<char, decltype(&std::free)> p(::realpath(path.c_str(), nullptr), &std::free);
  if (!r || !p)
    return false;
  std::string_view rs(r.get()), ps(p.get());
  return ps.size() > rs.size() && ps.substr(0, rs.size()) == rs && ps[rs.size()] == '/';
}

std::string hex(unsigned long long v) {
  static const char* digits = "0123456789abcdef";
  std::string out;
  do {
    out.insert(out.begin(), digits[v & 15]);
    v >>= 4;
  } while (v != 0);
  return out;
}

http_response text_answer(const http_request& req, http::status status, std::string body, const char* type) {
  http_response res{status, req.version()};
  res.set(http::field::content_type, type);
  res.set(http::field::cache_control, "no-store");
  res.set("X-Content-Type-Options", "nosniff");
  res.body() = std::move(body);
  res.prepare_payload();
  return res;
}

http_response not_a_page(const http_request& req) {
  auto path = std::string(path_of(req.target()));
  if (req[http::field::accept].find("application/json") != boost::beast::string_view::npos) {
    nlohmann::json body = {{"error", "no such endpoint: " + path}, {"code", "not_found"}};
    return text_answer(req, http::status::not_found, body.dump(), "application/json");
  }
  return text_answer(req, http::status::not_found, "not found: " + path + "\n", "text/plain; charset=utf-8");
}

http_response not_built(const http_request& req, const std::string& hint) {
  std::string page =
      "<!doctype html><html lang=\"pt-BR\"><meta charset=\"utf-8\"><title>Siberius</title>"
      "<h1>Siberius</h1><p>A interface web ainda n\xC3\xA3o foi compilada (" + hint + ").</p>"
      "<p>Rode <code>scripts/run</code>, ou: <code>cd ui &amp;&amp; npm ci &amp;&amp; npm run build</code>, "
      "e recarregue esta p\xC3\xA1gina. A API continua em <code>/api/</code>.</p>"
      "<p lang=\"en\">The web app is not built: run <code>scripts/run</code>, or "
      "<code>cd ui &amp;&amp; npm ci &amp;&amp; npm run build</code>, then reload.</p></html>\n";
  auto res = text_answer(req, http::status::service_unavailable, std::move(page), "text/html; charset=utf-8");
  res.set("Content-Security-Policy", html_policy);
  return res;
}

} // namespace

bool is_web_app_path(std::string_view path) {
  return !path.empty() && path.front() == '/' && !starts_with_segment(path, "/api") &&
         !starts_with_segment(path, "/health") && !starts_with_segment(path, "/socket.io") &&
         !starts_with_segment(path, "/metrics");
}

std::optional<std::string> site_relative_path(std::string_view path) {
  if (path.empty() || path.front() != '/')
    return std::nullopt;
  auto escaped = percent_decode(path.substr(1), false);
  if (!escaped)
    return std::nullopt;
  std::string decoded = std::move(*escaped);
  for (char c : decoded)
    if (c == '\0' || c == '\\' || static_cast<unsigned char>(c) < 0x20 || c == 0x7f)
      return std::nullopt;
  // An app route may end with a slash: "/admin/" is "admin".
  if (!decoded.empty() && decoded.back() == '/')
    decoded.pop_back();
  if (decoded.empty())
    return decoded;
  std::string_view rest = decoded;
  while (true) {
    auto slash = rest.find('/');
    auto segment = rest.substr(0, slash);
    // Empty, ".", ".." and hidden names never name a file of the site.
    if (segment.empty() || segment.front() == '.')
      return std::nullopt;
    if (slash == std::string_view::npos)
      break;
    rest.remove_prefix(slash + 1);
  }
  return decoded;
}

bool accepts_encoding(std::string_view header, std::string_view coding) {
  while (!header.empty()) {
    auto comma = header.find(',');
    auto item = header.substr(0, comma);
    auto semi = item.find(';');
    if (lower(trim(item.substr(0, semi))) == coding) {
      if (semi == std::string_view::npos)
        return true;
      auto params = lower(trim(item.substr(semi + 1)));
      if (params.rfind("q=", 0) != 0)
        return true;
      return std::strtod(params.c_str() + 2, nullptr) > 0;
    }
    if (comma == std::string_view::npos)
      break;
    header.remove_prefix(comma + 1);
  }
  return false;
}

std::string_view content_type_of(std::string_view name) {
  auto dot = name.rfind('.');
  auto ext = lower(dot == std::string_view::npos ? std::string_view{} : name.substr(dot + 1));
  static const std::pair<const char*, const char*> types[] = {
    {"html", "text/html; charset=utf-8"},
    {"js", "text/javascript; charset=utf-8"},
    {"mjs", "text/javascript; charset=utf-8"},
    {"css", "text/css; charset=utf-8"},
    {"json", "application/json"},
    {"map", "application/json"},
    {"webmanifest", "application/manifest+json"},
    {"svg", "image/svg+xml"},
    {"png", "image/png"},
    {"jpg", "image/jpeg"},
    {"jpeg", "image/jpeg"},
    {"webp", "image/webp"},
    {"ico", "image/x-icon"},
    {"woff2", "font/woff2"},
    {"woff", "font/woff"},
    {"txt", "text/plain; charset=utf-8"},
    {"wasm", "application/wasm"},
    {"pdf", "application/pdf"},
  };
  for (auto& [e, type] : types)
    if (ext == e)
      return type;
  return "application/octet-stream";
}

file_handler make_static_site(static_site_options options) {
  return [options = std::move(options)](http_request req, std::string, http_responder respond,
                                        file_responder send) {
    auto rel = site_relative_path(path_of(req.target()));
    if (!rel)
      return respond(text_answer(req, http::status::not_found, "not found\n", "text/plain; charset=utf-8"));
    auto name = rel->empty() ? std::string("index.html") : *rel;
    struct stat st{};
    if (!regular_file(options.root + "/" + name, st)) {
      // A name without an extension is one of the app's own routes
      // (/admin/system-monitor): the app answers it. A missing asset is a 404.
      auto last = name.substr(name.rfind('/') == std::string::npos ? 0 : name.rfind('/') + 1);
      if (last.find('.') != std::string::npos && name != "index.html")
        return respond(text_answer(req, http::status::not_found, "not found\n", "text/plain; charset=utf-8"));
      // Only a browser navigating gets the app: a program that asked for
      // JSON at a wrong URL (a server address with a stray prefix) gets a 404
      // it can understand, not a page of HTML. The root is always the app.
      if (name != "index.html" && req[http::field::accept].find("text/html") == boost::beast::string_view::npos)
        return respond(not_a_page(req));
      name = "index.html";
      if (!regular_file(options.root + "/" + name, st))
        return respond(not_built(req, options.missing_hint));
    }
    // The precompressed sibling, when the browser takes it and it is there.
    auto file = options.root + "/" + name;
    std::string encoding;
    auto accept = req[http::field::accept_encoding];
    struct stat packed{};
    if (accepts_encoding(accept, "br") && regular_file(file + ".br", packed)) {
      encoding = "br";
    } else if (accepts_encoding(accept, "gzip") && regular_file(file + ".gz", packed)) {
      encoding = "gzip";
    }
    auto path = encoding.empty() ? file : file + (encoding == "br" ? ".br" : ".gz");
    if (!encoding.empty())
      st = packed;
    if (!inside(options.root, path))
      return respond(text_answer(req, http::status::not_found, "not found\n", "text/plain; charset=utf-8"));

    auto etag = "\"" + hex(static_cast<unsigned long long>(st.st_size)) + "-" +
                hex(static_cast<unsigned long long>(st.st_mtim.tv_sec) * 1000000000ull +
                    static_cast<unsigned long long>(st.st_mtim.tv_nsec)) +
                (encoding.empty() ? "" : "-" + encoding) + "\"";
    bool immutable = name.rfind("assets/", 0) == 0;
    auto type = content_type_of(name);
    bool html = type.rfind("text/html", 0) == 0;
    auto set_common = [&](http_response& res) {
      res.set(http::field::etag, etag);
      res.set(http::field::cache_control, immutable ? "public, max-age=31536000, immutable" : "no-cache");
      res.set(http::field::vary, "Accept-Encoding");
      res.set("X-Content-Type-Options", "nosniff");
      if (html) {
        res.set("Content-Security-Policy", html_policy);
        res.set("X-Frame-Options", "DENY");
        res.set("Referrer-Policy", "same-origin");
      }
    };
    if (req[http::field::if_none_match] == etag) {
      http_response res{http::status::not_modified, req.version()};
      set_common(res);
      return respond(std::move(res));
    }
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    struct stat opened{};
    if (fd < 0 || ::fstat(fd, &opened) != 0 || !S_ISREG(opened.st_mode)) {
      if (fd >= 0)
        ::close(fd);
      return respond(text_answer(req, http::status::not_found, "not found\n", "text/plain; charset=utf-8"));
    }
    file_response out;
    out.fd = fd;
    out.offset = 0;
    out.length = static_cast<std::uint64_t>(opened.st_size);
    out.header = http_response{http::status::ok, req.version()};
    out.header.set(http::field::content_type, type);
    if (!encoding.empty())
      out.header.set(http::field::content_encoding, encoding);
    set_common(out.header);
    send(std::move(out));
  };
}

} // namespace siberius::net
