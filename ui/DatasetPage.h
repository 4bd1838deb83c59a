#pragma once

#include "datasets/DatasetLoader.h"
#include "datasets/DatasetSummary.h"
#include "datasets/DemoMriGenerator.h"
#include "datasets/ImageSet.h"
#include "ui/VolumePreviewWidget.h"

#include <QImage>
#include <QWidget>

#include <memory>

class QGroupBox;
class QLabel;
class QProgressBar;
class QPushButton;
class QTableWidget;
class QTimer;

namespace prunelab::ui {

class ClassBalanceChart;
class SampleGridWidget;
class SplitPanel;

/// The Dataset page: what was opened (source, counts per class, sizes, duplicates, which demo generator), a grid of
/// samples per class, every skipped file with its reason, the demo's severity strip (one slice at each class's
/// atrophy) and, for NIfTI sources and the real-anatomy demo, a volume preview with a slice slider. Loading runs on a
/// worker thread (QtConcurrent) with a progress bar and a Cancel button; the page never decodes on the GUI thread.
class DatasetPage : public QWidget {
    Q_OBJECT
public:
    explicit DatasetPage(QWidget* parent = nullptr);
    /// Cancels a load in progress and waits for its worker.
    ~DatasetPage() override;

    /// Generates the built-in demo (the real-anatomy generator when mricron-data is installed).
    void loadDemo(const datasets::DemoOptions& options = {});
    /// Opens any source DatasetLoader reads: a folder, .zip, .csv manifest, IDX file or folder, NIfTI folder.
    void open(const QString& source, const datasets::LoadOptions& options);
    bool isLoading() const { return loading_; }
    /// Whether the volume preview is still reading its volume (screenshots wait for it).
    bool isPreviewReading() const;
    std::shared_ptr<const datasets::ImageSet> dataset() const { return dataset_; }
    /// The source's own test images (Fashion-MNIST's t10k, a folder's test/), or null.
    std::shared_ptr<const datasets::ImageSet> testSet() const { return testSet_; }
    const datasets::DatasetSummary& summary() const { return summary_; }
    /// Split and balance choices with the counts they give (part of the recipe).
    SplitPanel* splitPanel() const { return splitPanel_; }
    /// The severity strip shown (empty unless the demo is loaded): one image per class, mildest first.
    const QList<QImage>& severityStrip() const { return strip_; }

public slots:
    /// Stops the load in progress at the next file; the dataset shown before stays.
    void cancelLoading();

signals:
    void loadingChanged(bool loading);
    void datasetReady(const QString& source);
    void loadFailed(const QString& message);
    /// The volume preview has read its volume (or failed to) and shows its slice.
    void previewShown();

private:
    struct LoadState;
    struct LoadResult;
    void startLoad(const QString& title, const QString& source, std::function<LoadResult(LoadState&)> work);
    void finishLoad(const LoadResult& result);
    void showDataset();
    void showExtras(const LoadResult& result);
    void pollProgress();

    std::shared_ptr<const datasets::ImageSet> dataset_;
    std::shared_ptr<const datasets::ImageSet> testSet_;
    datasets::DatasetSummary summary_;
    SplitPanel* splitPanel_ = nullptr;
    QList<QImage> strip_;
    QStringList stripCaptions_;
    QList<PreviewVolume> volumes_;
    datasets::NiftiOptions window_;
    QString volumeNote_;
    std::shared_ptr<LoadState> state_;
    bool loading_ = false;
    QString loadingSource_;

    QLabel* title_ = nullptr;
    QLabel* details_ = nullptr;
    QProgressBar* progress_ = nullptr;
    QPushButton* cancel_ = nullptr;
    QWidget* progressRow_ = nullptr;
    SampleGridWidget* sampleGrid_ = nullptr;
    QGroupBox* stripBox_ = nullptr;
    QWidget* stripRow_ = nullptr;
    QGroupBox* volumeBox_ = nullptr;
    VolumePreviewWidget* volumePreview_ = nullptr;
    QTableWidget* balanceTable_ = nullptr;
    ClassBalanceChart* balanceBars_ = nullptr;
    ClassBalanceChart* balancePie_ = nullptr;
    QLabel* skippedTitle_ = nullptr;
    QTableWidget* skippedTable_ = nullptr;
    QTimer* pollTimer_ = nullptr;
    QObject* watcher_ = nullptr;
};

} // namespace prunelab::ui
