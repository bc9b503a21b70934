#include "metrics/registry.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace siberius::metrics {

void gauge::add(double d) {
  auto old = value_.load(std::memory_order_relaxed);
  while (!value_.compare_exchange_weak(old, old + d, std::memory_order_relaxed)) {
  }
}

histogram::histogram(std::vector<double> bounds)
    : bounds_(std::move(bounds)), buckets_(new std::atomic<std::uint64_t>[bounds_.size() + 1]) {
  std::sort(bounds_.begin(), bounds_.end());
  for (std::size_t i = 0; i <= bounds_.size(); ++i)
    buckets_[i].store(0, std::memory_order_relaxed);
}

void histogram::observe(double v) {
  // The first bound >= v: Prometheus buckets are "less than or equal".
  auto i = static_cast<std::size_t>(std::lower_bound(bounds_.begin(), bounds_.end(), v) - bounds_.begin());
  buckets_[i].fetch_add(1, std::memory_order_relaxed);
  auto old = sum_.load(std::memory_order_relaxed);
  while (!sum_.compare_exchange_weak(old, old + v, std::memory_order_relaxed)) {
  }
  count_.fetch_add(1, std::memory_order_relaxed);
}

std::vector<std::uint64_t> histogram::cumulative() const {
  std::vector<std::uint64_t> out(bounds_.size() + 1);
  std::uint64_t running = 0;
  for (std::size_t i = 0; i <= bounds_.size(); ++i) {
    running += buckets_[i].load(std::memory_order_relaxed);
    out[i] = running;
  }
  return out;
}

std::string format_value(double v) {
  if (std::isnan(v))
    return "NaN";
  if (std::isinf(v))
    return v > 0 ? "+Inf" : "-Inf";
  char buf[32];
  if (v == std::floor(v) && std::fabs(v) < 1e15) {
    std::snprintf(buf, sizeof buf, "%.0f", v);
    return buf;
  }
  // The shortest text that reads back as the same double: 0.005, not 0.0050000000000000001.
  for (int precision = 15; precision <= 17; ++precision) {
    std::snprintf(buf, sizeof buf, "%.*g", precision, v);
    if (std::strtod(buf, nullptr) == v)
      break;
  }
  return buf;
}

std::string escape_label(const std::string& v) {
  std::string out;
  out.reserve(v.size());
  for (char c : v) {
    if (c == '\\')
      out += "\\\\";
    else if (c == '"')
      out += "\\\"";
    else if (c == '\n')
      out += "\\n";
    else
      out += c;
  }
  return out;
}

std::string escape_help(const std::string& v) {
  std::string out;
  out.reserve(v.size());
  for (char c : v) {
    if (c == '\\')
      out += "\\\\";
    else if (c == '\n')
      out += "\\n";
    else
      out += c;
  }
  return out;
}

std::vector<double> duration_buckets() {
  return {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60};
}

namespace {

const char* type_name(metric_type t) {
  switch (t) {
    case metric_type::counter:
      return "counter";
    case metric_type::gauge:
      return "gauge";
    case metric_type::histogram:
      return "histogram";
  }
  return "untyped";
}

/// {a="x",b="y"} with an extra pair appended (le, for buckets); "" with none.
std::string label_text(const std::vector<std::string>& names, const label_values& values, const char* extra_name = nullptr,
                       const std::string& extra_value = {}) {
  if (values.empty() && !extra_name)
    return {};
  std::string out = "{";
  for (std::size_t i = 0; i < values.size() && i < names.size(); ++i) {
    if (i > 0)
      out += ',';
    out += names[i];
    out += "=\"";
    out += escape_label(values[i]);
    out += '"';
  }
  if (extra_name) {
    if (!values.empty())
      out += ',';
    out += extra_name;
    out += "=\"";
    out += escape_label(extra_value);
    out += '"';
  }
  out += '}';
  return out;
}

void line(std::string& out, const std::string& name, const std::string& labels, const std::string& value) {
  out += name;
  out += labels;
  out += ' ';
  out += value;
  out += '\n';
}

} // namespace

void family_base::render_header(std::string& out) const {
  out += "# HELP " + name_ + ' ' + escape_help(help_) + '\n';
  out += "# TYPE " + name_ + ' ' + type_name(type_) + '\n';
}

template <>
void family<counter>::render(std::string& out) const {
  render_header(out);
  std::shared_lock lock(mutex_);
  for (auto& [values, c] : series_)
    line(out, name_, label_text(label_names_, values), format_value(static_cast<double>(c->value())));
}

template <>
void family<gauge>::render(std::string& out) const {
  render_header(out);
  std::shared_lock lock(mutex_);
  for (auto& [values, g] : series_)
    line(out, name_, label_text(label_names_, values), format_value(g->value()));
}

template <>
void family<histogram>::render(std::string& out) const {
  render_header(out);
  std::shared_lock lock(mutex_);
  for (auto& [values, h] : series_) {
    // Read the buckets first: a concurrent observation may then show in
    // _count but not yet in a bucket, never the other way round.
    auto counts = h->cumulative();
    auto& bounds = h->bounds();
    for (std::size_t i = 0; i < bounds.size(); ++i)
      line(out, name_ + "_bucket", label_text(label_names_, values, "le", format_value(bounds[i])),
           format_value(static_cast<double>(counts[i])));
    line(out, name_ + "_bucket", label_text(label_names_, values, "le", "+Inf"),
         format_value(static_cast<double>(counts.back())));
    line(out, name_ + "_sum", label_text(label_names_, values), format_value(h->sum()));
    line(out, name_ + "_count", label_text(label_names_, values), format_value(static_cast<double>(counts.back())));
  }
}

family<counter>& registry::add_counter(std::string name, std::string help, std::vector<std::string> labels) {
  auto f = std::make_unique<family<counter>>(std::move(name), std::move(help), std::move(labels), metric_type::counter,
                                             [] { return std::make_unique<counter>(); });
  auto& ref = *f;
  std::lock_guard lock(mutex_);
  families_.push_back(std::move(f));
  return ref;
}

family<gauge>& registry::add_gauge(std::string name, std::string help, std::vector<std::string> labels) {
  auto f = std::make_unique<family<gauge>>(std::move(name), std::move(help), std::move(labels), metric_type::gauge,
                                           [] { return std::make_unique<gauge>(); });
  auto& ref = *f;
  std::lock_guard lock(mutex_);
  families_.push_back(std::move(f));
  return ref;
}

family<histogram>& registry::add_histogram(std::string name, std::string help, std::vector<double> bounds,
                                           std::vector<std::string> labels) {
  auto f = std::make_unique<family<histogram>>(std::move(name), std::move(help), std::move(labels),
                                               metric_type::histogram,
                                               [bounds] { return std::make_unique<histogram>(bounds); });
  auto& ref = *f;
  std::lock_guard lock(mutex_);
  families_.push_back(std::move(f));
  return ref;
}

std::string registry::render() const {
  std::string out;
  out.reserve(16 * 1024);
  std::lock_guard lock(mutex_);
  for (auto& f : families_)
    f->render(out);
  return out;
}

} // namespace siberius::metrics
