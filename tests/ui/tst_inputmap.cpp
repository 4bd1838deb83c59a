#include "core/workbench/UserSettings.h"
#include "datasets/BrainSliceDemo.h"
#include "ui/InputMapWidget.h"
#include "ui/MainWindow.h"
#include "ui/MaskHeatmapWidget.h"
#include "ui/charts/Palette.h"

#include <QAction>
#include <QCheckBox>
#include <QComboBox>
#include <QSettings>
#include <QSignalSpy>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QTest>

using namespace prunelab;

/// The pictures of what pruning keeps, driven through the window: the input map of an MLP's first layer beside a
/// sample image, one neuron's kept weights, and the mask heatmap ordered by kept share.
class tst_InputMap : public QObject {
    Q_OBJECT

    QTemporaryDir sessionsDir_;

    /// Counts the pixels of `image` that are exactly `colour`.
    static int pixelsOf(const QImage& image, QColor colour)
    {
        int n = 0;
        for (int y = 0; y < image.height(); ++y)
            for (int x = 0; x < image.width(); ++x)
                n += image.pixel(x, y) == colour.rgb() ? 1 : 0;
        return n;
    }

private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("PruneLabTests"));
        QCoreApplication::setApplicationName(QStringLiteral("tst_inputmap"));
        QSettings().clear();
        QVERIFY(workbench::UserSettings().fileName().contains(QStringLiteral(".qttest")));
        QVERIFY(sessionsDir_.isValid());
        workbench::UserSettings().setSessionsRoot(sessionsDir_.path());
    }

    void anMlpRunShowsWhatItKeepsOfEachPixelAndOrdersItsMask()
    {
        ui::MainWindow window;
        window.resize(1280, 800);
        window.show();
        QSignalSpy ready(&window, &ui::MainWindow::datasetReady);
        datasets::DemoOptions demo;
        demo.perClass = {40, 30, 45, 40};
        demo.size = 48;
        window.loadDemo(demo);
        QVERIFY(ready.wait(30000));

        workbench::Recipe recipe = window.recipe();
        recipe.model.arch = QStringLiteral("mlp");
        recipe.model.hidden = {32, 16};
        recipe.train.epochs = 1;
        recipe.prune.schedule = QStringLiteral("one-shot");
        recipe.prune.sparsity = 0.8;
        recipe.prune.fineTuneEpochs = 1;
        recipe.compare.clear();
        window.setRecipe(recipe);
        QSignalSpy finished(&window, &ui::MainWindow::runFinished);
        window.startRun();
        QVERIFY(finished.wait(120000));
        QCOMPARE(finished.first().first().value<workbench::RunSummary>().outcome,
                 workbench::RunSummary::Outcome::Completed);

        // The input map: one cell per pixel of the 48 × 48 image, brought forward beside a sample of the dataset.
        auto* map = window.findChild<ui::InputMapWidget*>(QStringLiteral("inputMapWidget"));
        QVERIFY(map);
        QTRY_COMPARE(map->shownRound(), 1); // the pruned round, not the dense one before it
        QVERIFY(!map->keptImage().isNull());
        QCOMPARE(map->keptImage().size(), QSize(48, 48));
        QCOMPARE(window.findChild<QTabWidget*>(QStringLiteral("maskTabs"))->currentWidget(), map);
        QVERIFY(!map->sampleImage().isNull());
        QCOMPARE(window.findChild<QComboBox*>(QStringLiteral("inputMapSampleCombo"))->count(), 4); // one per class
        const QList<float> shares = map->keptShares();
        QCOMPARE(shares.size(), 48 * 48);
        double mean = 0.0;
        for (float s : shares) {
            QVERIFY(s >= 0.0f && s <= 1.0f);
            mean += double(s) / double(shares.size());
        }
        QVERIFY2(mean > 0.05 && mean < 0.5, qPrintable(QString::number(mean))); // 80 % pruned, most in this layer
        QVERIFY(map->toCsv().startsWith(QStringLiteral("layer,round,pixel_row,pixel_column,kept_fraction\n")));

        // Another neuron, another picture of kept weights.
        const QImage first = map->neuronImage();
        QVERIFY(!first.isNull());
        auto* neuron = window.findChild<QSpinBox*>(QStringLiteral("inputMapNeuronSpin"));
        QVERIFY(neuron);
        QCOMPARE(neuron->maximum(), 31);              // 32 units in the first hidden layer
        const int other = map->neuron() == 5 ? 6 : 5; // at first the neuron keeping the most is shown
        neuron->setValue(other);
        QCOMPARE(map->neuron(), other);
        QTRY_VERIFY(map->neuronImage() != first);
        // Pruned weights are drawn in the background colour, in the dark palette too.
        QVERIFY(pixelsOf(map->neuronImage(), map->palette().color(QPalette::Base)) > 0);
        window.findChild<QAction*>(QStringLiteral("darkPaletteAction"))->setChecked(true);
        QTRY_VERIFY(pixelsOf(map->neuronImage(), ui::palette::dark().color(QPalette::Base)) > 0);
        window.findChild<QAction*>(QStringLiteral("darkPaletteAction"))->setChecked(false);

        // The mask heatmap ordered by kept share: rows most kept first, the tooltip names an original weight.
        auto* heatmap = window.findChild<ui::MaskHeatmapWidget*>(QStringLiteral("maskHeatmap"));
        auto* order = window.findChild<QCheckBox*>(QStringLiteral("heatmapOrderCheck"));
        QVERIFY(heatmap && order);
        window.findChild<QTabWidget*>(QStringLiteral("maskTabs"))->setCurrentWidget(heatmap);
        QTRY_VERIFY(heatmap->paintedCells() > 0);
        QVERIFY(!heatmap->showsOrdered());
        const QList<double> plain = heatmap->shownRowShares();
        order->setChecked(true);
        QVERIFY(heatmap->isOrdered());
        QTRY_VERIFY(heatmap->showsOrdered());
        const QList<double> rows = heatmap->shownRowShares();
        QCOMPARE(rows.size(), plain.size());
        for (qsizetype i = 1; i < rows.size(); ++i)
            QVERIFY2(rows[i] <= rows[i - 1] + 1e-6, qPrintable(QStringLiteral("row %1").arg(i)));
        QVERIFY(rows.first() > rows.last()); // a mask pruned by magnitude is not uniform
        const QString tip = heatmap->describe(QPointF(heatmap->width() / 2.0, heatmap->height() / 2.0));
        QVERIFY2(tip.startsWith(QStringLiteral("output ")) && tip.contains(QStringLiteral(", input ")),
                 qPrintable(tip));
        // Ctrl+click on a row of the ordered first layer: that row's own neuron in the input map.
        const QPoint centre(heatmap->width() / 2, heatmap->height() / 2);
        const int unit = heatmap->unitAt(centre);
        QVERIFY(unit >= 0 && unit < 32);
        QVERIFY2(tip.startsWith(QStringLiteral("output %1,").arg(unit)), qPrintable(tip));
        QTest::mouseClick(heatmap, Qt::LeftButton, Qt::ControlModifier, centre);
        QCOMPARE(map->neuron(), unit);
        QCOMPARE(window.findChild<QTabWidget*>(QStringLiteral("maskTabs"))->currentWidget(), map);
        window.findChild<QTabWidget*>(QStringLiteral("maskTabs"))->setCurrentWidget(heatmap);
        order->setChecked(false);
        QTRY_VERIFY(!heatmap->showsOrdered());
    }
};

QTEST_MAIN(tst_InputMap)
#include "tst_inputmap.moc"
