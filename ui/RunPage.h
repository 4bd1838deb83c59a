#pragma once

#include "core/workbench/Comparison.h"
#include "core/workbench/Recipe.h"
#include "core/workbench/RunTypes.h"
#include "core/workbench/SessionStore.h"

#include <QImage>
#include <QStringList>
#include <QWidget>

class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QProgressBar;
class QPushButton;
class QSpinBox;
class QTabWidget;

namespace prunelab::workbench {
class ComparisonJob;
class RunJob;
} // namespace prunelab::workbench

namespace prunelab::ui {

class InputMapWidget;
class LayerSparsityChart;
class MaskHeatmapWidget;
class RecipeForm;
class SparsityChart;
class TrainingChart;
class WeightHistogramWidget;

/// The Run page: the recipe form (preset or file, model, training and pruning); Start, Pause/Resume and Cancel with a
/// progress bar that tells the time left; and the live charts: loss and accuracy per epoch, accuracy against sparsity,
/// and, for the layer chosen, the weight histogram before and after pruning and the pruning mask as a heatmap. Every
/// chart redraws on its own coalescing timer, so a fast run never floods the event loop. A recipe with a compare list
/// (seed 004) runs its variants one after the other, each finished variant overlaid on the accuracy-vs-sparsity chart.
class RunPage : public QWidget {
    Q_OBJECT
public:
    explicit RunPage(workbench::RunJob* job, QWidget* parent = nullptr);

    /// The recipe the form describes: the recipe set last (accuracy-cliff at first) with the form's values.
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
    /// Shows a comparison folder (Sessions page → Reopen): every variant that started overlaid, the table in the log.
    void showComparison(const workbench::Comparison& comparison);
    /// Runs the variants of a comparison folder that have not completed (Sessions page → Resume on a comparison);
    /// throws SessionError when a variant's folder cannot be read.
    void resumeComparison(const workbench::Comparison& comparison);
    /// Whether a run or a comparison goes on (between two variants of a comparison too).
    bool isBusy() const;
    RecipeForm* form() const { return form_; }
    /// Images of the open dataset shown beside the input map (one per class), with their names.
    void setSampleImages(const QList<QImage>& images, const QStringList& names);
    /// The knee of the run on the accuracy-vs-weights chart, as its label says ("knee: 90 % pruned, 1.0 pt below
    /// dense"); empty before a pruned round.
    QString kneeText() const;

public slots:
    void startRun();
    void cancelRun();
    void togglePause();
    /// Presentation mode: the recipe form steps aside and the charts share the page for a projector's width.
    void setPresentation(bool on);
    /// The lower row (layer, mask, input map) out of the way, so that the two top charts get the page's height (the
    /// lesson in presentation mode).
    void setLayerPanelCollapsed(bool collapsed);

signals:
    void message(const QString& text);
    void error(const QString& title, const QString& text);
    /// A preset or recipe file was chosen in the form: its dataset may need loading.
    void recipeChosen(const prunelab::workbench::Recipe& recipe);
    /// A comparison ended ("completed", "failed", "cancelled"); its results are written in `path`.
    void comparisonFinished(const QString& path, const QString& status);

private:
    void clearCharts();
    /// A repeated comparison's mean line and min–max band per variant on the accuracy chart (none for another).
    void showBands(const workbench::Comparison& comparison, bool completedOnly);
    void startComparison(const workbench::Comparison& comparison);
    void onVariantFinished(int index, const QString& label, const workbench::RunSummary& summary);
    void onComparisonFinished(const QString& status, const QString& message);
    void updateButtons();
    void appendLog(const QString& line);
    void updateProgressText();
    void addRound(const workbench::RoundStats& stats);

    workbench::RunJob* job_;
    workbench::ComparisonJob* comparisonJob_;
    QList<QPair<QString, QList<workbench::RoundStats>>> variantsDone_; ///< overlaid while a comparison runs
    bool datasetAvailable_ = false;
    QString datasetSource_;
    QString sessionsRoot_;
    double etaSeconds_ = -1.0;

    RecipeForm* form_ = nullptr;
    QPushButton* start_ = nullptr;
    QPushButton* pause_ = nullptr;
    QPushButton* cancel_ = nullptr;
    QProgressBar* progress_ = nullptr;
    TrainingChart* chart_ = nullptr;
    SparsityChart* sparsityChart_ = nullptr;
    LayerSparsityChart* layerSparsity_ = nullptr;
    QComboBox* layer_ = nullptr;
    WeightHistogramWidget* histogram_ = nullptr;
    MaskHeatmapWidget* heatmap_ = nullptr;
    InputMapWidget* inputMap_ = nullptr;
    QTabWidget* maskTabs_ = nullptr;
    bool inputMapShown_ = false; ///< the input map tab was brought forward in this run
    QPlainTextEdit* log_ = nullptr;
    QLabel* result_ = nullptr;
};

} // namespace prunelab::ui
