#include "datasets/IdxReader.h"

#include "datasets/SourceError.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>

#include <zlib.h>

#include <limits>
#include <stdexcept>

namespace prunelab::datasets {

namespace {

/// The total length (header and data) an IDX header describes, or -1 when `bytes` do not hold a whole IDX header
/// of unsigned bytes yet, or its dimensions overflow (parse() says why).
qint64 idxLength(const QByteArray& bytes)
{
    const auto* b = reinterpret_cast<const uchar*>(bytes.constData());
    if (bytes.size() < 4 || b[0] != 0 || b[1] != 0 || b[2] != 0x08)
        return -1;
    const qint64 header = 4 + 4 * qint64(b[3]);
    if (bytes.size() < header)
        return -1;
    qint64 count = 1;
    for (int d = 0; d < b[3]; ++d) {
        const uchar* p = b + 4 + 4 * d;
        const qint64 dim = (qint64(p[0]) << 24) | (qint64(p[1]) << 16) | (qint64(p[2]) << 8) | qint64(p[3]);
        if (dim <= 0 || count > (std::numeric_limits<qint64>::max() - header) / dim)
            return -1;
        count *= dim;
    }
    return header + count;
}

QByteArray gunzip(const QByteArray& compressed, const QString& path, qint64 maxBytes)
{
    z_stream stream{};
    if (inflateInit2(&stream, 16 + MAX_WBITS) != Z_OK)
        throwSourceError(path, QStringLiteral("cannot start gzip decompression"));
    QByteArray out;
    stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(compressed.constData()));
    stream.avail_in = uInt(compressed.size());
    char buffer[1 << 16];
    int status = Z_OK;
    while (status != Z_STREAM_END) {
        stream.next_out = reinterpret_cast<Bytef*>(buffer);
        stream.avail_out = sizeof(buffer);
        status = inflate(&stream, Z_NO_FLUSH);
        if (status != Z_OK && status != Z_STREAM_END) {
            inflateEnd(&stream);
            throwSourceError(path, status == Z_BUF_ERROR ? QStringLiteral("the gzip data is truncated")
                                                         : QStringLiteral("the gzip data is corrupt"));
        }
        out.append(buffer, qsizetype(sizeof(buffer) - stream.avail_out));
        // An IDX header says how long the data is: stop at the first byte beyond it, not at `maxBytes`, so a
        // small .gz that inflates to gigabytes is refused after a few kilobytes.
        const qint64 promised = idxLength(out);
        if (promised >= 0 && out.size() > promised) {
            inflateEnd(&stream);
            throwSourceError(path, QStringLiteral("the gzip data decompresses to more than the %1 bytes its IDX header "
                                                  "describes")
                                       .arg(promised));
        }
        if (out.size() > maxBytes) {
            inflateEnd(&stream);
            throwSourceError(path, QStringLiteral("decompresses to more than %1 bytes").arg(maxBytes));
        }
    }
    inflateEnd(&stream);
    return out;
}

struct IdxArray {
    std::vector<qint64> dims;
    const uchar* data = nullptr;
    qint64 count = 0;
};

IdxArray parse(const QByteArray& bytes, const QString& path, int expectedDims)
{
    if (bytes.size() < 4)
        throwSourceError(path, QStringLiteral("too short for an IDX header (%1 bytes)").arg(bytes.size()));
    const auto* b = reinterpret_cast<const uchar*>(bytes.constData());
    if (b[0] != 0 || b[1] != 0)
        throwSourceError(path, QStringLiteral("not an IDX file (the magic number must start with two zero bytes)"));
    if (b[2] != 0x08)
        throwSourceError(path, QStringLiteral("IDX data type 0x%1 is not supported (only unsigned bytes, 0x08)")
                                   .arg(b[2], 2, 16, QLatin1Char('0')));
    const int ndims = b[3];
    if (ndims != expectedDims)
        throwSourceError(path,
                         QStringLiteral("expected %1 dimensions, the header says %2").arg(expectedDims).arg(ndims));
    const qint64 header = 4 + 4 * qint64(ndims);
    if (bytes.size() < header)
        throwSourceError(path, QStringLiteral("truncated header"));
    IdxArray array;
    qint64 count = 1;
    for (int d = 0; d < ndims; ++d) {
        const uchar* p = b + 4 + 4 * d;
        const qint64 dim = (qint64(p[0]) << 24) | (qint64(p[1]) << 16) | (qint64(p[2]) << 8) | qint64(p[3]);
        if (dim <= 0 || count > std::numeric_limits<qint64>::max() / dim)
            throwSourceError(path, QStringLiteral("dimension %1 is %2: empty or too large").arg(d).arg(dim));
        count *= dim;
        array.dims.push_back(dim);
    }
    if (bytes.size() - header != count)
        throwSourceError(path, QStringLiteral("the header promises %1 bytes of data, the file has %2")
                                   .arg(count)
                                   .arg(bytes.size() - header));
    array.data = b + header;
    array.count = count;
    return array;
}

QString findFile(const QDir& dir, const QString& stem)
{
    for (const QString& name : {stem, stem + QStringLiteral(".gz")})
        if (QFileInfo::exists(dir.filePath(name)))
            return dir.filePath(name);
    throwSourceError(dir.filePath(stem), QStringLiteral("missing (neither the file nor its .gz is there)"));
}

} // namespace

QString IdxReader::debianFashionMnistFolder()
{
    return QStringLiteral("/usr/share/datasets/fashion-mnist");
}

QStringList IdxReader::fashionMnistClassNames()
{
    return {QStringLiteral("T-shirt/top"), QStringLiteral("Trouser"), QStringLiteral("Pullover"),
            QStringLiteral("Dress"),       QStringLiteral("Coat"),    QStringLiteral("Sandal"),
            QStringLiteral("Shirt"),       QStringLiteral("Sneaker"), QStringLiteral("Bag"),
            QStringLiteral("Ankle boot")};
}

QByteArray IdxReader::readFile(const QString& path, qint64 maxBytes)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        throwSourceError(path, QStringLiteral("cannot open: %1").arg(file.errorString()));
    if (file.size() > maxBytes)
        throwSourceError(path, QStringLiteral("larger than %1 bytes").arg(maxBytes));
    const QByteArray raw = file.readAll();
    if (raw.size() != file.size())
        throwSourceError(path, QStringLiteral("read error: %1").arg(file.errorString()));
    return decompress(raw, path, maxBytes);
}

QByteArray IdxReader::decompress(const QByteArray& raw, const QString& path, qint64 maxBytes)
{
    const bool gzip = raw.size() >= 2 && uchar(raw[0]) == 0x1f && uchar(raw[1]) == 0x8b;
    return gzip ? gunzip(raw, path, maxBytes) : raw;
}

ImageSet IdxReader::readPair(const QString& imagesPath, const QString& labelsPath, const QStringList& classNames)
{
    return fromBytes(readFile(imagesPath), readFile(labelsPath), imagesPath, labelsPath, classNames);
}

ImageSet IdxReader::fromBytes(const QByteArray& imageBytes, const QByteArray& labelBytes, const QString& imagesPath,
                              const QString& labelsPath, const QStringList& classNames)
{
    const IdxArray images = parse(imageBytes, imagesPath, 3);
    const IdxArray labels = parse(labelBytes, labelsPath, 1);
    if (images.dims[0] != labels.dims[0])
        throwSourceError(
            labelsPath,
            QStringLiteral("%1 labels for %2 images in %3").arg(labels.dims[0]).arg(images.dims[0]).arg(imagesPath));
    if (images.dims[1] > 4096 || images.dims[2] > 4096)
        throwSourceError(
            imagesPath, QStringLiteral("images of %1×%2 pixels are too large").arg(images.dims[2]).arg(images.dims[1]));

    ImageSet set;
    set.channels = 1;
    set.height = int(images.dims[1]);
    set.width = int(images.dims[2]);
    set.pixels.assign(images.data, images.data + images.count);
    set.labels.reserve(size_t(labels.count));
    int maxLabel = 0;
    for (qint64 i = 0; i < labels.count; ++i) {
        set.labels.push_back(labels.data[i]);
        maxLabel = std::max<int>(maxLabel, labels.data[i]);
    }
    if (!classNames.isEmpty() && maxLabel >= classNames.size())
        throwSourceError(labelsPath,
                         QStringLiteral("label %1 but only %2 class names").arg(maxLabel).arg(classNames.size()));
    set.classNames = classNames;
    for (int c = int(set.classNames.size()); c <= maxLabel; ++c)
        set.classNames.append(QString::number(c));
    const QString base = QFileInfo(imagesPath).fileName();
    set.files.reserve(set.count());
    for (qsizetype i = 0; i < set.count(); ++i)
        set.files.append(QStringLiteral("%1#%2").arg(base).arg(i));
    set.sourceDescription =
        QStringLiteral("IDX %1 (%2 images)").arg(QDir::toNativeSeparators(imagesPath)).arg(set.count());
    return set;
}

IdxDataset IdxReader::readFolder(const QString& folder)
{
    const QDir dir(folder);
    if (!dir.exists())
        throwSourceError(folder, QStringLiteral("no such folder"));
    const QStringList names =
        QFileInfo(folder).absoluteFilePath().contains(QLatin1String("fashion"), Qt::CaseInsensitive)
            ? fashionMnistClassNames()
            : QStringList();
    IdxDataset data;
    data.train = readPair(findFile(dir, QStringLiteral("train-images-idx3-ubyte")),
                          findFile(dir, QStringLiteral("train-labels-idx1-ubyte")), names);
    data.test = readPair(findFile(dir, QStringLiteral("t10k-images-idx3-ubyte")),
                         findFile(dir, QStringLiteral("t10k-labels-idx1-ubyte")), names);
    // Both halves share one class list (the longer, if one half lacks the last label).
    if (data.test.classNames.size() > data.train.classNames.size())
        data.train.classNames = data.test.classNames;
    else
        data.test.classNames = data.train.classNames;
    return data;
}

} // namespace prunelab::datasets
