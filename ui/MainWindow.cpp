#include "ui/MainWindow.h"

#include "core/workbench/Comparison.h"
#include "core/workbench/RecipeData.h"
#include "core/workbench/RunJob.h"
#include "core/workbench/UserSettings.h"
#include "ui/ConfusionMatrixWidget.h"
#include "ui/DatasetPage.h"
#include "ui/LayerSparsityChart.h"
#include "ui/LessonPanel.h"
#include "ui/MaskHeatmapWidget.h"
#include "ui/PreferencesDialog.h"
#include "ui/RecipeForm.h"
#include "ui/ResultsPage.h"
#include "ui/RunPage.h"
#include "ui/SampleGridWidget.h"
#include "ui/SessionsPage.h"
#include "ui/SplitPanel.h"
#include "ui/WeightHistogramWidget.h"
#include "ui/charts/Palette.h"
#include "ui/charts/SparsityChart.h"
#include "ui/charts/TrainingChart.h"

#include <QAbstractAxis>
#include <QAction>
#include <QApplication>
#include <QChart>
#include <QChartView>
#include <QCloseEvent>
#include <QDir>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QJsonArray>
#include <QKeySequence>
#include <QLabel>
#include <QLegend>
#include <QMenuBar>
#include <QMessageBox>
#include <QMimeData>
#include <QSettings>
#include <QStatusBar>
#include <QTabWidget>
#include <QToolBar>
#include <QVBoxLayout>
#include <QXYSeries>

namespace prunelab::ui {

namespace {

const QString kRecentKey = QStringLiteral("datasets/recent");
const QString kGeometryKey = QStringLiteral("window/geometry");
const QString kStateKey = QStringLiteral("window/state");
constexpr int kMaxRecent = 8;

/// The sources PruneLab knows by name, as opposed to the user's own folders and files.
bool isNamedSource(const QString& source)
{
    return source == QLatin1String("demo") || source == QLatin1String("demo-procedural") ||
           source == QLatin1String("fashion-mnist");
}

/// What decides which images a recipe's dataset is: the source and the options it is loaded with.
QString datasetKey(const QString& source, const datasets::LoadOptions& o)
{
    return QStringLiteral("%1|%2x%3|%4|%5|%6")
        .arg(source)
        .arg(o.width)
        .arg(o.height)
        .arg(int(o.color))
        .arg(o.demoSeed)
        .arg(o.demoPerClass);
}

/// Qt Charts keep their own fonts and pens: scale titles, legends and axes with the window's font, and the lines
/// by `lineScale` (thicker for a projector, back again after).
void scaleCharts(QWidget* root, double pointSize, double lineScale)
{
    for (QChartView* view : root->findChildren<QChartView*>()) {
        QChart* chart = view->chart();
        for (QAbstractSeries* series : chart->series())
            if (auto* xy = qobject_cast<QXYSeries*>(series)) {
                QPen pen = xy->pen();
                pen.setWidthF(pen.widthF() * lineScale);
                xy->setPen(pen);
            }
        QFont title = chart->titleFont();
        title.setPointSizeF(pointSize); // as large as the legend: a longer title fits a projector's narrow chart
        chart->setTitleFont(title);
        QFont legend = chart->legend()->font();
        legend.setPointSizeF(pointSize);
        chart->legend()->setFont(legend);
        for (QAbstractAxis* axis : chart->axes()) {
            QFont labels = axis->labelsFont();
            labels.setPointSizeF(pointSize * 0.9);
            axis->setLabelsFont(labels);
            QFont axisTitle = axis->titleFont();
            axisTitle.setPointSizeF(pointSize * 0.9); // a vertical title fits the short plot of a 720-line screen
            axis->setTitleFont(axisTitle);
        }
    }
}

} // namespace

MainWindow::MainWindow(QWidget* parent) : QMainWindow(parent)
{
    setWindowTitle(tr("PruneLab"));
    setAcceptDrops(true);
    job_ = new workbench::RunJob(this);

    datasetPage_ = new DatasetPage;
    datasetPage_->setObjectName(QStringLiteral("datasetPage"));
    runPage_ = new RunPage(job_);
    runPage_->setObjectName(QStringLiteral("runPage"));
    resultsPage_ = new ResultsPage(job_);
    resultsPage_->setObjectName(QStringLiteral("resultsPage"));
    sessionsPage_ = new SessionsPage;
    sessionsPage_->setObjectName(QStringLiteral("sessionsPage"));
    tabs_ = new QTabWidget;
    tabs_->setObjectName(QStringLiteral("pages"));
    tabs_->setAccessibleName(tr("Pages"));
    tabs_->setDocumentMode(true);
    tabs_->addTab(datasetPage_, tr("1  Dataset"));
    tabs_->addTab(runPage_, tr("2  Run"));
    tabs_->addTab(resultsPage_, tr("3  Results"));
    tabs_->addTab(sessionsPage_, tr("4  Sessions"));
    lesson_ = new LessonPanel;
    lesson_->hide();
    connect(lesson_, &LessonPanel::stepChanged, this, &MainWindow::showLessonStep);
    connect(lesson_, &LessonPanel::actionRequested, this, [this](LessonPanel::Step step) { doLessonStep(int(step)); });
    connect(lesson_, &LessonPanel::closeRequested, this, [this] { setLessonMode(false); });
    auto* central = new QWidget;
    auto* centralLayout = new QVBoxLayout(central);
    centralLayout->setContentsMargins(0, 0, 0, 0);
    centralLayout->setSpacing(0);
    centralLayout->addWidget(lesson_);
    centralLayout->addWidget(tabs_, 1);
    setCentralWidget(central);

    const auto idleCheck = [this] {
        if (!isDatasetPageBusy())
            emit datasetPageIdle();
    };
    connect(datasetPage_, &DatasetPage::previewShown, this, idleCheck);
    connect(datasetPage_, &DatasetPage::loadingChanged, this, [idleCheck](bool loading) {
        if (!loading)
            idleCheck();
    });
    connect(datasetPage_, &DatasetPage::loadingChanged, this, [this](bool loading) {
        runPage_->setDatasetAvailable(!loading && dataset_ != nullptr);
        if (loading)
            statusBar()->showMessage(tr("Loading the dataset…"));
    });
    connect(datasetPage_, &DatasetPage::datasetReady, this, [this](const QString& source) {
        dataset_ = datasetPage_->dataset();
        job_->setDataset(dataset_, datasetPage_->testSet());
        sessionsPage_->setDataset(dataset_);
        resultsPage_->setClassNames(dataset_->classNames);
        {
            // Beside the input map: the middle image of each class (on the demo a slice through the brain's middle).
            QList<QImage> samples;
            QStringList names;
            for (qsizetype c = 0; c < dataset_->classNames.size(); ++c) {
                std::vector<qsizetype> members;
                for (qsizetype i = 0; i < dataset_->count(); ++i)
                    if (dataset_->labels[size_t(i)] == c)
                        members.push_back(i);
                if (members.empty())
                    continue;
                samples.append(toQImage(*dataset_, members[members.size() / 2]));
                names.append(dataset_->classNames[c]);
            }
            runPage_->setSampleImages(samples, names);
        }
        runPage_->setDatasetAvailable(!job_->isRunning());
        runPage_->setDatasetSource(source);
        if (source != QLatin1String("demo"))
            rememberDataset(source);
        statusBar()->showMessage(tr("Dataset ready: %1 images").arg(dataset_->count()));
        emit datasetReady();
    });
    connect(datasetPage_, &DatasetPage::loadFailed, this,
            [this](const QString& message) { showError(tr("Dataset not opened"), message); });
    connect(runPage_, &RunPage::message, this, [this](const QString& text) { statusBar()->showMessage(text); });
    connect(runPage_, &RunPage::error, this, &MainWindow::showError);
    connect(runPage_, &RunPage::recipeChosen, this, &MainWindow::useRecipeDataset);
    connect(runPage_, &RunPage::recipeChosen, datasetPage_->splitPanel(), &SplitPanel::setChoices);
    connect(runPage_->form(), &RecipeForm::seedChanged, datasetPage_->splitPanel(), &SplitPanel::setSeed);
    connect(datasetPage_->splitPanel(), &SplitPanel::choicesChanged, this, [this] {
        workbench::Recipe r = runPage_->recipe();
        datasetPage_->splitPanel()->applyChoices(r);
        runPage_->form()->setDatasetChoices(r.dataset);
    });
    connect(runPage_, &RunPage::comparisonFinished, this, [this](const QString& path, const QString& status) {
        sessionsPage_->setRunningSession({});
        runPage_->setDatasetAvailable(dataset_ != nullptr && !datasetPage_->isLoading());
        emit comparisonFinished(path, status);
    });
    connect(job_, &workbench::RunJob::started, this, [this] { sessionsPage_->setRunningSession(job_->sessionPath()); });
    connect(job_, &workbench::RunJob::finished, this, [this](const workbench::RunSummary& summary) {
        sessionsPage_->setRunningSession({}); // a comparison's next variant marks its own when it starts
        // The knee of the accuracy curve first, as the chart marks it: what the run has to say, and what stays
        // readable when a projector's width cuts the line.
        const QString knee = runPage_->kneeText();
        statusBar()->showMessage(knee.isEmpty() ? workbench::describe(summary)
                                                : tr("%1 · %2").arg(knee, workbench::describe(summary)));
        runPage_->setDatasetAvailable(dataset_ != nullptr && !datasetPage_->isLoading());
        emit runFinished(summary);
    });

    const QString root = sessionsRoot();
    runPage_->setSessionsRoot(root);
    sessionsPage_->setRoot(root);
    connect(sessionsPage_, &SessionsPage::rootChanged, this, [this](const QString& folder) {
        workbench::UserSettings().setSessionsRoot(folder); // prunelab-cli run and list use it too
        runPage_->setSessionsRoot(folder);
    });
    connect(sessionsPage_, &SessionsPage::reopenRequested, this, &MainWindow::reopenSession);
    connect(sessionsPage_, &SessionsPage::compareRequested, this, &MainWindow::compareSessions);
    connect(sessionsPage_, &SessionsPage::resumeRequested, this, &MainWindow::resumeSession);
    connect(resultsPage_, &ResultsPage::validateRequested, this, [this](const QString& path) {
        tabs_->setCurrentWidget(sessionsPage_); // the outcome is shown there, beside the session
        sessionsPage_->select({path});
        sessionsPage_->validateSession(path);
    });
    connect(resultsPage_, &ResultsPage::exportRequested, sessionsPage_,
            qOverload<const QString&>(&SessionsPage::askExport));
    connect(sessionsPage_, &SessionsPage::sessionError, this,
            [this](const QString& message) { showError(tr("Session"), message); });

    systemPalette_ = QApplication::palette();
    buildMenus();
    if (QSettings().value(QStringLiteral("view/dark"), false).toBool())
        setDarkPalette(true);
    resize(1400, 900);
    const QSettings settings;
    restoreGeometry(settings.value(kGeometryKey).toByteArray());
    restoreState(settings.value(kStateKey).toByteArray());
    normalFont_ = font();
    setRecipe(workbench::Recipe::fromJson(workbench::Recipe::presetJson(workbench::Recipe::defaultPresetName())));
    statusBar()->showMessage(tr("Ready"));
}

MainWindow::~MainWindow() = default;

void MainWindow::buildMenus()
{
    QMenu* file = menuBar()->addMenu(tr("&File"));
    QAction* openFolder = file->addAction(tr("Open &folder…"), this, &MainWindow::chooseFolder);
    openFolder->setShortcut(QKeySequence::Open);
    openFolder->setObjectName(QStringLiteral("openFolderAction"));
    openFolder->setToolTip(tr("Open a folder of class folders of images or NIfTI volumes (Ctrl+O)"));
    QAction* openFile = file->addAction(tr("Open &zip, CSV, NIfTI or IDX file…"), this, &MainWindow::chooseFile);
    openFile->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_O));
    openFile->setObjectName(QStringLiteral("openFileAction"));
    QAction* demo = file->addAction(tr("Open the &demo dataset"), this, [this] { loadDemo(); });
    demo->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_D));
    recentMenu_ = file->addMenu(tr("Open &recent"));
    file->addSeparator();
    QAction* preferences = file->addAction(tr("Pre&ferences…"), this, &MainWindow::showPreferences);
    preferences->setObjectName(QStringLiteral("preferencesAction"));
    preferences->setMenuRole(QAction::PreferencesRole);
    // Ctrl+, where the platform names no Preferences key (X11 outside KDE).
    preferences->setShortcuts(QKeySequence::keyBindings(QKeySequence::Preferences).isEmpty()
                                  ? QList<QKeySequence>{QKeySequence(Qt::CTRL | Qt::Key_Comma)}
                                  : QKeySequence::keyBindings(QKeySequence::Preferences));
    preferences->setToolTip(tr("Where sessions are saved, the dataset cache's size limit, clearing the cache"));
    file->addSeparator();
    file->addAction(tr("&Quit"), QKeySequence::Quit, this, &QWidget::close);

    QMenu* run = menuBar()->addMenu(tr("&Run"));
    QAction* start = run->addAction(tr("&Start"), runPage_, &RunPage::startRun);
    start->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_R));
    QAction* pause = run->addAction(tr("&Pause / resume"), runPage_, &RunPage::togglePause);
    pause->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_P));
    QAction* cancel = run->addAction(tr("&Cancel"), runPage_, &RunPage::cancelRun);
    cancel->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Period));

    QMenu* view = menuBar()->addMenu(tr("&View"));
    for (int i = 0; i < tabs_->count(); ++i) {
        QAction* page = view->addAction(tabs_->tabText(i).mid(3), this, [this, i] { tabs_->setCurrentIndex(i); });
        page->setShortcut(QKeySequence(Qt::CTRL | Qt::Key(Qt::Key_1 + i)));
    }
    view->addSeparator();
    QAction* presentation = view->addAction(tr("P&resentation mode"));
    presentation->setObjectName(QStringLiteral("presentationAction"));
    presentation->setCheckable(true);
    presentation->setShortcut(QKeySequence(Qt::Key_F11));
    presentation->setToolTip(tr("Full screen with larger fonts, for a projector (F11)"));
    connect(presentation, &QAction::toggled, this, &MainWindow::setPresentationMode);

    QAction* darkPalette = view->addAction(tr("&Dark palette"));
    darkPalette->setObjectName(QStringLiteral("darkPaletteAction"));
    darkPalette->setCheckable(true);
    darkPalette->setToolTip(tr("Dark windows and charts whatever the desktop's theme (remembered)"));
    darkPalette->setChecked(QSettings().value(QStringLiteral("view/dark"), false).toBool());
    connect(darkPalette, &QAction::toggled, this, &MainWindow::setDarkPalette);

    QAction* lesson = view->addAction(tr("&Lesson mode"));
    lesson->setObjectName(QStringLiteral("lessonAction"));
    lesson->setCheckable(true);
    lesson->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_L));
    lesson->setToolTip(tr("A guided lesson over the pages: data, training, pruning, comparison (Ctrl+L)"));
    connect(lesson, &QAction::toggled, this, &MainWindow::setLessonMode);

    QToolBar* tools = addToolBar(tr("Main"));
    tools->setObjectName(QStringLiteral("mainToolBar"));
    tools->setToolButtonStyle(Qt::ToolButtonTextOnly);
    tools->addAction(openFolder);
    openFolder->setIconText(tr("Open folder…"));
    tools->addAction(openFile);
    openFile->setIconText(tr("Open file…"));
    tools->addAction(demo);
    demo->setIconText(tr("Demo"));
    tools->addSeparator();
    tools->addAction(start);
    tools->addAction(presentation);
    presentation->setIconText(tr("Presentation (F11)"));
    updateRecentMenu();
}

void MainWindow::loadDemo(const datasets::DemoOptions& options)
{
    datasets::LoadOptions key;
    key.width = key.height = options.size == datasets::DemoOptions{}.size ? 0 : options.size;
    key.demoSeed = options.seed;
    key.demoPerClass = options.perClass == datasets::DemoOptions{}.perClass ? 0 : options.perClass.value(0);
    loadingKey_ = datasetKey(QStringLiteral("demo"), key);
    tabs_->setCurrentWidget(datasetPage_);
    datasetPage_->loadDemo(options);
}

void MainWindow::openDataset(const QString& source)
{
    const datasets::LoadOptions options = workbench::loadOptions(recipe());
    if (source == QLatin1String("demo")) {
        loadDemo(datasets::DatasetLoader::demoOptions(options));
        return;
    }
    // Besides files and folders, the loader knows a few sources by name (Debian's Fashion-MNIST, the phantom demo).
    const bool named = source == QLatin1String("fashion-mnist") || source == QLatin1String("demo-procedural");
    if (!named && !QFileInfo::exists(source)) {
        showError(tr("Dataset not opened"),
                  tr("%1 does not exist (any more). Choose another folder or file.").arg(source));
        return;
    }
    if (!named)
        QSettings().setValue(QStringLiteral("datasets/lastFolder"), QFileInfo(source).absolutePath());
    loadingKey_ = datasetKey(source, options);
    tabs_->setCurrentWidget(datasetPage_);
    datasetPage_->open(source, options);
}

void MainWindow::useRecipeDataset(const workbench::Recipe& recipe)
{
    const QString open = loadingKey_.section(QLatin1Char('|'), 0, 0);
    if (!open.isEmpty() && !isNamedSource(open) && isNamedSource(recipe.dataset.source)) {
        statusBar()->showMessage(tr("The recipe's model and pruning will run on %1 (the recipe's own dataset is %2)")
                                     .arg(QDir::toNativeSeparators(open), recipe.dataset.source));
        return;
    }
    datasets::LoadOptions options = workbench::loadOptions(recipe);
    if (datasetKey(recipe.dataset.source, options) != loadingKey_)
        openDataset(recipe.dataset.source);
}

void MainWindow::chooseFolder()
{
    const QString folder = QFileDialog::getExistingDirectory(
        this, tr("Open a folder of class folders"),
        QSettings().value(QStringLiteral("datasets/lastFolder"), QDir::homePath()).toString());
    if (!folder.isEmpty())
        openDataset(folder);
}

void MainWindow::chooseFile()
{
    const QString file = QFileDialog::getOpenFileName(
        this, tr("Open a dataset file"),
        QSettings().value(QStringLiteral("datasets/lastFolder"), QDir::homePath()).toString(),
        tr("Datasets (*.zip *.csv *.nii *.nii.gz *-idx3-ubyte *-idx3-ubyte.gz *.idx *.gz);;All files (*)"));
    if (!file.isEmpty())
        openDataset(file);
}

void MainWindow::rememberDataset(const QString& source)
{
    QSettings settings;
    QStringList recent = settings.value(kRecentKey).toStringList();
    const QString path = QFileInfo(source).absoluteFilePath();
    recent.removeAll(path);
    recent.prepend(path);
    while (recent.size() > kMaxRecent)
        recent.removeLast();
    settings.setValue(kRecentKey, recent);
    updateRecentMenu();
}

QStringList MainWindow::recentDatasets() const
{
    return QSettings().value(kRecentKey).toStringList();
}

void MainWindow::updateRecentMenu()
{
    recentMenu_->clear();
    const QStringList recent = recentDatasets();
    for (const QString& path : recent)
        recentMenu_->addAction(QDir::toNativeSeparators(path), this, [this, path] { openDataset(path); });
    recentMenu_->setEnabled(!recent.isEmpty());
}

workbench::Recipe MainWindow::recipe() const
{
    return runPage_->recipe();
}

void MainWindow::setRecipe(const workbench::Recipe& recipe)
{
    runPage_->setRecipe(recipe);
    datasetPage_->splitPanel()->setChoices(recipe);
}

bool MainWindow::isRunning() const
{
    return runPage_->isBusy();
}

void MainWindow::startRun()
{
    runPage_->startRun();
    if (runPage_->isBusy())
        tabs_->setCurrentWidget(runPage_);
}

void MainWindow::cancelRun()
{
    runPage_->cancelRun();
}

void MainWindow::setDarkPalette(bool on)
{
    // The system's palette when off (a dark desktop theme still gives a dark window); the charts follow either.
    QApplication::setPalette(on ? palette::dark() : systemPalette_);
    QSettings().setValue(QStringLiteral("view/dark"), on);
    if (auto* action = findChild<QAction*>(QStringLiteral("darkPaletteAction")); action && action->isChecked() != on)
        action->setChecked(on);
}

void MainWindow::setPresentationMode(bool on)
{
    if (presentation_ == on)
        return;
    presentation_ = on;
    QFont f = normalFont_;
    const double size = (normalFont_.pointSizeF() > 0 ? normalFont_.pointSizeF() : 10.0) * (on ? 1.5 : 1.0);
    f.setPointSizeF(size);
    setFont(f);
    scaleCharts(this, size, on ? 1.75 : 1.0 / 1.75);
    // A projector's 768 or 720 lines are for the pages: the toolbar's actions stay in the menus (F11, Ctrl+R).
    if (auto* tools = findChild<QToolBar*>(QStringLiteral("mainToolBar")))
        tools->setVisible(!on);
    runPage_->setPresentation(on);
    runPage_->setLayerPanelCollapsed(on && lessonMode()); // the lesson's text takes the lower row's height
    if (on)
        showFullScreen();
    else
        showNormal();
    if (auto* action = findChild<QAction*>(QStringLiteral("presentationAction")); action && action->isChecked() != on)
        action->setChecked(on);
}

QString MainWindow::sessionsRoot() const
{
    return workbench::UserSettings().sessionsRoot();
}

void MainWindow::showPreferences()
{
    if (auto* open = findChild<PreferencesDialog*>(); open) { // already open: bring it forward
        open->raise();
        open->activateWindow();
        return;
    }
    auto* dialog = new PreferencesDialog(this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::accepted, this, [this] {
        const QString root = sessionsRoot();
        runPage_->setSessionsRoot(root);
        if (sessionsPage_->root() != root)
            sessionsPage_->setRoot(root);
        statusBar()->showMessage(tr("Preferences saved"));
    });
    dialog->open();
}

void MainWindow::reopenSession(const QString& path)
{
    if (runPage_->isBusy()) {
        showError(tr("Session not reopened"), tr("A run is going on: its charts are on screen. Reopen %1 when it "
                                                 "has finished or after Cancel.")
                                                  .arg(path));
        return;
    }
    try {
        if (workbench::Comparison::isComparison(workbench::Session::open(path))) {
            const workbench::Comparison comparison = workbench::Comparison::open(workbench::Session::open(path));
            runPage_->showComparison(comparison);
            tabs_->setCurrentWidget(runPage_);
            statusBar()->showMessage(tr("Reopened the comparison %1: its variants are overlaid on the "
                                        "accuracy-vs-weights-remaining chart")
                                         .arg(path));
            return;
        }
        const workbench::RecordedRun run = workbench::SessionStore::reopen(path);
        QStringList classes;
        for (const QJsonValue& name : workbench::Session::open(path)
                                          .readJson(QStringLiteral("dataset.json"))
                                          .value(QStringLiteral("classes"))
                                          .toArray())
            classes.append(name.toString());
        resultsPage_->setClassNames(classes);
        runPage_->showRecorded(run);
        resultsPage_->showRecorded(
            tr("Session %1 (%2, recipe %3)").arg(run.info.name, run.info.status, run.info.recipeName), run.rounds,
            run.bestRound);
        resultsPage_->setSession(path);
        tabs_->setCurrentWidget(resultsPage_);
        statusBar()->showMessage(tr("Reopened %1").arg(path));
    } catch (const std::exception& e) {
        showError(tr("Session not reopened"), QString::fromLocal8Bit(e.what()));
    }
}

void MainWindow::compareSessions(const QStringList& paths)
{
    QList<QPair<QString, QList<workbench::RoundStats>>> runs;
    try {
        for (const QString& path : paths) {
            const workbench::Session session = workbench::Session::open(path);
            if (workbench::Comparison::isComparison(session)) { // a comparison brings its variants
                runs.append(workbench::Comparison::open(session).recordedRounds());
                continue;
            }
            const workbench::RecordedRun run = workbench::SessionStore::reopen(path);
            runs.append({run.info.name, run.rounds});
        }
    } catch (const std::exception& e) {
        showError(tr("Sessions not compared"), QString::fromLocal8Bit(e.what()));
        return;
    }
    runPage_->setComparison(runs);
    tabs_->setCurrentWidget(runPage_);
    statusBar()->showMessage(tr("Overlaid on the accuracy-vs-weights-remaining chart: %1")
                                 .arg(paths.size() == 1 ? tr("1 session") : tr("%1 sessions").arg(paths.size())));
}

void MainWindow::resumeSession(const QString& path)
{
    if (runPage_->isBusy()) {
        showError(tr("Session not resumed"), tr("A run is going on; resume %1 when it has finished.").arg(path));
        return;
    }
    try {
        if (const workbench::Session session = workbench::Session::open(path);
            workbench::Comparison::isComparison(session)) {
            runPage_->resumeComparison(workbench::Comparison::open(session));
            tabs_->setCurrentWidget(runPage_);
            return;
        }
        const workbench::RecordedRun run = workbench::SessionStore::reopen(path);
        runPage_->resumeSession(path, run); // the open dataset serves if it is the session's; else the job loads it
        resultsPage_->showRecorded(tr("Resuming %1…").arg(run.info.name), run.rounds, -1);
        tabs_->setCurrentWidget(runPage_);
    } catch (const std::exception& e) {
        showError(tr("Session not resumed"), QString::fromLocal8Bit(e.what()));
    }
}

void MainWindow::setLessonMode(bool on)
{
    if (lesson_->isVisible() != on) {
        lesson_->setVisible(on);
        if (presentation_) // on a projector the lesson's text takes the lower row's height
            runPage_->setLayerPanelCollapsed(on);
        if (on)
            showLessonStep(lesson_->currentStep(), lesson_->stepPage(lesson_->currentStep()));
    }
    if (auto* action = findChild<QAction*>(QStringLiteral("lessonAction")); action && action->isChecked() != on)
        action->setChecked(on);
}

bool MainWindow::lessonMode() const
{
    return !lesson_->isHidden();
}

void MainWindow::showLessonStep(int index, int page)
{
    if (lesson_->isHidden())
        return;
    tabs_->setCurrentIndex(page);
    if (lesson_->step(index) == LessonPanel::Step::Prune) {
        // The form's own lines on the chosen method and schedule (from the engine's catalogue), not a second copy.
        QStringList detail;
        const RecipeForm* form = runPage_->form();
        if (const auto* method = form->findChild<QLabel*>(QStringLiteral("methodHelp"));
            method && !method->text().isEmpty())
            detail << tr("Method %1: %2").arg(recipe().prune.method, method->text());
        if (const auto* schedule = form->findChild<QLabel*>(QStringLiteral("scheduleHelp"));
            schedule && !schedule->text().isEmpty())
            detail << tr("Schedule %1: %2").arg(recipe().prune.schedule, schedule->text());
        lesson_->setDetail(detail.join(QLatin1Char('\n')));
    }
}

void MainWindow::doLessonStep(int step)
{
    switch (LessonPanel::Step(step)) {
    case LessonPanel::Step::Data:
        loadDemo();
        break;
    case LessonPanel::Step::Train:
    case LessonPanel::Step::Prune:
        startRun();
        break;
    case LessonPanel::Step::Compare: {
        if (runPage_->isBusy()) {
            statusBar()->showMessage(tr("A run is going on: start the comparison when it has finished"));
            return;
        }
        // The comparison preset made for a class if there is one, else the strategy study.
        QString preset = QStringLiteral("pruning-strategies-compare");
        for (const QString& name : workbench::Recipe::presetNames())
            if (name.contains(QLatin1String("compare")) && name != preset) {
                preset = name;
                break;
            }
        const workbench::Recipe comparison = workbench::Recipe::fromJson(workbench::Recipe::presetJson(preset));
        setRecipe(comparison);
        useRecipeDataset(comparison);
        startRun();
        if (!runPage_->isBusy())
            statusBar()->showMessage(tr("The comparison %1 is set on the Run page: press Start when the dataset "
                                        "is ready")
                                         .arg(preset));
        break;
    }
    }
}

QStringList MainWindow::saveLessonScreenshots(const QString& folder)
{
    QDir().mkpath(folder);
    QStringList written;
    const bool wasOn = lessonMode();
    const int wasStep = lesson_->currentStep();
    setLessonMode(true);
    for (int i = 0; i < lesson_->stepCount(); ++i) {
        lesson_->setCurrentStep(i);
        for (int k = 0; k < 5; ++k)
            QCoreApplication::processEvents(QEventLoop::AllEvents, 50);
        const QString file =
            QDir(folder).filePath(QStringLiteral("lesson-%1-%2.png").arg(i + 1).arg(lesson_->stepKey(i)));
        if (grab().save(file))
            written << file;
        else
            qWarning("could not write %s", qPrintable(file));
    }
    lesson_->setCurrentStep(wasStep);
    setLessonMode(wasOn);
    return written;
}

QStringList MainWindow::savePresentationScreenshots(const QString& folder, const QSize& size)
{
    QDir().mkpath(folder);
    QStringList written;
    const bool wasOn = presentation_;
    const QSize wasSize = this->size();
    setPresentationMode(true);
    resize(size); // full screen on the projector's resolution (a virtual display without a window manager ignores it)
    const QStringList pageNames{QStringLiteral("dataset"), QStringLiteral("run"), QStringLiteral("results"),
                                QStringLiteral("sessions")};
    for (int i = 0; i < tabs_->count(); ++i) {
        tabs_->setCurrentIndex(i);
        for (int k = 0; k < 5; ++k)
            QCoreApplication::processEvents(QEventLoop::AllEvents, 50);
        const QString file = QDir(folder).filePath(
            QStringLiteral("presentation-%1x%2-%3.png").arg(size.width()).arg(size.height()).arg(pageNames.value(i)));
        if (grab().save(file))
            written << file;
        else
            qWarning("could not write %s", qPrintable(file));
    }
    // The lesson on the projector: its Pruning step, on the Run page.
    const bool lessonWasOn = lessonMode();
    const int lessonStep = lesson_->currentStep();
    setLessonMode(true);
    for (int i = 0; i < lesson_->stepCount(); ++i)
        if (lesson_->step(i) == LessonPanel::Step::Prune)
            lesson_->setCurrentStep(i);
    for (int k = 0; k < 5; ++k)
        QCoreApplication::processEvents(QEventLoop::AllEvents, 50);
    const QString lessonFile =
        QDir(folder).filePath(QStringLiteral("presentation-%1x%2-lesson.png").arg(size.width()).arg(size.height()));
    if (grab().save(lessonFile))
        written << lessonFile;
    lesson_->setCurrentStep(lessonStep);
    setLessonMode(lessonWasOn);
    tabs_->setCurrentIndex(0);
    setPresentationMode(wasOn);
    resize(wasSize);
    return written;
}

bool MainWindow::isDatasetPageBusy() const
{
    return datasetPage_->isLoading() || datasetPage_->isPreviewReading();
}

QStringList MainWindow::saveScreenshots(const QString& folder)
{
    QDir().mkpath(folder);
    QStringList written;
    const auto save = [&](QWidget* widget, const QString& name) {
        const QString file = QDir(folder).filePath(name + QStringLiteral(".png"));
        if (widget->grab().save(file))
            written << file;
        else
            qWarning("could not write %s", qPrintable(file));
    };
    const QStringList pageNames{QStringLiteral("dataset"), QStringLiteral("run"), QStringLiteral("results"),
                                QStringLiteral("sessions")};
    for (int i = 0; i < tabs_->count(); ++i) {
        tabs_->setCurrentIndex(i);
        for (int k = 0; k < 5; ++k) // let the charts' coalescing timers draw what they hold
            QCoreApplication::processEvents(QEventLoop::AllEvents, 50);
        QWidget* page = tabs_->widget(i);
        save(this, QStringLiteral("page-") + pageNames.value(i));
        QList<QWidget*> charts;
        for (QWidget* w : page->findChildren<QWidget*>())
            if (qobject_cast<TrainingChart*>(w) || qobject_cast<SparsityChart*>(w) ||
                qobject_cast<LayerSparsityChart*>(w) || qobject_cast<WeightHistogramWidget*>(w) ||
                qobject_cast<MaskHeatmapWidget*>(w) || qobject_cast<ConfusionMatrixWidget*>(w))
                charts << w;
        for (QWidget* chart : charts)
            save(chart, QStringLiteral("chart-") + chart->objectName());
    }
    tabs_->setCurrentIndex(0);
    return written;
}

void MainWindow::closeEvent(QCloseEvent* event)
{
    if (runPage_->isBusy()) {
        const auto answer = QMessageBox::question(
            this, tr("Stop the run?"),
            tr("A run is in progress. Stop it and close PruneLab? Completed rounds are kept in its session."),
            QMessageBox::Yes | QMessageBox::No, QMessageBox::No);
        if (answer != QMessageBox::Yes) {
            event->ignore();
            return;
        }
        runPage_->cancelRun();
    }
    if (presentation_)
        setPresentationMode(false);
    QSettings settings;
    settings.setValue(kGeometryKey, saveGeometry());
    settings.setValue(kStateKey, saveState());
    event->accept();
}

void MainWindow::dragEnterEvent(QDragEnterEvent* event)
{
    if (event->mimeData()->hasUrls() && !event->mimeData()->urls().isEmpty() &&
        event->mimeData()->urls().first().isLocalFile())
        event->acceptProposedAction();
}

void MainWindow::dropEvent(QDropEvent* event)
{
    const QList<QUrl> urls = event->mimeData()->urls();
    if (urls.isEmpty() || !urls.first().isLocalFile())
        return;
    event->acceptProposedAction();
    openDataset(urls.first().toLocalFile());
}

void MainWindow::showError(const QString& title, const QString& message)
{
    statusBar()->showMessage(message);
    if (QApplication::platformName() == QLatin1String("offscreen"))
        return; // tests and --tour: no modal dialog to click away
    QMessageBox::warning(this, title, message);
}

} // namespace prunelab::ui
