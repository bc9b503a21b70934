// Synthetic pages for the pure suites: text placed at given positions, split
// into words with widths close to a 10 pt sans-serif font.
#pragma once

#include <string>
#include <vector>

#include "pdf/pdf_text.hpp"

namespace siberius::daemon::test {

struct placed_text {
  double x;
  std::string text;
};

class page_builder {
public:
  /// Places each text's words from its x on the line whose top is y.
  page_builder& line(double y, std::vector<placed_text> cells, double size = 10) {
    for (auto& cell : cells) {
      double x = cell.x;
      std::size_t i = 0;
      auto& t = cell.text;
      while (i < t.size()) {
        while (i < t.size() && t[i] == ' ')
          ++i;
        auto start = i;
        while (i < t.size() && t[i] != ' ')
          ++i;
        if (i == start)
          break;
        word w;
        w.text = t.substr(start, i - start);
        w.x0 = x;
        w.x1 = x + code_points(w.text) * 0.55 * size;
        w.y0 = y;
        w.y1 = y + size;
        w.space_after = i < t.size();
        x = w.x1 + 0.28 * size;
        page_.words.push_back(std::move(w));
      }
    }
    return *this;
  }

  page_words build() const { return page_; }

private:
  static double code_points(const std::string& s) {
    double n = 0;
    for (unsigned char c : s)
      n += (c & 0xC0) != 0x80;
    return n;
  }
  page_words page_;
};

} // namespace siberius::daemon::test
