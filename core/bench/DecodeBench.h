#pragma once

#include "core/bench/BenchReport.h"

#include <string>

namespace prunelab::bench {

/// `prunelab-cli bench decode`: decode-and-resize throughput of the dataset loader against references measured in the
/// same run on the same files: a single-threaded OpenCV loop (imread + resize, what a plain C++ program does) and,
/// with python3-torchvision, torchvision's ImageFolder through a DataLoader with one worker per core (the seeds' way).
/// Also the second open (pixel cache) and the peak memory growth against the uint8 size of the decoded set.
/// The images are MRI-like 208×176 JPEGs with three equal channels, like the Kaggle Alzheimer set's (33,984 images).
struct DecodeBenchOptions {
    int images = 4000;
    int size = 128;
    std::string keep; ///< write (or reuse) the JPEG files here instead of a temporary folder
    bool reference = true;
};

BenchReport runDecodeBench(const DecodeBenchOptions& options);

/// `prunelab-cli bench train --from-files`: end to end from image files, the way a notebook starts — decode a folder
/// of JPEGs (no pixel cache), then train LeNet-5 (the strategy study) one epoch at batch 64 on them — against
/// torchvision's ImageFolder + DataLoader (one worker per core, shuffled) feeding the same model and optimiser for one
/// epoch.
struct FileTrainBenchOptions {
    int images = 4000;
    int size = 32; ///< square gray images, as the strategy study's LeNet-5 takes them
    std::string keep;
    bool reference = true;
};

BenchReport runFileTrainBench(const FileTrainBenchOptions& options);

/// `prunelab-cli bench memory`: the peak resident memory of a whole `prunelab-cli run` (the MRI threshold sweep's
/// preset: load, split, train one epoch, prune one threshold, fine-tune one epoch, write the session) on a folder of
/// `images` 128×128 RGB JPEGs (33,984: the Kaggle Alzheimer set's size), set against the uint8 size of the decoded set.
/// The run is a child process with its pixel cache and session in a temporary folder. Each phase's peak (load and
/// decode, split and statistics, training, pruning and fine-tuning, saving) is the child's own high-water mark,
/// reset as the phase begins (PRUNELAB_MEMORY_PHASES, workbench/MemoryPhases.h); the run's peak is the largest.
struct MemoryBenchOptions {
    int images = 33984;
    int size = 128;
    std::string keep;
    std::string cli; ///< the prunelab-cli to run; empty: this executable
};

BenchReport runMemoryBench(const MemoryBenchOptions& options);

} // namespace prunelab::bench
