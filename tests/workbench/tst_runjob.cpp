#include "core/workbench/RunJob.h"
#include "datasets/DemoMriGenerator.h"
#include "datasets/ImageSetWriter.h"

#include <QStandardPaths>
#include <QTemporaryDir>

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonObject>
#include <QSignalSpy>
#include <QTest>

using namespace prunelab;
using workbench::RunSummary;

class tst_RunJob : public QObject {
    Q_OBJECT

    std::shared_ptr<const datasets::ImageSet> demo_;

    static workbench::Recipe quickConfig()
    {
        workbench::Recipe config;
        config.model.hidden = {64, 32};
        config.train.epochs = 6;
        config.prune.fineTuneEpochs = 1;
        config.prune.sparsity = 0.8;
        config.dataset.validationFraction = 0.2;
        config.dataset.testGiven = false;
        config.dataset.testFraction = 0.1;
        config.device = QStringLiteral("cpu");
        return config;
    }

private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true); // the pixel cache goes to ~/.qttest, not the user's cache
        datasets::DemoOptions options;
        options.perClass = {80, 80, 80, 80};
        options.size = 48;
        demo_ = std::make_shared<datasets::ImageSet>(datasets::DemoMriGenerator().generate(options));
    }

    void trainsPrunesAndReportsEveryEpoch()
    {
        workbench::RunJob job;
        job.setDataset(demo_);
        job.setRecipe(quickConfig());
        QSignalSpy epochs(&job, &workbench::RunJob::epochFinished);
        QSignalSpy rounds(&job, &workbench::RunJob::roundFinished);
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

        QCOMPARE(rounds.size(), 2); // the dense model, then the pruned one
        const auto dense = rounds.first().first().value<workbench::RoundStats>();
        QCOMPARE(dense.round, 0);
        QCOMPARE(dense.sparsity, 0.0);
        QVERIFY(dense.hasTest);
        const auto prune = rounds.last().first().value<workbench::RoundStats>();
        QCOMPARE(prune.round, 1);
        QVERIFY(qAbs(prune.sparsity - 0.8) < 1e-3);
        QCOMPARE(prune.weightsKept, qint64(std::llround(prune.weightsTotal * 0.2)));
        QVERIFY(prune.remainingMacs < dense.remainingMacs / 4);
        QCOMPARE(summary.bestRound, 1);
        // per layer: counts that add up, a histogram of the survivors, a mask image, CKA against the dense model
        QCOMPARE(prune.layers.size(), 3);
        qint64 kept = 0;
        for (const workbench::LayerStats& layer : prune.layers) {
            kept += layer.kept;
            QVERIFY(layer.cka > 0.0 && layer.cka <= 1.0);
            QCOMPARE(layer.maskImage.size(), qsizetype(layer.maskRows) * layer.maskCols);
            qint64 inHistogram = 0;
            for (qint64 n : layer.histogram)
                inHistogram += n;
            QCOMPARE(inHistogram, layer.kept);
        }
        QCOMPARE(kept, prune.weightsKept);
        QCOMPARE(prune.layers.first().name, QStringLiteral("layers.0.weight"));
        QVERIFY(prune.reportOnTest);
        QCOMPARE(prune.confusion.size(), 4);
        qint64 tested = 0;
        for (qint64 n : prune.support)
            tested += n;
        QCOMPARE(tested, qint64(32)); // 10 % of the 320 demo images
        const QJsonObject json = workbench::toJson(prune);
        QCOMPARE(json.value("layers").toArray().size(), 3);
        QCOMPARE(json.value("report").toObject().value("confusion").toArray().size(), 4);
        QVERIFY(summary.finalTestAccuracy > 0.3);
        QVERIFY(qAbs(summary.finalSparsity - 0.8) < 1e-3);
        QCOMPARE(progress.last().first().toInt(), 100);
    }

    void geometricStructuredRunReportsNeurons_data()
    {
        QTest::addColumn<QString>("method");
        QTest::newRow("interval-adjoint") << "interval-adjoint";
        QTest::newRow("neuron-taylor") << "neuron-taylor";
        QTest::newRow("neuron-l1") << "neuron-l1";
    }

    void geometricStructuredRunReportsNeurons()
    {
        QFETCH(QString, method);
        workbench::Recipe config = quickConfig();
        config.train.epochs = 2;
        config.model.hidden = {32, 16};
        config.prune.method = method;
        config.prune.schedule = QStringLiteral("geometric");
        config.prune.q = 0.5;
        config.prune.rounds = 2;
        config.prune.calibrationImages = 64;
        workbench::RunJob job;
        job.setDataset(demo_);
        job.setRecipe(config);
        QSignalSpy rounds(&job, &workbench::RunJob::roundFinished);
        QSignalSpy finished(&job, &workbench::RunJob::finished);
        job.start();
        QVERIFY(finished.wait(60000));
        const auto summary = finished.first().first().value<RunSummary>();
        QVERIFY2(summary.outcome == RunSummary::Outcome::Completed, qPrintable(summary.message));
        QCOMPARE(rounds.size(), 3);
        const QList<qint64> first{32, 16, 4}, second{16, 8, 4}, third{8, 4, 4};
        const QList<QList<qint64>> expected{first, second, third};
        for (int k = 0; k < 3; ++k) {
            const auto s = rounds.at(k).first().value<workbench::RoundStats>();
            QVERIFY(s.structured);
            QCOMPARE(s.layers.size(), 3);
            for (int l = 0; l < 3; ++l)
                QCOMPARE(s.layers[l].unitsKept, expected[k][l]);
            QCOMPARE(s.layers[0].units, qint64(32));
        }
        const auto last = rounds.last().first().value<workbench::RoundStats>();
        const qint64 inputs = 48 * 48;
        QCOMPARE(last.compactParameters, inputs * 8 + 8 + 8 * 4 + 4 + 4 * 4 + 4);
        QVERIFY(workbench::describe(last).contains(QStringLiteral("neurons 8-4")));
        const QJsonObject json = workbench::toJson(last);
        QCOMPARE(json[QStringLiteral("compact")].toObject()[QStringLiteral("parameters")].toInteger(),
                 last.compactParameters);
        QCOMPARE(json[QStringLiteral("layers")].toArray()[1].toObject()[QStringLiteral("units_kept")].toInteger(),
                 qint64(4));
    }

    void sameSeedSameNumbers()
    {
        QList<double> losses[2];
        for (auto& loss : losses) {
            workbench::RunJob job;
            job.setDataset(demo_);
            auto config = quickConfig();
            config.train.epochs = 2;
            config.prune.schedule = QStringLiteral("none");
            job.setRecipe(config);
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
        config.train.epochs = 10000;
        job.setRecipe(config);
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

    void iterativeScheduleReportsEveryRound()
    {
        workbench::RunJob job;
        job.setDataset(demo_);
        auto config = quickConfig();
        config.train.epochs = 3;
        config.prune.schedule = QStringLiteral("iterative");
        config.prune.method = QStringLiteral("layer-magnitude");
        config.prune.rounds = 3;
        config.prune.rate = 0.5;
        job.setRecipe(config);
        QSignalSpy rounds(&job, &workbench::RunJob::roundFinished);
        QSignalSpy epochs(&job, &workbench::RunJob::epochFinished);
        QSignalSpy finished(&job, &workbench::RunJob::finished);
        job.start();
        QVERIFY(finished.wait(60000));
        QCOMPARE(finished.first().first().value<RunSummary>().outcome, RunSummary::Outcome::Completed);
        QCOMPARE(rounds.size(), 4);
        QCOMPARE(epochs.size(), 3 + 3 * 1);
        double last = 0.0;
        for (int k = 1; k <= 3; ++k) {
            const auto r = rounds.at(k).first().value<workbench::RoundStats>();
            QCOMPARE(r.round, k);
            QCOMPARE(r.rounds, 3);
            QVERIFY(r.sparsity > last);
            last = r.sparsity;
        }
        QVERIFY(qAbs(last - 0.875) < 0.01);
        QCOMPARE(epochs.last().first().value<workbench::EpochStats>().round, 3);
    }

    void loadsItsOwnDataWhenNoneIsGiven()
    {
        workbench::RunJob job;
        auto config = quickConfig();
        config.dataset.source = QStringLiteral("demo");
        config.dataset.demoPerClass = 30;
        config.dataset.imageWidth = config.dataset.imageHeight = 32;
        config.train.epochs = 1;
        job.setRecipe(config);
        QSignalSpy log(&job, &workbench::RunJob::logMessage);
        QSignalSpy finished(&job, &workbench::RunJob::finished);
        job.start();
        QVERIFY(finished.wait(60000));
        QCOMPARE(finished.first().first().value<RunSummary>().outcome, RunSummary::Outcome::Completed);
        bool sawSplit = false;
        for (const auto& args : log)
            sawSplit |= args.first().toString().contains("training on 84 images, validating on 24, testing on 12");
        QVERIFY2(sawSplit, "120 images: 10 % to test, 20 % to validate, the rest to train");

        workbench::RunJob broken;
        config.dataset.source = QStringLiteral("/nonexistent/data");
        broken.setRecipe(config);
        QSignalSpy brokenFinished(&broken, &workbench::RunJob::finished);
        broken.start();
        QVERIFY(brokenFinished.wait(10000));
        const auto summary = brokenFinished.first().first().value<RunSummary>();
        QCOMPARE(summary.outcome, RunSummary::Outcome::Failed);
        QVERIFY2(summary.message.contains("/nonexistent/data"), qPrintable(summary.message));

        workbench::RunJob badSplit;
        config.dataset.source = QStringLiteral("demo");
        config.dataset.splitFile = QStringLiteral("/nonexistent/split.json");
        badSplit.setRecipe(config);
        QSignalSpy splitFinished(&badSplit, &workbench::RunJob::finished);
        badSplit.start();
        QVERIFY(splitFinished.wait(10000));
        const auto refused = splitFinished.first().first().value<RunSummary>();
        QCOMPARE(refused.outcome, RunSummary::Outcome::Failed);
        QVERIFY2(refused.message.contains("/nonexistent/split.json"), qPrintable(refused.message));
    }

    // The GUI's window holds a source's own test images beside the training ones (Fashion-MNIST's t10k): a recipe
    // whose split.test is "given" tests on them, as a run that loads the source does; a drawn split ignores them.
    void aGivenTestSetIsUsedWhenTheRecipeSaysGiven()
    {
        datasets::DemoOptions options;
        options.perClass = {13, 13, 13, 13};
        options.size = 48;
        options.seed = 7;
        const auto test = std::make_shared<datasets::ImageSet>(datasets::DemoMriGenerator().generate(options));
        for (const bool given : {true, false}) {
            workbench::RunJob job;
            job.setDataset(demo_, test);
            auto config = quickConfig();
            config.train.epochs = 1;
            config.dataset.testGiven = given;
            job.setRecipe(config);
            QSignalSpy rounds(&job, &workbench::RunJob::roundFinished);
            QSignalSpy finished(&job, &workbench::RunJob::finished);
            job.start();
            QVERIFY(finished.wait(60000));
            QCOMPARE(finished.first().first().value<RunSummary>().outcome, RunSummary::Outcome::Completed);
            const auto last = rounds.last().first().value<workbench::RoundStats>();
            QVERIFY(last.hasTest);
            qint64 tested = 0;
            for (const QList<qint64>& row : last.confusion)
                for (qint64 n : row)
                    tested += n;
            // given: the 52 test images; drawn: 10 % of the 320 training images (32)
            QCOMPARE(tested, given ? 52 : 32);
        }
    }

    // Every round times one image through the model as it is and through what pruning removes: the CSR kernel for
    // an MLP, the compacted model for a structured method, nothing more for unstructured zeros in a conv net.
    void roundsReportBatchOneLatency_data()
    {
        QTest::addColumn<QString>("arch");
        QTest::addColumn<QString>("method");
        QTest::addColumn<QString>("path");
        QTest::newRow("mlp, unstructured") << "mlp"
                                           << "global-magnitude"
                                           << "csr";
        QTest::newRow("lenet5, structured") << "lenet5"
                                            << "neuron-l1"
                                            << "compact";
        QTest::newRow("lenet5, unstructured") << "lenet5"
                                              << "global-magnitude"
                                              << "";
        QTest::newRow("resnet, channel groups") << "resnet"
                                                << "neuron-l1"
                                                << "compact";
        QTest::newRow("densenet, channel groups") << "densenet"
                                                  << "neuron-l1"
                                                  << "compact";
    }

    void roundsReportBatchOneLatency()
    {
        QFETCH(QString, arch);
        QFETCH(QString, method);
        QFETCH(QString, path);
        workbench::RunJob job;
        job.setDataset(demo_);
        auto config = quickConfig();
        config.model.arch = arch;
        config.model.depth = 8; // small graph networks: ResNet-8 at half width, a two-block DenseNet
        config.model.width = 0.5;
        config.model.growth = 4;
        config.model.blocks = {2, 2};
        config.train.epochs = 1;
        config.prune.method = method;
        config.prune.sparsity = 0.5;
        job.setRecipe(config);
        QSignalSpy rounds(&job, &workbench::RunJob::roundFinished);
        QSignalSpy finished(&job, &workbench::RunJob::finished);
        job.start();
        QVERIFY(finished.wait(60000));
        QVERIFY2(finished.first().first().value<RunSummary>().outcome == RunSummary::Outcome::Completed,
                 qPrintable(finished.first().first().value<RunSummary>().message));
        QCOMPARE(rounds.size(), 2);
        const auto dense = rounds.first().first().value<workbench::RoundStats>();
        const auto pruned = rounds.last().first().value<workbench::RoundStats>();
        QVERIFY(dense.latencyMs > 0.0);
        QVERIFY(pruned.latencyMs > 0.0);
        QCOMPARE(pruned.prunedLatencyPath, path);
        QCOMPARE(pruned.prunedLatencyMs > 0.0, !path.isEmpty());
        // carried by the round's JSON event and back
        const workbench::RoundStats back = workbench::roundStatsFromJson(workbench::toJson(pruned));
        QCOMPARE(back.latencyMs, pruned.latencyMs);
        QCOMPARE(back.prunedLatencyPath, path);
    }

    void trainsOnAFolderWithBalancingAndAugmentation()
    {
        // An imbalanced folder of PNG class folders, as a user would have it on disk.
        datasets::DemoOptions options;
        options.perClass = {12, 6, 9, 3};
        options.size = 32;
        QTemporaryDir dir;
        datasets::writeClassFolders(datasets::DemoMriGenerator().generate(options), dir.path());
        auto config = quickConfig();
        config.dataset.source = dir.path();
        config.dataset.imageWidth = config.dataset.imageHeight = 32;
        config.dataset.validationFraction = 0.25;
        config.dataset.testFraction = 0.0;
        config.dataset.balance = QStringLiteral("oversample");
        config.dataset.augmentFlip = true;
        config.dataset.augmentRotate = 5;
        config.train.epochs = 1;
        config.prune.schedule = QStringLiteral("none");
        workbench::RunJob job;
        job.setRecipe(config);
        QSignalSpy log(&job, &workbench::RunJob::logMessage);
        QSignalSpy finished(&job, &workbench::RunJob::finished);
        job.start();
        QVERIFY(finished.wait(60000));
        const auto summary = finished.first().first().value<RunSummary>();
        QVERIFY2(summary.outcome == RunSummary::Outcome::Completed, qPrintable(summary.message));
        QStringList lines;
        for (const auto& args : log)
            lines.append(args.first().toString());
        // Validation takes 3, 2, 2 and 1 images; training keeps 9, 4, 7 and 2, oversampled to 9 each.
        QVERIFY2(lines.join('\n').contains("training on 36 images, validating on 8"), qPrintable(lines.join('\n')));
    }

    void refusesToStartTwice()
    {

        workbench::RunJob job;
        job.setDataset(demo_);
        auto config = quickConfig();
        config.train.epochs = 10000;
        job.setRecipe(config);
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
        config.train.optimizer = QStringLiteral("rmsprop"); // not reachable through fromJson: the engine refuses it too
        job.setRecipe(config);
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
