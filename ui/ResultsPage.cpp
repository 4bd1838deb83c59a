#include "ui/ResultsPage.h"

#include "core/engine/pruning/MethodCatalogue.h"
#include "core/workbench/RunJob.h"
#include "core/workbench/SensitivityAnalysis.h"
#include "core/workbench/Session.h"
#include "ui/ConfusionMatrixWidget.h"
#include "ui/HeightForWidth.h"
#include "ui/WholeCells.h"
#include "ui/charts/ChartContextMenu.h"
#include "ui/charts/SensitivityChart.h"

#include <QEvent>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QJsonObject>
#include <QLabel>
#include <QPushButton>
#include <QScrollArea>
#include <QSplitter>
#include <QTableWidget>
#include <QVBoxLayout>

#include <algorithm>

namespace prunelab::ui {

namespace {

QTableWidgetItem* cell(const QString& text, bool number = true)
{
    auto* item = new QTableWidgetItem(text);
    if (number)
        item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
    return item;
}

QString percent(double share)
{
    return QStringLiteral("%1 %").arg(100.0 * share, 0, 'f', 1);
}

QString megabytes(qint64 bytes)
{
    return QStringLiteral("%1 MB").arg(double(bytes) / 1e6, 0, 'f', 2);
}

QString count(double n)
{
    return n >= 1e6   ? QStringLiteral("%1 M").arg(n / 1e6, 0, 'f', 2)
           : n >= 1e4 ? QStringLiteral("%1 k").arg(n / 1e3, 0, 'f', 1)
                      : QString::number(qint64(n));
}

/// "×3.2 smaller" style: how many times `before` is `after`.
QString change(double before, double after, const QString& smaller, const QString& larger)
{
    if (before <= 0 || after <= 0)
        return QStringLiteral("—");
    return before >= after ? ResultsPage::tr("×%1 %2").arg(before / after, 0, 'f', 2).arg(smaller)
                           : ResultsPage::tr("×%1 %2").arg(after / before, 0, 'f', 2).arg(larger);
}

} // namespace

ResultsPage::ResultsPage(workbench::RunJob* job, QWidget* parent) : QWidget(parent)
{
    headline_ = new QLabel(tr("Start a run on the Run page; its rounds appear here as they finish."));
    headline_->setObjectName(QStringLiteral("resultsHeadline"));
    headline_->setWordWrap(true);

    roundsTable_ = new QTableWidget(0, 9);
    roundsTable_->setObjectName(QStringLiteral("roundsTable"));
    roundsTable_->setAccessibleName(tr("Results per pruning round"));
    roundsTable_->setHorizontalHeaderLabels({tr("Round"), tr("Sparsity"), tr("Weights kept"), tr("Acc. after pruning"),
                                             tr("Validation acc."), tr("Test acc."), tr("Macro F1"), tr("Sparse size"),
                                             tr("MACs left")});
    showWholeCells(roundsTable_); // nine columns: the table scrolls sideways on a narrow screen
    roundsTable_->verticalHeader()->hide();
    roundsTable_->setEditTriggers(QAbstractItemView::NoEditTriggers);
    roundsTable_->setSelectionBehavior(QAbstractItemView::SelectRows);
    roundsTable_->setSelectionMode(QAbstractItemView::SingleSelection);
    roundsTable_->setToolTip(tr("Click a round to see its confusion matrix and classification report. "
                                "The best round is in bold on a green background."));
    connect(roundsTable_, &QTableWidget::currentCellChanged, this, [this](int row) {
        if (row >= 0)
            showRound(row);
    });
    ChartContextMenu::install(roundsTable_, QStringLiteral("rounds"), [this] { return roundsCsv(); });

    confusion_ = new ConfusionMatrixWidget;
    confusion_->setObjectName(QStringLiteral("confusionMatrix"));
    report_ = new QTableWidget(0, 5);
    report_->setObjectName(QStringLiteral("classificationReport"));
    report_->setAccessibleName(tr("Classification report"));
    report_->setHorizontalHeaderLabels({tr("Class"), tr("Precision"), tr("Recall"), tr("F1"), tr("Support")});
    showWholeCells(report_, TableWidth::Hold); // class names and scores in full
    report_->verticalHeader()->hide();
    report_->setEditTriggers(QAbstractItemView::NoEditTriggers);

    cost_ = new QTableWidget(4, 3);
    cost_->setObjectName(QStringLiteral("costTable"));
    cost_->setAccessibleName(tr("The chosen round against the dense model: parameters, size, compute, latency"));
    cost_->setHorizontalHeaderLabels({tr("Before (dense)"), tr("After"), tr("Change")});
    cost_->setVerticalHeaderLabels({tr("Parameters"), tr("Size"), tr("Multiply-adds / image"), tr("Latency, 1 image")});
    showWholeCells(cost_, TableWidth::Hold); // before, after and change side by side, in full
    cost_->setEditTriggers(QAbstractItemView::NoEditTriggers);
    cost_->setSelectionMode(QAbstractItemView::NoSelection);
    cost_->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    cost_->setVerticalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    cost_->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    fitCostTable();
    ChartContextMenu::install(cost_, QStringLiteral("before-after"), [this] { return costCsv(); });
    costNote_ = new QLabel;
    costNote_->setObjectName(QStringLiteral("costNote"));
    costNote_->setWordWrap(true);
    costNote_->setForegroundRole(QPalette::PlaceholderText);
    validate_ = new QPushButton(tr("&Validate"));
    validate_->setObjectName(QStringLiteral("resultsValidateButton"));
    validate_->setToolTip(tr("Reload the saved model of the last round and check that it reproduces the recorded "
                             "accuracy"));
    connect(validate_, &QPushButton::clicked, this, [this] { emit validateRequested(session_); });
    export_ = new QPushButton(tr("E&xport…"));
    export_->setObjectName(QStringLiteral("resultsExportButton"));
    export_->setToolTip(tr("Write a report, plots, CSV, a model for Python or C++, or a zip bundle of this session"));
    connect(export_, &QPushButton::clicked, this, [this] { emit exportRequested(session_); });
    auto* costBox = new QGroupBox(tr("Before and after pruning"));
    auto* costLayout = new QVBoxLayout(costBox);
    costLayout->addWidget(cost_);
    costLayout->addWidget(costNote_);
    auto* sessionButtons = new QHBoxLayout;
    sessionButtons->addWidget(validate_);
    sessionButtons->addWidget(export_);
    sessionButtons->addStretch(1);
    costLayout->addLayout(sessionButtons);
    followHeightForWidth(costBox); // the note's wrapped lines stay under the table, not over it

    auto* roundsBox = new QGroupBox(tr("Rounds"));
    auto* roundsLayout = new QVBoxLayout(roundsBox);
    roundsLayout->addWidget(roundsTable_);
    auto* reportBox = new QGroupBox(tr("Classification report"));
    auto* reportLayout = new QVBoxLayout(reportBox);
    reportLayout->addWidget(report_);
    auto* bottom = new QSplitter(Qt::Horizontal);
    bottom->addWidget(confusion_);
    bottom->addWidget(reportBox);
    bottom->setStretchFactor(0, 3);
    bottom->setStretchFactor(1, 2);
    bottom->setSizes({760, 600});
    sensitivity_ = new SensitivityChart;
    sensitivity_->setObjectName(QStringLiteral("sensitivityChart"));
    sensitivity_->setAccessibleName(tr("Validation accuracy against each layer's sparsity, one line per layer"));
    sensitivityNote_ = new QLabel;
    sensitivityNote_->setObjectName(QStringLiteral("sensitivityProposal"));
    sensitivityNote_->setWordWrap(true);
    sensitivityNote_->setTextInteractionFlags(Qt::TextSelectableByMouse); // the sparsities are there to be copied
    auto* sensitivityBox = new QGroupBox(tr("Sensitivity per layer"));
    auto* sensitivityLayout = new QVBoxLayout(sensitivityBox);
    sensitivityLayout->addWidget(sensitivity_, 1);
    sensitivityLayout->addWidget(sensitivityNote_);
    sensitivityBox_ = sensitivityBox;
    sensitivityBox_->hide();
    bottom->insertWidget(0, sensitivityBox_);
    auto* top = new QSplitter(Qt::Horizontal);
    top->addWidget(roundsBox);
    top->addWidget(costBox);
    top->setStretchFactor(0, 3);
    top->setStretchFactor(1, 2);
    top->setSizes({820, 540});
    auto* splitter = new QSplitter(Qt::Vertical);
    splitter->addWidget(top);
    splitter->addWidget(bottom);
    splitter->setStretchFactor(0, 1);
    splitter->setStretchFactor(1, 2);
    splitter->setSizes({320, 520});
    // On a short screen (a projector's 720 lines with the lesson's text above) the page scrolls down instead of
    // making the window taller than the screen.
    auto* scroll = new QScrollArea;
    scroll->setObjectName(QStringLiteral("resultsPageScroll"));
    scroll->setWidget(splitter);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(headline_);
    layout->addWidget(scroll, 1);

    connect(job, &workbench::RunJob::started, this, [this, job] {
        clear();
        maxDrop_ = job->recipe().prune.maxDrop;
        session_ = job->sessionPath();
        running_ = true;
        updateButtons();
    });
    connect(job, &workbench::RunJob::roundFinished, this, &ResultsPage::addRound);
    connect(job, &workbench::RunJob::finished, this, [this](const workbench::RunSummary& summary) {
        headline_->setText(workbench::describe(summary).toHtmlEscaped());
        running_ = false;
        session_ = summary.session;
        updateButtons();
        if (summary.outcome == workbench::RunSummary::Outcome::Completed)
            highlightBest(summary.bestRound);
    });
}

void ResultsPage::setSession(const QString& path)
{
    session_ = path;
    try { // a reopened sensitivity run proposes for its own prune.max_drop
        maxDrop_ = workbench::Session::open(path)
                       .recipeJson()
                       .value(QStringLiteral("prune"))
                       .toObject()
                       .value(QStringLiteral("max_drop"))
                       .toDouble(1.0);
    } catch (const std::exception&) {
        maxDrop_ = 1.0;
    }
    updateSensitivity();
    running_ = false;
    updateButtons();
}

void ResultsPage::updateButtons()
{
    validate_->setEnabled(!session_.isEmpty() && !running_ && !rounds_.isEmpty());
    export_->setEnabled(!session_.isEmpty() && !running_ && !rounds_.isEmpty());
}

void ResultsPage::setClassNames(const QStringList& names)
{
    classNames_ = names;
}

void ResultsPage::clear()
{
    rounds_.clear();
    bestRound_ = -1;
    roundsTable_->setRowCount(0);
    report_->setRowCount(0);
    confusion_->clear();
    cost_->clearContents();
    costNote_->clear();
    sensitivity_->clear();
    sensitivityNote_->clear();
    sensitivityBox_->hide();
    headline_->setText(tr("Running… rounds appear here as they finish."));
}

void ResultsPage::showRecorded(const QString& title, const QList<workbench::RoundStats>& rounds, int bestRound)
{
    clear();
    for (const workbench::RoundStats& r : rounds)
        addRound(r);
    if (bestRound >= 0)
        highlightBest(bestRound);
    headline_->setText(title.toHtmlEscaped());
}

void ResultsPage::addRound(const workbench::RoundStats& s)
{
    rounds_.append(s);
    for (workbench::LayerStats& layer : rounds_.last().layers) { // the pictures stay with the Run page's widgets
        layer.orderedMaskImage.clear();
        layer.orderedRows.clear();
        layer.orderedColumns.clear();
        layer.inputKept.clear();
        layer.neuronWeights.clear();
        layer.neuronScales.clear();
    }
    const int row = roundsTable_->rowCount();
    roundsTable_->insertRow(row);
    roundsTable_->setItem(row, 0, cell(s.round == 0 ? tr("0 (dense)") : QString::number(s.round)));
    roundsTable_->setItem(row, 1, cell(percent(s.sparsity)));
    roundsTable_->setItem(row, 2, cell(QStringLiteral("%1 / %2").arg(s.weightsKept).arg(s.weightsTotal)));
    roundsTable_->setItem(row, 3, cell(s.round == 0 ? QStringLiteral("—") : percent(s.accuracyBefore)));
    roundsTable_->setItem(row, 4, cell(percent(s.validationAccuracy)));
    roundsTable_->setItem(row, 5, cell(s.hasTest ? percent(s.testAccuracy) : QStringLiteral("—")));
    roundsTable_->setItem(row, 6, cell(QString::number(s.macroF1, 'f', 3)));
    roundsTable_->setItem(row, 7, cell(s.sparseBytes > 0 ? megabytes(s.sparseBytes) : QStringLiteral("—")));
    roundsTable_->setItem(
        row, 8, cell(s.denseMacs > 0 ? percent(double(s.remainingMacs) / double(s.denseMacs)) : QStringLiteral("—")));
    showRound(row);
    updateButtons();
    if (!s.sensitivityLayer.isEmpty())
        updateSensitivity();
}

void ResultsPage::updateSensitivity()
{
    const workbench::SensitivityAnalysis analysis = workbench::SensitivityAnalysis::fromRounds(rounds_);
    const bool appears = sensitivityBox_->isHidden() && !analysis.isEmpty();
    sensitivityBox_->setVisible(!analysis.isEmpty());
    if (analysis.isEmpty())
        return;
    if (auto* split = qobject_cast<QSplitter*>(sensitivityBox_->parentWidget()); split != nullptr && appears) {
        // The analysis is what this run has to show: half the row, the dense model's confusion and report the rest.
        const int width = std::max(split->width(), 900);
        split->setSizes({width / 2, width / 4, width / 4});
    }
    sensitivity_->setAnalysis(analysis, maxDrop_);
    sensitivityNote_->setText(analysis.proposalText(maxDrop_));
}

void ResultsPage::showRound(int index)
{
    if (index < 0 || index >= rounds_.size())
        return;
    const workbench::RoundStats& s = rounds_[index];
    QStringList names = classNames_;
    for (qsizetype c = names.size(); c < s.confusion.size(); ++c)
        names << QString::number(c);
    confusion_->setMatrix(s.confusion, names,
                          tr("Round %1 (%2 sparse), %3 split")
                              .arg(s.round)
                              .arg(percent(s.sparsity), s.reportOnTest ? tr("test") : tr("validation")));
    report_->setRowCount(int(s.precision.size()) + 1);
    for (int c = 0; c < s.precision.size(); ++c) {
        report_->setItem(c, 0, cell(names.value(c), false));
        report_->setItem(c, 1, cell(QString::number(s.precision.value(c), 'f', 3)));
        report_->setItem(c, 2, cell(QString::number(s.recall.value(c), 'f', 3)));
        report_->setItem(c, 3, cell(QString::number(s.f1.value(c), 'f', 3)));
        report_->setItem(c, 4, cell(QString::number(s.support.value(c))));
    }
    const int last = int(s.precision.size());
    auto* macro = cell(tr("macro average"), false);
    QFont bold = macro->font();
    bold.setBold(true);
    macro->setFont(bold);
    report_->setItem(last, 0, macro);
    auto* f1 = cell(QString::number(s.macroF1, 'f', 3));
    f1->setFont(bold);
    report_->setItem(last, 3, f1);
    showCost(s);
}

void ResultsPage::showCost(const workbench::RoundStats& after)
{
    const workbench::RoundStats& before = rounds_.first(); // round 0: the trained dense model
    // After pruning, what the pruned model can be stored and run as: the compacted model for a structured method,
    // the surviving weights in CSR form otherwise.
    const bool compact = after.structured && after.compactParameters > 0;
    const double paramsAfter = compact ? double(after.compactParameters) : double(after.nonzeroParameters);
    const double bytesAfter = compact ? double(after.compactBytes) : double(after.sparseBytes);
    const double macsAfter = compact ? double(after.compactMacs) : double(after.remainingMacs);
    const double latencyAfter = after.prunedLatencyMs >= 0 ? after.prunedLatencyMs : after.latencyMs;
    const auto ms = [](double v) { return v >= 0 ? tr("%1 ms").arg(v, 0, 'f', v < 1 ? 3 : 2) : QStringLiteral("—"); };
    const QStringList rows[] = {
        {count(double(before.parameters)), count(paramsAfter),
         change(double(before.parameters), paramsAfter, tr("fewer"), tr("more"))},
        {megabytes(before.denseBytes), megabytes(qint64(bytesAfter)),
         change(double(before.denseBytes), bytesAfter, tr("smaller"), tr("larger"))},
        {count(double(before.denseMacs)), count(macsAfter),
         change(double(before.denseMacs), macsAfter, tr("fewer"), tr("more"))},
        {ms(before.latencyMs), ms(latencyAfter), change(before.latencyMs, latencyAfter, tr("faster"), tr("slower"))}};
    for (int r = 0; r < 4; ++r)
        for (int c = 0; c < 3; ++c)
            cost_->setItem(r, c, cell(rows[r][c]));
    QString note = compact ? tr("After: the compacted model of round %1 (whole neurons and filters removed), as "
                                "export compact-torchscript writes it.")
                                 .arg(after.round)
                           : tr("After: round %1's surviving weights stored sparse (CSR: value and column index "
                                "per weight); multiply-adds of the pruned weights skipped.")
                                 .arg(after.round);
    if (after.prunedLatencyPath == QLatin1String("csr"))
        note += tr(" Latency through PruneLab's CSR kernel.");
    else if (after.prunedLatencyPath == QLatin1String("compact"))
        note += tr(" Latency of the compacted model.");
    else if (after.latencyMs >= 0)
        note += tr(" Latency of the masked model: zeros in a convolution cost the same; structured pruning "
                   "(%1) makes conv nets faster.")
                    .arg(QString::fromStdString(engine::orList(engine::methodNames(true))));
    else
        note += tr(" Latency not measured (a GPU run, or a session recorded before PruneLab measured it).");
    costNote_->setText(note);
}

QString ResultsPage::costCsv() const
{
    QString csv = QStringLiteral("measure,before,after,change\n");
    for (int r = 0; r < cost_->rowCount(); ++r) {
        csv += cost_->verticalHeaderItem(r)->text();
        for (int c = 0; c < 3; ++c)
            csv += QLatin1Char(',') + (cost_->item(r, c) ? cost_->item(r, c)->text() : QString());
        csv += QLatin1Char('\n');
    }
    return csv;
}

void ResultsPage::highlightBest(int round)
{
    bestRound_ = round;
    for (int row = 0; row < roundsTable_->rowCount(); ++row) {
        const bool best = rounds_.value(row).round == round;
        for (int column = 0; column < roundsTable_->columnCount(); ++column) {
            QTableWidgetItem* item = roundsTable_->item(row, column);
            if (!item)
                continue;
            QFont font = item->font();
            font.setBold(best);
            item->setFont(font);
            // A translucent green reads on light and dark palettes alike.
            item->setBackground(best ? QBrush(QColor(0x4c, 0xaf, 0x50, 90)) : QBrush());
        }
        if (best) {
            roundsTable_->item(row, 0)->setText(roundsTable_->item(row, 0)->text() + tr("  ★ best"));
            roundsTable_->selectRow(row);
            showRound(row);
        }
    }
}

QString ResultsPage::roundsCsv() const
{
    QString csv =
        QStringLiteral("round,sparsity,weights_kept,weights_total,accuracy_before_finetune,validation_accuracy,"
                       "test_accuracy,macro_f1,sparse_bytes,remaining_macs,best\n");
    for (const workbench::RoundStats& s : rounds_)
        csv += QStringLiteral("%1,%2,%3,%4,%5,%6,%7,%8,%9,%10,%11\n")
                   .arg(s.round)
                   .arg(s.sparsity, 0, 'g', 6)
                   .arg(s.weightsKept)
                   .arg(s.weightsTotal)
                   .arg(s.accuracyBefore, 0, 'g', 6)
                   .arg(s.validationAccuracy, 0, 'g', 6)
                   .arg(s.hasTest ? QString::number(s.testAccuracy, 'g', 6) : QString())
                   .arg(s.macroF1, 0, 'g', 6)
                   .arg(s.sparseBytes)
                   .arg(s.remainingMacs)
                   .arg(s.round == bestRound_ ? 1 : 0);
    return csv;
}

void ResultsPage::fitCostTable()
{
    // From the page's font: on a font change the page hears of it before or after its children, either way.
    const int line = fontMetrics().height();
    const int row = std::max(cost_->verticalHeader()->defaultSectionSize(), line + 8);
    cost_->verticalHeader()->setDefaultSectionSize(row);
    const int header = std::max(cost_->horizontalHeader()->sizeHint().height(), line + 10);
    const int costHeight = header + 4 * row + 2 * cost_->frameWidth() + 2;
    cost_->setMinimumHeight(costHeight); // all four rows, always
    cost_->setMaximumHeight(costHeight);
}

void ResultsPage::changeEvent(QEvent* event)
{
    QWidget::changeEvent(event);
    if (event->type() == QEvent::FontChange && cost_ != nullptr)
        fitCostTable();
}

} // namespace prunelab::ui
