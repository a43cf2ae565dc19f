// A first program on genrep's library: load the shipped generator, draw a batch of gaussian
// latent views (with pixel views), and take one SimCLR step on a small ResNet. Typed options
// only: no config file, no command line. Prints the loss before and after the step.
#include <cstdio>
#include <filesystem>

#include <genrep/gen/GeneratorLoader.h>
#include <genrep/learn/Objective.h>
#include <genrep/learn/ResNetEncoder.h>
#include <genrep/views/GeneratorViewSource.h>

int main(int argc, char** argv) {
  const std::filesystem::path models = argc > 1 ? argv[1] : GENREP_MODELS_DIR;
  std::shared_ptr<genrep::Generator> generator = genrep::loadGenerator(models / "fashion-mnist-cgan");

  genrep::GeneratorViewOptions views;  // two views per anchor, pixel views on
  views.latent.kind = genrep::LatentViewKind::Gaussian;
  views.latent.sigma = 0.5;
  views.seed = 1;
  genrep::GeneratorViewSource source(generator, views, torch::kCPU);
  const genrep::ViewBatch batch = source.batch(/*step*/ 0, /*anchors*/ 32);  // views [64, C, H, W]

  torch::manual_seed(1);
  genrep::EncoderArch arch;  // the default small ResNet
  arch.channels = source.channels();
  genrep::ResNetEncoder encoder(arch);
  genrep::ObjectiveOptions simclr;  // SimCLR, tau 0.1
  std::shared_ptr<genrep::Objective> objective = genrep::makeObjective(simclr, arch.featureDim(), source.classes(), source.latentDim());
  std::vector<torch::Tensor> parameters = encoder->parameters();
  for (const torch::Tensor& p : objective->parameters()) parameters.push_back(p);
  torch::optim::SGD sgd(parameters, torch::optim::SGDOptions(0.03).momentum(0.9));

  const torch::Tensor loss = objective->loss(encoder->forward(batch.views), batch);
  sgd.zero_grad();
  loss.backward();
  sgd.step();
  const double after = objective->loss(encoder->forward(batch.views), batch).item<double>();
  std::printf("%s: %lld views %lldx%lld, SimCLR loss %.4f -> %.4f after one step\n", generator->info().description.c_str(),
              static_cast<long long>(batch.views.size(0)), static_cast<long long>(batch.views.size(2)),
              static_cast<long long>(batch.views.size(3)), loss.item<double>(), after);
  return after < loss.item<double>() ? 0 : 1;
}
