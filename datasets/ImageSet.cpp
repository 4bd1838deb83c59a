#include "datasets/ImageSet.h"

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
    QList<qsizetype> result;
    for (qsizetype c = 0; c < classNames.size(); ++c) {
        int found = 0;
        for (qsizetype i = 0; i < count() && found < perClass; ++i) {
            if (labels[static_cast<size_t>(i)] == c) {
                result.append(i);
                ++found;
            }
        }
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
