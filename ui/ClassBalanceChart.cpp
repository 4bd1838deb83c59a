#include "ui/ClassBalanceChart.h"

#include "ui/charts/ChartContextMenu.h"
#include "ui/charts/Palette.h"

#include <QBarCategoryAxis>
#include <QBarSet>
#include <QChart>
#include <QChartView>
#include <QHorizontalBarSeries>
#include <QLegend>
#include <QPieSeries>
#include <QPieSlice>
#include <QVBoxLayout>
#include <QValueAxis>

#include <algorithm>
#include <numeric>

namespace prunelab::ui {

ClassBalanceChart::ClassBalanceChart(Style style, QWidget* parent) : QWidget(parent), style_(style)
{
    chart_ = new QChart;
    chart_->setAnimationOptions(QChart::NoAnimation);
    chart_->legend()->setVisible(style == Style::Pie);
    chart_->legend()->setAlignment(Qt::AlignRight);
    chart_->setMargins(QMargins(4, 4, 4, 4));
    auto* view = view_ = new QChartView(chart_, this);
    view->setRenderHint(QPainter::Antialiasing);
    view->setMinimumSize(240, 160);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(view);
    palette::follow(view);
    ChartContextMenu::install(
        view, style == Style::Pie ? QStringLiteral("class-balance-pie") : QStringLiteral("class-balance"),
        [this] { return toCsv(); });
}

void ClassBalanceChart::setCounts(const QStringList& classes, const QList<qsizetype>& counts)
{
    classes_ = classes;
    counts_ = counts;
    chart_->removeAllSeries();
    for (QAbstractAxis* axis : chart_->axes()) {
        chart_->removeAxis(axis);
        delete axis;
    }
    const qsizetype total = std::accumulate(counts.begin(), counts.end(), qsizetype(0));
    if (style_ == Style::Pie) {
        auto* series = new QPieSeries;
        for (qsizetype c = 0; c < classes.size(); ++c) {
            QPieSlice* slice = series->append(
                tr("%1 (%2 %)")
                    .arg(classes[c])
                    .arg(100.0 * double(counts.value(c)) / double(std::max<qsizetype>(1, total)), 0, 'f', 1),
                double(counts.value(c)));
            slice->setLabelVisible(false);
        }
        chart_->addSeries(series);
        palette::apply(view_);
        return;
    }
    // Bars, first class at the top, like the table beside them.
    auto* set = new QBarSet(tr("images"));
    QStringList categories;
    for (qsizetype c = classes.size() - 1; c >= 0; --c) {
        *set << double(counts.value(c));
        categories << classes[c];
    }
    set->setColor(QColor(0x1f, 0x77, 0xb4));
    auto* series = new QHorizontalBarSeries;
    series->append(set);
    series->setLabelsVisible(true);
    series->setLabelsPosition(QAbstractBarSeries::LabelsInsideEnd);
    chart_->addSeries(series);
    auto* classAxis = new QBarCategoryAxis;
    classAxis->append(categories);
    auto* countAxis = new QValueAxis;
    const qsizetype largest = counts.isEmpty() ? 1 : *std::max_element(counts.begin(), counts.end());
    countAxis->setRange(0, double(std::max<qsizetype>(1, largest)) * 1.05);
    countAxis->setLabelFormat(QStringLiteral("%d"));
    countAxis->setTitleText(tr("images"));
    chart_->addAxis(classAxis, Qt::AlignLeft);
    chart_->addAxis(countAxis, Qt::AlignBottom);
    series->attachAxis(classAxis);
    series->attachAxis(countAxis);
    palette::apply(view_); // new axes take the palette's colours
}

QString ClassBalanceChart::toCsv() const
{
    const qsizetype total = std::accumulate(counts_.begin(), counts_.end(), qsizetype(0));
    QString csv = QStringLiteral("class,images,share_percent\n");
    for (qsizetype c = 0; c < classes_.size(); ++c) {
        QString name = classes_[c];
        name.replace(QLatin1Char('"'), QLatin1String("\"\""));
        csv += QStringLiteral("\"%1\",%2,%3\n")
                   .arg(name)
                   .arg(counts_.value(c))
                   .arg(100.0 * double(counts_.value(c)) / double(std::max<qsizetype>(1, total)), 0, 'f', 2);
    }
    return csv;
}

} // namespace prunelab::ui
