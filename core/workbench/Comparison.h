#pragma once

#include "core/workbench/Recipe.h"
#include "core/workbench/RunTypes.h"
#include "core/workbench/Session.h"

#include <QList>
#include <QPair>
#include <QString>

namespace prunelab::workbench {

class RunJob;

/// A recipe with a `compare` list run as one comparison (the strategy study: one-shot vs layer-wise vs iterative vs
/// lottery vs random on the same data and model). The comparison is a session folder of its own:
///
///     <sessions>/<yyyy-MM-dd_HHmmss>_<name>/
///       recipe.json        the recipe with its compare list
///       comparison.json    the variants: label and session folder
///       state.json         running | completed | cancelled | failed, variants completed
///       variants/<label>/  one ordinary session per variant (resumable like any other)
///       results/comparison.csv, results/comparison.html   accuracy against sparsity, overlaid, and the table
///
/// A recipe with `repeats` > 1 runs every variant once per seed: variants/seed-<s>/ (no compare list) or
/// variants/<label>/seed-<s>/, each an ordinary session, and results/repeats.csv holds the mean, standard deviation,
/// minimum and maximum over the seeds of each variant's rounds (RepeatStats).
class Comparison {
public:
    struct Entry {
        QString label; ///< "one-shot", "seed-43" or "one-shot/seed-43"
        QString path;  ///< the variant's session folder
        Recipe recipe;
        QString group; ///< what the repetitions of one variant share: the variant's label, the recipe's name without
                       ///< a compare list
        quint64 seed = 0;
    };

    /// Creates the comparison folder for `recipe` (which has a compare list) under `root`.
    static Comparison create(const QString& root, const Recipe& recipe, const QString& name = {});
    /// Makes the session folder `session` (new, empty) a comparison of `recipe`'s variants.
    static Comparison createIn(const Session& session, const Recipe& recipe);
    /// Opens a comparison folder; throws SessionError when `session` is not one.
    static Comparison open(const Session& session);
    static bool isComparison(const Session& session);

    const Session& session() const { return session_; }
    const QList<Entry>& entries() const { return entries_; }
    /// Sets `job` up for variant `entry`: continues its session when it was started before, else makes its folder
    /// and gives the job the variant's recipe. Throws SessionError when the folder cannot be made or read.
    static void prepare(const Entry& entry, RunJob& job);
    /// Whether a variant's session has finished (state.json says completed).
    static bool isCompleted(const QString& variantPath);

    /// Writes results/comparison.csv (every round of every variant) and results/comparison.html (overlaid
    /// accuracy-vs-sparsity chart and table), and the comparison's state.json.
    void writeResults(const QString& status) const;
    /// Each variant's recorded rounds with its label, for the GUI's overlaid chart: the variants that completed,
    /// or (`completedOnly` false) every variant that started. Throws SessionError for a damaged variant.
    QList<QPair<QString, QList<RoundStats>>> recordedRounds(bool completedOnly = false) const;
    /// One line per variant: label, schedule, method, rounds, final sparsity, test and validation accuracy.
    QString table() const;
    /// Whether the recipe runs each variant with several seeds.
    bool isRepeated() const { return repeated_; }
    /// Each variant's (group's) recorded rounds per seed, in the order of the recipe: the seeds that completed, or
    /// (`completedOnly` false) every seed that started. Throws SessionError for a damaged session.
    QList<QPair<QString, QList<QList<RoundStats>>>> recordedGroups(bool completedOnly = false) const;
    /// A repeated comparison's aggregate: per variant and round, "mean ± std (min–max), n=K" of the validation and
    /// test accuracy over the seeds that completed.
    QString repeatTable() const;

private:
    /// The entries `recipe` runs, their folders relative to the comparison's.
    static QList<QPair<QString, Entry>> plan(const Recipe& recipe);

    Session session_;
    QList<Entry> entries_;
    bool repeated_ = false;
};

} // namespace prunelab::workbench
