#include "ui/ChartContextMenu.h"
#include "ui/ConfusionMatrixWidget.h"
#include "ui/MainWindow.h"
#include "ui/MaskHeatmapWidget.h"
#include "ui/ResultsPage.h"
#include "ui/SampleGridWidget.h"
#include "ui/SparsityChart.h"
#include "ui/TrainingChart.h"
#include "ui/WeightHistogramWidget.h"

#include <QApplication>
#include <QChart>
#include <QChartView>
#include <QComboBox>
#include <QDir>
#include <QDoubleSpinBox>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QImage>
#include <QLabel>
#include <QMimeData>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <QUrl>
#include <QXYSeries>

using namespace prunelab;

/// Measures the longest gap between ticks of a 10 ms timer on the GUI thread: how long the window stayed frozen.
class ResponsivenessProbe : public QObject {
public:
    ResponsivenessProbe()
    {
        timer_.setInterval(10);
        connect(&timer_, &QTimer::timeout, this, [this] {
            worst_ = std::max(worst_, clock_.restart());
        });
        clock_.start();
        timer_.start();
    }
    qint64 worstGapMs() const { return worst_; }

private:
    QTimer timer_;
    QElapsedTimer clock_;
    qint64 worst_ = 0;
};

class tst_MainWindow : public QObject {
    Q_OBJECT

    static datasets::DemoOptions smallDemo()
    {
        datasets::DemoOptions options;
        options.perClass = {80, 60, 90, 80};
        options.size = 48;
        return options;
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
        // Keep the tests' recent datasets and window geometry away from a person's own settings.
        QCoreApplication::setOrganizationName(QStringLiteral("PruneLabTests"));
        QCoreApplication::setApplicationName(QStringLiteral("tst_mainwindow"));
        QSettings().clear();
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
        workbench::Recipe recipe = window.recipe();
        recipe.train.epochs = 1;
        recipe.prune.schedule = QStringLiteral("iterative");
        recipe.prune.rounds = 2;
        recipe.prune.sparsity = 0.75;
        recipe.prune.fineTuneEpochs = 300; // far longer than the test: it cancels
        window.setRecipe(recipe);

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

    // Seed 001 in the form: the structured methods, the geometric schedule with q, and its table before any run.
    void geometricScheduleShowsTheRetentionTable() {
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
        workbench::Recipe recipe = window.recipe();
        recipe.train.epochs = 2;
        recipe.prune.schedule = QStringLiteral("iterative");
        recipe.prune.rounds = 3;
        recipe.prune.sparsity = 0.875;
        recipe.prune.fineTuneEpochs = 1;
        window.setRecipe(recipe);
        QCOMPARE(window.recipe().prune.rounds, 3);
        QVERIFY(qAbs(window.recipe().prune.rate - 0.5) < 1e-9); // three halvings reach 87.5 %

        QSignalSpy finished(&window, &ui::MainWindow::runFinished);
        QTest::mouseClick(window.findChild<QPushButton*>("startButton"), Qt::LeftButton);
        QVERIFY(finished.wait(60000));
        QCOMPARE(finished.first().first().value<workbench::RunSummary>().outcome,
                 workbench::RunSummary::Outcome::Completed);
        QCOMPARE(window.findChild<ui::SparsityChart*>("sparsityChart")->plottedRounds(), 4); // dense + 3 rounds
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
        for (QWidget* other : QList<QWidget*>{window.findChild<ui::WeightHistogramWidget*>(),
                                              window.findChild<ui::MaskHeatmapWidget*>(),
                                              window.findChild<ui::ConfusionMatrixWidget*>()}) {
            auto* otherMenu = other->findChild<ui::ChartContextMenu*>();
            QVERIFY(otherMenu);
            const QString file = dir.filePath(other->objectName() + QStringLiteral(".csv"));
            QVERIFY(otherMenu->saveTo(file));
            QVERIFY2(QFileInfo(file).size() > 100, qPrintable(file)); // a header and rows
        }
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
