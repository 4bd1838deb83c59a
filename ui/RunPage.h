#pragma once

#include "core/workbench/Recipe.h"
#include "core/workbench/RunTypes.h"
#include "core/workbench/SessionStore.h"

#include <QWidget>

class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QProgressBar;
class QPushButton;
class QSpinBox;

namespace prunelab::workbench {
class RunJob;
}

namespace prunelab::ui {

class MaskHeatmapWidget;
class SparsityChart;
class TrainingChart;
class WeightHistogramWidget;

/// The Run page: model, training and pruning settings; Start, Pause/Resume and Cancel with a progress bar that
/// tells the time left; and the live charts: loss and accuracy per epoch, accuracy against sparsity, and, for the
/// layer chosen, the weight histogram before and after pruning and the pruning mask as a heatmap. Every chart
/// redraws on its own coalescing timer, so a fast run never floods the event loop.
class RunPage : public QWidget {
    Q_OBJECT
public:
    explicit RunPage(workbench::RunJob* job, QWidget* parent = nullptr);

    /// The recipe the form describes: the recipe set last (quick-demo at first) with the form's values.
    workbench::Recipe recipe() const;
    void setRecipe(const workbench::Recipe& recipe);
    /// Whether a dataset is there to train on (the Start button needs one).
    void setDatasetAvailable(bool available);
    /// The source of the dataset open in the window ("demo", a folder or file): what a run's recipe records, so
    /// that the session can be resumed and validated from the command line too.
    void setDatasetSource(const QString& source) { datasetSource_ = source; }
    /// Where runs started here save their sessions; empty: runs are not saved.
    void setSessionsRoot(const QString& root) { sessionsRoot_ = root; }
    /// Resumes an interrupted session (Sessions page) in the job: `recorded` (what it holds so far) in the charts,
    /// then the remaining rounds live.
    void resumeSession(const QString& sessionPath, const workbench::RecordedRun& recorded);
    /// Shows what a session recorded in the charts (Sessions page → Reopen); mask heatmaps stay empty.
    void showRecorded(const workbench::RecordedRun& run);
    /// Earlier runs overlaid on the accuracy-vs-weights-remaining chart (Sessions page → Compare).
    void setComparison(const QList<QPair<QString, QList<workbench::RoundStats>>>& runs);

public slots:
    void startRun();
    void cancelRun();
    void togglePause();

signals:
    void message(const QString& text);

private:
    void clearCharts();
    void updateRetentionPreview();
    void updateButtons();
    void appendLog(const QString& line);
    void updateProgressText();
    void addRound(const workbench::RoundStats& stats);

    workbench::RunJob* job_;
    bool datasetAvailable_ = false;
    QString datasetSource_;
    double shownSparsity_ = -1.0; ///< what setRecipe put in the sparsity field: unchanged, the recipe's own values stay
    workbench::Recipe base_ =
        workbench::Recipe::fromJson(workbench::Recipe::presetJson(QStringLiteral("quick-demo")));
    QString sessionsRoot_;
    double etaSeconds_ = -1.0;

    QLineEdit* hidden_ = nullptr;
    QSpinBox* epochs_ = nullptr;
    QComboBox* optimizer_ = nullptr;
    QDoubleSpinBox* learningRate_ = nullptr;
    QSpinBox* batchSize_ = nullptr;
    QComboBox* method_ = nullptr;
    QComboBox* schedule_ = nullptr;
    QSpinBox* rounds_ = nullptr;
    QDoubleSpinBox* q_ = nullptr;                ///< geometric retention factor
    QPlainTextEdit* retentionPreview_ = nullptr; ///< the geometric schedule's table, before anything trains
    QDoubleSpinBox* sparsity_ = nullptr;
    QSpinBox* fineTuneEpochs_ = nullptr;
    QSpinBox* seed_ = nullptr;
    QPushButton* start_ = nullptr;
    QPushButton* pause_ = nullptr;
    QPushButton* cancel_ = nullptr;
    QProgressBar* progress_ = nullptr;
    TrainingChart* chart_ = nullptr;
    SparsityChart* sparsityChart_ = nullptr;
    QComboBox* layer_ = nullptr;
    WeightHistogramWidget* histogram_ = nullptr;
    MaskHeatmapWidget* heatmap_ = nullptr;
    QPlainTextEdit* log_ = nullptr;
    QLabel* result_ = nullptr;
};

} // namespace prunelab::ui
