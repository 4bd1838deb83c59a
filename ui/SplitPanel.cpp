#include "ui/SplitPanel.h"

#include "core/workbench/RecipeData.h"
#include "ui/WholeCells.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QFutureWatcher>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QSpinBox>
#include <QTableWidget>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

#include <exception>

namespace prunelab::ui {

namespace {

struct CountResult {
    SplitPanel::Counts counts;
    QString problem;
};

/// What a run would split and balance: the same function RunJob prepares the window's images with.
CountResult countSplit(const workbench::Recipe& recipe, std::shared_ptr<const datasets::ImageSet> images,
                       std::shared_ptr<const datasets::ImageSet> test)
{
    CountResult result;
    try {
        const workbench::RecipeData data = workbench::recipeDataFrom(recipe, std::move(images), std::move(test));
        const qsizetype classes = data.train->classNames.size();
        result.counts = SplitPanel::Counts(classes, {0, 0, 0, 0});
        const auto add = [&](const std::vector<qsizetype>& indices, int column) {
            for (qsizetype i : indices)
                ++result.counts[qsizetype(data.train->labels[size_t(i)])][size_t(column)];
        };
        add(data.split.train, 0);
        add(data.trainIndices, 1);
        add(data.split.validation, 2);
        if (data.test) {
            for (int64_t label : data.test->labels)
                if (label >= 0 && label < classes)
                    ++result.counts[qsizetype(label)][3];
        } else {
            add(data.split.test, 3);
        }
    } catch (const std::exception& e) {
        result.problem = QString::fromLocal8Bit(e.what());
    }
    return result;
}

QTableWidgetItem* number(qint64 value)
{
    auto* item = new QTableWidgetItem(QString::number(value));
    item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
    return item;
}

} // namespace

SplitPanel::SplitPanel(QWidget* parent) : QGroupBox(tr("Split and balance"), parent)
{
    validation_ = new QDoubleSpinBox;
    validation_->setObjectName(QStringLiteral("validationShareSpin"));
    validation_->setAccessibleName(tr("Share of images for validation"));
    validation_->setRange(0.0, 90.0);
    validation_->setDecimals(1);
    validation_->setSuffix(QStringLiteral(" %"));
    testShare_ = new QDoubleSpinBox;
    testShare_->setObjectName(QStringLiteral("testShareSpin"));
    testShare_->setAccessibleName(tr("Share of images for testing"));
    testShare_->setRange(0.0, 89.9);
    testShare_->setDecimals(1);
    testShare_->setSuffix(QStringLiteral(" %"));
    givenTest_ = new QCheckBox(tr("the source's own test files"));
    givenTest_->setObjectName(QStringLiteral("givenTestCheck"));
    givenTest_->setToolTip(tr("Test on the test images that came with the source (Fashion-MNIST's t10k, a test/ "
                              "folder) instead of drawing them from the images"));
    balance_ = new QComboBox;
    balance_->setObjectName(QStringLiteral("balanceCombo"));
    balance_->setAccessibleName(tr("Class balancing of the training images"));
    balance_->addItem(tr("none"), QStringLiteral("none"));
    balance_->addItem(tr("oversample the smaller classes"), QStringLiteral("oversample"));
    balance_->addItem(tr("undersample the larger classes"), QStringLiteral("undersample"));
    balance_->addItem(tr("weight the loss by class"), QStringLiteral("class-weights"));
    limit_ = new QSpinBox;
    limit_->setObjectName(QStringLiteral("limitPerClassSpin"));
    limit_->setAccessibleName(tr("Images per class at most"));
    limit_->setRange(0, 10'000'000);
    limit_->setSpecialValueText(tr("all"));
    limit_->setToolTip(tr("Use at most this many images of each class (the first ones); all: every image"));

    auto* shares = new QHBoxLayout;
    shares->addWidget(validation_);
    shares->addSpacing(12);
    shares->addWidget(new QLabel(tr("Test")));
    shares->addWidget(testShare_);
    shares->addStretch(1);
    // One choice per row: the panel shares a projector's 1024 pixels with the class summary beside it.
    auto* form = new QFormLayout;
    form->addRow(tr("Validation"), shares);
    form->addRow(QString(), givenTest_);
    form->addRow(tr("Balance"), balance_);
    form->addRow(tr("At most per class"), limit_);

    table_ = new QTableWidget(0, 5);
    table_->setObjectName(QStringLiteral("splitTable"));
    table_->setAccessibleName(tr("Images per class in training, validation and test"));
    table_->setHorizontalHeaderLabels({tr("Class"), tr("Train"), tr("Train, balanced"), tr("Validation"), tr("Test")});
    showWholeCells(table_);
    table_->verticalHeader()->hide();
    table_->verticalHeader()->setDefaultSectionSize(table_->fontMetrics().height() + 6);
    table_->setEditTriggers(QAbstractItemView::NoEditTriggers);
    note_ = new QLabel;
    note_->setObjectName(QStringLiteral("splitNote"));
    note_->setWordWrap(true);
    note_->setForegroundRole(QPalette::PlaceholderText);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(table_, 1);
    layout->addWidget(note_);

    const auto changed = [this] {
        testShare_->setEnabled(!(givenTest_->isChecked() && givenTest_->isEnabled()));
        recount();
        emit choicesChanged();
    };
    connect(validation_, &QDoubleSpinBox::valueChanged, this, changed);
    connect(testShare_, &QDoubleSpinBox::valueChanged, this, changed);
    connect(givenTest_, &QCheckBox::toggled, this, changed);
    connect(balance_, &QComboBox::currentIndexChanged, this, changed);
    connect(limit_, &QSpinBox::valueChanged, this, changed);

    auto* watcher = new QFutureWatcher<CountResult>(this);
    watcher_ = watcher;
    connect(watcher, &QFutureWatcher<CountResult>::finished, this, [this, watcher] {
        counting_ = false;
        const CountResult result = watcher->result();
        if (recountPending_) {
            recountPending_ = false;
            recount();
            return;
        }
        show(result.counts, result.problem);
    });
    setChoices(recipe_);
}

SplitPanel::~SplitPanel()
{
    static_cast<QFutureWatcher<CountResult>*>(watcher_)->waitForFinished();
}

void SplitPanel::setData(std::shared_ptr<const datasets::ImageSet> images,
                         std::shared_ptr<const datasets::ImageSet> test)
{
    images_ = std::move(images);
    test_ = std::move(test);
    givenTest_->setEnabled(test_ != nullptr);
    testShare_->setEnabled(!(givenTest_->isChecked() && givenTest_->isEnabled()));
    recount();
}

void SplitPanel::setChoices(const workbench::Recipe& recipe)
{
    recipe_ = recipe;
    const workbench::Recipe::Dataset& d = recipe.dataset;
    for (QWidget* w : std::initializer_list<QWidget*>{validation_, testShare_, givenTest_, balance_, limit_})
        w->blockSignals(true);
    validation_->setValue(100.0 * d.validationFraction);
    testShare_->setValue(100.0 * d.testFraction);
    givenTest_->setChecked(d.testGiven);
    balance_->setCurrentIndex(std::max(0, balance_->findData(d.balance)));
    limit_->setValue(d.limitPerClass);
    for (QWidget* w : std::initializer_list<QWidget*>{validation_, testShare_, givenTest_, balance_, limit_})
        w->blockSignals(false);
    testShare_->setEnabled(!(givenTest_->isChecked() && givenTest_->isEnabled()));
    recount();
}

void SplitPanel::setSeed(quint64 seed)
{
    if (recipe_.seed == seed)
        return;
    recipe_.seed = seed;
    recount();
}

void SplitPanel::applyChoices(workbench::Recipe& recipe) const
{
    workbench::Recipe::Dataset& d = recipe.dataset;
    d.validationFraction = validation_->value() / 100.0;
    // "given" with no test files of the source's own means no test set, as a run would have it: draw one instead.
    d.testGiven = givenTest_->isChecked() && (test_ != nullptr || images_ == nullptr);
    d.testFraction = d.testGiven ? 0.0 : testShare_->value() / 100.0;
    d.balance = balance_->currentData().toString();
    d.limitPerClass = limit_->value();
}

void SplitPanel::recount()
{
    if (!images_ || images_->isEmpty())
        return;
    if (counting_) {
        recountPending_ = true;
        return;
    }
    workbench::Recipe recipe = recipe_;
    applyChoices(recipe);
    counting_ = true;
    static_cast<QFutureWatcher<CountResult>*>(watcher_)->setFuture(
        QtConcurrent::run(countSplit, recipe, images_, test_));
}

void SplitPanel::show(const Counts& counts, const QString& problem)
{
    counts_ = counts;
    table_->setRowCount(int(counts.size()) + (counts.isEmpty() ? 0 : 1));
    std::array<qint64, 4> total{0, 0, 0, 0};
    for (int c = 0; c < counts.size(); ++c) {
        table_->setItem(c, 0, new QTableWidgetItem(images_->classNames.value(c)));
        for (int k = 0; k < 4; ++k) {
            table_->setItem(c, k + 1, number(counts[c][size_t(k)]));
            total[size_t(k)] += counts[c][size_t(k)];
        }
    }
    if (!counts.isEmpty()) {
        const int row = int(counts.size());
        auto* label = new QTableWidgetItem(tr("all classes"));
        QFont bold = label->font();
        bold.setBold(true);
        label->setFont(bold);
        table_->setItem(row, 0, label);
        for (int k = 0; k < 4; ++k) {
            QTableWidgetItem* item = number(total[size_t(k)]);
            item->setFont(bold);
            table_->setItem(row, k + 1, item);
        }
    }
    QString note = problem.isEmpty()
                       ? tr("Stratified by class with seed %1: slices of one volume and exact duplicates stay on one "
                            "side.")
                             .arg(recipe_.seed)
                       : problem;
    if (problem.isEmpty() && balance_->currentData().toString() == QLatin1String("class-weights"))
        note += tr(" Class weights keep the images and weight the loss by inverse class frequency.");
    note_->setText(note);
    emit counted();
}

} // namespace prunelab::ui
