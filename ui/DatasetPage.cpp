#include "ui/DatasetPage.h"

#include "datasets/BrainSliceDemo.h"
#include "ui/ClassBalanceChart.h"
#include "ui/HeightForWidth.h"
#include "ui/SampleGridWidget.h"
#include "ui/SplitPanel.h"
#include "ui/TextBreaks.h"
#include "ui/WholeCells.h"

#include <QDir>
#include <QFileInfo>
#include <QFutureWatcher>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHash>
#include <QHeaderView>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QScrollArea>
#include <QSplitter>
#include <QTabWidget>
#include <QTableWidget>
#include <QTimer>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

#include <algorithm>
#include <atomic>

namespace prunelab::ui {

struct DatasetPage::LoadState {
    std::atomic<bool> cancel{false};
    std::atomic<qint64> done{0};
    std::atomic<qint64> total{0};
};

struct DatasetPage::LoadResult {
    std::shared_ptr<const datasets::ImageSet> set;
    std::shared_ptr<const datasets::ImageSet> test; ///< the source's own test images (Fashion-MNIST's t10k), or null
    datasets::DatasetSummary summary;
    QList<QImage> strip;
    QStringList stripCaptions;
    QList<PreviewVolume> volumes;
    QString volumeNote;
    QString error;
    bool cancelled = false;
};

namespace {

QTableWidgetItem* number(qint64 value)
{
    auto* item = new QTableWidgetItem(QString::number(value));
    item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
    return item;
}

QTableWidget* makeTable(const QStringList& headers, const QString& objectName, const QString& accessibleName)
{
    auto* table = new QTableWidget(0, int(headers.size()));
    table->setObjectName(objectName);
    table->setAccessibleName(accessibleName);
    table->setHorizontalHeaderLabels(headers);
    table->verticalHeader()->hide();
    table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    table->setSelectionBehavior(QAbstractItemView::SelectRows);
    return table;
}

QImage greyImage(const std::vector<uint8_t>& pixels, int size)
{
    QImage image(size, size, QImage::Format_Grayscale8);
    for (int y = 0; y < size; ++y)
        std::copy_n(pixels.data() + qsizetype(y) * size, size, image.scanLine(y));
    return image;
}

/// The volumes behind a NIfTI dataset and the slices of each that became samples (files read "volume#z=83").
QList<PreviewVolume> volumesOf(const datasets::ImageSet& set, const QString& source)
{
    QList<PreviewVolume> volumes;
    QHash<QString, qsizetype> byPath;
    const QDir root(source);
    for (const QString& file : set.files) {
        const qsizetype hash = file.lastIndexOf(QLatin1Char('#'));
        if (hash < 0 || file.size() < hash + 4 || file[hash + 2] != QLatin1Char('='))
            continue;
        const int axis = int(QStringLiteral("xyz").indexOf(file[hash + 1]));
        bool ok = false;
        const int slice = file.mid(hash + 3).toInt(&ok);
        if (axis < 0 || !ok)
            continue;
        const QString path = file.left(hash);
        auto it = byPath.find(path);
        if (it == byPath.end()) {
            PreviewVolume volume;
            volume.path = path;
            volume.name = QFileInfo(path).isAbsolute() ? root.relativeFilePath(path) : path;
            volume.sampleAxis = axis;
            it = byPath.insert(path, volumes.size());
            volumes.append(volume);
        }
        volumes[*it].sampleSlices.append(slice);
    }
    for (PreviewVolume& volume : volumes)
        std::sort(volume.sampleSlices.begin(), volume.sampleSlices.end());
    return volumes;
}

} // namespace

DatasetPage::DatasetPage(QWidget* parent) : QWidget(parent)
{
    title_ = new QLabel(tr("No dataset loaded. Open a folder of class folders, a .zip, a .csv manifest, IDX or NIfTI "
                           "files (File menu, or drop them on the window), or the demo."));
    title_->setObjectName(QStringLiteral("datasetTitle"));
    title_->setWordWrap(true);
    title_->setTextInteractionFlags(Qt::TextSelectableByMouse);

    progress_ = new QProgressBar;
    progress_->setObjectName(QStringLiteral("datasetProgress"));
    progress_->setAccessibleName(tr("Dataset loading progress"));
    progress_->setRange(0, 0);
    cancel_ = new QPushButton(tr("Cancel loading"));
    cancel_->setObjectName(QStringLiteral("cancelLoadButton"));
    cancel_->setAccessibleName(tr("Cancel loading the dataset"));
    connect(cancel_, &QPushButton::clicked, this, &DatasetPage::cancelLoading);
    progressRow_ = new QWidget;
    auto* progressLayout = new QHBoxLayout(progressRow_);
    progressLayout->setContentsMargins(0, 0, 0, 0);
    progressLayout->addWidget(progress_, 1);
    progressLayout->addWidget(cancel_);
    progressRow_->hide();

    sampleGrid_ = new SampleGridWidget;
    sampleGrid_->layout()->setAlignment(Qt::AlignTop | Qt::AlignLeft); // rows stay together, not spread out
    auto* gridScroll = new QScrollArea;
    gridScroll->setWidget(sampleGrid_);
    gridScroll->setWidgetResizable(true);
    gridScroll->setFrameShape(QFrame::NoFrame);
    auto* samplesBox = new QGroupBox(tr("Samples per class"));
    auto* samplesLayout = new QVBoxLayout(samplesBox);
    samplesLayout->addWidget(gridScroll);

    // A group box is never narrower than its title: the title short, the explanation in a label that wraps.
    stripBox_ = new QGroupBox(tr("Severity strip"));
    stripBox_->setObjectName(QStringLiteral("severityStripBox"));
    stripRow_ = new QWidget;
    stripRow_->setObjectName(QStringLiteral("severityStrip"));
    auto* stripLayout = new QHBoxLayout(stripRow_);
    stripLayout->setContentsMargins(0, 0, 0, 0);
    stripLayout->setAlignment(Qt::AlignLeft);
    auto* stripBoxLayout = new QVBoxLayout(stripBox_);
    auto* stripNote = new QLabel(tr("The same slice at each class's atrophy, mildest first."));
    stripNote->setWordWrap(true);
    stripBoxLayout->addWidget(stripNote);
    stripBoxLayout->addWidget(stripRow_);
    stripBox_->hide();
    followHeightForWidth(stripBox_); // the captions' wrapped lines stay inside the box
    // Samples, split and strip share the column; the person decides how much each gets.
    splitPanel_ = new SplitPanel;
    splitPanel_->setObjectName(QStringLiteral("splitPanel"));
    auto* left = new QSplitter(Qt::Vertical);
    left->addWidget(samplesBox);
    left->addWidget(splitPanel_);
    left->addWidget(stripBox_);
    left->setStretchFactor(0, 3);
    left->setStretchFactor(1, 2);
    left->setStretchFactor(2, 0);
    left->setSizes({320, 230, 190});

    volumePreview_ = new VolumePreviewWidget;
    connect(volumePreview_, &VolumePreviewWidget::volumeShown, this, &DatasetPage::previewShown);
    volumePreview_->setObjectName(QStringLiteral("volumePreview"));
    volumeBox_ = new QGroupBox(tr("Volume preview"));
    volumeBox_->setObjectName(QStringLiteral("volumePreviewBox"));
    auto* volumeLayout = new QVBoxLayout(volumeBox_);
    volumeLayout->addWidget(volumePreview_);
    volumeBox_->hide();

    balanceTable_ =
        makeTable({tr("Class"), tr("Images"), tr("Share")}, QStringLiteral("balanceTable"), tr("Images per class"));
    showWholeCells(balanceTable_, TableWidth::Hold); // class names in full, at a projector's font too
    balanceBars_ = new ClassBalanceChart(ClassBalanceChart::Style::Bars);
    balanceBars_->setObjectName(QStringLiteral("classBalanceBars"));
    balancePie_ = new ClassBalanceChart(ClassBalanceChart::Style::Pie);
    balancePie_->setObjectName(QStringLiteral("classBalancePie"));
    auto* balanceTabs = new QTabWidget;
    balanceTabs->setObjectName(QStringLiteral("classBalanceTabs"));
    balanceTabs->addTab(balanceTable_, tr("Table"));
    balanceTabs->addTab(balanceBars_, tr("Bars"));
    balanceTabs->addTab(balancePie_, tr("Pie"));
    balanceTabs->setMaximumHeight(240);
    details_ = new QLabel;
    details_->setObjectName(QStringLiteral("datasetDetails"));
    details_->setWordWrap(true);
    details_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    skippedTitle_ = new QLabel(tr("Skipped files: none"));
    skippedTable_ = makeTable({tr("File"), tr("Why it was skipped")}, QStringLiteral("skippedTable"),
                              tr("Skipped files and the reasons"));
    showWholeCells(skippedTable_); // a long path scrolls sideways rather than losing its end
    auto* summaryBox = new QGroupBox(tr("Summary"));
    auto* summaryLayout = new QVBoxLayout(summaryBox);
    summaryLayout->addWidget(balanceTabs);
    summaryLayout->addWidget(details_);
    summaryLayout->addWidget(skippedTitle_);
    summaryLayout->addWidget(skippedTable_, 1);

    auto* right = new QSplitter(Qt::Vertical);
    right->addWidget(summaryBox);
    right->addWidget(volumeBox_);
    right->setStretchFactor(0, 2);
    right->setStretchFactor(1, 3);
    right->setSizes({320, 480}); // the preview gets room for a legible slice

    auto* splitter = new QSplitter(Qt::Horizontal);
    splitter->addWidget(left);
    splitter->addWidget(right);
    splitter->setStretchFactor(0, 3);
    splitter->setStretchFactor(1, 2);
    splitter->setSizes({780, 560}); // five 64-pixel samples per class and the class names fit

    // On a small screen (a projector at 1024×768 in presentation mode) the page scrolls instead of making the window
    // larger than the screen.
    auto* scroll = new QScrollArea;
    scroll->setObjectName(QStringLiteral("datasetPageScroll"));
    scroll->setWidget(splitter);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(title_);
    layout->addWidget(progressRow_);
    layout->addWidget(scroll, 1);

    pollTimer_ = new QTimer(this);
    pollTimer_->setInterval(100);
    connect(pollTimer_, &QTimer::timeout, this, &DatasetPage::pollProgress);
}

DatasetPage::~DatasetPage()
{
    if (state_)
        state_->cancel = true;
    if (auto* watcher = static_cast<QFutureWatcher<LoadResult>*>(watcher_)) {
        watcher->disconnect(this);
        watcher->waitForFinished();
    }
}

void DatasetPage::loadDemo(const datasets::DemoOptions& options)
{
    const bool real = datasets::BrainSliceDemo::available();
    window_ = {};
    startLoad(
        real ? tr("Generating the demo dataset from a real T1 brain MRI (Colin27, mricron-data)…")
             : tr("Generating the procedural demo dataset (install mricron-data for real anatomy)…"),
        QStringLiteral("demo"), [options, real](LoadState& state) {
            LoadResult result;
            const auto progress = [&state](int done, int total) {
                state.done = done;
                state.total = total;
                return !state.cancel.load();
            };
            std::unique_ptr<datasets::BrainSliceDemo> anatomy;
            if (real)
                anatomy = std::make_unique<datasets::BrainSliceDemo>();
            auto set = std::make_shared<datasets::ImageSet>(
                real ? anatomy->generate(options, progress, &state.cancel)
                     : datasets::DemoMriGenerator().generate(options, progress, &state.cancel));
            if (state.cancel)
                throw datasets::LoadCancelled();
            // The strip: one slice, one seed, no pose or noise (real anatomy), at each class's mean severity.
            QList<int> order;
            for (int c = 0; c < set->classNames.size(); ++c)
                order.append(c);
            std::stable_sort(order.begin(), order.end(), [](int a, int b) {
                return datasets::DemoMriGenerator::classSeverity(a) < datasets::DemoMriGenerator::classSeverity(b);
            });
            for (int c : order) {
                const double severity = datasets::DemoMriGenerator::classSeverity(c);
                result.strip.append(
                    greyImage(real ? anatomy->render(severity, 0.5, options.seed, options.size, false)
                                   : datasets::DemoMriGenerator::renderSlice(severity, options.seed, options.size),
                              options.size));
                result.stripCaptions.append(tr("<b>%1</b><br>severity %2")
                                                .arg(breakable(set->classNames[c]).toHtmlEscaped())
                                                .arg(severity, 0, 'f', 2));
            }
            if (real) {
                PreviewVolume volume;
                volume.name = QStringLiteral("Colin27 T1");
                volume.path = datasets::BrainSliceDemo::defaultVolumePath();
                for (int z = datasets::BrainSliceDemo::kFirstSlice; z <= datasets::BrainSliceDemo::kLastSlice; ++z)
                    volume.sampleSlices.append(z);
                result.volumes.append(volume);
                result.volumeNote = tr("The demo's images are axial slices %1–%2 of this volume (%3), with "
                                       "simulated atrophy, pose and noise added.")
                                        .arg(datasets::BrainSliceDemo::kFirstSlice)
                                        .arg(datasets::BrainSliceDemo::kLastSlice)
                                        .arg(volume.path.toHtmlEscaped());
            }
            result.summary = datasets::DatasetSummary::describe(*set, datasets::DatasetSummary::pixelHashes(*set));
            result.summary.source = set->sourceDescription;
            result.set = std::move(set);
            return result;
        });
}

void DatasetPage::open(const QString& source, const datasets::LoadOptions& options)
{
    window_ = options.nifti;
    startLoad(tr("Opening %1…").arg(source), source, [source, options](LoadState& state) {
        LoadResult result;
        const datasets::DatasetLoader loader(options);
        datasets::LoadedDataset loaded = loader.load(
            source,
            [&state](qint64 done, qint64 total) {
                state.done = done;
                state.total = total;
                return !state.cancel.load();
            },
            &state.cancel);
        result.summary = std::move(loaded.summary);
        result.set = std::make_shared<datasets::ImageSet>(std::move(loaded.images));
        if (!loaded.test.isEmpty())
            result.test = std::make_shared<datasets::ImageSet>(std::move(loaded.test));
        if (result.summary.volumes > 0) {
            result.volumes = volumesOf(*result.set, source);
            result.volumeNote =
                (result.volumes.size() == 1 ? tr("1 volume") : tr("%1 volumes").arg(result.volumes.size())) +
                tr("; the slider runs through every slice, green marks the ones that became samples.");
        }
        return result;
    });
}

void DatasetPage::startLoad(const QString& title, const QString& source, std::function<LoadResult(LoadState&)> work)
{
    if (loading_)
        cancelLoading();
    auto state = std::make_shared<LoadState>();
    state_ = state;
    loading_ = true;
    loadingSource_ = source;
    title_->setText(title.toHtmlEscaped());
    progress_->setRange(0, 0);
    progress_->setFormat(tr("Reading…"));
    cancel_->setEnabled(true);
    progressRow_->show();
    pollTimer_->start();
    emit loadingChanged(true);

    auto* watcher = new QFutureWatcher<LoadResult>(this);
    connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher, state] {
        watcher->deleteLater();
        if (watcher_ == watcher)
            watcher_ = nullptr;
        if (state != state_)
            return; // superseded by a newer load
        finishLoad(watcher->result());
    });
    watcher_ = watcher;
    watcher->setFuture(QtConcurrent::run([state, work = std::move(work)] {
        try {
            return work(*state);
        } catch (const datasets::LoadCancelled&) {
            LoadResult result;
            result.cancelled = true;
            return result;
        } catch (const std::exception& e) {
            LoadResult result;
            result.error = QString::fromLocal8Bit(e.what());
            result.cancelled = state->cancel.load();
            return result;
        }
    }));
}

bool DatasetPage::isPreviewReading() const
{
    return volumePreview_->isReading();
}

void DatasetPage::cancelLoading()
{
    if (!loading_ || !state_)
        return;
    state_->cancel = true;
    cancel_->setEnabled(false);
    progress_->setFormat(tr("Cancelling…"));
}

void DatasetPage::pollProgress()
{
    if (!state_)
        return;
    const qint64 total = state_->total.load();
    const qint64 done = state_->done.load();
    if (total > 0) {
        progress_->setRange(0, 1000);
        progress_->setValue(int(1000 * done / total));
        if (!state_->cancel)
            progress_->setFormat(tr("%1 of %2 files (%p%)").arg(done).arg(total));
    }
}

void DatasetPage::finishLoad(const LoadResult& result)
{
    loading_ = false;
    pollTimer_->stop();
    progressRow_->hide();
    state_.reset();
    if (result.cancelled || !result.set) {
        const QString message = result.cancelled ? tr("Loading %1 was cancelled.").arg(loadingSource_)
                                                 : tr("%1 could not be opened: %2").arg(loadingSource_, result.error);
        if (dataset_)
            showDataset();
        else
            title_->setText(message.toHtmlEscaped());
        emit loadingChanged(false);
        if (!result.cancelled)
            emit loadFailed(message);
        return;
    }
    dataset_ = result.set;
    testSet_ = result.test;
    summary_ = result.summary;
    splitPanel_->setData(dataset_, testSet_);
    showDataset();
    showExtras(result);
    emit loadingChanged(false);
    emit datasetReady(loadingSource_);
}

void DatasetPage::showExtras(const LoadResult& result)
{
    strip_ = result.strip;
    while (QLayoutItem* item = stripRow_->layout()->takeAt(0)) {
        delete item->widget();
        delete item;
    }
    for (qsizetype i = 0; i < strip_.size(); ++i) {
        auto* cell = new QWidget;
        auto* cellLayout = new QVBoxLayout(cell);
        cellLayout->setContentsMargins(0, 0, 8, 0);
        auto* picture = new QLabel;
        picture->setPixmap(
            QPixmap::fromImage(strip_[i]).scaled(112, 112, Qt::KeepAspectRatio, Qt::SmoothTransformation));
        auto* caption = new QLabel(result.stripCaptions.value(i));
        caption->setAlignment(Qt::AlignHCenter);
        caption->setWordWrap(true); // "Very|Mild|Demented" under its 112-pixel slice on a projector
        cellLayout->addWidget(picture, 0, Qt::AlignHCenter);
        cellLayout->addWidget(caption);
        stripRow_->layout()->addWidget(cell);
    }
    stripBox_->setVisible(!strip_.isEmpty());

    volumeBox_->setVisible(!result.volumes.isEmpty());
    volumePreview_->setVolumes(result.volumes, window_.windowLow, window_.windowHigh, result.volumeNote);
}

void DatasetPage::showDataset()
{
    const datasets::ImageSet& data = *dataset_;
    title_->setText(
        tr("<b>%1</b><br>%2 images, %3 classes, stored as %4×%5 %6")
            .arg((data.sourceDescription.isEmpty() ? summary_.source : data.sourceDescription).toHtmlEscaped())
            .arg(data.count())
            .arg(data.classNames.size())
            .arg(data.width)
            .arg(data.height)
            .arg(data.channels == 1 ? tr("grey") : tr("colour")));
    sampleGrid_->setDataset(data, 5);

    const QList<qsizetype> counts = data.classCounts();
    balanceBars_->setCounts(data.classNames, counts);
    balancePie_->setCounts(data.classNames, counts);
    balanceTable_->setRowCount(int(counts.size()));
    for (int c = 0; c < counts.size(); ++c) {
        balanceTable_->setItem(c, 0, new QTableWidgetItem(data.classNames[c]));
        balanceTable_->setItem(c, 1, number(counts[c]));
        auto* share = new QTableWidgetItem(QStringLiteral("%1 %").arg(
            100.0 * double(counts[c]) / double(std::max<qsizetype>(1, data.count())), 0, 'f', 1));
        share->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
        balanceTable_->setItem(c, 2, share);
    }

    QStringList lines;
    QStringList sizes;
    for (auto it = summary_.sizes.cbegin(); it != summary_.sizes.cend() && sizes.size() < 4; ++it)
        sizes << tr("%1 (%2)").arg(it.key()).arg(it.value());
    if (summary_.sizes.size() > 4)
        sizes << tr("… %1 sizes in all").arg(summary_.sizes.size());
    if (!sizes.isEmpty())
        lines << tr("Sizes as found: %1").arg(sizes.join(QStringLiteral(", ")));
    const qsizetype duplicates = summary_.duplicateImages();
    lines << (duplicates > 0 ? tr("<b>%1 exact duplicates</b> in %2 groups (the split keeps each group together)")
                                   .arg(duplicates)
                                   .arg(summary_.duplicateGroups.size())
                             : tr("No exact duplicates"));
    if (summary_.volumes > 0)
        lines << tr("%1 volumes; slices of one volume stay in one part of the split").arg(summary_.volumes);
    if (summary_.nearIdenticalNeighbours > 0)
        lines << tr("<b>%1 near-identical neighbouring images</b>: slices of one scan stored as files? A random split "
                    "would leak them between training and test")
                     .arg(summary_.nearIdenticalNeighbours);
    const QStringList empty = summary_.emptyClasses();
    if (!empty.isEmpty())
        lines << tr("<b>Empty classes:</b> %1").arg(empty.join(QStringLiteral(", ")).toHtmlEscaped());
    details_->setText(lines.join(QStringLiteral("<br>")));

    skippedTitle_->setText(summary_.skipped.isEmpty() ? tr("Skipped files: none")
                                                      : tr("<b>Skipped files: %1</b>").arg(summary_.skipped.size()));
    skippedTable_->setRowCount(int(summary_.skipped.size()));
    for (int i = 0; i < summary_.skipped.size(); ++i) {
        auto* file = new QTableWidgetItem(summary_.skipped[i].file);
        file->setToolTip(summary_.skipped[i].file);
        skippedTable_->setItem(i, 0, file);
        auto* reason = new QTableWidgetItem(summary_.skipped[i].reason);
        reason->setToolTip(summary_.skipped[i].reason);
        skippedTable_->setItem(i, 1, reason);
    }
}

} // namespace prunelab::ui
