#pragma once

#include "core/workbench/Recipe.h"
#include "core/workbench/RunTypes.h"
#include "datasets/DemoMriGenerator.h"

#include <QMainWindow>
#include <QStringList>

#include <memory>

class QMenu;
class QTabWidget;

namespace prunelab::workbench {
class RunJob;
}

namespace prunelab::ui {

class DatasetPage;
class LessonPanel;
class ResultsPage;
class RunPage;
class SessionsPage;

/// The workbench window: a tab per page (Dataset, Run, Results, Sessions), the File and View menus, a toolbar,
/// drag-and-drop of datasets, recent datasets, F11 presentation mode, and the window layout remembered with QSettings.
/// The pages do the work; decoding and training happen off the GUI thread.
class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    explicit MainWindow(QWidget* parent = nullptr);
    ~MainWindow() override;

    /// Generates the built-in demo dataset on a worker thread; datasetReady() follows.
    void loadDemo(const datasets::DemoOptions& options = {});
    /// Opens a folder, .zip, .csv, IDX or NIfTI source on a worker thread; datasetReady() follows, or a message.
    void openDataset(const QString& source);
    /// The recipe the Run page describes: the recipe set last (accuracy-cliff at first) with the form's values.
    workbench::Recipe recipe() const;
    void setRecipe(const workbench::Recipe& recipe);
    bool isRunning() const;
    /// Whether the dataset page is still loading a dataset or reading a volume for its preview.
    bool isDatasetPageBusy() const;
    QStringList recentDatasets() const;
    /// Where runs are saved: UserSettings::sessionsRoot() (the folder chosen in Preferences or on the Sessions page).
    QString sessionsRoot() const;
    /// File → Preferences… (Ctrl+,): the sessions folder and the dataset cache; OK applies the folder to the Run and
    /// Sessions pages.
    void showPreferences();
    /// Sessions page actions: show a session's charts and results; overlay sessions on the accuracy-vs-sparsity
    /// chart; continue an interrupted session. Each shows a message instead when it cannot.
    void reopenSession(const QString& path);
    void compareSessions(const QStringList& paths);
    void resumeSession(const QString& path);

    /// Presentation mode: full screen and larger fonts, for a projector (F11).
    void setPresentationMode(bool on);
    /// Dark windows and charts (View → Dark palette), or back to the system's palette; remembered.
    void setDarkPalette(bool on);
    bool presentationMode() const { return presentation_; }
    /// Lesson mode (View → Lesson mode, --lesson): the LessonPanel above the pages, Data → Train → Prune → Compare.
    void setLessonMode(bool on);
    bool lessonMode() const;
    LessonPanel* lessonPanel() const { return lesson_; }

    /// Saves a PNG of every page and of every chart on it into `folder` (the --tour); returns the files written.
    QStringList saveScreenshots(const QString& folder);
    /// The tour's lesson pictures: the window at each lesson step, `folder`/lesson-<n>-<step>.png.
    QStringList saveLessonScreenshots(const QString& folder);
    /// The tour's projector pictures: presentation mode at `size`, one per page,
    /// `folder`/presentation-<w>x<h>-<page>.png; presentation mode is left as it was.
    QStringList savePresentationScreenshots(const QString& folder, const QSize& size);

public slots:
    void startRun();
    void cancelRun();

signals:
    void datasetReady();
    /// The dataset page has nothing left to read (its dataset and its volume preview): what it shows is final.
    void datasetPageIdle();
    void runFinished(const prunelab::workbench::RunSummary& summary);
    /// A comparison's last variant ended (after its runFinished); `path` is the comparison folder.
    void comparisonFinished(const QString& path, const QString& status);

protected:
    void closeEvent(QCloseEvent* event) override;
    void dragEnterEvent(QDragEnterEvent* event) override;
    void dropEvent(QDropEvent* event) override;

private:
    void buildMenus();
    void chooseFolder();
    void chooseFile();
    void rememberDataset(const QString& source);
    void updateRecentMenu();
    void showError(const QString& title, const QString& message);
    /// A preset or recipe file was chosen: loads its dataset unless that is the one open, or the user's own
    /// files are open (the preset's model and pruning then run on them).
    void useRecipeDataset(const workbench::Recipe& recipe);
    /// A lesson step was shown (its page, the Prune step's method text) or its action button pressed.
    void showLessonStep(int index, int page);
    void doLessonStep(int step);

    std::shared_ptr<const datasets::ImageSet> dataset_;
    workbench::RunJob* job_ = nullptr;
    QTabWidget* tabs_ = nullptr;
    DatasetPage* datasetPage_ = nullptr;
    RunPage* runPage_ = nullptr;
    ResultsPage* resultsPage_ = nullptr;
    SessionsPage* sessionsPage_ = nullptr;
    LessonPanel* lesson_ = nullptr;
    QMenu* recentMenu_ = nullptr;
    bool presentation_ = false;
    QFont normalFont_;
    QPalette systemPalette_;
    QString loadingKey_; ///< the source and load options of the dataset open or opening (useRecipeDataset)
};

} // namespace prunelab::ui
