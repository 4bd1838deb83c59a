#pragma once

#include <QObject>
#include <QString>

namespace prunelab::ui {

class MainWindow;

/// The GUI's scripted runs, for screenshots of the app as a person sees it (the README's and the docs' pictures):
/// `--screenshot FILE` saves the window once the dataset is shown (after the run with `--autostart`) and quits;
/// `--tour FOLDER` runs the recipe on the loaded dataset and saves every page and chart, each lesson step and
/// presentation mode at 1024×768 and 1280×720 into the folder, then quits.
/// It waits for the window's signals (dataset ready, dataset page idle, run finished), never polls; a dataset page
/// that stays busy is shot after 20 s anyway.
class ScreenshotTour : public QObject {
    Q_OBJECT
public:
    /// `window` must outlive the tour. Neither path set: does nothing but start the run on `autostart`.
    ScreenshotTour(MainWindow& window, QString screenshotPath, QString tourFolder, bool autostart);

private:
    void datasetReady();
    void runFinished();
    /// Once the dataset page is idle (and the window has painted): the screenshot, then quit.
    void saveWhenIdle();
    void save();

    MainWindow& window_;
    QString screenshotPath_;
    QString tourFolder_;
    bool autostart_;
    bool saved_ = false;
};

} // namespace prunelab::ui
