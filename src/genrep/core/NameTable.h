#pragma once
// An enum's values with their names, as one list: the single source of parsing, printing, a
// setting's choices and a flag's help (latent views, objectives, precisions).
//
//   const NameTable<Shape>& shapes();                 // {{Shape::Round, "round"}, ...}
//   std::optional<Shape> s = valueNamed(shapes(), "round");
//   std::string list = joinedNames(shapes());         // "round, square"
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace genrep {

template <class Enum>
using NameTable = std::vector<std::pair<Enum, std::string>>;

// The name of `value`, or nullptr when the table lacks it.
template <class Enum>
const std::string* nameOf(const NameTable<Enum>& table, Enum value) {
  for (const auto& entry : table) {
    if (entry.first == value) return &entry.second;
  }
  return nullptr;
}

template <class Enum>
std::optional<Enum> valueNamed(const NameTable<Enum>& table, const std::string& name) {
  for (const auto& entry : table) {
    if (entry.second == name) return entry.first;
  }
  return std::nullopt;
}

template <class Enum>
std::vector<std::string> namesOf(const NameTable<Enum>& table) {
  std::vector<std::string> names;
  for (const auto& entry : table) names.push_back(entry.second);
  return names;
}

// "a, b, c": for error messages and help.
template <class Enum>
std::string joinedNames(const NameTable<Enum>& table) {
  std::string list;
  for (const auto& entry : table) list += (list.empty() ? "" : ", ") + entry.second;
  return list;
}

// The value named `name`; otherwise std::invalid_argument "key: unknown what 'name' (a, b, c)".
template <class Enum>
Enum valueNamedOrThrow(const NameTable<Enum>& table, const std::string& name, const std::string& key, const std::string& what) {
  if (const std::optional<Enum> value = valueNamed(table, name)) return *value;
  throw std::invalid_argument(key + ": unknown " + what + " '" + name + "' (" + joinedNames(table) + ")");
}

}  // namespace genrep
