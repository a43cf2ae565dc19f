"""SimCLR in plain PyTorch on genrep's views: a torchvision ResNet-18 (CIFAR stem) trained on the
shipped generator's stream and scored with genrep's probes (docs/python.md).

    python examples/python/simclr_torchvision.py --steps 400 --batch 256
"""
import argparse

import torch
import torch.nn.functional as F
import torchvision

import genrep


def nt_xent(z: torch.Tensor, temperature: float) -> torch.Tensor:
    """SimCLR's loss over [2, B, D] projections: each view's positive is the other view of its anchor."""
    v, b, _ = z.shape
    z = F.normalize(z.reshape(v * b, -1), dim=1)
    logits = z @ z.t() / temperature
    logits.fill_diagonal_(float("-inf"))
    positives = torch.arange(v * b).roll(b)  # view 0 of anchor i <-> view 1 of anchor i
    return F.cross_entropy(logits, positives)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=400)
    parser.add_argument("--batch", type=int, default=256)
    parser.add_argument("--eval-images", type=int, default=0, help="fit/test images of the probes (0: all)")
    args = parser.parse_args()

    generator = genrep.load_generator()
    stream = genrep.ViewStream(generator, batch=args.batch, latent="gaussian", sigma=0.5, seed=0, steps=args.steps)
    encoder = torchvision.models.resnet18(num_classes=128)
    encoder.conv1 = torch.nn.Conv2d(generator.image_shape[0], 64, 3, 1, 1, bias=False)  # CIFAR stem
    encoder.maxpool = torch.nn.Identity()
    features = encoder.fc.in_features
    encoder.fc = torch.nn.Sequential(torch.nn.Linear(features, features), torch.nn.ReLU(), torch.nn.Linear(features, 128))
    optimiser = torch.optim.SGD(encoder.parameters(), lr=0.03 * args.batch / 256, momentum=0.9, weight_decay=1e-4)
    for batch in stream:
        views = batch["views"]  # [2, B, C, H, W]
        z = encoder(views.flatten(0, 1)).unflatten(0, views.shape[:2])
        loss = nt_xent(z, 0.1)
        optimiser.zero_grad()
        loss.backward()
        optimiser.step()
        if batch["step"] % 50 == 0 or batch["step"] == args.steps - 1:
            print(f"step {batch['step']}: loss {loss.item():.4f}", flush=True)

    encoder.fc = torch.nn.Identity()  # the probes read the features before the projection head
    limits = {"eval.fit_images": args.eval_images, "eval.test_images": args.eval_images} if args.eval_images else {}
    result = genrep.evaluate(encoder, settings=limits)
    print(f"linear {100 * result['linear']['top1']:.2f} %  kNN {100 * result['knn']['top1']:.2f} %  "
          f"few-shot {100 * result['few_shot']['mean']:.2f} %")


if __name__ == "__main__":
    main()
