// A small Prometheus registry: counters, gauges and histograms with fixed
// buckets, grouped in families with bounded label sets, and their rendering in
// the text exposition format 0.0.4. Updating a series is a few atomic
// operations; only finding a label set for the first time (and a scrape)
// takes the family's lock. Callers keep the series they update often.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <vector>

namespace siberius::metrics {

using label_values = std::vector<std::string>;

/// Only goes up (or is reset to zero by a restart of the process).
class counter {
public:
  void inc(std::uint64_t n = 1) { value_.fetch_add(n, std::memory_order_relaxed); }
  std::uint64_t value() const { return value_.load(std::memory_order_relaxed); }
  /// For counters kept elsewhere (a daemon's own, sent in its heartbeat):
  /// the latest value it reported.
  void set(std::uint64_t v) { value_.store(v, std::memory_order_relaxed); }

private:
  std::atomic<std::uint64_t> value_{0};
};

/// Goes up and down.
class gauge {
public:
  void set(double v) { value_.store(v, std::memory_order_relaxed); }
  void add(double d);
  void inc() { add(1); }
  void dec() { add(-1); }
  double value() const { return value_.load(std::memory_order_relaxed); }

private:
  std::atomic<double> value_{0};
};

/// Observations counted into fixed buckets (upper bounds, ascending; +Inf is
/// implicit), with their sum and count.
class histogram {
public:
  explicit histogram(std::vector<double> bounds);
  void observe(double v);
  const std::vector<double>& bounds() const { return bounds_; }
  /// Cumulative counts per bound, +Inf last (bounds().size() + 1 entries).
  std::vector<std::uint64_t> cumulative() const;
  double sum() const { return sum_.load(std::memory_order_relaxed); }
  std::uint64_t count() const { return count_.load(std::memory_order_relaxed); }

private:
  std::vector<double> bounds_;
  std::unique_ptr<std::atomic<std::uint64_t>[]> buckets_; // not cumulative; +Inf last
  std::atomic<double> sum_{0};
  std::atomic<std::uint64_t> count_{0};
};

enum class metric_type { counter, gauge, histogram };

/// The series of one metric name, one per label set.
class family_base {
public:
  family_base(std::string name, std::string help, std::vector<std::string> label_names, metric_type type)
      : name_(std::move(name)), help_(std::move(help)), label_names_(std::move(label_names)), type_(type) {}
  virtual ~family_base() = default;
  const std::string& name() const { return name_; }
  /// Appends the family (HELP, TYPE and every series) to `out`.
  virtual void render(std::string& out) const = 0;
  /// Forgets every series (a family filled from a snapshot, before refilling it).
  virtual void clear() = 0;

protected:
  std::string name_, help_;
  std::vector<std::string> label_names_;
  metric_type type_;
  void render_header(std::string& out) const;
};

template <class T>
class family : public family_base {
public:
  family(std::string name, std::string help, std::vector<std::string> label_names, metric_type type,
         std::function<std::unique_ptr<T>()> make)
      : family_base(std::move(name), std::move(help), std::move(label_names), type), make_(std::move(make)) {}

  /// The series with these label values (one per label name), made on first use.
  T& with(const label_values& values) {
    {
      std::shared_lock lock(mutex_);
      if (auto i = series_.find(values); i != series_.end())
        return *i->second;
    }
    std::unique_lock lock(mutex_);
    auto& slot = series_[values];
    if (!slot)
      slot = make_();
    return *slot;
  }
  /// The series without labels.
  T& get() { return with({}); }
  void remove(const label_values& values) {
    std::unique_lock lock(mutex_);
    series_.erase(values);
  }
  /// The label sets that have a series now.
  std::vector<label_values> label_sets() const {
    std::shared_lock lock(mutex_);
    std::vector<label_values> out;
    out.reserve(series_.size());
    for (auto& entry : series_)
      out.push_back(entry.first);
    return out;
  }
  void clear() override {
    std::unique_lock lock(mutex_);
    series_.clear();
  }
  void render(std::string& out) const override;

private:
  std::function<std::unique_ptr<T>()> make_;
  mutable std::shared_mutex mutex_;
  // Series are never moved once made: callers keep references to them.
  std::map<label_values, std::unique_ptr<T>> series_;
};

/// The families a server exposes, rendered in the order they were added.
class registry {
public:
  family<counter>& add_counter(std::string name, std::string help, std::vector<std::string> labels = {});
  family<gauge>& add_gauge(std::string name, std::string help, std::vector<std::string> labels = {});
  family<histogram>& add_histogram(std::string name, std::string help, std::vector<double> bounds,
                                   std::vector<std::string> labels = {});
  /// Everything, in the text exposition format 0.0.4.
  std::string render() const;

private:
  mutable std::mutex mutex_;
  std::vector<std::unique_ptr<family_base>> families_;
};

/// The Content-Type of render()'s output.
inline constexpr const char* text_content_type = "text/plain; version=0.0.4; charset=utf-8";

/// A sample value as the format writes it: integers without a fraction,
/// +Inf, -Inf, NaN.
std::string format_value(double v);
/// A label value with \\, \" and \n escaped.
std::string escape_label(const std::string& v);
/// HELP text with \\ and \n escaped.
std::string escape_help(const std::string& v);

/// Bucket bounds for durations in seconds: 5 ms to 60 s.
std::vector<double> duration_buckets();

} // namespace siberius::metrics

namespace siberius::metrics {
template <>
void family<counter>::render(std::string& out) const;
template <>
void family<gauge>::render(std::string& out) const;
template <>
void family<histogram>::render(std::string& out) const;
} // namespace siberius::metrics
