#include "core/engine/pruning/MethodCatalogue.h"
#include "core/workbench/Recipe.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTemporaryDir>
#include <QTest>

using prunelab::workbench::Recipe;
using prunelab::workbench::RecipeError;

namespace {

QJsonObject parse(const char* json)
{
    return QJsonDocument::fromJson(json).object();
}

} // namespace

class tst_Recipe : public QObject {
    Q_OBJECT

private slots:
    void readsTheContractExample()
    {
        // The example from ../shared/CLI.md, verbatim.
        const Recipe r = Recipe::fromJson(parse(R"({
          "schema": 1, "name": "lottery-ticket-lenet", "seed": 42, "device": "auto",
          "dataset": { "source": "fashion-mnist", "image_size": [28, 28], "color": "auto", "balance": "none",
                       "split": { "train": 0.9, "val": 0.1, "test": "given" }, "limit_per_class": 0 },
          "model": { "arch": "mlp", "hidden": [300, 100], "init": "xavier-normal" },
          "train": { "optimizer": "adam", "lr": 0.0012, "weight_decay": 0.0, "batch_size": 60, "epochs": 5 },
          "prune": { "method": "layer-magnitude", "schedule": "lottery", "rounds": 20, "rate": 0.2,
                     "output_rate": 0.1, "rewind": "init", "fine_tune_epochs": 5 } })"));
        QCOMPARE(r.name, QStringLiteral("lottery-ticket-lenet"));
        QCOMPARE(r.dataset.source, QStringLiteral("fashion-mnist"));
        QCOMPARE(r.dataset.imageWidth, 28);
        QVERIFY(r.dataset.testGiven);
        QCOMPARE(r.model.hidden, QList<int>({300, 100}));
        QCOMPARE(r.train.batchSize, 60);
        QCOMPARE(r.train.lr, 0.0012);
        QCOMPARE(r.prune.rounds, 20);
        QCOMPARE(r.prune.outputRate, 0.1);
    }

    void roundTripsThroughJson()
    {
        Recipe r;
        r.name = "x";
        r.model.hidden = {7, 5};
        r.prune.schedule = "iterative";
        r.dataset.testGiven = false;
        r.dataset.testFraction = 0.2;
        r.dataset.balance = "oversample";
        r.dataset.splitFile = "/tmp/split.json";
        r.dataset.niftiAxis = 1;
        r.dataset.niftiSlices = {10, 20};
        r.dataset.augmentFlip = true;
        r.dataset.augmentRotate = 10;
        const Recipe back = Recipe::fromJson(r.toJson());
        QCOMPARE(back.toJson(), r.toJson());
        QCOMPARE(back.dataset.balance, QStringLiteral("oversample"));
        QCOMPARE(back.dataset.niftiSlices, QList<int>({10, 20}));
        QCOMPARE(back.dataset.augmentRotate, 10.0);
        QCOMPARE(back.model.hidden, QList<int>({7, 5}));
        QCOMPARE(back.dataset.testFraction, 0.2);
    }

    void refusesWithTheKeyPath_data()
    {
        QTest::addColumn<QString>("json");
        QTest::addColumn<QString>("path");
        QTest::addColumn<QString>("message");
        QTest::newRow("negative lr") << R"({"train": {"lr": -1}})"
                                     << "train.lr"
                                     << "train.lr must be > 0 and <= 10, got -1";
        QTest::newRow("lr as text") << R"({"train": {"lr": "fast"}})"
                                    << "train.lr"
                                    << "must be a number, got \"fast\"";
        QTest::newRow("unknown key") << R"({"train": {"epoch": 3}})"
                                     << "train.epoch"
                                     << "train.epoch is not a known key";
        QTest::newRow("unknown top key") << R"({"trian": {}})"
                                         << "trian"
                                         << "not a known key";
        QTest::newRow("unknown method") << R"({"prune": {"method": "magic"}})"
                                        << "prune.method"
                                        << "must be one of threshold, global-magnitude";
        QTest::newRow("geometric needs neurons")
            << R"({"prune": {"method": "global-magnitude", "schedule": "geometric"}})"
            << "prune.schedule"
            << "needs prune.method neuron-l1";
        QTest::newRow("q of 1") << R"({"prune": {"method": "neuron-l1", "schedule": "geometric", "q": 1}})"
                                << "prune.q"
                                << "<= 0.999";
        QTest::newRow("adjoint of what") << R"({"prune": {"adjoint": "weights"}})"
                                         << "prune.adjoint"
                                         << "logits, loss";
        QTest::newRow("fractional epochs") << R"({"train": {"epochs": 2.5}})"
                                           << "train.epochs"
                                           << "whole number";
        QTest::newRow("huge batch") << R"({"train": {"batch_size": 1e12}})"
                                    << "train.batch_size"
                                    << "from 1 to 65536";
        QTest::newRow("resnet depth 19") << R"({"model": {"arch": "resnet", "depth": 19}})"
                                         << "model.depth"
                                         << "expected 18 or 34 (ImageNet-style) or 6n+2";
        QTest::newRow("densenet growth 0") << R"({"model": {"arch": "densenet", "growth": 0}})"
                                           << "model.growth"
                                           << "from 1 to 256";
        QTest::newRow("densenet blocks on tiny images")
            << R"({"dataset": {"image_size": [8, 8]}, "model": {"arch": "densenet", "blocks": [1, 1, 1, 1, 1]}})"
            << "model.blocks"
            << "too small for 5 DenseNet blocks";
        QTest::newRow("densenet compression 0") << R"({"model": {"arch": "densenet", "compression": 0}})"
                                                << "model.compression"
                                                << "must be > 0";
        QTest::newRow("round_to 0") << R"({"prune": {"round_to": 0}})"
                                    << "prune.round_to"
                                    << "from 1 to 1024";
        QTest::newRow("bad hidden item") << R"({"model": {"hidden": [300, -1]}})"
                                         << "model.hidden[1]"
                                         << "must be a number from 1";
        QTest::newRow("split not 1") << R"({"dataset": {"split": {"train": 0.5, "val": 0.1}}})"
                                     << "dataset.split.train"
                                     << "add up to 1";
        QTest::newRow("bad test split") << R"({"dataset": {"split": {"test": "later"}}})"
                                        << "dataset.split.test"
                                        << "\"given\" or a fraction";
        QTest::newRow("unknown balance") << R"({"dataset": {"balance": "smote"}})"
                                         << "dataset.balance"
                                         << "must be one of none, oversample";
        QTest::newRow("rotation too large") << R"({"dataset": {"augment": {"rotate": 90}}})"
                                            << "dataset.augment.rotate"
                                            << "<= 45";
        QTest::newRow("nifti axis") << R"({"dataset": {"nifti": {"axis": 3}}})"
                                    << "dataset.nifti.axis"
                                    << "from 0 to 2";
        QTest::newRow("nifti window order") << R"({"dataset": {"nifti": {"window": [99, 1]}}})"
                                            << "dataset.nifti.window"
                                            << "low < high";
        QTest::newRow("rewind after training") << R"({"train": {"epochs": 3}, "prune": {"rewind": "epoch:5"}})"
                                               << "prune.rewind"
                                               << "after train.epochs";
        QTest::newRow("rewind garbage") << R"({"prune": {"rewind": "start"}})"
                                        << "prune.rewind"
                                        << "init, none or epoch:K";
        QTest::newRow("schema from the future") << R"({"schema": 2})"
                                                << "schema"
                                                << "reads schema 1";
        QTest::newRow("model not an object") << R"({"model": [1]})"
                                             << "model"
                                             << "must be an object";
        QTest::newRow("sparsity 1") << R"({"prune": {"sparsity": 1}})"
                                    << "prune.sparsity"
                                    << "<= 0.999";
        QTest::newRow("bad device") << R"({"device": "tpu"})"
                                    << "device"
                                    << "auto, cpu, cuda";
        QTest::newRow("n:m with a sweep") << R"({"prune": {"method": "nm-magnitude", "schedule": "sweep"}})"
                                          << "prune.schedule"
                                          << "needs prune.schedule none, one-shot, lottery";
        QTest::newRow("n:m keeps all") << R"({"prune": {"method": "nm-magnitude", "nm": [4, 4]}})"
                                       << "prune.nm"
                                       << "n < m";
        QTest::newRow("n:m of three") << R"({"prune": {"nm": [1, 2, 4]}})"
                                      << "prune.nm"
                                      << "2";
        QTest::newRow("synflow without iterations") << R"({"prune": {"method": "synflow", "synflow_iterations": [0]}})"
                                                    << "prune.synflow_iterations[0]"
                                                    << "from 1 to 10000, got 0";
        QTest::newRow("synflow negative iterations")
            << R"({"prune": {"method": "synflow", "synflow_iterations": [-5]}})"
            << "prune.synflow_iterations[0]"
            << "got -5";
        QTest::newRow("synflow iterations in halves")
            << R"({"prune": {"method": "synflow", "synflow_iterations": [2.5]}})"
            << "prune.synflow_iterations"
            << "whole numbers";
        QTest::newRow("n:m at init") << R"({"prune": {"method": "nm-magnitude", "schedule": "at-init"}})"
                                     << "prune.schedule"
                                     << "got \"at-init\"";
        QTest::newRow("gradual starts at its end")
            << R"({"prune": {"schedule": "gradual", "start_epoch": 3, "end_epoch": 3}})"
            << "prune.start_epoch"
            << "before prune.end_epoch (3)";
        QTest::newRow("gradual ends after training")
            << R"({"train": {"epochs": 4}, "prune": {"schedule": "gradual", "end_epoch": 5}})"
            << "prune.end_epoch"
            << "at most train.epochs (4)";
        QTest::newRow("gradual frequency 0") << R"({"prune": {"schedule": "gradual", "frequency": 0}})"
                                             << "prune.frequency"
                                             << "whole number from 1";
        QTest::newRow("gradual starts above its target")
            << R"({"prune": {"schedule": "gradual", "sparsity": 0.5, "initial_sparsity": 0.6}})"
            << "prune.initial_sparsity"
            << "at most prune.sparsity";
        QTest::newRow("gradual by threshold") << R"({"prune": {"schedule": "gradual", "method": "threshold"}})"
                                              << "prune.method"
                                              << "aims at a sparsity";
        QTest::newRow("sensitivity sparsity 1") << R"({"prune": {"schedule": "sensitivity", "sparsities": [0.5, 1]}})"
                                                << "prune.sparsities[1]"
                                                << "from 0 to 0.999";
        QTest::newRow("negative max drop") << R"({"prune": {"schedule": "sensitivity", "max_drop": -1}})"
                                           << "prune.max_drop"
                                           << ">= 0";
    }

    // Every name the engine's catalogue lists is a recipe the parser accepts, written back unchanged.
    void acceptsEveryCatalogueName()
    {
        for (const prunelab::engine::MethodInfo& m : prunelab::engine::methods()) {
            const QString schedule = m.structured ? QStringLiteral("geometric") : QStringLiteral("one-shot");
            const Recipe r = Recipe::fromJson(
                QJsonDocument::fromJson(QStringLiteral(R"({"prune": {"method": "%1", "schedule": "%2"}})")
                                            .arg(QLatin1String(m.name), schedule)
                                            .toUtf8())
                    .object());
            QCOMPARE(r.toJson().value("prune").toObject().value("method").toString(), QLatin1String(m.name));
        }
        for (const prunelab::engine::ScheduleInfo& s : prunelab::engine::schedules()) {
            const QString method = s.structuredOnly ? QStringLiteral("neuron-l1") : QStringLiteral("global-magnitude");
            const Recipe r = Recipe::fromJson(
                QJsonDocument::fromJson(QStringLiteral(R"({"prune": {"method": "%1", "schedule": "%2"}})")
                                            .arg(method, QLatin1String(s.name))
                                            .toUtf8())
                    .object());
            QCOMPARE(r.prune.schedule, QLatin1String(s.name));
        }
        const Recipe nm = Recipe::fromJson(
            QJsonDocument::fromJson(R"({"prune": {"method": "nm-magnitude", "nm": [1, 4]}})").object());
        QCOMPARE(nm.prune.parameters.at("nm"), (std::vector<double>{1, 4}));
        QCOMPARE(Recipe::fromJson(nm.toJson()).prune.parameters.at("nm"), (std::vector<double>{1, 4}));
        QCOMPARE(nm.toJson().value("prune").toObject().value("nm").toArray().size(), 2);
        const Recipe synflow = Recipe::fromJson(
            QJsonDocument::fromJson(
                R"({"prune": {"method": "synflow", "schedule": "at-init", "synflow_iterations": [30], "control": "random-mask"}})")
                .object());
        QCOMPARE(synflow.prune.parameters.at("synflow_iterations"), (std::vector<double>{30}));
        QCOMPARE(Recipe::fromJson(synflow.toJson()).prune.parameters.at("synflow_iterations"),
                 (std::vector<double>{30}));
        QCOMPARE(Recipe::fromJson(synflow.toJson()).prune.control, QStringLiteral("random-mask"));
    }

    void acceptsStructuredMethods_data()
    {
        QTest::addColumn<QString>("method");
        QTest::newRow("neuron-l1") << "neuron-l1";
        QTest::newRow("neuron-taylor") << "neuron-taylor";
        QTest::newRow("interval-adjoint") << "interval-adjoint";
    }

    void acceptsStructuredMethods()
    {
        QFETCH(QString, method);
        const QString json = QStringLiteral(R"({"prune": {"method": "%1", "schedule": "geometric", "q": 0.8,
            "rounds": 30, "calibration_images": 100, "adjoint": "loss"}})")
                                 .arg(method);
        const Recipe r = Recipe::fromJson(parse(json.toUtf8().constData()));
        QCOMPARE(r.prune.method, method);
        QCOMPARE(r.prune.schedule, QStringLiteral("geometric"));
        QCOMPARE(r.prune.q, 0.8);
        const Recipe back = Recipe::fromJson(r.toJson());
        QCOMPARE(back.prune.q, 0.8);
        QCOMPARE(back.prune.calibrationImages, 100);
        QCOMPARE(back.prune.adjoint, QStringLiteral("loss"));
    }

    // The gradual and sensitivity keys are read and written back, so a stored recipe says what ran.
    void gradualAndSensitivityKeysRoundTrip()
    {
        const Recipe r = Recipe::fromJson(parse(R"({"train": {"epochs": 8}, "prune": {"schedule": "gradual",
            "start_epoch": 2, "end_epoch": 6, "frequency": 25, "initial_sparsity": 0.05, "sparsity": 0.9,
            "max_drop": 2.5}})"));
        const Recipe back = Recipe::fromJson(r.toJson());
        QCOMPARE(back.prune.startEpoch, 2);
        QCOMPARE(back.prune.endEpoch, 6);
        QCOMPARE(back.prune.frequency, 25);
        QCOMPARE(back.prune.initialSparsity, 0.05);
        QCOMPARE(back.prune.maxDrop, 2.5);
    }

    // ResNet's and DenseNet's keys are read and written back, whatever the arch, so a form can switch between them.
    void graphModelKeysRoundTrip()
    {
        const Recipe r = Recipe::fromJson(parse(R"({"model": {"arch": "densenet", "growth": 8, "blocks": [3, 4],
            "compression": 0.25, "depth": 56, "width": 0.5}})"));
        const Recipe back = Recipe::fromJson(r.toJson());
        QCOMPARE(back.model.arch, QStringLiteral("densenet"));
        QCOMPARE(back.model.growth, 8);
        QCOMPARE(back.model.blocks, QList<int>({3, 4}));
        QCOMPARE(back.model.compression, 0.25);
        QCOMPARE(back.model.depth, 56);
        QCOMPARE(back.toJson(), r.toJson());
        QCOMPARE(Recipe::fromJson(parse(R"({"prune": {"round_to": 8}})")).toJson()["prune"].toObject()["round_to"],
                 QJsonValue(8));
    }

    void structuredPresetIsSeed001()
    {
        const Recipe r = Recipe::fromJson(Recipe::presetJson(QStringLiteral("interval-adjoint-structured")));
        QCOMPARE(r.dataset.source, QStringLiteral("fashion-mnist"));
        QCOMPARE(r.model.hidden, QList<int>({256, 64}));
        QCOMPARE(r.prune.method, QStringLiteral("interval-adjoint"));
        QCOMPARE(r.prune.schedule, QStringLiteral("geometric"));
        QCOMPARE(r.prune.rounds, 30); // t = 1…30 as in the interval-adjoint workflow's retain.txt
    }

    void refusesWithTheKeyPath()
    {
        QFETCH(QString, json);
        QFETCH(QString, path);
        QFETCH(QString, message);
        try {
            Recipe::fromJson(QJsonDocument::fromJson(json.toUtf8()).object());
            QFAIL("a bad recipe was accepted");
        } catch (const RecipeError& e) {
            QCOMPARE(e.keyPath(), path);
            QVERIFY2(QString::fromUtf8(e.what()).contains(message), e.what());
        }
    }

    void overridesByDottedPath()
    {
        QJsonObject json = parse(R"({"train": {"epochs": 5}})");
        Recipe::applyOverride(json, "train.epochs=1");
        Recipe::applyOverride(json, "prune.rounds=2");
        Recipe::applyOverride(json, "model.hidden=[10,20]");
        Recipe::applyOverride(json, "dataset.source=/data/my set");
        const Recipe r = Recipe::fromJson(json);
        QCOMPARE(r.train.epochs, 1);
        QCOMPARE(r.prune.rounds, 2);
        QCOMPARE(r.model.hidden, QList<int>({10, 20}));
        QCOMPARE(r.dataset.source, QStringLiteral("/data/my set"));
        QVERIFY_THROWS_EXCEPTION(RecipeError, Recipe::applyOverride(json, "train.epochs"));
        QVERIFY_THROWS_EXCEPTION(RecipeError, Recipe::applyOverride(json, "train.epochs.x=1"));
        QVERIFY_THROWS_EXCEPTION(RecipeError, Recipe::applyOverride(json, "train..x=1"));
    }

    void everyPresetParses_data()
    {
        QTest::addColumn<QString>("name");
        for (const QString& name : Recipe::presetNames())
            QTest::newRow(qPrintable(name)) << name;
    }

    void everyPresetParses()
    {
        QFETCH(QString, name);
        const Recipe r = Recipe::fromJson(Recipe::presetJson(name));
        QCOMPARE(r.name, name);
    }

    void loadsFilesAndRefusesBadOnes()
    {
        QTemporaryDir dir;
        const QString good = dir.filePath("good.json");
        {
            QFile f(good);
            f.open(QIODevice::WriteOnly);
            f.write(R"({"name": "mine"})");
        }
        QCOMPARE(Recipe::fromJson(Recipe::loadJson(good)).name, QStringLiteral("mine"));
        const QString broken = dir.filePath("broken.json");
        {
            QFile f(broken);
            f.open(QIODevice::WriteOnly);
            f.write(R"({"name": )");
        }
        try {
            Recipe::loadJson(broken);
            QFAIL("broken JSON accepted");
        } catch (const RecipeError& e) {
            QVERIFY2(QString::fromUtf8(e.what()).contains("broken.json: not valid JSON"), e.what());
        }
        QVERIFY_THROWS_EXCEPTION(RecipeError, Recipe::loadJson(dir.filePath("missing.json")));
    }
};

QTEST_GUILESS_MAIN(tst_Recipe)
#include "tst_recipe.moc"
