"""The Python package against the C++ library it serves (python/genrep, docs/python.md).

Run by CTest (tests/CMakeLists.txt) with PYTHONPATH=build/python, so by scripts/test.sh and CI.
"""
import subprocess
import sys
import textwrap

import pytest
import torch

import genrep


@pytest.fixture(scope="module")
def generator():
    return genrep.load_generator()


def test_the_shipped_generator_samples_images_in_range(generator):
    assert (generator.latent_dim, generator.num_classes, generator.image_shape) == (64, 10, (1, 28, 28))
    z = torch.randn(5, 64, generator=torch.Generator().manual_seed(0))
    y = torch.arange(5, dtype=torch.int64)
    images = generator.sample(z, y)
    assert images.shape == (5, 1, 28, 28) and images.dtype == torch.float32
    assert images.min() >= -1 and images.max() <= 1
    assert torch.equal(images, generator.sample(z, y)), "the same codes, the same images"


def test_sample_refuses_wrong_shapes_and_missing_classes(generator):
    with pytest.raises(ValueError, match=r"z must be a float tensor \[B, 64\]"):
        generator.sample(torch.zeros(2, 3), torch.zeros(2, dtype=torch.int64))
    with pytest.raises(ValueError, match="conditional: y must be an int64 tensor"):
        generator.sample(torch.zeros(2, 64))
    with pytest.raises(ValueError, match="conditional"):
        generator.sample(torch.zeros(2, 64), torch.zeros(2, dtype=torch.float32))


def test_a_missing_or_corrupt_generator_folder_is_named(tmp_path):
    with pytest.raises(Exception, match="nowhere"):
        genrep.load_generator(str(tmp_path / "nowhere"))
    (tmp_path / "bad").mkdir()
    (tmp_path / "bad" / "manifest.json").write_text("{ not json")
    with pytest.raises(Exception, match="manifest.json"):
        genrep.load_generator(str(tmp_path / "bad"))


def test_a_view_stream_gives_genrep_trains_batches(generator):
    stream = genrep.ViewStream(generator, batch=8, latent="gaussian", sigma=0.5, seed=3)
    b = stream.batch(0)
    assert b["views"].shape == (2, 8, 1, 28, 28)
    assert b["classes"].shape == (8,) and b["classes"].dtype == torch.int64
    assert ((b["classes"] >= 0) & (b["classes"] < 10)).all()
    assert b["latents"].shape == (2, 8, 64)
    assert bool(b["synthetic"].all())
    assert b["views"].min() >= -1 and b["views"].max() <= 1
    assert not torch.equal(b["latents"][0], b["latents"][1]), "gaussian views move the anchor's code"
    assert "gaussian" in stream.description
    assert "sigma = 0.5" in stream.settings


def test_batches_are_a_function_of_seed_and_step_so_a_resumed_loop_continues(generator):
    stream = genrep.ViewStream(generator, batch=4, seed=1)
    first = [b["views"] for b in genrep.ViewStream(generator, batch=4, seed=1, steps=3)]
    assert len(first) == 3
    assert torch.equal(first[2], stream.batch(2)["views"])
    resumed = next(iter(genrep.ViewStream(generator, batch=4, seed=1, start_step=2, steps=1)))
    assert resumed["step"] == 2 and torch.equal(resumed["views"], first[2])
    assert not torch.equal(first[0], first[1]), "each step its own views"
    other = genrep.ViewStream(generator, batch=4, seed=2).batch(0)["views"]
    assert not torch.equal(other, first[0]), "another seed, other views"


def test_settings_are_genrep_trains_keys_with_its_checks(generator):
    four = genrep.ViewStream(generator, batch=2, views=4, settings={"views.crop_scale_min": 0.5}).batch(0)
    assert four["views"].shape[:2] == (4, 2)
    with pytest.raises(ValueError, match="views.count must be >= 2"):
        genrep.ViewStream(generator, batch=2, views=1)
    with pytest.raises(ValueError, match="views.sigmaa"):
        genrep.ViewStream(generator, settings={"views.sigmaa": 0.5})
    with pytest.raises(ValueError, match="views.latent"):
        genrep.ViewStream(generator, latent="sideways")
    with pytest.raises(ValueError, match="learn.batch"):
        genrep.ViewStream(generator, batch=0)
    with pytest.raises(ValueError, match="learn.batch is 1; it must be >= 2"):
        genrep.ViewStream(generator, batch=1)  # genrep train's bound: negatives come from the other anchors
    with pytest.raises(ValueError, match="start_step"):
        genrep.ViewStream(generator, start_step=-1)
    with pytest.raises(TypeError, match="genrep.Generator"):
        genrep.ViewStream("models/fashion-mnist-cgan")


def test_a_dataloader_with_workers_yields_each_step_once(generator):
    stream = genrep.ViewStream(generator, batch=4, seed=5, steps=4)
    loader = torch.utils.data.DataLoader(stream, batch_size=None, num_workers=2)
    got = {int(b["step"]): b["views"] for b in loader}
    assert sorted(got) == [0, 1, 2, 3]
    for step, views in got.items():
        assert torch.equal(views, stream.batch(step)["views"]), f"step {step} as in the main process"


def test_a_prefetching_stream_shuts_down_with_the_interpreter():
    script = textwrap.dedent("""
        import genrep
        g = genrep.load_generator()
        s = genrep.ViewStream(g, batch=4, settings={"views.prefetch_threads": 1})
        it = iter(s)
        next(it); next(it)
        print("ok")
    """)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok"


def test_open_dataset_gives_the_command_lines_splits():
    d = genrep.open_dataset("fashion-mnist")
    assert len(d["class_names"]) == 10
    train, val, test = d["train"], d["val"], d["test"]
    assert train["images"].dtype == torch.uint8 and train["images"].shape[1:] == (1, 28, 28)
    assert train["images"].shape[0] + val["images"].shape[0] == 60000
    assert val["images"].shape[0] == 6000, "data.val_fraction 0.1, per class"
    assert test["images"].shape == (10000, 1, 28, 28) and test["labels"].shape == (10000,)
    subset = genrep.open_dataset("fashion-mnist", classes="0,1,2,3,4", val_fraction=0.2)
    assert len(subset["class_names"]) == 5
    assert int(subset["test"]["labels"].max()) == 4
    with pytest.raises(ValueError, match="data.val_fraction"):
        genrep.open_dataset("fashion-mnist", val_fraction=1.5)
    with pytest.raises(ValueError, match="data.formatt|data.format"):
        genrep.open_dataset("fashion-mnistt")
    with pytest.raises(ValueError, match="data.colour"):
        genrep.open_dataset("fashion-mnist", colour=3)


def test_evaluate_scores_any_model_as_genrep_eval_does(tmp_path):
    """Raw pixels through genrep.evaluate and through `genrep eval --baseline pixels`: the same numbers."""
    import json
    import os
    settings = {"eval.fit_images": 2000, "eval.test_images": 1000, "eval.linear_epochs": 5, "eval.few_shot_steps": 50}
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # as the command below: the same sums in the same order
    try:
        mine = genrep.evaluate(lambda x: x.flatten(1), settings=settings)
    finally:
        torch.set_num_threads(threads)
    binary = os.environ.get("GENREP_BINARY", "build/genrep")
    sets = [arg for key, value in settings.items() for arg in ("--set", f"{key}={value}")]
    done = subprocess.run([binary, "eval", "--baseline", "pixels", "--set", f"run.root={tmp_path}", "--run-name", "pixels",
                           "--threads", "1", *sets], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    theirs = json.loads((tmp_path / "pixels" / "eval.json").read_text())
    for probe, field in (("linear", "top1"), ("knn", "top1"), ("few_shot", "mean")):
        assert mine[probe][field] == pytest.approx(theirs[probe][field], abs=1e-9), probe
    assert 0.5 < mine["linear"]["top1"] < 1


def test_evaluate_refuses_a_model_that_returns_no_features():
    with pytest.raises(ValueError, match=r"it must return \[N, F\]"):
        genrep.evaluate(lambda x: x, settings={"eval.fit_images": 200, "eval.test_images": 100})
    with pytest.raises(TypeError, match="must return a tensor"):
        genrep.evaluate(lambda x: "features", settings={"eval.fit_images": 200, "eval.test_images": 100})
    with pytest.raises(ValueError, match="eval.knn_kk"):
        genrep.evaluate(lambda x: x.flatten(1), settings={"eval.knn_kk": 3})


@pytest.mark.parametrize("example", ["simclr_torchvision.py", "own_loss.py"])
def test_the_examples_run_a_few_steps(example):
    done = subprocess.run([sys.executable, f"examples/python/{example}", "--steps", "2", "--batch", "16", "--eval-images", "300"],
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    assert "step 1: loss" in done.stdout and "linear" in done.stdout, done.stdout
