// Web origins ("scheme://host[:port]") as browsers send them in Origin, and
// whether one may act on this server: its own (the scheme and Host a request
// arrived with) or one the operator listed.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace siberius::net {

/// Lower case, no trailing slash, no default port (":80" for http, ":443"
/// for https): equal origins compare equal.
std::string normalize_origin(std::string_view origin);

/// Whether a page at `origin` is this server (a request that arrived for
/// `host`, over TLS when `secure`) or one of `allowed`. An empty origin or
/// "null" (sandboxed frames, files) never is.
bool origin_allowed(std::string_view origin, std::string_view host, bool secure,
                    const std::vector<std::string>& allowed);

} // namespace siberius::net
