#include "genrep/data/ImageFolderReader.h"

#include <algorithm>
#include <cctype>
#include <limits>
#include <memory>
#include <stdexcept>

#include <fmt/format.h>
#include <stb_image.h>

#include "genrep/core/FileIO.h"
#include "genrep/core/Progress.h"

namespace genrep {
namespace {

namespace fs = std::filesystem;

bool isImageFile(const fs::path& file) {
  std::string extension = file.extension().string();
  std::transform(extension.begin(), extension.end(), extension.begin(), [](unsigned char c) { return std::tolower(c); });
  return extension == ".png" || extension == ".jpg" || extension == ".jpeg";
}

bool isHidden(const fs::path& path) { return path.filename().string().rfind('.', 0) == 0; }

// Sorted by byte order of the name: the class order never depends on the file system.
std::vector<fs::path> sortedEntries(const fs::path& folder, bool wantFolders) {
  std::vector<fs::path> entries;
  std::error_code ec;
  for (fs::directory_iterator it(folder, ec), end; !ec && it != end; it.increment(ec)) {
    const fs::path& path = it->path();
    if (isHidden(path)) continue;
    std::error_code typeError;
    const bool folderEntry = it->is_directory(typeError);
    if (wantFolders ? folderEntry : (!folderEntry && isImageFile(path))) entries.push_back(path);
  }
  if (ec) throw std::invalid_argument(fmt::format("cannot list image folder {}: {}", folder.string(), ec.message()));
  std::sort(entries.begin(), entries.end());
  return entries;
}

int64_t firstImageChannels(const fs::path& file) {
  const std::vector<uint8_t> bytes = readFileBytes(file);
  int width = 0, height = 0, channels = 0;
  if (!stbi_info_from_memory(bytes.data(), static_cast<int>(bytes.size()), &width, &height, &channels)) {
    throw std::invalid_argument(fmt::format("cannot decode image {}: {}", file.string(), stbi_failure_reason()));
  }
  return channels <= 2 ? 1 : 3;
}

}  // namespace

std::vector<uint8_t> decodeImage(const std::vector<uint8_t>& bytes, const std::string& source, int64_t channels,
                                 int64_t& height, int64_t& width) {
  if (bytes.size() > static_cast<size_t>(std::numeric_limits<int>::max())) {
    throw std::invalid_argument(fmt::format("cannot decode image {}: file too large", source));
  }
  int w = 0, h = 0, fileChannels = 0;
  std::unique_ptr<stbi_uc, void (*)(void*)> decoded(
      stbi_load_from_memory(bytes.data(), static_cast<int>(bytes.size()), &w, &h, &fileChannels,
                            static_cast<int>(channels)),
      stbi_image_free);
  if (!decoded) {
    throw std::invalid_argument(fmt::format("cannot decode image {}: {} (is it a valid PNG or JPEG?)", source,
                                            stbi_failure_reason()));
  }
  height = h;
  width = w;
  // stb gives [H, W, C]; genrep stores [C, H, W].
  std::vector<uint8_t> planar(static_cast<size_t>(channels * h * w));
  for (int64_t y = 0; y < h; ++y) {
    for (int64_t x = 0; x < w; ++x) {
      for (int64_t c = 0; c < channels; ++c) {
        planar[static_cast<size_t>((c * h + y) * w + x)] = decoded.get()[(y * w + x) * channels + c];
      }
    }
  }
  return planar;
}

LabelledFolder readImageFolder(const fs::path& folder, int64_t channels) {
  std::error_code ec;
  if (!fs::is_directory(folder, ec)) {
    throw std::invalid_argument(fmt::format("image folder {} does not exist or is not a folder (check data.path)", folder.string()));
  }
  if (channels != 0 && channels != 1 && channels != 3) {
    throw std::invalid_argument(fmt::format("data.channels is {}, expected 0 (auto), 1 or 3", channels));
  }
  LabelledFolder result;
  std::vector<std::pair<fs::path, int64_t>> files;  // (file, label)
  const std::vector<fs::path> classFolders = sortedEntries(folder, true);
  if (classFolders.empty()) {
    for (const fs::path& file : sortedEntries(folder, false)) files.emplace_back(file, -1);
  } else {
    if (!sortedEntries(folder, false).empty()) {
      throw std::invalid_argument(fmt::format(
          "image folder {} mixes class sub-folders with loose images; move the images into a class folder",
          folder.string()));
    }
    for (const fs::path& classFolder : classFolders) {
      const auto label = static_cast<int64_t>(result.classNames.size());
      result.classNames.push_back(classFolder.filename().string());
      const std::vector<fs::path> classFiles = sortedEntries(classFolder, false);
      if (classFiles.empty()) {
        throw std::invalid_argument(
            fmt::format("class folder {} holds no PNG or JPEG images; remove it or add images", classFolder.string()));
      }
      for (const fs::path& file : classFiles) files.emplace_back(file, label);
    }
  }
  if (files.empty()) {
    throw std::invalid_argument(fmt::format("image folder {} holds no PNG or JPEG images", folder.string()));
  }

  ImageArray& images = result.images;
  images.channels = channels != 0 ? channels : firstImageChannels(files.front().first);
  Progress progress(fmt::format("decode {}", folder.string()), static_cast<int64_t>(files.size()), "img");
  for (const auto& [file, label] : files) {
    int64_t height = 0, width = 0;
    const std::vector<uint8_t> planar = decodeImage(readFileBytes(file), file.string(), images.channels, height, width);
    if (images.count == 0) {
      images.height = height;
      images.width = width;
      images.pixels.reserve(files.size() * planar.size());
    } else if (height != images.height || width != images.width) {
      throw std::invalid_argument(fmt::format("image {} is {}x{} but {} is {}x{}; all images must share one size",
                                              file.string(), width, height, files.front().first.string(),
                                              images.width, images.height));
    }
    images.pixels.insert(images.pixels.end(), planar.begin(), planar.end());
    images.labels.push_back(label);
    ++images.count;
    progress.advance();
  }
  progress.finish();
  return result;
}

}  // namespace genrep
