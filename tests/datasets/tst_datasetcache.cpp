#include "datasets/DatasetCache.h"

#include <QCryptographicHash>
#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace prunelab::datasets;

namespace {

/// 16 gray 32×32 images in two classes: every entry built here has the same size on disk.
ImageSet smallSet(int seed)
{
    ImageSet set;
    set.channels = 1;
    set.width = set.height = 32;
    set.classNames = {QStringLiteral("a"), QStringLiteral("b")};
    for (int i = 0; i < 16; ++i) {
        set.labels.push_back(i % 2);
        set.files.append(QStringLiteral("c%1/%2.png").arg(i % 2).arg(i, 2, 10, QLatin1Char('0')));
    }
    set.pixels.resize(size_t(set.count() * set.imageSize()));
    for (size_t i = 0; i < set.pixels.size(); ++i)
        set.pixels[i] = uint8_t(i * 7 + size_t(seed));
    return set;
}

QByteArray keyOf(const QString& name)
{
    return QCryptographicHash::hash(name.toUtf8(), QCryptographicHash::Sha256);
}

void setTime(const QString& path, const QDateTime& time)
{
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadWrite));
    QVERIFY(file.setFileTime(time, QFileDevice::FileModificationTime));
}

/// The names (of `names`) whose entries are in the folder.
QStringList present(const DatasetCache& cache, const QStringList& names)
{
    QStringList found;
    for (const QString& name : names) {
        if (QFileInfo::exists(cache.pathFor(keyOf(name))))
            found.append(name);
    }
    return found;
}

qint64 entrySize()
{
    QTemporaryDir dir;
    const DatasetCache cache(dir.path());
    cache.store(keyOf(QStringLiteral("probe")), smallSet(0), DatasetSummary{});
    return QFileInfo(cache.pathFor(keyOf(QStringLiteral("probe")))).size();
}

} // namespace

class TestDatasetCache : public QObject {
    Q_OBJECT

private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true); // defaultDirectory() is never the user's own cache here
    }

    void evictsTheLeastRecentlyUsed_data()
    {
        QTest::addColumn<double>("limitInEntries");
        QTest::addColumn<QStringList>("steps"); // +x: store x; =x: load x (it is then the most recently used)
        QTest::addColumn<QStringList>("kept");
        QTest::newRow("all fit") << 4.0 << QStringList{"+a", "+b", "+c", "+d"} << QStringList{"a", "b", "c", "d"};
        QTest::newRow("oldest out") << 2.5 << QStringList{"+a", "+b", "+c", "+d"} << QStringList{"c", "d"};
        QTest::newRow("a loaded entry stays") << 2.5 << QStringList{"+a", "+b", "=a", "+c"} << QStringList{"a", "c"};
        QTest::newRow("room for one: the newest") << 1.0 << QStringList{"+a", "=a", "+b"} << QStringList{"b"};
        QTest::newRow("loads of two, then two more")
            << 3.0 << QStringList{"+a", "+b", "+c", "=b", "=a", "+d", "+e"} << QStringList{"a", "d", "e"};
    }

    void evictsTheLeastRecentlyUsed()
    {
        QFETCH(double, limitInEntries);
        QFETCH(QStringList, steps);
        QFETCH(QStringList, kept);
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const qint64 size = entrySize();
        QVERIFY(size > 16 * 32 * 32);
        const DatasetCache cache(dir.path(), qint64(limitInEntries * double(size)));
        // Each step's entry gets a time a minute after the last one's, so the order never hangs on the file
        // system's time resolution; loadMarksTheEntryUsed checks that a load itself sets the time.
        QDateTime clock = QDateTime::currentDateTimeUtc().addDays(-1);
        QStringList names;
        for (const QString& step : steps) {
            const QString name = step.mid(1);
            if (!names.contains(name))
                names.append(name);
            if (step.startsWith(QLatin1Char('+'))) {
                QCOMPARE(cache.store(keyOf(name), smallSet(int(name.at(0).unicode())), DatasetSummary{}), QString());
            } else {
                ImageSet set;
                DatasetSummary summary;
                QVERIFY2(cache.load(keyOf(name), &set, &summary), qPrintable(step));
                QVERIFY(set.pixels == smallSet(int(name.at(0).unicode())).pixels);
            }
            clock = clock.addSecs(60);
            setTime(cache.pathFor(keyOf(name)), clock);
            QVERIFY2(cache.usageBytes() <= cache.limitBytes(), qPrintable(step));
        }
        QCOMPARE(present(cache, names), kept);
        QCOMPARE(cache.usageBytes(), size * kept.size());
    }

    void loadMarksTheEntryUsed()
    {
        QTemporaryDir dir;
        const DatasetCache cache(dir.path());
        QCOMPARE(cache.store(keyOf("a"), smallSet(1), DatasetSummary{}), QString());
        const QString path = cache.pathFor(keyOf("a"));
        const QDateTime old = QDateTime::currentDateTimeUtc().addDays(-3);
        setTime(path, old);
        QCOMPARE(QFileInfo(path).lastModified().toUTC().date(), old.date());
        ImageSet set;
        DatasetSummary summary;
        QVERIFY(cache.load(keyOf("a"), &set, &summary));
        QVERIFY(QFileInfo(path).lastModified() > QDateTime::currentDateTimeUtc().addSecs(-60));
    }

    // Gray images stored as RGB (three equal planes each) are cached one plane per image and read back as three;
    // a set with one coloured pixel is cached whole. Both read back exactly.
    void grayStoredAsRgbIsCachedOnePlanePerImage()
    {
        const ImageSet gray = smallSet(3);
        ImageSet rgb = gray;
        rgb.channels = 3;
        rgb.pixels.clear();
        const size_t plane = size_t(gray.imageSize());
        for (qsizetype i = 0; i < gray.count(); ++i)
            for (int c = 0; c < 3; ++c)
                rgb.pixels.insert(rgb.pixels.end(), gray.image(i), gray.image(i) + plane);
        ImageSet colour = rgb;
        colour.pixels[colour.pixels.size() - 1] ^= 1; // the last image's blue plane differs by one pixel
        QTemporaryDir dir;
        const DatasetCache cache(dir.path());
        QCOMPARE(cache.store(keyOf("rgb"), rgb, DatasetSummary{}), QString());
        QCOMPARE(cache.store(keyOf("col"), colour, DatasetSummary{}), QString());
        const qint64 onePlane = QFileInfo(cache.pathFor(keyOf("rgb"))).size();
        const qint64 whole = QFileInfo(cache.pathFor(keyOf("col"))).size();
        QCOMPARE(whole - onePlane, qint64(2 * plane) * gray.count()); // the headers are the same length
        for (const auto& [name, expected] :
             {std::pair{QStringLiteral("rgb"), &rgb}, {QStringLiteral("col"), &colour}}) {
            ImageSet loaded;
            DatasetSummary summary;
            QVERIFY(cache.load(keyOf(name), &loaded, &summary));
            QCOMPARE(loaded.channels, 3);
            QCOMPARE(loaded.labels, expected->labels);
            QVERIFY2(loaded.pixels == expected->pixels, qPrintable(name));
        }
    }

    void entryOverTheLimitIsNotWritten_data()
    {
        QTest::addColumn<qint64>("limit");
        QTest::addColumn<QString>("why");
        QTest::newRow("smaller than one entry") << qint64(4096) << QStringLiteral("more than the cache's size limit");
        QTest::newRow("no cache") << qint64(0) << QStringLiteral("switched off");
    }

    void entryOverTheLimitIsNotWritten()
    {
        QFETCH(qint64, limit);
        QFETCH(QString, why);
        QTemporaryDir dir;
        QCOMPARE(DatasetCache(dir.path()).store(keyOf("old"), smallSet(1), DatasetSummary{}), QString());
        const DatasetCache cache(dir.path(), limit);
        const QString message = cache.store(keyOf("big"), smallSet(2), DatasetSummary{});
        QVERIFY2(message.contains(why), qPrintable(message));
        QVERIFY(!QFileInfo::exists(cache.pathFor(keyOf("big"))));
        QVERIFY(QFileInfo::exists(cache.pathFor(keyOf("old")))); // nothing was evicted for it
    }

    void clearRemovesOnlyCacheEntries()
    {
        QTemporaryDir dir;
        const DatasetCache cache(dir.path());
        QCOMPARE(cache.store(keyOf("a"), smallSet(1), DatasetSummary{}), QString());
        QCOMPARE(cache.store(keyOf("b"), smallSet(2), DatasetSummary{}), QString());
        const qint64 used = cache.usageBytes();
        QCOMPARE(used, 2 * QFileInfo(cache.pathFor(keyOf("a"))).size());
        const QStringList others{"notes.txt", "entry.plcache.tmp", "sub/c.plcache"};
        for (const QString& name : others) {
            QVERIFY(QDir(dir.path()).mkpath(QFileInfo(dir.filePath(name)).path()));
            QFile file(dir.filePath(name));
            QVERIFY(file.open(QIODevice::WriteOnly));
            file.write("not PruneLab's cache entry");
        }
        QVERIFY(QFile::link(dir.filePath("notes.txt"), dir.filePath("link.plcache")));
        QCOMPARE(cache.clear(), used);
        QCOMPARE(cache.usageBytes(), 0);
        QVERIFY(present(cache, {"a", "b"}).isEmpty());
        for (const QString& name : others)
            QVERIFY2(QFileInfo::exists(dir.filePath(name)), qPrintable(name));
        QVERIFY(QFileInfo(dir.filePath("link.plcache")).isSymLink());
        QCOMPARE(cache.clear(), 0);
        QCOMPARE(DatasetCache(QString()).clear(), 0); // no cache folder: nothing to do
    }

    void defaultDirectoryIsUnderTheCacheLocation()
    {
        QCOMPARE(DatasetCache::defaultDirectory(),
                 QStandardPaths::writableLocation(QStandardPaths::GenericCacheLocation) +
                     QStringLiteral("/PruneLab/datasets"));
        QVERIFY(DatasetCache::defaultDirectory().contains(QStringLiteral(".qttest")));
    }
};

QTEST_GUILESS_MAIN(TestDatasetCache)
#include "tst_datasetcache.moc"
