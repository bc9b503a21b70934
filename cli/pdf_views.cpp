#include "cli/pdf_views.hpp"

#include <cstdio>
#include <stdexcept>

#include "cli/format.hpp"
#include "cli/local_time.hpp"
#include "cli/table.hpp"

namespace siberius::cli {

namespace {

// What a transfer's state means to someone waiting for it.
std::string describe_state(const std::string& state) {
  if (state == "daemon_offline")
    return "waiting for the office daemon to connect";
  if (state == "queued")
    return "queued behind the daemon's other uploads";
  if (state == "requested")
    return "the daemon was asked for it";
  return state;
}

std::string file_cell(const nlohmann::json& reply) {
  std::string out = cell_text(reply, "filename");
  if (auto size = number_field(reply, "fileSize"))
    out += " (" + format_bytes(*size) + ")";
  return out;
}

std::string progress_cell(const nlohmann::json& reply) {
  auto p = number_field(reply, "progress");
  return p ? std::to_string(static_cast<long long>(*p)) + "%" : "-";
}

std::string transfer_cell(const nlohmann::json& t) {
  if (!t.is_object())
    return "-";
  std::string out = describe_state(cell_text(t, "state"));
  if (auto priority = string_field(t, "priority"))
    out += ", " + *priority + " priority";
  if (auto position = number_field(t, "queuePosition"))
    out += ", position " + std::to_string(static_cast<long long>(*position)) + " in the queue";
  if (auto bytes = number_field(t, "bytes"); bytes && *bytes > 0) {
    out += ", " + format_bytes(*bytes);
    if (auto total = number_field(t, "totalBytes"))
      out += " of " + format_bytes(*total);
  }
  return out + " (" + cell_text(t, "requestId") + ")";
}

std::string last_transfer_cell(const nlohmann::json& t) {
  if (!t.is_object())
    return "-";
  std::string out = cell_text(t, "status") + " " + format_local_time(string_field(t, "at"));
  if (auto error = string_field(t, "error"); error && !error->empty())
    out += ": " + *error;
  return out;
}

} // namespace

std::string format_money(const nlohmann::json& object, const char* key) {
  if (auto v = number_field(object, key)) {
    char buf[48];
    std::snprintf(buf, sizeof buf, "%.2f", *v);
    return buf;
  }
  return cell_text(object, key);
}

std::string render_pdf_search(const nlohmann::json& reply) {
  if (!reply.is_object() || !reply.contains("items") || !reply["items"].is_array())
    throw std::runtime_error("unexpected reply from the server: no \"items\" list");
  const auto& items = reply["items"];
  auto total = static_cast<long long>(number_field(reply, "total").value_or(0));
  auto page = static_cast<long long>(number_field(reply, "page").value_or(1));
  auto page_size = static_cast<long long>(number_field(reply, "pageSize").value_or(25));
  auto pages = page_size > 0 ? (total + page_size - 1) / page_size : 1;
  if (items.empty())
    return total == 0 ? "No PDFs match.\n"
                      : "No PDFs on page " + std::to_string(page) + ": " + std::to_string(total) +
                            " match, on " + std::to_string(pages) + " pages.\n";
  text_table table({{"ID", alignment::right},
                    {"TYPE"},
                    {"NUMBER"},
                    {"CLIENT"},
                    {"EVENT"},
                    {"VALUE", alignment::right},
                    {"STATUS"},
                    {"FILE"}});
  for (const auto& p : items) {
    if (!p.is_object())
      throw std::runtime_error("unexpected reply from the server: a PDF is not an object");
    table.add_row({cell_text(p, "id"), cell_text(p, "tipo"), cell_text(p, "numero"), cell_text(p, "cliente"),
                   cell_text(p, "dataEvento"), format_money(p, "valorTotal"), cell_text(p, "status"),
                   cell_text(p, "filename")});
  }
  std::string out = table.render();
  // Past its count cap the server says "more than total" (totalIsLowerBound):
  // the last page is then unknown, and a full page has a next one.
  auto capped = reply.value("totalIsLowerBound", false) == true;
  if (capped) {
    out += "\nmore than " + std::to_string(total) + " PDFs, page " + std::to_string(page);
    if (static_cast<long long>(items.size()) >= page_size)
      out += "; next: --page " + std::to_string(page + 1);
    return out + "\n";
  }
  out += "\n" + std::to_string(total) + (total == 1 ? " PDF" : " PDFs") + ", page " + std::to_string(page) + " of " +
         std::to_string(pages);
  if (page < pages)
    out += "; next: --page " + std::to_string(page + 1);
  return out + "\n";
}

std::string render_pdf_status(const nlohmann::json& reply) {
  return render_fields({{"id", cell_text(reply, "id")},
                        {"status", cell_text(reply, "status")},
                        {"file", file_cell(reply)},
                        {"hash", cell_text(reply, "fileHash")},
                        {"cached until", format_local_time(string_field(reply, "cachedUntil"))},
                        {"progress", progress_cell(reply)},
                        {"reason", cell_text(reply, "reason")},
                        {"transfer", transfer_cell(reply.value("transfer", nlohmann::json()))},
                        {"last transfer", last_transfer_cell(reply.value("lastTransfer", nlohmann::json()))}});
}

std::string describe_pdf_progress(std::int64_t id, const nlohmann::json& status) {
  std::string out = "PDF " + std::to_string(id) + ": " + printable(cell_text(status, "status"));
  if (auto p = number_field(status, "progress"))
    out += " " + std::to_string(static_cast<long long>(*p)) + "%";
  if (status.contains("transfer") && status["transfer"].is_object())
    if (auto state = string_field(status["transfer"], "state"); state && *state != "uploading")
      out += ", " + describe_state(*state);
  return out;
}

std::string render_pdf_request(std::int64_t id, const nlohmann::json& reply) {
  if (string_field(reply, "status") == std::optional<std::string>("cached"))
    return render_pdf_cached(id, reply);
  std::string out = "Requested PDF " + std::to_string(id) + " (" + printable(cell_text(reply, "requestId")) + "): " +
                    printable(describe_state(cell_text(reply, "state")));
  auto coalesced = reply.find("coalesced");
  if (coalesced != reply.end() && coalesced->is_boolean() && coalesced->get<bool>())
    out += ", joined the transfer already under way";
  out += ".\nFollow it with `siberius-admin pdf status " + std::to_string(id) +
         "`, or wait for it with `siberius-admin pdf request " + std::to_string(id) + " --wait`.\n";
  return out;
}

std::string render_pdf_cached(std::int64_t id, const nlohmann::json& status) {
  auto until = string_field(status, "cachedUntil");
  if (!until)
    until = string_field(status, "expiresAt");
  return "PDF " + std::to_string(id) + " is cached on the server until " + format_local_time(until) +
         ". Download it with:\n  siberius-admin pdf download " + std::to_string(id) + "\n";
}

} // namespace siberius::cli
