#include "ui/charts/ChartContextMenu.h"

#include "ui/charts/ChartExport.h"

#include <QApplication>
#include <QClipboard>
#include <QDir>
#include <QFileDialog>
#include <QMenu>
#include <QMessageBox>
#include <QSettings>
#include <QWidget>

namespace prunelab::ui {

ChartContextMenu* ChartContextMenu::install(QWidget* chart, const QString& baseName, CsvSource csv)
{
    return new ChartContextMenu(chart, baseName, std::move(csv));
}

ChartContextMenu::ChartContextMenu(QWidget* chart, const QString& baseName, CsvSource csv)
    : QObject(chart), chart_(chart), baseName_(baseName), csv_(std::move(csv))
{
    setObjectName(QStringLiteral("chartContextMenu"));
    chart_->setContextMenuPolicy(Qt::CustomContextMenu);
    connect(chart_, &QWidget::customContextMenuRequested, this, &ChartContextMenu::showMenu);
}

void ChartContextMenu::showMenu(const QPoint& position)
{
    QMenu menu(chart_);
    menu.addAction(tr("Save PNG…"), this, [this] { saveAs(QStringLiteral("png"), tr("PNG image (*.png)")); });
    menu.addAction(tr("Save SVG…"), this, [this] { saveAs(QStringLiteral("svg"), tr("SVG drawing (*.svg)")); });
    QAction* csv =
        menu.addAction(tr("Save CSV…"), this, [this] { saveAs(QStringLiteral("csv"), tr("CSV table (*.csv)")); });
    csv->setEnabled(bool(csv_));
    menu.addSeparator();
    menu.addAction(tr("Copy image"), this, &ChartContextMenu::copyImage);
    menu.exec(chart_->mapToGlobal(position));
}

void ChartContextMenu::saveAs(const QString& suffix, const QString& filter)
{
    QSettings settings;
    const QString folder = settings.value(QStringLiteral("export/lastFolder"), QDir::homePath()).toString();
    const QString file = QFileDialog::getSaveFileName(
        chart_, tr("Save chart"), folder + QLatin1Char('/') + baseName_ + QLatin1Char('.') + suffix, filter);
    if (file.isEmpty())
        return;
    if (saveTo(file))
        settings.setValue(QStringLiteral("export/lastFolder"), QFileInfo(file).absolutePath());
}

bool ChartContextMenu::saveTo(const QString& file)
{
    try {
        ChartExport::saveChart(*chart_, file, csv_ ? csv_() : QString());
        return true;
    } catch (const std::exception& e) {
        QMessageBox::warning(chart_, tr("Chart not saved"),
                             tr("%1\n\nChoose a folder you can write to and a name ending in .png, .svg or .csv.")
                                 .arg(QString::fromLocal8Bit(e.what())));
        return false;
    }
}

void ChartContextMenu::copyImage()
{
    QApplication::clipboard()->setImage(ChartExport::widgetImage(*chart_));
}

} // namespace prunelab::ui
