#include "net/multipart.hpp"

#include <algorithm>
#include <cctype>

namespace siberius::net {

namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
    s.remove_suffix(1);
  return s;
}

/// The value of `key` in a header's "; key=value" parameters (quoted or not).
std::optional<std::string> header_param(std::string_view value, std::string_view key) {
  std::size_t pos = 0;
  while (pos < value.size()) {
    auto semi = value.find(';', pos);
    if (semi == std::string_view::npos)
      return std::nullopt;
    pos = semi + 1;
    auto rest = trim(value.substr(pos));
    auto eq = rest.find('=');
    if (eq == std::string_view::npos)
      continue;
    if (lower(trim(rest.substr(0, eq))) != key)
      continue;
    auto v = trim(rest.substr(eq + 1));
    if (!v.empty() && v.front() == '"') {
      std::string out;
      for (std::size_t i = 1; i < v.size(); ++i) {
        if (v[i] == '\\' && i + 1 < v.size()) {
          out += v[++i];
        } else if (v[i] == '"') {
          return out;
        } else {
          out += v[i];
        }
      }
      return std::nullopt; // unterminated quote
    }
    return std::string(v.substr(0, v.find(';')));
  }
  return std::nullopt;
}

} // namespace

std::optional<std::string> multipart_boundary(std::string_view content_type) {
  auto semi = content_type.find(';');
  if (lower(trim(content_type.substr(0, semi))) != "multipart/form-data")
    return std::nullopt;
  auto b = header_param(content_type, "boundary");
  // RFC 2046: 1 to 70 characters.
  if (!b || b->empty() || b->size() > 70)
    return std::nullopt;
  return b;
}

multipart_reader::multipart_reader(std::string boundary, callbacks cb)
  : delimiter_("\r\n--" + boundary), cb_(std::move(cb)) {
  // The first boundary may open the body without the leading CRLF.
  pending_ = "\r\n";
}

bool multipart_reader::fail(std::string why) {
  state_ = state::failed;
  error_ = std::move(why);
  pending_.clear();
  return false;
}

void multipart_reader::emit_data(const char* p, std::size_t n) {
  if (n > 0 && cb_.on_data)
    cb_.on_data(p, n);
}

bool multipart_reader::parse_header_line(std::string_view line) {
  auto colon = line.find(':');
  if (colon == std::string_view::npos)
    return fail("a part header line without ':'");
  auto name = lower(trim(line.substr(0, colon)));
  auto value = trim(line.substr(colon + 1));
  if (name == "content-disposition") {
    if (lower(trim(value.substr(0, value.find(';')))) != "form-data")
      return fail("a part that is not form-data");
    header_.name = header_param(value, "name").value_or("");
    header_.filename = header_param(value, "filename");
  } else if (name == "content-type") {
    header_.content_type = std::string(value);
  }
  return true;
}

bool multipart_reader::feed(const char* data, std::size_t size) {
  if (state_ == state::failed)
    return false;
  if (state_ == state::done)
    return true; // the epilogue is ignored
  // The common case inside a file: no delimiter in this piece, nor across its
  // start. Its bytes go out from the caller's buffer, without a copy.
  auto k = delimiter_.size();
  if (state_ == state::body && size >= k && pending_.size() < k) {
    std::string edge = pending_;
    edge.append(data, k - 1);
    if (edge.find(delimiter_) == std::string::npos &&
        std::string_view(data, size).find(delimiter_) == std::string_view::npos) {
      emit_data(pending_.data(), pending_.size());
      emit_data(data, size - (k - 1));
      pending_.assign(data + size - (k - 1), k - 1); // may start a delimiter
      return true;
    }
  }
  pending_.append(data, size);
  for (;;) {
    switch (state_) {
      case state::preamble:
      case state::body: {
        auto at = pending_.find(delimiter_);
        if (at == std::string::npos) {
          // Everything but a possible delimiter start can go.
          auto keep = std::min(pending_.size(), delimiter_.size() - 1);
          auto give = pending_.size() - keep;
          if (state_ == state::body)
            emit_data(pending_.data(), give);
          pending_.erase(0, give);
          return true;
        }
        if (state_ == state::body) {
          emit_data(pending_.data(), at);
          if (cb_.on_part_end)
            cb_.on_part_end();
        }
        pending_.erase(0, at + delimiter_.size());
        state_ = state::after_boundary;
        break;
      }
      case state::after_boundary: {
        if (pending_.size() < 2)
          return true;
        if (pending_.compare(0, 2, "--") == 0) {
          state_ = state::done;
          pending_.clear();
          return true;
        }
        // Transport padding (spaces, tabs) may follow a boundary, then CRLF.
        // The limit is on where the CRLF is, so that the verdict does not
        // depend on how the body was split into reads.
        auto crlf = pending_.find("\r\n");
        if (crlf == std::string::npos) {
          if (pending_.size() > max_boundary_padding + 1) // a CRLF could no longer start within the limit
            return fail("no line break after a boundary");
          return true;
        }
        if (crlf > max_boundary_padding)
          return fail("no line break after a boundary");
        if (!trim(std::string_view(pending_).substr(0, crlf)).empty())
          return fail("junk after a boundary");
        pending_.erase(0, crlf + 2);
        header_ = part_header{};
        header_block_.clear();
        state_ = state::headers;
        break;
      }
      case state::headers: {
        auto end = pending_.find("\r\n");
        if (end == std::string::npos) {
          if (header_block_.size() + pending_.size() > max_header_block)
            return fail("part headers larger than 8 KiB");
          return true;
        }
        header_block_ += pending_.substr(0, end + 2);
        if (header_block_.size() > max_header_block)
          return fail("part headers larger than 8 KiB");
        auto line = pending_.substr(0, end);
        pending_.erase(0, end + 2);
        if (line.empty()) {
          if (cb_.on_part)
            cb_.on_part(header_);
          state_ = state::body;
        } else if (!parse_header_line(line)) {
          return false;
        }
        break;
      }
      case state::done:
        return true;
      case state::failed:
        return false;
    }
  }
}

} // namespace siberius::net
