// Presentation mode on projector resolutions (issue #22): after a short run, at 1024×768 and 1280×720, every page
// fits the window and never scrolls sideways, no chart legend, title or axis text is elided, no table cell or column
// title is drawn shortened, no text the confusion matrix or the input map paints is shortened, and no single-line
// label or button is cut.
#include "core/workbench/UserSettings.h"
#include "datasets/DemoMriGenerator.h"
#include "ui/LessonPanel.h"
#include "ui/MainWindow.h"

#include <QAbstractButton>
#include <QAbstractScrollArea>
#include <QAction>
#include <QChart>
#include <QChartView>
#include <QGraphicsScene>
#include <QGraphicsTextItem>
#include <QHeaderView>
#include <QLabel>
#include <QLayout>
#include <QLegend>
#include <QLegendMarker>
#include <QPushButton>
#include <QScrollBar>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

using namespace prunelab;

namespace {

QString describe(const QWidget* w)
{
    QString name = w->objectName();
    for (const QObject* p = w->parent(); name.isEmpty() && p != nullptr; p = p->parent())
        if (!p->objectName().isEmpty())
            name = QStringLiteral("(in %1)").arg(p->objectName());
    return QStringLiteral("%1 %2").arg(QLatin1String(w->metaObject()->className()), name);
}

/// Inside a scroll area's viewport: clipped and scrolled by design.
bool inScrollViewport(const QWidget* w)
{
    for (const QWidget* p = w->parentWidget(); p != nullptr; p = p->parentWidget())
        if (p->objectName() == QLatin1String("qt_scrollarea_viewport"))
            return true;
    return false;
}

/// On screen: visible, and neither it nor a widget around it folded to nothing (a collapsed splitter section).
bool shown(const QWidget* w, const QWidget* window)
{
    if (!w->isVisible() || !w->isVisibleTo(window))
        return false;
    for (const QWidget* p = w; p != nullptr && p != window; p = p->parentWidget())
        if (p->width() <= 0 || p->height() <= 0)
            return false;
    return true;
}

/// The widgets a layout places, through its nested layouts.
void laidOut(const QLayout* layout, QList<QWidget*>& widgets)
{
    for (int i = 0; i < layout->count(); ++i) {
        QLayoutItem* item = layout->itemAt(i);
        if (item->widget() != nullptr)
            widgets << item->widget();
        else if (item->layout() != nullptr)
            laidOut(item->layout(), widgets);
    }
}

/// The cells and column titles of a table that do not fit their column (Qt draws them elided: "0.…", "Mil…").
QStringList elidedCells(const QTableView& table, const QString& where)
{
    QStringList found;
    const QAbstractItemModel* model = table.model();
    if (model == nullptr)
        return found;
    const QHeaderView* header = table.horizontalHeader();
    // What a cell needs around its text: the style's item margins (3 px a side in Fusion) and the grid line.
    const int padding = 2 * (table.style()->pixelMetric(QStyle::PM_FocusFrameHMargin, nullptr, &table) + 1) + 1;
    for (int column = 0; column < model->columnCount(); ++column) {
        if (table.isColumnHidden(column))
            continue;
        const int room = header->sectionSize(column);
        const QString title = model->headerData(column, Qt::Horizontal).toString();
        const int titleNeeds = header->isVisible()
                                   ? header->fontMetrics().horizontalAdvance(title) +
                                         2 * header->style()->pixelMetric(QStyle::PM_HeaderMargin, nullptr, header)
                                   : 0;
        if (titleNeeds > room + 1)
            found << QStringLiteral("%1: %2 column '%3' is %4 px wide, its title needs %5")
                         .arg(where, describe(&table), title)
                         .arg(room)
                         .arg(titleNeeds);
        for (int row = 0; row < model->rowCount(); ++row) {
            const QModelIndex index = model->index(row, column);
            const QString text = index.data().toString();
            if (text.isEmpty() || table.isRowHidden(row))
                continue;
            QFont font = table.font();
            if (const QVariant f = index.data(Qt::FontRole); f.isValid())
                font = f.value<QFont>();
            const int needs = QFontMetrics(font).horizontalAdvance(text) + padding;
            if (needs > room + 1)
                found << QStringLiteral("%1: %2 cell '%3' (column '%4') needs %5 px, has %6")
                             .arg(where, describe(&table), text, title)
                             .arg(needs)
                             .arg(room);
        }
    }
    return found;
}

/// What is wrong with the page on screen now: widgets outside the window, labels and buttons too narrow for their
/// text, chart texts elided; in `overlaps`, widgets one layout placed on top of each other.
QStringList problems(QWidget& window, const QString& where, QStringList& overlaps)
{
    QStringList found;
    const QRect frame = window.rect();
    for (QWidget* w : window.findChildren<QWidget*>()) {
        if (!shown(w, &window) || w->isWindow())
            continue;
        if (w->layout() != nullptr) { // what one layout places never overlaps (a layout given less than its minimum)
            QList<QWidget*> placed;
            laidOut(w->layout(), placed);
            placed.removeIf([&](const QWidget* c) { return !shown(c, &window); });
            for (qsizetype a = 0; a < placed.size(); ++a)
                for (qsizetype b = a + 1; b < placed.size(); ++b)
                    if (placed[a]->geometry().intersects(placed[b]->geometry()))
                        overlaps << QStringLiteral("%1: %2 and %3 overlap")
                                        .arg(where, describe(placed[a]), describe(placed[b]));
        }
        const QRect r(w->mapTo(&window, QPoint(0, 0)), w->size());
        if (!inScrollViewport(w) && !frame.contains(r))
            found << QStringLiteral("%1: %2 at %3,%4 %5x%6 leaves the %7x%8 window")
                         .arg(where, describe(w))
                         .arg(r.x())
                         .arg(r.y())
                         .arg(r.width())
                         .arg(r.height())
                         .arg(frame.width())
                         .arg(frame.height());
        if (auto* label = qobject_cast<QLabel*>(w)) {
            const QString text = label->text();
            if (label->wordWrap() || text.isEmpty() || label->textFormat() == Qt::RichText ||
                (label->textFormat() == Qt::AutoText && Qt::mightBeRichText(text)))
                continue;
            const int room = label->contentsRect().width() - 2 * label->margin() - std::max(0, label->indent());
            for (const QString& line : text.split(QLatin1Char('\n'))) {
                QString plain = line;
                plain.remove(QLatin1Char('&'));
                const int need = label->fontMetrics().horizontalAdvance(plain);
                if (need > room + 1)
                    found << QStringLiteral("%1: %2 '%3' needs %4 px, has %5")
                                 .arg(where, describe(w), line)
                                 .arg(need)
                                 .arg(room);
            }
        } else if (auto* button = qobject_cast<QAbstractButton*>(w)) {
            if (button->text().isEmpty() || inScrollViewport(w) || button->parentWidget()->inherits("QTabBar"))
                continue;
            if (button->width() + 1 < button->sizeHint().width())
                found << QStringLiteral("%1: %2 '%3' is %4 px wide, needs %5")
                             .arg(where, describe(w), button->text())
                             .arg(button->width())
                             .arg(button->sizeHint().width());
        } else if (auto* table = qobject_cast<QTableView*>(w)) {
            found << elidedCells(*table, where);
        } else if (auto* scroll = qobject_cast<QAbstractScrollArea*>(w);
                   scroll != nullptr && w->objectName().endsWith(QLatin1String("PageScroll"))) {
            if (scroll->horizontalScrollBar()->maximum() > 0) // a page may scroll down, never sideways
                found << QStringLiteral("%1: %2 scrolls sideways by %3 px")
                             .arg(where, describe(w))
                             .arg(scroll->horizontalScrollBar()->maximum());
        } else if (auto* view = qobject_cast<QChartView*>(w)) {
            QChart* chart = view->chart();
            for (QGraphicsItem* item : chart->scene()->items()) {
                auto* text = dynamic_cast<QGraphicsTextItem*>(item);
                if (text == nullptr || !text->isVisible())
                    continue;
                const QString plain = text->toPlainText();
                if (plain.contains(QChar(0x2026)) || plain.contains(QLatin1String("...")))
                    found << QStringLiteral("%1: %2 shows '%3' (elided)").arg(where, describe(w), plain);
            }
            if (!chart->legend()->isVisible())
                continue;
            const QFontMetrics fm(chart->legend()->font());
            const qreal legendWidth = chart->legend()->geometry().width();
            for (QLegendMarker* marker : chart->legend()->markers()) {
                if (!marker->isVisible())
                    continue;
                if (marker->series() != nullptr && marker->type() != QLegendMarker::LegendMarkerTypePie &&
                    marker->type() != QLegendMarker::LegendMarkerTypeBar && marker->label() != marker->series()->name())
                    found << QStringLiteral("%1: %2 legend '%3' is not the series' name '%4'")
                                 .arg(where, describe(w), marker->label(), marker->series()->name());
                if (fm.horizontalAdvance(marker->label()) > legendWidth)
                    found << QStringLiteral("%1: %2 legend '%3' is wider than the legend (%4 px)")
                                 .arg(where, describe(w), marker->label())
                                 .arg(legendWidth);
            }
        }
        // Widgets that paint their own text (the confusion matrix, the input map) list what they had to shorten.
        if (const QVariant elided = w->property("elidedTexts"); elided.isValid()) {
            w->grab(); // paints it now, at its size on the projector
            for (const QString& text : w->property("elidedTexts").toStringList())
                found << QStringLiteral("%1: %2 draws '%3' shortened").arg(where, describe(w), text);
        }
    }
    return found;
}

} // namespace

class tst_Presentation : public QObject {
    Q_OBJECT

    QTemporaryDir sessionsDir_;

private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("PruneLabTests"));
        QCoreApplication::setApplicationName(QStringLiteral("tst_presentation"));
        QSettings().clear();
        QVERIFY(sessionsDir_.isValid());
        // As long as a lab PC's (/home/<user>/.local/share/PruneLab/sessions): the Sessions page shows it.
        workbench::UserSettings().setSessionsRoot(
            sessionsDir_.filePath(QStringLiteral("home/a-student-account/.local/share/PruneLab/sessions")));
    }

    void nothingIsClippedOnAProjector_data()
    {
        QTest::addColumn<QSize>("screen");
        QTest::addColumn<bool>("lesson");
        QTest::addColumn<bool>("dark");
        QTest::newRow("1024x768") << QSize(1024, 768) << false << false;
        QTest::newRow("1280x720") << QSize(1280, 720) << false << true;
        QTest::newRow("1024x768, lesson") << QSize(1024, 768) << true << true;
        QTest::newRow("1280x720, lesson") << QSize(1280, 720) << true << false;
    }

    void nothingIsClippedOnAProjector()
    {
        QFETCH(QSize, screen);
        QFETCH(bool, lesson);
        QFETCH(bool, dark);
        ui::MainWindow window;
        window.setDarkPalette(dark);
        window.show();
        QSignalSpy ready(&window, &ui::MainWindow::datasetReady);
        datasets::DemoOptions demo;
        demo.perClass = {80, 60, 90, 80};
        demo.size = 48;
        window.loadDemo(demo);
        QVERIFY(ready.wait(30000));
        workbench::Recipe recipe = window.recipe();
        recipe.train.epochs = 2;
        recipe.prune.fineTuneEpochs = 1;
        window.setRecipe(recipe);
        QSignalSpy finished(&window, &ui::MainWindow::runFinished);
        window.startRun();
        QVERIFY(finished.wait(60000));

        window.setPresentationMode(true);
        window.showNormal(); // full screen would take the offscreen platform's 800×800 screen: the projector's size
        window.setLessonMode(lesson);
        window.resize(screen);
        QTest::qWait(100);
        QStringList found;
        QStringList overlaps;
        const auto fitsTheScreen = [&](const QString& where) {
            if (window.width() > screen.width() || window.height() > screen.height())
                found << QStringLiteral("%1: the window is %2x%3, its smallest %4x%5")
                             .arg(where)
                             .arg(window.width())
                             .arg(window.height())
                             .arg(window.minimumSizeHint().width())
                             .arg(window.minimumSizeHint().height());
        };
        auto* tabs = window.findChild<QTabWidget*>(QStringLiteral("pages"));
        for (int page = 0; page < tabs->count(); ++page) {
            tabs->setCurrentIndex(page);
            QTest::qWait(150); // the charts' coalescing timers redraw
            fitsTheScreen(tabs->tabText(page).simplified());
            found << problems(window, tabs->tabText(page).simplified(), overlaps);
        }
        if (lesson) { // every step of the lesson, on the page it shows
            ui::LessonPanel* panel = window.lessonPanel();
            for (int step = 0; step < panel->stepCount(); ++step) {
                panel->setCurrentStep(step);
                QTest::qWait(100);
                fitsTheScreen(QStringLiteral("lesson step %1").arg(step + 1));
                found << problems(window, QStringLiteral("lesson step %1").arg(step + 1), overlaps);
            }
        }
        found.removeDuplicates();
        for (const QString& problem : std::as_const(found))
            qWarning("%s", qPrintable(problem));
        QVERIFY2(found.isEmpty(),
                 qPrintable(QStringLiteral("%1 problems, first: %2").arg(found.size()).arg(found.value(0))));
        overlaps.removeDuplicates();
        for (const QString& overlap : std::as_const(overlaps))
            qWarning("%s", qPrintable(overlap));
        QVERIFY2(overlaps.isEmpty(),
                 qPrintable(QStringLiteral("%1 overlaps, first: %2").arg(overlaps.size()).arg(overlaps.value(0))));
    }

    void lessonModeWalksThroughThePages()
    {
        ui::MainWindow window;
        window.show();
        auto* action = window.findChild<QAction*>(QStringLiteral("lessonAction"));
        QVERIFY(action != nullptr);
        auto* panel = window.findChild<ui::LessonPanel*>(QStringLiteral("lessonPanel"));
        QVERIFY(panel != nullptr);
        QVERIFY(!panel->isVisible());
        action->trigger();
        QVERIFY(window.lessonMode());
        QVERIFY(panel->isVisible());
        auto* tabs = window.findChild<QTabWidget*>(QStringLiteral("pages"));
        auto* title = panel->findChild<QLabel*>(QStringLiteral("lessonStepTitle"));
        auto* next = panel->findChild<QPushButton*>(QStringLiteral("lessonNextButton"));
        auto* back = panel->findChild<QPushButton*>(QStringLiteral("lessonBackButton"));
        QCOMPARE(panel->currentStep(), 0);
        QCOMPARE(tabs->currentIndex(), 0);
        QVERIFY(!back->isEnabled());
        const QString first = title->text();
        QTest::mouseClick(next, Qt::LeftButton);
        QCOMPARE(panel->currentStep(), 1);
        QCOMPARE(tabs->currentWidget()->objectName(), QStringLiteral("runPage"));
        QVERIFY(title->text() != first);
        QTest::mouseClick(next, Qt::LeftButton);
        // The Prune step repeats the form's own line on the chosen method (the engine's catalogue), not a copy.
        auto* detail = panel->findChild<QLabel*>(QStringLiteral("lessonStepDetail"));
        auto* methodHelp = window.findChild<QLabel*>(QStringLiteral("methodHelp"));
        QVERIFY(!methodHelp->text().isEmpty());
        QVERIFY(detail->isVisible());
        QVERIFY(detail->text().contains(methodHelp->text()));
        QTest::mouseClick(next, Qt::LeftButton);
        QCOMPARE(panel->currentStep(), 3);
        QVERIFY(!next->isEnabled());
        QTest::mouseClick(back, Qt::LeftButton);
        QCOMPARE(panel->currentStep(), 2);
        QTest::mouseClick(panel->findChild<QPushButton*>(QStringLiteral("lessonCloseButton")), Qt::LeftButton);
        QVERIFY(!window.lessonMode());
        QVERIFY(!action->isChecked());
    }

    void theTrainStepStartsTheRun()
    {
        ui::MainWindow window;
        window.show();
        QSignalSpy ready(&window, &ui::MainWindow::datasetReady);
        datasets::DemoOptions demo;
        demo.perClass = {40, 30, 45, 40};
        demo.size = 32;
        window.loadDemo(demo);
        QVERIFY(ready.wait(30000));
        workbench::Recipe recipe = window.recipe();
        recipe.train.epochs = 1;
        recipe.prune.fineTuneEpochs = 1;
        window.setRecipe(recipe);
        window.setLessonMode(true);
        ui::LessonPanel* panel = window.lessonPanel();
        panel->setCurrentStep(1);
        QCOMPARE(panel->step(1), ui::LessonPanel::Step::Train);
        auto* start = panel->findChild<QPushButton*>(QStringLiteral("lessonActionButton"));
        QCOMPARE(start->text(), QStringLiteral("Start"));
        QSignalSpy finished(&window, &ui::MainWindow::runFinished);
        QTest::mouseClick(start, Qt::LeftButton);
        QVERIFY(window.isRunning());
        QCOMPARE(window.findChild<QTabWidget*>(QStringLiteral("pages"))->currentWidget()->objectName(),
                 QStringLiteral("runPage"));
        QVERIFY(finished.wait(60000));
    }
};

QTEST_MAIN(tst_Presentation)
#include "tst_presentation.moc"
