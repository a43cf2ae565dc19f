#include "genrep/learn/Objective.h"

#include <stdexcept>

#include <gtest/gtest.h>

#include "support/Fixtures.h"

namespace genrep {
namespace {

namespace F = torch::nn::functional;

// Four anchors x two views of features [8, 6], anchor ids 0..3 twice (view-major).
ViewBatch batchWith(const torch::Tensor& classes) {
  ViewBatch b;
  b.anchors = 4;
  b.viewsPerAnchor = 2;
  b.anchorIds = torch::tensor({0, 1, 2, 3, 0, 1, 2, 3}, torch::kInt64);
  b.classes = classes;
  b.latents = torch::randn({8, 3});
  b.synthetic = torch::ones({8}, torch::kBool);
  return b;
}

double lossOf(ObjectiveKind kind, const torch::Tensor& features, const ViewBatch& batch) {
  torch::manual_seed(11);  // the same head for every kind
  return makeObjective({kind, 0.1, 0.07, 5}, 6, 4, 3)->loss(features, batch).item<double>();
}

TEST(Objective, EveryKindHasOneNameThatParsesBack) {
  for (const auto& [kind, name] : objectiveKinds()) {
    EXPECT_EQ(parseObjectiveKind(name), kind);
    EXPECT_EQ(objectiveName(kind), name);
  }
  EXPECT_EQ(objectiveNameList(), "simclr, supcon, inverter, classifier");
  const std::string error = test::errorOf<std::invalid_argument>([] { parseObjectiveKind("byol"); });
  EXPECT_NE(error.find("learn.objective"), std::string::npos) << error;
  EXPECT_NE(error.find("simclr, supcon"), std::string::npos) << error;
  // What each learns from: the studies leave out the ones needing classes on a generator without.
  EXPECT_TRUE(objectiveNeedsClasses(ObjectiveKind::SupCon));
  EXPECT_TRUE(objectiveNeedsClasses(ObjectiveKind::Classifier));
  EXPECT_FALSE(objectiveNeedsClasses(ObjectiveKind::SimClr));
  EXPECT_FALSE(objectiveNeedsClasses(ObjectiveKind::Inverter));
}

TEST(Objective, SupConIsSimClrWhenNoTwoAnchorsShareAClassAndDiffersWhenTheyDo) {
  torch::manual_seed(1);
  const torch::Tensor features = torch::randn({8, 6});
  const ViewBatch distinct = batchWith(torch::tensor({0, 1, 2, 3, 0, 1, 2, 3}, torch::kInt64));
  EXPECT_NEAR(lossOf(ObjectiveKind::SupCon, features, distinct), lossOf(ObjectiveKind::SimClr, features, distinct), 1e-6);
  // Real rows (class -1) are positives of their own anchor alone, as in SimCLR.
  const ViewBatch unlabelled = batchWith(torch::full({8}, -1, torch::kInt64));
  EXPECT_NEAR(lossOf(ObjectiveKind::SupCon, features, unlabelled), lossOf(ObjectiveKind::SimClr, features, unlabelled), 1e-6);
  const ViewBatch shared = batchWith(torch::tensor({0, 0, 1, 1, 0, 0, 1, 1}, torch::kInt64));
  EXPECT_GT(std::abs(lossOf(ObjectiveKind::SupCon, features, shared) - lossOf(ObjectiveKind::SimClr, features, shared)), 1e-3);
}

TEST(Objective, InverterRegressesTheLatentsOfGeneratedRowsAndClassifiesThem) {
  torch::manual_seed(2);
  const torch::Tensor features = torch::randn({8, 6});
  ViewBatch b = batchWith(torch::tensor({0, 1, 2, 3, 0, 1, 2, 3}, torch::kInt64));
  b.synthetic.index_put_({torch::indexing::Slice(6, 8)}, false);  // two real rows: no latent to regress
  torch::manual_seed(5);
  std::shared_ptr<Objective> inverter = makeObjective({ObjectiveKind::Inverter, 0.1, 0.07, 5}, 6, 4, 3);
  const double loss = inverter->loss(features, b).item<double>();

  // The same loss from the objective's own heads, by hand, on rows 0..5.
  auto latentHead = std::dynamic_pointer_cast<torch::nn::SequentialImpl>(inverter->named_children()["latent_head"]);
  auto classHead = std::dynamic_pointer_cast<torch::nn::LinearImpl>(inverter->named_children()["class_head"]);
  ASSERT_TRUE(latentHead && classHead);
  const torch::Tensor h = features.slice(0, 0, 6);
  const double expected = (F::mse_loss(latentHead->forward(h), b.latents.slice(0, 0, 6)) +
                           F::cross_entropy(classHead->forward(h), b.classes.slice(0, 0, 6)))
                              .item<double>();
  EXPECT_NEAR(loss, expected, 1e-6);

  b.latents.slice(0, 6, 8).fill_(1e6);
  EXPECT_NEAR(inverter->loss(features, b).item<double>(), loss, 1e-6) << "real rows' latents do not count";
}

TEST(Objective, ClassifierLearnsTheClassOfLabelledRowsOnly) {
  torch::manual_seed(3);
  const torch::Tensor features = torch::randn({8, 6});
  const ViewBatch b = batchWith(torch::tensor({0, 1, 2, 3, -1, -1, -1, -1}, torch::kInt64));
  std::shared_ptr<Objective> classifier = makeObjective({ObjectiveKind::Classifier, 0.1, 0.07, 5}, 6, 4, 3);
  auto head = std::dynamic_pointer_cast<torch::nn::LinearImpl>(classifier->named_children()["head"]);
  ASSERT_TRUE(head);
  const double expected = F::cross_entropy(head->forward(features.slice(0, 0, 4)), b.classes.slice(0, 0, 4)).item<double>();
  EXPECT_NEAR(classifier->loss(features, b).item<double>(), expected, 1e-6);
}

TEST(Objective, RefusesSourcesItCannotLearnFrom) {
  EXPECT_NE(test::errorOf<std::invalid_argument>([] { makeObjective({ObjectiveKind::Inverter, 0.1, 0.07, 8}, 16, 10, 0); }).find("generator"),
            std::string::npos);
  EXPECT_NE(
      test::errorOf<std::invalid_argument>([] { makeObjective({ObjectiveKind::Classifier, 0.1, 0.07, 8}, 16, 0, 8); }).find("conditional"),
      std::string::npos);
  EXPECT_NE(test::errorOf<std::invalid_argument>([] { parseObjectiveKind("byol"); }).find("byol"), std::string::npos);
  EXPECT_EQ(objectiveName(parseObjectiveKind("supcon")), "supcon");
}

}  // namespace
}  // namespace genrep
