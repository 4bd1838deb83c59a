// prunelab-cli list, export (every format), session rename/delete, on a real session.
#include <QDir>
#include <QFile>
#include <QImage>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

namespace {

struct Result {
    int exitCode = -1;
    QString out;
    QString err;
};

Result cli(const QStringList& arguments)
{
    QProcess process;
    process.start(QStringLiteral(PRUNELAB_CLI), arguments);
    process.waitForFinished(300000);
    return {process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1,
            QString::fromUtf8(process.readAllStandardOutput()), QString::fromUtf8(process.readAllStandardError())};
}

/// Distinct colours in an image: a rendered chart has many, a blank one has one.
int colours(const QImage& image)
{
    QSet<QRgb> seen;
    for (int y = 0; y < image.height(); y += 3)
        for (int x = 0; x < image.width(); x += 3)
            seen.insert(image.pixel(x, y));
    return int(seen.size());
}

} // namespace

class tst_CliExport : public QObject {
    Q_OBJECT

    QTemporaryDir root_;
    QString session_;

private slots:
    void initTestCase()
    {
        const Result run =
            cli({QStringLiteral("run"), QStringLiteral("quick-demo"), QStringLiteral("--sessions"), root_.path(),
                 QStringLiteral("--name"), QStringLiteral("exports"), QStringLiteral("--json"), QStringLiteral("--set"),
                 QStringLiteral("dataset.demo_per_class=20"), QStringLiteral("--set"),
                 QStringLiteral("dataset.image_size=[32,32]"), QStringLiteral("--set"),
                 QStringLiteral("train.epochs=2"), QStringLiteral("--set"), QStringLiteral("prune.schedule=iterative"),
                 QStringLiteral("--set"), QStringLiteral("prune.rounds=2")});
        QVERIFY2(run.exitCode == 0, qPrintable(run.err));
        const QJsonObject done =
            QJsonDocument::fromJson(run.out.trimmed().split(QLatin1Char('\n')).last().toUtf8()).object();
        QCOMPARE(done.value(QStringLiteral("event")).toString(), QStringLiteral("done"));
        session_ = done.value(QStringLiteral("session")).toString();
        QVERIFY(QFileInfo(session_).isDir());
    }

    void listsTheSession()
    {
        const Result list = cli({QStringLiteral("list"), QStringLiteral("--sessions"), root_.path()});
        QCOMPARE(list.exitCode, 0);
        QVERIFY2(list.out.contains(QStringLiteral("exports")) && list.out.contains(QStringLiteral("completed")) &&
                     list.out.contains(QStringLiteral("round 2/2")),
                 qPrintable(list.out));
    }

    void plotsAreTheGuiChartsAsPngAndSvg()
    {
        const QString out = root_.filePath(QStringLiteral("plots"));
        const Result r = cli({QStringLiteral("export"), session_, QStringLiteral("--format"), QStringLiteral("plots"),
                              QStringLiteral("--out"), out});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        for (const char* name : {"training", "sparsity"}) {
            const QImage png(out + QLatin1Char('/') + QLatin1String(name) + QStringLiteral(".png"));
            QCOMPARE(png.size(), QSize(900, 480));
            QVERIFY2(colours(png) > 20, name); // axes, labels and curves, not an empty widget
            QFile svg(out + QLatin1Char('/') + QLatin1String(name) + QStringLiteral(".svg"));
            QVERIFY(svg.open(QIODevice::ReadOnly));
            const QByteArray text = svg.readAll();
            QVERIFY(text.contains("<svg") && text.contains("<path"));
        }
    }

    void reportIsHtmlAndPdf()
    {
        const QString out = root_.filePath(QStringLiteral("report.html"));
        const Result r = cli({QStringLiteral("export"), session_, QStringLiteral("--format"), QStringLiteral("report"),
                              QStringLiteral("--out"), out, QStringLiteral("--round"), QStringLiteral("1")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QFile html(out), pdf(root_.filePath(QStringLiteral("report.pdf")));
        QVERIFY(html.open(QIODevice::ReadOnly) && pdf.open(QIODevice::ReadOnly));
        const QByteArray page = html.readAll();
        QVERIFY(page.contains("Round 1: confusion matrix") && page.contains("MildDemented") &&
                page.contains("&quot;schema&quot;: 1"));
        const QByteArray document = pdf.readAll();
        QVERIFY(document.startsWith("%PDF") && document.size() > 20000); // text and the two chart images
    }

    // An export that cannot write its file fails with the path named, and leaves the session's state as it was.
    void aFailedExportLeavesTheSessionAlone()
    {
        QFile stateFile(session_ + QStringLiteral("/state.json"));
        QVERIFY(stateFile.open(QIODevice::ReadOnly));
        const QByteArray before = stateFile.readAll();
        stateFile.close();
        const QString file = QStringLiteral("/nonexistent-prunelab-folder/model.pt");
        const Result r = cli({QStringLiteral("export"), session_, QStringLiteral("--format"),
                              QStringLiteral("torchscript"), QStringLiteral("--out"), file});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains(QStringLiteral("nonexistent-prunelab-folder")), qPrintable(r.err));
        QVERIFY(stateFile.open(QIODevice::ReadOnly));
        QCOMPARE(stateFile.readAll(), before);
    }

    void torchScriptRunsInPython_data()
    {
        QTest::addColumn<QString>("format");
        QTest::newRow("masked") << "torchscript";
        QTest::newRow("compact") << "compact-torchscript";
    }
    void torchScriptRunsInPython()
    {
        QFETCH(QString, format);
        QTemporaryDir out;
        const QString file = out.filePath(format + QStringLiteral(".pt"));
        const Result r = cli(
            {QStringLiteral("export"), session_, QStringLiteral("--format"), format, QStringLiteral("--out"), file});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QVERIFY2(r.out.contains(QStringLiteral("wrote ")), qPrintable(r.out));
        QVERIFY(QFileInfo(file).size() > 1000);
        // Debian's python3-torch, when installed: the module runs with no PruneLab code and names the classes.
        QProcess python;
        python.start(QStringLiteral("/usr/bin/python3"), {QStringLiteral("-c"),
                                                          QStringLiteral("import sys, torch\n"
                                                                         "m = torch.jit.load(sys.argv[1])\n"
                                                                         "y = m(torch.rand(3, *m.input_shape))\n"
                                                                         "print(tuple(y.shape), list(m.class_names))"),
                                                          file});
        python.waitForFinished(120000);
        const QString err = QString::fromUtf8(python.readAllStandardError());
        if (python.exitCode() != 0 && err.contains(QStringLiteral("No module named 'torch'")))
            QSKIP("python3-torch is not installed");
        QVERIFY2(python.exitCode() == 0, qPrintable(err));
        QVERIFY2(QString::fromUtf8(python.readAllStandardOutput()).contains(QStringLiteral("(3, 4) ['MildDemented'")),
                 qPrintable(err));
    }

    void refusesWhatItCannotDo_data()
    {
        QTest::addColumn<QStringList>("arguments");
        QTest::addColumn<int>("exitCode");
        QTest::addColumn<QString>("message");
        QTest::newRow("unknown format") << QStringList{"--format", "onnx", "--out", "x"} << 2
                                        << "--format must be one of";
        QTest::newRow("round not saved") << QStringList{"--format", "state-dict", "--out", "x", "--round", "7"} << 2
                                         << "saved rounds (0, 1, 2)";
        QTest::newRow("no masks for the dense model")
            << QStringList{"--format", "masks", "--out", "x", "--round", "0"} << 1 << "round 0 is the dense model";
        QTest::newRow("no --out") << QStringList{"--format", "csv"} << 2 << "needs --format FORMAT and --out PATH";
    }
    void refusesWhatItCannotDo()
    {
        QFETCH(QStringList, arguments);
        QFETCH(int, exitCode);
        QFETCH(QString, message);
        // A refused export writes nothing: "--out x" names a file in a temporary folder, never the working folder.
        QTemporaryDir outRoot;
        const QString out = outRoot.filePath(QStringLiteral("x"));
        arguments.replaceInStrings(QRegularExpression(QStringLiteral("^x$")), out);
        const Result r = cli(QStringList{QStringLiteral("export"), session_} + arguments);
        QCOMPARE(r.exitCode, exitCode);
        QVERIFY2(r.err.contains(message), qPrintable(r.err));
        QVERIFY(!QFileInfo::exists(out));
    }

    void renamesAndDeletes()
    {
        QTemporaryDir copyRoot;
        const QString copy = copyRoot.filePath(QFileInfo(session_).fileName());
        QVERIFY(QDir().mkpath(copy));
        for (const QString& f : {QStringLiteral("recipe.json"), QStringLiteral("state.json")})
            QVERIFY(QFile::copy(session_ + QLatin1Char('/') + f, copy + QLatin1Char('/') + f));
        const Result renamed = cli({QStringLiteral("session"), QStringLiteral("rename"), copy, QStringLiteral("kept")});
        QCOMPARE(renamed.exitCode, 0);
        const QString path = renamed.out.trimmed();
        QVERIFY2(path.endsWith(QStringLiteral("_kept")) && QFileInfo(path).isDir(), qPrintable(path));
        QCOMPARE(cli({QStringLiteral("session"), QStringLiteral("delete"), path}).exitCode, 0);
        QVERIFY(!QFileInfo::exists(path));
        QCOMPARE(cli({QStringLiteral("session"), QStringLiteral("delete"), copyRoot.path()}).exitCode,
                 1); // not a session
    }
};

QTEST_GUILESS_MAIN(tst_CliExport)
#include "tst_cli_export.moc"
