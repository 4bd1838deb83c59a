#pragma once

#include <QList>
#include <QStringList>
#include <QWidget>

class QChart;
class QChartView;

namespace prunelab::ui {

/// Images per class as a bar chart or a pie chart (the Dataset page's class balance). Right-click saves PNG, SVG or
/// the counts as CSV.
class ClassBalanceChart : public QWidget {
    Q_OBJECT
public:
    enum class Style { Bars, Pie };
    explicit ClassBalanceChart(Style style, QWidget* parent = nullptr);

    void setCounts(const QStringList& classes, const QList<qsizetype>& counts);
    int plottedClasses() const { return int(classes_.size()); }
    /// class,images,share_percent
    QString toCsv() const;

private:
    Style style_;
    QChart* chart_ = nullptr;
    QChartView* view_ = nullptr;
    QStringList classes_;
    QList<qsizetype> counts_;
};

} // namespace prunelab::ui
