#!/usr/bin/env python3
"""PyTorch reference for `npm run bench:train`: the same network, batch and thread count as the
emoscope run, timed the same way (ms per training step, and inference of a batch of faces).

The network comes as a layer list (JSON) that bench/train.ts derives from the tfjs-layers model,
so every architecture in emoscope's registry is compared on equal terms. Needs PyTorch:
`apt-get install python3-torch` (Debian), run with /usr/bin/python3.

Usage: torch_train.py --spec spec.json --threads 2 --batch 64 --steps 10 --infer-batch 256
Prints one JSON object: {"torch": version, "stepMs": …, "inferMs": …, "threads": …}.
"""
import argparse
import json
import time

import torch
import torch.nn as nn


def build(spec, channels, size):
    """Sequential PyTorch model from the layer list; returns (model, [(param, l2), ...])."""
    layers, penalties = [], []
    flat = None
    for layer in spec:
        kind = layer["type"]
        if kind == "conv2d":
            pad = layer["kernel"] // 2 if layer["padding"] == "same" else 0
            conv = nn.Conv2d(channels, layer["filters"], layer["kernel"], layer["strides"], pad, bias=layer["useBias"])
            layers.append(conv)
            if layer.get("l2"):
                penalties.append((conv.weight, layer["l2"]))
            channels = layer["filters"]
            size = (size + 2 * pad - layer["kernel"]) // layer["strides"] + 1
            if layer.get("activation") == "relu":
                layers.append(nn.ReLU())
        elif kind == "batchNormalization":
            # Keras momentum m keeps m of the old average; PyTorch's momentum is the new share.
            norm = nn.BatchNorm1d if flat is not None else nn.BatchNorm2d  # after flatten: per feature
            layers.append(norm(flat if flat is not None else channels, eps=layer["epsilon"], momentum=1 - layer["momentum"]))
        elif kind == "activation":
            if layer["activation"] == "relu":
                layers.append(nn.ReLU())
            elif layer["activation"] == "softmax":
                layers.append(nn.Softmax(dim=1))
        elif kind == "maxPooling2d":
            layers.append(nn.MaxPool2d(layer["pool"], layer["strides"]))
            size = (size - layer["pool"]) // layer["strides"] + 1
        elif kind == "dropout":
            layers.append(nn.Dropout(layer["rate"]))
        elif kind == "flatten":
            layers.append(nn.Flatten())
            flat = channels * size * size
        elif kind == "dense":
            dense = nn.Linear(flat, layer["units"], bias=layer.get("useBias", True))
            layers.append(dense)
            if layer.get("l2"):
                penalties.append((dense.weight, layer["l2"]))
            flat = layer["units"]
            if layer.get("activation") == "relu":
                layers.append(nn.ReLU())
            # softmax is folded into the cross-entropy loss below, as is usual in PyTorch
        else:
            raise ValueError(f"unknown layer type {kind!r} in the spec")
    return nn.Sequential(*layers), penalties


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--spec", required=True, help="JSON file: {inputSize, channels, classes, layers, learningRate}")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--steps", type=int, default=10, help="timed training steps (after 2 warm-up steps)")
    parser.add_argument("--infer-batch", type=int, default=256)
    parser.add_argument("--infer-reps", type=int, default=5)
    args = parser.parse_args()
    with open(args.spec) as f:
        spec = json.load(f)

    torch.set_num_threads(args.threads)
    torch.manual_seed(1)
    model, penalties = build(spec["layers"], spec["channels"], spec["inputSize"])
    optimizer = torch.optim.Adam(model.parameters(), lr=spec.get("learningRate", 1e-3))
    loss_fn = nn.CrossEntropyLoss()
    x = torch.randn(args.batch, spec["channels"], spec["inputSize"], spec["inputSize"])
    y = torch.randint(0, spec["classes"], (args.batch,))

    def step():
        optimizer.zero_grad(set_to_none=True)
        loss = loss_fn(model(x), y)
        for weight, factor in penalties:
            loss = loss + factor * weight.pow(2).sum()
        loss.backward()
        optimizer.step()
        return loss.item()

    model.train()
    for _ in range(2):
        step()
    times = []
    for _ in range(args.steps):
        start = time.perf_counter()
        step()
        times.append((time.perf_counter() - start) * 1000)

    model.eval()
    faces = torch.randn(args.infer_batch, spec["channels"], spec["inputSize"], spec["inputSize"])
    infer = []
    with torch.no_grad():
        model(faces)
        for _ in range(args.infer_reps):
            start = time.perf_counter()
            model(faces)
            infer.append((time.perf_counter() - start) * 1000)

    times.sort()
    infer.sort()
    print(json.dumps({
        "torch": torch.__version__,
        "threads": torch.get_num_threads(),
        "stepMs": times[len(times) // 2],
        "inferMs": infer[len(infer) // 2],
    }))


if __name__ == "__main__":
    main()
