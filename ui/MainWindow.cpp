#include "ui/MainWindow.h"

#include "core/workbench/RunJob.h"
#include "datasets/BrainSliceDemo.h"
#include "ui/SampleGridWidget.h"
#include "ui/SparsityChart.h"
#include "ui/TrainingChart.h"

#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QFutureWatcher>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QRegularExpressionValidator>
#include <QScrollArea>
#include <QSpinBox>
#include <QSplitter>
#include <QStatusBar>
#include <QTableWidget>
#include <QTime>
#include <QVBoxLayout>

#include <cmath>
#include <QtConcurrent/QtConcurrentRun>

namespace prunelab::ui {

using workbench::EpochStats;
using workbench::RoundStats;
using workbench::RunSummary;

MainWindow::MainWindow(QWidget* parent) : QMainWindow(parent)
{
    setWindowTitle(tr("PruneLab"));
    buildUi();

    job_ = new workbench::RunJob(this);
    connect(job_, &workbench::RunJob::progressChanged, progress_, &QProgressBar::setValue);
    connect(job_, &workbench::RunJob::logMessage, this, &MainWindow::appendLog);
    connect(job_, &workbench::RunJob::epochFinished, this, [this](const EpochStats& stats) {
        chart_->addEpoch(stats);
        appendLog(workbench::describe(stats));
    });
    connect(job_, &workbench::RunJob::roundFinished, this, [this](const RoundStats& stats) {
        if (stats.round > 0)
            chart_->markPruning(stats);
        sparsityChart_->addRound(stats);
        appendLog(workbench::describe(stats));
    });
    connect(job_, &workbench::RunJob::finished, this, [this](const RunSummary& summary) {
        appendLog(workbench::describe(summary));
        result_->setText(workbench::describe(summary));
        statusBar()->showMessage(workbench::describe(summary));
        updateButtons();
        emit runFinished(summary);
    });
    updateButtons();
}

MainWindow::~MainWindow() = default;

void MainWindow::buildUi()
{
    // Dataset: title, sample grid, class balance.
    datasetTitle_ = new QLabel(tr("No dataset loaded"));
    datasetTitle_->setWordWrap(true);
    sampleGrid_ = new SampleGridWidget;
    balanceTable_ = new QTableWidget(0, 3);
    balanceTable_->setObjectName(QStringLiteral("balanceTable"));
    balanceTable_->setHorizontalHeaderLabels({tr("Class"), tr("Images"), tr("Share")});
    balanceTable_->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    balanceTable_->verticalHeader()->hide();
    balanceTable_->setEditTriggers(QAbstractItemView::NoEditTriggers);
    balanceTable_->setMaximumHeight(150);
    auto* datasetBox = new QGroupBox(tr("Dataset"));
    auto* datasetLayout = new QVBoxLayout(datasetBox);
    datasetLayout->addWidget(datasetTitle_);
    auto* gridScroll = new QScrollArea;
    gridScroll->setWidget(sampleGrid_);
    gridScroll->setWidgetResizable(true);
    gridScroll->setFrameShape(QFrame::NoFrame);
    datasetLayout->addWidget(gridScroll, 1);
    datasetLayout->addWidget(balanceTable_);

    // Run settings.
    hidden_ = new QLineEdit(QStringLiteral("256, 128"));
    hidden_->setValidator(new QRegularExpressionValidator(QRegularExpression(QStringLiteral("^\\s*\\d+(\\s*,\\s*\\d+)*\\s*$")), hidden_));
    hidden_->setToolTip(tr("Hidden layer widths of the MLP, comma separated"));
    epochs_ = new QSpinBox;
    epochs_->setObjectName(QStringLiteral("epochsSpin"));
    epochs_->setRange(1, 1000);
    optimizer_ = new QComboBox;
    optimizer_->addItems({QStringLiteral("adam"), QStringLiteral("adamw"), QStringLiteral("sgd")});
    learningRate_ = new QDoubleSpinBox;
    learningRate_->setDecimals(5);
    learningRate_->setRange(1e-5, 1.0);
    learningRate_->setSingleStep(1e-4);
    batchSize_ = new QSpinBox;
    batchSize_->setRange(1, 4096);
    sparsity_ = new QDoubleSpinBox;
    sparsity_->setObjectName(QStringLiteral("sparsitySpin"));
    sparsity_->setRange(0.0, 99.9);
    sparsity_->setDecimals(1);
    sparsity_->setSuffix(QStringLiteral(" %"));
    sparsity_->setToolTip(tr("Global magnitude pruning: the smallest |w| over all layers are removed, exactly this share"));
    method_ = new QComboBox;
    method_->setObjectName(QStringLiteral("methodCombo"));
    const QList<std::pair<QString, QString>> methods{
        {"global-magnitude", tr("Smallest |w| over all layers together")},
        {"layer-magnitude", tr("Smallest |w| of each layer, the same share everywhere")},
        {"random", tr("Random weights: the control every pruning result needs")},
        {"snip", tr("Least sensitive connections |w·∂L/∂w| on a training batch")},
        {"annealed", tr("Thermodynamic: masks as Ising spins, Gibbs-sampled while the temperature anneals to 0")}};
    for (const auto& [name, help] : methods) {
        method_->addItem(name);
        method_->setItemData(method_->count() - 1, help, Qt::ToolTipRole);
    }
    schedule_ = new QComboBox;
    schedule_->setObjectName(QStringLiteral("scheduleCombo"));
    schedule_->addItems({QStringLiteral("one-shot"), QStringLiteral("iterative"), QStringLiteral("lottery")});
    schedule_->setToolTip(tr("one-shot: prune once, then fine-tune. iterative: reach the sparsity in several rounds, "
                             "fine-tuning after each. lottery: iterative, rewinding the survivors to their initial "
                             "weights and retraining each round"));
    rounds_ = new QSpinBox;
    rounds_->setRange(1, 100);
    rounds_->setToolTip(tr("Rounds to reach the target sparsity (iterative and lottery)"));
    connect(schedule_, &QComboBox::currentTextChanged, this,
            [this](const QString& schedule) { rounds_->setEnabled(schedule != QLatin1String("one-shot") && !isRunning()); });
    fineTuneEpochs_ = new QSpinBox;
    fineTuneEpochs_->setRange(0, 1000);
    fineTuneEpochs_->setToolTip(tr("Epochs trained after pruning; pruned weights stay exactly zero"));
    seed_ = new QSpinBox;
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
    form->addRow(tr("Prune to sparsity"), sparsity_);
    form->addRow(tr("Fine-tune epochs"), fineTuneEpochs_);
    form->addRow(tr("Seed"), seed_);

    start_ = new QPushButton(tr("Start"));
    start_->setObjectName(QStringLiteral("startButton"));
    start_->setDefault(true);
    cancel_ = new QPushButton(tr("Cancel"));
    cancel_->setObjectName(QStringLiteral("cancelButton"));
    progress_ = new QProgressBar;
    progress_->setObjectName(QStringLiteral("progressBar"));
    progress_->setRange(0, 100);
    progress_->setValue(0);
    connect(start_, &QPushButton::clicked, this, &MainWindow::startRun);
    connect(cancel_, &QPushButton::clicked, this, &MainWindow::cancelRun);
    auto* buttons = new QHBoxLayout;
    buttons->addWidget(start_);
    buttons->addWidget(cancel_);

    auto* leftColumn = new QWidget;
    auto* leftLayout = new QVBoxLayout(leftColumn);
    leftLayout->addWidget(datasetBox, 1);
    leftLayout->addWidget(settingsBox);
    leftLayout->addLayout(buttons);
    leftLayout->addWidget(progress_);

    // Live run: chart, result, log.
    chart_ = new TrainingChart;
    chart_->setObjectName(QStringLiteral("trainingChart"));
    result_ = new QLabel;
    result_->setObjectName(QStringLiteral("resultLabel"));
    result_->setWordWrap(true);
    log_ = new QPlainTextEdit;
    log_->setObjectName(QStringLiteral("runLog"));
    log_->setReadOnly(true);
    log_->setMaximumBlockCount(5000);
    log_->setFont(QFont(QStringLiteral("monospace"), 9));
    sparsityChart_ = new SparsityChart;
    sparsityChart_->setObjectName(QStringLiteral("sparsityChart"));
    auto* rightColumn = new QSplitter(Qt::Vertical);
    rightColumn->addWidget(chart_);
    rightColumn->addWidget(sparsityChart_);
    auto* bottom = new QWidget;
    auto* bottomLayout = new QVBoxLayout(bottom);
    bottomLayout->setContentsMargins(0, 0, 0, 0);
    bottomLayout->addWidget(result_);
    bottomLayout->addWidget(log_);
    rightColumn->addWidget(bottom);
    rightColumn->setStretchFactor(0, 3);
    rightColumn->setStretchFactor(1, 2);
    rightColumn->setStretchFactor(2, 1);

    auto* splitter = new QSplitter(Qt::Horizontal);
    splitter->addWidget(leftColumn);
    splitter->addWidget(rightColumn);
    splitter->setStretchFactor(0, 2);
    splitter->setStretchFactor(1, 3);
    setCentralWidget(splitter);
    resize(1400, 900);
    splitter->setSizes({600, 800});
    setRecipe(workbench::Recipe::fromJson(workbench::Recipe::presetJson(QStringLiteral("quick-demo"))));
    statusBar()->showMessage(tr("Ready"));
}

workbench::Recipe MainWindow::recipe() const
{
    workbench::Recipe r = workbench::Recipe::fromJson(workbench::Recipe::presetJson(QStringLiteral("quick-demo")));
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
    r.prune.sparsity = sparsity_->value() / 100.0;
    r.prune.rounds = r.prune.schedule == QLatin1String("one-shot") ? 1 : rounds_->value();
    // Iterative schedules reach the target in `rounds` equal steps of the remaining weights: 1 − (1 − rate)^rounds.
    r.prune.rate = std::min(0.99, 1.0 - std::pow(1.0 - r.prune.sparsity, 1.0 / r.prune.rounds));
    r.prune.fineTuneEpochs = fineTuneEpochs_->value();
    r.seed = quint64(seed_->value());
    return r;
}

void MainWindow::setRecipe(const workbench::Recipe& r)
{
    QStringList widths;
    for (int width : r.model.hidden)
        widths.append(QString::number(width));
    hidden_->setText(widths.join(QStringLiteral(", ")));
    epochs_->setValue(r.train.epochs);
    optimizer_->setCurrentText(r.train.optimizer);
    learningRate_->setValue(r.train.lr);
    batchSize_->setValue(r.train.batchSize);
    method_->setCurrentText(r.prune.method);
    schedule_->setCurrentText(r.prune.schedule);
    rounds_->setValue(r.prune.rounds);
    rounds_->setEnabled(r.prune.schedule != QLatin1String("one-shot"));
    sparsity_->setValue(r.prune.sparsity * 100.0);
    fineTuneEpochs_->setValue(r.prune.fineTuneEpochs);
    seed_->setValue(int(r.seed));
}

void MainWindow::loadDemo(const datasets::DemoOptions& options)
{
    loadingDataset_ = true;
    updateButtons();
    datasetTitle_->setText(datasets::BrainSliceDemo::available()
                               ? tr("Generating the demo dataset from a real T1 brain MRI (Colin27)…")
                               : tr("Generating the procedural demo dataset (install mricron-data for real anatomy)…"));
    statusBar()->showMessage(tr("Generating the demo dataset…"));
    auto* watcher = new QFutureWatcher<std::shared_ptr<const datasets::ImageSet>>(this);
    connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher] {
        watcher->deleteLater();
        loadingDataset_ = false;
        try {
            setDataset(watcher->result());
        } catch (const std::exception& e) {
            datasetTitle_->setText(tr("The demo dataset could not be generated: %1").arg(QString::fromLocal8Bit(e.what())));
            updateButtons();
        }
    });
    watcher->setFuture(QtConcurrent::run([options] {
        return std::shared_ptr<const datasets::ImageSet>(
            std::make_shared<datasets::ImageSet>(datasets::BrainSliceDemo::available()
                                                     ? datasets::BrainSliceDemo().generate(options)
                                                     : datasets::DemoMriGenerator().generate(options)));
    }));
}

void MainWindow::setDataset(std::shared_ptr<const datasets::ImageSet> set)
{
    dataset_ = std::move(set);
    const datasets::ImageSet& data = *dataset_;
    datasetTitle_->setText(tr("<b>%1</b><br>%2 images, %3 classes, %4×%5 %6")
                               .arg(data.sourceDescription.toHtmlEscaped())
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
        auto* count = new QTableWidgetItem(QString::number(counts[c]));
        count->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
        balanceTable_->setItem(c, 1, count);
        auto* share = new QTableWidgetItem(QStringLiteral("%1 %").arg(100.0 * double(counts[c]) / double(data.count()), 0, 'f', 1));
        share->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
        balanceTable_->setItem(c, 2, share);
    }
    job_->setDataset(dataset_);
    statusBar()->showMessage(tr("Dataset ready: %1 images").arg(data.count()));
    updateButtons();
    emit datasetReady();
}

bool MainWindow::isRunning() const
{
    return job_->isRunning();
}

void MainWindow::startRun()
{
    if (!dataset_ || job_->isRunning())
        return;
    const workbench::Recipe config = recipe();
    if (config.model.hidden.isEmpty()) {
        statusBar()->showMessage(tr("Give at least one hidden layer width, e.g. 256, 128"));
        return;
    }
    chart_->clear();
    sparsityChart_->clear();
    log_->clear();
    result_->clear();
    progress_->setValue(0);
    job_->setRecipe(config);
    job_->start();
    statusBar()->showMessage(tr("Training…"));
    updateButtons();
}

void MainWindow::cancelRun()
{
    if (!job_->isRunning())
        return;
    job_->cancel();
    cancel_->setEnabled(false);
    statusBar()->showMessage(tr("Cancelling…"));
}

void MainWindow::updateButtons()
{
    const bool running = job_ != nullptr && job_->isRunning();
    start_->setEnabled(!running && !loadingDataset_ && dataset_ != nullptr);
    cancel_->setEnabled(running);
    for (QWidget* w : std::initializer_list<QWidget*>{hidden_, epochs_, optimizer_, learningRate_, batchSize_, method_,
                                                      schedule_, sparsity_, fineTuneEpochs_, seed_})
        w->setEnabled(!running);
    rounds_->setEnabled(!running && schedule_->currentText() != QLatin1String("one-shot"));
}

void MainWindow::appendLog(const QString& line)
{
    log_->appendPlainText(QTime::currentTime().toString(QStringLiteral("HH:mm:ss  ")) + line);
}

} // namespace prunelab::ui
