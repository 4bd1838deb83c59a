#include "ui/MainWindow.h"
#include "ui/SampleGridWidget.h"
#include "ui/SparsityChart.h"
#include "ui/TrainingChart.h"

#include <QElapsedTimer>
#include <QProgressBar>
#include <QPushButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTableWidget>
#include <QTest>
#include <QTimer>

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

private slots:
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
        QCOMPARE(finished.first().first().value<workbench::RunSummary>().outcome, workbench::RunSummary::Outcome::Completed);
        QCOMPARE(window.findChild<ui::SparsityChart*>("sparsityChart")->plottedRounds(), 4); // dense + 3 rounds
        QTRY_COMPARE(window.findChild<ui::TrainingChart*>("trainingChart")->plottedPoints(), 2 + 3);
        QCOMPARE(window.findChild<QProgressBar*>("progressBar")->value(), 100);
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
