#!/usr/bin/env python3
"""PruneLab's TorchScript exports run in Python's torch with no PruneLab code and give PruneLab's logits.

Runs export_torchscript (a C++ program built with the engine), then loads each exported compact-torchscript and
torchscript file with torch.jit.load, feeds it the same pixels, and requires the logits PruneLab computed (within
1e-5), the class names, and a compact model with fewer parameters than the masked one. For the graph networks
(ResNet-18, a DenseNet-BC) it also loads PruneLab's weights, by name, into torchvision's own resnet18 and DenseNet
(strict: every name and shape must match) and requires the same logits: PruneLab's graphs are those networks.
Exits 77 (CTest: skipped) when Python's torch is not installed.
"""
import os
import subprocess
import sys
import tempfile

try:
    import torch
except ImportError:
    print("python3-torch is not installed: skipped")
    sys.exit(77)


def same_as_torchvision(name, state_file, expected):
    try:
        import torchvision
    except ImportError:
        print(f"SKIP {name}: python3-torchvision is not installed")
        return True
    if name == "resnet":
        reference = torchvision.models.resnet18(num_classes=4)
    else:
        reference = torchvision.models.DenseNet(growth_rate=8, block_config=(2, 2), num_init_features=16,
                                                num_classes=4)
    reference.load_state_dict(torch.load(state_file), strict=True)
    reference.eval()
    with torch.no_grad():
        error = (reference(expected[f"{name}/normalized"]) - expected[f"{name}/logits"]).abs().max().item()
    good = error <= 1e-4
    print(f"{'PASS' if good else 'FAIL'} {name}: torchvision's network with PruneLab's weights, "
          f"max |PruneLab - torchvision| = {error:.3g}")
    return good


def main():
    exporter = sys.argv[1]
    ok = True
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run([exporter, tmp], check=True)
        expected = torch.load(os.path.join(tmp, "expected.pt"))
        for name in ("lenet5", "vgg"):
            sizes = {}
            for form in ("compact", "masked"):
                model = torch.jit.load(os.path.join(tmp, f"{name}-{form}.pt"))
                model.eval()
                with torch.no_grad():
                    logits = model(expected[f"{name}/input"])
                error = (logits - expected[f"{name}/logits"]).abs().max().item()
                sizes[form] = sum(p.numel() for p in model.parameters())
                classes = list(model.class_names)
                good = error <= 1e-5 and classes == ["T-shirt", "Trouser", "Pullover", "Dress"]
                print(f"{'PASS' if good else 'FAIL'} {name} {form}: max |PruneLab - torch.jit.load| = {error:.3g}, "
                      f"{sizes[form]} parameters, classes {classes}, input shape {list(model.input_shape)}")
                ok &= good
            if not sizes["compact"] < sizes["masked"]:
                print(f"FAIL {name}: the compact model is not smaller ({sizes})")
                ok = False
        for name in ("resnet", "densenet"):
            model = torch.jit.load(os.path.join(tmp, f"{name}-masked.pt"))
            model.eval()
            with torch.no_grad():
                error = (model(expected[f"{name}/input"]) - expected[f"{name}/logits"]).abs().max().item()
            good = error <= 1e-4
            print(f"{'PASS' if good else 'FAIL'} {name} masked torchscript: max |PruneLab - torch.jit.load| = "
                  f"{error:.3g}")
            ok &= good
            ok &= same_as_torchvision(name, os.path.join(tmp, f"{name}-state.pt"), expected)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
