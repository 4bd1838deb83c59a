#include "ui/ScreenshotTour.h"

#include "ui/MainWindow.h"

#include <QApplication>
#include <QSize>
#include <QTimer>

namespace prunelab::ui {

namespace {
constexpr int kSettleMs = 300;     ///< lets the last layout and paint happen before the window is grabbed
constexpr int kTourSettleMs = 500; ///< the charts' last animation frame after a run
constexpr int kBusyLimitMs = 20000;
} // namespace

ScreenshotTour::ScreenshotTour(MainWindow& window, QString screenshotPath, QString tourFolder, bool autostart)
    : QObject(&window), window_(window), screenshotPath_(std::move(screenshotPath)), tourFolder_(std::move(tourFolder)),
      autostart_(autostart)
{
    connect(&window_, &MainWindow::datasetReady, this, &ScreenshotTour::datasetReady);
    connect(&window_, &MainWindow::runFinished, this, [this] {
        if (!window_.recipe().runsAsComparison()) // a comparison (or repeated run) is shot when all its runs ended
            runFinished();
    });
    connect(&window_, &MainWindow::comparisonFinished, this, &ScreenshotTour::runFinished);
    if (!screenshotPath_.isEmpty() || !tourFolder_.isEmpty())
        window_.resize(1400, 900); // the same frame for every screenshot, whatever the saved geometry
}

void ScreenshotTour::datasetReady()
{
    if (autostart_ || !tourFolder_.isEmpty())
        window_.startRun();
    else if (!screenshotPath_.isEmpty())
        saveWhenIdle();
}

void ScreenshotTour::runFinished()
{
    if (!tourFolder_.isEmpty()) {
        QTimer::singleShot(kTourSettleMs, this, [this] {
            QStringList files = window_.saveScreenshots(tourFolder_);
            files += window_.saveLessonScreenshots(tourFolder_);
            for (const QSize& projector : {QSize(1024, 768), QSize(1280, 720)})
                files += window_.savePresentationScreenshots(tourFolder_, projector);
            for (const QString& file : files)
                qInfo("wrote %s", qPrintable(file));
            QApplication::exit(files.isEmpty() ? 1 : 0);
        });
    } else if (!screenshotPath_.isEmpty()) {
        saveWhenIdle();
    }
}

void ScreenshotTour::saveWhenIdle()
{
    if (!window_.isDatasetPageBusy()) {
        QTimer::singleShot(kSettleMs, this, &ScreenshotTour::save);
        return;
    }
    connect(&window_, &MainWindow::datasetPageIdle, this,
            [this] { QTimer::singleShot(kSettleMs, this, &ScreenshotTour::save); });
    QTimer::singleShot(kBusyLimitMs, this, &ScreenshotTour::save);
}

void ScreenshotTour::save()
{
    if (saved_)
        return;
    saved_ = true;
    if (!window_.grab().save(screenshotPath_))
        qCritical("could not write %s", qPrintable(screenshotPath_));
    QApplication::quit();
}

} // namespace prunelab::ui
