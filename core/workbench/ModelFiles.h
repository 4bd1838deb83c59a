#pragma once

// Private to core/workbench (includes LibTorch): only .cpp files of the workbench include it.

#include "core/engine/pruning/MaskSet.h"

#include <torch/nn/module.h>

#include <QByteArray>
#include <QString>

namespace prunelab::workbench {

/// Model and mask files of a session, in the format Python's `torch.load` reads: a `torch::pickle_save` of a
/// `c10::Dict<std::string, at::Tensor>` with PyTorch-style names (`layers.0.weight`, batch-norm buffers too),
/// on the CPU. Loading checks every name and shape before anything is copied and throws SessionError naming the file
/// and the mismatch. torch::pickle_load is LibTorch's C++ unpickler: it rebuilds tensors and plain containers only
/// and has no Python to call, so a pickle's GLOBAL/REDUCE of a function (os.system) is an error, not a call; and
/// sessions load only files whose SHA-256 they recorded when writing them (RunJob's readChecked).
class ModelFiles {
public:
    /// Every parameter and buffer of `model`.
    static QByteArray stateDict(torch::nn::Module& model);
    /// Copies a stateDict() file into `model` in place (same architecture); `file` names it in messages.
    static void loadStateDict(torch::nn::Module& model, const QByteArray& bytes, const QString& file);
    /// One 0/1 float tensor per pruned parameter.
    static QByteArray masks(const engine::MaskSet& masks);
    /// Masks for `model`'s parameters: every name must be a parameter of it, with its shape, holding only 0 and 1.
    static engine::MaskSet loadMasks(const QByteArray& bytes, const QString& file, torch::nn::Module& model,
                                     const torch::Device& device);
    /// SHA-256 of a file's bytes, in hex: recorded in the session so only files PruneLab wrote are ever loaded.
    static QString fingerprint(const QByteArray& bytes);
};

} // namespace prunelab::workbench
