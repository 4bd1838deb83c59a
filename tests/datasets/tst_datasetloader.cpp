#include "datasets/DatasetLoader.h"
#include "datasets/DatasetSplit.h"
#include "datasets/FolderSource.h"
#include "datasets/ImageSetWriter.h"
#include "datasets/ZipSource.h"

#include <quazip/quazip.h>
#include <quazip/quazipfile.h>
#include <quazip/quazipnewinfo.h>

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <zlib.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace prunelab::datasets;

namespace {

QByteArray encode(const cv::Mat& image, const char* extension)
{
    std::vector<uchar> bytes;
    cv::imencode(extension, image, bytes);
    return QByteArray(reinterpret_cast<const char*>(bytes.data()), qsizetype(bytes.size()));
}

cv::Mat grayImage(int seed, int w = 20, int h = 16)
{
    cv::Mat m(h, w, CV_8U);
    cv::theRNG().state = quint64(seed) + 1000;
    cv::randu(m, cv::Scalar(seed % 50), cv::Scalar(200 + seed % 50));
    return m;
}

cv::Mat colourImage(int seed, int w = 20, int h = 16)
{
    cv::Mat m(h, w, CV_8UC3);
    cv::theRNG().state = quint64(seed) + 1;
    cv::randu(m, cv::Scalar(0, 0, 0), cv::Scalar(255, 255, 255));
    return m;
}

void writeFile(const QString& path, const QByteArray& bytes)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile f(path);
    QVERIFY2(f.open(QIODevice::WriteOnly), qPrintable(path));
    f.write(bytes);
}

QByteArray pngChunk(const char* type, const QByteArray& data)
{
    QByteArray chunk;
    const quint32 length = quint32(data.size());
    chunk.append(char(length >> 24)).append(char(length >> 16)).append(char(length >> 8)).append(char(length));
    QByteArray body = QByteArray(type, 4) + data;
    chunk.append(body);
    const quint32 crc = quint32(crc32(0, reinterpret_cast<const Bytef*>(body.constData()), uInt(body.size())));
    chunk.append(char(crc >> 24)).append(char(crc >> 16)).append(char(crc >> 8)).append(char(crc));
    return chunk;
}

/// A valid PNG header that claims width×height pixels, with a tiny body: decoding it would allocate gigabytes.
QByteArray hugePng(quint32 width, quint32 height)
{
    QByteArray ihdr;
    for (quint32 v : {width, height})
        ihdr.append(char(v >> 24)).append(char(v >> 16)).append(char(v >> 8)).append(char(v));
    ihdr.append(char(8)).append(char(0)).append(char(0)).append(char(0)).append(char(0));
    return QByteArray("\x89PNG\r\n\x1a\n", 8) + pngChunk("IHDR", ihdr) + pngChunk("IDAT", QByteArray(16, 0)) +
           pngChunk("IEND", {});
}

struct ZipEntry {
    QString name;
    QByteArray data;
    bool symlink = false;
};

void writeZip(const QString& path, const QList<ZipEntry>& entries)
{
    QuaZip zip(path);
    QVERIFY(zip.open(QuaZip::mdCreate));
    for (const ZipEntry& e : entries) {
        QuaZipFile file(&zip);
        QuaZipNewInfo info(e.name);
        if (e.symlink)
            info.externalAttr = quint32(S_IFLNK | 0777) << 16;
        QVERIFY(file.open(QIODevice::WriteOnly, info));
        file.write(e.data);
        file.close();
    }
    zip.close();
}

bool skippedWith(const LoadedDataset& data, const QString& fileEnd, const QString& reasonPart)
{
    for (const SkippedFile& s : data.summary.skipped) {
        if (s.file.endsWith(fileEnd) && s.reason.contains(reasonPart))
            return true;
    }
    return false;
}

QString describeSkipped(const LoadedDataset& data)
{
    QStringList lines;
    for (const SkippedFile& s : data.summary.skipped)
        lines.append(s.file + QStringLiteral(": ") + s.reason);
    return lines.join(QLatin1Char('\n'));
}

} // namespace

class TestDatasetLoader : public QObject {
    Q_OBJECT

private slots:
    void readsEveryImageFormat_data()
    {
        QTest::addColumn<QString>("extension");
        QTest::addColumn<bool>("colour");
        QTest::addColumn<int>("depth");
        QTest::newRow("png gray") << ".png" << false << 8;
        QTest::newRow("png rgb") << ".png" << true << 8;
        QTest::newRow("png 16-bit") << ".png" << false << 16;
        QTest::newRow("jpeg rgb") << ".jpg" << true << 8;
        QTest::newRow("bmp gray") << ".bmp" << false << 8;
        QTest::newRow("tiff rgb") << ".tiff" << true << 8;
        QTest::newRow("webp rgb") << ".webp" << true << 8;
        QTest::newRow("pgm gray") << ".pgm" << false << 8;
    }

    void readsEveryImageFormat()
    {
        QFETCH(QString, extension);
        QFETCH(bool, colour);
        QFETCH(int, depth);
        QTemporaryDir dir;
        const QByteArray ext = extension.toLatin1();
        for (int i = 0; i < 3; ++i) {
            cv::Mat image = colour ? colourImage(i) : grayImage(i);
            if (depth == 16)
                image.convertTo(image, CV_16U, 257.0);
            writeFile(dir.filePath(QStringLiteral("a/%1%2").arg(i).arg(extension)), encode(image, ext.constData()));
            writeFile(dir.filePath(QStringLiteral("b/%1%2").arg(i).arg(extension)), encode(image, ext.constData()));
        }
        LoadOptions options;
        options.width = 10;
        options.height = 8;
        const LoadedDataset data = DatasetLoader(options).load(dir.path());
        QVERIFY2(data.summary.skipped.isEmpty(), qPrintable(describeSkipped(data)));
        QCOMPARE(data.images.count(), 6);
        QCOMPARE(data.images.classNames, QStringList({"a", "b"}));
        QCOMPARE(data.images.width, 10);
        QCOMPARE(data.images.height, 8);
        QCOMPARE(data.images.channels, colour ? 3 : 1);
        QCOMPARE(data.summary.sizes.value(QStringLiteral("20×16")), 6);
        QCOMPARE(data.summary.channels.value(colour ? 3 : 1), 6);
        // The same image in both classes: three duplicate groups, found by content.
        QCOMPARE(data.summary.duplicateGroups.size(), 3);
        if (depth == 16) { // 16-bit full range maps back onto the 8-bit values (within resizing)
            const cv::Mat original = grayImage(0);
            cv::Mat small;
            cv::resize(original, small, cv::Size(10, 8), 0, 0, cv::INTER_AREA);
            QVERIFY(std::abs(int(data.images.image(0)[0]) - int(small.at<uchar>(0, 0))) <= 1);
        }
    }

    // JPEGs go through libjpeg-turbo (ImageDecoder.cpp: gray scans saved as colour to their planes only): exactly
    // the pixels of OpenCV's full decode + the loader's resize, for gray, gray-as-colour, colour and progressive
    // files, a gray file decoded after a colour one on the same thread, and files libjpeg warns about (which OpenCV
    // decodes, as before).
    void jpegsDecodeAsOpenCvDoes_data()
    {
        QTest::addColumn<QString>("kind");
        QTest::addColumn<double>("bound"); // mean absolute difference per pixel and channel, out of 255
        QTest::newRow("gray scan saved as colour, 4:2:0") << "gray-as-colour" << 0.0;
        QTest::newRow("gray, one component") << "gray" << 0.0;
        QTest::newRow("colour 4:2:0") << "colour" << 0.0;
        QTest::newRow("colour, progressive") << "colour-progressive" << 0.0;
        QTest::newRow("gray scan after a colour one") << "gray-after-colour" << 0.0;
        QTest::newRow("damaged scan data") << "damaged" << 0.0;
    }

    void jpegsDecodeAsOpenCvDoes()
    {
        QFETCH(QString, kind);
        QFETCH(double, bound);
        // 176×208 like the Kaggle MRI slices, smooth like a scan or a photo (noise would only measure the chroma).
        cv::Mat picture(208, 176, CV_8UC3);
        for (int y = 0; y < picture.rows; ++y)
            for (int x = 0; x < picture.cols; ++x)
                picture.at<cv::Vec3b>(y, x) = cv::Vec3b(uchar(x), uchar(y), uchar((x * y) / 150));
        cv::circle(picture, {88, 104}, 60, cv::Scalar(30, 200, 90), -1, cv::LINE_AA);
        cv::circle(picture, {70, 90}, 20, cv::Scalar(250, 240, 10), -1, cv::LINE_AA);
        cv::Mat gray, image = picture;
        cv::cvtColor(picture, gray, cv::COLOR_BGR2GRAY);
        std::vector<int> parameters{cv::IMWRITE_JPEG_QUALITY, 90};
        const bool afterColour = kind == QLatin1String("gray-after-colour");
        if (kind == QLatin1String("gray-as-colour") || kind == QLatin1String("damaged") || afterColour)
            cv::cvtColor(gray, image, cv::COLOR_GRAY2BGR);
        else if (kind == QLatin1String("gray"))
            image = gray;
        else if (kind == QLatin1String("colour-progressive"))
            parameters.insert(parameters.end(), {cv::IMWRITE_JPEG_PROGRESSIVE, 1});
        std::vector<uchar> encoded;
        QVERIFY(cv::imencode(".jpg", image, encoded, parameters));
        QByteArray bytes(reinterpret_cast<const char*>(encoded.data()), qsizetype(encoded.size()));
        if (kind == QLatin1String("damaged")) // a run of scan bytes zeroed; the end marker stays
            for (qsizetype i = bytes.size() / 2; i < bytes.size() / 2 + 64; ++i)
                bytes[i] = 0;
        QTemporaryDir dir;
        writeFile(dir.filePath(QStringLiteral("a/image.jpg")), bytes);
        writeFile(dir.filePath(QStringLiteral("b/image.jpg")), bytes); // one folder alone would be the source's root
        if (afterColour)                                               // listed first, and decoded first: one thread
            writeFile(dir.filePath(QStringLiteral("a/0-colour.jpg")), encode(picture, ".jpg"));

        LoadOptions options;
        options.width = options.height = 128;
        options.color = ColorMode::Rgb;
        options.threads = 1;
        const LoadedDataset data = DatasetLoader(options).load(dir.path());
        QVERIFY2(data.summary.skipped.isEmpty(), qPrintable(describeSkipped(data)));
        const int files = afterColour ? 3 : 2, checked = afterColour ? 1 : 0;
        QCOMPARE(data.images.count(), files);
        QCOMPARE(data.summary.sizes.value(QStringLiteral("176×208")), files);
        QCOMPARE(data.summary.channels.value(kind == QLatin1String("gray") ? 1 : 3), files);
        QVERIFY(data.images.files[checked].endsWith(QLatin1String("a/image.jpg")));

        // OpenCV's decode to BGR at full size, then the loader's resize (bilinear: 176×208 → 128×128 is milder than
        // halving).
        cv::Mat decoded = cv::imdecode(cv::Mat(1, int(encoded.size()), CV_8U, bytes.data()), cv::IMREAD_COLOR), rgb;
        QVERIFY(!decoded.empty());
        cv::cvtColor(decoded, rgb, cv::COLOR_BGR2RGB);
        cv::Mat sized;
        cv::resize(rgb, sized, cv::Size(128, 128), 0, 0, cv::INTER_LINEAR);
        std::vector<cv::Mat> planes;
        cv::split(sized, planes);
        std::vector<cv::Mat> full;
        cv::split(rgb, full);
        if (cv::norm(full[0], full[1], cv::NORM_INF) == 0 && cv::norm(full[1], full[2], cv::NORM_INF) == 0) {
            // No colour in it: the loader resizes the one plane and repeats it.
            cv::resize(full[0], planes[0], cv::Size(128, 128), 0, 0, cv::INTER_LINEAR);
            planes[1] = planes[2] = planes[0];
        }
        double difference = 0;
        int largest = 0;
        for (int c = 0; c < 3; ++c) {
            const cv::Mat loaded(128, 128, CV_8U, const_cast<uint8_t*>(data.images.image(checked)) + 128 * 128 * c);
            difference += cv::norm(loaded, planes[size_t(c)], cv::NORM_L1) / (3.0 * 128 * 128);
            double maxDifference = 0;
            cv::Mat diff;
            cv::absdiff(loaded, planes[size_t(c)], diff);
            cv::minMaxLoc(diff, nullptr, &maxDifference);
            largest = std::max(largest, int(maxDifference));
        }
        qInfo("%s: mean absolute difference %.4f, largest %d", qPrintable(kind), difference, largest);
        QVERIFY2(difference <= bound, qPrintable(QStringLiteral("%1 > %2").arg(difference).arg(bound)));
    }

    void colourModeAutoForcedAndRgbSourcesThatAreGray()
    {
        QTemporaryDir dir;
        cv::Mat grayAsRgb;
        cv::cvtColor(grayImage(1), grayAsRgb, cv::COLOR_GRAY2BGR); // a JPEG-style RGB file with no colour in it
        writeFile(dir.filePath("a/gray.png"), encode(grayAsRgb, ".png"));
        writeFile(dir.filePath("b/gray.png"), encode(grayImage(2), ".png"));
        LoadOptions options;
        options.width = options.height = 16;
        QCOMPARE(DatasetLoader(options).load(dir.path()).images.channels, 1);

        writeFile(dir.filePath("b/colour.png"), encode(colourImage(3), ".png"));
        const LoadedDataset mixed = DatasetLoader(options).load(dir.path());
        QCOMPARE(mixed.images.channels, 3);
        QCOMPARE(mixed.images.count(), 3);
        // Gray images in an RGB set have three equal planes.
        const uint8_t* first = mixed.images.image(0);
        QVERIFY(std::memcmp(first, first + 256, 256) == 0);

        options.color = ColorMode::Gray;
        QCOMPARE(DatasetLoader(options).load(dir.path()).images.channels, 1);
    }

    void badFilesAreSkippedAndListed()
    {
        QTemporaryDir dir;
        writeFile(dir.filePath("cats/good1.png"), encode(grayImage(1), ".png"));
        writeFile(dir.filePath("cats/deep/nested/good2.png"), encode(grayImage(2), ".png"));
        writeFile(dir.filePath("dogs/good3.jpg"), encode(grayImage(3), ".jpg"));
        const QByteArray png = encode(grayImage(4), ".png");
        const QByteArray jpg = encode(colourImage(5), ".jpg");
        writeFile(dir.filePath("dogs/truncated.png"), png.left(png.size() / 2));
        writeFile(dir.filePath("dogs/truncated.jpg"), jpg.left(jpg.size() / 2));
        writeFile(dir.filePath("dogs/cut-short.jpg"), jpg.left(jpg.size() - 40)); // header intact, end missing
        writeFile(dir.filePath("dogs/empty.png"), {});
        writeFile(dir.filePath("dogs/notes.txt"), "not an image\n");
        writeFile(dir.filePath("dogs/huge.png"), hugePng(100000, 100000));
        writeFile(dir.filePath("dogs/odd name ü #1.png"), encode(grayImage(6), ".png"));
        writeFile(dir.filePath("loose.png"), encode(grayImage(7), ".png"));
        writeFile(dir.filePath("dogs/.hidden.png"), encode(grayImage(8), ".png"));
        writeFile(dir.filePath("empty-class/readme.txt"), "nothing here");

        LoadOptions options;
        options.width = options.height = 16;
        const LoadedDataset data = DatasetLoader(options).load(dir.path());
        QCOMPARE(data.images.count(), 4);
        QCOMPARE(data.images.classNames, QStringList({"cats", "dogs", "empty-class"}));
        QCOMPARE(data.summary.classCounts, QList<qsizetype>({2, 2, 0}));
        QCOMPARE(data.summary.emptyClasses(), QStringList({"empty-class"}));
        QVERIFY2(skippedWith(data, "truncated.png", "cannot be decoded"), qPrintable(describeSkipped(data)));
        QVERIFY2(skippedWith(data, "truncated.jpg", ""), qPrintable(describeSkipped(data)));
        QVERIFY2(skippedWith(data, "cut-short.jpg", "truncated JPEG"), qPrintable(describeSkipped(data)));
        QVERIFY2(skippedWith(data, "empty.png", "empty file"), qPrintable(describeSkipped(data)));
        QVERIFY2(skippedWith(data, "notes.txt", "not an image"), qPrintable(describeSkipped(data)));
        QVERIFY2(skippedWith(data, "huge.png", "100000×100000"), qPrintable(describeSkipped(data)));
        QVERIFY2(skippedWith(data, "loose.png", "not inside a class folder"), qPrintable(describeSkipped(data)));
        QVERIFY2(skippedWith(data, "readme.txt", "not an image"), qPrintable(describeSkipped(data)));
        QCOMPARE(data.summary.skipped.size(), 8);
        QVERIFY(data.images.files.join(QLatin1Char('\n')).contains(QStringLiteral("odd name ü #1.png")));
    }

    // Linux names are bytes: a file or folder whose name is not UTF-8 (Latin-1 "café") is loaded like any other, its
    // pixels the same as under a plain name, and shown with \xHH escapes.
    void namesThatAreNotUtf8AreLoaded()
    {
        QTemporaryDir dir;
        const QByteArray png = encode(grayImage(11), ".png");
        writeFile(dir.filePath("cats/plain.png"), png);
        writeFile(dir.filePath("dogs/plain.png"), encode(grayImage(12), ".png"));
        const QByteArray cats = QFile::encodeName(dir.filePath("cats"));
        const QByteArray dogs = QFile::encodeName(dir.filePath("dogs"));
        const auto writeRaw = [](const QByteArray& path, const QByteArray& bytes) {
            const int fd = ::open(path.constData(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
            return fd >= 0 && ::write(fd, bytes.constData(), size_t(bytes.size())) == bytes.size() && ::close(fd) == 0;
        };
        if (!writeRaw(cats + "/caf\xe9.png", png))
            QSKIP("this file system does not take names that are not UTF-8");
        QVERIFY(::mkdir((dogs + "/d\xe9j\xe0").constData(), 0755) == 0);
        QVERIFY(writeRaw(dogs + "/d\xe9j\xe0/inside.png", encode(grayImage(13), ".png")));

        LoadOptions options;
        options.width = options.height = 16;
        const LoadedDataset data = DatasetLoader(options).load(dir.path());
        QVERIFY2(data.summary.skipped.isEmpty(), qPrintable(describeSkipped(data)));
        QCOMPARE(data.images.count(), 4);
        QCOMPARE(data.summary.classCounts, QList<qsizetype>({2, 2}));
        const QString files = data.images.files.join(QLatin1Char('\n'));
        QVERIFY2(files.contains(QStringLiteral("cats/caf\\xe9.png")), qPrintable(files));
        QVERIFY2(files.contains(QStringLiteral("d\\xe9j\\xe0/inside.png")), qPrintable(files));
        // the raw-named copy decodes to the very pixels of plain.png
        const qsizetype plain = data.images.files.indexOf(QRegularExpression(QStringLiteral(".*cats/plain.png$")));
        const qsizetype raw = data.images.files.indexOf(QRegularExpression(QStringLiteral(".*caf\\\\xe9.png$")));
        QVERIFY(plain >= 0 && raw >= 0);
        const qsizetype pixels = qsizetype(data.images.channels) * data.images.height * data.images.width;
        QVERIFY(std::equal(data.images.pixels.begin() + plain * pixels,
                           data.images.pixels.begin() + (plain + 1) * pixels,
                           data.images.pixels.begin() + raw * pixels));
    }

    void unreadableSourcesAreRefusedWithTheirName()
    {
        QTemporaryDir dir;
        const auto refuses = [](const QString& source, const QString& part) {
            try {
                DatasetLoader().load(source);
            } catch (const std::runtime_error& e) {
                const QString message = QString::fromStdString(e.what());
                return message.contains(part) && message.contains(QFileInfo(source).fileName());
            }
            return false;
        };
        QVERIFY(refuses(dir.filePath("missing"), QStringLiteral("does not exist")));
        writeFile(dir.filePath("notes.txt"), "x");
        QVERIFY(refuses(dir.filePath("notes.txt"), QStringLiteral("not a dataset")));
        writeFile(dir.filePath("broken.zip"), "PK\x03\x04 not really");
        QVERIFY(refuses(dir.filePath("broken.zip"), QStringLiteral("zip")));
        writeFile(dir.filePath("flat/a.png"), encode(grayImage(1), ".png"));
        QVERIFY(refuses(dir.filePath("flat"), QStringLiteral("no class folders")));
        writeFile(dir.filePath("allbad/c1/x.png"), "garbage");
        writeFile(dir.filePath("allbad/c2/y.png"), encode(grayImage(1), ".png").left(30));
        QVERIFY(refuses(dir.filePath("allbad"), QStringLiteral("no image could be read")));
    }

    void zipArchivesAreReadSafely()
    {
        QTemporaryDir dir;
        const QString zipPath = dir.filePath("mri.zip");
        const QByteArray bomb(8 << 20, '\0'); // 8 MB of zeros compresses about 1000:1
        writeZip(zipPath, {
                              {"Alzheimer_MRI/Mild/a.png", encode(grayImage(1), ".png")},
                              {"Alzheimer_MRI/Mild/sub/b.png", encode(grayImage(2), ".png")},
                              {"Alzheimer_MRI/Non/c.png", encode(grayImage(3), ".png")},
                              {"Alzheimer_MRI/Non/../../../escape.png", encode(grayImage(4), ".png")},
                              {"/etc/absolute.png", encode(grayImage(5), ".png")},
                              {"Alzheimer_MRI/Non/link.png", "/etc/passwd", true},
                              {"Alzheimer_MRI/Non/bomb.png", bomb},
                              {"Alzheimer_MRI/Non/corrupt.png", "garbage"},
                              {"__MACOSX/Alzheimer_MRI/Non/._c.png", "resource fork"},
                          });
        const QStringList before = QDir(dir.path()).entryList(QDir::AllEntries | QDir::NoDotAndDotDot);
        LoadOptions options;
        options.width = options.height = 16;
        const LoadedDataset data = DatasetLoader(options).load(zipPath);
        QCOMPARE(data.images.count(), 3);
        QCOMPARE(data.images.classNames, QStringList({"Mild", "Non"}));
        QVERIFY2(skippedWith(data, "escape.png", "'..'"), qPrintable(describeSkipped(data)));
        QVERIFY2(skippedWith(data, "absolute.png", "absolute path"), qPrintable(describeSkipped(data)));
        QVERIFY2(skippedWith(data, "link.png", "symbolic link"), qPrintable(describeSkipped(data)));
        QVERIFY2(skippedWith(data, "bomb.png", "zip bomb"), qPrintable(describeSkipped(data)));
        QVERIFY2(skippedWith(data, "corrupt.png", "not an image"), qPrintable(describeSkipped(data)));
        QCOMPARE(data.summary.skipped.size(), 5);
        QVERIFY(data.images.files.first().startsWith(QStringLiteral("mri.zip:")));
        // Nothing was written anywhere: not beside the archive, not above it.
        QCOMPARE(QDir(dir.path()).entryList(QDir::AllEntries | QDir::NoDotAndDotDot), before);
        QVERIFY(!QFile::exists(QDir(dir.path()).filePath("../escape.png")));

        // Same images from a folder and from a zip: same pixels.
        writeFile(dir.filePath("folder/Mild/a.png"), encode(grayImage(1), ".png"));
        writeFile(dir.filePath("folder/Mild/sub/b.png"), encode(grayImage(2), ".png"));
        writeFile(dir.filePath("folder/Non/c.png"), encode(grayImage(3), ".png"));
        const LoadedDataset folder = DatasetLoader(options).load(dir.filePath("folder"));
        QCOMPARE(folder.images.labels, data.images.labels);
        QVERIFY(folder.images.pixels == data.images.pixels);
    }

    void zipEntryNames_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<bool>("safe");
        QTest::newRow("plain") << "class/a.png" << true;
        QTest::newRow("dot") << "./class/a.png" << true;
        QTest::newRow("dotdot") << "class/../../a.png" << false;
        QTest::newRow("absolute") << "/a.png" << false;
        QTest::newRow("drive") << "C:/a.png" << false;
        QTest::newRow("backslash") << "class\\..\\a.png" << false;
        QTest::newRow("control") << QStringLiteral("class/a\x01.png") << false;
        QTest::newRow("empty") << "" << false;
    }

    void zipEntryNames()
    {
        QFETCH(QString, name);
        QFETCH(bool, safe);
        QString reason;
        QCOMPARE(ZipSource::isSafeEntryName(name, &reason), safe);
        QCOMPARE(reason.isEmpty(), safe);
    }

    void csvManifest()
    {
        QTemporaryDir dir;
        writeFile(dir.filePath("img/one.png"), encode(grayImage(1), ".png"));
        writeFile(dir.filePath("img/two, with comma.png"), encode(grayImage(2), ".png"));
        writeFile(dir.filePath("img/three.png"), encode(grayImage(3), ".png"));
        writeFile(dir.filePath("list.csv"), "path,label\n"
                                            "img/one.png,healthy\n"
                                            "\"img/two, with comma.png\",sick\n"
                                            "img/three.png,healthy\n"
                                            "img/missing.png,sick\n"
                                            "\"unclosed,sick\n"
                                            "only-one-field\n");
        LoadOptions options;
        options.width = options.height = 8;
        const LoadedDataset data = DatasetLoader(options).load(dir.filePath("list.csv"));
        QCOMPARE(data.images.classNames, QStringList({"healthy", "sick"}));
        QCOMPARE(data.summary.classCounts, QList<qsizetype>({2, 1}));
        QVERIFY2(skippedWith(data, "missing.png", "cannot be read"), qPrintable(describeSkipped(data)));
        QVERIFY2(skippedWith(data, "line 6", "unclosed quote"), qPrintable(describeSkipped(data)));
        QVERIFY2(skippedWith(data, "line 7", "expected path,label"), qPrintable(describeSkipped(data)));
    }

    void cacheMakesTheSecondOpenReadOneFile()
    {
        QTemporaryDir dir, cache;
        for (int i = 0; i < 40; ++i)
            writeFile(dir.filePath(QStringLiteral("c%1/%2.png").arg(i % 3).arg(i)),
                      encode(colourImage(i, 40, 30), ".png"));
        writeFile(dir.filePath("c0/bad.png"), "bad");
        LoadOptions options;
        options.cacheDirectory = cache.path();
        const LoadedDataset first = DatasetLoader(options).load(dir.path());
        QVERIFY(!first.fromCache);
        QCOMPARE(first.images.width, 128); // the default for image files
        QCOMPARE(QDir(cache.path()).entryList(QDir::Files).size(), 1);
        const LoadedDataset second = DatasetLoader(options).load(dir.path());
        QVERIFY(second.fromCache);
        QVERIFY(second.images.pixels == first.images.pixels);
        QCOMPARE(second.images.labels, first.images.labels);
        QCOMPARE(second.images.files, first.images.files);
        QCOMPARE(second.summary.skipped.size(), 1);
        QCOMPARE(second.summary.sizes, first.summary.sizes);

        // Other preprocessing, or a changed file: decoded again.
        options.width = options.height = 32;
        QVERIFY(!DatasetLoader(options).load(dir.path()).fromCache);
        options.width = options.height = 0;
        QTest::qWait(20);
        writeFile(dir.filePath("c1/1.png"), encode(colourImage(99, 40, 31), ".png"));
        const LoadedDataset changed = DatasetLoader(options).load(dir.path());
        QVERIFY(!changed.fromCache);
        QVERIFY(changed.images.pixels != first.images.pixels);

        // A damaged cache file is ignored, not trusted.
        const QString cacheFile = QDir(cache.path()).entryInfoList(QDir::Files, QDir::Time).first().absoluteFilePath();
        QFile f(cacheFile);
        QVERIFY(f.open(QIODevice::ReadWrite));
        f.resize(f.size() - 100);
        f.close();
        QVERIFY(!DatasetLoader(options).load(dir.path()).fromCache);
    }

    void datasetOverTheCacheLimitIsNotCached()
    {
        QTemporaryDir dir, cache;
        for (int i = 0; i < 6; ++i)
            writeFile(dir.filePath(QStringLiteral("c%1/%2.png").arg(i % 2).arg(i)),
                      encode(grayImage(i, 20, 20), ".png"));
        LoadOptions options;
        options.width = options.height = 16;
        options.cacheDirectory = cache.path();
        options.cacheLimitBytes = 1024; // less than the 6 decoded images and their header
        const LoadedDataset data = DatasetLoader(options).load(dir.path());
        QCOMPARE(data.images.count(), 6); // the load itself succeeds
        QVERIFY2(data.cacheMessage.contains(QStringLiteral("limit")), qPrintable(data.cacheMessage));
        QVERIFY(QDir(cache.path()).isEmpty());
        QVERIFY(!DatasetLoader(options).load(dir.path()).fromCache);
        options.cacheLimitBytes = LoadOptions{}.cacheLimitBytes; // 4 GiB
        QCOMPARE(DatasetLoader(options).load(dir.path()).cacheMessage, QString());
        QVERIFY(DatasetLoader(options).load(dir.path()).fromCache);
    }

    void cancelStopsTheDecode()
    {
        QTemporaryDir dir;
        for (int i = 0; i < 200; ++i)
            writeFile(dir.filePath(QStringLiteral("c%1/%2.png").arg(i % 2).arg(i)),
                      encode(grayImage(i, 64, 64), ".png"));
        QVERIFY_THROWS_EXCEPTION(LoadCancelled,
                                 DatasetLoader().load(dir.path(), [&](qint64, qint64) { return false; }));
        std::atomic<bool> cancel{true};
        QVERIFY_THROWS_EXCEPTION(LoadCancelled, DatasetLoader().load(dir.path(), {}, &cancel));
        qint64 lastDone = -1;
        const LoadedDataset data = DatasetLoader().load(dir.path(), [&](qint64 done, qint64 total) {
            lastDone = done;
            return total == 200;
        });
        QCOMPARE(lastDone, 200);
        QCOMPARE(data.images.count(), 200);
    }

    void trainAndTestFoldersAreTheSourcesOwnSplit()
    {
        QTemporaryDir dir;
        writeFile(dir.filePath("train/cat/1.png"), encode(grayImage(1), ".png"));
        writeFile(dir.filePath("train/dog/2.png"), encode(grayImage(2), ".png"));
        writeFile(dir.filePath("train/dog/3.png"), encode(grayImage(3), ".png"));
        writeFile(dir.filePath("test/dog/4.png"), encode(grayImage(4), ".png"));
        writeFile(dir.filePath("test/bird/5.png"), encode(grayImage(5), ".png"));
        QCOMPARE(DatasetLoader::kindOf(dir.path()), QStringLiteral("folder-split"));
        const LoadedDataset data = DatasetLoader().load(dir.path());
        QCOMPARE(data.images.classNames, QStringList({"cat", "dog"}));
        QCOMPARE(data.images.count(), 3);
        QCOMPARE(data.test.count(), 1);
        QCOMPARE(data.test.labels, std::vector<int64_t>({1}));
        QVERIFY2(skippedWith(data, "5.png", "no training folder"), qPrintable(describeSkipped(data)));
    }

    void exportedSetsReadBackIdentically()
    {
        LoadOptions options;
        options.demoPerClass = 4;
        options.width = options.height = 24;
        ImageSet set = DatasetLoader(options).load(QStringLiteral("demo")).images;
        set.classNames[0] = QStringLiteral("A/../../escape"); // a hostile label must not leave the folder
        QTemporaryDir dir;
        writeClassZip(set, dir.filePath("out.zip"));
        writeClassFolders(set, dir.filePath("out"));
        QVERIFY(!QFile::exists(dir.filePath("out.zip.part")));
        QVERIFY(QDir(dir.filePath("out")).exists(QStringLiteral("A_.._.._escape")));
        QStringList everything;
        QDirIterator it(dir.path(), QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden,
                        QDirIterator::Subdirectories);
        while (it.hasNext())
            everything.append(QDir(dir.path()).relativeFilePath(it.next()));
        for (const QString& path : everything)
            QVERIFY2(path.startsWith(QStringLiteral("out")), qPrintable(path));

        for (const QString& written : {dir.filePath("out.zip"), dir.filePath("out")}) {
            const LoadedDataset back = DatasetLoader(options).load(written);
            QCOMPARE(back.images.count(), set.count());
            QVERIFY2(back.images.pixels == set.pixels, qPrintable(written)); // PNG is lossless, sizes match
        }
        QCOMPARE(safeFolderName(QStringLiteral("T-shirt/top")), QStringLiteral("T-shirt_top"));
        QCOMPARE(safeFolderName(QStringLiteral("..")), QStringLiteral("class_.."));
    }

    void idxAndDemoConvert()
    {
        LoadOptions options;
        options.demoPerClass = 3;
        options.color = ColorMode::Rgb;
        options.width = options.height = 32;
        const LoadedDataset demo = DatasetLoader(options).load(QStringLiteral("demo"));
        QCOMPARE(demo.images.count(), 12);
        QCOMPARE(demo.images.channels, 3);
        QCOMPARE(demo.images.width, 32);
        const uint8_t* first = demo.images.image(0);
        QVERIFY(std::memcmp(first, first + 32 * 32, 32 * 32) == 0);
        QCOMPARE(demo.summary.total, 12);

        ImageSet gray;
        gray.channels = 1;
        gray.width = gray.height = 4;
        gray.classNames = {"a"};
        gray.labels = {0};
        gray.pixels.assign(16, 100);
        const ImageSet resized = DatasetLoader::convert(gray, 2, 2, ColorMode::Auto);
        QCOMPARE(resized.pixels, std::vector<uint8_t>(4, 100));
    }
};

QTEST_GUILESS_MAIN(TestDatasetLoader)
#include "tst_datasetloader.moc"
