"""Reference for `prunelab-cli bench decode`: torchvision's ImageFolder through a DataLoader, as the seed notebook loads images.
Prints (as one JSON line) the seconds taken to decode and resize every image of ROOT once. Usage: torchvision_decode.py ROOT SIZE WORKERS"""
import json
import sys
import time

import torch
from torchvision import datasets, transforms

root, size, workers = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
tf = transforms.Compose([transforms.Resize((size, size)), transforms.PILToTensor()])
loader = torch.utils.data.DataLoader(datasets.ImageFolder(root, transform=tf), batch_size=64, num_workers=workers)
start = time.perf_counter()
count = 0
for images, labels in loader:
    count += images.shape[0]
print(json.dumps({"seconds": time.perf_counter() - start, "images": count}))
