#include "datasets/DatasetSplit.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QMap>
#include <QSaveFile>

#include <algorithm>
#include <cmath>
#include <random>
#include <stdexcept>
#include <unordered_map>

namespace prunelab::datasets {

namespace {

/// Fisher–Yates with our own index draw: std::shuffle's output differs between standard libraries.
template <typename T> void shuffle(std::vector<T>& v, std::mt19937_64& rng)
{
    for (size_t i = v.size(); i > 1; --i)
        std::swap(v[i - 1], v[size_t(rng() % i)]);
}

QJsonArray toArray(const std::vector<qsizetype>& v)
{
    QJsonArray a;
    for (qsizetype i : v)
        a.append(double(i));
    return a;
}

} // namespace

QString DatasetSplit::fingerprint() const
{
    QCryptographicHash hash(QCryptographicHash::Sha256);
    for (const auto* part : {&train, &validation, &test}) {
        hash.addData(
            QByteArrayView(reinterpret_cast<const char*>(part->data()), qsizetype(part->size() * sizeof(qsizetype))));
        hash.addData("|");
    }
    return QString::fromLatin1(hash.result().toHex());
}

QJsonObject DatasetSplit::toJson() const
{
    return QJsonObject{{"format", "prunelab-split"},    {"version", 1},
                       {"seed", QString::number(seed)}, {"fingerprint", fingerprint()},
                       {"train", toArray(train)},       {"validation", toArray(validation)},
                       {"test", toArray(test)}};
}

DatasetSplit DatasetSplit::fromJson(const QJsonObject& json, qsizetype count)
{
    if (json.value(QStringLiteral("format")).toString() != QLatin1String("prunelab-split"))
        throw std::runtime_error("not a PruneLab split (format must be \"prunelab-split\")");
    DatasetSplit split;
    split.seed = json.value(QStringLiteral("seed")).toString().toULongLong();
    std::vector<char> seen(size_t(std::max<qsizetype>(0, count)), 0);
    const auto read = [&](const char* key, std::vector<qsizetype>& out) {
        const QJsonValue value = json.value(QLatin1String(key));
        if (!value.isArray())
            throw std::runtime_error(std::string("split.") + key + " must be a list of image indices");
        for (const QJsonValue& v : value.toArray()) {
            const double d = v.toDouble(-1);
            if (!v.isDouble() || d < 0 || d >= double(count) || d != std::floor(d))
                throw std::runtime_error(std::string("split.") + key + " holds " +
                                         QJsonDocument(QJsonArray{v}).toJson(QJsonDocument::Compact).toStdString() +
                                         ", not an index of the dataset's " + std::to_string(count) + " images");
            const auto i = qsizetype(d);
            if (seen[size_t(i)]++)
                throw std::runtime_error("split: image " + std::to_string(i) + " appears twice");
            out.push_back(i);
        }
    };
    read("train", split.train);
    read("validation", split.validation);
    read("test", split.test);
    const QString recorded = json.value(QStringLiteral("fingerprint")).toString();
    if (!recorded.isEmpty() && recorded != split.fingerprint())
        throw std::runtime_error("split: the fingerprint does not match its indices (edited or damaged file)");
    return split;
}

void DatasetSplit::save(const QString& path) const
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(QJsonDocument(toJson()).toJson(QJsonDocument::Compact)) < 0 ||
        !file.commit())
        throw std::runtime_error(QDir::toNativeSeparators(path).toStdString() +
                                 ": cannot write the split: " + file.errorString().toStdString());
}

DatasetSplit DatasetSplit::load(const QString& path, qsizetype count)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        throw std::runtime_error(QDir::toNativeSeparators(path).toStdString() + ": " +
                                 file.errorString().toStdString());
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(file.read(qint64(512) << 20), &error);
    if (!doc.isObject())
        throw std::runtime_error(QDir::toNativeSeparators(path).toStdString() + ": not JSON (" +
                                 error.errorString().toStdString() + ")");
    try {
        return fromJson(doc.object(), count);
    } catch (const std::runtime_error& e) {
        throw std::runtime_error(QDir::toNativeSeparators(path).toStdString() + ": " + e.what());
    }
}

DatasetSplit splitStratified(const ImageSet& set, const SplitOptions& options)
{
    if (options.validation < 0 || options.test < 0 || options.validation + options.test >= 1.0)
        throw std::invalid_argument("validation and test fractions must be >= 0 and add up to less than 1");
    if (!options.groups.empty() && qsizetype(options.groups.size()) != set.count())
        throw std::invalid_argument("one group id per image is needed");
    DatasetSplit split;
    split.seed = options.seed;
    std::mt19937_64 rng(options.seed);

    // Groups per class, in order of first appearance (a group's class is its first image's).
    const qsizetype classes = set.classNames.size();
    std::vector<std::vector<std::vector<qsizetype>>> perClass(size_t(std::max<qsizetype>(classes, 1)));
    std::unordered_map<qint64, std::pair<size_t, size_t>> where; // group id -> (class, position)
    for (qsizetype i = 0; i < set.count(); ++i) {
        const auto label = size_t(std::clamp<int64_t>(set.labels[size_t(i)], 0, std::max<qsizetype>(classes, 1) - 1));
        const qint64 group = options.groups.empty() ? -1 - i : options.groups[size_t(i)];
        const auto found = where.find(group);
        if (found == where.end()) {
            where.emplace(group, std::make_pair(label, perClass[label].size()));
            perClass[label].push_back({i});
        } else {
            perClass[found->second.first][found->second.second].push_back(i);
        }
    }
    for (auto& groups : perClass) {
        shuffle(groups, rng);
        qsizetype images = 0;
        for (const auto& g : groups)
            images += qsizetype(g.size());
        const auto wantTest = qsizetype(std::llround(options.test * double(images)));
        const auto wantValidation = qsizetype(std::llround(options.validation * double(images)));
        qsizetype inTest = 0, inValidation = 0;
        for (size_t k = 0; k < groups.size(); ++k) {
            const auto& g = groups[k];
            const auto half = qsizetype(g.size()) / 2;
            std::vector<qsizetype>* target = &split.train;
            if (k > 0 || groups.size() == 1) { // the first of several groups always trains
                if (inTest + half < wantTest) {
                    target = &split.test;
                    inTest += qsizetype(g.size());
                } else if (inValidation + half < wantValidation) {
                    target = &split.validation;
                    inValidation += qsizetype(g.size());
                }
            }
            target->insert(target->end(), g.begin(), g.end());
        }
    }
    for (auto* part : {&split.train, &split.validation, &split.test})
        std::sort(part->begin(), part->end());
    return split;
}

std::vector<qint64> duplicateGroupIds(qsizetype count, const QList<QList<qsizetype>>& duplicateGroups)
{
    std::vector<qint64> ids(static_cast<size_t>(count));
    for (qsizetype i = 0; i < count; ++i)
        ids[size_t(i)] = i;
    for (const auto& group : duplicateGroups) {
        for (qsizetype i : group) {
            if (i >= 0 && i < count)
                ids[size_t(i)] = group.first();
        }
    }
    return ids;
}

Balance balanceFromName(const QString& name)
{
    if (name == QLatin1String("none"))
        return Balance::None;
    if (name == QLatin1String("oversample"))
        return Balance::Oversample;
    if (name == QLatin1String("undersample"))
        return Balance::Undersample;
    if (name == QLatin1String("class-weights"))
        return Balance::ClassWeights;
    throw std::invalid_argument("balance must be none, oversample, undersample or class-weights, got '" +
                                name.toStdString() + "'");
}

QString balanceName(Balance balance)
{
    switch (balance) {
    case Balance::Oversample:
        return QStringLiteral("oversample");
    case Balance::Undersample:
        return QStringLiteral("undersample");
    case Balance::ClassWeights:
        return QStringLiteral("class-weights");
    case Balance::None:
        break;
    }
    return QStringLiteral("none");
}

std::vector<qsizetype> balanceIndices(const ImageSet& set, const std::vector<qsizetype>& indices, Balance balance,
                                      quint64 seed)
{
    if (balance == Balance::None || balance == Balance::ClassWeights || indices.empty())
        return indices;
    QMap<int64_t, std::vector<qsizetype>> byClass;
    for (qsizetype i : indices)
        byClass[set.labels[size_t(i)]].push_back(i);
    size_t largest = 0, smallest = indices.size();
    for (const auto& members : byClass) {
        largest = std::max(largest, members.size());
        smallest = std::min(smallest, members.size());
    }
    std::mt19937_64 rng(seed ^ 0xba1a9ceULL);
    std::vector<qsizetype> out;
    for (auto members : byClass) {
        shuffle(members, rng);
        if (balance == Balance::Undersample) {
            out.insert(out.end(), members.begin(), members.begin() + std::ptrdiff_t(smallest));
        } else {
            // Whole copies first, then a random share of one more copy: each image repeats at most once more
            // than any other of its class.
            for (size_t k = 0; k < largest; ++k)
                out.push_back(members[k % members.size()]);
        }
    }
    std::sort(out.begin(), out.end());
    return out;
}

} // namespace prunelab::datasets
