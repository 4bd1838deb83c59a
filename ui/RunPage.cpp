#include "ui/RunPage.h"

#include "core/workbench/RunJob.h"
#include "ui/MaskHeatmapWidget.h"
#include "ui/SparsityChart.h"
#include "ui/TrainingChart.h"
#include "ui/WeightHistogramWidget.h"

#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFontMetricsF>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QRegularExpressionValidator>
#include <QSpinBox>
#include <QSplitter>
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

template <typename W>
W* named(W* widget, const char* objectName, const QString& accessibleName)
{
    widget->setObjectName(QLatin1String(objectName));
    widget->setAccessibleName(accessibleName);
    return widget;
}

} // namespace

RunPage::RunPage(workbench::RunJob* job, QWidget* parent) : QWidget(parent), job_(job)
{
    hidden_ = named(new QLineEdit(QStringLiteral("256, 128")), "hiddenEdit", tr("MLP hidden layers"));
    hidden_->setValidator(new QRegularExpressionValidator(
        QRegularExpression(QStringLiteral("^\\s*\\d+(\\s*,\\s*\\d+)*\\s*$")), hidden_));
    hidden_->setToolTip(tr("Hidden layer widths of the MLP, comma separated"));
    epochs_ = named(new QSpinBox, "epochsSpin", tr("Epochs"));
    epochs_->setRange(1, 1000);
    optimizer_ = named(new QComboBox, "optimizerCombo", tr("Optimizer"));
    optimizer_->addItems({QStringLiteral("adam"), QStringLiteral("adamw"), QStringLiteral("sgd")});
    learningRate_ = named(new QDoubleSpinBox, "learningRateSpin", tr("Learning rate"));
    learningRate_->setDecimals(5);
    learningRate_->setRange(1e-5, 1.0);
    learningRate_->setSingleStep(1e-4);
    batchSize_ = named(new QSpinBox, "batchSizeSpin", tr("Batch size"));
    batchSize_->setRange(1, 4096);
    sparsity_ = named(new QDoubleSpinBox, "sparsitySpin", tr("Prune to sparsity"));
    sparsity_->setRange(0.0, 99.9);
    sparsity_->setDecimals(1);
    sparsity_->setSuffix(QStringLiteral(" %"));
    sparsity_->setToolTip(tr("Share of the prunable weights removed at the end; exactly this share"));
    method_ = named(new QComboBox, "methodCombo", tr("Pruning method"));
    const QList<std::pair<QString, QString>> methods{
        {"global-magnitude", tr("Smallest |w| over all layers together")},
        {"layer-magnitude", tr("Smallest |w| of each layer, the same share everywhere")},
        {"random", tr("Random weights: the control every pruning result needs")},
        {"snip", tr("Least sensitive connections |w·∂L/∂w| on a training batch")},
        {"annealed", tr("Thermodynamic: masks as Ising spins, Gibbs-sampled while the temperature anneals to 0")},
        {"neuron-l1", tr("Structured: whole neurons with the smallest L1 norm of their weights")},
        {"neuron-taylor",
         tr("Structured: whole neurons with the smallest |activation · gradient| on a calibration set")},
        {"interval-adjoint",
         tr("Structured (seed 001): whole neurons with the smallest max |A·G| of their value and adjoint intervals")}};
    for (const auto& [name, help] : methods) {
        method_->addItem(name);
        method_->setItemData(method_->count() - 1, help, Qt::ToolTipRole);
    }
    schedule_ = named(new QComboBox, "scheduleCombo", tr("Pruning schedule"));
    schedule_->addItems({QStringLiteral("one-shot"), QStringLiteral("iterative"), QStringLiteral("lottery"),
                         QStringLiteral("geometric")});
    schedule_->setToolTip(tr("one-shot: prune once, then fine-tune. iterative: reach the sparsity in several rounds, "
                             "fine-tuning after each. lottery: iterative, rewinding the survivors to their initial "
                             "weights and retraining each round. geometric (structured methods): each hidden layer "
                             "of width h keeps max(1, round(h·q^t)) neurons after round t"));
    q_ = named(new QDoubleSpinBox, "qSpin", tr("Geometric retention factor q"));
    q_->setRange(0.01, 0.99);
    q_->setDecimals(3);
    q_->setSingleStep(0.01);
    q_->setValue(0.9);
    q_->setToolTip(tr("Geometric schedule: the share of each hidden layer's neurons kept per round"));
    retentionPreview_ = named(new QPlainTextEdit, "retentionPreview", tr("Neurons kept per round"));
    retentionPreview_->setReadOnly(true);
    retentionPreview_->setFont(QFont(QStringLiteral("monospace"), 9));
    retentionPreview_->setMaximumHeight(110);
    retentionPreview_->setLineWrapMode(QPlainTextEdit::NoWrap); // one iteration per line, as in retain.txt
    retentionPreview_->setTabStopDistance(
        QFontMetricsF(retentionPreview_->font()).horizontalAdvance(QStringLiteral("0000")));
    retentionPreview_->setToolTip(tr("The geometric schedule's table (seed 001's retain.txt): the run writes it to "
                                     "results/retain.txt"));
    rounds_ = named(new QSpinBox, "roundsSpin", tr("Pruning rounds"));
    rounds_->setRange(1, 100);
    rounds_->setToolTip(tr("Rounds to reach the target sparsity (iterative and lottery)"));
    connect(schedule_, &QComboBox::currentTextChanged, this, [this] { updateButtons(); });
    connect(q_, &QDoubleSpinBox::valueChanged, this, &RunPage::updateRetentionPreview);
    connect(rounds_, &QSpinBox::valueChanged, this, &RunPage::updateRetentionPreview);
    connect(hidden_, &QLineEdit::textChanged, this, &RunPage::updateRetentionPreview);
    fineTuneEpochs_ = named(new QSpinBox, "fineTuneSpin", tr("Fine-tune epochs"));
    fineTuneEpochs_->setRange(0, 1000);
    fineTuneEpochs_->setToolTip(tr("Epochs trained after pruning; pruned weights stay exactly zero"));
    seed_ = named(new QSpinBox, "seedSpin", tr("Seed"));
    seed_->setRange(0, 1'000'000);
    auto* settingsBox = new QGroupBox(tr("Model, training and pruning"));
    auto* form = new QFormLayout(settingsBox);
    form->addRow(tr("MLP hidden layers"), hidden_);
    form->addRow(tr("Epochs"), epochs_);
    form->addRow(tr("Optimizer"), optimizer_);
    form->addRow(tr("Learning rate"), learningRate_);
    form->addRow(tr("Batch size"), batchSize_);
    form->addRow(tr("Pruning method"), method_);
    form->addRow(tr("Schedule"), schedule_);
    form->addRow(tr("Rounds"), rounds_);
    form->addRow(tr("Retention q"), q_);
    form->addRow(tr("Neurons kept"), retentionPreview_);
    form->addRow(tr("Prune to sparsity"), sparsity_);
    form->addRow(tr("Fine-tune epochs"), fineTuneEpochs_);
    form->addRow(tr("Seed"), seed_);

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

    auto* leftColumn = new QWidget;
    auto* leftLayout = new QVBoxLayout(leftColumn);
    leftLayout->setContentsMargins(0, 0, 0, 0);
    leftLayout->addWidget(settingsBox);
    leftLayout->addLayout(buttons);
    leftLayout->addWidget(progress_);
    leftLayout->addWidget(result_);
    leftLayout->addWidget(log_, 1);

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
    topCharts->addWidget(chart_);
    topCharts->addWidget(sparsityChart_);
    topCharts->setStretchFactor(0, 3);
    topCharts->setStretchFactor(1, 2);
    topCharts->setSizes({640, 420}); // the training chart's legend has five entries
    auto* layerCharts = new QSplitter(Qt::Horizontal);
    layerCharts->addWidget(histogram_);
    layerCharts->addWidget(heatmap_);
    auto* layerPanel = new QWidget;
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
        result_->setText(workbench::describe(summary));
        etaSeconds_ = -1.0;
        updateProgressText();
        updateButtons();
    });
    updateButtons();
}

void RunPage::addRound(const RoundStats& stats)
{
    if (stats.round > 0)
        chart_->markPruning(stats);
    sparsityChart_->addRound(stats);
    histogram_->addRound(stats);
    heatmap_->addRound(stats);
    if (layer_->count() != stats.layers.size() && !stats.layers.isEmpty()) {
        const int current = std::max(0, layer_->currentIndex());
        layer_->clear();
        for (const workbench::LayerStats& layer : stats.layers)
            layer_->addItem(tr("%1 (%2 weights)").arg(layer.name).arg(layer.total));
        layer_->setCurrentIndex(std::min(current, int(layer_->count()) - 1));
    }
    appendLog(workbench::describe(stats));
}

workbench::Recipe RunPage::recipe() const
{
    // The recipe set last (a preset, a recipe file, quick-demo at first) with the form's values over it: fields the
    // form does not show (architecture, initialisation, rewinding, …) are kept as that recipe has them.
    workbench::Recipe r = base_;
    r.model.hidden.clear();
    for (const QString& part : hidden_->text().split(QLatin1Char(','), Qt::SkipEmptyParts))
        if (const int width = part.trimmed().toInt(); width > 0)
            r.model.hidden.append(width);
    r.train.epochs = epochs_->value();
    r.train.optimizer = optimizer_->currentText();
    r.train.lr = learningRate_->value();
    r.train.batchSize = batchSize_->value();
    r.prune.method = method_->currentText();
    r.prune.schedule = schedule_->currentText();
    const bool sparsityEdited = sparsity_->value() != shownSparsity_;
    r.prune.sparsity = sparsityEdited ? sparsity_->value() / 100.0 : base_.prune.sparsity;
    // One-shot prunes once whatever `rounds` says; a one-shot recipe keeps its own value.
    const bool oneShot = r.prune.schedule == QLatin1String("one-shot");
    r.prune.rounds = oneShot ? (base_.prune.schedule == QLatin1String("one-shot") ? base_.prune.rounds : 1)
                             : rounds_->value();
    // Iterative schedules reach the target in `rounds` equal steps of the remaining weights: 1 − (1 − rate)^rounds.
    // Only when the form changed them: a preset's own rate (lottery: 20 % a round) stays as the preset has it.
    if (sparsityEdited || r.prune.rounds != base_.prune.rounds || r.prune.schedule != base_.prune.schedule)
        r.prune.rate = std::min(0.99, 1.0 - std::pow(1.0 - sparsity_->value() / 100.0, 1.0 / r.prune.rounds));
    r.prune.q = q_->value();
    r.prune.fineTuneEpochs = fineTuneEpochs_->value();
    r.seed = quint64(seed_->value());
    return r;
}

void RunPage::setRecipe(const workbench::Recipe& r)
{
    base_ = r;
    QStringList widths;
    for (int width : r.model.hidden)
        widths.append(QString::number(width));
    hidden_->setText(widths.join(QStringLiteral(", ")));
    epochs_->setValue(r.train.epochs);
    optimizer_->setCurrentText(r.train.optimizer);
    learningRate_->setValue(r.train.lr);
    batchSize_->setValue(r.train.batchSize);
    // A recipe's value the lists do not offer yet (a sweep, the threshold method, …) is added, never replaced.
    for (const auto& [combo, value] : {std::pair{optimizer_, r.train.optimizer}, std::pair{method_, r.prune.method},
                                       std::pair{schedule_, r.prune.schedule}}) {
        if (combo->findText(value) < 0)
            combo->addItem(value);
        combo->setCurrentText(value);
    }
    rounds_->setValue(r.prune.rounds);
    q_->setValue(r.prune.q);
    // Iterative and lottery schedules prune by `rate` each round: the form shows where that ends.
    const bool perRound = r.prune.schedule == QLatin1String("iterative") || r.prune.schedule == QLatin1String("lottery");
    sparsity_->setValue(100.0 * (perRound ? 1.0 - std::pow(1.0 - r.prune.rate, r.prune.rounds) : r.prune.sparsity));
    shownSparsity_ = sparsity_->value();
    fineTuneEpochs_->setValue(r.prune.fineTuneEpochs);
    seed_->setValue(int(r.seed));
    updateButtons();
}

void RunPage::setDatasetAvailable(bool available)
{
    datasetAvailable_ = available;
    updateButtons();
}

void RunPage::startRun()
{
    if (!datasetAvailable_ || job_->isRunning())
        return;
    workbench::Recipe config = recipe();
    if (config.model.hidden.isEmpty()) {
        emit message(tr("Give at least one hidden layer width, e.g. 256, 128"));
        hidden_->setFocus();
        return;
    }
    if (!datasetSource_.isEmpty())
        config.dataset.source = datasetSource_;
    clearCharts();
    job_->setRecipe(config);
    // Every run is a session on disk: it can be reopened, compared, resumed and exported later.
    QString saved;
    try {
        if (!sessionsRoot_.isEmpty()) {
            const workbench::Session session = workbench::SessionStore(sessionsRoot_).create(config.name);
            job_->setSession(session.path());
            saved = session.path();
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

void RunPage::clearCharts()
{
    chart_->clear();
    sparsityChart_->clear();
    histogram_->clear();
    heatmap_->clear();
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
    if (!job_->isRunning())
        return;
    job_->cancel();
    cancel_->setEnabled(false);
    pause_->setEnabled(false);
    emit message(tr("Cancelling…"));
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
    start_->setEnabled(!running && datasetAvailable_);
    cancel_->setEnabled(running);
    pause_->setEnabled(running);
    pause_->setText(running && job_->isPaused() ? tr("&Resume") : tr("&Pause"));
    for (QWidget* w : std::initializer_list<QWidget*>{hidden_, epochs_, optimizer_, learningRate_, batchSize_, method_,
                                                      schedule_, sparsity_, fineTuneEpochs_, seed_})
        w->setEnabled(!running);
    rounds_->setEnabled(!running && schedule_->currentText() != QLatin1String("one-shot"));
    const bool geometric = schedule_->currentText() == QLatin1String("geometric");
    q_->setEnabled(!running && geometric);
    sparsity_->setEnabled(!running && !geometric); // the table sets how many neurons each round keeps
    retentionPreview_->setEnabled(geometric);
    updateRetentionPreview();
}

void RunPage::updateRetentionPreview() {
    if (schedule_->currentText() != QLatin1String("geometric")) {
        retentionPreview_->setPlainText(tr("(geometric schedule only)"));
        return;
    }
    QList<int> widths;
    for (const QString& part : hidden_->text().split(QLatin1Char(','), Qt::SkipEmptyParts))
        if (const int width = part.trimmed().toInt(); width > 0)
            widths.append(width);
    retentionPreview_->setPlainText(workbench::Recipe::retentionTable(widths, q_->value(), rounds_->value()));
}

void RunPage::appendLog(const QString& line)
{
    log_->appendPlainText(QTime::currentTime().toString(QStringLiteral("HH:mm:ss  ")) + line);
}

} // namespace prunelab::ui
