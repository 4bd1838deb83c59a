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

} // namespace prunelab::datasets
