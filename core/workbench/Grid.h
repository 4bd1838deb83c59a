#pragma once

#include "core/workbench/Comparison.h"

#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

namespace prunelab::workbench {

/// Sweeps over many machines: a grid of recipe values run as a comparison, split into shards (one per batch job),
/// and the shards' comparisons merged back into one.
namespace Grid {

/// Writes into the recipe JSON's compare list the points of the grid `grids` ("KEY=V1,V2,…" each, values as in
/// --set; the points are every combination, labelled by their values) that fall to shard `shard` ("I/N": the points
/// i with i % N == I; empty: all), and names a shard's recipe "<name>-shard-I-of-N". Returns how many points this
/// shard runs. Throws RecipeError naming "--grid" or "--shard" for a bad grid or shard, or a recipe with its own
/// compare list.
int addTo(QJsonObject& recipe, const QStringList& grids, const QString& shard = {});

/// Splits "a,[1,2],b" at the commas outside brackets and quotes.
QStringList splitValues(const QString& text);

/// The comparisons (shards) to merge, read and checked: the same recipe but for the name and the compare list, no
/// variant in two of them.
struct Merge {
    QList<Comparison> inputs;
    QJsonObject recipe; ///< the shared recipe with every shard's variants, named without "-shard-I-of-N"
};
/// Throws SessionError when a folder is not a comparison, RecipeError when the shards do not belong together.
Merge planMerge(const QStringList& sessionPaths);
/// Writes the merged comparison into the new folder `out` (its variants' folders copied) and its results; returns
/// it. Throws SessionError naming the file when the disk refuses.
Comparison writeMerge(const Merge& merge, const QString& out);

} // namespace Grid

} // namespace prunelab::workbench
