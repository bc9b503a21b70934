// The file name a download is saved under, from the server's
// Content-Disposition header (RFC 6266). Pure code: the header comes from the
// network, so the name is reduced to one plain file name in the current
// folder before it is used.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace siberius::cli {

/// The filename the header proposes: filename* (RFC 5987, UTF-8) when
/// present and decodable, else filename (quoted or a token); nullopt when
/// there is none.
std::optional<std::string> filename_from_content_disposition(std::string_view header);

/// `proposed` made safe to create in the current folder: its last path
/// component (both '/' and '\\' separate), control characters dropped,
/// leading dots removed so it is neither hidden nor "..". `fallback` when
/// nothing usable remains.
std::string safe_download_name(const std::optional<std::string>& proposed, const std::string& fallback);

} // namespace siberius::cli
