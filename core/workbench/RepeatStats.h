#pragma once

#include "core/workbench/RunTypes.h"

#include <QByteArray>
#include <QList>
#include <QPair>
#include <QString>

namespace prunelab::workbench {

/// Mean, spread and range of one quantity over the seeds of a repeated run. `std` is the sample standard deviation
/// (divided by n − 1; 0 for one value), the spread ShrinkBench asks every pruning result to report.
struct Spread {
    int n = 0;
    double mean = 0.0;
    double std = 0.0;
    double min = 0.0;
    double max = 0.0;

    static Spread of(const QList<double>& values);
    /// "mean ± std (min–max), n=K" with the values multiplied by `scale` (100: percent); "-" when n is 0.
    QString text(double scale = 100.0, int decimals = 2) const;
};

/// One round (sparsity level) of a variant, over its seeds: the seeds that reached round `round` give n.
struct RepeatRound {
    int round = 0;
    Spread sparsity;
    Spread validation; ///< validation accuracy, 0–1
    Spread test;       ///< test accuracy, 0–1; n counts the seeds that measured it (0: no test split)
};

/// The aggregate of a repeated run: per round, the seeds' rounds with that number side by side.
class RepeatStats {
public:
    /// `runs`: one list of recorded rounds per seed. Rounds are matched by their number; the result is in round
    /// order and has every round that at least one seed completed.
    static QList<RepeatRound> aggregate(const QList<QList<RoundStats>>& runs);
    /// results/repeats.csv: variant, round, n, then mean, std, min and max of sparsity, validation and test accuracy
    /// (fractions, 17 digits; test columns empty where no seed measured it).
    static QByteArray csv(const QList<QPair<QString, QList<RepeatRound>>>& variants);
};

} // namespace prunelab::workbench
