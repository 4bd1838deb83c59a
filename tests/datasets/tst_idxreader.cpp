#include "datasets/IdxReader.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <zlib.h>

using namespace prunelab::datasets;

namespace {

QByteArray idx(int ndims, const QList<quint32>& dims, const QByteArray& data)
{
    QByteArray bytes;
    bytes.append(char(0)).append(char(0)).append(char(0x08)).append(char(ndims));
    for (quint32 d : dims) {
        bytes.append(char(d >> 24)).append(char(d >> 16)).append(char(d >> 8)).append(char(d));
    }
    return bytes + data;
}

QString write(const QTemporaryDir& dir, const QString& name, const QByteArray& bytes, bool gzip = false)
{
    const QString path = dir.filePath(name);
    if (gzip) {
        gzFile f = gzopen(QFile::encodeName(path).constData(), "wb");
        gzwrite(f, bytes.constData(), unsigned(bytes.size()));
        gzclose(f);
    } else {
        QFile f(path);
        f.open(QIODevice::WriteOnly);
        f.write(bytes);
    }
    return path;
}

QByteArray pixels(int n) // n images of 3×2
{
    QByteArray p;
    for (int i = 0; i < n * 6; ++i)
        p.append(char(i));
    return p;
}

} // namespace

class tst_IdxReader : public QObject {
    Q_OBJECT

private slots:
    void readsPlainAndGzip_data()
    {
        QTest::addColumn<bool>("gzip");
        QTest::newRow("plain") << false;
        QTest::newRow("gzip") << true;
    }

    void readsPlainAndGzip()
    {
        QFETCH(bool, gzip);
        QTemporaryDir dir;
        const QString images = write(dir, "img", idx(3, {4, 2, 3}, pixels(4)), gzip);
        const QString labels = write(dir, "lab", idx(1, {4}, QByteArray("\x00\x02\x01\x02", 4)), gzip);
        const ImageSet set = IdxReader::readPair(images, labels);
        QCOMPARE(set.count(), 4);
        QCOMPARE(set.height, 2);
        QCOMPARE(set.width, 3);
        QCOMPARE(set.channels, 1);
        QCOMPARE(set.labels, std::vector<int64_t>({0, 2, 1, 2}));
        QCOMPARE(set.classNames, QStringList({"0", "1", "2"}));
        QCOMPARE(int(set.image(1)[0]), 6);
        QCOMPARE(set.files[3], QStringLiteral("img#3"));
    }

    void refusesBrokenFiles_data()
    {
        QTest::addColumn<QByteArray>("images");
        QTest::addColumn<QByteArray>("labels");
        QTest::addColumn<QString>("expected");
        const QByteArray goodLabels = idx(1, {2}, QByteArray("\x00\x01", 2));
        QTest::newRow("empty file") << QByteArray() << goodLabels << "too short";
        QTest::newRow("wrong magic") << QByteArray("\x12\x34\x08\x03....", 8) << goodLabels << "not an IDX file";
        QTest::newRow("float data") << QByteArray("\x00\x00\x0d\x03", 4) << goodLabels << "not supported";
        QTest::newRow("truncated data") << idx(3, {2, 2, 3}, pixels(2).left(7)) << goodLabels << "promises 12 bytes";
        QTest::newRow("extra data") << idx(3, {2, 2, 3}, pixels(2) + "x") << goodLabels << "promises 12 bytes";
        QTest::newRow("overflowing dims")
            << idx(3, {0xffffffffu, 0xffffffffu, 0xffffffffu}, {}) << goodLabels << "too large";
        QTest::newRow("zero dim") << idx(3, {0, 2, 3}, {}) << goodLabels << "empty or too large";
        QTest::newRow("labels do not match")
            << idx(3, {2, 2, 3}, pixels(2)) << idx(1, {3}, QByteArray(3, 0)) << "3 labels for 2 images";
        QTest::newRow("labels 2-d") << idx(3, {2, 2, 3}, pixels(2)) << idx(2, {1, 2}, QByteArray(2, 0))
                                    << "expected 1 dimensions";
        QTest::newRow("truncated gzip") << QByteArray("\x1f\x8b\x08\x00\x00\x00", 6) << goodLabels << "gzip";
    }

    void refusesBrokenFiles()
    {
        QFETCH(QByteArray, images);
        QFETCH(QByteArray, labels);
        QFETCH(QString, expected);
        QTemporaryDir dir;
        const QString imagesPath = write(dir, "images.idx", images);
        const QString labelsPath = write(dir, "labels.idx", labels);
        try {
            IdxReader::readPair(imagesPath, labelsPath);
            QFAIL("a broken file was accepted");
        } catch (const std::runtime_error& e) {
            const QString message = QString::fromUtf8(e.what());
            QVERIFY2(message.contains(expected), qPrintable(message));
            QVERIFY2(message.contains("images.idx") || message.contains("labels.idx"), qPrintable(message));
        }
    }

    void folderNeedsAllFourFiles()
    {
        QTemporaryDir dir;
        write(dir, "train-images-idx3-ubyte", idx(3, {1, 2, 3}, pixels(1)));
        try {
            IdxReader::readFolder(dir.path());
            QFAIL("a folder without labels was accepted");
        } catch (const std::runtime_error& e) {
            QVERIFY2(QString::fromUtf8(e.what()).contains("train-labels-idx1-ubyte"), e.what());
        }
    }

    void realFashionMnist()
    {
        if (!QFileInfo::exists(IdxReader::debianFashionMnistFolder()))
            QSKIP("dataset-fashion-mnist is not installed");
        const IdxDataset data = IdxReader::readFolder(IdxReader::debianFashionMnistFolder());
        QCOMPARE(data.train.count(), 60000);
        QCOMPARE(data.test.count(), 10000);
        QCOMPARE(data.train.height, 28);
        QCOMPARE(data.train.classNames, IdxReader::fashionMnistClassNames());
        for (qsizetype n : data.train.classCounts())
            QCOMPARE(n, 6000);
    }
};

QTEST_GUILESS_MAIN(tst_IdxReader)
#include "tst_idxreader.moc"
