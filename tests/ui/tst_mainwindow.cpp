#include "core/engine/pruning/MethodCatalogue.h"
#include "core/workbench/RecipeData.h"
#include "core/workbench/RepeatStats.h"
#include "core/workbench/Session.h"
#include "core/workbench/UserSettings.h"
#include "datasets/BrainSliceDemo.h"
#include "datasets/DatasetCache.h"
#include "tests/datasets/NiftiTestVolume.h"
#include "ui/ClassBalanceChart.h"
#include "ui/ConfusionMatrixWidget.h"
#include "ui/DatasetPage.h"
#include "ui/LayerSparsityChart.h"
#include "ui/MainWindow.h"
#include "ui/MaskHeatmapWidget.h"
#include "ui/PreferencesDialog.h"
#include "ui/RecipeForm.h"
#include "ui/ResultsPage.h"
#include "ui/SampleGridWidget.h"
#include "ui/SessionsPage.h"
#include "ui/SplitPanel.h"
#include "ui/VolumePreviewWidget.h"
#include "ui/WeightHistogramWidget.h"
#include "ui/charts/ChartContextMenu.h"
#include "ui/charts/SensitivityChart.h"
#include "ui/charts/SparsityChart.h"
#include "ui/charts/TrainingChart.h"

#include <QAbstractAxis>
#include <QAction>
#include <QApplication>
#include <QChart>
#include <QChartView>
#include <QCheckBox>
#include <QComboBox>
#include <QDialog>
#include <QDir>
#include <QDoubleSpinBox>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QImage>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QMimeData>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QSlider>
#include <QSpinBox>
#include <QStandardPaths>
#include <QStatusBar>
#include <QTabWidget>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QThreadPool>
#include <QTimer>
#include <QUrl>
#include <QWheelEvent>
#include <QXYSeries>

#include <cmath>

using namespace prunelab;

/// Measures the longest gap between ticks of a 10 ms timer on the GUI thread: how long the window stayed frozen.
class ResponsivenessProbe : public QObject {
public:
    ResponsivenessProbe()
    {
        timer_.setInterval(10);
        connect(&timer_, &QTimer::timeout, this, [this] { worst_ = std::max(worst_, clock_.restart()); });
        clock_.start();
        timer_.start();
    }
    qint64 worstGapMs() const { return worst_; }

private:
    QTimer timer_;
    QElapsedTimer clock_;
    qint64 worst_ = 0;
};

/// Answers the next question box with Yes as soon as it is on screen, however long it takes to appear: a click
/// after a fixed 200 ms missed the box on a loaded 2-core machine and the test failed. Gives up after 30 s.
void answerNextQuestionYes()
{
    auto* timer = new QTimer;
    auto* clock = new QElapsedTimer;
    clock->start();
    timer->setInterval(20);
    QObject::connect(timer, &QTimer::timeout, [timer, clock] {
        for (QWidget* widget : QApplication::topLevelWidgets()) {
            auto* box = qobject_cast<QMessageBox*>(widget);
            if (box && box->isVisible() && box->button(QMessageBox::Yes)) {
                box->button(QMessageBox::Yes)->click();
                clock->invalidate();
                break;
            }
        }
        if (!clock->isValid() || clock->elapsed() > 30000) {
            timer->stop();
            timer->deleteLater();
            delete clock;
        }
    });
    timer->start();
}

/// A test's runs go to a sessions folder of their own; the suite's folder is set back however the test ends.
class ScopedSessionsRoot {
public:
    ScopedSessionsRoot() : previous_(workbench::UserSettings().sessionsRoot())
    {
        workbench::UserSettings().setSessionsRoot(dir_.path());
    }
    ~ScopedSessionsRoot() { workbench::UserSettings().setSessionsRoot(previous_); }
    bool isValid() const { return dir_.isValid(); }
    QString path() const { return dir_.path(); }

private:
    QTemporaryDir dir_;
    QString previous_;
};

class tst_MainWindow : public QObject {
    Q_OBJECT

    QTemporaryDir sessionsDir_;

    static datasets::DemoOptions smallDemo()
    {
        datasets::DemoOptions options;
        options.perClass = {80, 60, 90, 80};
        options.size = 48;
        return options;
    }

    /// Sets the window's form to an iterative run; returns the recipe it describes.
    static workbench::Recipe setIterative(ui::MainWindow& window, int epochs, int rounds, double sparsity,
                                          int fineTuneEpochs)
    {
        workbench::Recipe recipe = window.recipe();
        recipe.train.epochs = epochs;
        recipe.prune.schedule = QStringLiteral("iterative");
        recipe.prune.rounds = rounds;
        recipe.prune.sparsity = sparsity;
        recipe.prune.rate = 1.0 - std::pow(1.0 - sparsity, 1.0 / rounds); // reaches `sparsity` after `rounds`
        recipe.prune.fineTuneEpochs = fineTuneEpochs;
        window.setRecipe(recipe);
        return recipe;
    }

    static void loadSmallDemo(ui::MainWindow& window)
    {
        QSignalSpy ready(&window, &ui::MainWindow::datasetReady);
        window.loadDemo(smallDemo());
        QVERIFY(ready.wait(30000));
    }

private slots:
    void initTestCase()
    {
        // Keep the tests' recent datasets, window geometry, preferences and dataset cache away from a person's own:
        // test mode (before any QSettings is opened) puts the settings, data and cache folders under ~/.qttest.
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("PruneLabTests"));
        QCoreApplication::setApplicationName(QStringLiteral("tst_mainwindow"));
        QSettings().clear();
        QSettings(QSettings::NativeFormat, QSettings::UserScope, QStringLiteral("PruneLab"), QStringLiteral("PruneLab"))
            .clear();
        QVERIFY(workbench::UserSettings().fileName().contains(QStringLiteral(".qttest")));
        // Runs started in these tests save their sessions here, not in a person's own sessions folder.
        QVERIFY(sessionsDir_.isValid());
        workbench::UserSettings().setSessionsRoot(sessionsDir_.path());
    }

    void opensWithTheDemoDataset()
    {
        ui::MainWindow window;
        window.show();
        auto* start = window.findChild<QPushButton*>("startButton");
        QVERIFY(start);
        QVERIFY(!start->isEnabled()); // nothing to train on yet
        QSignalSpy ready(&window, &ui::MainWindow::datasetReady);
        window.loadDemo(smallDemo());
        QVERIFY(ready.wait(30000));
        QVERIFY(start->isEnabled());
        auto* table = window.findChild<QTableWidget*>("balanceTable");
        QCOMPARE(table->rowCount(), 4);
        QCOMPARE(table->item(2, 0)->text(), QStringLiteral("NonDemented"));
        QCOMPARE(table->item(2, 1)->text(), QStringLiteral("90"));
        QCOMPARE(window.findChild<ui::SampleGridWidget*>()->shownImages(), 20);
        // The class balance as bars and as a pie, with the numbers behind them.
        auto* bars = window.findChild<ui::ClassBalanceChart*>("classBalanceBars");
        QCOMPARE(bars->plottedClasses(), 4);
        QVERIFY(bars->toCsv().contains(QStringLiteral("\"NonDemented\",90,29.03")));
        QCOMPARE(window.findChild<ui::ClassBalanceChart*>("classBalancePie")->plottedClasses(), 4);
        // A click on a sample opens it enlarged, with its class and file.
        auto* grid = window.findChild<ui::SampleGridWidget*>();
        QWidget* thumb = grid->findChildren<QLabel*>("sampleThumbnail").value(0);
        QVERIFY(thumb);
        QTRY_VERIFY(thumb->isVisible()); // shown by its layout on the next pass of the event loop
        QTest::mouseClick(thumb, Qt::LeftButton);
        auto* sample = grid->findChild<QDialog*>("sampleDialog");
        QVERIFY(sample);
        QTRY_VERIFY(sample->isVisible());
        QVERIFY(sample->findChild<QLabel*>("sampleCaption")->text().contains(QStringLiteral("MildDemented")));
        sample->close();
        // Which demo is in use, and the (empty) skipped-files list.
        QVERIFY(
            window.findChild<QLabel*>("datasetTitle")->text().contains(QStringLiteral("demo"), Qt::CaseInsensitive));
        QCOMPARE(window.findChild<QTableWidget*>("skippedTable")->rowCount(), 0);
        QVERIFY(window.findChild<QLabel*>("datasetDetails")->text().contains(QStringLiteral("duplicates")));
    }

    void opensAFolderListsSkippedFilesAndRemembersIt()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        for (const QString& cls : {QStringLiteral("cats"), QStringLiteral("dogs")}) {
            QVERIFY(QDir(dir.path()).mkpath(cls));
            for (int i = 0; i < 3; ++i) {
                QImage image(16, 16, QImage::Format_Grayscale8);
                image.fill(cls == QLatin1String("cats") ? 40 + i * 60 : 200 - i * 50);
                QVERIFY(image.save(dir.filePath(cls + QStringLiteral("/%1.png").arg(i))));
            }
        }
        QFile broken(dir.filePath(QStringLiteral("dogs/broken.png")));
        QVERIFY(broken.open(QIODevice::WriteOnly));
        broken.write("this is not a PNG file");
        broken.close();

        ui::MainWindow window;
        window.show();
        QSignalSpy ready(&window, &ui::MainWindow::datasetReady);
        // Dropped on the window, as from a file manager.
        QMimeData mime;
        mime.setUrls({QUrl::fromLocalFile(dir.path())});
        QDragEnterEvent enter(QPoint(100, 100), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
        QApplication::sendEvent(&window, &enter);
        QVERIFY(enter.isAccepted());
        QDropEvent drop(QPointF(100, 100), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
        QApplication::sendEvent(&window, &drop);
        QVERIFY(ready.wait(30000));
        auto* table = window.findChild<QTableWidget*>("balanceTable");
        QCOMPARE(table->rowCount(), 2);
        QCOMPARE(table->item(0, 1)->text(), QStringLiteral("3"));
        QCOMPARE(table->item(1, 1)->text(), QStringLiteral("3"));
        auto* skipped = window.findChild<QTableWidget*>("skippedTable");
        QCOMPARE(skipped->rowCount(), 1);
        QVERIFY(skipped->item(0, 0)->text().contains(QStringLiteral("broken.png")));
        QVERIFY(!skipped->item(0, 1)->text().isEmpty());
        QVERIFY(window.recentDatasets().contains(QDir(dir.path()).absolutePath()));
        QVERIFY(!window.findChild<QWidget*>("volumePreviewBox")->isVisible()); // pictures, not volumes
        QVERIFY(!window.findChild<QWidget*>("severityStripBox")->isVisible());
        QVERIFY(window.findChild<QPushButton*>("startButton")->isEnabled());
    }

    void cancellingALoadKeepsTheWindowUsable()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        for (const QString& cls : {QStringLiteral("a"), QStringLiteral("b")}) {
            QVERIFY(QDir(dir.path()).mkpath(cls));
            for (int i = 0; i < 1500; ++i) {
                QImage image(32, 32, QImage::Format_Grayscale8);
                image.fill(i % 251);
                QVERIFY(image.save(dir.filePath(cls + QStringLiteral("/%1.png").arg(i))));
            }
        }
        ui::MainWindow window;
        window.show();
        QSignalSpy ready(&window, &ui::MainWindow::datasetReady);
        window.openDataset(dir.path());
        auto* cancel = window.findChild<QPushButton*>("cancelLoadButton");
        QVERIFY(cancel && cancel->isVisible() && cancel->isEnabled());
        QTest::mouseClick(cancel, Qt::LeftButton); // long before 3000 files are decoded
        QTRY_VERIFY_WITH_TIMEOUT(!cancel->isVisible(), 30000);
        QCOMPARE(ready.size(), 0);
        QVERIFY(window.findChild<QLabel*>("datasetTitle")->text().contains(QStringLiteral("cancelled")));
        QVERIFY(!window.findChild<QPushButton*>("startButton")->isEnabled());
        // The window still works: the demo opens after the cancelled load.
        window.loadDemo(smallDemo());
        QVERIFY(ready.wait(30000));
        QVERIFY(window.findChild<QPushButton*>("startButton")->isEnabled());
    }

    void theDemoShowsItsSeverityStripAndSourceVolume()
    {
        ui::MainWindow window;
        window.show();
        loadSmallDemo(window);
        auto* page = window.findChild<ui::DatasetPage*>();
        QVERIFY(page);
        // One slice per class, mildest first, each captioned with its class.
        const QList<QImage>& strip = page->severityStrip();
        QCOMPARE(strip.size(), 4);
        QVERIFY(window.findChild<QWidget*>("severityStripBox")->isVisible());
        const QList<QLabel*> labels = window.findChild<QWidget*>("severityStrip")->findChildren<QLabel*>();
        QStringList captions;
        for (QLabel* label : labels)
            if (!label->text().isEmpty()) // as read: without the zero-width spaces where a long name may wrap
                captions << QString(label->text()).remove(QChar(0x200B));
        QCOMPARE(captions.size(), 4);
        QVERIFY(captions[0].contains(QStringLiteral("NonDemented")));
        QVERIFY(captions[1].contains(QStringLiteral("VeryMildDemented")));
        QVERIFY(captions[2].contains(QStringLiteral("MildDemented")));
        QVERIFY(captions[3].contains(QStringLiteral("ModerateDemented")));
        // The strip's images differ only by atrophy: the dark (CSF) area in the middle grows along it.
        const auto darkCentre = [](const QImage& image) {
            int dark = 0;
            for (int y = image.height() / 5; y < image.height() * 4 / 5; ++y)
                for (int x = image.width() / 5; x < image.width() * 4 / 5; ++x)
                    dark += qGray(image.pixel(x, y)) < 50;
            return dark;
        };
        QVERIFY2(darkCentre(strip[0]) < darkCentre(strip[3]),
                 qPrintable(QStringLiteral("%1 vs %2").arg(darkCentre(strip[0])).arg(darkCentre(strip[3]))));

        auto* preview = window.findChild<ui::VolumePreviewWidget*>("volumePreview");
        QVERIFY(preview);
        if (!datasets::BrainSliceDemo::available()) {
            QVERIFY(!window.findChild<QWidget*>("volumePreviewBox")->isVisible());
            QSKIP("mricron-data is not installed: the procedural demo has no source volume to preview");
        }
        QVERIFY(window.findChild<QWidget*>("volumePreviewBox")->isVisible());
        QTRY_VERIFY_WITH_TIMEOUT(!preview->isReading(), 20000);
        QCOMPARE(preview->currentAxis(), 2);
        QVERIFY(preview->currentSlice() >= datasets::BrainSliceDemo::kFirstSlice);
        QVERIFY(preview->currentSlice() <= datasets::BrainSliceDemo::kLastSlice);
        QVERIFY(preview->currentSliceIsSample());
        const QImage inBand = preview->currentImage();
        QCOMPARE(inBand.size(), QSize(181, 217)); // Colin27's axial plane, x across, y (anterior) up
        auto* slider = window.findChild<QSlider*>("sliceSlider");
        QCOMPARE(slider->maximum(), 180);
        slider->setValue(40); // far below the ventricles: not one of the demo's slices, and another picture
        QVERIFY(!preview->currentSliceIsSample());
        QVERIFY(preview->currentImage() != inBand);
        QVERIFY(window.findChild<QLabel*>("sliceCaption")->text().contains(QStringLiteral("not a sample")));
        window.findChild<QComboBox*>("previewAxisBox")->setCurrentIndex(0); // sagittal
        QCOMPARE(slider->maximum(), 180);
        QCOMPARE(preview->currentImage().size(), QSize(217, 181));
        QVERIFY(!preview->currentSliceIsSample());
    }

    void aReadStillGoingWhenTheVolumesChangeIsDropped()
    {
        // CI caught this: the demo's volume was still being read when a NIfTI folder's volumes came; both reads were
        // of volume 0, so the late demo read replaced the folder's volume (slider 0..180 instead of 0..9).
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const auto fill = [](int x, int y, int z) { return (x * 7 + y * 3 + z) % 251; };
        testing::writeVolume(dir.filePath("big.nii.gz"), 160, 160, 160, fill); // slow to read
        testing::writeVolume(dir.filePath("small.nii"), 20, 24, 10, fill);     // quick
        ui::VolumePreviewWidget preview;
        preview.setVolumes({{QStringLiteral("big"), dir.filePath("big.nii.gz"), 2, {80}}}, 1, 99, {});
        preview.setVolumes({{QStringLiteral("small"), dir.filePath("small.nii"), 2, {5}}}, 1, 99, {});
        QThreadPool::globalInstance()->waitForDone(); // both reads are over, the big one last
        QTRY_VERIFY_WITH_TIMEOUT(!preview.isReading(), 10000);
        QCoreApplication::processEvents(); // deliver every finished read
        QCOMPARE(preview.findChild<QSlider*>("sliceSlider")->maximum(), 9);
        QCOMPARE(preview.currentImage().size(), QSize(20, 24));
    }

    void aNiftiFolderIsPreviewedVolumeByVolume()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        // Two classes, three volumes; the "brain" is an ellipse whose slices brighten with z.
        const auto brain = [](int volume) {
            return [volume](int x, int y, int z) {
                const double dx = (x - 10) / 8.0, dy = (y - 12) / 10.0;
                return dx * dx + dy * dy > 1.0 ? 0 : 100 + 30 * z + 5 * volume;
            };
        };
        testing::writeVolume(dir.filePath("healthy/s1.nii.gz"), 20, 24, 10, brain(0));
        testing::writeVolume(dir.filePath("healthy/s2.nii"), 20, 24, 10, brain(1));
        testing::writeVolume(dir.filePath("ill/s3.nii.gz"), 20, 24, 12, brain(2));
        QFile broken(dir.filePath(QStringLiteral("ill/broken.nii.gz")));
        QVERIFY(broken.open(QIODevice::WriteOnly));
        broken.write("not a volume");
        broken.close();

        ui::MainWindow window;
        window.show();
        loadSmallDemo(window); // a strip from before must not stay on screen
        QSignalSpy ready(&window, &ui::MainWindow::datasetReady);
        window.openDataset(dir.path());
        QVERIFY(ready.wait(30000));
        QVERIFY(!window.findChild<QWidget*>("severityStripBox")->isVisible());
        QVERIFY(window.findChild<QWidget*>("volumePreviewBox")->isVisible());
        QCOMPARE(window.findChild<QTableWidget*>("skippedTable")->rowCount(), 1); // broken.nii.gz, with its reason
        auto* preview = window.findChild<ui::VolumePreviewWidget*>("volumePreview");
        QCOMPARE(preview->volumeCount(), 3); // the broken file is not offered
        QTRY_VERIFY_WITH_TIMEOUT(!preview->isReading(), 10000);
        auto* slider = window.findChild<QSlider*>("sliceSlider");
        QCOMPARE(slider->maximum(), 9);
        QVERIFY(preview->currentSliceIsSample()); // every slice of these volumes is a sample
        QCOMPARE(preview->currentImage().size(), QSize(20, 24));
        const QImage first = preview->currentImage();
        slider->setValue(9);
        QVERIFY(preview->currentImage() != first); // a brighter slice, windowed like the samples
        auto* volumes = window.findChild<QComboBox*>("previewVolumeBox");
        QCOMPARE(volumes->count(), 3);
        QVERIFY(volumes->itemText(2).contains(QStringLiteral("ill/s3.nii.gz")));
        volumes->setCurrentIndex(2);
        QTRY_VERIFY_WITH_TIMEOUT(!preview->isReading(), 10000);
        QCOMPARE(slider->maximum(), 11);

        // Back to the demo: its strip returns, and the preview offers the demo's own source volume (or nothing).
        window.loadDemo(smallDemo());
        QVERIFY(ready.wait(30000));
        QVERIFY(window.findChild<QWidget*>("severityStripBox")->isVisible());
        QCOMPARE(preview->volumeCount(), datasets::BrainSliceDemo::available() ? 1 : 0);
    }

    void runsAreSessionsToReopenCompareResumeRenameAndDelete()
    {
        const ScopedSessionsRoot root;
        QVERIFY(root.isValid());
        ui::MainWindow window;
        window.show();
        loadSmallDemo(window);
        workbench::Recipe recipe = setIterative(window, 1, 2, 0.75, 1);

        // A run started in the window is saved as a session.
        QSignalSpy finished(&window, &ui::MainWindow::runFinished);
        window.startRun();
        QVERIFY(finished.wait(60000));
        const auto first = finished.takeFirst().first().value<workbench::RunSummary>();
        QCOMPARE(first.outcome, workbench::RunSummary::Outcome::Completed);
        QVERIFY(first.session.startsWith(root.path()));
        auto* page = window.findChild<ui::SessionsPage*>();
        auto* tabs = window.findChild<QTabWidget*>("pages");
        tabs->setCurrentWidget(page); // the page reads the folder when it is shown
        QTRY_COMPARE(page->sessions().size(), 1);
        QCOMPARE(page->sessions().first().status, QStringLiteral("completed"));
        QCOMPARE(page->sessions().first().completedRound, 2);
        auto* table = window.findChild<QTableWidget*>("sessionsTable");
        QCOMPARE(table->rowCount(), 1);
        QCOMPARE(workbench::Session::open(first.session)
                     .recipeJson()
                     .value(QStringLiteral("dataset"))
                     .toObject()
                     .value(QStringLiteral("source"))
                     .toString(),
                 QStringLiteral("demo"));

        // Reopen: the Results page and the charts show what the session recorded.
        page->select({first.session});
        QVERIFY(
            window.findChild<QPlainTextEdit*>("sessionRecipe")->toPlainText().contains(QStringLiteral("iterative")));
        auto* results = window.findChild<ui::ResultsPage*>();
        results->clear();
        QTest::mouseClick(window.findChild<QPushButton*>("reopenSessionButton"), Qt::LeftButton);
        QCOMPARE(results->rounds(), 3);
        QCOMPARE(results->bestRound(), first.bestRound);
        QCOMPARE(tabs->currentWidget(), static_cast<QWidget*>(results));
        auto* sparsity = window.findChild<ui::SparsityChart*>("sparsityChart");
        QCOMPARE(sparsity->plottedRounds(), 3);
        QTRY_COMPARE(window.findChild<ui::TrainingChart*>("trainingChart")->plottedPoints(), 1 + 2);

        // A second run, cancelled after its dense round, then resumed from the Sessions page.
        recipe.train.epochs = 2;
        recipe.prune.fineTuneEpochs = 2;
        recipe.prune.rounds = 3;
        window.setRecipe(recipe);
        window.startRun();
        QTRY_VERIFY_WITH_TIMEOUT(results->rounds() >= 1, 60000);
        window.cancelRun();
        QVERIFY(finished.wait(60000));
        const auto cancelled = finished.takeFirst().first().value<workbench::RunSummary>();
        QCOMPARE(cancelled.outcome, workbench::RunSummary::Outcome::Cancelled);
        const int kept = workbench::Session::open(cancelled.session).completedRound();
        QVERIFY(kept >= 0 && kept < 3);
        tabs->setCurrentWidget(page);
        QTRY_COMPARE(page->sessions().size(), 2);
        page->select({cancelled.session});
        auto* resume = window.findChild<QPushButton*>("resumeSessionButton");
        QVERIFY(resume->isEnabled());
        QTest::mouseClick(resume, Qt::LeftButton);
        QVERIFY(window.isRunning());
        QVERIFY(!resume->isEnabled()); // one run at a time
        QVERIFY(finished.wait(60000));
        const auto resumed = finished.takeFirst().first().value<workbench::RunSummary>();
        QCOMPARE(resumed.outcome, workbench::RunSummary::Outcome::Completed);
        QCOMPARE(resumed.session, cancelled.session);
        QCOMPARE(results->rounds(), 4); // the recorded rounds and the ones run now, each once
        QList<int> recorded;
        for (const QJsonObject& e : workbench::Session::open(resumed.session).metrics())
            if (e.value(QStringLiteral("event")).toString() == QLatin1String("round"))
                recorded.append(e.value(QStringLiteral("round")).toInt());
        QCOMPARE(recorded, (QList<int>{0, 1, 2, 3}));

        // Compare: both sessions overlaid on the Run page's accuracy-vs-weights-remaining chart.
        tabs->setCurrentWidget(page);
        page->select({first.session, cancelled.session});
        QTest::mouseClick(window.findChild<QPushButton*>("compareSessionsButton"), Qt::LeftButton);
        QCOMPARE(sparsity->overlayCount(), 2);
        QVERIFY(sparsity->toCsv().contains(QStringLiteral("run,weights_remaining_percent,accuracy_percent")));

        // Validate reloads the saved model and reproduces the recorded accuracy; Export writes what was asked.
        page->select({first.session});
        QSignalSpy validated(page, &ui::SessionsPage::validated);
        QTest::mouseClick(window.findChild<QPushButton*>("validateSessionButton"), Qt::LeftButton);
        QVERIFY(validated.wait(60000));
        QVERIFY2(validated.first().first().toBool(), qPrintable(validated.first().last().toString()));
        QTemporaryDir exports;
        QSignalSpy exported(page, &ui::SessionsPage::exported);
        for (const QString& format : {QStringLiteral("bundle"), QStringLiteral("compact-torchscript"),
                                      QStringLiteral("report"), QStringLiteral("plots")}) {
            const QString out = exports.filePath(format == QLatin1String("bundle")   ? QStringLiteral("s.zip")
                                                 : format == QLatin1String("report") ? QStringLiteral("report.html")
                                                 : format == QLatin1String("plots")  ? QStringLiteral("plots")
                                                                                     : QStringLiteral("model.pt"));
            exported.clear();
            QVERIFY(page->exportSession(first.session, format, QStringLiteral("last"), out));
            QVERIFY(!exported.isEmpty() || exported.wait(60000));
            const QStringList files = exported.first().first().toStringList();
            QVERIFY2(exported.first().last().toString().isEmpty(), qPrintable(exported.first().last().toString()));
            QVERIFY(!files.isEmpty());
            for (const QString& file : files)
                QVERIFY2(QFileInfo(file).size() > 0, qPrintable(file));
        }
        QVERIFY(QFileInfo::exists(exports.filePath(QStringLiteral("report.pdf"))));
        QVERIFY(!page->exportSession(first.session, QStringLiteral("pickle"), QStringLiteral("last"), exports.path()));

        // Rename keeps the date; Delete asks, then removes the folder.
        QVERIFY(page->renameSession(first.session, QStringLiteral("class demo")));
        QStringList names;
        for (const workbench::SessionInfo& s : page->sessions())
            names << s.name;
        QVERIFY2(names.contains(QStringLiteral("class-demo")), qPrintable(names.join(',')));
        const QString renamed = page->selectedPaths().value(0);
        QVERIFY(QFileInfo(renamed).fileName().endsWith(QStringLiteral("_class-demo")));
        answerNextQuestionYes();
        QTest::mouseClick(window.findChild<QPushButton*>("deleteSessionButton"), Qt::LeftButton);
        QTRY_COMPARE_WITH_TIMEOUT(page->sessions().size(), 1, 20000);
        QVERIFY(!QFileInfo::exists(renamed));
    }

    void aPresetKeepsWhatTheFormDoesNotShow()
    {
        ui::MainWindow window;
        for (const QString& name : workbench::Recipe::presetNames()) {
            const workbench::Recipe preset = workbench::Recipe::fromJson(workbench::Recipe::presetJson(name));
            window.setRecipe(preset);
            const workbench::Recipe shown = window.recipe();
            const QJsonObject a = shown.toJson(), b = preset.toJson();
            for (const QString& section : b.keys()) // the form changes nothing it was given
                QVERIFY2(a.value(section) == b.value(section),
                         qPrintable(name + QStringLiteral(" ") + section + QStringLiteral(": ") +
                                    QString::fromUtf8(QJsonDocument(a.value(section).toObject()).toJson()) +
                                    QStringLiteral(" vs ") +
                                    QString::fromUtf8(QJsonDocument(b.value(section).toObject()).toJson())));
        }
    }

    // The strategy study from the GUI: the compare preset runs its five variants one after the other, each a session in
    // the comparison folder, overlaid as they finish; the Sessions page reopens the comparison like any run.
    void aComparisonPresetRunsEveryVariantAndReopens()
    {
        const ScopedSessionsRoot root;
        QVERIFY(root.isValid());
        ui::MainWindow window;
        window.show();
        loadSmallDemo(window);
        auto* preset = window.findChild<QComboBox*>("presetCombo");
        const int index = preset->findData(QStringLiteral("pruning-strategies-compare"));
        QVERIFY(index >= 0);
        // Choosing the preset loads its dataset: the demo at 32×32 instead of the 48×48 one open.
        QSignalSpy ready(&window, &ui::MainWindow::datasetReady);
        preset->setCurrentIndex(index);
        emit preset->activated(index);
        QVERIFY(ready.wait(60000));
        QCOMPARE(window.recipe().model.arch, QStringLiteral("lenet5"));
        QVERIFY(window.findChild<QLabel*>("presetNote")->text().contains(QStringLiteral("5 variants")));
        QVERIFY(!window.findChild<QLineEdit*>("hiddenEdit")->isEnabled()); // LeNet-5 has no hidden widths to set
        workbench::Recipe recipe = window.recipe();
        QCOMPARE(recipe.compare.size(), 5);
        recipe.train.epochs = 1;
        recipe.prune.fineTuneEpochs = 1;
        recipe.prune.rounds = 2;
        recipe.prune.rate = 1.0 - std::sqrt(1.0 - recipe.prune.sparsity);
        window.setRecipe(recipe);

        QSignalSpy runs(&window, &ui::MainWindow::runFinished);
        QSignalSpy done(&window, &ui::MainWindow::comparisonFinished);
        auto* sparsity = window.findChild<ui::SparsityChart*>("sparsityChart");
        QList<int> plotted; // each variant's own line, not the variants before it added up
        connect(&window, &ui::MainWindow::runFinished, sparsity, [&] { plotted << sparsity->plottedRounds(); });
        window.startRun();
        QVERIFY(window.isRunning());
        QVERIFY(!window.findChild<QPushButton*>("startButton")->isEnabled());
        QVERIFY(done.wait(240000));
        QCOMPARE(done.first().at(1).toString(), QStringLiteral("completed"));
        QCOMPARE(runs.size(), 5);
        QVERIFY(!window.isRunning());
        QCOMPARE(sparsity->overlayCount(), 5);
        const QString path = done.first().at(0).toString();
        QList<int> recorded;
        QCOMPARE(sparsity->overlayKnees().size(), 5);
        int variant = 0;
        for (const char* label : {"one-shot", "layer-wise", "iterative", "lottery", "random"}) {
            const QList<workbench::RoundStats> rounds =
                workbench::SessionStore::reopen(path + QStringLiteral("/variants/") + label).rounds;
            recorded << int(rounds.size());
            // Each overlaid line carries its own knee, the one its recorded rounds give.
            const workbench::AccuracyKnee knee = workbench::accuracyKnee(rounds);
            const workbench::AccuracyKnee& shown = sparsity->overlayKnees().at(variant++);
            QVERIFY(shown.measured);
            QCOMPARE(shown.found, knee.found);
            QCOMPARE(shown.round, knee.round);
        }
        qInfo() << "rounds plotted per variant" << plotted << "recorded" << recorded;
        QCOMPARE(plotted, recorded);
        QVERIFY(QFileInfo::exists(path + QStringLiteral("/results/comparison.html")));
        for (const char* label : {"one-shot", "layer-wise", "iterative", "lottery", "random"})
            QCOMPARE(workbench::Session::open(path + QStringLiteral("/variants/") + label)
                         .state()
                         .value(QStringLiteral("status"))
                         .toString(),
                     QStringLiteral("completed"));
        QVERIFY(window.findChild<QLabel*>("resultLabel")->text().contains(QStringLiteral("comparison.html")));

        // The Sessions page lists the comparison; Reopen overlays its variants again and prints the table.
        auto* page = window.findChild<ui::SessionsPage*>();
        window.findChild<QTabWidget*>("pages")->setCurrentWidget(page);
        QTRY_COMPARE(page->sessions().size(), 1);
        sparsity->setOverlays({});
        page->select({path});
        QTest::mouseClick(window.findChild<QPushButton*>("reopenSessionButton"), Qt::LeftButton);
        QCOMPARE(sparsity->overlayCount(), 5);
        QVERIFY(window.findChild<QPlainTextEdit*>("runLog")->toPlainText().contains(QStringLiteral("layer-wise")));
    }

    // The Dataset page's split and balance: the counts a run will use, per class, and the choices go into the recipe.
    void splitAndBalanceShowTheirCounts()
    {
        ui::MainWindow window;
        window.show();
        auto* panel = window.findChild<ui::SplitPanel*>("splitPanel");
        QVERIFY(panel);
        QSignalSpy counted(panel, &ui::SplitPanel::counted);
        loadSmallDemo(window); // 80, 60, 90, 80 images; quick-demo: 20 % validation, 10 % test
        QVERIFY(!counted.isEmpty() || counted.wait(10000));
        const auto total = [&](int column) {
            qint64 n = 0;
            for (const auto& row : panel->counts())
                n += row[size_t(column)];
            return n;
        };
        QCOMPARE(panel->counts().size(), 4);
        QCOMPARE(total(0) + total(2) + total(3), qint64(310));
        QVERIFY(qAbs(double(total(2)) - 62.0) <= 4.0); // stratified: about 20 % of each class
        QVERIFY(qAbs(double(total(3)) - 31.0) <= 4.0);
        QCOMPARE(total(1), total(0)); // no balancing

        auto* balance = window.findChild<QComboBox*>("balanceCombo");
        counted.clear();
        balance->setCurrentIndex(balance->findData(QStringLiteral("oversample")));
        QVERIFY(counted.wait(10000));
        qint64 largest = 0;
        for (const auto& row : panel->counts())
            largest = std::max(largest, row[0]);
        for (const auto& row : panel->counts())
            QCOMPARE(row[1], largest); // every class repeated up to the largest
        QCOMPARE(window.recipe().dataset.balance, QStringLiteral("oversample"));

        counted.clear();
        window.findChild<QDoubleSpinBox*>("validationShareSpin")->setValue(30.0);
        QVERIFY(counted.wait(10000));
        QVERIFY(qAbs(double(total(2)) - 93.0) <= 4.0);
        QCOMPARE(window.recipe().dataset.validationFraction, 0.3);
        window.findChild<QSpinBox*>("limitPerClassSpin")->setValue(50);
        QTRY_COMPARE(total(0) + total(2) + total(3), qint64(200));
        QCOMPARE(window.recipe().dataset.limitPerClass, 50);

        // A preset brings its own split back to the panel.
        window.setRecipe(workbench::Recipe::fromJson(workbench::Recipe::presetJson(QStringLiteral("quick-demo"))));
        QCOMPARE(window.findChild<QDoubleSpinBox*>("validationShareSpin")->value(), 20.0);
        QCOMPARE(balance->currentData().toString(), QStringLiteral("none"));
        // Another seed on the Run page draws another split: the panel counts again.
        QTRY_VERIFY(!panel->isCounting());
        counted.clear();
        window.findChild<QSpinBox*>("seedSpin")->setValue(7);
        QVERIFY(counted.wait(10000));
        QVERIFY(window.findChild<QLabel*>("splitNote")->text().contains(QStringLiteral("seed 7")));
    }

    void theFormShowsTheModelAndNamesWhatIsWrong()
    {
        ui::MainWindow window;
        window.show();
        loadSmallDemo(window);
        auto* start = window.findChild<QPushButton*>("startButton");
        auto* problem = window.findChild<QLabel*>("recipeProblem");
        auto* hidden = window.findChild<QLineEdit*>("hiddenEdit");
        QVERIFY(start->isEnabled());
        QVERIFY(problem->isHidden());
        hidden->setText(QString());
        QVERIFY(!problem->isHidden());
        QVERIFY2(problem->text().contains(QStringLiteral("model.hidden")), qPrintable(problem->text()));
        QVERIFY(!start->isEnabled());
        hidden->setText(QStringLiteral("64, 32"));
        QVERIFY(problem->isHidden());
        QVERIFY(start->isEnabled());
        QCOMPARE(window.recipe().model.hidden, (QList<int>{64, 32}));

        auto* arch = window.findChild<QComboBox*>("archCombo");
        arch->setCurrentIndex(arch->findData(QStringLiteral("vgg")));
        QVERIFY(!hidden->isEnabled());
        QVERIFY(window.findChild<QComboBox*>("vggLayoutCombo")->isEnabled());
        window.findChild<QComboBox*>("vggLayoutCombo")->setCurrentText(QStringLiteral("vgg16"));
        window.findChild<QDoubleSpinBox*>("vggWidthSpin")->setValue(0.25);
        auto* init = window.findChild<QComboBox*>("initCombo");
        init->setCurrentText(QStringLiteral("kaiming-normal"));
        auto* device = window.findChild<QComboBox*>("deviceCombo");
        device->setCurrentIndex(device->findData(QStringLiteral("cpu")));
        const workbench::Recipe r = window.recipe();
        QCOMPARE(r.model.arch, QStringLiteral("vgg"));
        QCOMPARE(r.model.layout, QStringLiteral("vgg16"));
        QCOMPARE(r.model.width, 0.25);
        QCOMPARE(r.model.init, QStringLiteral("kaiming-normal"));
        QCOMPARE(r.device, QStringLiteral("cpu"));
        // Each method and schedule says in a line what it does.
        auto* method = window.findChild<QComboBox*>("methodCombo");
        method->setCurrentText(QStringLiteral("snip"));
        QVERIFY(window.findChild<QLabel*>("methodHelp")->text().contains(QStringLiteral("sensitive")));
        window.findChild<QComboBox*>("scheduleCombo")->setCurrentText(QStringLiteral("lottery"));
        QVERIFY(window.findChild<QLabel*>("scheduleHelp")->text().contains(QStringLiteral("rewinding")));
    }

    // ResNet and DenseNet from the form: the layout list becomes their depths and sizes, each architecture keeps its
    // own choice while another is shown, and a recipe's size that is none of the listed ones is kept.
    void theFormOffersResNetAndDenseNetSizes()
    {
        ui::MainWindow window;
        window.show();
        auto* arch = window.findChild<QComboBox*>("archCombo");
        auto* layout = window.findChild<QComboBox*>("vggLayoutCombo");
        arch->setCurrentIndex(arch->findData(QStringLiteral("vgg")));
        layout->setCurrentText(QStringLiteral("vgg13"));
        arch->setCurrentIndex(arch->findData(QStringLiteral("resnet")));
        QVERIFY(layout->isEnabled());
        QVERIFY(window.findChild<QDoubleSpinBox*>("vggWidthSpin")->isEnabled());
        QVERIFY(!window.findChild<QCheckBox*>("batchNormCheck")->isEnabled()); // always there in a ResNet
        QCOMPARE(layout->findText(QStringLiteral("ResNet-56")) >= 0, true);
        layout->setCurrentText(QStringLiteral("ResNet-32"));
        QCOMPARE(window.recipe().model.arch, QStringLiteral("resnet"));
        QCOMPARE(window.recipe().model.depth, 32);
        arch->setCurrentIndex(arch->findData(QStringLiteral("densenet")));
        QVERIFY(!window.findChild<QDoubleSpinBox*>("vggWidthSpin")->isEnabled()); // DenseNet's width is its growth
        layout->setCurrentText(QStringLiteral("DenseNet-121 (k 32)"));
        workbench::Recipe r = window.recipe();
        QCOMPARE(r.model.growth, 32);
        QCOMPARE(r.model.blocks, QList<int>({6, 12, 24, 16}));
        QCOMPARE(r.model.depth, 32); // the ResNet choice is kept
        arch->setCurrentIndex(arch->findData(QStringLiteral("vgg")));
        QCOMPARE(layout->currentText(), QStringLiteral("vgg13"));
        QCOMPARE(window.recipe().model.layout, QStringLiteral("vgg13"));

        // A recipe's own DenseNet size is listed as it is, and runs as it is.
        r.model.arch = QStringLiteral("densenet");
        r.model.growth = 4;
        r.model.blocks = {2, 3};
        window.findChild<ui::RecipeForm*>()->setRecipe(r);
        QCOMPARE(layout->currentText(), QStringLiteral("k 4, blocks 2-3"));
        QCOMPARE(window.recipe().model.blocks, QList<int>({2, 3}));
        // Channel pruning by groups takes every structured method.
        for (const char* structured : {"neuron-l1", "neuron-taylor", "interval-adjoint"}) {
            window.findChild<QComboBox*>("methodCombo")->setCurrentText(QString::fromLatin1(structured));
            QVERIFY(window.findChild<QLabel*>("recipeProblem")->isHidden());
        }
    }

    // The form offers exactly the engine catalogue's methods and schedules, in its order, each with its line.
    void formListsTheCatalogue()
    {
        ui::MainWindow window;
        window.show();
        auto* method = window.findChild<QComboBox*>("methodCombo");
        auto* schedule = window.findChild<QComboBox*>("scheduleCombo");
        QStringList methods, schedules, shownMethods, shownSchedules;
        for (const engine::MethodInfo& m : engine::methods())
            methods.append(QLatin1String(m.name));
        for (const engine::ScheduleInfo& s : engine::schedules())
            schedules.append(QLatin1String(s.name));
        for (int i = 0; i < method->count(); ++i) {
            shownMethods.append(method->itemText(i));
            QVERIFY(!method->itemData(i, Qt::ToolTipRole).toString().isEmpty());
        }
        for (int i = 0; i < schedule->count(); ++i)
            shownSchedules.append(schedule->itemText(i));
        QCOMPARE(shownMethods, methods);
        QCOMPARE(shownSchedules, schedules);
        // A method added through the catalogue runs from the form: 2:4 sparsity, once.
        method->setCurrentText(QStringLiteral("nm-magnitude"));
        schedule->setCurrentText(QStringLiteral("one-shot"));
        QVERIFY(window.findChild<QLabel*>("methodHelp")->text().contains(QStringLiteral("N:M")));
        QVERIFY(window.findChild<QLabel*>("methodHelp")->text().contains(QStringLiteral("prune.nm = 2, 4")));
        const workbench::Recipe r = window.recipe();
        QCOMPARE(r.prune.method, QStringLiteral("nm-magnitude"));
        QCOMPARE(r.prune.parameters.at("nm"), (std::vector<double>{2, 4}));
        QVERIFY(!window.findChild<QSpinBox*>("roundsSpin")->isEnabled());         // one-shot prunes once
        QVERIFY(!window.findChild<QDoubleSpinBox*>("sparsitySpin")->isEnabled()); // 2:4 is 50 %, whatever it says
        // A method or schedule that runs a list the form does not edit says which values will run.
        method->setCurrentText(QStringLiteral("threshold"));
        QVERIFY2(window.findChild<QLabel*>("methodHelp")->text().contains(QStringLiteral("prune.thresholds")),
                 qPrintable(window.findChild<QLabel*>("methodHelp")->text()));
        method->setCurrentText(QStringLiteral("global-magnitude"));
        schedule->setCurrentText(QStringLiteral("sweep"));
        QVERIFY(window.findChild<QLabel*>("scheduleHelp")->text().contains(QStringLiteral("0.5, 0.8, 0.9")));
        schedule->setCurrentText(QStringLiteral("one-shot"));
        QVERIFY(window.findChild<QDoubleSpinBox*>("sparsitySpin")->isEnabled());
    }

    // Repeats on the form: each variant runs with two seeds, and the accuracy chart draws each variant's mean over
    // the seeds with its min–max band, from the seeds' recorded rounds.
    void repeatsFromTheFormDrawAMeanAndBandPerVariant()
    {
        const ScopedSessionsRoot root;
        QVERIFY(root.isValid());
        ui::MainWindow window;
        window.show();
        loadSmallDemo(window);
        workbench::Recipe recipe = window.recipe();
        recipe.model.arch = QStringLiteral("mlp");
        recipe.model.hidden = {32};
        recipe.train.epochs = 1;
        recipe.prune.method = QStringLiteral("global-magnitude");
        recipe.prune.schedule = QStringLiteral("one-shot");
        recipe.prune.sparsity = 0.8;
        recipe.prune.fineTuneEpochs = 1;
        recipe.compare = {{QStringLiteral("magnitude"), QJsonObject{}},
                          {QStringLiteral("random"), QJsonObject{{"prune.method", "random"}}}};
        window.setRecipe(recipe);
        auto* repeats = window.findChild<QSpinBox*>("repeatsSpin");
        QVERIFY(repeats && repeats->isEnabled());
        QCOMPARE(repeats->value(), 1);
        repeats->setValue(2);
        QCOMPARE(window.recipe().repeats, 2);
        QCOMPARE(window.recipe().repeatSeeds(), (QList<quint64>{recipe.seed, recipe.seed + 1}));

        QSignalSpy runs(&window, &ui::MainWindow::runFinished);
        QSignalSpy done(&window, &ui::MainWindow::comparisonFinished);
        QTest::mouseClick(window.findChild<QPushButton*>("startButton"), Qt::LeftButton);
        QVERIFY(window.isRunning());
        QVERIFY(!repeats->isEnabled());
        QVERIFY(done.wait(240000));
        QCOMPARE(done.first().at(1).toString(), QStringLiteral("completed"));
        QCOMPARE(runs.size(), 4); // two variants × two seeds
        auto* sparsity = window.findChild<ui::SparsityChart*>("sparsityChart");
        QCOMPARE(sparsity->overlayCount(), 0); // not four dashed lines: a mean and a band per variant
        QCOMPARE(sparsity->bandCount(), 2);
        const QString path = done.first().at(0).toString();
        int band = 0;
        for (const char* label : {"magnitude", "random"}) {
            QList<QList<workbench::RoundStats>> seeds;
            for (quint64 seed : {recipe.seed, recipe.seed + 1})
                seeds << workbench::SessionStore::reopen(path +
                                                         QStringLiteral("/variants/%1/seed-%2").arg(label).arg(seed))
                             .rounds;
            const QList<workbench::RepeatRound> expected = workbench::RepeatStats::aggregate(seeds);
            QCOMPARE(expected.size(), 2); // dense + one-shot
            const QList<QPointF> mean = sparsity->bandMean(band), lower = sparsity->bandLower(band),
                                 upper = sparsity->bandUpper(band);
            ++band;
            QCOMPARE(mean.size(), 2);
            QCOMPARE(lower.size(), 2);
            QCOMPARE(upper.size(), 2);
            for (int k = 0; k < 2; ++k) {
                const workbench::Spread& accuracy = expected[k].test.n > 0 ? expected[k].test : expected[k].validation;
                QCOMPARE(accuracy.n, 2);
                QVERIFY(qAbs(mean[k].y() - 100.0 * accuracy.mean) < 1e-9);
                QVERIFY(qAbs(lower[k].y() - 100.0 * accuracy.min) < 1e-9);
                QVERIFY(qAbs(upper[k].y() - 100.0 * accuracy.max) < 1e-9);
                QVERIFY(lower[k].y() <= mean[k].y() && mean[k].y() <= upper[k].y());
                QVERIFY(qAbs(mean[k].x() - 100.0 * (1.0 - expected[k].sparsity.mean)) < 1e-9);
            }
        }
        QVERIFY(QFileInfo::exists(path + QStringLiteral("/results/repeats.csv")));
        QVERIFY(window.findChild<QPlainTextEdit*>("runLog")->toPlainText().contains(QStringLiteral("n=2")));

        // Reopened from the Sessions page: the bands come back from the seeds' sessions, the log has the table.
        sparsity->setBands({});
        auto* page = window.findChild<ui::SessionsPage*>();
        window.findChild<QTabWidget*>("pages")->setCurrentWidget(page);
        QTRY_COMPARE(page->sessions().size(), 1);
        page->select({path});
        QTest::mouseClick(window.findChild<QPushButton*>("reopenSessionButton"), Qt::LeftButton);
        QCOMPARE(sparsity->bandCount(), 2);
        QCOMPARE(sparsity->overlayCount(), 0);
        QVERIFY(window.findChild<QPlainTextEdit*>("runLog")->toPlainText().contains(QStringLiteral("over the seeds")));
    }

    // Pruning at initialisation from the form: SynFlow and GraSP prune the untrained demo MLP, which then trains
    // sparse; each says in a line what it does, and the run ends at the recipe's sparsity.
    void pruneAtInitRunsSynflowAndGraspFromTheForm()
    {
        ui::MainWindow window;
        window.show();
        loadSmallDemo(window);
        workbench::Recipe recipe = window.recipe();
        recipe.model.hidden = {64, 32};
        recipe.train.epochs = 1;
        recipe.prune.sparsities = {0.9};
        recipe.prune.parameters["synflow_iterations"] = {10};
        window.setRecipe(recipe);
        auto* method = window.findChild<QComboBox*>("methodCombo");
        auto* schedule = window.findChild<QComboBox*>("scheduleCombo");
        const QList<std::pair<QString, QString>> methods{{QStringLiteral("synflow"), QStringLiteral("synaptic flow")},
                                                         {QStringLiteral("grasp"), QStringLiteral("gradient flow")}};
        for (const auto& [name, says] : methods) {
            method->setCurrentText(name);
            schedule->setCurrentText(QStringLiteral("at-init"));
            const QString methodHelp = window.findChild<QLabel*>("methodHelp")->text();
            QVERIFY2(methodHelp.contains(says), qPrintable(methodHelp));
            if (name == QLatin1String("synflow"))
                QVERIFY2(methodHelp.contains(QStringLiteral("prune.synflow_iterations = 10")), qPrintable(methodHelp));
            const QString scheduleHelp = window.findChild<QLabel*>("scheduleHelp")->text();
            QVERIFY2(scheduleHelp.contains(QStringLiteral("untrained")), qPrintable(scheduleHelp));
            QVERIFY2(scheduleHelp.contains(QStringLiteral("prune.sparsities): 0.9")), qPrintable(scheduleHelp));
            QVERIFY(!window.findChild<QDoubleSpinBox*>("sparsitySpin")->isEnabled()); // the list sets the sparsities
            QCOMPARE(window.recipe().prune.method, name);
            QCOMPARE(window.recipe().prune.schedule, QStringLiteral("at-init"));

            QSignalSpy finished(&window, &ui::MainWindow::runFinished);
            QTest::mouseClick(window.findChild<QPushButton*>("startButton"), Qt::LeftButton);
            QVERIFY(finished.wait(120000));
            const auto summary = finished.first().first().value<workbench::RunSummary>();
            QCOMPARE(summary.outcome, workbench::RunSummary::Outcome::Completed);
            QCOMPARE(summary.bestRound, 1); // the one sparse network, after the dense baseline
            QVERIFY2(qAbs(summary.finalSparsity - 0.9) < 1e-3, qPrintable(QString::number(summary.finalSparsity)));
            QCOMPARE(window.findChild<ui::ResultsPage*>()->rounds(), 2);
            QCOMPARE(window.findChild<ui::SparsityChart*>("sparsityChart")->plottedRounds(), 2);
        }
    }

    void aMissingSourceIsAMessageNotACrash()
    {
        ui::MainWindow window;
        window.show();
        QSignalSpy ready(&window, &ui::MainWindow::datasetReady);
        window.openDataset(QStringLiteral("/nonexistent/prunelab-dataset"));
        QCOMPARE(ready.size(), 0);
        QVERIFY(!window.findChild<QPushButton*>("startButton")->isEnabled());
    }

    void pauseAndResumeWhileHistogramAndHeatmapFillLive()
    {
        ui::MainWindow window;
        window.show();
        loadSmallDemo(window);
        setIterative(window, 1, 2, 0.75, 300); // fine-tuning far longer than the test: it cancels

        auto* histogram = window.findChild<ui::WeightHistogramWidget*>("weightHistogram");
        auto* heatmap = window.findChild<ui::MaskHeatmapWidget*>("maskHeatmap");
        auto* layers = window.findChild<QComboBox*>("layerCombo");
        auto* pause = window.findChild<QPushButton*>("pauseButton");
        auto* chart = window.findChild<ui::TrainingChart*>("trainingChart");
        QVERIFY(histogram && heatmap && layers && pause && chart);
        QVERIFY(!pause->isEnabled());
        QCOMPARE(histogram->plottedBins(), 0);
        QCOMPARE(heatmap->paintedCells(), 0);

        window.startRun();
        QVERIFY(pause->isEnabled());
        // Round 0 (the trained dense model) arrives after the dense epoch: its histogram and its (full) mask.
        QTRY_VERIFY_WITH_TIMEOUT(window.findChild<ui::ResultsPage*>()->rounds() >= 1, 60000);
        QTRY_VERIFY(histogram->plottedBins() > 0);
        QTRY_VERIFY(heatmap->paintedCells() > 0);
        QVERIFY(layers->count() >= 2);
        QVERIFY(histogram->toCsv().contains(QStringLiteral(",before,")));
        const QString firstLayer = heatmap->toCsv();
        layers->setCurrentIndex(1);
        QTRY_VERIFY(heatmap->toCsv() != firstLayer);

        QTest::mouseClick(pause, Qt::LeftButton);
        QTRY_COMPARE(pause->text(), QStringLiteral("&Resume"));
        QTRY_VERIFY(window.findChild<QProgressBar*>("progressBar")->format().contains(QStringLiteral("paused")));
        QTest::mouseClick(pause, Qt::LeftButton);
        QTRY_COMPARE(pause->text(), QStringLiteral("&Pause"));
        const int points = chart->plottedPoints();
        QTRY_VERIFY_WITH_TIMEOUT(chart->plottedPoints() > points, 30000); // training goes on after resuming

        QSignalSpy finished(&window, &ui::MainWindow::runFinished);
        window.cancelRun();
        QVERIFY(finished.wait(5000));
        QVERIFY(!pause->isEnabled());
    }

    // A conv net: each layer's sparsity across the rounds, its small convolutions' masks as grids of kernels that
    // zoom and pan, and the dark palette reaching the charts.
    void convMasksShowKernelsAndLayersShowTheirSparsity()
    {
        ui::MainWindow window;
        window.show();
        loadSmallDemo(window);
        workbench::Recipe recipe = setIterative(window, 1, 2, 0.75, 1);
        recipe.model.arch = QStringLiteral("lenet5");
        window.setRecipe(recipe);
        QSignalSpy finished(&window, &ui::MainWindow::runFinished);
        window.startRun();
        QVERIFY(finished.wait(60000));
        QCOMPARE(finished.first().first().value<workbench::RunSummary>().outcome,
                 workbench::RunSummary::Outcome::Completed);

        auto* layerSparsity = window.findChild<ui::LayerSparsityChart*>("layerSparsityChart");
        QCOMPARE(layerSparsity->plottedLayers(), 5); // conv1, conv2, fc1, fc2, fc3
        QCOMPARE(layerSparsity->plottedRounds(), 3);
        QVERIFY(layerSparsity->toCsv().startsWith(QStringLiteral("layer,round,sparsity_percent,kept,total,cka\n")));
        QVERIFY(layerSparsity->toCsv().contains(QStringLiteral("features.0.weight,2,")));
        // The same lines as similarity to the dense model: round 0 is the dense model itself, CKA 1.
        auto* measure = window.findChild<QComboBox*>("layerMeasureCombo");
        measure->setCurrentIndex(1);
        QCOMPARE(layerSparsity->measure(), ui::LayerSparsityChart::Measure::Cka);
        auto* firstLine = qobject_cast<QXYSeries*>(layerSparsity->findChild<QChartView*>()->chart()->series().first());
        QCOMPARE(firstLine->count(), 3);
        QVERIFY(qAbs(firstLine->at(0).y() - 100.0) < 1e-6);
        QVERIFY(firstLine->at(2).y() <= 100.0 + 1e-6);
        measure->setCurrentIndex(0);
        QCOMPARE(firstLine->at(0).y(), 0.0); // back to sparsity: nothing pruned in round 0

        auto* heatmap = window.findChild<ui::MaskHeatmapWidget*>("maskHeatmap");
        auto* layers = window.findChild<QComboBox*>("layerCombo");
        window.findChild<QTabWidget*>("pages")->setCurrentWidget(window.findChild<QWidget*>("runPage"));
        layers->setCurrentIndex(1);                                        // conv2: 16 filters of 6 channels, 5×5
        QTRY_COMPARE(heatmap->paintedCells(), (6 * 6 - 1) * (16 * 6 - 1)); // 5×5 tiles with one-pixel gaps
        QVERIFY(heatmap->showsKernelGrid());
        layers->setCurrentIndex(2); // fc1: a matrix
        QTRY_VERIFY(!heatmap->showsKernelGrid());
        layers->setCurrentIndex(0); // conv1: 6 filters of one channel, side by side in 3 columns and 2 rows
        QTRY_COMPARE(heatmap->paintedCells(), (3 * 6 - 1) * (2 * 6 - 1));
        QVERIFY(heatmap->showsKernelGrid());
        const QPointF centre(heatmap->width() / 2.0, heatmap->height() / 2.0);
        QWheelEvent wheel(centre, heatmap->mapToGlobal(centre), QPoint(), QPoint(0, 240), Qt::NoButton, Qt::NoModifier,
                          Qt::NoScrollPhase, false);
        QApplication::sendEvent(heatmap, &wheel);
        QVERIFY(qAbs(heatmap->zoom() - 1.5625) < 1e-9); // two notches of 1.25
        QTest::mouseDClick(heatmap, Qt::LeftButton, Qt::NoModifier, centre.toPoint());
        QCOMPARE(heatmap->zoom(), 1.0);
        QTest::keyClick(heatmap, Qt::Key_Plus);
        QVERIFY(heatmap->zoom() > 1.0);
        QTest::keyClick(heatmap, Qt::Key_0);
        QCOMPARE(heatmap->zoom(), 1.0);

        // View → Dark palette: windows and every chart's background go dark, and back.
        auto* dark = window.findChild<QAction*>("darkPaletteAction");
        QVERIFY(dark);
        auto* view = layerSparsity->findChild<QChartView*>();
        QVERIFY(view->chart()->backgroundBrush().color().lightness() > 128);
        dark->setChecked(true);
        QTRY_VERIFY(view->chart()->backgroundBrush().color().lightness() < 128);
        QVERIFY(window.palette().color(QPalette::Window).lightness() < 128);
        for (QAbstractAxis* axis : view->chart()->axes())
            QVERIFY(axis->labelsBrush().color().lightness() > 128); // light text on the dark chart
        dark->setChecked(false);
        QTRY_VERIFY(view->chart()->backgroundBrush().color().lightness() > 128);
        QVERIFY(!QSettings().value(QStringLiteral("view/dark")).toBool());
    }

    void presentationModeEnlargesTheFonts()
    {
        ui::MainWindow window;
        window.show();
        const qreal normal = window.font().pointSizeF();
        auto* series =
            window.findChild<ui::TrainingChart*>("trainingChart")->findChild<QChartView*>()->chart()->series().first();
        const qreal normalPen = qobject_cast<QXYSeries*>(series)->pen().widthF();
        window.setPresentationMode(true);
        QVERIFY(window.presentationMode());
        QVERIFY(window.font().pointSizeF() > normal * 1.3);
        QVERIFY(qobject_cast<QXYSeries*>(series)->pen().widthF() > normalPen * 1.5); // thick lines for a projector
        window.setPresentationMode(false);
        QCOMPARE(window.font().pointSizeF(), normal);
        QVERIFY(qAbs(qobject_cast<QXYSeries*>(series)->pen().widthF() - normalPen) < 1e-9);
    }

    // The interval-adjoint workflow in the form: the structured methods, the geometric schedule with q, and its table
    // before any run.
    void geometricScheduleShowsTheRetentionTable()
    {
        ui::MainWindow window;
        window.show();
        auto* method = window.findChild<QComboBox*>("methodCombo");
        auto* schedule = window.findChild<QComboBox*>("scheduleCombo");
        auto* q = window.findChild<QDoubleSpinBox*>("qSpin");
        auto* preview = window.findChild<QPlainTextEdit*>("retentionPreview");
        QVERIFY(method && schedule && q && preview);
        for (const char* name : {"neuron-l1", "neuron-taylor", "interval-adjoint"})
            QVERIFY2(method->findText(QLatin1String(name)) >= 0, name);
        QVERIFY(!q->isEnabled()); // not for the weight schedules
        workbench::Recipe r = workbench::Recipe::fromJson(workbench::Recipe::presetJson("interval-adjoint-structured"));
        window.setRecipe(r);
        QCOMPARE(schedule->currentText(), QStringLiteral("geometric"));
        QCOMPARE(method->currentText(), QStringLiteral("interval-adjoint"));
        QVERIFY(q->isEnabled());
        QCOMPARE(q->value(), 0.9);
        const QStringList lines = preview->toPlainText().split(QLatin1Char('\n'), Qt::SkipEmptyParts);
        QCOMPARE(lines.size(), 1 + 31);
        QCOMPARE(lines.first(), QStringLiteral("t\tN1\tN2\tpercent"));
        QCOMPARE(lines[1], QStringLiteral("0\t256\t64\t100.00"));
        QCOMPARE(lines[2], QStringLiteral("1\t230\t58\t90.00"));
        QCOMPARE(lines.last(), QStringLiteral("30\t11\t3\t4.38"));
        q->setValue(0.5);
        QVERIFY(preview->toPlainText().contains(QStringLiteral("\n1\t128\t32\t50.00\n")));
        QCOMPARE(window.recipe().prune.q, 0.5);
        QCOMPARE(window.recipe().prune.schedule, QStringLiteral("geometric"));
    }

    void startFillsTheChartLiveAndCancelStopsWithinOneSecond()
    {
        ui::MainWindow window;
        window.show();
        QSignalSpy ready(&window, &ui::MainWindow::datasetReady);
        window.loadDemo(smallDemo());
        QVERIFY(ready.wait(30000));

        window.findChild<QSpinBox*>("epochsSpin")->setValue(500); // far longer than the test: Cancel must stop it
        auto* start = window.findChild<QPushButton*>("startButton");
        auto* cancel = window.findChild<QPushButton*>("cancelButton");
        auto* chart = window.findChild<ui::TrainingChart*>("trainingChart");
        auto* progress = window.findChild<QProgressBar*>("progressBar");
        QVERIFY(chart && cancel && progress);
        QCOMPARE(chart->plottedPoints(), 0);

        ResponsivenessProbe probe;
        QTest::mouseClick(start, Qt::LeftButton);
        QVERIFY(window.isRunning());
        QVERIFY(!start->isEnabled());
        QVERIFY(cancel->isEnabled());
        QTRY_VERIFY_WITH_TIMEOUT(chart->plottedPoints() >= 3, 30000);
        const int pointsBefore = chart->plottedPoints();
        QTRY_VERIFY_WITH_TIMEOUT(chart->plottedPoints() > pointsBefore, 10000); // still arriving: live
        QVERIFY(progress->value() >= 0);

        QSignalSpy finished(&window, &ui::MainWindow::runFinished);
        QElapsedTimer clock;
        clock.start();
        QTest::mouseClick(cancel, Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(!window.isRunning(), 1000);
        QVERIFY2(clock.elapsed() < 1000, qPrintable(QStringLiteral("worker stopped after %1 ms").arg(clock.elapsed())));
        QCOMPARE(finished.size(), 1);
        QCOMPARE(finished.first().first().value<workbench::RunSummary>().outcome,
                 workbench::RunSummary::Outcome::Cancelled);
        QVERIFY(start->isEnabled());
        QVERIFY(!cancel->isEnabled());
        qInfo() << "longest GUI-thread stall while training:" << probe.worstGapMs() << "ms";
        QVERIFY2(probe.worstGapMs() < 250, "the window must stay responsive while training");
    }

    void iterativeRunPlotsEveryRoundAgainstSparsity()
    {
        ui::MainWindow window;
        window.show();
        QSignalSpy ready(&window, &ui::MainWindow::datasetReady);
        window.loadDemo(smallDemo());
        QVERIFY(ready.wait(30000));
        setIterative(window, 2, 3, 0.875, 1);
        QCOMPARE(window.recipe().prune.rounds, 3);
        QVERIFY(qAbs(window.recipe().prune.rate - 0.5) < 1e-9); // three halvings reach 87.5 %

        QSignalSpy finished(&window, &ui::MainWindow::runFinished);
        QTest::mouseClick(window.findChild<QPushButton*>("startButton"), Qt::LeftButton);
        QVERIFY(finished.wait(60000));
        QCOMPARE(finished.first().first().value<workbench::RunSummary>().outcome,
                 workbench::RunSummary::Outcome::Completed);
        auto* sparsityChart = window.findChild<ui::SparsityChart*>("sparsityChart");
        QCOMPARE(sparsityChart->plottedRounds(), 4); // dense + 3 rounds
        // The knee (or why there is none) is on the chart and starts the status line.
        QVERIFY(sparsityChart->knee().measured);
        QVERIFY(!sparsityChart->knee().describe().isEmpty());
        QVERIFY2(window.statusBar()->currentMessage().startsWith(sparsityChart->knee().describe()),
                 qPrintable(window.statusBar()->currentMessage()));
        QTRY_COMPARE(window.findChild<ui::TrainingChart*>("trainingChart")->plottedPoints(), 2 + 3);
        QCOMPARE(window.findChild<QProgressBar*>("progressBar")->value(), 100);

        // Results: one row per round, the best one known, a confusion matrix over the four classes.
        const auto summary = finished.first().first().value<workbench::RunSummary>();
        auto* results = window.findChild<ui::ResultsPage*>();
        QCOMPARE(results->rounds(), 4);
        QCOMPARE(results->bestRound(), summary.bestRound);
        QCOMPARE(window.findChild<QTableWidget*>("roundsTable")->rowCount(), 4);
        QVERIFY(window.findChild<QTableWidget*>("roundsTable")
                    ->item(summary.bestRound, 0)
                    ->text()
                    .contains(QStringLiteral("best")));
        QCOMPARE(window.findChild<ui::ConfusionMatrixWidget*>("confusionMatrix")->classCount(), 4);

        // Every chart's context menu saves PNG, SVG and CSV.
        QTemporaryDir dir;
        auto* chart = window.findChild<ui::TrainingChart*>("trainingChart");
        auto* menu = chart->findChild<ui::ChartContextMenu*>();
        QVERIFY(menu);
        QVERIFY(menu->saveTo(dir.filePath(QStringLiteral("training.png"))));
        QVERIFY(menu->saveTo(dir.filePath(QStringLiteral("training.svg"))));
        QVERIFY(menu->saveTo(dir.filePath(QStringLiteral("training.csv"))));
        QImage png(dir.filePath(QStringLiteral("training.png")));
        QVERIFY(png.width() > 100 && png.height() > 100);
        QFile svg(dir.filePath(QStringLiteral("training.svg")));
        QVERIFY(svg.open(QIODevice::ReadOnly));
        QVERIFY(svg.readAll().contains("<svg"));
        QFile csv(dir.filePath(QStringLiteral("training.csv")));
        QVERIFY(csv.open(QIODevice::ReadOnly));
        const QList<QByteArray> lines = csv.readAll().trimmed().split('\n');
        QCOMPARE(lines.size(), 1 + 2 + 3); // header + epochs
        QVERIFY(lines.first().startsWith("epoch,round,train_loss"));
        for (QWidget* other :
             QList<QWidget*>{window.findChild<ui::WeightHistogramWidget*>(), window.findChild<ui::MaskHeatmapWidget*>(),
                             window.findChild<ui::ConfusionMatrixWidget*>()}) {
            auto* otherMenu = other->findChild<ui::ChartContextMenu*>();
            QVERIFY(otherMenu);
            const QString file = dir.filePath(other->objectName() + QStringLiteral(".csv"));
            QVERIFY(otherMenu->saveTo(file));
            QVERIFY2(QFileInfo(file).size() > 100, qPrintable(file)); // a header and rows
        }

        // Results: the best round against the dense model, latency included, and Validate for its session.
        auto* cost = window.findChild<QTableWidget*>("costTable");
        QVERIFY(cost);
        QVERIFY2(cost->item(0, 2)->text().contains(QStringLiteral("fewer")), qPrintable(cost->item(0, 2)->text()));
        QVERIFY2(cost->item(2, 2)->text().contains(QStringLiteral("fewer")), qPrintable(cost->item(2, 2)->text()));
        QVERIFY(cost->item(3, 0)->text().endsWith(QStringLiteral(" ms")));
        QVERIFY(cost->item(3, 1)->text().endsWith(QStringLiteral(" ms")));
        QVERIFY(window.findChild<QLabel*>("costNote")->text().contains(QStringLiteral("CSR")));
        QVERIFY(
            window.findChild<ui::ResultsPage*>()->costCsv().startsWith(QStringLiteral("measure,before,after,change")));
        auto* validate = window.findChild<QPushButton*>("resultsValidateButton");
        QVERIFY(validate->isEnabled());
        QSignalSpy validated(window.findChild<ui::SessionsPage*>(), &ui::SessionsPage::validated);
        QTest::mouseClick(validate, Qt::LeftButton);
        QVERIFY(validated.wait(60000));
        QVERIFY2(validated.first().first().toBool(), qPrintable(validated.first().last().toString()));
    }

    // Gradual pruning chosen on the form: the training chart's sparsity line rises inside the training curve, step
    // by step, to the target; then the sensitivity analysis: one line per layer on the Results page.
    void gradualAndSensitivityFromTheForm()
    {
        ScopedSessionsRoot sessions;
        ui::MainWindow window;
        window.show();
        loadSmallDemo(window);
        workbench::Recipe recipe = window.recipe();
        recipe.model.hidden = {32, 16};
        recipe.prune.sparsities = {0.0, 0.5, 0.9}; // the list the form shows but does not edit
        window.setRecipe(recipe);
        window.findChild<QSpinBox*>("epochsSpin")->setValue(4);
        window.findChild<QComboBox*>("scheduleCombo")->setCurrentText(QStringLiteral("gradual"));
        auto* start = window.findChild<QSpinBox*>("startEpochSpin");
        QVERIFY(start->isEnabled());
        start->setValue(1);
        window.findChild<QSpinBox*>("endEpochSpin")->setValue(3);
        window.findChild<QSpinBox*>("frequencySpin")->setValue(2);
        window.findChild<QDoubleSpinBox*>("sparsitySpin")->setValue(80.0);
        QCOMPARE(window.recipe().prune.schedule, QStringLiteral("gradual"));
        QCOMPARE(window.recipe().prune.frequency, 2);
        QCOMPARE(window.recipe().prune.sparsity, 0.8);

        QSignalSpy finished(&window, &ui::MainWindow::runFinished);
        QTest::mouseClick(window.findChild<QPushButton*>("startButton"), Qt::LeftButton);
        QVERIFY(finished.wait(60000));
        QCOMPARE(finished.first().first().value<workbench::RunSummary>().outcome,
                 workbench::RunSummary::Outcome::Completed);
        auto* chart = window.findChild<ui::TrainingChart*>("trainingChart");
        QTRY_COMPARE(chart->plottedPoints(), 4);
        // Replotted on the chart's timer: wait for the last round's points (held to the end of epoch 4).
        QTRY_VERIFY(!chart->plottedSparsity().isEmpty() && chart->plottedSparsity().last().x() == 4.0);
        const QList<QPointF> sparsity = chart->plottedSparsity();
        // Pruning every 2 steps from the end of epoch 1 to the end of epoch 3: each step drawn where it happened
        // (inside an epoch), then the sparsity held to the end of each epoch.
        int steps = 0;
        for (qsizetype i = 0; i < sparsity.size(); ++i) {
            if (i > 0)
                QVERIFY2(sparsity[i].y() >= sparsity[i - 1].y() - 1e-9, "the sparsity never falls");
            if (sparsity[i].x() != std::floor(sparsity[i].x()) || sparsity[i].y() == 0.0)
                ++steps; // a pruning step inside an epoch, or the first one (to 0 %) at the start of epoch 2
        }
        QVERIFY2(steps >= 3, qPrintable(QString::number(steps)));
        QVERIFY(sparsity.first().x() >= 1.0);                          // nothing pruned during the dense epoch
        QVERIFY(qAbs(sparsity.last().y() - 80.0) < 0.01);              // the target, reached and held
        QCOMPARE(sparsity.last().x(), 4.0);                            // to the last epoch
        QVERIFY(qAbs(sparsity[sparsity.size() / 2].y() - 80.0) > 1.0); // and rising on the way there

        // The sensitivity analysis from the form: every prunable layer at every sparsity of the list.
        window.findChild<QComboBox*>("scheduleCombo")->setCurrentText(QStringLiteral("sensitivity"));
        QVERIFY(!start->isEnabled());
        QVERIFY(window.findChild<QLabel*>("scheduleHelp")->text().contains(QStringLiteral("0, 0.5, 0.9")));
        finished.clear();
        QTest::mouseClick(window.findChild<QPushButton*>("startButton"), Qt::LeftButton);
        QVERIFY(finished.wait(60000));
        QCOMPARE(finished.first().first().value<workbench::RunSummary>().outcome,
                 workbench::RunSummary::Outcome::Completed);
        auto* results = window.findChild<ui::ResultsPage*>();
        QCOMPARE(results->rounds(), 1 + 3 * 3);
        auto* sensitivity = window.findChild<ui::SensitivityChart*>("sensitivityChart");
        QVERIFY(sensitivity);
        QCOMPARE(sensitivity->plottedLayers(),
                 QStringList({"layers.0.weight", "layers.1.weight", "layers.2.weight"})); // one line per layer
        QVERIFY(!sensitivity->isHidden());
        const QString proposal = window.findChild<QLabel*>("sensitivityProposal")->text();
        QVERIFY2(proposal.contains(QStringLiteral("layers.2.weight")) && proposal.contains(QStringLiteral("interact")),
                 qPrintable(proposal));
        QVERIFY(sensitivity->toCsv().startsWith(QStringLiteral("layer,sparsity,val_accuracy,drop_points\ndense,0,")));
        // The run wrote the table, the chart and the proposal into its session (the PNG needs the mains' renderer).
        const QString session = finished.first().first().value<workbench::RunSummary>().session;
        for (const char* file :
             {"results/sensitivity.csv", "results/sensitivity-proposal.json", "results/plots/sensitivity.svg"})
            QVERIFY2(QFileInfo::exists(session + QLatin1Char('/') + QLatin1String(file)), file);
        QTRY_VERIFY(chart->plottedSparsity().isEmpty()); // no sparsity line for an analysis that trains nothing
    }

    void preferencesSetTheSessionsFolderAndTheCacheLimit()
    {
        const ScopedSessionsRoot root; // the folder the dialog starts from; the suite's is set back afterwards
        QVERIFY(root.isValid());
        QTemporaryDir chosen;
        QVERIFY(chosen.isValid());
        ui::MainWindow window;
        window.show();
        auto* action = window.findChild<QAction*>("preferencesAction");
        QVERIFY(action);
        QVERIFY(!action->shortcut().isEmpty());
        action->trigger();
        auto* dialog = window.findChild<ui::PreferencesDialog*>("preferencesDialog");
        QVERIFY(dialog);
        QTRY_VERIFY(dialog->isVisible());
        auto* folder = dialog->findChild<QLineEdit*>("preferencesSessionsEdit");
        QCOMPARE(folder->text(), QDir::toNativeSeparators(root.path()));
        auto* limit = dialog->findChild<QDoubleSpinBox*>("preferencesCacheLimitSpin");
        QCOMPARE(limit->value(), 4.0); // GiB, the default
        for (const char* name : {"preferencesSessionsEdit", "preferencesBrowseButton", "preferencesCacheLimitSpin",
                                 "preferencesCacheUsageLabel", "preferencesCacheLocationLabel",
                                 "preferencesClearCacheButton", "preferencesCacheClearedLabel"}) {
            auto* widget = dialog->findChild<QWidget*>(name);
            QVERIFY2(widget && !widget->accessibleName().isEmpty(), name);
        }

        folder->setText(chosen.path());
        limit->setValue(2.5);
        QTest::mouseClick(dialog->findChild<QPushButton*>("preferencesOkButton"), Qt::LeftButton);
        QTRY_VERIFY(!window.findChild<ui::PreferencesDialog*>()); // closed and deleted
        QCOMPARE(window.findChild<ui::SessionsPage*>()->root(), chosen.path());
        QVERIFY(window.findChild<QLabel*>("sessionsRootLabel")->text().contains(chosen.path()));
        QCOMPARE(window.sessionsRoot(), chosen.path());
        const workbench::UserSettings settings;
        QCOMPARE(settings.sessionsRoot(), chosen.path());
        QCOMPARE(settings.cacheLimitBytes(), qint64(2.5 * double(qint64(1) << 30)));
        QCOMPARE(workbench::loadOptions(window.recipe()).cacheLimitBytes, settings.cacheLimitBytes());

        // Cancel keeps what was saved.
        action->trigger();
        dialog = window.findChild<ui::PreferencesDialog*>("preferencesDialog");
        QVERIFY(dialog);
        QCOMPARE(dialog->findChild<QDoubleSpinBox*>("preferencesCacheLimitSpin")->value(), 2.5);
        dialog->findChild<QLineEdit*>("preferencesSessionsEdit")->setText(QStringLiteral("/somewhere/else"));
        QTest::mouseClick(dialog->findChild<QPushButton*>("preferencesCancelButton"), Qt::LeftButton);
        QTRY_VERIFY(!window.findChild<ui::PreferencesDialog*>());
        QCOMPARE(workbench::UserSettings().sessionsRoot(), chosen.path());
        workbench::UserSettings().setCacheLimitBytes(datasets::DatasetCache::kDefaultLimitBytes);
    }

    void preferencesClearTheCache()
    {
        const QDir cache(workbench::UserSettings().cacheDirectory());
        QVERIFY(cache.path().contains(QStringLiteral(".qttest")));
        workbench::UserSettings().clearCache(); // what earlier tests cached
        QVERIFY(cache.mkpath(QStringLiteral(".")));
        const QList<std::pair<QString, int>> files{
            {"0123456789abcdef.plcache", 3000}, {"fedcba9876543210.plcache", 5000}, {"notes.txt", 100}};
        for (const auto& [name, size] : files) {
            QFile file(cache.filePath(name));
            QVERIFY(file.open(QIODevice::WriteOnly));
            file.write(QByteArray(size, 'x'));
        }
        ui::MainWindow window;
        window.show();
        window.findChild<QAction*>("preferencesAction")->trigger();
        auto* dialog = window.findChild<ui::PreferencesDialog*>("preferencesDialog");
        QVERIFY(dialog);
        auto* usage = dialog->findChild<QLabel*>("preferencesCacheUsageLabel");
        QVERIFY2(usage->text().startsWith(dialog->locale().formattedDataSize(8000, 1)), qPrintable(usage->text()));
        QVERIFY(dialog->findChild<QLabel*>("preferencesCacheLocationLabel")
                    ->text()
                    .contains(QDir::toNativeSeparators(cache.path())));

        QSignalSpy cleared(dialog, &ui::PreferencesDialog::cacheCleared);
        answerNextQuestionYes(); // the confirmation
        QTest::mouseClick(dialog->findChild<QPushButton*>("preferencesClearCacheButton"), Qt::LeftButton);
        QVERIFY(cleared.wait(10000));
        QCOMPARE(cleared.first().first().toLongLong(), 8000);
        QVERIFY(dialog->findChild<QLabel*>("preferencesCacheClearedLabel")->text().startsWith(QStringLiteral("Freed")));
        QVERIFY(usage->text().startsWith(dialog->locale().formattedDataSize(0, 1)));
        QCOMPARE(cache.entryList({QStringLiteral("*.plcache")}, QDir::Files).size(), 0);
        QVERIFY(QFileInfo::exists(cache.filePath(QStringLiteral("notes.txt")))); // not PruneLab's: left alone
        QFile::remove(cache.filePath(QStringLiteral("notes.txt")));
        dialog->reject();
    }

    void closingWhileRunningStopsTheWorker()
    {
        auto* window = new ui::MainWindow;
        window->show();
        QSignalSpy ready(window, &ui::MainWindow::datasetReady);
        window->loadDemo(smallDemo());
        QVERIFY(ready.wait(30000));
        window->findChild<QSpinBox*>("epochsSpin")->setValue(500);
        window->startRun();
        QTRY_VERIFY_WITH_TIMEOUT(window->findChild<ui::TrainingChart*>()->plottedPoints() >= 1, 30000);
        QElapsedTimer clock;
        clock.start();
        delete window; // must cancel and join, not crash or hang
        QVERIFY(clock.elapsed() < 2000);
    }
};

QTEST_MAIN(tst_MainWindow)
#include "tst_mainwindow.moc"
