#pragma once
// A real labelled dataset as every part of genrep sees it, whatever file format it
// came from: train and test images, class names, and a validation split carved from
// train with a fixed seed (hyper-parameters are picked on it, never on test).
//
//   RealDataset d = openDataset(spec);               // data/DatasetOpener.h
//   ImageArray fit = d.train.select(d.split.kept);   // train minus validation
//   ImageArray val = d.train.select(d.split.held);
#include <string>
#include <vector>

#include "genrep/data/ImageArray.h"
#include "genrep/data/Split.h"

namespace genrep {

struct RealDataset {
  std::string format;                   // data.format it was opened as
  std::string source;                   // folder it was read from
  std::vector<std::string> classNames;  // empty when unlabelled
  ImageArray train;                     // the whole training split
  ImageArray test;
  HoldOut split;                        // indices into train: kept (fit) and held (validation)
  double valFraction = 0.0;
  uint64_t splitSeed = 0;
};

}  // namespace genrep
