#pragma once

// Hostile inputs for the robustness tests and the fuzz targets' seed corpora: files that came from anywhere. Every
// item says what must happen to it (loaded, skipped with a listed reason, refused with a message), so a test can
// check each one. Everything is generated; nothing binary is committed.

#include <QByteArray>
#include <QList>
#include <QString>

namespace prunelab::robustness {

enum class Outcome { Loaded, Skipped, Refused };

/// One file of a hostile dataset and what the loader must do with it. `file` is the tail of the name the loader
/// reports (a path relative to the dataset folder, or the entry name inside an archive); `reason` a part of the
/// listed reason (empty: any non-empty reason).
struct HostileFile {
    QString file;
    Outcome outcome = Outcome::Loaded;
    QString reason;
};

/// A hostile input handed to a reader as bytes: the message must contain `reason`.
struct HostileBytes {
    QString name;
    QByteArray bytes;
    QByteArray second; ///< IDX: the labels file beside the images
    QString reason;
};

namespace corpus {

QByteArray grayPng(int seed, int width = 20, int height = 16);
QByteArray colourJpeg(int seed, int width = 20, int height = 16);
QByteArray grayBmp(int seed, int width = 20, int height = 16);
QByteArray rgbaPng(int seed, int width = 20, int height = 16);
QByteArray gray16Png(int seed, int width = 20, int height = 16);
/// A valid PNG header claiming width×height pixels, with a tiny body.
QByteArray hugePng(quint32 width, quint32 height);
/// A JPEG whose frame header claims width×height pixels (JPEG sizes are 16-bit: at most 65535).
QByteArray hugeJpeg(quint16 width, quint16 height);

/// A raw deflate stream of `bytes` zeros, made cheaply (one compressed MiB repeated after full flushes): a few
/// hundred kilobytes per gigabyte. `crc` receives the CRC-32 of the inflated data.
QByteArray deflatedZeros(qint64 bytes, quint32* crc);

/// Writes a folder of class folders (`cats`, `dogs`) with good images beside hostile ones; returns every file
/// with what must happen to it. Sub-cases the platform cannot make (a name that is not UTF-8 on a file system
/// that refuses it) are left out.
QList<HostileFile> writeImageFolder(const QString& root);

/// Removes a folder written by writeImageFolder(), with the names QDir cannot spell (not UTF-8) and the links.
void removeTree(const QString& root);

/// Writes a zip of class folders with good entries beside hostile ones (absolute and `..` names, a symbolic link,
/// a duplicate name, an entry declaring 4 GiB, one that inflates to 1 GiB while its header says 100 bytes, a bad
/// CRC, …); returns every entry with what must happen to it.
QList<HostileFile> writeZip(const QString& zipPath);

/// An IDX images file and labels file that load.
HostileBytes goodIdx();
/// IDX pairs that must be refused: wrong magic, truncated data, overflowing dimensions, a gzip bomb, ….
QList<HostileBytes> hostileIdx();

/// A small recipe that parses.
QByteArray goodRecipe();
/// Recipes that must be refused: `reason` is a part of the message (the key path and the problem).
QList<HostileBytes> hostileRecipes();

/// Seed corpora for the fuzz targets: "idx" (images and labels joined by fuzz::splitPair's layout), "recipe",
/// "zip", "image".
QList<QByteArray> seeds(const QString& target);

} // namespace corpus

} // namespace prunelab::robustness
