// Hostile inputs (tests/robustness/HostileCorpus.h): every file is loaded, skipped with a listed reason naming it,
// or refused with a message naming it and the problem; nothing crashes or hangs, nothing is written outside the
// target folder (the folder around it is listed before and after), and the good files beside them still load.
// LibTorch before any Qt header: Qt's `slots` macro would rewrite torch's IValue::slots().
#include <torch/torch.h>

#include "tests/robustness/HostileCorpus.h"

#include "core/engine/models/Mlp.h"
#include "core/engine/pruning/MaskSet.h"
#include "core/workbench/ModelFiles.h"
#include "core/workbench/Recipe.h"
#include "core/workbench/Session.h"
#include "datasets/DatasetLoader.h"
#include "datasets/IdxReader.h"

#include <quazip/quazip.h>
#include <quazip/quazipfile.h>

#include <QDirIterator>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonDocument>
#include <QScopeGuard>
#include <QTemporaryDir>
#include <QTest>

#include <sys/stat.h>
#include <unistd.h>

using namespace prunelab;
using namespace prunelab::robustness;

namespace {

/// Every path under `root` with its size and modification time: what "nothing was written" is checked against.
QStringList snapshot(const QString& root)
{
    QStringList lines;
    QDirIterator it(root, QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden | QDir::System,
                    QDirIterator::Subdirectories);
    while (it.hasNext()) {
        it.next();
        const QFileInfo info = it.fileInfo();
        lines.append(QStringLiteral("%1 %2 %3")
                         .arg(QDir(root).relativeFilePath(info.filePath()))
                         .arg(info.isSymLink() ? -1 : info.size())
                         .arg(info.isSymLink() ? 0 : info.lastModified().toMSecsSinceEpoch()));
    }
    lines.sort();
    return lines;
}

QString describe(const datasets::LoadedDataset& data)
{
    QStringList lines{QStringLiteral("loaded:")};
    lines += data.images.files;
    lines.append(QStringLiteral("skipped:"));
    for (const datasets::SkippedFile& s : data.summary.skipped)
        lines.append(s.file + QStringLiteral(": ") + s.reason);
    return lines.join(QLatin1Char('\n'));
}

/// Checks every expectation against what the loader reported, and that it reported nothing else.
void checkOutcomes(const datasets::LoadedDataset& data, const QList<HostileFile>& expected)
{
    int loaded = 0;
    int skipped = 0;
    for (const HostileFile& f : expected) {
        if (f.outcome == Outcome::Loaded) {
            ++loaded;
            const bool found = std::any_of(data.images.files.begin(), data.images.files.end(),
                                           [&](const QString& file) { return file.contains(f.file); });
            if (!found)
                qInfo().noquote() << describe(data); // QVERIFY2 cuts long messages
            QVERIFY2(found, qPrintable(f.file + QStringLiteral(" was not loaded")));
        } else {
            ++skipped;
            const bool found = std::any_of(
                data.summary.skipped.begin(), data.summary.skipped.end(), [&](const datasets::SkippedFile& s) {
                    return s.file.contains(f.file) && !s.reason.isEmpty() && s.reason.contains(f.reason);
                });
            if (!found)
                qInfo().noquote() << describe(data);
            QVERIFY2(found,
                     qPrintable(f.file + QStringLiteral(" was not skipped with '") + f.reason + QLatin1Char('\'')));
        }
    }
    QVERIFY2(data.images.count() == loaded, qPrintable(describe(data)));
    QVERIFY2(data.summary.skipped.size() == skipped, qPrintable(describe(data)));
}

/// Runs `f`, which must throw std::exception whose message contains every part.
template <typename F> QString refusal(F f)
{
    try {
        f();
    } catch (const std::exception& e) {
        return QString::fromUtf8(e.what());
    }
    return QStringLiteral("<accepted>");
}

std::shared_ptr<engine::MlpImpl> mlp(std::vector<int64_t> hidden, int64_t input = 64)
{
    engine::MlpOptions options;
    options.inputSize = input;
    options.hidden = std::move(hidden);
    options.classCount = 4;
    return std::make_shared<engine::MlpImpl>(options);
}

/// Loads `source` as the hostile folder and zip tests do (16×16, two decoding threads); `ms`: how long it took.
datasets::LoadedDataset loadSmall(const QString& source, qint64* ms)
{
    datasets::LoadOptions options;
    options.width = options.height = 16;
    options.threads = 2;
    QElapsedTimer timer;
    timer.start();
    datasets::LoadedDataset data = datasets::DatasetLoader(options).load(source);
    *ms = timer.elapsed();
    return data;
}

} // namespace

class tst_HostileInputs : public QObject {
    Q_OBJECT

private slots:
    void imageFolder()
    {
        QTemporaryDir outer;
        const QString root = outer.filePath(QStringLiteral("data"));
        const QList<HostileFile> expected = corpus::writeImageFolder(root);
        const QStringList before = snapshot(outer.path());
        qint64 ms = 0;
        const datasets::LoadedDataset data = loadSmall(root, &ms);
        QVERIFY2(ms < 20000, "loading the hostile folder took more than 20 s");
        checkOutcomes(data, expected);
        QCOMPARE(data.images.classNames, QStringList({"cats", "dogs"}));
        for (const datasets::SkippedFile& s : data.summary.skipped)
            QVERIFY2(QFileInfo(s.file).isAbsolute(), qPrintable(s.file)); // a person can find the file
        QCOMPARE(snapshot(outer.path()), before);
        corpus::removeTree(root);
    }

    void unreadableFile()
    {
        QTemporaryDir dir;
        corpus::writeImageFolder(dir.path()); // the good files beside it
        const QString secret = dir.filePath(QStringLiteral("cats/secret.png"));
        QFile f(secret);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(corpus::grayPng(3));
        f.close();
        QVERIFY(::chmod(QFile::encodeName(secret).constData(), 0) == 0);
        const auto cleanup = qScopeGuard([&] { corpus::removeTree(dir.path()); });
        if (::geteuid() == 0 || QFile(secret).open(QIODevice::ReadOnly))
            QSKIP("running as root: chmod 000 does not stop reading, so the unreadable case cannot be made here");
        datasets::LoadOptions options;
        options.width = options.height = 16;
        const datasets::LoadedDataset data = datasets::DatasetLoader(options).load(dir.path());
        const bool listed = std::any_of(data.summary.skipped.begin(), data.summary.skipped.end(), [&](const auto& s) {
            return s.file.endsWith(QStringLiteral("secret.png")) && s.reason.contains(QStringLiteral("cannot be read"));
        });
        QVERIFY2(listed, qPrintable(describe(data)));
        QVERIFY(data.images.count() >= 8);
    }

    void zipArchive()
    {
        QTemporaryDir outer;
        QDir(outer.path()).mkpath(QStringLiteral("a/b"));
        const QString zipPath = outer.filePath(QStringLiteral("a/b/hostile.zip"));
        const QList<HostileFile> expected = corpus::writeZip(zipPath);
        QVERIFY2(QFileInfo(zipPath).size() < (8 << 20), "the corpus zip should stay small");
        const QStringList before = snapshot(outer.path());
        qint64 ms = 0;
        const datasets::LoadedDataset data = loadSmall(zipPath, &ms);
        QVERIFY2(ms < 20000, "loading the hostile zip took more than 20 s");
        checkOutcomes(data, expected);
        QCOMPARE(data.images.classNames, QStringList({"cats", "dogs"}));
        for (const datasets::SkippedFile& s : data.summary.skipped)
            QVERIFY2(s.file.startsWith(QStringLiteral("hostile.zip:")), qPrintable(s.file));
        QCOMPARE(snapshot(outer.path()), before);
        QVERIFY(!QFile::exists(QStringLiteral("/etc/cron.d/absolute.png")));
    }

    void idxFiles_data()
    {
        QTest::addColumn<QByteArray>("images");
        QTest::addColumn<QByteArray>("labels");
        QTest::addColumn<QString>("reason");
        for (const HostileBytes& h : corpus::hostileIdx())
            QTest::newRow(qPrintable(h.name)) << h.bytes << h.second << h.reason;
    }
    void idxFiles()
    {
        QFETCH(QByteArray, images);
        QFETCH(QByteArray, labels);
        QFETCH(QString, reason);
        QTemporaryDir dir;
        const auto write = [&](const QString& name, const QByteArray& bytes) {
            QFile f(dir.filePath(name));
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write(bytes);
        };
        write(QStringLiteral("train-images-idx3-ubyte"), images);
        write(QStringLiteral("train-labels-idx1-ubyte"), labels);
        const datasets::IdxDataset good = [&] {
            const HostileBytes g = corpus::goodIdx();
            write(QStringLiteral("t10k-images-idx3-ubyte"), g.bytes);
            write(QStringLiteral("t10k-labels-idx1-ubyte"), g.second);
            return datasets::IdxDataset{
                datasets::IdxReader::readPair(dir.filePath(QStringLiteral("t10k-images-idx3-ubyte")),
                                              dir.filePath(QStringLiteral("t10k-labels-idx1-ubyte"))),
                {}};
        }();
        QCOMPARE(good.train.count(), 2); // the good pair beside it loads
        const QStringList before = snapshot(dir.path());
        QElapsedTimer timer;
        timer.start();
        const QString message = refusal([&] { datasets::DatasetLoader().load(dir.path()); });
        QVERIFY2(timer.elapsed() < 10000, "refusing took more than 10 s");
        QVERIFY2(message.contains(reason), qPrintable(message));
        QVERIFY2(message.contains(QStringLiteral("-idx")) && message.contains(dir.path()), qPrintable(message));
        QCOMPARE(snapshot(dir.path()), before);
    }

    void recipes_data()
    {
        QTest::addColumn<QByteArray>("json");
        QTest::addColumn<QString>("reason");
        for (const HostileBytes& h : corpus::hostileRecipes())
            QTest::newRow(qPrintable(h.name)) << h.bytes << h.reason;
    }
    void recipes()
    {
        QFETCH(QByteArray, json);
        QFETCH(QString, reason);
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("recipe.json"));
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(json);
        f.close();
        const QString message = refusal([&] { workbench::Recipe::fromJson(workbench::Recipe::loadJson(path)); });
        QVERIFY2(message.contains(reason), qPrintable(message));
        // The good recipe parses, and what it writes back parses to the same recipe.
        QFile good(path);
        QVERIFY(good.open(QIODevice::WriteOnly));
        good.write(corpus::goodRecipe());
        good.close();
        const workbench::Recipe recipe = workbench::Recipe::fromJson(workbench::Recipe::loadJson(path));
        QCOMPARE(workbench::Recipe::fromJson(recipe.toJson()).toJson(), recipe.toJson());
    }

    void modelFiles_data()
    {
        QTest::addColumn<QString>("kind");
        QTest::addColumn<QString>("reason");
        QTest::newRow("truncated model") << "truncated-model"
                                         << "cannot read";
        QTest::newRow("empty model") << "empty-model"
                                     << "cannot read";
        QTest::newRow("text model") << "text-model"
                                    << "cannot read";
        QTest::newRow("wider layer") << "wider"
                                     << "'layers.0.weight' has shape [32, 64], this model's is [16, 64]";
        QTest::newRow("extra layer") << "deeper"
                                     << "has no tensor";
        QTest::newRow("fewer layers") << "shallower"
                                      << "does not have";
        QTest::newRow("truncated masks") << "truncated-masks"
                                         << "cannot read";
        QTest::newRow("masks of another model") << "wider-masks"
                                                << "'layers.0.weight' has shape [32, 64], this model's is [16, 64]";
        QTest::newRow("masks for unknown names") << "unknown-masks"
                                                 << "'conv9.weight', which this model does not have";
        QTest::newRow("masks that are not 0/1") << "half-masks"
                                                << "not 0/1";
        QTest::newRow("pickle calling os.system") << "pickle-code"
                                                  << "cannot read";
    }
    void modelFiles()
    {
        QFETCH(QString, kind);
        QFETCH(QString, reason);
        torch::manual_seed(1);
        auto model = mlp({16, 8});
        const QByteArray good = workbench::ModelFiles::stateDict(*model);
        engine::MaskSet goodMasks;
        for (const auto& p : model->named_parameters())
            if (p.value().dim() == 2)
                goodMasks.set(p.key(), torch::ones_like(p.value()));
        const QByteArray masks = workbench::ModelFiles::masks(goodMasks);
        const QString file = QStringLiteral("/sessions/s/rounds/1/") + kind + QStringLiteral(".pt");

        QByteArray bytes;
        bool isMasks = kind.contains(QStringLiteral("masks"));
        if (kind == QLatin1String("truncated-model"))
            bytes = good.left(good.size() / 2);
        else if (kind == QLatin1String("empty-model"))
            bytes = {};
        else if (kind == QLatin1String("text-model"))
            bytes = "{\"layers.0.weight\": [1, 2, 3]}";
        else if (kind == QLatin1String("wider"))
            bytes = workbench::ModelFiles::stateDict(*mlp({32, 8}));
        else if (kind == QLatin1String("deeper"))
            bytes = workbench::ModelFiles::stateDict(*mlp({16}));
        else if (kind == QLatin1String("shallower"))
            bytes = workbench::ModelFiles::stateDict(*mlp({16, 8, 8}));
        else if (kind == QLatin1String("truncated-masks"))
            bytes = masks.left(masks.size() - 30);
        else if (kind == QLatin1String("wider-masks")) {
            engine::MaskSet other;
            other.set("layers.0.weight", torch::ones({32, 64}));
            bytes = workbench::ModelFiles::masks(other);
        } else if (kind == QLatin1String("unknown-masks")) {
            engine::MaskSet other;
            other.set("conv9.weight", torch::ones({3, 3}));
            bytes = workbench::ModelFiles::masks(other);
        } else if (kind == QLatin1String("half-masks")) {
            engine::MaskSet other;
            other.set("layers.0.weight", torch::full({16, 64}, 0.5));
            bytes = workbench::ModelFiles::masks(other);
        } else if (kind == QLatin1String("pickle-code")) {
            bytes = pickleCallingSystem();
            isMasks = false;
        }
        const QString marker = QDir::temp().filePath(QStringLiteral("prunelab-pwned-%1").arg(::getpid()));
        QFile::remove(marker);
        auto target = mlp({16, 8});
        const auto before = workbench::ModelFiles::stateDict(*target);
        const QString message = refusal([&] {
            if (isMasks)
                workbench::ModelFiles::loadMasks(bytes, file, *target, torch::kCPU);
            else
                workbench::ModelFiles::loadStateDict(*target, bytes, file);
        });
        QVERIFY2(message.contains(file), qPrintable(message));
        QVERIFY2(message.contains(reason), qPrintable(message));
        QVERIFY2(!QFile::exists(marker), "loading the file ran a command from it");
        QVERIFY2(workbench::ModelFiles::stateDict(*target) == before, "a refused file changed the model");

        // The good files load into the same architecture.
        workbench::ModelFiles::loadStateDict(*target, good, file);
        QCOMPARE(workbench::ModelFiles::loadMasks(masks, file, *target, torch::kCPU).masks().size(), size_t(3));
    }

private:
    /// A file in torch.save's zip layout whose data.pkl calls os.system("touch <marker>") when unpickled by Python.
    static QByteArray pickleCallingSystem()
    {
        const QByteArray marker =
            QFile::encodeName(QDir::temp().filePath(QStringLiteral("prunelab-pwned-%1").arg(::getpid())));
        const QByteArray command = "touch " + marker;
        QByteArray pickle("\x80\x02"
                          "cposix\nsystem\n",
                          16);
        pickle += 'X';
        const quint32 n = quint32(command.size());
        pickle.append(char(n)).append(char(n >> 8)).append(char(n >> 16)).append(char(n >> 24));
        pickle += command + "\x85R.";
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("evil.pt"));
        {
            QuaZip zip(path);
            zip.open(QuaZip::mdCreate);
            for (const auto& [name, data] : {std::pair<QString, QByteArray>{QStringLiteral("archive/data.pkl"), pickle},
                                             {QStringLiteral("archive/version"), "3\n"}}) {
                QuaZipFile f(&zip);
                f.open(QIODevice::WriteOnly, QuaZipNewInfo(name), nullptr, 0, 0); // stored, as torch writes it
                f.write(data);
                f.close();
            }
            zip.close();
        }
        QFile f(path);
        f.open(QIODevice::ReadOnly);
        return f.readAll();
    }
};

QTEST_GUILESS_MAIN(tst_HostileInputs)
#include "tst_hostile_inputs.moc"
