// The web app's files (ui/dist), served by the server itself: the right
// Content-Type, a year of caching for content-hashed assets and revalidation
// for the rest, the precompressed .br/.gz sibling when the browser takes it,
// index.html for the app's own routes, and never a file outside the folder.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "net/server.hpp"

namespace siberius::net {

struct static_site_options {
  /// The built app (index.html and assets/).
  std::string root;
  /// Answer for `/` and app routes when root has no index.html.
  std::string missing_hint = "the web app is not built";
};

/// GET/HEAD paths that belong to the web app: everything but /api/…,
/// /health…, /metrics and /socket.io/….
bool is_web_app_path(std::string_view path);

/// The file under the site's root that a request path names, as a relative
/// path ("assets/app-1a2b.js"); "" for the root. nullopt when the path cannot
/// name a file of the site: bad percent-encoding, "..", "." or empty segments,
/// NUL, backslashes, hidden files.
std::optional<std::string> site_relative_path(std::string_view path);

/// Whether an Accept-Encoding header takes `coding` ("br", "gzip") with a
/// non-zero q.
bool accepts_encoding(std::string_view header, std::string_view coding);

/// The Content-Type for a file name, by extension.
std::string_view content_type_of(std::string_view name);

file_handler make_static_site(static_site_options options);

} // namespace siberius::net
