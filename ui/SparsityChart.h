#pragma once

#include "core/workbench/RunTypes.h"

#include <QList>
#include <QPointF>
#include <QWidget>

class QChart;
class QLineSeries;
class QLogValueAxis;
class QValueAxis;

namespace prunelab::ui {

/// Accuracy against the share of weights remaining, one point per round (the dense model first), on a reversed
/// log axis as in the lottery-ticket papers: the curve runs left to right as the network gets sparser.
class SparsityChart : public QWidget {
    Q_OBJECT
public:
    explicit SparsityChart(QWidget* parent = nullptr);

    void addRound(const workbench::RoundStats& stats);
    void clear();
    int plottedRounds() const;
    /// weights_remaining_percent, validation_accuracy, test_accuracy per round drawn.
    QString toCsv() const;

private:
    QChart* chart_ = nullptr;
    QLineSeries* validation_ = nullptr;
    QLineSeries* test_ = nullptr;
    QLogValueAxis* remainingAxis_ = nullptr;
    QValueAxis* accuracyAxis_ = nullptr;
};

} // namespace prunelab::ui
