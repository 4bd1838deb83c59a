#include "ui/RecipeForm.h"
#include "ui/Named.h"

#include "core/engine/pruning/MethodCatalogue.h"

#include <QCheckBox>
#include <QComboBox>
#include <QCoreApplication>
#include <QDir>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFontMetricsF>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QJsonDocument>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QRegularExpressionValidator>
#include <QSaveFile>
#include <QSettings>
#include <QSpinBox>
#include <QVBoxLayout>

#include <cmath>

namespace prunelab::ui {

namespace {

QLabel* helpLabel(const char* objectName)
{
    auto* label = new QLabel;
    label->setObjectName(QLatin1String(objectName));
    label->setWordWrap(true);
    label->setTextFormat(Qt::PlainText);
    QFont small = label->font();
    small.setPointSizeF(small.pointSizeF() * 0.9);
    label->setFont(small);
    label->setForegroundRole(QPalette::PlaceholderText); // readable in light and dark palettes
    return label;
}

/// Adds `value` to `combo` when it is not one of its items (a recipe's value the form does not list), selects it.
void select(QComboBox* combo, const QString& value)
{
    if (combo->findText(value) < 0)
        combo->addItem(value);
    combo->setCurrentText(value);
}

/// The catalogue's one line on a method or schedule, in the user's language where a translation exists.
QString methodHelp(const QString& method)
{
    const engine::MethodInfo* m = engine::findMethod(method.toStdString());
    return m != nullptr ? QCoreApplication::translate("MethodCatalogue", m->summary) : QString();
}

QString scheduleHelp(const QString& schedule)
{
    const engine::ScheduleInfo* s = engine::findSchedule(schedule.toStdString());
    return s != nullptr ? QCoreApplication::translate("MethodCatalogue", s->summary) : QString();
}

/// The schedule the combo shows; the default one's entry for a name the catalogue does not have.
const engine::ScheduleInfo& scheduleOf(const QString& name)
{
    const engine::ScheduleInfo* s = engine::findSchedule(name.toStdString());
    return s != nullptr ? *s : engine::defaultSchedule();
}

} // namespace

QString RecipeForm::presetDescription(const QString& name)
{
    static const QHash<QString, QString> text{
        {"accuracy-cliff", tr("The default lesson, about half a minute: an MLP trained to its plateau on the MRI "
                              "demo, then pruned to 50, 80, 90, 95, 98 and 99 % (each from the dense model, "
                              "fine-tuned): the accuracy curve, its knee and the cliff after it")},
        {"quick-demo", tr("Fast first look, in seconds: the same MLP on the MRI demo, one-shot global magnitude "
                          "pruning to 80 % (two points on the accuracy curve)")},
        {"global-layer-random-compare",
         tr("Comparison for a class, under two minutes: global magnitude vs layer-wise magnitude vs random, each "
            "swept to 99 % on the MRI demo, overlaid on one chart")},
        {"prune-at-init-compare",
         tr("Pruning at initialisation, about two minutes: SNIP vs SynFlow vs GraSP vs random, each pruning the "
            "untrained MLP to 90 and 99 % and training it sparse on the MRI demo, overlaid")},
        {"mri-threshold-sweep", tr("Thermodynamic MRI threshold sweep: MLP 256-256-256 on brain MRI slices, weights "
                                   "under each threshold removed")},
        {"interval-adjoint-structured", tr("Interval-adjoint structured pruning: whole neurons removed by interval "
                                           "adjoint significance, geometric retention")},
        {"lottery-ticket-lenet",
         tr("Lottery ticket on LeNet-300-100: Fashion-MNIST, iterative pruning with rewinding to init")},
        {"lecture-global-magnitude",
         tr("Pruning lecture demo: MLP 512-256-128 on Fashion-MNIST, global magnitude pruning")},
        {"pruning-strategies-compare", tr("Pruning strategy study: LeNet-5 on the demo; one-shot, layer-wise, "
                                          "iterative, lottery and random compared")},
        {"pruning-strategies-densenet",
         tr("Pruning strategy study on a DenseNet-BC (growth 12, blocks 3-3-3) on the demo: one-shot, layer-wise "
            "and iterative pruning to 90 % compared, with CKA per layer; about half an hour on 2 cores")}};
    return text.value(name);
}

RecipeForm::RecipeForm(QWidget* parent) : QWidget(parent)
{
    preset_ = named(new QComboBox, "presetCombo", tr("Preset"));
    // The default and the fast choice say so in the list itself.
    const QHash<QString, QString> labels{
        {workbench::Recipe::defaultPresetName(), tr("%1 (default lesson)").arg(workbench::Recipe::defaultPresetName())},
        {QStringLiteral("quick-demo"), tr("quick-demo (fast first look)")}};
    for (const QString& name : workbench::Recipe::presetNames()) {
        preset_->addItem(labels.value(name, name), name);
        preset_->setItemData(preset_->count() - 1, presetDescription(name), Qt::ToolTipRole);
    }
    preset_->setToolTip(tr("A built-in recipe for each workflow PruneLab reproduces; its values fill the form"));
    connect(preset_, &QComboBox::activated, this, &RecipeForm::choosePreset);
    open_ = named(new QPushButton(tr("Open…")), "openRecipeButton", tr("Open a recipe file"));
    open_->setToolTip(tr("Fill the form from a recipe JSON file (a session's recipe.json too)"));
    connect(open_, &QPushButton::clicked, this, &RecipeForm::openRecipeFile);
    save_ = named(new QPushButton(tr("Save…")), "saveRecipeButton", tr("Save the recipe"));
    save_->setToolTip(tr("Save the form's recipe as JSON, to run it with prunelab-cli run FILE"));
    connect(save_, &QPushButton::clicked, this, &RecipeForm::saveRecipeFile);
    presetNote_ = helpLabel("presetNote");
    auto* recipeRow = new QHBoxLayout;
    recipeRow->addWidget(preset_, 1);
    recipeRow->addWidget(open_);
    recipeRow->addWidget(save_);
    auto* recipeBox = new QGroupBox(tr("Recipe"));
    auto* recipeLayout = new QVBoxLayout(recipeBox);
    recipeLayout->addLayout(recipeRow);
    recipeLayout->addWidget(presetNote_);

    arch_ = named(new QComboBox, "archCombo", tr("Architecture"));
    arch_->addItem(tr("MLP"), QStringLiteral("mlp"));
    arch_->addItem(tr("LeNet-5"), QStringLiteral("lenet5"));
    arch_->addItem(tr("VGG"), QStringLiteral("vgg"));
    arch_->addItem(tr("ResNet"), QStringLiteral("resnet"));
    arch_->addItem(tr("DenseNet"), QStringLiteral("densenet"));
    arch_->setToolTip(
        tr("MLP: fully connected layers on the flattened image. LeNet-5: two convolutions and three "
           "dense layers. VGG: 3×3 convolution blocks, for RGB images and larger sizes. ResNet: blocks "
           "whose input is added to their output. DenseNet: layers that each add channels to all "
           "before them. Structured methods prune ResNet's and DenseNet's channels in the groups their additions and "
           "concatenations tie together"));
    hidden_ = named(new QLineEdit, "hiddenEdit", tr("MLP hidden layers"));
    hidden_->setValidator(
        new QRegularExpressionValidator(QRegularExpression(QStringLiteral("^\\s*\\d+(\\s*,\\s*\\d+)*\\s*$")), hidden_));
    hidden_->setToolTip(tr("Hidden layer widths of the MLP, comma separated"));
    vggLayout_ = named(new QComboBox, "vggLayoutCombo", tr("Layout"));
    vggLayout_->setToolTip(tr("VGG: the layout. ResNet: its depth (20, 32, 56: CIFAR-style; 18, 34: ImageNet-style). "
                              "DenseNet: growth k and layers per block (BC-40 is small enough for the demo)"));
    vggWidth_ = named(new QDoubleSpinBox, "vggWidthSpin", tr("Width multiplier"));
    vggWidth_->setRange(0.05, 4.0);
    vggWidth_->setSingleStep(0.25);
    vggWidth_->setDecimals(3);
    vggWidth_->setToolTip(tr("Channels of every convolution times this factor (0.25: a quarter of VGG's 64…512; "
                             "ResNet's 16…64 or 64…512)"));
    batchNorm_ = named(new QCheckBox(tr("Batch normalisation")), "batchNormCheck", tr("VGG batch normalisation"));
    init_ = named(new QComboBox, "initCombo", tr("Initialisation"));
    init_->addItems({QStringLiteral("default"), QStringLiteral("xavier-normal"), QStringLiteral("xavier-uniform"),
                     QStringLiteral("kaiming-normal"), QStringLiteral("uniform")});
    init_->setToolTip(
        tr("default: LibTorch's (PyTorch's) own. uniform: the recipe's init_range (the MRI threshold sweep: [-7, 7])"));
    device_ = named(new QComboBox, "deviceCombo", tr("Device"));
    device_->addItem(tr("auto (a GPU when there is one)"), QStringLiteral("auto"));
    device_->addItem(tr("CPU"), QStringLiteral("cpu"));
    device_->addItem(tr("CUDA GPU"), QStringLiteral("cuda"));
    auto* modelBox = new QGroupBox(tr("Model"));
    auto* modelForm = new QFormLayout(modelBox);
    modelForm->addRow(tr("&Architecture"), arch_);
    modelForm->addRow(tr("&Hidden layers"), hidden_);
    modelForm->addRow(tr("&Layout"), vggLayout_);
    modelForm->addRow(tr("&Width"), vggWidth_);
    modelForm->addRow(QString(), batchNorm_);
    modelForm->addRow(tr("&Initialisation"), init_);
    modelForm->addRow(tr("De&vice"), device_);

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
    seed_ = named(new QSpinBox, "seedSpin", tr("Seed"));
    seed_->setRange(0, 1'000'000);
    seed_->setToolTip(tr("The same seed gives the same split, initial weights and batches"));
    auto* trainBox = new QGroupBox(tr("Training"));
    auto* trainForm = new QFormLayout(trainBox);
    trainForm->addRow(tr("&Epochs"), epochs_);
    trainForm->addRow(tr("&Optimizer"), optimizer_);
    trainForm->addRow(tr("Learning &rate"), learningRate_);
    trainForm->addRow(tr("&Batch size"), batchSize_);
    // Repeats beside the seed, not a row of its own: the form must stay within a 720-line projector.
    repeats_ = named(new QSpinBox, "repeatsSpin", tr("Repeats"));
    repeats_->setRange(1, 100);
    repeats_->setToolTip(tr("Run the recipe (each variant) with this many seeds: seed, seed + 1, …; the accuracy "
                            "chart then shows the mean over the seeds and their min–max band"));
    auto* seedRow = new QWidget;
    seedRow->setFocusProxy(seed_); // the row's &Seed mnemonic
    auto* seedLayout = new QHBoxLayout(seedRow);
    seedLayout->setContentsMargins(0, 0, 0, 0);
    seedLayout->addWidget(seed_, 1);
    auto* repeatsLabel = new QLabel(tr("Re&peats"));
    repeatsLabel->setBuddy(repeats_);
    seedLayout->addWidget(repeatsLabel);
    seedLayout->addWidget(repeats_, 1);
    trainForm->addRow(tr("S&eed"), seedRow);

    method_ = named(new QComboBox, "methodCombo", tr("Pruning method"));
    for (const engine::MethodInfo& m : engine::methods()) {
        method_->addItem(QLatin1String(m.name));
        method_->setItemData(method_->count() - 1, methodHelp(QLatin1String(m.name)), Qt::ToolTipRole);
    }
    methodHelp_ = helpLabel("methodHelp");
    schedule_ = named(new QComboBox, "scheduleCombo", tr("Pruning schedule"));
    for (const engine::ScheduleInfo& schedule : engine::schedules()) {
        schedule_->addItem(QLatin1String(schedule.name));
        schedule_->setItemData(schedule_->count() - 1, scheduleHelp(QLatin1String(schedule.name)), Qt::ToolTipRole);
    }
    scheduleHelp_ = helpLabel("scheduleHelp");
    rounds_ = named(new QSpinBox, "roundsSpin", tr("Pruning rounds"));
    rounds_->setRange(1, 100);
    rounds_->setToolTip(tr("Rounds to reach the target sparsity (iterative and lottery)"));
    q_ = named(new QDoubleSpinBox, "qSpin", tr("Geometric retention factor q"));
    q_->setRange(0.01, 0.99);
    q_->setDecimals(3);
    q_->setSingleStep(0.01);
    q_->setValue(0.9);
    q_->setToolTip(tr("Geometric schedule: the share of each hidden layer's neurons kept per round"));
    startEpoch_ = named(new QSpinBox, "startEpochSpin", tr("Gradual pruning starts after epoch"));
    startEpoch_->setRange(0, 100'000);
    startEpoch_->setToolTip(tr("Gradual: dense epochs before the first pruning step (prune.start_epoch)"));
    endEpoch_ = named(new QSpinBox, "endEpochSpin", tr("Gradual pruning reaches the target by epoch"));
    endEpoch_->setRange(1, 100'000);
    endEpoch_->setToolTip(tr("Gradual: the sparsity reaches the target by the end of this epoch; the epochs after "
                             "it fine-tune (prune.end_epoch)"));
    frequency_ = named(new QSpinBox, "frequencySpin", tr("Gradual pruning every N steps"));
    frequency_->setRange(1, 1'000'000);
    frequency_->setSuffix(tr(" steps"));
    frequency_->setToolTip(tr("Gradual: optimiser steps (batches) between two pruning steps (prune.frequency)"));
    gradualRow_ = new QWidget;
    auto* gradualRow = new QHBoxLayout(gradualRow_);
    gradualRow->setContentsMargins(0, 0, 0, 0);
    gradualRow->addWidget(startEpoch_);
    gradualRow->addWidget(new QLabel(tr("to")));
    gradualRow->addWidget(endEpoch_);
    gradualRow->addWidget(new QLabel(tr("every")));
    gradualRow->addWidget(frequency_, 1);
    retentionPreview_ = named(new QPlainTextEdit, "retentionPreview", tr("Neurons kept per round"));
    retentionPreview_->setReadOnly(true);
    retentionPreview_->setFont(QFont(QStringLiteral("monospace"), 9));
    retentionPreview_->setMaximumHeight(110);
    retentionPreview_->setLineWrapMode(QPlainTextEdit::NoWrap); // one iteration per line, as in retain.txt
    retentionPreview_->setTabStopDistance(
        QFontMetricsF(retentionPreview_->font()).horizontalAdvance(QStringLiteral("0000")));
    retentionPreview_->setToolTip(
        tr("The geometric schedule's table (retain.txt of the interval-adjoint workflow): the run writes it to "
           "results/retain.txt"));
    sparsity_ = named(new QDoubleSpinBox, "sparsitySpin", tr("Prune to sparsity"));
    sparsity_->setRange(0.0, 99.9);
    sparsity_->setDecimals(1);
    sparsity_->setSuffix(QStringLiteral(" %"));
    sparsity_->setToolTip(tr("Share of the prunable weights removed at the end; exactly this share"));
    fineTuneEpochs_ = named(new QSpinBox, "fineTuneSpin", tr("Fine-tune epochs"));
    fineTuneEpochs_->setRange(0, 1000);
    fineTuneEpochs_->setToolTip(tr("Epochs trained after pruning; pruned weights stay exactly zero"));
    auto* pruneBox = new QGroupBox(tr("Pruning"));
    auto* pruneForm = new QFormLayout(pruneBox);
    pruneForm->addRow(tr("&Method"), method_);
    pruneForm->addRow(QString(), methodHelp_);
    pruneForm->addRow(tr("&Schedule"), schedule_);
    pruneForm->addRow(QString(), scheduleHelp_);
    pruneForm->addRow(tr("R&ounds"), rounds_);
    pruneForm->addRow(tr("Retention &q"), q_);
    pruneForm->addRow(tr("Gradual &epochs"), gradualRow_);
    pruneForm_ = pruneForm;
    pruneForm->addRow(tr("Neurons kept"), retentionPreview_);
    pruneForm->addRow(tr("&Prune to sparsity"), sparsity_);
    pruneForm->addRow(tr("&Fine-tune epochs"), fineTuneEpochs_);

    problemLabel_ = named(new QLabel, "recipeProblem", tr("What is wrong with the recipe"));
    problemLabel_->setWordWrap(true);
    problemLabel_->setStyleSheet(QStringLiteral("color: #c62828; font-weight: bold")); // red reads on both palettes
    problemLabel_->hide();

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(recipeBox);
    layout->addWidget(modelBox);
    layout->addWidget(trainBox);
    layout->addWidget(pruneBox);
    layout->addWidget(problemLabel_);
    layout->addStretch(1);

    connect(arch_, &QComboBox::currentIndexChanged, this, &RecipeForm::fillLayouts); // before updateFields reads it
    connect(vggLayout_, &QComboBox::currentIndexChanged, this, [this] {
        const QString arch = arch_->currentData().toString();
        const QVariant data = vggLayout_->currentData();
        if (arch == QLatin1String("vgg"))
            chosenModel_.layout = data.toString();
        else if (arch == QLatin1String("resnet"))
            chosenModel_.depth = data.toInt();
        else if (arch == QLatin1String("densenet")) {
            const QVariantList parts = data.toList();
            chosenModel_.growth = parts.value(0).toInt();
            chosenModel_.blocks.clear();
            for (const QVariant& n : parts.mid(1))
                chosenModel_.blocks.append(n.toInt());
        }
    });
    for (QComboBox* combo : {arch_, vggLayout_, init_, device_, optimizer_, method_, schedule_})
        connect(combo, &QComboBox::currentIndexChanged, this, &RecipeForm::updateFields);
    for (QSpinBox* spin :
         {epochs_, batchSize_, seed_, repeats_, rounds_, fineTuneEpochs_, startEpoch_, endEpoch_, frequency_})
        connect(spin, &QSpinBox::valueChanged, this, &RecipeForm::updateFields);
    for (QDoubleSpinBox* spin : {vggWidth_, learningRate_, q_, sparsity_})
        connect(spin, &QDoubleSpinBox::valueChanged, this, &RecipeForm::updateFields);
    connect(hidden_, &QLineEdit::textChanged, this, &RecipeForm::updateFields);
    connect(seed_, &QSpinBox::valueChanged, this, [this](int seed) { emit seedChanged(quint64(seed)); });
    connect(batchNorm_, &QCheckBox::toggled, this, &RecipeForm::updateFields);
    setRecipe(base_);
}

workbench::Recipe RecipeForm::recipe() const
{
    workbench::Recipe r = base_;
    r.model.arch = arch_->currentData().toString();
    r.model.hidden.clear();
    for (const QString& part : hidden_->text().split(QLatin1Char(','), Qt::SkipEmptyParts))
        if (const int width = part.trimmed().toInt(); width > 0)
            r.model.hidden.append(width);
    r.model.layout = chosenModel_.layout;
    r.model.depth = chosenModel_.depth;
    r.model.growth = chosenModel_.growth;
    r.model.blocks = chosenModel_.blocks;
    r.model.width = vggWidth_->value();
    r.model.batchNorm = batchNorm_->isChecked();
    r.model.init = init_->currentText();
    r.device = device_->currentData().toString();
    r.train.epochs = epochs_->value();
    r.train.optimizer = optimizer_->currentText();
    r.train.lr = learningRate_->value();
    r.train.batchSize = batchSize_->value();
    r.seed = quint64(seed_->value());
    r.repeats = repeats_->value();
    if (r.seeds.size() != r.repeats) // the recipe's own seed list only while the form asks for as many runs
        r.seeds.clear();
    r.prune.method = method_->currentText();
    r.prune.schedule = schedule_->currentText();
    const bool sparsityEdited = sparsity_->value() != shownSparsity_;
    r.prune.sparsity = sparsityEdited ? sparsity_->value() / 100.0 : base_.prune.sparsity;
    // One-shot prunes once whatever `rounds` says; a one-shot recipe keeps its own value.
    const bool usesRounds = scheduleOf(r.prune.schedule).usesRounds;
    r.prune.rounds =
        usesRounds ? rounds_->value() : (!scheduleOf(base_.prune.schedule).usesRounds ? base_.prune.rounds : 1);
    // Iterative schedules reach the target in `rounds` equal steps of the remaining weights: 1 − (1 − rate)^rounds.
    // Only when the form changed them: a preset's own rate (lottery: 20 % a round) stays as the preset has it.
    if (sparsityEdited || r.prune.rounds != base_.prune.rounds || r.prune.schedule != base_.prune.schedule)
        r.prune.rate = std::min(0.99, 1.0 - std::pow(1.0 - sparsity_->value() / 100.0, 1.0 / r.prune.rounds));
    r.prune.q = q_->value();
    r.prune.fineTuneEpochs = fineTuneEpochs_->value();
    r.prune.startEpoch = startEpoch_->value();
    r.prune.endEpoch = endEpoch_->value();
    r.prune.frequency = frequency_->value();
    return r;
}

void RecipeForm::setRecipe(const workbench::Recipe& r)
{
    base_ = r;
    const QSignalBlocker blockPreset(preset_);
    const int presetIndex = preset_->findData(r.name);
    preset_->setCurrentIndex(presetIndex);
    if (presetIndex < 0)
        preset_->setPlaceholderText(tr("(recipe %1)").arg(r.name));
    QString note = presetIndex >= 0 ? presetDescription(r.name) : QString();
    if (!r.compare.isEmpty()) {
        QStringList labels;
        for (const workbench::Recipe::Variant& v : r.compare)
            labels << v.label;
        note += (note.isEmpty() ? QString() : QStringLiteral("\n")) +
                tr("Start runs %1 variants one after the other, each a session, then overlays them: %2. The form "
                   "sets what they share.")
                    .arg(r.compare.size())
                    .arg(labels.join(QStringLiteral(", ")));
    }
    presetNote_->setText(note);
    presetNote_->setVisible(!note.isEmpty());

    chosenModel_ = r.model;
    arch_->setCurrentIndex(std::max(0, arch_->findData(r.model.arch)));
    fillLayouts(); // also when the architecture did not change
    QStringList widths;
    for (int width : r.model.hidden)
        widths.append(QString::number(width));
    hidden_->setText(widths.join(QStringLiteral(", ")));
    vggWidth_->setValue(r.model.width);
    batchNorm_->setChecked(r.model.batchNorm);
    select(init_, r.model.init);
    const int device = device_->findData(r.device);
    if (device < 0)
        device_->addItem(r.device, r.device); // cuda:1
    device_->setCurrentIndex(device_->findData(r.device));
    epochs_->setValue(r.train.epochs);
    learningRate_->setValue(r.train.lr);
    batchSize_->setValue(r.train.batchSize);
    seed_->setValue(int(r.seed));
    repeats_->setValue(r.repeats);
    select(optimizer_, r.train.optimizer);
    // A recipe's value the lists do not offer (a sweep, the threshold method, …) is added, never replaced.
    select(method_, r.prune.method);
    select(schedule_, r.prune.schedule);
    rounds_->setValue(r.prune.rounds);
    q_->setValue(r.prune.q);
    startEpoch_->setValue(r.prune.startEpoch);
    endEpoch_->setValue(r.prune.endEpoch);
    frequency_->setValue(r.prune.frequency);
    // Iterative and lottery schedules prune by `rate` each round: the form shows where that ends.
    const engine::ScheduleInfo& schedule = scheduleOf(r.prune.schedule);
    const bool perRound = schedule.usesRounds && schedule.usesSparsity;
    sparsity_->setValue(100.0 * (perRound ? 1.0 - std::pow(1.0 - r.prune.rate, r.prune.rounds) : r.prune.sparsity));
    shownSparsity_ = sparsity_->value();
    fineTuneEpochs_->setValue(r.prune.fineTuneEpochs);
    updateFields();
}

void RecipeForm::setDatasetChoices(const workbench::Recipe::Dataset& d)
{
    base_.dataset.validationFraction = d.validationFraction;
    base_.dataset.testGiven = d.testGiven;
    base_.dataset.testFraction = d.testFraction;
    base_.dataset.balance = d.balance;
    base_.dataset.limitPerClass = d.limitPerClass;
    validate();
}

void RecipeForm::setRunning(bool running)
{
    running_ = running;
    updateFields();
}

void RecipeForm::choosePreset(int index)
{
    const QString name = preset_->itemData(index).toString();
    try {
        const workbench::Recipe r = workbench::Recipe::fromJson(workbench::Recipe::presetJson(name));
        setRecipe(r);
        emit recipeChosen(r);
        emit message(tr("Preset %1: %2").arg(name, presetDescription(name)));
    } catch (const workbench::RecipeError& e) {
        emit error(tr("Preset not loaded"), QString::fromStdString(e.what()));
    }
}

void RecipeForm::openRecipeFile()
{
    QSettings settings;
    const QString file = QFileDialog::getOpenFileName(
        this, tr("Open a recipe"), settings.value(QStringLiteral("recipes/lastFolder"), QDir::homePath()).toString(),
        tr("Recipes (*.json);;All files (*)"));
    if (file.isEmpty())
        return;
    settings.setValue(QStringLiteral("recipes/lastFolder"), QFileInfo(file).absolutePath());
    try {
        const workbench::Recipe r = workbench::Recipe::fromJson(workbench::Recipe::loadJson(file));
        setRecipe(r);
        emit recipeChosen(r);
        emit message(tr("Recipe %1 from %2").arg(r.name, QDir::toNativeSeparators(file)));
    } catch (const workbench::RecipeError& e) {
        // loadJson names the file; a validation error names the key.
        const QString what = QString::fromStdString(e.what());
        emit error(tr("Recipe not opened"),
                   what.contains(file) ? what : QDir::toNativeSeparators(file) + QStringLiteral(": ") + what);
    }
}

void RecipeForm::saveRecipeFile()
{
    QSettings settings;
    const QString folder = settings.value(QStringLiteral("recipes/lastFolder"), QDir::homePath()).toString();
    const workbench::Recipe r = recipe();
    QString file = QFileDialog::getSaveFileName(
        this, tr("Save the recipe"), QDir(folder).filePath(r.name + QStringLiteral(".json")), tr("Recipes (*.json)"));
    if (file.isEmpty())
        return;
    if (QFileInfo(file).suffix().isEmpty())
        file += QStringLiteral(".json");
    settings.setValue(QStringLiteral("recipes/lastFolder"), QFileInfo(file).absolutePath());
    QSaveFile out(file);
    if (!out.open(QIODevice::WriteOnly) || out.write(QJsonDocument(r.toJson()).toJson(QJsonDocument::Indented)) < 0 ||
        !out.commit()) {
        emit error(tr("Recipe not saved"), tr("%1: %2").arg(QDir::toNativeSeparators(file), out.errorString()));
        return;
    }
    emit message(tr("Saved %1; run it with: prunelab-cli run %1").arg(QDir::toNativeSeparators(file)));
}

void RecipeForm::fillLayouts()
{
    const QString arch = arch_->currentData().toString();
    const workbench::Recipe::Model& m = chosenModel_;
    const QSignalBlocker block(vggLayout_);
    vggLayout_->clear();
    QVariant wanted;
    QString wantedName;
    if (arch == QLatin1String("resnet")) {
        for (int depth : {20, 32, 56, 18, 34})
            vggLayout_->addItem(tr("ResNet-%1").arg(depth), depth);
        wanted = m.depth;
        wantedName = tr("ResNet-%1").arg(m.depth);
    } else if (arch == QLatin1String("densenet")) {
        const auto key = [](int growth, const QList<int>& blocks) {
            QVariantList parts{growth};
            for (int n : blocks)
                parts.append(n);
            return parts;
        };
        vggLayout_->addItem(tr("DenseNet-BC-40 (k 12)"), key(12, {6, 6, 6}));
        vggLayout_->addItem(tr("DenseNet-121 (k 32)"), key(32, {6, 12, 24, 16}));
        vggLayout_->addItem(tr("DenseNet-169 (k 32)"), key(32, {6, 12, 32, 32}));
        wanted = key(m.growth, m.blocks);
        QStringList blocks;
        for (int n : m.blocks)
            blocks.append(QString::number(n));
        wantedName = tr("k %1, blocks %2").arg(m.growth).arg(blocks.join(QLatin1Char('-')));
    } else {
        for (const char* layout : {"vgg11", "vgg13", "vgg16", "vgg19"})
            vggLayout_->addItem(QString::fromLatin1(layout), QString::fromLatin1(layout));
        wanted = m.layout;
        wantedName = m.layout;
    }
    int index = vggLayout_->findData(wanted);
    if (index < 0 && arch != QLatin1String("vgg")) { // the recipe's own size, kept as it is
        vggLayout_->addItem(wantedName, wanted);
        index = vggLayout_->count() - 1;
    }
    vggLayout_->setCurrentIndex(std::max(0, index));
}

void RecipeForm::updateFields()
{
    const QString arch = arch_->currentData().toString();
    const QString schedule = schedule_->currentText();
    const engine::ScheduleInfo& info = scheduleOf(schedule);
    const bool geometric = info.kind == engine::ScheduleKind::Geometric;
    for (QWidget* w :
         std::initializer_list<QWidget*>{preset_, open_, arch_, init_, device_, epochs_, optimizer_, learningRate_,
                                         batchSize_, seed_, repeats_, method_, schedule_, fineTuneEpochs_})
        w->setEnabled(!running_);
    hidden_->setEnabled(!running_ && arch == QLatin1String("mlp"));
    const bool graph = arch == QLatin1String("resnet") || arch == QLatin1String("densenet");
    vggLayout_->setEnabled(!running_ && (arch == QLatin1String("vgg") || graph));
    vggWidth_->setEnabled(!running_ && (arch == QLatin1String("vgg") || arch == QLatin1String("resnet")));
    batchNorm_->setEnabled(!running_ && arch == QLatin1String("vgg")); // ResNet and DenseNet always have it
    rounds_->setEnabled(!running_ && info.usesRounds);
    q_->setEnabled(!running_ && geometric);
    // Shown for gradual only: a row more for every schedule did not fit a 1280×720 projector in lesson mode.
    pruneForm_->setRowVisible(gradualRow_, info.kind == engine::ScheduleKind::Gradual);
    for (QSpinBox* spin : {startEpoch_, endEpoch_, frequency_})
        spin->setEnabled(!running_ && info.kind == engine::ScheduleKind::Gradual);
    // The geometric table sets how many neurons each round keeps; a sweep tries the recipe's list of values.
    const engine::MethodInfo* method = engine::findMethod(method_->currentText().toStdString());
    const bool ownSparsity = method != nullptr && (method->sweepsThresholds || method->fixedSparsity);
    sparsity_->setEnabled(!running_ && info.usesSparsity && !ownSparsity); // thresholds and N:M set their own
    retentionPreview_->setEnabled(geometric);
    // The lists the form does not edit come from the recipe: say which values will run.
    const auto values = [](const QList<double>& list) {
        QStringList shown;
        for (double v : list)
            shown << QString::number(v);
        return shown.join(QStringLiteral(", "));
    };
    QString methodText = methodHelp(method_->currentText());
    if (method != nullptr && method->sweepsThresholds)
        methodText +=
            info.restartsEachRound
                ? tr(". Thresholds from the recipe (prune.thresholds): %1").arg(values(base_.prune.thresholds))
                : tr(". Threshold from the recipe (the first of prune.thresholds): %1")
                      .arg(base_.prune.thresholds.value(0));
    if (method != nullptr) // the method's own values, which the form does not edit
        for (const engine::MethodParameter& parameter : method->parameters) {
            const std::vector<double>& v = base_.prune.parameters.at(parameter.key);
            methodText += tr(". From the recipe: prune.%1 = %2")
                              .arg(QLatin1String(parameter.key), values(QList<double>(v.begin(), v.end())));
        }
    methodHelp_->setText(methodText);
    QString scheduleText = scheduleHelp(schedule);
    if (info.restartsEachRound && (method == nullptr || !method->sweepsThresholds))
        scheduleText += tr(". Sparsities from the recipe (prune.sparsities): %1").arg(values(base_.prune.sparsities));
    if (info.kind == engine::ScheduleKind::Sensitivity)
        scheduleText += tr(". Each layer by |w| to the recipe's prune.sparsities: %1; proposes per-layer sparsities "
                           "within a drop of %2 points (prune.max_drop)")
                            .arg(values(base_.prune.sparsities))
                            .arg(base_.prune.maxDrop);
    scheduleHelp_->setText(scheduleText);
    if (geometric) {
        QList<int> widths;
        for (const QString& part : hidden_->text().split(QLatin1Char(','), Qt::SkipEmptyParts))
            if (const int width = part.trimmed().toInt(); width > 0)
                widths.append(width);
        retentionPreview_->setPlainText(workbench::Recipe::retentionTable(widths, q_->value(), rounds_->value()));
    } else {
        retentionPreview_->setPlainText(tr("(geometric schedule only)"));
    }
    validate();
}

void RecipeForm::validate()
{
    const workbench::Recipe r = recipe();
    QString problem;
    if (r.model.arch == QLatin1String("mlp") && r.model.hidden.isEmpty()) {
        problem = tr("model.hidden: give at least one hidden layer width, e.g. 256, 128");
    } else {
        try {
            workbench::Recipe::fromJson(r.toJson()); // the validator prunelab-cli validate runs
        } catch (const workbench::RecipeError& e) {
            problem = QString::fromStdString(e.what());
        }
    }
    const bool changed = problem.isEmpty() != problem_.isEmpty();
    problem_ = problem;
    problemLabel_->setText(problem);
    problemLabel_->setVisible(!problem.isEmpty());
    if (changed)
        emit validityChanged(problem.isEmpty());
}

} // namespace prunelab::ui
