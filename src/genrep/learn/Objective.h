#pragma once
// What an encoder learns from a ViewBatch (README, "Learning encoders from a generator"). Every objective owns its heads and
// turns the encoder features of the views into a loss; adding a method = adding an
// Objective. The heads are trained with the encoder and thrown away for evaluation.
//   simclr      contrastive, positives = views of the same anchor
//   supcon      contrastive, positives = views of the same class (the generator's y)
//   inverter    an MLP regresses the latent z of each view (MSE), plus cross-entropy on y
//   classifier  cross-entropy on the generator's class
//
//   std::shared_ptr<Objective> objective = makeObjective(options, encoder->arch().featureDim(), classes, zDim);
//   torch::Tensor loss = objective->loss(encoder->forward(batch.views), batch);
#include <cstdint>
#include <memory>
#include <string>

#include <torch/torch.h>

#include "genrep/core/NameTable.h"
#include "genrep/views/ViewSource.h"

namespace genrep {

class DataParallel;

// What the encoder learns. Files store the name, not the value; the values are explicit and
// append-only all the same.
enum class ObjectiveKind { SimClr = 0, SupCon = 1, Inverter = 2, Classifier = 3 };

// Every objective with its name: the one list that parsing, names, the config's choices and the
// help come from.
const NameTable<ObjectiveKind>& objectiveKinds();
ObjectiveKind parseObjectiveKind(const std::string& name);  // throws std::invalid_argument naming learn.objective
std::string objectiveName(ObjectiveKind kind);
// Whether it learns from classes (SupCon's positives, the classifier's targets).
bool objectiveNeedsClasses(ObjectiveKind kind);
std::string objectiveNameList();  // "simclr, supcon, inverter, classifier"

struct ObjectiveOptions {
  ObjectiveKind kind = ObjectiveKind::SimClr;
  double tau = 0.1;
  double tauBase = 0.07;
  int64_t headDim = 128;  // contrastive embedding size
};

class Objective : public torch::nn::Module {
 public:
  // features [V*B, F] from the encoder for batch.views -> scalar loss. Data parallel: this
  // rank's share, such that the mean over ranks of the shares' gradients is the gradient of
  // the loss over the global batch (contrastive objectives take the other ranks' views as
  // negatives and positives).
  virtual torch::Tensor loss(const torch::Tensor& features, const ViewBatch& batch) = 0;

  // The ranks that share the global batch; null or one process: this batch is the batch.
  void setDataParallel(std::shared_ptr<DataParallel> ranks) { ranks_ = std::move(ranks); }

 protected:
  bool distributed() const;
  // A mean over this rank's `rows` rows as its share of the mean over all ranks' rows.
  torch::Tensor shareOfGlobalMean(const torch::Tensor& localMean, int64_t rows) const;
  std::shared_ptr<DataParallel> ranks_;
};

// Throws std::invalid_argument when the objective cannot learn from the source, e.g. an
// inverter without latents or a classifier without classes.
std::shared_ptr<Objective> makeObjective(const ObjectiveOptions& options, int64_t featureDim, int64_t classes, int64_t latentDim);

}  // namespace genrep
