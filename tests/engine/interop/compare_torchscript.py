#!/usr/bin/env python3
"""PruneLab's TorchScript exports run in Python's torch with no PruneLab code and give PruneLab's logits.

Runs export_torchscript (a C++ program built with the engine), then loads each exported compact-torchscript and
torchscript file with torch.jit.load, feeds it the same pixels, and requires the logits PruneLab computed (within
1e-5), the class names, and a compact model with fewer parameters than the masked one.
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
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
