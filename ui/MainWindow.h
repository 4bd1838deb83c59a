#pragma once

#include "core/workbench/Recipe.h"
#include "core/workbench/RunTypes.h"
#include "datasets/DemoMriGenerator.h"

#include <QMainWindow>

#include <memory>

class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QProgressBar;
class QPushButton;
class QSpinBox;
class QTableWidget;

namespace prunelab::workbench {
class RunJob;
}

namespace prunelab::ui {

class SampleGridWidget;
class SparsityChart;
class TrainingChart;

/// The workbench window: the dataset (samples and class balance), the run settings, Start/Cancel with progress,
/// a live loss/accuracy chart and the run log. Decoding and training happen off the GUI thread.
class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    explicit MainWindow(QWidget* parent = nullptr);
    ~MainWindow() override;

    /// Generates the built-in demo dataset on a worker thread; datasetReady() follows.
    void loadDemo(const datasets::DemoOptions& options = {});
    /// The recipe the form describes: the quick-demo preset with the form's values.
    workbench::Recipe recipe() const;
    void setRecipe(const workbench::Recipe& recipe);
    bool isRunning() const;

public slots:
    void startRun();
    void cancelRun();

signals:
    void datasetReady();
    void runFinished(const prunelab::workbench::RunSummary& summary);

private:
    void buildUi();
    void setDataset(std::shared_ptr<const datasets::ImageSet> set);
    void updateButtons();
    void appendLog(const QString& line);

    std::shared_ptr<const datasets::ImageSet> dataset_;
    workbench::RunJob* job_ = nullptr;

    QLabel* datasetTitle_ = nullptr;
    SampleGridWidget* sampleGrid_ = nullptr;
    QTableWidget* balanceTable_ = nullptr;
    QLineEdit* hidden_ = nullptr;
    QSpinBox* epochs_ = nullptr;
    QComboBox* optimizer_ = nullptr;
    QDoubleSpinBox* learningRate_ = nullptr;
    QSpinBox* batchSize_ = nullptr;
    QComboBox* method_ = nullptr;
    QComboBox* schedule_ = nullptr;
    QSpinBox* rounds_ = nullptr;
    QDoubleSpinBox* sparsity_ = nullptr;
    QSpinBox* fineTuneEpochs_ = nullptr;
    QSpinBox* seed_ = nullptr;
    QPushButton* start_ = nullptr;
    QPushButton* cancel_ = nullptr;
    QProgressBar* progress_ = nullptr;
    TrainingChart* chart_ = nullptr;
    SparsityChart* sparsityChart_ = nullptr;
    QPlainTextEdit* log_ = nullptr;
    QLabel* result_ = nullptr;
    bool loadingDataset_ = false;
};

} // namespace prunelab::ui
