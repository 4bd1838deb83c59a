#pragma once

#include "datasets/ImageSet.h"

#include <QJsonObject>
#include <QList>
#include <QString>

#include <vector>

namespace prunelab::datasets {

/// Which images train, validate and test: indices into one ImageSet. Reproducible from its seed, and saved and
/// reloaded as JSON so a later run (or another tool) uses exactly the same images.
struct DatasetSplit {
    std::vector<qsizetype> train;
    std::vector<qsizetype> validation;
    std::vector<qsizetype> test; ///< empty when the source has its own test files
    quint64 seed = 0;

    /// SHA-256 over the three index lists, hex: two splits are the same exactly when their fingerprints are.
    QString fingerprint() const;
    QJsonObject toJson() const;
    /// Throws std::runtime_error when the JSON is not a split of `count` images (index out of range, repeated).
    static DatasetSplit fromJson(const QJsonObject& json, qsizetype count);
    void save(const QString& path) const; ///< atomic (QSaveFile); throws naming the file
    static DatasetSplit load(const QString& path, qsizetype count);
};

struct SplitOptions {
    double validation = 0.1;
    double test = 0.0;
    quint64 seed = 42;
    /// Images with the same group id always land in the same part (slices of one volume, exact duplicates).
    /// Empty: every image is its own group.
    std::vector<qint64> groups;
};

/// Stratified split: each class is divided in the requested proportions (whole groups at a time), so every part
/// keeps the class balance. Every class with at least two groups has at least one in training.
DatasetSplit splitStratified(const ImageSet& set, const SplitOptions& options);

/// Group ids that keep exact duplicates together: images in one duplicate group share an id, others get their own.
std::vector<qint64> duplicateGroupIds(qsizetype count, const QList<QList<qsizetype>>& duplicateGroups);

enum class Balance { None, Oversample, Undersample, ClassWeights };
Balance balanceFromName(const QString& name); ///< none | oversample | undersample | class-weights
QString balanceName(Balance balance);

/// The training indices after balancing: oversampling repeats indices of smaller classes (never pixels) until each
/// class has as many as the largest; undersampling keeps a random subset of each class as large as the smallest.
/// None and ClassWeights return `indices` unchanged (class weights act on the loss). Deterministic from `seed`.
std::vector<qsizetype> balanceIndices(const ImageSet& set, const std::vector<qsizetype>& indices, Balance balance,
                                      quint64 seed);

} // namespace prunelab::datasets
