#include "genrep/core/TextList.h"

#include <sstream>
#include <stdexcept>

namespace genrep {

std::vector<std::string> splitList(const std::string& text, char separator) {
  std::vector<std::string> items;
  std::stringstream in(text);
  std::string item;
  while (std::getline(in, item, separator)) {
    const size_t first = item.find_first_not_of(' ');
    if (first == std::string::npos) continue;
    items.push_back(item.substr(first, item.find_last_not_of(' ') - first + 1));
  }
  return items;
}

std::vector<double> parseNumberList(const std::string& key, const std::string& text) {
  std::vector<double> numbers;
  for (const std::string& item : splitList(text)) {
    size_t used = 0;
    double value = 0;
    try {
      value = std::stod(item, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used != item.size()) {
      throw std::invalid_argument(key + ": '" + item + "' is not a number (write a comma-separated list, e.g. \"0.25,0.5,1.0\")");
    }
    numbers.push_back(value);
  }
  return numbers;
}

}  // namespace genrep
