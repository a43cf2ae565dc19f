"""Your own loss on genrep's views: four views per anchor and a multi-positive contrastive loss
(every other view of the same anchor is a positive), written in plain PyTorch (docs/python.md).

    python examples/python/own_loss.py --steps 200
"""
import argparse

import torch
import torch.nn.functional as F

import genrep


def multi_positive_loss(z: torch.Tensor, temperature: float = 0.1) -> torch.Tensor:
    """[V, B, D] projections: the mean over views of -log p(positive), positives = the anchor's other views."""
    v, b, _ = z.shape
    z = F.normalize(z.reshape(v * b, -1), dim=1)
    anchor = torch.arange(b).repeat(v)  # row v*B + i is a view of anchor i
    logits = z @ z.t() / temperature
    self_mask = torch.eye(v * b, dtype=torch.bool)
    logits = logits.masked_fill(self_mask, float("-inf"))
    positives = (anchor[:, None] == anchor[None, :]) & ~self_mask
    log_p = logits.log_softmax(dim=1).masked_fill(~positives, 0.0)
    return -(log_p.sum(dim=1) / positives.sum(dim=1)).mean()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=200)
    parser.add_argument("--batch", type=int, default=128)
    parser.add_argument("--eval-images", type=int, default=0, help="fit/test images of the probes (0: all)")
    args = parser.parse_args()

    generator = genrep.load_generator()
    stream = genrep.ViewStream(generator, batch=args.batch, views=4, latent="gaussian", sigma=0.5, seed=0, steps=args.steps)
    c, h, w = generator.image_shape
    encoder = torch.nn.Sequential(
        torch.nn.Conv2d(c, 32, 3, padding=1), torch.nn.BatchNorm2d(32), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
        torch.nn.Conv2d(32, 64, 3, padding=1), torch.nn.BatchNorm2d(64), torch.nn.ReLU(), torch.nn.AdaptiveAvgPool2d(1),
        torch.nn.Flatten())
    head = torch.nn.Linear(64, 64)
    optimiser = torch.optim.Adam(list(encoder.parameters()) + list(head.parameters()), lr=1e-3)
    for batch in stream:
        views = batch["views"]  # [4, B, C, H, W]
        z = head(encoder(views.flatten(0, 1))).unflatten(0, views.shape[:2])
        loss = multi_positive_loss(z)
        optimiser.zero_grad()
        loss.backward()
        optimiser.step()
        if batch["step"] % 50 == 0 or batch["step"] == args.steps - 1:
            print(f"step {batch['step']}: loss {loss.item():.4f}", flush=True)

    limits = {"eval.fit_images": args.eval_images, "eval.test_images": args.eval_images} if args.eval_images else {}
    result = genrep.evaluate(encoder, settings=limits)
    print(f"linear {100 * result['linear']['top1']:.2f} %  kNN {100 * result['knn']['top1']:.2f} %  "
          f"few-shot {100 * result['few_shot']['mean']:.2f} %")


if __name__ == "__main__":
    main()
