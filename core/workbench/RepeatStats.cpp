#include "core/workbench/RepeatStats.h"

#include <QMap>

#include <algorithm>
#include <cmath>

namespace prunelab::workbench {

Spread Spread::of(const QList<double>& values)
{
    Spread s;
    s.n = int(values.size());
    if (values.isEmpty())
        return s;
    double sum = 0.0;
    for (double v : values)
        sum += v;
    s.mean = sum / s.n;
    double squares = 0.0;
    for (double v : values)
        squares += (v - s.mean) * (v - s.mean);
    s.std = s.n > 1 ? std::sqrt(squares / (s.n - 1)) : 0.0;
    const auto [low, high] = std::minmax_element(values.begin(), values.end());
    s.min = *low;
    s.max = *high;
    return s;
}

QString Spread::text(double scale, int decimals) const
{
    if (n == 0)
        return QStringLiteral("-");
    return QStringLiteral("%1 ± %2 (%3–%4), n=%5")
        .arg(mean * scale, 0, 'f', decimals)
        .arg(std * scale, 0, 'f', decimals)
        .arg(min * scale, 0, 'f', decimals)
        .arg(max * scale, 0, 'f', decimals)
        .arg(n);
}

QList<RepeatRound> RepeatStats::aggregate(const QList<QList<RoundStats>>& runs)
{
    struct Values {
        QList<double> sparsity, validation, test;
    };
    QMap<int, Values> byRound;
    for (const QList<RoundStats>& run : runs)
        for (const RoundStats& r : run) {
            Values& v = byRound[r.round];
            v.sparsity.append(r.sparsity);
            v.validation.append(r.validationAccuracy);
            if (r.hasTest)
                v.test.append(r.testAccuracy);
        }
    QList<RepeatRound> rounds;
    for (auto it = byRound.cbegin(); it != byRound.cend(); ++it)
        rounds.append({it.key(), Spread::of(it->sparsity), Spread::of(it->validation), Spread::of(it->test)});
    return rounds;
}

QByteArray RepeatStats::csv(const QList<QPair<QString, QList<RepeatRound>>>& variants)
{
    QByteArray out = "variant,round,n,sparsity_mean,sparsity_std,sparsity_min,sparsity_max,val_accuracy_mean,"
                     "val_accuracy_std,val_accuracy_min,val_accuracy_max,test_n,test_accuracy_mean,test_accuracy_std,"
                     "test_accuracy_min,test_accuracy_max\n";
    const auto columns = [](const Spread& s) {
        if (s.n == 0)
            return QStringLiteral(",,,");
        return QStringLiteral("%1,%2,%3,%4")
            .arg(s.mean, 0, 'g', 17)
            .arg(s.std, 0, 'g', 17)
            .arg(s.min, 0, 'g', 17)
            .arg(s.max, 0, 'g', 17);
    };
    for (const auto& [label, rounds] : variants)
        for (const RepeatRound& r : rounds)
            out += QStringLiteral("%1,%2,%3,%4,%5,%6,%7\n")
                       .arg(label)
                       .arg(r.round)
                       .arg(r.validation.n)
                       .arg(columns(r.sparsity), columns(r.validation))
                       .arg(r.test.n)
                       .arg(columns(r.test))
                       .toUtf8();
    return out;
}

} // namespace prunelab::workbench
