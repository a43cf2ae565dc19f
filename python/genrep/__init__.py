"""genrep from Python: the views genrep trains on, its generators and its datasets, as tensors.

genrep learns visual representations from a generative model (Jahanian et al., ICLR 2022). This
package serves genrep's C++ library to PyTorch code: a user trains their own model on genrep's
views and keeps their own loop.

    import genrep, torch
    gen = genrep.load_generator()                      # the shipped conditional GAN
    stream = genrep.ViewStream(gen, batch=256, latent="gaussian", sigma=0.5, seed=0)
    for batch in stream:                               # batch["views"]: [V, B, C, H, W] in [-1, 1]
        ...

Every setting is a key of ``genrep train`` (``genrep train --print-config`` lists them with their
defaults); a bad one raises ValueError naming it, as the command line does.
"""
from __future__ import annotations

from typing import Any, Dict, Iterator, Mapping, Optional

import torch  # noqa: F401  (loads LibTorch before the extension)
import torch.utils.data

from . import _genrep

Generator = _genrep.Generator

__all__ = ["Generator", "ViewStream", "evaluate", "load_generator", "open_dataset"]


def load_generator(path: str = "") -> "Generator":
    """A generator folder: genrep's GAN or a TorchScript export (manifest.json + weights).

    Empty: the shipped conditional Fashion-MNIST GAN. The result has ``latent_dim``,
    ``num_classes`` (0: unconditional), ``image_shape`` (C, H, W) and
    ``sample(z, y) -> Tensor [B, C, H, W]`` in [-1, 1]. A missing or corrupt folder raises an
    exception naming it.
    """
    return _genrep.load_generator(str(path))


def _assignments(settings: Mapping[str, Any]) -> list:
    """``{"views.sigma": 0.5}`` as the ``key=value`` assignments ``--set`` takes."""
    out = []
    for key, value in settings.items():
        if isinstance(value, bool):
            value = "true" if value else "false"
        elif isinstance(value, (list, tuple)):
            value = ",".join(str(v) for v in value)
        out.append(f"{key}={value}")
    return out


# The keyword arguments of ViewStream and the keys of `genrep train` they set.
_STREAM_KEYS = {
    "batch": "learn.batch",
    "views": "views.count",
    "latent": "views.latent",
    "sigma": "views.sigma",
    "pool": "views.pool",
    "anchors": "views.anchors",
    "refresh": "views.refresh",
    "seed": "run.seed",
    "device": "run.device",
}


class ViewStream(torch.utils.data.IterableDataset):
    """The batches of views ``genrep train`` draws, step after step, as tensors.

    Each item is a dict: ``views`` [V, B, C, H, W] float in [-1, 1] (view v of anchor b; the
    positives of anchor b are ``views[:, b]``), ``classes`` [B] the anchors' classes (-1:
    unknown), ``latents`` [V, B, Z] the codes each view was generated from, ``synthetic`` [V, B]
    and ``step``. A batch is a function of (settings, seed, step) only, so a loop resumed at
    ``start_step`` continues with the views it would have seen, and the same settings give the
    views ``genrep train`` trains on.

    Arguments left None keep ``genrep train``'s defaults; ``settings`` takes any other key of
    ``genrep train`` (``{"views.crop_scale_min": 0.2}``). ``steps``: how many batches an
    iteration yields (None: without end). In a DataLoader with workers, worker w of W yields
    steps start_step + w, + w + W, ...: use ``batch_size=None``.
    """

    def __init__(self, generator: "Generator", *, batch: Optional[int] = None, views: Optional[int] = None,
                 latent: Optional[str] = None, sigma: Optional[float] = None, pool: Optional[int] = None,
                 anchors: Optional[int] = None, refresh: Optional[float] = None, seed: Optional[int] = None,
                 device: Optional[str] = None, start_step: int = 0, steps: Optional[int] = None,
                 settings: Optional[Mapping[str, Any]] = None) -> None:
        super().__init__()
        if not isinstance(generator, Generator):
            raise TypeError("ViewStream: generator must be a genrep.Generator (genrep.load_generator(path))")
        if start_step < 0:
            raise ValueError(f"ViewStream: start_step is {start_step}; it must be >= 0")
        if steps is not None and steps < 0:
            raise ValueError(f"ViewStream: steps is {steps}; it must be >= 0 or None")
        given = dict(batch=batch, views=views, latent=latent, sigma=sigma, pool=pool, anchors=anchors,
                     refresh=refresh, seed=seed, device=device)
        chosen: Dict[str, Any] = {_STREAM_KEYS[k]: v for k, v in given.items() if v is not None}
        chosen.update(settings or {})
        self._generator = generator
        self._assignments = _assignments(chosen)
        self._core = _genrep.ViewStreamCore(generator, self._assignments)
        self.start_step = start_step
        self.steps = steps

    @property
    def description(self) -> str:
        """What the stream draws, as ``genrep train`` prints it."""
        return self._core.description

    @property
    def settings(self) -> str:
        """Every resolved setting, as TOML (what ``--print-config`` writes)."""
        return self._core.settings

    @property
    def batch_size(self) -> int:
        return self._core.anchors

    @property
    def views_per_anchor(self) -> int:
        return self._core.views_per_anchor

    def batch(self, step: int) -> Dict[str, Any]:
        """The batch of ``step`` (the C++ work runs without the GIL)."""
        if step < 0:
            raise ValueError(f"ViewStream.batch: step is {step}; it must be >= 0")
        return self._core.batch(int(step))

    def __iter__(self) -> Iterator[Dict[str, Any]]:
        info = torch.utils.data.get_worker_info()
        core = self._core
        first, stride = self.start_step, 1
        if info is not None:
            # A worker process holds a copy of this object made by pickling: its own source.
            core = _genrep.ViewStreamCore(self._generator, self._assignments)
            first, stride = self.start_step + info.id, info.num_workers
        step = first
        end = None if self.steps is None else self.start_step + self.steps
        while end is None or step < end:
            yield core.batch(step)
            step += stride

    def __reduce__(self):
        # The generator is loaded again in a worker from its folder.
        return (_rebuild_stream, (self._generator.path, self._assignments, self.start_step, self.steps))


def _rebuild_stream(path: str, assignments: list, start_step: int, steps: Optional[int]) -> "ViewStream":
    stream = ViewStream.__new__(ViewStream)
    torch.utils.data.IterableDataset.__init__(stream)
    stream._generator = load_generator(path)
    stream._assignments = list(assignments)
    stream._core = _genrep.ViewStreamCore(stream._generator, stream._assignments)
    stream.start_step = start_step
    stream.steps = steps
    return stream


def open_dataset(format: str = "fashion-mnist", path: str = "", **settings: Any) -> Dict[str, Any]:
    """A real dataset genrep reads, with the command line's splits.

    ``format``: fashion-mnist, mnist, idx, cifar10, cifar100 or folder; ``path``: its folder
    (empty: the format's default). Other ``data.*`` keys by their last part
    (``val_fraction=0.1``, ``split_seed=0``, ``classes="0,1,2"``). Returns a dict with
    ``format``, ``source``, ``class_names`` and ``train`` (less the validation split), ``val``
    and ``test``, each ``{"images": uint8 [N, C, H, W], "labels": int64 [N]}``.
    """
    chosen = {"data.format": format, "data.path": path}
    chosen.update({f"data.{key}": value for key, value in settings.items()})
    return _genrep.open_dataset(_assignments(chosen))


def evaluate(model: Any, *, format: str = "fashion-mnist", path: str = "", input_size: int = 0,
             device: Optional[str] = None, settings: Optional[Mapping[str, Any]] = None) -> Dict[str, Any]:
    """genrep's protocol on the features of any model: what ``genrep eval`` reports.

    The probes fit on the training split less the validation split, pick their hyper-parameters
    on the validation split and score on the test split: the linear probe (its weight decay and
    epochs picked on validation), kNN (cosine, k = eval.knn_k, temperature-weighted votes) and
    few-shot (a linear probe on eval.few_shot_per_class images per class, over several draws).

    ``model``: a ``torch.nn.Module`` (run in eval mode without gradients) or any callable from
    real images [N, C, H, W] float in [-1, 1] to features [N, F]. ``input_size``: the side the
    model takes (0: the images' own); other sizes are resized and centre-cropped as the paper's
    evaluation does. ``settings``: ``eval.*`` and ``data.*`` keys (``{"eval.fit_images": 10000}``).
    Returns the record ``genrep eval`` writes: ``result["linear"]["top1"]``, ``["knn"]["top1"]``,
    ``["few_shot"]["mean"]``, ... as fractions.
    """
    chosen: Dict[str, Any] = {"data.format": format, "data.path": path}
    chosen.update(settings or {})
    module = model if isinstance(model, torch.nn.Module) else None
    first = next(module.parameters(), None) if module is not None else None
    target = torch.device(device) if device else (first.device if first is not None else torch.device("cpu"))
    if module is not None:
        was_training = module.training
        module.eval()

    def features(images: torch.Tensor) -> torch.Tensor:
        with torch.no_grad():
            out = model(images.to(target))
        if not isinstance(out, torch.Tensor):
            raise TypeError(f"evaluate: the model returned {type(out).__name__}; it must return a tensor [N, F]")
        return out.float().cpu()

    try:
        return _genrep.evaluate_model(features, _assignments(chosen), int(input_size))
    finally:
        if module is not None:
            module.train(was_training)
