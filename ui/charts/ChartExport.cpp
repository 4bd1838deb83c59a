#include "ui/charts/ChartExport.h"

#include "core/workbench/RunTypes.h"
#include "core/workbench/Session.h"
#include "core/workbench/SessionExporter.h"
#include "core/workbench/SessionStore.h"
#include "core/workbench/SvgChart.h"
#include "ui/charts/SparsityChart.h"
#include "ui/charts/TrainingChart.h"

#include <QBuffer>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QPageSize>
#include <QPainter>
#include <QPdfWriter>
#include <QSvgGenerator>
#include <QSvgRenderer>
#include <QTextDocument>
#include <QThread>
#include <QUrl>

#include <functional>

namespace prunelab::ui {

namespace {

constexpr QSize kSize(900, 480);

/// Fills the GUI's training chart from the session's events, as the live run did, and waits for its replot.
void fillTraining(TrainingChart& chart, const workbench::Session& session)
{
    const workbench::RecordedRun run = workbench::SessionStore::reopen(session.path());
    for (const workbench::EpochStats& epoch : run.epochs)
        chart.addEpoch(epoch);
    for (const workbench::RoundStats& round : run.rounds)
        if (round.round > 0)
            chart.markPruning(round);
    const int epochs = int(run.epochs.size());
    QElapsedTimer clock; // the chart replots on its ~25 Hz timer
    clock.start();
    while (chart.plottedPoints() < epochs && clock.elapsed() < 10000) {
        QCoreApplication::processEvents(QEventLoop::AllEvents, 50);
        QThread::msleep(5);
    }
}

void fillSparsity(SparsityChart& chart, const workbench::Session& session)
{
    for (const workbench::RoundStats& round : workbench::SessionStore::reopen(session.path()).rounds)
        chart.addRound(round);
}

template <typename Chart>
void withChart(const QString& sessionPath, const std::function<void(Chart&, const workbench::Session&)>& fill,
               const std::function<void(QWidget&)>& use)
{
    const workbench::Session session = workbench::Session::open(sessionPath);
    Chart chart;
    chart.setAttribute(Qt::WA_DontShowOnScreen);
    chart.resize(kSize);
    chart.show();
    fill(chart, session);
    QCoreApplication::processEvents();
    use(chart);
}

QImage image(QWidget& widget)
{
    return widget.grab().toImage();
}

QByteArray png(const QImage& image)
{
    QByteArray bytes;
    QBuffer buffer(&bytes);
    buffer.open(QIODevice::WriteOnly);
    image.save(&buffer, "PNG");
    return bytes;
}

QByteArray svg(QWidget& widget, const QString& title)
{
    QBuffer buffer;
    QSvgGenerator generator;
    generator.setOutputDevice(&buffer);
    generator.setSize(widget.size());
    generator.setViewBox(QRect(QPoint(0, 0), widget.size()));
    generator.setTitle(title);
    QPainter painter(&generator);
    widget.render(&painter);
    painter.end();
    return buffer.data();
}

} // namespace

QImage ChartExport::trainingImage(const QString& sessionPath)
{
    QImage result;
    withChart<TrainingChart>(sessionPath, fillTraining, [&](QWidget& w) { result = image(w); });
    return result;
}

QImage ChartExport::sparsityImage(const QString& sessionPath)
{
    QImage result;
    withChart<SparsityChart>(sessionPath, fillSparsity, [&](QWidget& w) { result = image(w); });
    return result;
}

QStringList ChartExport::writePlots(const QString& sessionPath, const QString& folder)
{
    QStringList written;
    const auto save = [&](const QString& name, const QByteArray& bytes) {
        const QString file = folder + QLatin1Char('/') + name;
        workbench::Session::writeFileAtomically(file, bytes);
        written << file;
    };
    withChart<TrainingChart>(sessionPath, fillTraining, [&](QWidget& w) {
        save(QStringLiteral("training.png"), png(image(w)));
        save(QStringLiteral("training.svg"), svg(w, QStringLiteral("Loss and accuracy per epoch")));
    });
    withChart<SparsityChart>(sessionPath, fillSparsity, [&](QWidget& w) {
        save(QStringLiteral("sparsity.png"), png(image(w)));
        save(QStringLiteral("sparsity.svg"), svg(w, QStringLiteral("Accuracy against weights remaining")));
    });
    installPngRenderer();
    const workbench::SessionExporter exporter(workbench::Session::open(sessionPath));
    written << workbench::SvgChart::writePlots(folder, exporter.iterationPlots() + exporter.retentionPlots());
    return written;
}

void ChartExport::installRenderer()
{
    workbench::SessionExporter::setChartRenderer({&ChartExport::writePlots, &ChartExport::writeReportPdf});
}

void ChartExport::installPngRenderer()
{
    workbench::SvgChart::setPngRenderer([](const QByteArray& document) {
        QSvgRenderer renderer(document);
        if (!renderer.isValid())
            return QByteArray();
        QImage picture(renderer.defaultSize() * 2, QImage::Format_RGB32);
        picture.fill(Qt::white);
        QPainter painter(&picture);
        painter.setRenderHint(QPainter::Antialiasing);
        renderer.render(&painter);
        painter.end();
        return png(picture);
    });
}

QImage ChartExport::widgetImage(QWidget& chart)
{
    return image(chart);
}

QByteArray ChartExport::widgetPng(QWidget& chart)
{
    return png(image(chart));
}

QByteArray ChartExport::widgetSvg(QWidget& chart, const QString& title)
{
    return svg(chart, title);
}

void ChartExport::saveChart(QWidget& chart, const QString& file, const QString& csv)
{
    const QString suffix = QFileInfo(file).suffix().toLower();
    if (suffix == QLatin1String("png"))
        workbench::Session::writeFileAtomically(file, widgetPng(chart));
    else if (suffix == QLatin1String("svg"))
        workbench::Session::writeFileAtomically(file, widgetSvg(chart, chart.accessibleName()));
    else if (suffix == QLatin1String("csv"))
        workbench::Session::writeFileAtomically(file, csv.toUtf8());
    else
        throw workbench::SessionError(
            QStringLiteral("%1: choose a file name ending in .png, .svg or .csv").arg(file).toStdString());
}

void ChartExport::writeReportPdf(const QString& sessionPath, int round, const QString& file)
{
    const workbench::Session session = workbench::Session::open(sessionPath);
    QTextDocument document;
    document.addResource(QTextDocument::ImageResource, QUrl(QStringLiteral("chart:training")),
                         trainingImage(sessionPath));
    document.addResource(QTextDocument::ImageResource, QUrl(QStringLiteral("chart:sparsity")),
                         sparsityImage(sessionPath));
    document.setHtml(workbench::SessionExporter(session).reportHtml(round, true));
    QBuffer buffer;
    buffer.open(QIODevice::WriteOnly);
    {
        QPdfWriter writer(&buffer);
        writer.setPageSize(QPageSize(QPageSize::A4));
        writer.setResolution(150);
        writer.setTitle(QStringLiteral("PruneLab report: ") + session.name());
        document.setPageSize(QSizeF(writer.width(), writer.height()));
        document.print(&writer);
    }
    workbench::Session::writeFileAtomically(file, buffer.data());
}

} // namespace prunelab::ui
