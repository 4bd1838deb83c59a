// RunJob writing a session as it runs, continuing one after an interruption, validating a saved round, pausing.
#include "core/workbench/RunJob.h"
#include "core/workbench/Session.h"
#include "core/workbench/SessionExporter.h"
#include "core/workbench/SvgChart.h"
#include "datasets/DatasetSplit.h"
#include "datasets/DemoMriGenerator.h"

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QJsonArray>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace prunelab;
using workbench::RunSummary;
using workbench::Session;

namespace {

/// Copies a folder tree (a session) to `to`.
void copyTree(const QString& from, const QString& to)
{
    QDirIterator it(from, QDir::Files, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString file = it.next();
        const QString target = to + QLatin1Char('/') + QDir(from).relativeFilePath(file);
        QDir().mkpath(QFileInfo(target).absolutePath());
        QFile::copy(file, target);
    }
}

QList<QJsonObject> epochEvents(const Session& s)
{
    QList<QJsonObject> events;
    for (QJsonObject e : s.metrics())
        if (e.value(QStringLiteral("event")).toString() == QLatin1String("epoch")) {
            e.remove(QStringLiteral("seconds")); // wall time differs between runs
            events.append(e);
        }
    return events;
}

} // namespace

class tst_RunJobSession : public QObject {
    Q_OBJECT

    std::shared_ptr<const datasets::ImageSet> demo_;

    static workbench::Recipe recipe(const QString& schedule)
    {
        workbench::Recipe r;
        r.model.hidden = {32, 16};
        r.train.epochs = 2;
        r.prune.fineTuneEpochs = 1;
        r.prune.schedule = schedule;
        r.prune.rounds = 3;
        r.prune.rate = 0.5;
        r.prune.rewind = QStringLiteral("epoch:1");
        r.prune.sparsities = {0.5, 0.7, 0.9};
        r.dataset.validationFraction = 0.2;
        r.dataset.testGiven = false;
        r.dataset.testFraction = 0.2;
        r.device = QStringLiteral("cpu");
        if (schedule == QLatin1String("at-init")) { // SynFlow on θ0, each sparse network from fresh weights
            r.prune.method = QStringLiteral("synflow");
            r.prune.parameters["synflow_iterations"] = {10};
            r.prune.control = QStringLiteral("random-reinit");
        }
        if (schedule == QLatin1String("gradual")) { // one dense epoch, then one round per epoch, pruning every 2 steps
            r.train.epochs = 4;
            r.prune.startEpoch = 1;
            r.prune.endEpoch = 3;
            r.prune.frequency = 2;
        }
        if (schedule == QLatin1String("sensitivity")) // three layers at one sparsity: three rounds
            r.prune.sparsities = {0.7};
        return r;
    }

    RunSummary runToEnd(workbench::RunJob& job)
    {
        job.setDataset(demo_);
        QSignalSpy finished(&job, &workbench::RunJob::finished);
        job.start();
        if (!finished.wait(120000))
            return {};
        return finished.first().first().value<RunSummary>();
    }

private slots:
    void initTestCase()
    {
        datasets::DemoOptions options;
        options.perClass = {40, 40, 40, 40};
        options.size = 32;
        demo_ = std::make_shared<datasets::ImageSet>(datasets::DemoMriGenerator().generate(options));
    }

    void continuesAfterAnyRoundWithIdenticalRounds_data()
    {
        QTest::addColumn<QString>("schedule");
        QTest::addColumn<int>("interruptedAfter"); // last completed round when the run was stopped
        QTest::newRow("iterative, stopped in dense training") << "iterative" << -1;
        QTest::newRow("iterative, after the dense model") << "iterative" << 0;
        QTest::newRow("iterative, after round 1") << "iterative" << 1;
        QTest::newRow("lottery rewinding to epoch 1, after round 2") << "lottery" << 2;
        QTest::newRow("sweep, after round 2") << "sweep" << 2;
        QTest::newRow("at-init with random-reinit, after round 1") << "at-init" << 1;
        QTest::newRow("gradual, in the middle of its pruning epochs") << "gradual" << 1;
        QTest::newRow("sensitivity, after the first layer") << "sensitivity" << 1;
        QTest::newRow("iterative, after the last round") << "iterative" << 3;
    }
    void continuesAfterAnyRoundWithIdenticalRounds()
    {
        QFETCH(QString, schedule);
        QFETCH(int, interruptedAfter);
        QTemporaryDir root;
        const Session reference = Session::create(root.path(), QStringLiteral("reference"));
        {
            workbench::RunJob job;
            job.setRecipe(recipe(schedule));
            job.setSession(reference.path());
            const RunSummary summary = runToEnd(job);
            QVERIFY2(summary.outcome == RunSummary::Outcome::Completed, qPrintable(summary.message));
            QCOMPARE(summary.session, reference.path());
        }
        QCOMPARE(reference.state().value(QStringLiteral("status")).toString(), QStringLiteral("completed"));
        QCOMPARE(reference.completedRound(), 3);
        QCOMPARE(reference.savedRounds(), QList<int>({0, 1, 2, 3}));
        QCOMPARE(reference.readFile(QStringLiteral("results/rounds.csv")).count('\n'), 1 + 4);
        QVERIFY(reference.readFile(QStringLiteral("results/report.html")).contains("Round 3: confusion matrix"));
        for (int k = 0; k <= 3; ++k) {
            const QString folder = Session::roundFolder(k) + QLatin1Char('/');
            QVERIFY(reference.exists(folder + QStringLiteral("model.pt")));
            QCOMPARE(reference.exists(folder + QStringLiteral("masks.pt")), k > 0);
            QVERIFY(reference.readFile(folder + QStringLiteral("train.csv")).startsWith("epoch,epochs,train_loss"));
        }
        const bool retrains = schedule == QLatin1String("lottery") || schedule == QLatin1String("at-init");
        const qsizetype epochs = schedule == QLatin1String("gradual")       ? 4 // the pruning is inside the 4 epochs
                                 : schedule == QLatin1String("sensitivity") ? 2 // no training after the dense model
                                                                            : 2 + 3 * (retrains ? 2 : 1);
        QCOMPARE(epochEvents(reference).size(), epochs); // lottery and at-init retrain for the full epochs

        // What a kill leaves: state.json at the last completed round, the next round half written, metrics beyond.
        const QString copy = root.filePath(QStringLiteral("copy"));
        copyTree(reference.path(), copy);
        const Session interrupted = Session::open(copy);
        QJsonObject state = interrupted.state();
        state.insert(QStringLiteral("status"), QStringLiteral("running"));
        state.insert(QStringLiteral("completed_round"), interruptedAfter);
        interrupted.writeState(state);
        for (int k = interruptedAfter + 2; k <= 3; ++k)
            QDir(interrupted.filePath(Session::roundFolder(k))).removeRecursively();
        if (interruptedAfter + 1 <= 3) // the interrupted round: its model written, its validation.json not yet
            QFile::remove(
                interrupted.filePath(Session::roundFolder(interruptedAfter + 1) + QStringLiteral("/validation.json")));
        QDateTime kept;
        if (interruptedAfter >= 0)
            kept = QFileInfo(interrupted.filePath(QStringLiteral("rounds/0/model.pt"))).lastModified();

        workbench::RunJob job;
        job.continueSession(copy);
        QCOMPARE(job.recipe().prune.schedule, schedule);
        QSignalSpy rounds(&job, &workbench::RunJob::roundFinished);
        const RunSummary summary = runToEnd(job);
        QVERIFY2(summary.outcome == RunSummary::Outcome::Completed, qPrintable(summary.message));
        QCOMPARE(rounds.size(), 3 - interruptedAfter); // only the rounds not completed before
        QCOMPARE(interrupted.state().value(QStringLiteral("status")).toString(), QStringLiteral("completed"));
        for (int k = 0; k <= 3; ++k) {
            const QString file = Session::roundFolder(k) + QStringLiteral("/validation.json");
            QCOMPARE(interrupted.readJson(file), reference.readJson(file)); // same numbers, same model and mask SHA-256
        }
        // Wall-clock latency is in the round events only: validation.json holds what a rerun reproduces.
        QVERIFY(!interrupted.readJson(Session::roundFolder(1) + QStringLiteral("/validation.json"))
                     .contains(QStringLiteral("latency_ms")));
        bool timed = false;
        for (const QJsonObject& e : interrupted.metrics())
            timed = timed || (e.value(QStringLiteral("event")).toString() == QLatin1String("round") &&
                              e.value(QStringLiteral("latency_ms")).toDouble() > 0.0);
        QVERIFY(timed);
        if (interruptedAfter >= 0) // completed rounds are not written again
            QCOMPARE(QFileInfo(interrupted.filePath(QStringLiteral("rounds/0/model.pt"))).lastModified(), kept);
        QCOMPARE(epochEvents(interrupted), epochEvents(reference));
        int roundEvents = 0;
        for (const QJsonObject& e : interrupted.metrics())
            roundEvents += e.value(QStringLiteral("event")).toString() == QLatin1String("round");
        QCOMPARE(roundEvents, 4);
    }

    void validateReproducesTheRecordedAccuracy()
    {
        QTemporaryDir root;
        const Session s = Session::create(root.path(), QStringLiteral("v"));
        {
            workbench::RunJob job;
            job.setRecipe(recipe(QStringLiteral("iterative")));
            job.setSession(s.path());
            QCOMPARE(runToEnd(job).outcome, RunSummary::Outcome::Completed);
        }
        // The split is saved with the session and reloads as a split of the same images.
        const QJsonObject split = s.readJson(QStringLiteral("split.json"));
        const datasets::DatasetSplit reloaded = datasets::DatasetSplit::load(
            s.filePath(QStringLiteral("split.json")),
            qsizetype(split.value("train").toArray().size() + split.value("validation").toArray().size() +
                      split.value("test").toArray().size()));
        QCOMPARE(reloaded.fingerprint(), split.value(QStringLiteral("fingerprint")).toString());
        for (int k : {0, 2}) {
            workbench::RunJob job;
            job.validateSession(s.path(), k);
            const RunSummary summary = runToEnd(job);
            QVERIFY2(summary.outcome == RunSummary::Outcome::Completed, qPrintable(summary.message));
            QVERIFY2(summary.message.contains(QStringLiteral("identical")), qPrintable(summary.message));
            const QJsonObject recorded = s.readJson(Session::roundFolder(k) + QStringLiteral("/validation.json"));
            QCOMPARE(summary.finalTestAccuracy, recorded.value(QStringLiteral("test_accuracy")).toDouble());
        }
        // A model file that is not the one the session wrote is refused, not loaded.
        QByteArray model = s.readFile(QStringLiteral("rounds/1/model.pt"));
        model[model.size() / 2] = char(model[model.size() / 2] ^ 1);
        s.writeFile(QStringLiteral("rounds/1/model.pt"), model);
        workbench::RunJob job;
        job.validateSession(s.path(), 1);
        const RunSummary refused = runToEnd(job);
        QCOMPARE(refused.outcome, RunSummary::Outcome::Failed);
        QVERIFY2(refused.message.contains(QStringLiteral("SHA-256")), qPrintable(refused.message));
    }

    // Killed while the data was loading: recipe.json is there (written by setSession), no fingerprint, no round.
    void aSessionKilledBeforeItsDataLoadedStartsAfresh()
    {
        QTemporaryDir root;
        const Session s = Session::create(root.path(), QStringLiteral("early"));
        {
            workbench::RunJob job;
            job.setRecipe(recipe(QStringLiteral("one-shot")));
            job.setSession(s.path()); // never started: what a kill before the data loaded leaves
        }
        QVERIFY(s.exists(QStringLiteral("recipe.json")));
        QVERIFY(s.datasetFingerprint().isEmpty());
        workbench::RunJob job;
        job.continueSession(s.path());
        const RunSummary summary = runToEnd(job);
        QCOMPARE(summary.outcome, RunSummary::Outcome::Completed);
        const Session done = Session::open(s.path());
        QVERIFY(!done.datasetFingerprint().isEmpty());
        QCOMPARE(done.completedRound(), 1);
        QVERIFY(done.exists(QStringLiteral("dataset.json")));
    }

    void otherDataIsRefused()
    {
        QTemporaryDir root;
        const Session s = Session::create(root.path(), QStringLiteral("d"));
        workbench::Recipe r = recipe(QStringLiteral("none"));
        {
            workbench::RunJob job;
            job.setRecipe(r);
            job.setSession(s.path());
            QCOMPARE(runToEnd(job).outcome, RunSummary::Outcome::Completed);
        }
        datasets::DemoOptions options;
        options.perClass = {40, 40, 40, 40};
        options.size = 32;
        options.seed = 7;
        workbench::RunJob job;
        job.validateSession(s.path(), 0);
        job.setDataset(std::make_shared<datasets::ImageSet>(datasets::DemoMriGenerator().generate(options)));
        QSignalSpy finished(&job, &workbench::RunJob::finished);
        job.start();
        QVERIFY(finished.wait(60000));
        const auto summary = finished.first().first().value<RunSummary>();
        QCOMPARE(summary.outcome, RunSummary::Outcome::Failed);
        QVERIFY2(summary.message.contains(QStringLiteral("fingerprint")), qPrintable(summary.message));
    }

    // The interval-adjoint workflow: retain.txt and its plots before training, every round's folder, and after the last
    // round the table across iterations (rounds.csv) with its accuracy and loss plots.
    void geometricRunWritesRetentionAndIterationResults()
    {
        QTemporaryDir root;
        const Session s = Session::create(root.path(), QStringLiteral("geometric"));
        workbench::Recipe r = recipe(QStringLiteral("geometric"));
        r.prune.method = QStringLiteral("neuron-l1");
        r.prune.q = 0.8;
        // A stand-in renderer (Qt Core cannot draw): the PNG is written when one is installed.
        workbench::SvgChart::setPngRenderer(
            [](const QByteArray& svg) { return "PNG of " + QByteArray::number(svg.size()); });
        {
            workbench::RunJob job;
            job.setRecipe(r);
            job.setSession(s.path());
            const RunSummary summary = runToEnd(job);
            QVERIFY2(summary.outcome == RunSummary::Outcome::Completed, qPrintable(summary.message));
        }
        workbench::SvgChart::setPngRenderer({});
        // N_t = max(1, round(h·0.8^t)) for h = 32 and 16
        QCOMPARE(
            s.readFile(QStringLiteral("results/retain.txt")),
            QByteArray("t\tN1\tN2\tpercent\n0\t32\t16\t100.00\n1\t26\t13\t81.25\n2\t20\t10\t62.50\n3\t16\t8\t50.00\n"));
        QCOMPARE(
            s.readFile(QStringLiteral("results/plots/neurons-per-iteration.csv")),
            QByteArray("series,iteration t,neurons N_t\nhidden layer 1,0,32\nhidden layer 1,1,26\nhidden layer 1,2,20\n"
                       "hidden layer 1,3,16\nhidden layer 2,0,16\nhidden layer 2,1,13\nhidden layer 2,2,10\n"
                       "hidden layer 2,3,8\n"));
        QCOMPARE(s.readFile(QStringLiteral("results/plots/neuron-distribution.csv")),
                 QByteArray("series,hidden layer 1 neurons,neurons\nhidden layer 2,32,16\nhidden layer 2,26,13\n"
                            "hidden layer 2,20,10\nhidden layer 2,16,8\n"));
        for (const char* name : {"neurons-per-iteration", "neuron-distribution", "accuracies", "losses"}) {
            const QString stem = QStringLiteral("results/plots/") + QLatin1String(name);
            const QByteArray svg = s.readFile(stem + QStringLiteral(".svg"));
            QVERIFY2(svg.startsWith("<?xml") && svg.contains("<polyline") && svg.trimmed().endsWith("</svg>"), name);
            QCOMPARE(s.readFile(stem + QStringLiteral(".png")), "PNG of " + QByteArray::number(svg.size()));
        }

        // rounds.csv is the table across iterations: units kept per layer, compact parameters, train/val/test.
        const QList<QByteArray> lines = s.readFile(QStringLiteral("results/rounds.csv")).trimmed().split('\n');
        QCOMPARE(lines.size(), 1 + 4);
        const QList<QByteArray> header = lines[0].split(',');
        for (const char* column : {"train_loss", "train_accuracy", "val_loss", "val_accuracy", "test_loss",
                                   "test_accuracy", "compact_parameters", "units_kept:layers.0.weight",
                                   "units_kept:layers.1.weight", "units_kept:layers.2.weight"})
            QVERIFY2(header.contains(column), column);
        const QList<QList<qint64>> expectedUnits{{32, 16}, {26, 13}, {20, 10}, {16, 8}};
        for (int k = 0; k <= 3; ++k) {
            const QList<QByteArray> row = lines[k + 1].split(',');
            QCOMPARE(row.size(), header.size());
            const auto cell = [&](const char* column) { return row[header.indexOf(column)]; };
            QCOMPARE(cell("round").toInt(), k);
            QCOMPARE(cell("units_kept:layers.0.weight").toLongLong(), expectedUnits[k][0]);
            QCOMPARE(cell("units_kept:layers.1.weight").toLongLong(), expectedUnits[k][1]);
            QCOMPARE(cell("units_kept:layers.2.weight").toLongLong(), 4); // the output layer is never pruned
            // each round's folder: the model, the training results and the validation results
            const QString folder = Session::roundFolder(k) + QLatin1Char('/');
            const QJsonObject record = s.readJson(folder + QStringLiteral("validation.json"));
            QCOMPARE(
                cell("compact_parameters").toLongLong(),
                qint64(
                    record.value(QStringLiteral("compact")).toObject().value(QStringLiteral("parameters")).toDouble()));
            QCOMPARE(cell("compact_parameters").toLongLong(), (1024 + 1) * expectedUnits[k][0] +
                                                                  (expectedUnits[k][0] + 1) * expectedUnits[k][1] +
                                                                  (expectedUnits[k][1] + 1) * 4);
            QCOMPARE(cell("test_accuracy").toDouble(), record.value(QStringLiteral("test_accuracy")).toDouble());
            // the train columns are the last epoch of the round's train.csv (no restore_best)
            const QList<QByteArray> epochs = s.readFile(folder + QStringLiteral("train.csv")).trimmed().split('\n');
            QCOMPARE(epochs.size(), 1 + (k == 0 ? 2 : 1));
            QCOMPARE(cell("train_accuracy"), epochs.last().split(',')[3]);
            QCOMPARE(cell("train_loss"), epochs.last().split(',')[2]);
            QVERIFY(s.exists(folder + QStringLiteral("model.pt")));
            QCOMPARE(s.exists(folder + QStringLiteral("masks.pt")), k > 0);
        }
        // accuracies.csv: train, validation and test accuracy of the four rounds, in percent
        const QByteArray accuracies = s.readFile(QStringLiteral("results/plots/accuracies.csv"));
        QCOMPARE(accuracies.count('\n'), 1 + 3 * 4);
        QVERIFY(accuracies.startsWith("series,iteration (pruning round),accuracy (%)\ntrain,0,"));
    }

    void damagedRetentionTableIsNamed()
    {
        QTemporaryDir root;
        const Session s = Session::create(root.path(), QStringLiteral("damaged"));
        s.writeFile(QStringLiteral("results/retain.txt"), "t\tN1\tpercent\n0\t32\t100.00\n1\tx\t80\n");
        try {
            workbench::SessionExporter(s).retentionPlots();
            QFAIL("a damaged retain.txt was read");
        } catch (const workbench::SessionError& e) {
            QVERIFY2(QString::fromUtf8(e.what()).contains(QStringLiteral("retain.txt:3: expected 3 numbers")),
                     e.what());
        }
    }

    void pauseHoldsTheWorkerUntilResumed()
    {
        workbench::RunJob job;
        job.setRecipe(recipe(QStringLiteral("none")));
        job.setDataset(demo_);
        QSignalSpy paused(&job, &workbench::RunJob::pausedChanged);
        QSignalSpy epochs(&job, &workbench::RunJob::epochFinished);
        QSignalSpy eta(&job, &workbench::RunJob::etaChanged);
        QSignalSpy finished(&job, &workbench::RunJob::finished);
        job.pause();
        QVERIFY(job.isPaused());
        job.start();
        QTest::qWait(500); // held after its first batch: no epoch can finish
        QCOMPARE(epochs.size(), 0);
        QVERIFY(finished.isEmpty());
        job.resume();
        QVERIFY(finished.wait(60000));
        QCOMPARE(finished.first().first().value<RunSummary>().outcome, RunSummary::Outcome::Completed);
        QCOMPARE(epochs.size(), 2);
        QCOMPARE(paused.size(), 2);
        QVERIFY(!eta.isEmpty());
        QVERIFY(eta.last().first().toDouble() >= 0.0);
    }
};

QTEST_GUILESS_MAIN(tst_RunJobSession)
#include "tst_runjobsession.moc"
