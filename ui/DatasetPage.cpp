#include "ui/DatasetPage.h"

#include "datasets/BrainSliceDemo.h"
#include "ui/SampleGridWidget.h"

#include <QFutureWatcher>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QScrollArea>
#include <QSplitter>
#include <QTableWidget>
#include <QTimer>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

#include <atomic>

namespace prunelab::ui {

struct DatasetPage::LoadState {
    std::atomic<bool> cancel{false};
    std::atomic<qint64> done{0};
    std::atomic<qint64> total{0};
};

struct DatasetPage::LoadResult {
    std::shared_ptr<const datasets::ImageSet> set;
    datasets::DatasetSummary summary;
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

    balanceTable_ = makeTable({tr("Class"), tr("Images"), tr("Share")}, QStringLiteral("balanceTable"),
                              tr("Images per class"));
    balanceTable_->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    balanceTable_->setMaximumHeight(220);
    details_ = new QLabel;
    details_->setObjectName(QStringLiteral("datasetDetails"));
    details_->setWordWrap(true);
    details_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    skippedTitle_ = new QLabel(tr("Skipped files: none"));
    skippedTable_ = makeTable({tr("File"), tr("Why it was skipped")}, QStringLiteral("skippedTable"),
                              tr("Skipped files and the reasons"));
    skippedTable_->horizontalHeader()->setSectionResizeMode(0, QHeaderView::Interactive);
    skippedTable_->horizontalHeader()->setStretchLastSection(true);
    skippedTable_->setColumnWidth(0, 260);
    auto* summaryBox = new QGroupBox(tr("Summary"));
    auto* summaryLayout = new QVBoxLayout(summaryBox);
    summaryLayout->addWidget(balanceTable_);
    summaryLayout->addWidget(details_);
    summaryLayout->addWidget(skippedTitle_);
    summaryLayout->addWidget(skippedTable_, 1);

    auto* splitter = new QSplitter(Qt::Horizontal);
    splitter->addWidget(samplesBox);
    splitter->addWidget(summaryBox);
    splitter->setStretchFactor(0, 3);
    splitter->setStretchFactor(1, 2);
    splitter->setSizes({780, 560}); // five 64-pixel samples per class and the class names fit

    auto* layout = new QVBoxLayout(this);
    layout->addWidget(title_);
    layout->addWidget(progressRow_);
    layout->addWidget(splitter, 1);

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
    startLoad(real ? tr("Generating the demo dataset from a real T1 brain MRI (Colin27, mricron-data)…")
                   : tr("Generating the procedural demo dataset (install mricron-data for real anatomy)…"),
              QStringLiteral("demo"), [options, real](LoadState& state) {
                  LoadResult result;
                  auto set =
                      std::make_shared<datasets::ImageSet>(real ? datasets::BrainSliceDemo().generate(options)
                                                                : datasets::DemoMriGenerator().generate(options));
                  if (state.cancel) // the generators cannot stop half-way; drop what they made
                      throw datasets::LoadCancelled();
                  result.summary =
                      datasets::DatasetSummary::describe(*set, datasets::DatasetSummary::pixelHashes(*set));
                  result.summary.source = set->sourceDescription;
                  result.set = std::move(set);
                  return result;
              });
}

void DatasetPage::open(const QString& source, const datasets::LoadOptions& options)
{
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
    summary_ = result.summary;
    showDataset();
    emit loadingChanged(false);
    emit datasetReady(loadingSource_);
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
