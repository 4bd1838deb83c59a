#include "datasets/ImageSet.h"

#include <algorithm>

namespace prunelab::datasets {

QList<qsizetype> ImageSet::classCounts() const
{
    QList<qsizetype> counts(classNames.size(), 0);
    for (int64_t label : labels) {
        if (label >= 0 && label < counts.size())
            ++counts[static_cast<qsizetype>(label)];
    }
    return counts;
}

QList<qsizetype> ImageSet::samplesPerClass(int perClass) const
{
    std::vector<std::vector<qsizetype>> members(static_cast<size_t>(classNames.size()));
    for (qsizetype i = 0; i < count(); ++i) {
        const int64_t label = labels[static_cast<size_t>(i)];
        if (label >= 0 && label < classNames.size())
            members[static_cast<size_t>(label)].push_back(i);
    }
    QList<qsizetype> result;
    for (const std::vector<qsizetype>& indices : members) {
        const auto n = static_cast<qsizetype>(indices.size());
        const qsizetype shown = std::min<qsizetype>(std::max(perClass, 0), n);
        for (qsizetype k = 0; k < shown; ++k)
            result.append(indices[static_cast<size_t>(k * n / shown)]);
    }
    return result;
}

ImageSet ImageSet::firstPerClass(int perClass) const
{
    ImageSet out;
    out.channels = channels;
    out.height = height;
    out.width = width;
    out.classNames = classNames;
    out.sourceDescription = sourceDescription;
    QList<int> taken(classNames.size(), 0);
    for (qsizetype i = 0; i < count(); ++i) {
        const auto label = labels[size_t(i)];
        if (label < 0 || label >= taken.size() || taken[qsizetype(label)] >= perClass)
            continue;
        ++taken[qsizetype(label)];
        out.labels.push_back(label);
        out.files.append(files.value(i));
        if (!groups.empty())
            out.groups.push_back(groups[size_t(i)]);
        out.pixels.insert(out.pixels.end(), image(i), image(i) + imageSize());
    }
    return out;
}

} // namespace prunelab::datasets
