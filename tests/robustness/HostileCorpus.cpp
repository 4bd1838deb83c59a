#include "tests/robustness/HostileCorpus.h"

#include <quazip/quazip.h>
#include <quazip/quazipfile.h>
#include <quazip/quazipnewinfo.h>

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>

#include <zlib.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <stdexcept>

namespace prunelab::robustness::corpus {

namespace {

QByteArray encode(const cv::Mat& image, const char* extension)
{
    std::vector<uchar> bytes;
    if (!cv::imencode(extension, image, bytes))
        throw std::runtime_error(std::string("cannot encode a test image as ") + extension);
    return QByteArray(reinterpret_cast<const char*>(bytes.data()), qsizetype(bytes.size()));
}

cv::Mat randomImage(int seed, int width, int height, int type)
{
    cv::Mat m(height, width, type);
    cv::RNG rng(quint64(seed) * 7919 + 17);
    rng.fill(m, cv::RNG::UNIFORM, cv::Scalar::all(0), cv::Scalar::all(CV_MAT_DEPTH(type) == CV_16U ? 65535 : 255));
    return m;
}

void writeFile(const QString& path, const QByteArray& bytes)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly) || f.write(bytes) != bytes.size())
        throw std::runtime_error("cannot write " + path.toStdString());
}

QByteArray pngChunk(const char* type, const QByteArray& data)
{
    QByteArray chunk;
    const quint32 length = quint32(data.size());
    chunk.append(char(length >> 24)).append(char(length >> 16)).append(char(length >> 8)).append(char(length));
    const QByteArray body = QByteArray(type, 4) + data;
    chunk.append(body);
    const quint32 crc = quint32(crc32(0, reinterpret_cast<const Bytef*>(body.constData()), uInt(body.size())));
    chunk.append(char(crc >> 24)).append(char(crc >> 16)).append(char(crc >> 8)).append(char(crc));
    return chunk;
}

QByteArray bigEndian32(quint32 v)
{
    QByteArray b;
    b.append(char(v >> 24)).append(char(v >> 16)).append(char(v >> 8)).append(char(v));
    return b;
}

QByteArray idx(int type, int dims, const QList<quint32>& sizes, const QByteArray& data)
{
    QByteArray b;
    b.append('\0').append('\0').append(char(type)).append(char(dims));
    for (quint32 s : sizes)
        b += bigEndian32(s);
    return b + data;
}

QByteArray gzip(const QByteArray& data)
{
    z_stream s{};
    deflateInit2(&s, Z_BEST_COMPRESSION, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY);
    QByteArray out(int(deflateBound(&s, uLong(data.size()))) + 32, '\0');
    s.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.constData()));
    s.avail_in = uInt(data.size());
    s.next_out = reinterpret_cast<Bytef*>(out.data());
    s.avail_out = uInt(out.size());
    deflate(&s, Z_FINISH);
    out.resize(qsizetype(s.total_out));
    deflateEnd(&s);
    return out;
}

/// A gzip member holding `prefix` and then `zeros` zero bytes (see deflatedZeros), a few hundred kilobytes.
QByteArray gzipAfter(const QByteArray& prefix, qint64 zeros)
{
    z_stream s{};
    deflateInit2(&s, Z_BEST_COMPRESSION, Z_DEFLATED, -MAX_WBITS, 8, Z_DEFAULT_STRATEGY);
    QByteArray head(int(deflateBound(&s, uLong(prefix.size()))) + 64, '\0');
    s.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(prefix.constData()));
    s.avail_in = uInt(prefix.size());
    s.next_out = reinterpret_cast<Bytef*>(head.data());
    s.avail_out = uInt(head.size());
    deflate(&s, Z_FULL_FLUSH); // byte-aligned, no final block: the zeros' blocks follow
    head.resize(head.size() - qsizetype(s.avail_out));
    deflateEnd(&s);
    quint32 zerosCrc = 0;
    const QByteArray deflated = deflatedZeros(zeros, &zerosCrc);
    const uLong crc = crc32_combine(crc32(0, reinterpret_cast<const Bytef*>(prefix.constData()), uInt(prefix.size())),
                                    zerosCrc, z_off_t(zeros));
    const qint64 total = prefix.size() + zeros;
    QByteArray out("\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03", 10);
    out += head + deflated;
    for (quint32 v : {quint32(crc), quint32(total & 0xffffffff)})
        out.append(char(v)).append(char(v >> 8)).append(char(v >> 16)).append(char(v >> 24));
    return out;
}

struct ZipItem {
    QString name;
    QByteArray data;
    bool symlink = false;
    bool raw = false; ///< `data` is already deflated (or stored, with method 0)
    int method = Z_DEFLATED;
    quint32 crc = 0;          ///< raw only
    qint64 declaredSize = -1; ///< raw only: the uncompressed size the headers declare
};

void writeZipItems(const QString& path, const QList<ZipItem>& items)
{
    QuaZip zip(path);
    if (!zip.open(QuaZip::mdCreate))
        throw std::runtime_error("cannot create " + path.toStdString());
    for (const ZipItem& item : items) {
        QuaZipFile file(&zip);
        QuaZipNewInfo info(item.name);
        info.setFileDateTime(QString()); // no time: the same bytes on every run
        info.dateTime = QDateTime(QDate(2024, 1, 1), QTime(0, 0));
        if (item.symlink)
            info.externalAttr = quint32(S_IFLNK | 0777) << 16;
        bool ok = false;
        if (item.raw) {
            info.uncompressedSize = ulong(item.declaredSize);
            ok = file.open(QIODevice::WriteOnly, info, nullptr, item.crc, item.method, Z_DEFAULT_COMPRESSION, true);
        } else {
            ok = file.open(QIODevice::WriteOnly, info);
        }
        if (!ok || file.write(item.data) != item.data.size())
            throw std::runtime_error("cannot write entry " + item.name.toStdString() + " of " + path.toStdString());
        file.close();
        if (file.getZipError() != UNZ_OK)
            throw std::runtime_error("cannot close entry " + item.name.toStdString());
    }
    zip.close();
}

/// Creates a file whose name is raw bytes (not necessarily UTF-8) in `folder`; false when the file system refuses.
bool writeRawName(const QString& folder, const QByteArray& name, const QByteArray& bytes)
{
    const QByteArray path = QFile::encodeName(folder) + '/' + name;
    const int fd = ::open(path.constData(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0)
        return false;
    const bool ok = ::write(fd, bytes.constData(), size_t(bytes.size())) == ssize_t(bytes.size());
    ::close(fd);
    return ok;
}

} // namespace

QByteArray grayPng(int seed, int width, int height)
{
    return encode(randomImage(seed, width, height, CV_8UC1), ".png");
}

QByteArray colourJpeg(int seed, int width, int height)
{
    return encode(randomImage(seed, width, height, CV_8UC3), ".jpg");
}

QByteArray grayBmp(int seed, int width, int height)
{
    return encode(randomImage(seed, width, height, CV_8UC1), ".bmp");
}

QByteArray rgbaPng(int seed, int width, int height)
{
    return encode(randomImage(seed, width, height, CV_8UC4), ".png");
}

QByteArray gray16Png(int seed, int width, int height)
{
    return encode(randomImage(seed, width, height, CV_16UC1), ".png");
}

QByteArray hugePng(quint32 width, quint32 height)
{
    QByteArray ihdr = bigEndian32(width) + bigEndian32(height);
    ihdr.append(char(8)).append(char(0)).append(char(0)).append(char(0)).append(char(0));
    return QByteArray("\x89PNG\r\n\x1a\n", 8) + pngChunk("IHDR", ihdr) + pngChunk("IDAT", QByteArray(16, 0)) +
           pngChunk("IEND", {});
}

QByteArray hugeJpeg(quint16 width, quint16 height)
{
    QByteArray jpeg = colourJpeg(1, 16, 16);
    for (qsizetype i = 2; i + 9 < jpeg.size();) {
        const uchar marker = uchar(jpeg[i + 1]);
        const int length = (uchar(jpeg[i + 2]) << 8) | uchar(jpeg[i + 3]);
        if (marker == 0xC0 || marker == 0xC2) { // baseline or progressive frame: FF Cx len(2) precision(1) h(2) w(2)
            jpeg[i + 5] = char(height >> 8);
            jpeg[i + 6] = char(height);
            jpeg[i + 7] = char(width >> 8);
            jpeg[i + 8] = char(width);
            return jpeg;
        }
        i += 2 + length;
    }
    throw std::runtime_error("OpenCV wrote a JPEG without a frame header");
}

QByteArray deflatedZeros(qint64 bytes, quint32* crc)
{
    constexpr qint64 kChunk = 1 << 20;
    const QByteArray zeros(kChunk, '\0');
    z_stream s{};
    deflateInit2(&s, Z_BEST_COMPRESSION, Z_DEFLATED, -MAX_WBITS, 8, Z_DEFAULT_STRATEGY);
    const auto run = [&](const QByteArray& in, int flush) {
        QByteArray out(int(deflateBound(&s, uLong(in.size()))) + 64, '\0');
        s.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.constData()));
        s.avail_in = uInt(in.size());
        s.next_out = reinterpret_cast<Bytef*>(out.data());
        s.avail_out = uInt(out.size());
        deflate(&s, flush);
        out.resize(out.size() - qsizetype(s.avail_out));
        return out;
    };
    // After a full flush the compressor forgets its history, so a chunk's output does not depend on what came
    // before it: one compressed MiB of zeros, repeated, inflates to that many MiB.
    const QByteArray first = run(zeros, Z_FULL_FLUSH);
    const QByteArray repeated = run(zeros, Z_FULL_FLUSH);
    const QByteArray tailIn(int(bytes % kChunk), '\0');
    const QByteArray tail = run(tailIn, Z_FINISH);
    deflateEnd(&s);
    const qint64 chunks = bytes / kChunk;
    QByteArray out;
    out.reserve(qsizetype(repeated.size() * chunks + first.size() + tail.size()));
    if (chunks > 0)
        out += first;
    for (qint64 c = 1; c < chunks; ++c)
        out += repeated;
    out += tail;

    const uLong chunkCrc = crc32(0, reinterpret_cast<const Bytef*>(zeros.constData()), uInt(kChunk));
    uLong total = crc32(0, nullptr, 0);
    for (qint64 c = 0; c < chunks; ++c)
        total = crc32_combine(total, chunkCrc, kChunk);
    total = crc32_combine(total, crc32(0, reinterpret_cast<const Bytef*>(tailIn.constData()), uInt(tailIn.size())),
                          tailIn.size());
    *crc = quint32(total);
    return out;
}

QList<HostileFile> writeImageFolder(const QString& root)
{
    QList<HostileFile> files;
    const auto add = [&](const QString& name, const QByteArray& bytes, Outcome outcome, const QString& reason = {}) {
        writeFile(QDir(root).filePath(name), bytes);
        files.append({name, outcome, reason});
    };
    const QByteArray png = grayPng(40);
    const QByteArray jpg = colourJpeg(41);
    add(QStringLiteral("cats/good-1.png"), grayPng(1), Outcome::Loaded);
    add(QStringLiteral("cats/good-2.jpg"), colourJpeg(2), Outcome::Loaded);
    add(QStringLiteral("dogs/good-3.bmp"), grayBmp(3), Outcome::Loaded);
    add(QStringLiteral("dogs/nested/deeper/good-4.png"), grayPng(4), Outcome::Loaded);
    add(QStringLiteral("cats/sixteen-bit.png"), gray16Png(5), Outcome::Loaded);
    add(QStringLiteral("cats/four-channels.png"), rgbaPng(6), Outcome::Loaded);
    add(QStringLiteral("cats/") + QString(240, QLatin1Char('n')) + QStringLiteral(".png"), grayPng(7), Outcome::Loaded);
    add(QStringLiteral("cats/") + QString(120, QChar(0x00fc)) + QStringLiteral(".png"), grayPng(8), Outcome::Loaded);
    add(QStringLiteral("dogs/zero-bytes.png"), {}, Outcome::Skipped, QStringLiteral("empty file"));
    add(QStringLiteral("dogs/truncated.png"), png.left(png.size() / 2), Outcome::Skipped,
        QStringLiteral("cannot be decoded"));
    add(QStringLiteral("dogs/header-only.png"), png.left(33), Outcome::Skipped, QStringLiteral("cannot be decoded"));
    add(QStringLiteral("dogs/truncated.jpg"), jpg.left(jpg.size() / 2), Outcome::Skipped,
        QStringLiteral("truncated JPEG"));
    add(QStringLiteral("dogs/text.png"), "I am a text file, not a picture.\n", Outcome::Skipped,
        QStringLiteral("not an image"));
    add(QStringLiteral("dogs/huge.png"), hugePng(100000, 100000), Outcome::Skipped, QStringLiteral("100000×100000"));
    add(QStringLiteral("dogs/huge.jpg"), hugeJpeg(65535, 65535), Outcome::Skipped, QStringLiteral("65535×65535"));
    add(QStringLiteral("dogs/one-by-huge.png"), hugePng(1, 4000000), Outcome::Skipped, QStringLiteral("1×4000000"));

    // A name that is not UTF-8 (Latin-1 "café"): Linux file systems take any bytes, Qt cannot spell the name (its
    // listing leaves it out), so the loader finds it by the raw bytes, opens it by them and loads it like any other
    // image, spelt with \xHH escapes where it is shown.
    if (writeRawName(QDir(root).filePath(QStringLiteral("cats")), QByteArray("caf\xe9.png"), grayPng(9)))
        files.append({QStringLiteral("cats/caf\\xe9.png"), Outcome::Loaded, {}});

    // Symbolic links: a loop of two, one that leads nowhere, a folder that contains itself, a class that is a link.
    const QByteArray dogs = QFile::encodeName(QDir(root).filePath(QStringLiteral("dogs")));
    if (::symlink("loop-b.png", (dogs + "/loop-a.png").constData()) == 0 &&
        ::symlink("loop-a.png", (dogs + "/loop-b.png").constData()) == 0) {
        files.append({QStringLiteral("dogs/loop-a.png"), Outcome::Skipped, QStringLiteral("symbolic link")});
        files.append({QStringLiteral("dogs/loop-b.png"), Outcome::Skipped, QStringLiteral("symbolic link")});
    }
    if (::symlink("no-such-file.png", (dogs + "/dangling.png").constData()) == 0)
        files.append({QStringLiteral("dogs/dangling.png"), Outcome::Skipped, QStringLiteral("symbolic link")});
    if (::symlink("..", (dogs + "/parent").constData()) == 0)
        files.append({QStringLiteral("dogs/parent"), Outcome::Skipped, QStringLiteral("symbolic link to a folder")});
    if (::symlink("dogs", QFile::encodeName(QDir(root).filePath(QStringLiteral("linked-class"))).constData()) == 0)
        files.append({QStringLiteral("linked-class"), Outcome::Skipped, QStringLiteral("symbolic link to a folder")});
    return files;
}

QList<HostileFile> writeZip(const QString& zipPath)
{
    QList<ZipItem> items;
    QList<HostileFile> files;
    const auto add = [&](ZipItem item, Outcome outcome, const QString& reason = {}) {
        files.append({item.name, outcome, reason});
        items.append(std::move(item));
    };
    const QByteArray png = grayPng(50);
    add({QStringLiteral("set/cats/a.png"), grayPng(11)}, Outcome::Loaded);
    add({QStringLiteral("set/cats/b.jpg"), colourJpeg(12)}, Outcome::Loaded);
    add({QStringLiteral("set/dogs/c.png"), rgbaPng(13)}, Outcome::Loaded);
    add({QStringLiteral("set/dogs/d.png"), gray16Png(14)}, Outcome::Loaded);
    add({QStringLiteral("/etc/cron.d/absolute.png"), grayPng(15)}, Outcome::Skipped, QStringLiteral("absolute path"));
    add({QStringLiteral("set/dogs/../../../../up.png"), grayPng(16)}, Outcome::Skipped, QStringLiteral("'..'"));
    add({QStringLiteral("C:/windows.png"), grayPng(17)}, Outcome::Skipped, QStringLiteral("absolute path"));
    add({QStringLiteral("set/dogs\\..\\..\\back.png"), grayPng(18)}, Outcome::Skipped, QStringLiteral("backslash"));
    add({QStringLiteral("set/dogs/link.png"), "/etc/passwd", true}, Outcome::Skipped, QStringLiteral("symbolic link"));
    // The same name twice: which one a person sees depends on the tool; neither silently wins.
    add({QStringLiteral("set/cats/a.png"), grayPng(19)}, Outcome::Skipped, QStringLiteral("duplicate"));
    add({QStringLiteral("set/dogs/text.png"), "just text"}, Outcome::Skipped, QStringLiteral("not an image"));
    add({QStringLiteral("set/dogs/zero.png"), {}}, Outcome::Skipped, QStringLiteral("empty file"));
    add({QStringLiteral("set/dogs/truncated.png"), png.left(png.size() / 2)}, Outcome::Skipped,
        QStringLiteral("cannot be decoded"));
    add({QStringLiteral("set/dogs/huge.png"), hugePng(100000, 100000)}, Outcome::Skipped,
        QStringLiteral("100000×100000"));

    quint32 crc = 0;
    const QByteArray gigabyte = deflatedZeros(qint64(1) << 30, &crc);
    ZipItem honest{QStringLiteral("set/dogs/gigabyte.png"), gigabyte};
    honest.raw = true;
    honest.crc = crc;
    honest.declaredSize = qint64(1) << 30;
    add(honest, Outcome::Skipped, QStringLiteral("declares 1024 MB"));
    ZipItem liar = honest;
    liar.name = QStringLiteral("set/dogs/liar.png");
    liar.declaredSize = 100;                                   // the headers say 100 bytes; the data inflates to 1 GiB
    add(liar, Outcome::Skipped, QStringLiteral("is corrupt")); // minizip stops at the declared size: CRC error
    ZipItem forged{QStringLiteral("set/dogs/forged-4gb.png"), png};
    forged.raw = true;
    forged.method = 0;
    forged.crc = quint32(crc32(0, reinterpret_cast<const Bytef*>(png.constData()), uInt(png.size())));
    forged.declaredSize = 4'000'000'000;
    add(forged, Outcome::Skipped, QStringLiteral("declares 3814 MB"));
    ZipItem badCrc{QStringLiteral("set/dogs/bad-crc.png"), png};
    badCrc.raw = true;
    badCrc.method = 0;
    badCrc.crc = forged.crc ^ 0x5a5a5a5au;
    badCrc.declaredSize = png.size();
    add(badCrc, Outcome::Skipped, QStringLiteral("CRC"));
    writeZipItems(zipPath, items);
    return files;
}

HostileBytes goodIdx()
{
    QByteArray pixels(2 * 4 * 3, '\0');
    for (qsizetype i = 0; i < pixels.size(); ++i)
        pixels[i] = char(i * 9);
    return {QStringLiteral("good"), idx(8, 3, {2, 4, 3}, pixels), idx(8, 1, {2}, QByteArray("\x01\x00", 2)), {}};
}

QList<HostileBytes> hostileIdx()
{
    const HostileBytes good = goodIdx();
    QList<HostileBytes> cases;
    cases.append({QStringLiteral("zero-bytes"), {}, good.second, QStringLiteral("too short")});
    cases.append({QStringLiteral("wrong-magic"), QByteArray("\x1f\x9d\x08\x03") + good.bytes.mid(4), good.second,
                  QStringLiteral("not an IDX file")});
    cases.append({QStringLiteral("text"), "P5 28 28 255\n", good.second, QStringLiteral("not an IDX file")});
    cases.append({QStringLiteral("int32-data"), idx(0x0c, 3, {2, 4, 3}, QByteArray(96, '\0')), good.second,
                  QStringLiteral("not supported")});
    cases.append(
        {QStringLiteral("truncated-header"), good.bytes.left(9), good.second, QStringLiteral("truncated header")});
    cases.append({QStringLiteral("truncated-data"), good.bytes.left(good.bytes.size() - 5), good.second,
                  QStringLiteral("promises 24 bytes")});
    cases.append({QStringLiteral("overflowing-dims"), idx(8, 3, {0xffffffffu, 0xffffffffu, 0xffffffffu}, {}),
                  good.second, QStringLiteral("too large")});
    cases.append({QStringLiteral("huge-dims-small-file"), idx(8, 3, {60000, 65536, 65536}, QByteArray(64, '\0')),
                  good.second, QStringLiteral("promises")});
    cases.append({QStringLiteral("255-dims"), idx(8, 255, {}, QByteArray(64, '\0')), good.second,
                  QStringLiteral("expected 3 dimensions")});
    cases.append({QStringLiteral("labels-mismatch"), good.bytes, idx(8, 1, {3}, QByteArray(3, '\0')),
                  QStringLiteral("3 labels for 2 images")});
    cases.append({QStringLiteral("truncated-gzip"), gzip(good.bytes).left(20), good.second, QStringLiteral("gzip")});
    // A gzip bomb: a valid header promising 24 bytes of pixels, then a gigabyte of zeros.
    cases.append({QStringLiteral("gzip-bomb"), gzipAfter(good.bytes.left(16), qint64(1) << 30), good.second,
                  QStringLiteral("more than the 40 bytes its IDX header describes")});
    return cases;
}

QByteArray goodRecipe()
{
    return R"({"schema": 1, "name": "tiny", "seed": 7, "device": "cpu",
  "dataset": {"source": "demo", "image_size": [16, 16], "demo_per_class": 4},
  "model": {"arch": "mlp", "hidden": [8]},
  "train": {"optimizer": "sgd", "lr": 0.1, "batch_size": 8, "epochs": 1},
  "prune": {"method": "global-magnitude", "schedule": "iterative", "rounds": 2, "rate": 0.5, "fine_tune_epochs": 1}})";
}

QList<HostileBytes> hostileRecipes()
{
    const auto with = [](const QString& path, const QByteArray& valueJson) {
        QJsonObject root = QJsonDocument::fromJson(goodRecipe()).object();
        const QStringList keys = path.split(QLatin1Char('.'));
        // Replace (or add) the value textually so that values QJsonDocument cannot hold (NaN, 1e999) reach the parser.
        QJsonObject parent = keys.size() == 2 ? root.value(keys[0]).toObject() : root;
        parent.insert(keys.last(), QStringLiteral("@@VALUE@@"));
        if (keys.size() == 2)
            root.insert(keys[0], parent);
        else
            root = parent;
        QByteArray text = QJsonDocument(root).toJson(QJsonDocument::Compact);
        text.replace("\"@@VALUE@@\"", valueJson);
        return text;
    };
    QList<HostileBytes> cases;
    const auto add = [&](const QString& name, const QByteArray& json, const QString& reason) {
        cases.append({name, json, {}, reason});
    };
    add(QStringLiteral("empty"), {}, QStringLiteral("not valid JSON"));
    add(QStringLiteral("not-json"), "schema: 1\nname: yaml\n", QStringLiteral("not valid JSON"));
    add(QStringLiteral("array"), "[1, 2, 3]", QStringLiteral("a recipe is a JSON object"));
    add(QStringLiteral("truncated"), goodRecipe().left(80), QStringLiteral("not valid JSON"));
    add(QStringLiteral("binary"), QByteArray("\x00\xff\xfe{\"schema\":1}", 15), QStringLiteral("not valid JSON"));
    add(QStringLiteral("epochs-string"), with(QStringLiteral("train.epochs"), "\"five\""),
        QStringLiteral("train.epochs must be a whole number"));
    add(QStringLiteral("lr-object"), with(QStringLiteral("train.lr"), "{}"),
        QStringLiteral("train.lr must be a number"));
    add(QStringLiteral("hidden-string"), with(QStringLiteral("model.hidden"), "\"300,100\""),
        QStringLiteral("model.hidden must be a list"));
    add(QStringLiteral("dataset-list"), with(QStringLiteral("dataset"), "[]"),
        QStringLiteral("dataset must be an object"));
    add(QStringLiteral("seed-negative"), with(QStringLiteral("seed"), "-1"), QStringLiteral("seed must be"));
    add(QStringLiteral("epochs-huge"), with(QStringLiteral("train.epochs"), "1e12"),
        QStringLiteral("train.epochs must be"));
    add(QStringLiteral("batch-huge"), with(QStringLiteral("train.batch_size"), "4294967296"),
        QStringLiteral("train.batch_size must be"));
    add(QStringLiteral("image-size-huge"), with(QStringLiteral("dataset.image_size"), "[100000, 100000]"),
        QStringLiteral("dataset.image_size"));
    add(QStringLiteral("hidden-huge"), with(QStringLiteral("model.hidden"), "[2000000000]"),
        QStringLiteral("model.hidden"));
    add(QStringLiteral("model-too-large"), with(QStringLiteral("model.hidden"), "[100000, 100000, 100000]"),
        QStringLiteral("model.hidden asks for 2.01e+10 weights"));
    add(QStringLiteral("lr-infinite"), with(QStringLiteral("train.lr"), "1e999"), QStringLiteral("illegal number"));
    add(QStringLiteral("lr-nan"), with(QStringLiteral("train.lr"), "NaN"), QStringLiteral("not valid JSON"));
    add(QStringLiteral("rate-nan-string"), with(QStringLiteral("prune.rate"), "\"NaN\""),
        QStringLiteral("prune.rate must be a number"));
    add(QStringLiteral("unknown-key"), with(QStringLiteral("train.epoch"), "3"),
        QStringLiteral("train.epoch is not a known key"));
    add(QStringLiteral("unknown-top-key"), with(QStringLiteral("launch_missiles"), "true"),
        QStringLiteral("launch_missiles is not a known key"));
    add(QStringLiteral("key-with-nul"),
        QByteArray(goodRecipe()).replace("{\"schema\": 1,", "{\"schema\": 1, \"\\u0000evice\": 1,"),
        QStringLiteral("\\u0000evice is not a known key")); // found by fuzz_recipe: the NUL ended the message
    add(QStringLiteral("schema-future"), with(QStringLiteral("schema"), "2"), QStringLiteral("schema"));
    add(QStringLiteral("deep-nesting"), QByteArray(100000, '[') + QByteArray(100000, ']'), QStringLiteral("JSON"));
    return cases;
}

void removeTree(const QString& root)
{
    std::error_code ignored; // std::filesystem takes the names as bytes: it removes what QDir cannot name
    std::filesystem::remove_all(std::filesystem::path(QFile::encodeName(root).toStdString()), ignored);
}

QList<QByteArray> seeds(const QString& target)
{
    QList<QByteArray> out;
    if (target == QLatin1String("idx")) {
        const auto pair = [](const QByteArray& images, const QByteArray& labels) {
            const quint32 n = quint32(images.size());
            return QByteArray(reinterpret_cast<const char*>(&n), 4) + images + labels;
        };
        const HostileBytes good = goodIdx();
        out.append(pair(good.bytes, good.second));
        out.append(pair(gzip(good.bytes), gzip(good.second)));
        for (const HostileBytes& h : hostileIdx())
            if (h.bytes.size() < 4096)
                out.append(pair(h.bytes, h.second));
    } else if (target == QLatin1String("recipe")) {
        out.append(goodRecipe());
        for (const HostileBytes& h : hostileRecipes())
            if (h.bytes.size() < 4096)
                out.append(h.bytes);
    } else if (target == QLatin1String("image")) {
        out = {grayPng(1, 12, 10),   colourJpeg(2, 12, 10),   grayBmp(3, 12, 10),    rgbaPng(4, 12, 10),
               gray16Png(5, 12, 10), hugePng(100000, 100000), hugeJpeg(65535, 65535)};
    } else if (target == QLatin1String("zip")) {
        // Small archives: one good entry each, plus a symlink, an unsafe name and a stored entry.
        const QString path = QDir::temp().filePath(QStringLiteral("prunelab-seed-%1.zip").arg(::getpid()));
        const QList<QList<ZipItem>> archives{
            {{QStringLiteral("cats/a.png"), grayPng(1, 8, 8)}, {QStringLiteral("dogs/b.png"), grayPng(2, 8, 8)}},
            {{QStringLiteral("set/cats/a.png"), grayPng(3, 8, 8)},
             {QStringLiteral("set/dogs/../x.png"), "x"},
             {QStringLiteral("set/dogs/l.png"), "/etc/passwd", true}},
        };
        for (const QList<ZipItem>& items : archives) {
            writeZipItems(path, items);
            QFile f(path);
            if (f.open(QIODevice::ReadOnly))
                out.append(f.readAll());
        }
        QFile::remove(path);
    }
    return out;
}

} // namespace prunelab::robustness::corpus
