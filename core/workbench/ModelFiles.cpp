#include "core/workbench/ModelFiles.h"

#include "core/workbench/Session.h"

#include <torch/torch.h>

#include <QCryptographicHash>

namespace prunelab::workbench {

namespace {

QByteArray save(const c10::Dict<std::string, at::Tensor>& dict) {
    const std::vector<char> bytes = torch::pickle_save(c10::IValue(dict));
    return QByteArray(bytes.data(), qsizetype(bytes.size()));
}

c10::Dict<std::string, at::Tensor> load(const QByteArray& bytes, const QString& file) {
    try {
        const c10::IValue value = torch::pickle_load(std::vector<char>(bytes.begin(), bytes.end()));
        if (!value.isGenericDict())
            throw SessionError(file.toStdString() + " is not a dictionary of tensors");
        c10::Dict<std::string, at::Tensor> dict;
        for (const auto& entry : value.toGenericDict()) {
            if (!entry.key().isString() || !entry.value().isTensor())
                throw SessionError(file.toStdString() + " is not a dictionary of tensors");
            dict.insert(entry.key().toStringRef(), entry.value().toTensor());
        }
        return dict;
    } catch (const c10::Error& e) {
        throw SessionError("cannot read " + file.toStdString() + ": " + e.what_without_backtrace());
    }
}

} // namespace

QByteArray ModelFiles::stateDict(torch::nn::Module& model) {
    torch::NoGradGuard noGrad;
    c10::Dict<std::string, at::Tensor> dict;
    for (const auto& p : model.named_parameters())
        dict.insert(p.key(), p.value().detach().cpu().contiguous());
    for (const auto& b : model.named_buffers())
        dict.insert(b.key(), b.value().detach().cpu().contiguous());
    return save(dict);
}

void ModelFiles::loadStateDict(torch::nn::Module& model, const QByteArray& bytes, const QString& file) {
    const c10::Dict<std::string, at::Tensor> dict = load(bytes, file);
    torch::NoGradGuard noGrad;
    size_t used = 0;
    const auto copyInto = [&](const std::string& name, torch::Tensor& target) {
        const auto it = dict.find(name);
        if (it == dict.end())
            throw SessionError(file.toStdString() + " has no tensor '" + name + "': it belongs to another model");
        if (it->value().sizes() != target.sizes())
            throw SessionError(file.toStdString() + ": '" + name + "' has the wrong shape for this model");
        target.copy_(it->value());
        ++used;
    };
    for (auto& p : model.named_parameters())
        copyInto(p.key(), p.value());
    for (auto& b : model.named_buffers())
        copyInto(b.key(), b.value());
    if (used != dict.size())
        throw SessionError(file.toStdString() + " has tensors this model does not: it belongs to another model");
}

QByteArray ModelFiles::masks(const engine::MaskSet& masks) {
    c10::Dict<std::string, at::Tensor> dict;
    for (const auto& [name, mask] : masks.masks())
        dict.insert(name, mask.detach().cpu().contiguous());
    return save(dict);
}

engine::MaskSet ModelFiles::loadMasks(const QByteArray& bytes, const QString& file, const torch::Device& device) {
    engine::MaskSet masks;
    for (const auto& entry : load(bytes, file))
        masks.set(entry.key(), entry.value().to(device));
    return masks;
}

QString ModelFiles::fingerprint(const QByteArray& bytes) {
    return QString::fromLatin1(QCryptographicHash::hash(bytes, QCryptographicHash::Sha256).toHex());
}

} // namespace prunelab::workbench
