#include "ui/ResultsPage.h"

#include "core/workbench/RunJob.h"
#include "ui/ChartContextMenu.h"
#include "ui/ConfusionMatrixWidget.h"

#include <QGroupBox>
#include <QHeaderView>
#include <QLabel>
#include <QSplitter>
#include <QTableWidget>
#include <QVBoxLayout>

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
                                             tr("Validation acc."), tr("Test acc."), tr("Macro F1"),
                                             tr("Sparse size"), tr("MACs left")});
    roundsTable_->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    roundsTable_->horizontalHeader()->setStretchLastSection(true);
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
    report_->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    report_->horizontalHeader()->setSectionResizeMode(0, QHeaderView::ResizeToContents); // class names in full
    report_->verticalHeader()->hide();
    report_->setEditTriggers(QAbstractItemView::NoEditTriggers);

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
    auto* splitter = new QSplitter(Qt::Vertical);
    splitter->addWidget(roundsBox);
    splitter->addWidget(bottom);
    splitter->setStretchFactor(0, 1);
    splitter->setStretchFactor(1, 2);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(headline_);
    layout->addWidget(splitter, 1);

    connect(job, &workbench::RunJob::started, this, &ResultsPage::clear);
    connect(job, &workbench::RunJob::roundFinished, this, &ResultsPage::addRound);
    connect(job, &workbench::RunJob::finished, this, [this](const workbench::RunSummary& summary) {
        headline_->setText(workbench::describe(summary).toHtmlEscaped());
        if (summary.outcome == workbench::RunSummary::Outcome::Completed)
            highlightBest(summary.bestRound);
    });
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
    roundsTable_->setItem(row, 8, cell(s.denseMacs > 0 ? percent(double(s.remainingMacs) / double(s.denseMacs))
                                                       : QStringLiteral("—")));
    showRound(row);
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
            item->setForeground(best ? QBrush(Qt::black) : QBrush());
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

} // namespace prunelab::ui
