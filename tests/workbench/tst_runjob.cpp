#include "core/workbench/RunJob.h"
#include "datasets/DemoMriGenerator.h"

#include <QElapsedTimer>
#include <QSignalSpy>
#include <QTest>

using namespace prunelab;
using workbench::RunSummary;

class tst_RunJob : public QObject {
    Q_OBJECT

    std::shared_ptr<const datasets::ImageSet> demo_;

    static workbench::RunConfig quickConfig()
    {
        workbench::RunConfig config;
        config.hidden = {64, 32};
        config.epochs = 6;
        config.fineTuneEpochs = 1;
        config.pruneSparsity = 0.8;
        config.device = QStringLiteral("cpu");
        return config;
    }

private slots:
    void initTestCase()
    {
        datasets::DemoOptions options;
        options.perClass = {80, 80, 80, 80};
        options.size = 48;
        demo_ = std::make_shared<datasets::ImageSet>(datasets::DemoMriGenerator().generate(options));
    }

    void trainsPrunesAndReportsEveryEpoch()
    {
        workbench::RunJob job;
        job.setDataset(demo_);
        job.setConfig(quickConfig());
        QSignalSpy epochs(&job, &workbench::RunJob::epochFinished);
        QSignalSpy pruned(&job, &workbench::RunJob::pruned);
        QSignalSpy progress(&job, &workbench::RunJob::progressChanged);
        QSignalSpy finished(&job, &workbench::RunJob::finished);
        job.start();
        QVERIFY(job.isRunning());
        QVERIFY(finished.wait(60000));
        QVERIFY(!job.isRunning());

        const auto summary = finished.first().first().value<RunSummary>();
        QVERIFY2(summary.outcome == RunSummary::Outcome::Completed, qPrintable(summary.message));
        QCOMPARE(epochs.size(), 6 + 1);
        const auto first = epochs.first().first().value<workbench::EpochStats>();
        const auto lastTrain = epochs.at(5).first().value<workbench::EpochStats>();
        QCOMPARE(first.globalEpoch, 1);
        QVERIFY(lastTrain.trainLoss < first.trainLoss);
        QVERIFY2(lastTrain.validationAccuracy > 0.4, "must learn more than chance (0.25) on the demo");
        QCOMPARE(epochs.last().first().value<workbench::EpochStats>().phase, workbench::EpochStats::Phase::FineTune);
        QCOMPARE(epochs.last().first().value<workbench::EpochStats>().globalEpoch, 7);

        QCOMPARE(pruned.size(), 1);
        const auto prune = pruned.first().first().value<workbench::PruneStats>();
        QVERIFY(qAbs(prune.sparsity - 0.8) < 1e-3);
        QCOMPARE(prune.weightsKept, qint64(std::llround(prune.weightsTotal * 0.2)));
        QVERIFY(qAbs(summary.finalSparsity - 0.8) < 1e-3);
        QCOMPARE(progress.last().first().toInt(), 100);
    }

    void sameSeedSameNumbers()
    {
        QList<double> losses[2];
        for (auto& loss : losses) {
            workbench::RunJob job;
            job.setDataset(demo_);
            auto config = quickConfig();
            config.epochs = 2;
            config.pruneSparsity = 0;
            job.setConfig(config);
            connect(&job, &workbench::RunJob::epochFinished, this,
                    [&loss](const workbench::EpochStats& s) { loss.append(s.validationLoss); });
            QSignalSpy finished(&job, &workbench::RunJob::finished);
            job.start();
            QVERIFY(finished.wait(60000));
        }
        QCOMPARE(losses[0].size(), 2);
        QCOMPARE(losses[0], losses[1]);
    }

    void cancelStopsWithinOneSecond()
    {
        workbench::RunJob job;
        job.setDataset(demo_);
        auto config = quickConfig();
        config.epochs = 10000;
        job.setConfig(config);
        QSignalSpy epochs(&job, &workbench::RunJob::epochFinished);
        QSignalSpy finished(&job, &workbench::RunJob::finished);
        job.start();
        QVERIFY(epochs.wait(30000));
        QElapsedTimer clock;
        clock.start();
        job.cancel();
        QVERIFY(finished.wait(1000));
        QVERIFY2(clock.elapsed() < 1000, qPrintable(QString::number(clock.elapsed())));
        QCOMPARE(finished.first().first().value<RunSummary>().outcome, RunSummary::Outcome::Cancelled);
        QVERIFY(!job.isRunning());
    }

    void refusesToStartWithoutDatasetOrTwice()
    {
        workbench::RunJob empty;
        QSignalSpy emptyFinished(&empty, &workbench::RunJob::finished);
        empty.start();
        QCOMPARE(emptyFinished.size(), 1);
        QCOMPARE(emptyFinished.first().first().value<RunSummary>().outcome, RunSummary::Outcome::Failed);

        workbench::RunJob job;
        job.setDataset(demo_);
        auto config = quickConfig();
        config.epochs = 10000;
        job.setConfig(config);
        QSignalSpy finished(&job, &workbench::RunJob::finished);
        job.start();
        job.start();
        QCOMPARE(finished.size(), 1); // the second start is refused at once
        QVERIFY(finished.first().first().value<RunSummary>().message.contains("already"));
        // destroying a running job cancels and joins it
    }

    void badConfigFailsWithAMessage()
    {
        workbench::RunJob job;
        job.setDataset(demo_);
        auto config = quickConfig();
        config.optimizer = QStringLiteral("rmsprop");
        job.setConfig(config);
        QSignalSpy finished(&job, &workbench::RunJob::finished);
        job.start();
        QVERIFY(finished.wait(10000));
        const auto summary = finished.first().first().value<RunSummary>();
        QCOMPARE(summary.outcome, RunSummary::Outcome::Failed);
        QVERIFY2(summary.message.contains("rmsprop"), qPrintable(summary.message));
    }
};

QTEST_GUILESS_MAIN(tst_RunJob)
#include "tst_runjob.moc"
