#include "datasets/DatasetSummary.h"

#include "datasets/DatasetSplit.h"

#include <QCryptographicHash>

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include <QHash>
#include <QJsonArray>
#include <QTextStream>

#include <unordered_map>

namespace prunelab::datasets {

namespace {

/// Neighbours in file order and in one class whose 16×16 thumbnails differ by less than 3 grey levels on average,
/// without being exact copies.
qsizetype nearIdenticalNeighbourCount(const ImageSet& set, const QList<QByteArray>& hashes)
{
    if (set.count() < 2 || set.width < 4 || set.height < 4)
        return 0;
    std::vector<cv::Mat> thumbs(size_t(set.count()));
    cv::parallel_for_(cv::Range(0, int(set.count())), [&](const cv::Range& range) {
        for (int i = range.start; i < range.end; ++i) {
            const cv::Mat plane(set.height, set.width, CV_8U, const_cast<uint8_t*>(set.image(i)));
            cv::resize(plane, thumbs[size_t(i)], cv::Size(16, 16), 0, 0, cv::INTER_AREA);
        }
    });
    qsizetype count = 0;
    for (qsizetype i = 1; i < set.count(); ++i) {
        if (set.labels[size_t(i)] != set.labels[size_t(i - 1)])
            continue;
        if (i < hashes.size() && !hashes[i].isEmpty() && hashes[i] == hashes[i - 1])
            continue;
        if (cv::norm(thumbs[size_t(i)], thumbs[size_t(i - 1)], cv::NORM_L1) / 256.0 < 3.0)
            ++count;
    }
    return count;
}

} // namespace

QStringList DatasetSummary::emptyClasses() const
{
    QStringList out;
    for (qsizetype c = 0; c < classNames.size(); ++c) {
        if (classCounts.value(c) == 0)
            out.append(classNames[c]);
    }
    return out;
}

qsizetype DatasetSummary::duplicateImages() const
{
    qsizetype n = 0;
    for (const auto& g : duplicateGroups)
        n += g.size() - 1;
    return n;
}

qsizetype DatasetSummary::straddlingGroups(const DatasetSplit& split) const
{
    std::unordered_map<qsizetype, int> part;
    for (qsizetype i : split.train)
        part[i] = 1;
    for (qsizetype i : split.validation)
        part[i] = 2;
    for (qsizetype i : split.test)
        part[i] = 3;
    qsizetype straddling = 0;
    for (const auto& group : duplicateGroups) {
        int first = -1;
        for (qsizetype i : group) {
            const auto found = part.find(i);
            const int p = found == part.end() ? 0 : found->second;
            if (first < 0) {
                first = p;
            } else if (p != first) {
                ++straddling;
                break;
            }
        }
    }
    return straddling;
}

QJsonObject DatasetSummary::toJson(const QStringList& files) const
{
    QJsonArray classes;
    for (qsizetype c = 0; c < classNames.size(); ++c)
        classes.append(QJsonObject{{"name", classNames[c]}, {"count", double(classCounts.value(c))}});
    QJsonArray skippedJson;
    for (const SkippedFile& s : skipped)
        skippedJson.append(QJsonObject{{"file", s.file}, {"reason", s.reason}});
    QJsonArray duplicates;
    for (const auto& group : duplicateGroups) {
        QJsonArray names;
        for (qsizetype i : group)
            names.append(files.value(i, QStringLiteral("#%1").arg(i)));
        duplicates.append(QJsonObject{{"files", names}});
    }
    QJsonObject sizesJson;
    for (auto it = sizes.begin(); it != sizes.end(); ++it)
        sizesJson.insert(it.key(), double(it.value()));
    QJsonObject channelsJson;
    for (auto it = channels.begin(); it != channels.end(); ++it)
        channelsJson.insert(QString::number(it.key()), double(it.value()));
    return QJsonObject{
        {"source", source},
        {"classes", classes},
        {"total", double(total)},
        {"skipped", skippedJson},
        {"duplicates", duplicates},
        {"duplicate_images", double(duplicateImages())},
        {"sizes", sizesJson},
        {"channels", channelsJson},
        {"empty_classes", QJsonArray::fromStringList(emptyClasses())},
        {"volumes", double(volumes)},
        {"near_identical_neighbours", double(nearIdenticalNeighbours)},
        {"stored", QJsonObject{{"width", storedWidth}, {"height", storedHeight}, {"channels", storedChannels}}}};
}

QJsonObject DatasetSummary::toCacheJson() const
{
    QJsonObject json = toJson({});
    QJsonArray groups;
    for (const auto& group : duplicateGroups) {
        QJsonArray g;
        for (qsizetype i : group)
            g.append(double(i));
        groups.append(g);
    }
    json.insert(QStringLiteral("duplicate_indices"), groups);
    return json;
}

DatasetSummary DatasetSummary::fromJson(const QJsonObject& json)
{
    DatasetSummary s;
    s.source = json.value(QStringLiteral("source")).toString();
    for (const QJsonValue& c : json.value(QStringLiteral("classes")).toArray()) {
        s.classNames.append(c.toObject().value(QStringLiteral("name")).toString());
        s.classCounts.append(qsizetype(c.toObject().value(QStringLiteral("count")).toDouble()));
    }
    s.total = qsizetype(json.value(QStringLiteral("total")).toDouble());
    for (const QJsonValue& v : json.value(QStringLiteral("skipped")).toArray())
        s.skipped.append({v.toObject().value(QStringLiteral("file")).toString(),
                          v.toObject().value(QStringLiteral("reason")).toString()});
    for (const QJsonValue& g : json.value(QStringLiteral("duplicate_indices")).toArray()) {
        QList<qsizetype> group;
        for (const QJsonValue& i : g.toArray())
            group.append(qsizetype(i.toDouble()));
        s.duplicateGroups.append(group);
    }
    const QJsonObject sizesJson = json.value(QStringLiteral("sizes")).toObject();
    for (auto it = sizesJson.begin(); it != sizesJson.end(); ++it)
        s.sizes.insert(it.key(), qsizetype(it.value().toDouble()));
    const QJsonObject channelsJson = json.value(QStringLiteral("channels")).toObject();
    for (auto it = channelsJson.begin(); it != channelsJson.end(); ++it)
        s.channels.insert(it.key().toInt(), qsizetype(it.value().toDouble()));
    s.volumes = qint64(json.value(QStringLiteral("volumes")).toDouble());
    s.nearIdenticalNeighbours = qsizetype(json.value(QStringLiteral("near_identical_neighbours")).toDouble());
    const QJsonObject stored = json.value(QStringLiteral("stored")).toObject();
    s.storedWidth = stored.value(QStringLiteral("width")).toInt();
    s.storedHeight = stored.value(QStringLiteral("height")).toInt();
    s.storedChannels = stored.value(QStringLiteral("channels")).toInt();
    return s;
}

QString DatasetSummary::toText(const QStringList& files, int maxListed) const
{
    QString text;
    QTextStream out(&text);
    out << source << "\n";
    out << total << " images in " << classNames.size() << " classes, stored as " << storedWidth << "×" << storedHeight
        << (storedChannels == 1 ? " gray" : " RGB") << "\n";
    for (qsizetype c = 0; c < classNames.size(); ++c) {
        const qsizetype n = classCounts.value(c);
        out << "  " << classNames[c].leftJustified(24) << QString::number(n).rightJustified(8) << "  "
            << QString::number(total > 0 ? 100.0 * double(n) / double(total) : 0.0, 'f', 1).rightJustified(5) << " %\n";
    }
    QStringList sizeList;
    for (auto it = sizes.begin(); it != sizes.end(); ++it)
        sizeList.append(QStringLiteral("%1 (%2)").arg(it.key()).arg(it.value()));
    out << "sizes found: " << (sizeList.isEmpty() ? QStringLiteral("-") : sizeList.join(QStringLiteral(", "))) << "\n";
    QStringList channelList;
    for (auto it = channels.begin(); it != channels.end(); ++it)
        channelList.append(
            QStringLiteral("%1 channel%2 (%3)").arg(it.key()).arg(it.key() == 1 ? "" : "s").arg(it.value()));
    out << "channels found: " << (channelList.isEmpty() ? QStringLiteral("-") : channelList.join(QStringLiteral(", ")))
        << "\n";
    if (!emptyClasses().isEmpty())
        out << "empty classes: " << emptyClasses().join(QStringLiteral(", ")) << "\n";
    out << "exact duplicates: " << duplicateImages() << " images in " << duplicateGroups.size() << " groups\n";
    for (qsizetype g = 0; g < duplicateGroups.size() && g < maxListed; ++g) {
        QStringList names;
        for (qsizetype i : duplicateGroups[g])
            names.append(files.value(i, QStringLiteral("#%1").arg(i)));
        out << "  " << names.join(QStringLiteral(" = ")) << "\n";
    }
    if (duplicateGroups.size() > maxListed)
        out << "  … and " << (duplicateGroups.size() - maxListed) << " more groups\n";
    if (volumes > 0)
        out << "volumes: " << volumes << " (each one's slices stay on one side of the split)\n";
    if (nearIdenticalNeighbours > 0 && nearIdenticalNeighbours * 20 >= total)
        out << "warning: " << nearIdenticalNeighbours << " neighbouring images are nearly identical — slices of one "
            << "volume stored as separate files? A random split puts a brain in training and in test (slice leakage); "
            << "load the volumes themselves (NIfTI) or keep patients apart in a saved split\n";
    out << "skipped: " << skipped.size() << " files\n";
    for (qsizetype k = 0; k < skipped.size() && k < maxListed; ++k)
        out << "  " << skipped[k].file << ": " << skipped[k].reason << "\n";
    if (skipped.size() > maxListed)
        out << "  … and " << (skipped.size() - maxListed) << " more (--json lists them all)\n";
    return text;
}

DatasetSummary DatasetSummary::describe(const ImageSet& set, const QList<QByteArray>& contentHashes)
{
    DatasetSummary s;
    s.source = set.sourceDescription;
    s.classNames = set.classNames;
    s.classCounts = set.classCounts();
    s.total = set.count();
    s.storedWidth = set.width;
    s.storedHeight = set.height;
    s.storedChannels = set.channels;
    s.nearIdenticalNeighbours = set.groups.empty() ? nearIdenticalNeighbourCount(set, contentHashes) : 0;
    QHash<QByteArray, qsizetype> groupOf;
    for (qsizetype i = 0; i < contentHashes.size(); ++i) {
        const QByteArray& h = contentHashes[i];
        if (h.isEmpty())
            continue;
        const auto found = groupOf.constFind(h);
        if (found == groupOf.constEnd()) {
            groupOf.insert(h, -1 - i); // negative: first image, no group yet
        } else if (found.value() < 0) {
            s.duplicateGroups.append({-1 - found.value(), i});
            groupOf[h] = s.duplicateGroups.size() - 1;
        } else {
            s.duplicateGroups[found.value()].append(i);
        }
    }
    return s;
}

QList<QByteArray> DatasetSummary::pixelHashes(const ImageSet& set)
{
    QList<QByteArray> hashes;
    hashes.reserve(set.count());
    for (qsizetype i = 0; i < set.count(); ++i)
        hashes.append(QCryptographicHash::hash(
            QByteArrayView(reinterpret_cast<const char*>(set.image(i)), set.imageSize()), QCryptographicHash::Sha256));
    return hashes;
}

} // namespace prunelab::datasets
