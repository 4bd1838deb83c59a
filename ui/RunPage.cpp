#include "ui/RunPage.h"

#include "core/workbench/ComparisonJob.h"
#include "core/workbench/RunJob.h"
#include "ui/InputMapWidget.h"
#include "ui/LayerSparsityChart.h"
#include "ui/MaskHeatmapWidget.h"
#include "ui/Named.h"
#include "ui/RecipeForm.h"
#include "ui/WeightHistogramWidget.h"
#include "ui/charts/SparsityChart.h"
#include "ui/charts/TrainingChart.h"

#include <QComboBox>
#include <QDir>
#include <QHBoxLayout>
#include <QLabel>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QScrollArea>
#include <QSplitter>
#include <QTabWidget>
#include <QTime>
#include <QVBoxLayout>

#include <cmath>

namespace prunelab::ui {

using workbench::EpochStats;
using workbench::RoundStats;
using workbench::RunSummary;

namespace {

QString duration(double seconds)
{
    const qint64 s = qint64(std::lround(std::max(0.0, seconds)));
    if (s < 60)
        return RunPage::tr("%1 s").arg(s);
    if (s < 3600)
        return RunPage::tr("%1 min %2 s").arg(s / 60).arg(s % 60);
    return RunPage::tr("%1 h %2 min").arg(s / 3600).arg((s % 3600) / 60);
}

} // namespace

RunPage::RunPage(workbench::RunJob* job, QWidget* parent)
    : QWidget(parent), job_(job), comparisonJob_(new workbench::ComparisonJob(job, this))
{
    form_ = new RecipeForm;
    form_->setObjectName(QStringLiteral("recipeForm"));
    connect(form_, &RecipeForm::message, this, &RunPage::message);
    connect(form_, &RecipeForm::error, this, &RunPage::error);
    connect(form_, &RecipeForm::recipeChosen, this, &RunPage::recipeChosen);
    connect(form_, &RecipeForm::validityChanged, this, [this] { updateButtons(); });
    auto* formScroll = new QScrollArea;
    formScroll->setObjectName(QStringLiteral("recipeFormScroll"));
    formScroll->setWidget(form_);
    formScroll->setWidgetResizable(true);
    formScroll->setFrameShape(QFrame::NoFrame);
    formScroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    formScroll->setMinimumWidth(form_->sizeHint().width() + 24);

    start_ = named(new QPushButton(tr("&Start")), "startButton", tr("Start the run"));
    start_->setDefault(true);
    start_->setToolTip(tr("Train, prune and measure with these settings (Ctrl+R)"));
    pause_ = named(new QPushButton(tr("&Pause")), "pauseButton", tr("Pause or resume the run"));
    pause_->setToolTip(tr("Hold the run between two batches; the time left leaves the pause out"));
    cancel_ = named(new QPushButton(tr("Cancel")), "cancelButton", tr("Cancel the run"));
    progress_ = named(new QProgressBar, "progressBar", tr("Run progress"));
    progress_->setRange(0, 100);
    progress_->setValue(0);
    connect(start_, &QPushButton::clicked, this, &RunPage::startRun);
    connect(pause_, &QPushButton::clicked, this, &RunPage::togglePause);
    connect(cancel_, &QPushButton::clicked, this, &RunPage::cancelRun);
    auto* buttons = new QHBoxLayout;
    buttons->addWidget(start_);
    buttons->addWidget(pause_);
    buttons->addWidget(cancel_);

    result_ = named(new QLabel, "resultLabel", tr("Run result"));
    result_->setWordWrap(true);
    log_ = named(new QPlainTextEdit, "runLog", tr("Run log"));
    log_->setReadOnly(true);
    log_->setMaximumBlockCount(5000);
    log_->setFont(QFont(QStringLiteral("monospace"), 9));
    log_->setLineWrapMode(QPlainTextEdit::NoWrap); // tables (a comparison's) stay tables

    auto* leftColumn = new QWidget;
    auto* leftLayout = new QVBoxLayout(leftColumn);
    leftLayout->setContentsMargins(0, 0, 0, 0);
    leftLayout->addWidget(formScroll, 3);
    leftLayout->addLayout(buttons);
    leftLayout->addWidget(progress_);
    leftLayout->addWidget(result_);
    leftLayout->addWidget(log_, 1);
    leftLayout->addStretch(0); // takes the height when the form and the log step aside (presentation mode)

    chart_ = named(new TrainingChart, "trainingChart", tr("Loss and accuracy per epoch"));
    sparsityChart_ = named(new SparsityChart, "sparsityChart", tr("Accuracy against weights remaining"));
    layer_ = named(new QComboBox, "layerCombo", tr("Layer shown in the histogram and the mask heatmap"));
    layer_->setPlaceholderText(tr("(layers appear after the dense training)"));
    layer_->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    histogram_ = named(new WeightHistogramWidget, "weightHistogram", tr("Weight histogram"));
    heatmap_ = named(new MaskHeatmapWidget, "maskHeatmap", tr("Mask heatmap"));
    connect(layer_, &QComboBox::currentIndexChanged, this, [this](int index) {
        histogram_->setLayer(index);
        heatmap_->setLayer(index);
    });

    auto* topCharts = new QSplitter(Qt::Horizontal);
    topCharts->setObjectName(QStringLiteral("runTopCharts"));
    layerSparsity_ = named(new LayerSparsityChart, "layerSparsityChart", tr("Sparsity of each layer across rounds"));
    auto* sparsityTabs = new QTabWidget;
    sparsityTabs->setObjectName(QStringLiteral("sparsityTabs"));
    sparsityTabs->setDocumentMode(true);
    sparsityTabs->addTab(sparsityChart_, tr("Accuracy vs weights"));
    sparsityTabs->addTab(layerSparsity_, tr("Sparsity per layer"));
    topCharts->addWidget(chart_);
    topCharts->addWidget(sparsityTabs);
    topCharts->setStretchFactor(0, 3);
    topCharts->setStretchFactor(1, 2);
    topCharts->setSizes({640, 420}); // the training chart's legend has five entries
    auto* layerCharts = new QSplitter(Qt::Horizontal);
    layerCharts->addWidget(histogram_);
    // The mask heatmap and, for an MLP on images, the input map (what the first layer keeps of each pixel).
    inputMap_ = named(new InputMapWidget, "inputMapWidget", tr("Input map: weights kept per pixel"));
    maskTabs_ = new QTabWidget;
    maskTabs_->setObjectName(QStringLiteral("maskTabs"));
    maskTabs_->setDocumentMode(true);
    maskTabs_->addTab(heatmap_, tr("Mask heatmap"));
    maskTabs_->addTab(inputMap_, tr("Input map"));
    layerCharts->addWidget(maskTabs_);
    connect(heatmap_, &MaskHeatmapWidget::unitChosen, this, [this](int layer, int unit) {
        if (layer != 0 || inputMap_->keptImage().isNull())
            return;
        inputMap_->setNeuron(unit); // Ctrl+click on a row of the first layer: that neuron's kept weights
        maskTabs_->setCurrentWidget(inputMap_);
    });
    auto* layerPanel = new QWidget;
    layerPanel->setObjectName(QStringLiteral("runLayerPanel"));
    auto* layerLayout = new QVBoxLayout(layerPanel);
    layerLayout->setContentsMargins(0, 0, 0, 0);
    auto* layerRow = new QHBoxLayout;
    auto* layerLabel = new QLabel(tr("&Layer:"));
    layerLabel->setBuddy(layer_);
    layerRow->addWidget(layerLabel);
    layerRow->addWidget(layer_);
    layerRow->addStretch(1);
    layerLayout->addLayout(layerRow);
    layerLayout->addWidget(layerCharts, 1);
    auto* rightColumn = new QSplitter(Qt::Vertical);
    rightColumn->setObjectName(QStringLiteral("runCharts"));
    rightColumn->addWidget(topCharts);
    rightColumn->addWidget(layerPanel);

    auto* splitter = new QSplitter(Qt::Horizontal);
    splitter->addWidget(leftColumn);
    splitter->addWidget(rightColumn);
    splitter->setStretchFactor(0, 1);
    splitter->setStretchFactor(1, 3);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(splitter);

    connect(job_, &workbench::RunJob::progressChanged, this, [this](int percent) {
        progress_->setValue(percent);
        updateProgressText();
    });
    connect(job_, &workbench::RunJob::etaChanged, this, [this](double seconds) {
        etaSeconds_ = seconds;
        updateProgressText();
    });
    connect(job_, &workbench::RunJob::pausedChanged, this, [this](bool) {
        updateButtons();
        updateProgressText();
    });
    connect(job_, &workbench::RunJob::logMessage, this, &RunPage::appendLog);
    connect(job_, &workbench::RunJob::epochFinished, this, [this](const EpochStats& stats) {
        chart_->addEpoch(stats);
        appendLog(workbench::describe(stats));
    });
    connect(job_, &workbench::RunJob::roundFinished, this, &RunPage::addRound);
    connect(job_, &workbench::RunJob::finished, this, [this](const RunSummary& summary) {
        appendLog(workbench::describe(summary));
        const QString knee = kneeText();
        if (!knee.isEmpty())
            appendLog(knee);
        result_->setText(knee.isEmpty() ? workbench::describe(summary)
                                        : tr("%1 · %2").arg(workbench::describe(summary), knee));
        etaSeconds_ = -1.0;
        updateProgressText();
        updateButtons();
    });
    connect(comparisonJob_, &workbench::ComparisonJob::variantStarted, this,
            [this](int index, const QString& label, const QString& path) {
                // Each variant's own curves; the finished ones stay overlaid on the sparsity chart.
                chart_->clear();
                sparsityChart_->clear(); // its overlays stay; the last variant's line and knee go with it
                layerSparsity_->clear();
                histogram_->clear();
                heatmap_->clear();
                inputMap_->clear();
                appendLog(tr("== variant %1 of %2: %3 (%4)")
                              .arg(index + 1)
                              .arg(comparisonJob_->comparison()->entries().size())
                              .arg(label, path));
                emit message(tr("Comparison: variant %1 of %2, %3…")
                                 .arg(index + 1)
                                 .arg(comparisonJob_->comparison()->entries().size())
                                 .arg(label));
            });
    connect(comparisonJob_, &workbench::ComparisonJob::variantFinished, this, &RunPage::onVariantFinished);
    connect(comparisonJob_, &workbench::ComparisonJob::finished, this, &RunPage::onComparisonFinished);
    updateButtons();
}

void RunPage::addRound(const RoundStats& stats)
{
    if (stats.round > 0)
        chart_->markPruning(stats);
    if (stats.sensitivityLayer.isEmpty()) // a sensitivity round prunes one layer: no point of the overall curve
        sparsityChart_->addRound(stats);
    layerSparsity_->addRound(stats);
    histogram_->addRound(stats);
    heatmap_->addRound(stats);
    inputMap_->addRound(stats);
    if (!inputMapShown_ && !stats.layers.isEmpty() && stats.layers.first().inputHeight > 0) {
        maskTabs_->setCurrentWidget(inputMap_); // an MLP on images: the picture a class can read comes forward
        inputMapShown_ = true;
    }
    if (layer_->count() != stats.layers.size() && !stats.layers.isEmpty()) {
        const int current = std::max(0, layer_->currentIndex());
        layer_->clear();
        for (const workbench::LayerStats& layer : stats.layers)
            layer_->addItem(tr("%1 (%2 weights)").arg(layer.name).arg(layer.total));
        layer_->setCurrentIndex(std::min(current, int(layer_->count()) - 1));
    }
    appendLog(workbench::describe(stats));
}

void RunPage::setSampleImages(const QList<QImage>& images, const QStringList& names)
{
    inputMap_->setSamples(images, names);
}

workbench::Recipe RunPage::recipe() const
{
    return form_->recipe();
}

void RunPage::setRecipe(const workbench::Recipe& r)
{
    form_->setRecipe(r);
}

void RunPage::setDatasetAvailable(bool available)
{
    datasetAvailable_ = available;
    updateButtons();
}

void RunPage::startRun()
{
    if (!datasetAvailable_ || isBusy())
        return;
    if (!form_->problem().isEmpty()) {
        emit message(form_->problem());
        return;
    }
    workbench::Recipe config = recipe();
    if (!datasetSource_.isEmpty())
        config.dataset.source = datasetSource_;
    clearCharts();
    if (config.runsAsComparison()) {
        if (sessionsRoot_.isEmpty()) {
            emit error(tr("Comparison not started"), tr("A comparison keeps each variant as a session: choose a "
                                                        "sessions folder on the Sessions page first."));
            return;
        }
        try {
            startComparison(workbench::Comparison::create(sessionsRoot_, config));
        } catch (const std::exception& e) {
            emit error(tr("Comparison not started"), QString::fromLocal8Bit(e.what()));
        }
        return;
    }
    job_->setRecipe(config);
    // Every run is a session on disk: it can be reopened, compared, resumed and exported later.
    QString saved;
    try {
        if (!sessionsRoot_.isEmpty()) {
            saved = job_->setNewSession(sessionsRoot_);
        } else {
            job_->setSession({});
        }
    } catch (const std::exception& e) {
        job_->setSession({});
        appendLog(tr("This run is not saved: %1").arg(QString::fromLocal8Bit(e.what())));
    }
    job_->start();
    emit message(saved.isEmpty() ? tr("Training (not saved)…") : tr("Training… saving to %1").arg(saved));
    updateProgressText();
    updateButtons();
}

void RunPage::resumeSession(const QString& sessionPath, const workbench::RecordedRun& recorded)
{
    if (job_->isRunning())
        return;
    job_->continueSession(sessionPath); // throws SessionError for a folder that is not a session
    clearCharts();
    // The completed rounds come back from the session; the worker then runs the rest live.
    showRecorded(recorded);
    result_->clear();
    job_->start();
    emit message(tr("Resuming %1…").arg(sessionPath));
    updateProgressText();
    updateButtons();
}

void RunPage::resumeComparison(const workbench::Comparison& comparison)
{
    if (isBusy())
        return;
    clearCharts();
    startComparison(comparison);
}

void RunPage::startComparison(const workbench::Comparison& comparison)
{
    // Variants completed before (a resumed comparison) are overlaid from their sessions at once.
    variantsDone_ = comparison.isRepeated() ? decltype(variantsDone_){} : comparison.recordedRounds(true);
    sparsityChart_->setOverlays(variantsDone_);
    showBands(comparison, true);
    appendLog(tr("comparison of %1 variants: %2").arg(comparison.entries().size()).arg(comparison.session().path()));
    comparisonJob_->start(comparison);
    updateProgressText();
    updateButtons();
}

void RunPage::onVariantFinished(int, const QString& label, const RunSummary& summary)
{
    if (summary.outcome != RunSummary::Outcome::Completed || summary.session.isEmpty())
        return;
    if (comparisonJob_->comparison() && comparisonJob_->comparison()->isRepeated()) {
        showBands(*comparisonJob_->comparison(), true); // the mean and band over the seeds done so far
        return;
    }
    try {
        variantsDone_.append({label, workbench::SessionStore::reopen(summary.session).rounds});
        sparsityChart_->setOverlays(variantsDone_);
    } catch (const std::exception& e) {
        appendLog(tr("variant %1 not overlaid: %2").arg(label, QString::fromLocal8Bit(e.what())));
    }
}

void RunPage::onComparisonFinished(const QString& status, const QString& text)
{
    const workbench::Comparison& comparison = *comparisonJob_->comparison();
    sparsityChart_->clear(); // the last variant is overlaid with the others now
    if (!text.isEmpty())
        appendLog(text);
    appendLog(tr("comparison %1:\n%2").arg(status, comparison.table()));
    if (comparison.isRepeated())
        appendLog(tr("over the seeds:\n%1").arg(comparison.repeatTable()));
    const QString results = comparison.session().filePath(QStringLiteral("results/comparison.html"));
    result_->setText(tr("Comparison %1: %2 variants; table and chart in %3")
                         .arg(status)
                         .arg(comparison.entries().size())
                         .arg(QDir::toNativeSeparators(results)));
    etaSeconds_ = -1.0;
    updateProgressText();
    updateButtons();
    emit message(tr("Comparison %1: %2").arg(status, comparison.session().path()));
    emit comparisonFinished(comparison.session().path(), status);
}

void RunPage::showComparison(const workbench::Comparison& comparison)
{
    clearCharts();
    variantsDone_ = comparison.isRepeated() ? decltype(variantsDone_){} : comparison.recordedRounds();
    sparsityChart_->setOverlays(variantsDone_);
    showBands(comparison, false);
    const QString state = comparison.session().state().value(QStringLiteral("status")).toString();
    appendLog(tr("comparison %1 (%2):\n%3").arg(comparison.session().path(), state, comparison.table()));
    if (comparison.isRepeated())
        appendLog(tr("over the seeds:\n%1").arg(comparison.repeatTable()));
    result_->setText(
        tr("Comparison %1 (%2): %3 variants; table and chart in %4")
            .arg(comparison.session().name(), state)
            .arg(comparison.entries().size())
            .arg(QDir::toNativeSeparators(comparison.session().filePath(QStringLiteral("results/comparison.html")))));
}

void RunPage::showBands(const workbench::Comparison& comparison, bool completedOnly)
{
    QList<QPair<QString, QList<workbench::RepeatRound>>> bands;
    if (comparison.isRepeated()) {
        try {
            for (const auto& [group, runs] : comparison.recordedGroups(completedOnly))
                if (!runs.isEmpty())
                    bands.append({group, workbench::RepeatStats::aggregate(runs)});
        } catch (const std::exception& e) {
            appendLog(tr("seeds not aggregated: %1").arg(QString::fromLocal8Bit(e.what())));
        }
    }
    sparsityChart_->setBands(bands);
}

QString RunPage::kneeText() const
{
    return sparsityChart_->knee().describe();
}

bool RunPage::isBusy() const
{
    return job_->isRunning() || comparisonJob_->isRunning();
}

void RunPage::clearCharts()
{
    chart_->clear();
    sparsityChart_->clear();
    layerSparsity_->clear();
    histogram_->clear();
    heatmap_->clear();
    inputMap_->clear();
    inputMapShown_ = false;
    log_->clear();
    result_->clear();
    progress_->setValue(0);
    etaSeconds_ = -1.0;
}

void RunPage::showRecorded(const workbench::RecordedRun& run)
{
    clearCharts();
    for (const EpochStats& epoch : run.epochs)
        chart_->addEpoch(epoch);
    for (const RoundStats& round : run.rounds)
        addRound(round);
    result_->setText(tr("Session %1 (%2): %3 of %4 rounds")
                         .arg(run.info.name, run.info.status)
                         .arg(run.info.completedRound + 1)
                         .arg(run.info.rounds + 1));
}

void RunPage::setComparison(const QList<QPair<QString, QList<workbench::RoundStats>>>& runs)
{
    sparsityChart_->setOverlays(runs);
}

void RunPage::cancelRun()
{
    if (!isBusy())
        return;
    if (comparisonJob_->isRunning())
        comparisonJob_->cancel(); // the variant that runs keeps its completed rounds; Resume continues
    else
        job_->cancel();
    cancel_->setEnabled(false);
    pause_->setEnabled(false);
    emit message(tr("Cancelling…"));
}

void RunPage::setPresentation(bool on)
{
    // On a projector (1024×768 or 1280×720, large fonts) the charts need the room: the recipe form and the log step
    // aside (Start, Pause, Cancel, the progress and the result line stay; the log's small print is unreadable from
    // the back of a room anyway), so does the weight histogram (the mask and input map keep the lower row), the two
    // top charts share their row equally and get three quarters of the height. Off: the form, the log and the
    // histogram are back; the person's own splitter sizes are left alone.
    findChild<QWidget*>(QStringLiteral("recipeFormScroll"))->setVisible(!on);
    log_->setVisible(!on);
    histogram_->setVisible(!on);
    auto* top = findChild<QSplitter*>(QStringLiteral("runTopCharts"));
    if (on)
        top->setSizes({top->width() / 2, top->width() - top->width() / 2});
    auto* charts = findChild<QSplitter*>(QStringLiteral("runCharts"));
    charts->setStretchFactor(0, on ? 3 : 0); // kept when the lesson panel or a smaller screen takes height
    charts->setStretchFactor(1, on ? 1 : 0);
    if (!on)
        return;
    const int h = std::max(charts->height(), 400);
    charts->setSizes({h * 3 / 4, h - h * 3 / 4});
}

void RunPage::setLayerPanelCollapsed(bool collapsed)
{
    findChild<QWidget*>(QStringLiteral("runLayerPanel"))->setVisible(!collapsed);
}

void RunPage::togglePause()
{
    if (!job_->isRunning())
        return;
    if (job_->isPaused())
        job_->resume();
    else
        job_->pause();
}

void RunPage::updateProgressText()
{
    QString text = QStringLiteral("%p%");
    if (comparisonJob_->isRunning())
        text = tr("variant %1 of %2: %p%")
                   .arg(comparisonJob_->variant() + 1)
                   .arg(comparisonJob_->comparison()->entries().size());
    if (job_->isRunning()) {
        if (job_->isPaused())
            text += tr(" — paused");
        else if (etaSeconds_ >= 0.0)
            text += tr(" — about %1 left").arg(duration(etaSeconds_));
    }
    progress_->setFormat(text);
}

void RunPage::updateButtons()
{
    const bool running = job_->isRunning();
    const bool busy = isBusy();
    start_->setEnabled(!busy && datasetAvailable_ && form_->problem().isEmpty());
    cancel_->setEnabled(busy);
    pause_->setEnabled(running);
    pause_->setText(running && job_->isPaused() ? tr("&Resume") : tr("&Pause"));
    form_->setRunning(busy);
}

void RunPage::appendLog(const QString& line)
{
    log_->appendPlainText(QTime::currentTime().toString(QStringLiteral("HH:mm:ss  ")) + line);
}

} // namespace prunelab::ui
