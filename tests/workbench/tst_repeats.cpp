// Repeated runs: the recipe's repeats and seeds, the aggregate over the seeds (mean, std, min, max) and a repeated
// run that reproduces, differs between seeds and resumes after it was stopped half-way.
#include "core/workbench/Comparison.h"
#include "core/workbench/ComparisonJob.h"
#include "core/workbench/Recipe.h"
#include "core/workbench/RepeatStats.h"
#include "core/workbench/RunJob.h"
#include "datasets/DemoMriGenerator.h"

#include <QDirIterator>
#include <QJsonArray>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <cmath>

using namespace prunelab;
using workbench::Recipe;
using workbench::RecipeError;

namespace {

workbench::RoundStats roundOf(int k, double sparsity, double val, double test = -1.0)
{
    workbench::RoundStats r;
    r.round = k;
    r.sparsity = sparsity;
    r.validationAccuracy = val;
    r.hasTest = test >= 0.0;
    r.testAccuracy = test;
    return r;
}

void copyTree(const QString& from, const QString& to)
{
    QDir().mkpath(to);
    QDirIterator it(from, QDir::Files | QDir::Dirs | QDir::NoDotAndDotDot, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString path = it.next();
        const QString target = to + QLatin1Char('/') + QDir(from).relativeFilePath(path);
        if (it.fileInfo().isDir())
            QDir().mkpath(target);
        else if (QDir().mkpath(QFileInfo(target).absolutePath()))
            QFile::copy(path, target);
    }
}

Recipe tinyRecipe()
{
    Recipe r;
    r.name = QStringLiteral("rep");
    r.model.hidden = {16};
    r.train.epochs = 1;
    r.prune.method = QStringLiteral("global-magnitude");
    r.prune.schedule = QStringLiteral("one-shot");
    r.prune.sparsity = 0.5;
    r.prune.fineTuneEpochs = 1;
    r.dataset.testGiven = false;
    r.dataset.testFraction = 0.2;
    r.device = QStringLiteral("cpu");
    r.repeats = 2;
    r.seeds = {7, 8};
    return r;
}

} // namespace

class tst_Repeats : public QObject {
    Q_OBJECT

private slots:
    void aggregatesRoundsOverSeeds()
    {
        // Three seeds; the third stopped after the dense round.
        const QList<QList<workbench::RoundStats>> runs{{roundOf(0, 0.0, 0.80, 0.70), roundOf(1, 0.50, 0.60, 0.50)},
                                                       {roundOf(0, 0.0, 0.90, 0.80), roundOf(1, 0.52, 0.70, 0.60)},
                                                       {roundOf(0, 0.0, 0.70, 0.90)}};
        const QList<workbench::RepeatRound> rounds = workbench::RepeatStats::aggregate(runs);
        QCOMPARE(rounds.size(), 2);
        QCOMPARE(rounds[0].round, 0);
        QCOMPARE(rounds[0].validation.n, 3);
        QVERIFY(std::abs(rounds[0].validation.mean - 0.80) < 1e-12);
        QVERIFY(std::abs(rounds[0].validation.std - 0.10) < 1e-12); // sample std: sqrt((0.01 + 0 + 0.01) / 2)
        QCOMPARE(rounds[0].validation.min, 0.70);
        QCOMPARE(rounds[0].validation.max, 0.90);
        QVERIFY(std::abs(rounds[0].test.mean - 0.80) < 1e-12);
        QCOMPARE(rounds[1].round, 1);
        QCOMPARE(rounds[1].validation.n, 2);
        QVERIFY(std::abs(rounds[1].validation.mean - 0.65) < 1e-12);
        QVERIFY(std::abs(rounds[1].validation.std - std::sqrt(0.005)) < 1e-12);
        QVERIFY(std::abs(rounds[1].sparsity.mean - 0.51) < 1e-12);
        QCOMPARE(rounds[1].test.min, 0.50);
        QCOMPARE(rounds[1].test.max, 0.60);
        QCOMPARE(rounds[1].validation.text(), QStringLiteral("65.00 ± 7.07 (60.00–70.00), n=2"));
        QCOMPARE(workbench::Spread::of({0.5}).std, 0.0);
        QCOMPARE(workbench::Spread().text(), QStringLiteral("-"));

        // Without a test split the test columns stay empty.
        const QByteArray csv = workbench::RepeatStats::csv(
            {{QStringLiteral("v"),
              workbench::RepeatStats::aggregate({{roundOf(0, 0.0, 0.5)}, {roundOf(0, 0.0, 0.7)}})}});
        const QList<QByteArray> lines = csv.trimmed().split('\n');
        QCOMPARE(lines.size(), 2);
        QVERIFY(lines[0].startsWith("variant,round,n,sparsity_mean"));
        const QList<QByteArray> cells = lines[1].split(',');
        QCOMPARE(cells.size(), lines[0].split(',').size());
        QCOMPARE(cells[0], QByteArray("v"));
        QCOMPARE(cells[2], QByteArray("2"));
        QCOMPARE(cells[7].toDouble(), 0.6);
        QCOMPARE(cells[11], QByteArray("0"));
        QVERIFY(cells[12].isEmpty());
    }

    void readsRepeatsAndSeeds()
    {
        QJsonObject json = Recipe().toJson();
        QVERIFY(!json.contains(QStringLiteral("repeats"))); // a single run's recipe stays as it was
        json.insert(QStringLiteral("seed"), 10);
        json.insert(QStringLiteral("repeats"), 3);
        Recipe r = Recipe::fromJson(json);
        QCOMPARE(r.repeatSeeds(), (QList<quint64>{10, 11, 12}));
        QVERIFY(r.runsAsComparison());
        QCOMPARE(Recipe::fromJson(r.toJson()).repeats, 3);
        json.remove(QStringLiteral("repeats"));
        json.insert(QStringLiteral("seeds"), QJsonArray{5, 99});
        r = Recipe::fromJson(json);
        QCOMPARE(r.repeats, 2);
        QCOMPARE(r.repeatSeeds(), (QList<quint64>{5, 99}));
        QCOMPARE(Recipe::fromJson(r.toJson()).seeds, r.seeds);
        const Recipe one = r.withSeed(99);
        QCOMPARE(one.seed, quint64(99));
        QVERIFY(!one.runsAsComparison());
        QCOMPARE(one.name, QStringLiteral("experiment-seed-99"));
        QCOMPARE(Recipe().repeatSeeds(), (QList<quint64>{42}));
    }

    void refusesBadRepeatsNamingTheKey_data()
    {
        QTest::addColumn<QString>("key");
        QTest::addColumn<QJsonValue>("value");
        QTest::addColumn<QString>("expectedKey");
        QTest::newRow("zero repeats") << "repeats" << QJsonValue(0) << "repeats";
        QTest::newRow("fraction") << "repeats" << QJsonValue(2.5) << "repeats";
        QTest::newRow("text") << "repeats" << QJsonValue("three") << "repeats";
        QTest::newRow("seed twice") << "seeds" << QJsonValue(QJsonArray{3, 3}) << "seeds";
        QTest::newRow("one seed") << "seeds" << QJsonValue(QJsonArray{3}) << "seeds";
        QTest::newRow("negative seed") << "seeds" << QJsonValue(QJsonArray{3, -1}) << "seeds[1]";
        QTest::newRow("fraction seed") << "seeds" << QJsonValue(QJsonArray{3, 4.5}) << "seeds[1]";
    }

    void refusesBadRepeatsNamingTheKey()
    {
        QFETCH(QString, key);
        QFETCH(QJsonValue, value);
        QFETCH(QString, expectedKey);
        QJsonObject json = Recipe().toJson();
        json.insert(key, value);
        try {
            Recipe::fromJson(json);
            QFAIL("accepted");
        } catch (const RecipeError& e) {
            QCOMPARE(e.keyPath(), expectedKey);
            QVERIFY2(QString::fromStdString(e.what()).contains(expectedKey), e.what());
        }
        // repeats and a seed list of another length
        json = Recipe().toJson();
        json.insert(QStringLiteral("repeats"), 3);
        json.insert(QStringLiteral("seeds"), QJsonArray{1, 2});
        QVERIFY_THROWS_EXCEPTION(RecipeError, Recipe::fromJson(json));
    }

    void comparisonRunsEveryVariantWithEverySeed()
    {
        QTemporaryDir root;
        Recipe r = tinyRecipe();
        r.compare = {{QStringLiteral("magnitude"), QJsonObject{}},
                     {QStringLiteral("random"), QJsonObject{{"prune.method", "random"}}}};
        const workbench::Comparison c = workbench::Comparison::create(root.path(), r);
        QVERIFY(c.isRepeated());
        QStringList labels, groups;
        for (const workbench::Comparison::Entry& e : c.entries()) {
            labels << e.label;
            groups << e.group;
            QCOMPARE(e.recipe.seed, e.seed);
            QCOMPARE(e.recipe.repeats, 1);
            QVERIFY(e.path.endsWith(QStringLiteral("/variants/") + e.label));
        }
        QCOMPARE(labels, (QStringList{"magnitude/seed-7", "magnitude/seed-8", "random/seed-7", "random/seed-8"}));
        QCOMPARE(groups, (QStringList{"magnitude", "magnitude", "random", "random"}));
        QCOMPARE(c.entries()[3].recipe.prune.method, QStringLiteral("random"));
        const workbench::Comparison reopened = workbench::Comparison::open(c.session());
        QCOMPARE(reopened.entries().size(), 4);
        QCOMPARE(reopened.entries()[2].path, c.entries()[2].path);
        QCOMPARE(reopened.entries()[2].recipe.seed, quint64(7));
    }

    void repeatedRunReproducesDiffersBetweenSeedsAndResumes()
    {
        datasets::DemoOptions options;
        options.perClass = {20, 20, 20, 20};
        options.size = 24;
        const auto data = std::make_shared<datasets::ImageSet>(datasets::DemoMriGenerator().generate(options));
        const Recipe r = tinyRecipe();
        QTemporaryDir root;
        workbench::RunJob job;
        job.setDataset(data);
        workbench::ComparisonJob comparisonJob(&job);
        QSignalSpy finished(&comparisonJob, &workbench::ComparisonJob::finished);

        // A: the whole repeated run.
        const workbench::Comparison a = workbench::Comparison::create(root.path(), r, QStringLiteral("a"));
        QCOMPARE(a.entries().size(), 2);
        QVERIFY(a.entries()[0].path.endsWith(QStringLiteral("/variants/seed-7")));
        comparisonJob.start(a);
        QVERIFY(finished.wait(120000));
        QCOMPARE(finished.first().at(0).toString(), QStringLiteral("completed"));

        // B: the same seed list again, from scratch.
        finished.clear();
        const workbench::Comparison b = workbench::Comparison::create(root.path(), r, QStringLiteral("b"));
        comparisonJob.start(b);
        QVERIFY(finished.wait(120000));
        QCOMPARE(finished.first().at(0).toString(), QStringLiteral("completed"));

        // C: what a kill in the second seed's run leaves (A's folder with seed 8's state at round 0, round 1 half
        // written, the comparison still running), resumed from the folder: seed 7 is not run again.
        const QString killed = root.filePath(QStringLiteral("killed"));
        copyTree(a.session().path(), killed);
        workbench::Session::open(killed).writeState(
            {{"status", "running"}, {"variants", 2}, {"variants_completed", 1}});
        const workbench::Session seed8 = workbench::Session::open(killed + QStringLiteral("/variants/seed-8"));
        QJsonObject state = seed8.state();
        state.insert(QStringLiteral("status"), QStringLiteral("running"));
        state.insert(QStringLiteral("completed_round"), 0);
        seed8.writeState(state);
        QVERIFY(QFile::remove(seed8.filePath(QStringLiteral("rounds/1/validation.json"))));
        const workbench::Comparison resumed = workbench::Comparison::open(workbench::Session::open(killed));
        QVERIFY(!workbench::Comparison::isCompleted(resumed.entries()[1].path));
        QSignalSpy started(&comparisonJob, &workbench::ComparisonJob::variantStarted);
        QSignalSpy rounds(&job, &workbench::RunJob::roundFinished);
        finished.clear();
        comparisonJob.start(resumed);
        QVERIFY(finished.wait(120000));
        QCOMPARE(finished.first().at(0).toString(), QStringLiteral("completed"));
        QCOMPARE(started.size(), 1);
        QCOMPARE(started.first().at(1).toString(), QStringLiteral("seed-8"));
        QCOMPARE(rounds.size(), 1); // only round 1 of seed 8
        QVERIFY(resumed.session().exists(QStringLiteral("results/repeats.csv")));

        // Same seed list: the same rounds, seed by seed; another seed: other numbers.
        for (int i = 0; i < 2; ++i)
            for (const QString& file :
                 {QStringLiteral("rounds/0/validation.json"), QStringLiteral("rounds/1/validation.json")}) {
                const QJsonObject reference = workbench::Session::open(a.entries()[i].path).readJson(file);
                QVERIFY(!reference.isEmpty());
                QCOMPARE(workbench::Session::open(b.entries()[i].path).readJson(file), reference);
                QCOMPARE(workbench::Session::open(resumed.entries()[i].path).readJson(file), reference);
            }
        const QList<QPair<QString, QList<QList<workbench::RoundStats>>>> groups = a.recordedGroups(true);
        QCOMPARE(groups.size(), 1);
        QCOMPARE(groups[0].first, QStringLiteral("rep"));
        QCOMPARE(groups[0].second.size(), 2);
        QCOMPARE(groups[0].second[0].size(), 2); // dense + one-shot
        QVERIFY(groups[0].second[0][1].validationAccuracy != groups[0].second[1][1].validationAccuracy ||
                groups[0].second[0][0].validationAccuracy != groups[0].second[1][0].validationAccuracy);

        // results/repeats.csv holds the aggregate of the seeds' recorded rounds.
        const QList<workbench::RepeatRound> expected = workbench::RepeatStats::aggregate(groups[0].second);
        const QList<QByteArray> lines =
            a.session().readFile(QStringLiteral("results/repeats.csv")).trimmed().split('\n');
        QCOMPARE(lines.size(), 3);
        const QList<QByteArray> cells = lines[2].split(',');
        QCOMPARE(cells[0], QByteArray("rep"));
        QCOMPARE(cells[1], QByteArray("1"));
        QCOMPARE(cells[2], QByteArray("2"));
        QCOMPARE(cells[7].toDouble(), expected[1].validation.mean);
        QCOMPARE(cells[8].toDouble(), expected[1].validation.std);
        QCOMPARE(cells[12].toDouble(), expected[1].test.mean);
        QVERIFY(expected[1].validation.std > 0.0 || expected[1].test.std > 0.0);
        QVERIFY(a.session().readFile(QStringLiteral("results/comparison.html")).contains("n=2"));
        QVERIFY(a.repeatTable().contains(expected[1].validation.text()));
    }
};

QTEST_GUILESS_MAIN(tst_Repeats)
#include "tst_repeats.moc"
