#pragma once

#include <QObject>
#include <QString>

#include <functional>

class QWidget;

namespace prunelab::ui {

/// The right-click menu every chart gets: Save PNG…, Save SVG…, Save CSV… (the data behind the chart) and Copy
/// image. Install it once per chart; it lives as the chart's child. Files are written with ui::ChartExport.
class ChartContextMenu : public QObject {
    Q_OBJECT
public:
    using CsvSource = std::function<QString()>;

    /// `baseName` is the suggested file name without suffix, e.g. "training".
    static ChartContextMenu* install(QWidget* chart, const QString& baseName, CsvSource csv);

    /// Saves to `file` by suffix; false (and a message box a person can act on) when it cannot.
    bool saveTo(const QString& file);
    void copyImage();

private:
    ChartContextMenu(QWidget* chart, const QString& baseName, CsvSource csv);
    void showMenu(const QPoint& position);
    void saveAs(const QString& suffix, const QString& filter);

    QWidget* chart_;
    QString baseName_;
    CsvSource csv_;
};

} // namespace prunelab::ui
