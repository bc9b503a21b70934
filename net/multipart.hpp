// A streaming multipart/form-data reader: bytes go in as they arrive from the
// socket, in chunks of any size; the parts come out as callbacks, the file's
// content in pieces, so an upload is never held whole in memory.
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace siberius::net {

/// The boundary of a "multipart/form-data; boundary=..." Content-Type, or
/// nullopt when the type is something else or the boundary is unusable.
std::optional<std::string> multipart_boundary(std::string_view content_type);

class multipart_reader {
public:
  struct part_header {
    std::string name;                    // Content-Disposition name=
    std::optional<std::string> filename; // Content-Disposition filename=
    std::string content_type;
  };
  struct callbacks {
    std::function<void(const part_header&)> on_part;       // a part begins
    std::function<void(const char*, std::size_t)> on_data; // some of its content
    std::function<void()> on_part_end;                     // it ended
  };

  multipart_reader(std::string boundary, callbacks cb);

  /// Feeds the next bytes of the body. False once the body is malformed
  /// (error() says why); further input is ignored.
  bool feed(const char* data, std::size_t size);
  /// True when the closing boundary was seen.
  bool done() const { return state_ == state::done; }
  const std::string& error() const { return error_; }

private:
  enum class state { preamble, after_boundary, headers, body, done, failed };
  bool fail(std::string why);
  bool parse_header_line(std::string_view line);
  void emit_data(const char* p, std::size_t n);

  std::string delimiter_; // "\r\n--" + boundary
  callbacks cb_;
  state state_ = state::preamble;
  std::string pending_; // bytes not yet decided on (may hold the start of a delimiter)
  std::string header_block_;
  part_header header_;
  std::string error_;
  static constexpr std::size_t max_header_block = 8192;
  static constexpr std::size_t max_boundary_padding = 256;
};

} // namespace siberius::net
