#include "datasets/BrainSliceDemo.h"
#include "datasets/DatasetLoader.h"
#include "datasets/DatasetSplit.h"
#include "datasets/ImageSetWriter.h"
#include "datasets/NiftiVolume.h"
#include "tests/datasets/NiftiTestVolume.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <functional>
#include <set>

using namespace prunelab::datasets;
using prunelab::testing::writeVolume;

namespace {

/// A "brain": a bright ellipse whose size depends on the volume, with a dark core, on a zero background.
int phantom(int x, int y, int z, int volume)
{
    const double dx = (x - 10) / 8.0, dy = (y - 12) / 10.0;
    const double r = dx * dx + dy * dy;
    if (r > 1.0)
        return 0;
    return r < 0.1 + 0.02 * volume ? 50 : 400 + 10 * z;
}

/// Dark pixels in the central box of a demo slice (60 % of the side): the ventricles and the CSF around them.
int ventricleArea(const std::vector<uint8_t>& image, int size)
{
    int area = 0;
    for (int y = size / 5; y < size * 4 / 5; ++y)
        for (int x = size / 5; x < size * 4 / 5; ++x)
            area += image[size_t(y * size + x)] < 50;
    return area;
}

} // namespace

class TestNiftiSource : public QObject {
    Q_OBJECT

private slots:
    void slicesAreOrientedForViewing()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath("v.nii.gz");
        writeVolume(path, 4, 5, 6, [](int x, int y, int z) { return x + 10 * y + 100 * z; });
        const NiftiVolume v = NiftiVolume::read(path);
        QCOMPARE(v.nx, 4);
        QCOMPARE(v.nz, 6);
        QCOMPARE(v.at(3, 4, 5), 543.0f);
        const cv::Mat axial = v.slice(2, 2); // rows = y, anterior (high y) first
        QCOMPARE(axial.rows, 5);
        QCOMPARE(axial.cols, 4);
        QCOMPARE(axial.at<float>(0, 1), 241.0f);
        QCOMPARE(axial.at<float>(4, 1), 201.0f);
        const cv::Mat sagittal = v.slice(0, 3); // rows = z (superior first), cols = y
        QCOMPARE(sagittal.rows, 6);
        QCOMPARE(sagittal.cols, 5);
        QCOMPARE(sagittal.at<float>(0, 2), 523.0f);
        const cv::Mat coronal = v.slice(1, 1);
        QCOMPARE(coronal.at<float>(5, 0), 10.0f);
        QVERIFY_THROWS_EXCEPTION(std::out_of_range, v.slice(2, 6));
        // Limits are checked from the header, before any voxel is read.
        try {
            NiftiVolume::read(path, 10);
            QFAIL("a volume over the voxel limit was read");
        } catch (const std::runtime_error& e) {
            QVERIFY2(QString::fromStdString(e.what()).contains("more than the limit"), e.what());
            QVERIFY(QString::fromStdString(e.what()).contains("v.nii.gz"));
        }
    }

    void windowingAndSliceRange()
    {
        QTemporaryDir dir;
        writeVolume(dir.filePath("a/one.nii"), 20, 24, 10, [](int x, int y, int z) { return phantom(x, y, z, 0); });
        writeVolume(dir.filePath("b/two.nii"), 20, 24, 10, [](int x, int y, int z) { return phantom(x, y, z, 3); });
        LoadOptions options;
        options.width = options.height = 24;
        options.nifti.middleSlices = 4;
        options.nifti.windowLow = 0;
        options.nifti.windowHigh = 100;
        const LoadedDataset data = DatasetLoader(options).load(dir.path());
        QCOMPARE(data.images.count(), 8);
        QCOMPARE(data.summary.volumes, 2);
        QVERIFY(data.images.files.first().endsWith(QStringLiteral("one.nii#z=3")));
        QCOMPARE(data.images.groups, std::vector<qint64>({0, 0, 0, 0, 1, 1, 1, 1}));
        QCOMPARE(int(data.images.image(0)[0]), 0); // corner: background
        // Window 0–100 % over the whole volume: the darkest non-zero voxel maps to 0, the brightest (top slice) to 255.
        options.nifti.middleSlices = 0;
        const LoadedDataset all = DatasetLoader(options).load(dir.path());
        QCOMPARE(all.images.count(), 20);
        const auto [low, high] = std::minmax_element(all.images.pixels.begin(), all.images.pixels.end());
        QCOMPARE(int(*low), 0);
        QCOMPARE(int(*high), 255);

        options.nifti.middleSlices = 0;
        options.nifti.firstSlice = 2;
        options.nifti.lastSlice = 3;
        options.nifti.axis = 0;
        const LoadedDataset sagittal = DatasetLoader(options).load(dir.path());
        QCOMPARE(sagittal.images.count(), 4);
        QVERIFY(sagittal.images.files.first().endsWith(QStringLiteral("#x=2")));
        QCOMPARE(sagittal.summary.sizes.value(QStringLiteral("24×10")), 4);
    }

    void splitKeepsEachVolumeTogetherAndBadFilesAreListed()
    {
        QTemporaryDir dir;
        for (int v = 0; v < 12; ++v)
            writeVolume(dir.filePath(QStringLiteral("%1/vol%2.nii.gz").arg(v % 2 ? "AD" : "CN").arg(v)), 20, 24, 8,
                        [v](int x, int y, int z) { return phantom(x, y, z, v); });
        QFile broken(dir.filePath("AD/broken.nii.gz"));
        QVERIFY(broken.open(QIODevice::WriteOnly));
        broken.write("\x1f\x8b not really gzip");
        broken.close();
        QFile notes(dir.filePath("CN/notes.txt"));
        QVERIFY(notes.open(QIODevice::WriteOnly));
        notes.write("scanner log");
        notes.close();

        LoadOptions options;
        options.width = options.height = 16;
        const LoadedDataset data = DatasetLoader(options).load(dir.path());
        QCOMPARE(data.summary.volumes, 12);
        QCOMPARE(data.images.count(), 12 * 8);
        QCOMPARE(data.summary.skipped.size(), 2);
        QVERIFY(data.summary.skipped[0].file.endsWith("broken.nii.gz") ||
                data.summary.skipped[1].file.endsWith("broken.nii.gz"));

        SplitOptions split;
        split.validation = 0.2;
        split.test = 0.2;
        split.groups = data.images.groups;
        const DatasetSplit parts = splitStratified(data.images, split);
        std::set<qint64> train, held;
        for (qsizetype i : parts.train)
            train.insert(data.images.groups[size_t(i)]);
        for (const auto* part : {&parts.validation, &parts.test})
            for (qsizetype i : *part)
                held.insert(data.images.groups[size_t(i)]);
        for (qint64 g : held)
            QVERIFY2(!train.count(g), "a volume sits in training and in held-out data");
        QVERIFY(!parts.test.empty());

        // The same slices stored as PNG files: the summary warns about neighbours that are nearly identical.
        writeClassFolders(data.images, dir.filePath("as-png"));
        const LoadedDataset png = DatasetLoader(options).load(dir.filePath("as-png"));
        QVERIFY(png.images.groups.empty());
        QVERIFY2(png.summary.nearIdenticalNeighbours > png.images.count() / 4,
                 qPrintable(QString::number(png.summary.nearIdenticalNeighbours)));
        QVERIFY(png.summary.toText(png.images.files).contains(QStringLiteral("slice leakage")));
    }

    void demoFromColin27ShowsAtrophyGrowingWithSeverity()
    {
        if (!BrainSliceDemo::available())
            QSKIP("mricron-data (Colin27) is not installed");
        const BrainSliceDemo demo;
        // Same slice, same seed, no pose or noise: the ventricles grow with every step of severity.
        for (double band : {0.0, 0.2, 0.35, 0.5, 0.65, 0.8, 1.0}) {
            int previous = -1;
            for (double severity : {0.0, 1.0 / 3, 2.0 / 3, 1.0}) {
                const int area = ventricleArea(demo.render(severity, band, 7, 128, false), 128);
                QVERIFY2(area > previous, qPrintable(QStringLiteral("band %1 severity %2: area %3 after %4")
                                                         .arg(band)
                                                         .arg(severity)
                                                         .arg(area)
                                                         .arg(previous)));
                previous = area;
            }
        }
        // Across a generated set (pose, noise, slice and severity spread): class means ordered by severity.
        DemoOptions options;
        options.perClass = {40, 40, 40, 40};
        const ImageSet set = demo.generate(options);
        QCOMPARE(set.width, 128);
        QList<double> mean(4, 0.0);
        for (qsizetype i = 0; i < set.count(); ++i)
            mean[qsizetype(set.labels[size_t(i)])] +=
                ventricleArea(std::vector<uint8_t>(set.image(i), set.image(i) + set.imageSize()), 128) / 40.0;
        // Class order is alphabetical: Mild, Moderate, Non, VeryMild.
        QVERIFY2(mean[2] < mean[3] && mean[3] < mean[0] && mean[0] < mean[1],
                 qPrintable(QStringLiteral("%1 %2 %3 %4").arg(mean[2]).arg(mean[3]).arg(mean[0]).arg(mean[1])));
        // Deterministic from the seed.
        QVERIFY(demo.generate(options).pixels == set.pixels);
    }
};

QTEST_GUILESS_MAIN(TestNiftiSource)
#include "tst_niftisource.moc"
