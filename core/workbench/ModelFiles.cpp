#include "core/workbench/ModelFiles.h"

#include "core/workbench/Session.h"

#include <torch/torch.h>

#include <QCryptographicHash>

#include <set>
#include <string>
#include <vector>

namespace prunelab::workbench {

namespace {

QByteArray save(const c10::Dict<std::string, at::Tensor>& dict)
{
    const std::vector<char> bytes = torch::pickle_save(c10::IValue(dict));
    return QByteArray(bytes.data(), qsizetype(bytes.size()));
}

// LibTorch's zip reader accepts an archive cut short by a few bytes (measured: 1, 10, 30 and 40 bytes off the end of
// a masks file all loaded). A complete zip ends with its end-of-central-directory record (22 bytes + comment).
bool zipIsComplete(const QByteArray& bytes)
{
    static const QByteArray eocd("PK\x05\x06", 4);
    const qsizetype at = bytes.lastIndexOf(eocd);
    if (at < 0 || bytes.size() - at < 22)
        return false;
    const auto commentLength = qsizetype(uchar(bytes[at + 20])) | (qsizetype(uchar(bytes[at + 21])) << 8);
    return at + 22 + commentLength == bytes.size();
}

c10::Dict<std::string, at::Tensor> load(const QByteArray& bytes, const QString& file)
{
    if (bytes.startsWith(QByteArray("PK\x03\x04", 4)) && !zipIsComplete(bytes))
        throw SessionError("cannot read " + file.toStdString() +
                           ": the file is truncated (its zip directory is incomplete)");
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

QByteArray ModelFiles::stateDict(torch::nn::Module& model)
{
    torch::NoGradGuard noGrad;
    c10::Dict<std::string, at::Tensor> dict;
    for (const auto& p : model.named_parameters())
        dict.insert(p.key(), p.value().detach().cpu().contiguous());
    for (const auto& b : model.named_buffers())
        dict.insert(b.key(), b.value().detach().cpu().contiguous());
    return save(dict);
}

namespace {

std::string shapeOf(const at::Tensor& t)
{
    std::string s = "[";
    for (size_t i = 0; i < size_t(t.dim()); ++i)
        s += (i ? ", " : "") + std::to_string(t.size(int64_t(i)));
    return s + "]";
}

std::string listOf(const std::vector<std::string>& names)
{
    std::string s;
    for (size_t i = 0; i < names.size() && i < 5; ++i)
        s += (i ? ", " : "") + names[i];
    return names.size() > 5 ? s + " and " + std::to_string(names.size() - 5) + " more" : s;
}

/// Refuses a tensor of the file that does not fit `target`: another architecture, or a forged file.
void checkFits(const std::string& file, const std::string& name, const at::Tensor& stored, const at::Tensor& target)
{
    if (stored.sizes() != target.sizes())
        throw SessionError(file + ": '" + name + "' has shape " + shapeOf(stored) + ", this model's is " +
                           shapeOf(target) + ": the file belongs to another model");
    if (!stored.is_floating_point() && stored.scalar_type() != target.scalar_type())
        throw SessionError(file + ": '" + name + "' holds " + std::string(c10::toString(stored.scalar_type())) +
                           ", this model's holds " + std::string(c10::toString(target.scalar_type())));
}

} // namespace

void ModelFiles::loadStateDict(torch::nn::Module& model, const QByteArray& bytes, const QString& file)
{
    const c10::Dict<std::string, at::Tensor> dict = load(bytes, file);
    const std::string name = file.toStdString();
    torch::NoGradGuard noGrad;
    struct Copy {
        std::string key;
        at::Tensor stored;
        torch::Tensor target;
    };
    std::vector<Copy> copies; // everything is checked before anything is copied
    std::vector<std::string> missing;
    std::set<std::string> used;
    const auto pair = [&](const std::string& key, const torch::Tensor& target) {
        const auto it = dict.find(key);
        if (it == dict.end())
            missing.push_back(key);
        else
            copies.push_back({key, it->value(), target});
        used.insert(key);
    };
    for (const auto& p : model.named_parameters())
        pair(p.key(), p.value());
    for (const auto& b : model.named_buffers())
        pair(b.key(), b.value());
    // Names first (a deeper or shallower model), then shapes (a wider one): the message says which.
    if (!missing.empty())
        throw SessionError(name + " has no tensor '" + missing.front() + "' (missing: " + listOf(missing) +
                           "): it belongs to another model");
    std::vector<std::string> extra;
    for (const auto& entry : dict)
        if (!used.count(entry.key()))
            extra.push_back(entry.key());
    if (!extra.empty())
        throw SessionError(name + " has tensors this model does not have (" + listOf(extra) +
                           "): it belongs to another model");
    for (const Copy& c : copies)
        checkFits(name, c.key, c.stored, c.target);
    for (Copy& c : copies)
        c.target.copy_(c.stored);
}

QByteArray ModelFiles::masks(const engine::MaskSet& masks)
{
    c10::Dict<std::string, at::Tensor> dict;
    for (const auto& [name, mask] : masks.masks())
        dict.insert(name, mask.detach().cpu().contiguous());
    return save(dict);
}

engine::MaskSet ModelFiles::loadMasks(const QByteArray& bytes, const QString& file, torch::nn::Module& model,
                                      const torch::Device& device)
{
    const std::string name = file.toStdString();
    const auto parameters = model.named_parameters();
    engine::MaskSet masks;
    for (const auto& entry : load(bytes, file)) {
        const torch::Tensor* target = parameters.find(entry.key());
        if (!target)
            throw SessionError(name + " has a mask for '" + entry.key() +
                               "', which this model does not have: it belongs to another model");
        checkFits(name, entry.key(), entry.value(), *target);
        const at::Tensor mask = entry.value();
        if (!(mask.eq(0) | mask.eq(1)).all().item<bool>())
            throw SessionError(name + ": the mask of '" + entry.key() + "' holds values that are not 0/1");
        masks.set(entry.key(), mask.to(device));
    }
    return masks;
}

QString ModelFiles::fingerprint(const QByteArray& bytes)
{
    return QString::fromLatin1(QCryptographicHash::hash(bytes, QCryptographicHash::Sha256).toHex());
}

} // namespace prunelab::workbench
