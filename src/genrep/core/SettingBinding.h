#pragma once
// One declaration per setting: its key, the field of an options struct it fills, a one-line
// meaning and its allowed values. The struct's own initialiser is the only default. From these
// declarations come the config schema (keys, defaults, help, choices: what --print-config and
// the errors show), the filled options and the range checks with their error text, so a setting
// is declared once instead of as a schema default, a struct default, a copy and a check.
// Checks that relate two settings stay with the options (e.g. learn.warmup < learn.steps).
//
//   const SettingBinding<GanTrainingOptions>& gan = ...;   // built once:
//     b.add("gan.steps", &GanTrainingOptions::steps, "training steps", Bounds<int64_t>::atLeast(1));
//   gan.addKeys(schema);                          // defaults from GanTrainingOptions{}
//   GanTrainingOptions options = gan.read(config); // filled and checked
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "genrep/core/Config.h"
#include "genrep/core/NameTable.h"
#include "genrep/core/TextList.h"

namespace genrep {

// A numeric setting's allowed interval; empty = any value.
template <class T>
struct Bounds {
  std::optional<T> min, max;
  bool minOpen = false, maxOpen = false;

  static Bounds atLeast(T v) { return {v, std::nullopt, false, false}; }
  static Bounds above(T v) { return {v, std::nullopt, true, false}; }
  static Bounds closedOpen(T lo, T hi) { return {lo, hi, false, true}; }
  static Bounds closed(T lo, T hi) { return {lo, hi, false, false}; }

  bool admits(T v) const {
    if (min && (minOpen ? !(v > *min) : !(v >= *min))) return false;
    if (max && (maxOpen ? !(v < *max) : !(v <= *max))) return false;
    return true;
  }
  // ">= 1", "> 0", "in [0, 1)"
  std::string describe() const {
    if (min && max) return fmt::format("in {}{}, {}{}", minOpen ? "(" : "[", *min, *max, maxOpen ? ")" : "]");
    if (min) return fmt::format("{} {}", minOpen ? ">" : ">=", *min);
    if (max) return fmt::format("{} {}", maxOpen ? "<" : "<=", *max);
    return "any value";
  }
};

template <class Options>
class SettingBinding {
 public:
  // `role`: what the keys declared here decide unless one says otherwise (core/Config.h).
  explicit SettingBinding(KeyRole role = KeyRole::Decides) : defaultRole_(role) {}

  // The role of the setting declared last: .add("learn.log_every", ...).role(KeyRole::Operational).
  SettingBinding& role(KeyRole role) {
    if (settings_.empty()) throw std::logic_error("SettingBinding: role() before any setting");
    settings_.back().role = role;
    return *this;
  }

  SettingBinding& add(std::string key, bool Options::*field, std::string help) {
    return bind(std::move(key), [=](ConfigSchema& s, const std::string& k, const Options& d, const std::string& h) { s.addBool(k, d.*field, h); },
                [=](const Config& c, const std::string& k, Options& o) { o.*field = c.getBool(k); }, std::move(help));
  }
  SettingBinding& add(std::string key, int64_t Options::*field, std::string help, Bounds<int64_t> bounds = {}) {
    return bind(std::move(key), [=](ConfigSchema& s, const std::string& k, const Options& d, const std::string& h) { s.addInt(k, d.*field, h); },
                [=](const Config& c, const std::string& k, Options& o) { o.*field = checked(k, c.getInt(k), bounds); }, std::move(help));
  }
  // A seed: written as a non-negative integer.
  SettingBinding& add(std::string key, uint64_t Options::*field, std::string help) {
    return bind(std::move(key),
                [=](ConfigSchema& s, const std::string& k, const Options& d, const std::string& h) { s.addInt(k, static_cast<int64_t>(d.*field), h); },
                [=](const Config& c, const std::string& k, Options& o) {
                  o.*field = static_cast<uint64_t>(checked(k, c.getInt(k), Bounds<int64_t>::atLeast(0)));
                },
                std::move(help));
  }
  SettingBinding& add(std::string key, double Options::*field, std::string help, Bounds<double> bounds = {}) {
    return bind(std::move(key), [=](ConfigSchema& s, const std::string& k, const Options& d, const std::string& h) { s.addFloat(k, d.*field, h); },
                [=](const Config& c, const std::string& k, Options& o) { o.*field = checked(k, c.getFloat(k), bounds); }, std::move(help));
  }
  SettingBinding& add(std::string key, std::string Options::*field, std::string help, std::vector<std::string> choices = {}) {
    return bind(std::move(key),
                [=](ConfigSchema& s, const std::string& k, const Options& d, const std::string& h) { s.addString(k, d.*field, h, choices); },
                [=](const Config& c, const std::string& k, Options& o) { o.*field = c.getString(k); }, std::move(help));
  }
  SettingBinding& add(std::string key, std::filesystem::path Options::*field, std::string help) {
    return bind(std::move(key),
                [=](ConfigSchema& s, const std::string& k, const Options& d, const std::string& h) { s.addString(k, (d.*field).string(), h); },
                [=](const Config& c, const std::string& k, Options& o) { o.*field = c.getString(k); }, std::move(help));
  }
  // A list of numbers, written as a comma-separated string ("0.1,0.5,1"; empty: no numbers),
  // each item within `bounds`.
  SettingBinding& add(std::string key, std::vector<double> Options::*field, std::string help, Bounds<double> bounds = {}) {
    return bind(std::move(key),
                [=](ConfigSchema& s, const std::string& k, const Options& d, const std::string& h) {
                  s.addString(k, fmt::format("{}", fmt::join(d.*field, ",")), h);
                },
                [=](const Config& c, const std::string& k, Options& o) {
                  std::vector<double> values = parseNumberList(k, c.getString(k));
                  for (const double value : values) checked(k, value, bounds);
                  o.*field = std::move(values);
                },
                std::move(help));
  }
  // A list of integers, written as a comma-separated string ("0,1,2"; empty: none), each within
  // `bounds`.
  SettingBinding& add(std::string key, std::vector<int64_t> Options::*field, std::string help, Bounds<int64_t> bounds = {}) {
    return bind(std::move(key),
                [=](ConfigSchema& s, const std::string& k, const Options& d, const std::string& h) {
                  s.addString(k, fmt::format("{}", fmt::join(d.*field, ",")), h);
                },
                [=](const Config& c, const std::string& k, Options& o) {
                  std::vector<int64_t> values;
                  for (const double value : parseNumberList(k, c.getString(k))) {
                    if (value != static_cast<double>(static_cast<int64_t>(value))) {
                      throw std::invalid_argument(fmt::format("{}: {} is not a whole number", k, value));
                    }
                    values.push_back(checked(k, static_cast<int64_t>(value), bounds));
                  }
                  o.*field = std::move(values);
                },
                std::move(help));
  }
  // A list of words, written as a comma-separated string ("simclr-tx, pixels"; items trimmed,
  // empty items dropped: core/TextList.h).
  SettingBinding& add(std::string key, std::vector<std::string> Options::*field, std::string help) {
    return bind(std::move(key),
                [=](ConfigSchema& s, const std::string& k, const Options& d, const std::string& h) {
                  s.addString(k, fmt::format("{}", fmt::join(d.*field, ", ")), h);
                },
                [=](const Config& c, const std::string& k, Options& o) { o.*field = splitList(c.getString(k)); }, std::move(help));
  }
  // An enum written as one of the names of its table (the schema's choices, in this order).
  template <class Enum>
  SettingBinding& add(std::string key, Enum Options::*field, std::string help, NameTable<Enum> names) {
    return bind(
        std::move(key),
        [=](ConfigSchema& s, const std::string& k, const Options& d, const std::string& h) {
          const std::string* name = nameOf(names, d.*field);
          if (!name) throw std::logic_error(fmt::format("SettingBinding: the default of {} has no name", k));
          s.addString(k, *name, h, namesOf(names));
        },
        [=](const Config& c, const std::string& k, Options& o) {
          // The schema has checked the choices, so the name is in the table.
          if (const std::optional<Enum> value = valueNamed(names, c.getString(k))) o.*field = *value;
        },
        std::move(help));
  }

  // The keys, in declaration order, with the defaults of `defaults`.
  void addKeys(ConfigSchema& schema, const Options& defaults = Options{}) const {
    for (const Setting& s : settings_) {
      s.declare(schema, s.key, defaults, s.help);
      schema.role(s.role);
    }
  }
  // Fills the bound fields of `options` (others are left as they are); a value outside its
  // bounds throws std::invalid_argument: "gan.steps is 0; it must be >= 1".
  void read(const Config& config, Options& options) const {
    for (const Setting& s : settings_) s.read(config, s.key, options);
  }
  Options read(const Config& config) const {
    Options options;
    read(config, options);
    return options;
  }
  std::vector<std::string> keys() const {
    std::vector<std::string> names;
    for (const Setting& s : settings_) names.push_back(s.key);
    return names;
  }

 private:
  using Declare = std::function<void(ConfigSchema&, const std::string&, const Options&, const std::string&)>;
  using Read = std::function<void(const Config&, const std::string&, Options&)>;
  struct Setting {
    std::string key, help;
    Declare declare;
    Read read;
    KeyRole role;
  };

  SettingBinding& bind(std::string key, Declare declare, Read read, std::string help) {
    settings_.push_back({std::move(key), std::move(help), std::move(declare), std::move(read), defaultRole_});
    return *this;
  }
  template <class T>
  static T checked(const std::string& key, T value, const Bounds<T>& bounds) {
    requireSetting(bounds.admits(value), fmt::format("{} is {}; it must be {}", key, value, bounds.describe()));
    return value;
  }

  KeyRole defaultRole_;
  std::vector<Setting> settings_;
};

}  // namespace genrep
