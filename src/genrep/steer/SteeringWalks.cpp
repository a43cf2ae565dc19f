#include "genrep/steer/SteeringWalks.h"

#include <cmath>
#include <stdexcept>

#include <fmt/format.h>

#include "genrep/core/AtomicFile.h"
#include "genrep/core/FileIO.h"
#include "genrep/core/Hash.h"

namespace genrep {

double SteeringWalk::drawAlpha(RandomStream& rng) const {
  const double u = rng.uniform01();
  if (logScale) return std::exp(std::log(min) + u * (std::log(max) - std::log(min)));
  return min + u * (max - min);
}

double SteeringWalk::step(double alpha) const {
  if (logScale) return std::log(alpha) / std::max(std::abs(std::log(min)), std::abs(std::log(max)));
  return alpha / std::max(std::abs(min), std::abs(max));
}

std::string walksFingerprint(const SteeringWalks& walks) {
  uint64_t hash = kFnv1aOffset;  // over a canonical text of the walks
  for (const SteeringWalk& w : walks.walks) {
    const std::string text = nlohmann::json{{"edit", w.edit}, {"min", w.min}, {"max", w.max}, {"log", w.logScale},
                                            {"direction", w.direction}}.dump();
    hash = fnv1a(text.data(), text.size(), hash);
  }
  return fmt::format("{:016x}", hash);
}

void saveSteeringWalks(const std::filesystem::path& folder, const SteeringWalks& walks) {
  nlohmann::json json = {{"format", kWalksFormat},
                         {"version", kWalksVersion},
                         {"generator", walks.generator},
                         {"latent_dim", walks.latentDim},
                         {"walks", nlohmann::json::array()}};
  for (const SteeringWalk& w : walks.walks) {
    json["walks"].push_back({{"edit", w.edit},
                             {"min", w.min},
                             {"max", w.max},
                             {"log_scale", w.logScale},
                             {"direction", w.direction},
                             {"report", w.report}});
  }
  std::error_code ec;
  std::filesystem::create_directories(folder, ec);
  writeFileAtomic(folder / "walks.json", json.dump(2) + "\n");
}

SteeringWalks loadSteeringWalks(const std::filesystem::path& folder) {
  const std::filesystem::path file = folder / "walks.json";
  std::error_code ec;
  if (!std::filesystem::is_regular_file(file, ec)) {
    throw std::invalid_argument(fmt::format("{}: no walks.json (learn walks with `genrep steer train`)", folder.string()));
  }
  const nlohmann::json json = readJsonFile(file);
  if (json.value("format", "") != kWalksFormat || json.value("version", 0) != kWalksVersion) {
    throw std::invalid_argument(fmt::format("{}: not genrep walks of version {}", file.string(), kWalksVersion));
  }
  SteeringWalks walks;
  try {
    walks.latentDim = json.at("latent_dim").get<int64_t>();
    walks.generator = json.value("generator", nlohmann::json());
    for (const nlohmann::json& w : json.at("walks")) {
      SteeringWalk walk;
      walk.edit = w.at("edit").get<std::string>();
      walk.min = w.at("min").get<double>();
      walk.max = w.at("max").get<double>();
      walk.logScale = w.value("log_scale", false);
      walk.direction = w.at("direction").get<std::vector<float>>();
      walk.report = w.value("report", nlohmann::json());
      if (static_cast<int64_t>(walk.direction.size()) != walks.latentDim) {
        throw std::invalid_argument(fmt::format("walk '{}' has {} values, latent_dim is {}", walk.edit, walk.direction.size(),
                                                walks.latentDim));
      }
      if (!(walk.min < walk.max) || (walk.logScale && !(walk.min > 0))) {
        throw std::invalid_argument(fmt::format("walk '{}' has the range [{}, {}]", walk.edit, walk.min, walk.max));
      }
      walks.walks.push_back(std::move(walk));
    }
  } catch (const nlohmann::json::exception& error) {
    throw std::invalid_argument(fmt::format("{}: {}", file.string(), error.what()));
  } catch (const std::invalid_argument& error) {
    throw std::invalid_argument(fmt::format("{}: {}", file.string(), error.what()));
  }
  if (walks.walks.empty()) throw std::invalid_argument(fmt::format("{}: holds no walks", file.string()));
  return walks;
}

}  // namespace genrep
