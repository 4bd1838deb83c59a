#include "core/workbench/SvgChart.h"

#include "core/workbench/Session.h"

#include <QStringList>

#include <algorithm>
#include <mutex>

namespace prunelab::workbench {

QString SvgChart::lineChart(const QString& title, const QString& xLabel, const QString& yLabel,
                            const QList<Series>& series)
{
    const double w = 640, h = 300, left = 60, right = 150, top = 30, bottom = 40;
    double x0 = 1e300, x1 = -1e300, y0 = 1e300, y1 = -1e300;
    for (const Series& s : series)
        for (const QPointF& p : s.points) {
            x0 = std::min(x0, p.x());
            x1 = std::max(x1, p.x());
            y0 = std::min(y0, p.y());
            y1 = std::max(y1, p.y());
        }
    if (x0 > x1)
        return QStringLiteral("<p>(%1: no data)</p>").arg(title.toHtmlEscaped());
    if (x1 == x0)
        x1 = x0 + 1;
    if (y1 == y0)
        y1 = y0 + 1;
    const auto X = [&](double x) { return left + (x - x0) / (x1 - x0) * (w - left - right); };
    const auto Y = [&](double y) { return h - bottom - (y - y0) / (y1 - y0) * (h - top - bottom); };
    QString svg =
        QStringLiteral("<svg xmlns='http://www.w3.org/2000/svg' width='%1' height='%2' font-family='sans-serif' "
                       "font-size='11'><text x='%3' y='18' font-size='13' font-weight='bold'>%4</text>")
            .arg(w)
            .arg(h)
            .arg(left)
            .arg(title.toHtmlEscaped());
    svg += QStringLiteral("<rect x='%1' y='%2' width='%3' height='%4' fill='none' stroke='#999'/>")
               .arg(left)
               .arg(top)
               .arg(w - left - right)
               .arg(h - top - bottom);
    for (int i = 0; i <= 4; ++i) {
        const double yv = y0 + (y1 - y0) * i / 4.0, xv = x0 + (x1 - x0) * i / 4.0;
        svg += QStringLiteral("<text x='%1' y='%2' text-anchor='end'>%3</text>")
                   .arg(left - 4)
                   .arg(Y(yv) + 4)
                   .arg(yv, 0, 'g', 3);
        svg += QStringLiteral("<text x='%1' y='%2' text-anchor='middle'>%3</text>")
                   .arg(X(xv))
                   .arg(h - bottom + 14)
                   .arg(xv, 0, 'g', 3);
    }
    svg += QStringLiteral("<text x='%1' y='%2' text-anchor='middle'>%3</text>")
               .arg((left + w - right) / 2)
               .arg(h - 6)
               .arg(xLabel.toHtmlEscaped());
    svg += QStringLiteral("<text x='12' y='%1' transform='rotate(-90 12 %1)' text-anchor='middle'>%2</text>")
               .arg((top + h - bottom) / 2)
               .arg(yLabel.toHtmlEscaped());
    for (int i = 0; i < series.size(); ++i) {
        const Series& s = series[i];
        QStringList pts;
        for (const QPointF& p : s.points)
            pts << QStringLiteral("%1,%2").arg(X(p.x()), 0, 'f', 1).arg(Y(p.y()), 0, 'f', 1);
        svg += QStringLiteral("<polyline fill='none' stroke='%1' stroke-width='2' points='%2'/>")
                   .arg(s.color, pts.join(QLatin1Char(' ')));
        for (const QPointF& p : s.points)
            svg += QStringLiteral("<circle cx='%1' cy='%2' r='2.5' fill='%3'/>")
                       .arg(X(p.x()), 0, 'f', 1)
                       .arg(Y(p.y()), 0, 'f', 1)
                       .arg(s.color);
        svg += QStringLiteral("<rect x='%1' y='%2' width='12' height='3' fill='%3'/><text x='%4' y='%5'>%6</text>")
                   .arg(w - right + 10)
                   .arg(top + 10 + i * 16)
                   .arg(s.color)
                   .arg(w - right + 26)
                   .arg(top + 14 + i * 16)
                   .arg(s.name.toHtmlEscaped());
    }
    return svg + QStringLiteral("</svg>");
}

namespace {

std::mutex rendererMutex;
SvgChart::PngRenderer& renderer()
{
    static SvgChart::PngRenderer installed;
    return installed;
}

QString csvCell(QString text)
{
    if (text.contains(QLatin1Char(',')) || text.contains(QLatin1Char('"')))
        return QLatin1Char('"') + text.replace(QLatin1Char('"'), QStringLiteral("\"\"")) + QLatin1Char('"');
    return text;
}

} // namespace

QByteArray SvgChart::csv(const Plot& plot)
{
    QByteArray out =
        (QStringList{QStringLiteral("series"), csvCell(plot.xLabel), csvCell(plot.yLabel)}.join(QLatin1Char(',')) +
         QLatin1Char('\n'))
            .toUtf8();
    for (const Series& s : plot.series)
        for (const QPointF& p : s.points)
            out += QStringLiteral("%1,%2,%3\n")
                       .arg(csvCell(s.name))
                       .arg(p.x(), 0, 'g', 17)
                       .arg(p.y(), 0, 'g', 17)
                       .toUtf8();
    return out;
}

QByteArray SvgChart::svgDocument(const Plot& plot)
{
    return "<?xml version='1.0' encoding='UTF-8'?>\n" +
           lineChart(plot.title, plot.xLabel, plot.yLabel, plot.series).toUtf8() + '\n';
}

void SvgChart::setPngRenderer(PngRenderer r)
{
    std::lock_guard<std::mutex> lock(rendererMutex);
    renderer() = std::move(r);
}

bool SvgChart::canRenderPng()
{
    std::lock_guard<std::mutex> lock(rendererMutex);
    return bool(renderer());
}

QByteArray SvgChart::png(const QByteArray& svg)
{
    PngRenderer r;
    {
        std::lock_guard<std::mutex> lock(rendererMutex);
        r = renderer();
    }
    return r ? r(svg) : QByteArray();
}

QStringList SvgChart::writePlots(const QString& folder, const QList<Plot>& plots)
{
    QStringList written;
    for (const Plot& plot : plots) {
        if (std::all_of(plot.series.cbegin(), plot.series.cend(), [](const Series& s) { return s.points.isEmpty(); }))
            continue; // nothing to draw
        const QString stem = folder + QLatin1Char('/') + plot.name;
        const QByteArray svg = svgDocument(plot);
        Session::writeFileAtomically(stem + QStringLiteral(".svg"), svg);
        Session::writeFileAtomically(stem + QStringLiteral(".csv"), csv(plot));
        written << stem + QStringLiteral(".svg") << stem + QStringLiteral(".csv");
        const QByteArray image = png(svg);
        if (!image.isEmpty()) {
            Session::writeFileAtomically(stem + QStringLiteral(".png"), image);
            written << stem + QStringLiteral(".png");
        }
    }
    return written;
}

} // namespace prunelab::workbench
