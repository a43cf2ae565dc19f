#include "genrep/learn/Objective.h"

#include <stdexcept>

#include "genrep/dist/DataParallel.h"
#include "genrep/learn/ContrastiveLoss.h"

namespace genrep {
namespace nn = torch::nn;
namespace F = torch::nn::functional;

namespace {

nn::Sequential mlp(int64_t in, int64_t out) {  // SimCLR's 2-layer projection head
  return nn::Sequential(nn::Linear(in, in), nn::ReLU(), nn::Linear(in, out));
}

class ContrastiveObjective : public Objective {
 public:
  ContrastiveObjective(const ObjectiveOptions& options, int64_t featureDim)
      : options_(options), head_(register_module("head", mlp(featureDim, options.headDim))) {}

  torch::Tensor loss(const torch::Tensor& features, const ViewBatch& batch) override {
    torch::Tensor ids = batch.anchorIds;
    if (options_.kind == ObjectiveKind::SupCon) {
      // Views without a class (real images in a mix) stay positives of their own anchor only.
      ids = torch::where(batch.classes >= 0, batch.classes, batch.anchorIds + (int64_t{1} << 40));
    }
    const torch::Tensor embeddings = F::normalize(head_->forward(features), F::NormalizeFuncOptions().dim(1));  // [n, D]
    if (!distributed()) return contrastiveLoss(embeddings, ids, options_.tau, options_.tauBase).loss;
    // Every rank's anchors count 0..B-1: offset them so that ids stay apart across ranks
    // (classes are global and stay as they are).
    const torch::Tensor offset = torch::full_like(ids, ranks_->rank() * batch.anchors);
    const torch::Tensor globalIds =
        options_.kind == ObjectiveKind::SupCon ? torch::where(batch.classes >= 0, ids, ids + offset) : ids + offset;
    const int64_t n = embeddings.size(0);
    const ContrastiveLossResult part = contrastiveLossOfRows(ranks_->gather(embeddings), ranks_->gather(globalIds), options_.tau,
                                                             options_.tauBase, ranks_->rank() * n, n);
    return part.loss * ranks_->worldSize();
  }

 private:
  ObjectiveOptions options_;
  nn::Sequential head_;
};

class InverterObjective : public Objective {
 public:
  InverterObjective(int64_t featureDim, int64_t classes, int64_t latentDim)
      : latentHead_(register_module("latent_head", mlp(featureDim, latentDim))) {
    if (classes > 0) classHead_ = register_module("class_head", nn::Linear(featureDim, classes));
  }

  torch::Tensor loss(const torch::Tensor& features, const ViewBatch& batch) override {
    // Only generated views have a latent (a mix also holds real ones); each view is paired
    // with the z it was generated from.
    const torch::Tensor rows = batch.synthetic.nonzero().squeeze(1);
    if (rows.numel() == 0) return shareOfGlobalMean(features.sum() * 0, 0);  // every rank joins the same collectives
    const torch::Tensor h = features.index_select(0, rows);
    torch::Tensor loss = F::mse_loss(latentHead_->forward(h), batch.latents.index_select(0, rows));
    if (!classHead_.is_empty()) loss = loss + F::cross_entropy(classHead_->forward(h), batch.classes.index_select(0, rows));
    return shareOfGlobalMean(loss, rows.numel());
  }

 private:
  nn::Sequential latentHead_;
  nn::Linear classHead_{nullptr};
};

class ClassifierObjective : public Objective {
 public:
  ClassifierObjective(int64_t featureDim, int64_t classes)
      : head_(register_module("head", nn::Linear(featureDim, classes))) {}

  torch::Tensor loss(const torch::Tensor& features, const ViewBatch& batch) override {
    const torch::Tensor rows = (batch.classes >= 0).nonzero().squeeze(1);
    if (rows.numel() == 0) return shareOfGlobalMean(features.sum() * 0, 0);  // every rank joins the same collectives
    return shareOfGlobalMean(F::cross_entropy(head_->forward(features.index_select(0, rows)), batch.classes.index_select(0, rows)),
                             rows.numel());
  }

 private:
  nn::Linear head_;
};

}  // namespace

bool Objective::distributed() const { return ranks_ && ranks_->worldSize() > 1; }

torch::Tensor Objective::shareOfGlobalMean(const torch::Tensor& localMean, int64_t rows) const {
  if (!distributed()) return localMean;
  torch::Tensor allRows = torch::tensor({static_cast<double>(rows)}, torch::kFloat64);
  ranks_->sumInPlace(allRows);
  const double total = allRows.item<double>();
  return total > 0 ? localMean * (static_cast<double>(rows * ranks_->worldSize()) / total) : localMean;
}

const NameTable<ObjectiveKind>& objectiveKinds() {
  static const NameTable<ObjectiveKind> kinds = {{ObjectiveKind::SimClr, "simclr"},
                                                 {ObjectiveKind::SupCon, "supcon"},
                                                 {ObjectiveKind::Inverter, "inverter"},
                                                 {ObjectiveKind::Classifier, "classifier"}};
  return kinds;
}

std::string objectiveNameList() { return joinedNames(objectiveKinds()); }

ObjectiveKind parseObjectiveKind(const std::string& name) {
  return valueNamedOrThrow(objectiveKinds(), name, "learn.objective", "objective");
}

std::string objectiveName(ObjectiveKind kind) {
  const std::string* name = nameOf(objectiveKinds(), kind);
  return name ? *name : "?";
}

// Switches without a default: a kind added to the enum and not here is a compiler warning.
bool objectiveNeedsClasses(ObjectiveKind kind) {
  switch (kind) {
    case ObjectiveKind::SimClr:
    case ObjectiveKind::Inverter: return false;
    case ObjectiveKind::SupCon:
    case ObjectiveKind::Classifier: return true;
  }
  throw std::invalid_argument("learn.objective: unknown objective value " + std::to_string(static_cast<int>(kind)));
}

std::shared_ptr<Objective> makeObjective(const ObjectiveOptions& options, int64_t featureDim, int64_t classes, int64_t latentDim) {
  switch (options.kind) {
    case ObjectiveKind::SimClr: return std::make_shared<ContrastiveObjective>(options, featureDim);
    case ObjectiveKind::SupCon:
      if (classes <= 0) throw std::invalid_argument("learn.objective=supcon needs classes: a conditional generator or labelled images");
      return std::make_shared<ContrastiveObjective>(options, featureDim);
    case ObjectiveKind::Inverter:
      if (latentDim <= 0) throw std::invalid_argument("learn.objective=inverter needs a generator source (source.kind=generator or mix)");
      return std::make_shared<InverterObjective>(featureDim, classes, latentDim);
    case ObjectiveKind::Classifier:
      if (classes <= 0) throw std::invalid_argument("learn.objective=classifier needs a class-conditional generator");
      return std::make_shared<ClassifierObjective>(featureDim, classes);
  }
  throw std::invalid_argument("learn.objective: unknown objective value " + std::to_string(static_cast<int>(options.kind)));
}

}  // namespace genrep
