#pragma once

#include "core/workbench/RunTypes.h"

#include <QList>
#include <QStringList>
#include <QWidget>

class QLabel;
class QPushButton;
class QTableWidget;

namespace prunelab::workbench {
class RunJob;
}

namespace prunelab::ui {

class ConfusionMatrixWidget;
class SensitivityChart;

/// The Results page of the current run: one row per round (sparsity, accuracy, F1, size, compute) with the best
/// round highlighted, the confusion-matrix heatmap and the classification report of the chosen round (the latest
/// while the run goes, the best one when it ends; click a row to see another), the chosen round's parameters,
/// size, multiply-adds and batch-1 latency against the dense model's, and Validate and Export for its session.
class ResultsPage : public QWidget {
    Q_OBJECT
public:
    explicit ResultsPage(workbench::RunJob* job, QWidget* parent = nullptr);

    void setClassNames(const QStringList& names);
    void clear();
    /// Shows the rounds a session recorded (Sessions page → Reopen) and highlights `bestRound` (-1: none yet).
    void showRecorded(const QString& title, const QList<workbench::RoundStats>& rounds, int bestRound);
    int rounds() const { return int(rounds_.size()); }
    int bestRound() const { return bestRound_; }
    /// round, sparsity, accuracy… as in the table.
    QString roundsCsv() const;
    /// The session whose rounds are shown (empty: a run that is not saved, or none); Validate and Export act on it.
    void setSession(const QString& path);
    QString session() const { return session_; }
    /// The before/after table of the shown round: measure, before, after, change.
    QString costCsv() const;

signals:
    void validateRequested(const QString& session);
    void exportRequested(const QString& session);

protected:
    /// Presentation mode changes the font: the before/after table keeps showing its four rows.
    void changeEvent(QEvent* event) override;

private:
    void fitCostTable();
    void addRound(const workbench::RoundStats& stats);
    void showRound(int index);
    void highlightBest(int round);
    void showCost(const workbench::RoundStats& after);
    void updateButtons();
    /// A sensitivity run: the chart (one line per layer) and the proposal for prune.max_drop, from the rounds so far.
    void updateSensitivity();

    QList<workbench::RoundStats> rounds_;
    QStringList classNames_;
    int bestRound_ = -1;
    QString session_;
    bool running_ = false;

    QLabel* headline_ = nullptr;
    QTableWidget* roundsTable_ = nullptr;
    ConfusionMatrixWidget* confusion_ = nullptr;
    QTableWidget* report_ = nullptr;
    QTableWidget* cost_ = nullptr;
    QLabel* costNote_ = nullptr;
    QPushButton* validate_ = nullptr;
    QPushButton* export_ = nullptr;
    QWidget* sensitivityBox_ = nullptr; ///< shown for a sensitivity run only
    SensitivityChart* sensitivity_ = nullptr;
    QLabel* sensitivityNote_ = nullptr;
    double maxDrop_ = 1.0; ///< the run's prune.max_drop, in points
};

} // namespace prunelab::ui
