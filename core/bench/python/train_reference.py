"""Reference for `prunelab-cli bench train`: the same model, batch, optimiser and data trained by a plain PyTorch
loop, as a notebook would. Prints one JSON line with samples_per_second.

  memory mode: IMAGES is a raw uint8 N×C×H×W file, LABELS raw int64; every step draws a shuffled batch, turns it
               into floats normalised per channel (the engine's Normalizer), then forward, loss, backward, step.
  files mode:  ROOT is a class-per-folder image tree read by torchvision ImageFolder + DataLoader (the seeds' way).
"""
import argparse
import json
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


def mlp(inputs, hidden, classes):
    layers, width = [nn.Flatten()], inputs
    for h in hidden:
        layers += [nn.Linear(width, h), nn.ReLU()]
        width = h
    layers.append(nn.Linear(width, classes))
    return nn.Sequential(*layers)


def lenet5(c, h, w, classes):
    fh, fw = ((h // 2) - 4) // 2, ((w // 2) - 4) // 2
    return nn.Sequential(nn.Conv2d(c, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(6, 16, 5), nn.ReLU(),
                         nn.MaxPool2d(2), nn.Flatten(), nn.Linear(16 * fh * fw, 120), nn.ReLU(), nn.Linear(120, 84),
                         nn.ReLU(), nn.Linear(84, classes))


def vgg(c, plan, classes):
    layers, width = [], c
    for v in plan:
        if v == 0:
            layers.append(nn.MaxPool2d(2))
        else:
            layers += [nn.Conv2d(width, v, 3, padding=1, bias=False), nn.BatchNorm2d(v), nn.ReLU(inplace=True)]
            width = v
    return nn.Sequential(*layers, nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(width, classes))


class BasicBlock(nn.Module):
    """ResNet's basic block with option B shortcuts, as PruneLab's ResNet builds it."""

    def __init__(self, inputs, outputs, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(inputs, outputs, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(outputs)
        self.conv2 = nn.Conv2d(outputs, outputs, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(outputs)
        self.downsample = None
        if stride != 1 or inputs != outputs:
            self.downsample = nn.Sequential(nn.Conv2d(inputs, outputs, 1, stride, bias=False), nn.BatchNorm2d(outputs))

    def forward(self, x):
        y = self.bn2(self.conv2(F.relu(self.bn1(self.conv1(x)))))
        return F.relu(y + (x if self.downsample is None else self.downsample(x)))


def resnet_cifar(c, depth, classes):
    """CIFAR-style ResNet-(6n+2): a 3×3 stem, three stages of n blocks (16, 32, 64 channels), pooling, one linear."""
    n, layers, width = (depth - 2) // 6, [nn.Conv2d(c, 16, 3, 1, 1, bias=False), nn.BatchNorm2d(16), nn.ReLU()], 16
    for stage, planes in enumerate((16, 32, 64)):
        for b in range(n):
            layers.append(BasicBlock(width, planes, 2 if stage > 0 and b == 0 else 1))
            width = planes
    return nn.Sequential(*layers, nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(width, classes))


def densenet_cifar(c, growth, blocks, classes):
    """DenseNet-BC with CIFAR's stem: torchvision's DenseNet with its 7×7 conv and max-pool replaced by a 3×3 conv."""
    import torchvision

    net = torchvision.models.DenseNet(growth_rate=growth, block_config=tuple(blocks), num_init_features=2 * growth,
                                      bn_size=4, num_classes=classes)
    net.features.conv0 = nn.Conv2d(c, 2 * growth, 3, 1, 1, bias=False)
    net.features.norm0, net.features.relu0, net.features.pool0 = nn.Identity(), nn.Identity(), nn.Identity()
    return net


def build(spec, c, h, w, classes):
    if spec["arch"] == "mlp":
        return mlp(c * h * w, spec["hidden"], classes)
    if spec["arch"] == "lenet5":
        return lenet5(c, h, w, classes)
    if spec["arch"] == "resnet":
        return resnet_cifar(c, spec["depth"], classes)
    if spec["arch"] == "densenet":
        return densenet_cifar(c, spec["growth"], spec["blocks"], classes)
    return vgg(c, spec["plan"], classes)


def optimiser(spec, params):
    if spec["optimizer"] == "sgd":
        return torch.optim.SGD(params, lr=spec["lr"], momentum=spec.get("momentum", 0.0))
    if spec["optimizer"] == "adamw":
        return torch.optim.AdamW(params, lr=spec["lr"], weight_decay=spec.get("weight_decay", 0.0))
    return torch.optim.Adam(params, lr=spec["lr"], weight_decay=spec.get("weight_decay", 0.0))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--spec", required=True, help="JSON: arch, hidden|plan, optimizer, lr, batch, steps, warmup")
    ap.add_argument("--images")
    ap.add_argument("--labels")
    ap.add_argument("--shape", help="N,C,H,W")
    ap.add_argument("--classes", type=int, default=10)
    ap.add_argument("--files", help="class-per-folder image tree (files mode)")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--device", default="cpu")
    a = ap.parse_args()
    spec = json.loads(a.spec)
    torch.manual_seed(1)
    batch, steps, warmup = spec["batch"], spec["steps"], spec["warmup"]

    if a.files:
        from torchvision import datasets, transforms
        c, h, w = spec["channels"], spec["height"], spec["width"]
        tf = [transforms.Resize((h, w))]
        if c == 1:
            tf.append(transforms.Grayscale(1))
        tf += [transforms.ToTensor(), transforms.Normalize([0.5] * c, [0.25] * c)]
        data = datasets.ImageFolder(a.files, transform=transforms.Compose(tf))
        model = build(spec, c, h, w, len(data.classes))
        opt = optimiser(spec, model.parameters())
        loader = torch.utils.data.DataLoader(data, batch_size=batch, shuffle=True, num_workers=a.workers,
                                             drop_last=True)
        model.train()
        done, start = 0, time.perf_counter()
        for x, y in loader:  # one epoch, including the workers' start-up, as a notebook pays it
            opt.zero_grad()
            F.cross_entropy(model(x), y).backward()
            opt.step()
            done += x.shape[0]
        seconds = time.perf_counter() - start
        print(json.dumps({"samples_per_second": done / seconds, "samples": done, "seconds": seconds,
                          "threads": torch.get_num_threads()}))
        return

    n, c, h, w = (int(v) for v in a.shape.split(","))
    images = torch.from_file(a.images, size=n * c * h * w, dtype=torch.uint8).view(n, c, h, w)
    labels = torch.from_file(a.labels, size=n, dtype=torch.int64)
    mean = images.float().mean(dim=(0, 2, 3)) / 255.0
    std = images.float().std(dim=(0, 2, 3)).clamp_min(1.0) / 255.0
    scale = (1.0 / (255.0 * std)).view(1, c, 1, 1)
    shift = (-mean / std).view(1, c, 1, 1)
    device = torch.device(a.device)
    images, labels, scale, shift = images.to(device), labels.to(device), scale.to(device), shift.to(device)
    model = build(spec, c, h, w, a.classes).to(device)
    opt = optimiser(spec, model.parameters())
    model.train()
    order = torch.randperm(n, device=device)
    position = 0

    def step():
        nonlocal order, position
        if position + batch > n:
            order, position = torch.randperm(n, device=device), 0
        idx = order[position:position + batch]
        position += batch
        x = images[idx].float() * scale + shift
        y = labels[idx]
        opt.zero_grad()
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        opt.step()
        return loss.item()

    for _ in range(warmup):
        step()
    start = time.perf_counter()
    for _ in range(steps):
        step()
    if device.type == "cuda":
        torch.cuda.synchronize()
    seconds = time.perf_counter() - start
    print(json.dumps({"samples_per_second": steps * batch / seconds, "samples": steps * batch, "seconds": seconds,
                      "threads": torch.get_num_threads()}))


if __name__ == "__main__":
    main()
