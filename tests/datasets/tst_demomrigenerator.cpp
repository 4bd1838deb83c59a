#include "datasets/DemoMriGenerator.h"
#include "datasets/ImageSetWriter.h"

#include <QDir>
#include <QTemporaryDir>
#include <QTest>

#include <numeric>

using namespace prunelab::datasets;

class tst_DemoMriGenerator : public QObject {
    Q_OBJECT

private:
    static DemoOptions small(quint64 seed = 1)
    {
        DemoOptions options;
        options.perClass = {20, 12, 24, 20};
        options.size = 64;
        options.seed = seed;
        return options;
    }

    // Dark (CSF-like) pixels in the centre of the slice: the ventricles.
    static double centralDarkFraction(const ImageSet& set, qsizetype index)
    {
        const uint8_t* img = set.image(index);
        const int w = set.width;
        int dark = 0;
        int total = 0;
        for (int y = w * 3 / 10; y < w * 6 / 10; ++y) {
            for (int x = w * 3 / 10; x < w * 7 / 10; ++x) {
                dark += img[y * w + x] < 70 ? 1 : 0;
                ++total;
            }
        }
        return double(dark) / total;
    }

private slots:
    void shapeLabelsAndNames()
    {
        const ImageSet set = DemoMriGenerator().generate(small());
        QCOMPARE(set.count(), 76);
        QCOMPARE(set.channels, 1);
        QCOMPARE(set.height, 64);
        QCOMPARE(set.pixels.size(), size_t(76 * 64 * 64));
        QCOMPARE(set.classNames, QStringList({"MildDemented", "ModerateDemented", "NonDemented", "VeryMildDemented"}));
        QCOMPARE(set.classCounts(), QList<qsizetype>({20, 12, 24, 20}));
        QCOMPARE(set.files.size(), set.count());
        QVERIFY(set.files.first().startsWith("demo:MildDemented/"));
    }

    void deterministicFromSeed()
    {
        const ImageSet a = DemoMriGenerator().generate(small(5));
        const ImageSet b = DemoMriGenerator().generate(small(5));
        const ImageSet c = DemoMriGenerator().generate(small(6));
        QVERIFY(a.pixels == b.pixels);
        QVERIFY(a.pixels != c.pixels);
    }

    void imagesLookLikeSlicesNotNoise()
    {
        const ImageSet set = DemoMriGenerator().generate(small());
        for (qsizetype i = 0; i < set.count(); ++i) {
            const uint8_t* img = set.image(i);
            // corners are background, the middle band holds bright tissue
            QVERIFY2(img[0] < 40 && img[63] < 40, qPrintable(set.files[i]));
            const long sum = std::accumulate(img, img + set.imageSize(), 0L);
            const double mean = double(sum) / double(set.imageSize());
            QVERIFY2(mean > 40 && mean < 160, qPrintable(QString::number(mean)));
        }
        // no two images identical
        QVERIFY(!std::equal(set.image(0), set.image(0) + set.imageSize(), set.image(1)));
    }

    void ventriclesGrowWithSeverity()
    {
        DemoOptions options = small(3);
        options.perClass = {60, 60, 60, 60};
        const ImageSet set = DemoMriGenerator().generate(options);
        QList<double> meanBySeverity(4, 0.0); // index 0 healthy … 3 moderate
        for (qsizetype i = 0; i < set.count(); ++i) {
            const int level = int(std::lround(DemoMriGenerator::classSeverity(int(set.labels[size_t(i)])) * 3));
            meanBySeverity[level] += centralDarkFraction(set, i) / 60.0;
        }
        qInfo() << "central dark fraction by severity" << meanBySeverity;
        for (int level = 1; level < 4; ++level)
            QVERIFY2(meanBySeverity[level] > meanBySeverity[level - 1] * 1.1, "ventricles must grow with severity");
    }

    void progressAndCancel()
    {
        int calls = 0;
        const ImageSet set = DemoMriGenerator().generate(small(), [&](int done, int total) {
            ++calls;
            return done < total / 2;
        });
        QVERIFY(calls >= 2);
        QVERIFY(set.isEmpty());
    }

    void refusesBadOptions()
    {
        DemoOptions options = small();
        options.perClass = {1, 2};
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, DemoMriGenerator().generate(options));
        options = small();
        options.size = 4;
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, DemoMriGenerator().generate(options));
    }

    void writesClassFolders()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        writeClassFolders(DemoMriGenerator().generate(small()), dir.path());
        QCOMPARE(QDir(dir.filePath("ModerateDemented")).entryList({"*.png"}, QDir::Files).size(), 12);
        QCOMPARE(QDir(dir.filePath("NonDemented")).entryList({"*.png"}, QDir::Files).size(), 24);
    }
};

QTEST_GUILESS_MAIN(tst_DemoMriGenerator)
#include "tst_demomrigenerator.moc"
