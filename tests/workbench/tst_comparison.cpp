// The strategy study's strategy comparison: the compare list of a recipe, its validation, and the layer-by-layer
// schedule.
#include "core/workbench/Comparison.h"
#include "core/workbench/ComparisonJob.h"
#include "core/workbench/Recipe.h"
#include "core/workbench/RunJob.h"
#include "datasets/DemoMriGenerator.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <cmath>

using namespace prunelab;
using workbench::Recipe;
using workbench::RecipeError;

class tst_Comparison : public QObject {
    Q_OBJECT

private slots:
    void refusesBadVariantsNamingTheKey_data()
    {
        QTest::addColumn<QByteArray>("compare");
        QTest::addColumn<QString>("keyPath");
        QTest::addColumn<QString>("message");
        QTest::newRow("not a list") << QByteArray(R"({"label": "a"})") << "compare"
                                    << "compare must be a list";
        QTest::newRow("label with a slash") << QByteArray(R"([{"label": "a/b", "set": {}}])") << "compare[0].label"
                                            << "compare[0].label must be 1 to 64 letters";
        QTest::newRow("label twice") << QByteArray(R"([{"label": "a", "set": {}}, {"label": "a", "set": {}}])")
                                     << "compare[1].label"
                                     << "\"a\" is used twice";
        QTest::newRow("set not an object") << QByteArray(R"([{"label": "a", "set": 3}])") << "compare[0].set"
                                           << "compare[0].set must be an object";
        QTest::newRow("unknown key in a variant")
            << QByteArray(R"([{"label": "a", "set": {"prune.shedule": "one-shot"}}])") << "compare[0].set.prune.shedule"
            << "prune.shedule is not a known key";
        QTest::newRow("negative rate in a variant")
            << QByteArray(R"([{"label": "ok", "set": {}}, {"label": "b", "set": {"prune.rate": -1}}])")
            << "compare[1].set.prune.rate"
            << "compare[1].set (b): prune.rate must be > 0";
        QTest::newRow("unknown field of a variant")
            << QByteArray(R"([{"label": "a", "set": {}, "sett": {}}])") << "compare[0].sett"
            << "compare[0].sett is not a known key";
    }
    void refusesBadVariantsNamingTheKey()
    {
        QFETCH(QByteArray, compare);
        QFETCH(QString, keyPath);
        QFETCH(QString, message);
        QJsonObject json = Recipe::presetJson(QStringLiteral("quick-demo"));
        json.insert(QStringLiteral("compare"), QJsonDocument::fromJson("[" + compare + "]").array().first());
        try {
            Recipe::fromJson(json);
            QFAIL("the recipe must be refused");
        } catch (const RecipeError& e) {
            QCOMPARE(e.keyPath(), keyPath);
            QVERIFY2(QString::fromUtf8(e.what()).contains(message), e.what());
        }
    }

    void presetComparesFiveStrategiesOnTheSameModel()
    {
        const Recipe r = Recipe::fromJson(Recipe::loadJson(QStringLiteral("pruning-strategies-compare")));
        QCOMPARE(r.compare.size(), 5);
        QStringList schedules, methods;
        for (qsizetype i = 0; i < r.compare.size(); ++i) {
            const Recipe v = r.variant(i);
            QVERIFY(v.compare.isEmpty());
            QCOMPARE(v.model.arch, r.model.arch);
            QCOMPARE(v.seed, r.seed);
            QCOMPARE(v.prune.sparsity, 0.9);
            QCOMPARE(v.name, r.name + QLatin1Char('-') + r.compare[i].label);
            schedules << v.prune.schedule;
            methods << v.prune.method;
        }
        QCOMPARE(schedules, QStringList({"one-shot", "layer-by-layer", "iterative", "lottery", "iterative"}));
        QCOMPARE(methods.last(), QStringLiteral("random"));
        // iterative and lottery reach the same 90 % in five rounds
        QVERIFY(qAbs((1.0 - std::pow(1.0 - r.prune.rate, r.prune.rounds)) - 0.9) < 1e-4);
        // written out and read back, the compare list is the same
        const Recipe again = Recipe::fromJson(r.toJson());
        QCOMPARE(again.compare.size(), 5);
        QCOMPARE(again.compare[4].set, r.compare[4].set);
    }

    void layerByLayerPrunesOneLayerPerRound()
    {
        datasets::DemoOptions options;
        options.perClass = {30, 30, 30, 30};
        options.size = 32;
        Recipe r;
        r.model.hidden = {32, 16};
        r.train.epochs = 1;
        r.prune.method = QStringLiteral("layer-magnitude");
        r.prune.schedule = QStringLiteral("layer-by-layer");
        r.prune.sparsity = 0.75;
        r.prune.fineTuneEpochs = 1;
        r.dataset.testGiven = false;
        r.dataset.testFraction = 0.2;
        r.device = QStringLiteral("cpu");
        workbench::RunJob job;
        job.setRecipe(r);
        job.setDataset(std::make_shared<datasets::ImageSet>(datasets::DemoMriGenerator().generate(options)));
        QSignalSpy rounds(&job, &workbench::RunJob::roundFinished);
        QSignalSpy finished(&job, &workbench::RunJob::finished);
        job.start();
        QVERIFY(finished.wait(60000));
        QVERIFY2(finished.first().first().value<workbench::RunSummary>().outcome ==
                     workbench::RunSummary::Outcome::Completed,
                 qPrintable(finished.first().first().value<workbench::RunSummary>().message));
        QCOMPARE(rounds.size(), 1 + 3); // the dense model, then one round per layer
        for (int k = 1; k <= 3; ++k) {
            const auto s = rounds.at(k).first().value<workbench::RoundStats>();
            QCOMPARE(s.rounds, 3);
            QCOMPARE(s.layers.size(), 3);
            for (int l = 0; l < 3; ++l) {
                const double expected = l < k ? 0.75 : 0.0; // layers 0..k-1 pruned, the rest untouched
                QVERIFY2(qAbs(s.layers[l].sparsity - expected) < 1e-3,
                         qPrintable(QStringLiteral("round %1 layer %2: %3").arg(k).arg(l).arg(s.layers[l].sparsity)));
            }
            QVERIFY(qAbs(s.targetSparsity - s.sparsity) < 1e-3);
        }
        QVERIFY(qAbs(rounds.last().first().value<workbench::RoundStats>().sparsity - 0.75) < 1e-3);
    }

    void comparisonFolderListsItsVariants()
    {
        QTemporaryDir root;
        Recipe r = Recipe::fromJson(Recipe::loadJson(QStringLiteral("pruning-strategies-compare")));
        const workbench::Comparison c = workbench::Comparison::create(root.path(), r);
        QCOMPARE(c.entries().size(), 5);
        QCOMPARE(c.entries()[1].path, c.session().filePath(QStringLiteral("variants/layer-wise")));
        const workbench::Comparison reopened =
            workbench::Comparison::open(workbench::Session::open(c.session().path()));
        QCOMPARE(reopened.entries().size(), 5);
        QCOMPARE(reopened.entries()[3].recipe.prune.schedule, QStringLiteral("lottery"));
        QVERIFY(!workbench::Comparison::isCompleted(reopened.entries()[0].path));
        reopened.writeResults(QStringLiteral("running"));
        QVERIFY(
            c.session().readFile(QStringLiteral("results/comparison.csv")).startsWith("variant,schedule,method,round"));
        QVERIFY(c.table().contains(QStringLiteral("layer-wise")));
    }

    // The GUI's way to run a comparison: one RunJob driven through the variants; cancelled in the middle, then
    // started again on the reopened folder, it runs only what is left and writes the overlaid results.
    void comparisonJobRunsVariantsAndResumes()
    {
        datasets::DemoOptions options;
        options.perClass = {20, 20, 20, 20};
        options.size = 24;
        Recipe r;
        r.name = QStringLiteral("cmp");
        r.model.hidden = {16};
        r.train.epochs = 1;
        r.prune.method = QStringLiteral("global-magnitude");
        r.prune.sparsity = 0.5;
        r.prune.rounds = 2;
        r.prune.rate = 0.3;
        r.prune.fineTuneEpochs = 1;
        r.dataset.testGiven = false;
        r.dataset.testFraction = 0.2;
        r.device = QStringLiteral("cpu");
        r.compare = {{QStringLiteral("one-shot"), QJsonObject{{"prune.schedule", "one-shot"}}},
                     {QStringLiteral("iterative"), QJsonObject{{"prune.schedule", "iterative"}}},
                     {QStringLiteral("random"), QJsonObject{{"prune.method", "random"}}}};
        QTemporaryDir root;
        workbench::RunJob job;
        job.setDataset(std::make_shared<datasets::ImageSet>(datasets::DemoMriGenerator().generate(options)));
        workbench::ComparisonJob comparisonJob(&job);
        QSignalSpy started(&comparisonJob, &workbench::ComparisonJob::variantStarted);
        QSignalSpy variantDone(&comparisonJob, &workbench::ComparisonJob::variantFinished);
        QSignalSpy finished(&comparisonJob, &workbench::ComparisonJob::finished);
        const workbench::Comparison created = workbench::Comparison::create(root.path(), r);

        // Cancel as soon as the second variant has a round: the first stays completed, the second is cut short.
        QSignalSpy rounds(&job, &workbench::RunJob::roundFinished);
        connect(&job, &workbench::RunJob::roundFinished, &comparisonJob, [&] {
            if (comparisonJob.variant() == 1)
                comparisonJob.cancel();
        });
        comparisonJob.start(created);
        QVERIFY(comparisonJob.isRunning());
        QVERIFY(finished.wait(120000));
        QCOMPARE(finished.first().at(0).toString(), QStringLiteral("cancelled"));
        QVERIFY(!comparisonJob.isRunning());
        QCOMPARE(started.size(), 2);
        QVERIFY(workbench::Comparison::isCompleted(created.entries()[0].path));
        QVERIFY(!workbench::Comparison::isCompleted(created.entries()[1].path));
        QVERIFY(!QFileInfo::exists(created.entries()[2].path));
        QCOMPARE(created.session().state().value(QStringLiteral("status")).toString(), QStringLiteral("cancelled"));
        QCOMPARE(created.recordedRounds(true).size(), 1);
        QCOMPARE(created.recordedRounds().size(), 2);

        // Resumed from the folder: variant 0 is not run again, 1 is continued, 2 is started.
        disconnect(&job, &workbench::RunJob::roundFinished, &comparisonJob, nullptr);
        started.clear();
        variantDone.clear();
        finished.clear();
        const workbench::Comparison reopened =
            workbench::Comparison::open(workbench::Session::open(created.session().path()));
        comparisonJob.start(reopened);
        QVERIFY(finished.wait(120000));
        QCOMPARE(finished.first().at(0).toString(), QStringLiteral("completed"));
        QCOMPARE(started.size(), 2);
        QCOMPARE(started.first().at(1).toString(), QStringLiteral("iterative"));
        for (const QList<QVariant>& done : variantDone)
            QVERIFY(done.at(2).value<workbench::RunSummary>().outcome == workbench::RunSummary::Outcome::Completed);
        for (const workbench::Comparison::Entry& e : reopened.entries())
            QVERIFY2(workbench::Comparison::isCompleted(e.path), qPrintable(e.path));
        const QList<QPair<QString, QList<workbench::RoundStats>>> overlays = reopened.recordedRounds(true);
        QCOMPARE(overlays.size(), 3);
        QCOMPARE(overlays[0].second.size(), 2); // dense + one-shot
        QCOMPARE(overlays[1].second.size(), 3); // dense + two iterative rounds, each once
        QCOMPARE(reopened.session().state().value(QStringLiteral("status")).toString(), QStringLiteral("completed"));
        QVERIFY(reopened.session()
                    .readFile(QStringLiteral("results/comparison.csv"))
                    .contains("random,one-shot,random,1,"));
        // Closed while running (the window goes away): the comparison is written as cancelled, not left "running".
        Recipe again = r;
        again.name = QStringLiteral("closed");
        const workbench::Comparison closed = workbench::Comparison::create(root.path(), again);
        {
            workbench::ComparisonJob closing(&job);
            closing.start(closed);
            QCOMPARE(closed.session().state().value(QStringLiteral("status")).toString(), QStringLiteral("running"));
        }
        QCOMPARE(closed.session().state().value(QStringLiteral("status")).toString(), QStringLiteral("cancelled"));

        // Nothing left: it finishes at once without starting a variant.
        started.clear();
        finished.clear();
        comparisonJob.start(reopened);
        QCOMPARE(finished.size(), 1);
        QCOMPARE(started.size(), 0);
    }
};

QTEST_GUILESS_MAIN(tst_Comparison)
#include "tst_comparison.moc"
