#include "ui/charts/SparsityChart.h"

#include "ui/charts/ChartContextMenu.h"
#include "ui/charts/Palette.h"

#include <QAreaSeries>
#include <QChart>
#include <QChartView>
#include <QEvent>
#include <QGraphicsSimpleTextItem>
#include <QLegendMarker>
#include <QLineSeries>
#include <QLogValueAxis>
#include <QPen>
#include <QScatterSeries>
#include <QVBoxLayout>
#include <QValueAxis>

#include <algorithm>
#include <iterator>
#include <utility>

namespace prunelab::ui {

SparsityChart::SparsityChart(QWidget* parent) : QWidget(parent)
{
    chart_ = new QChart;
    chart_->setAnimationOptions(QChart::NoAnimation);
    chart_->setTitle(tr("Accuracy vs weights remaining"));
    chart_->legend()->setAlignment(Qt::AlignBottom);

    validation_ = new QLineSeries;
    validation_->setName(tr("validation")); // the axis says accuracy: short names fit a projector
    test_ = new QLineSeries;
    test_->setName(tr("test"));
    QPen validationPen(QColor(0xff, 0x7f, 0x0e));
    validationPen.setWidthF(2.0);
    validation_->setPen(validationPen);
    QPen testPen(QColor(0x2c, 0xa0, 0x2c));
    testPen.setWidthF(2.0);
    test_->setPen(testPen);
    for (QLineSeries* s : {validation_, test_})
        s->setPointsVisible(true);

    remainingAxis_ = new QLogValueAxis;
    remainingAxis_->setTitleText(tr("weights remaining (%)"));
    remainingAxis_->setBase(10);
    remainingAxis_->setReverse(true);
    remainingAxis_->setLabelFormat(QStringLiteral("%g"));
    remainingAxis_->setRange(1, 100);
    remainingAxis_->setMinorTickCount(8);
    accuracyAxis_ = new QValueAxis;
    accuracyAxis_->setTitleText(tr("accuracy %")); // short: it stands upright beside a plot 720 lines leave short
    accuracyAxis_->setRange(0, 100);
    accuracyAxis_->setLabelFormat(QStringLiteral("%d"));
    chart_->addAxis(remainingAxis_, Qt::AlignBottom);
    chart_->addAxis(accuracyAxis_, Qt::AlignLeft);
    for (QLineSeries* s : {validation_, test_}) {
        chart_->addSeries(s);
        s->attachAxis(remainingAxis_);
        s->attachAxis(accuracyAxis_);
    }
    // The knee: a ring around its validation point, a dashed line through the plot and a label at the top, where
    // the curve seldom is. Coloured from the palette (colourKnee), not in the legend: the label says what it is.
    kneeLine_ = new QLineSeries;
    kneeLine_->setName(tr("knee"));
    kneeMarker_ = new QScatterSeries;
    kneeMarker_->setName(tr("knee"));
    kneeMarker_->setMarkerShape(QScatterSeries::MarkerShapeCircle);
    kneeMarker_->setMarkerSize(18.0);
    kneeMarker_->setBrush(Qt::NoBrush);
    for (QXYSeries* s : std::initializer_list<QXYSeries*>{kneeLine_, kneeMarker_}) {
        chart_->addSeries(s);
        s->attachAxis(remainingAxis_);
        s->attachAxis(accuracyAxis_);
        for (QLegendMarker* marker : chart_->legend()->markers(s))
            marker->setVisible(false);
    }
    kneeLabel_ = new QGraphicsSimpleTextItem(chart_);
    kneeLabel_->setZValue(10.0);
    kneeLabel_->setVisible(false);
    connect(chart_, &QChart::plotAreaChanged, this, [this] { placeKneeLabel(); });

    auto* view = new QChartView(chart_, this);
    view->setRenderHint(QPainter::Antialiasing);
    view->setMinimumSize(260, 180);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(view);
    palette::follow(view);
    ChartContextMenu::install(view, QStringLiteral("sparsity"), [this] { return toCsv(); });
    kneeLabel_->setFont(font());
    colourKnee();
}

void SparsityChart::addRound(const workbench::RoundStats& s)
{
    // A few points per run: appending directly is cheap, no coalescing needed.
    const double remaining = std::max(0.01, 100.0 * (1.0 - s.sparsity));
    validation_->append(remaining, 100.0 * s.validationAccuracy);
    if (s.hasTest)
        test_->append(remaining, 100.0 * s.testAccuracy);
    remainingAxis_->setMin(std::min(remainingAxis_->min(), std::max(0.01, remaining / 2.0)));
    workbench::RoundStats point; // what the knee needs, not the round's layers and mask images
    point.round = s.round;
    point.sparsity = s.sparsity;
    point.validationAccuracy = s.validationAccuracy;
    rounds_.append(point);
    updateKnee();
}

void SparsityChart::updateKnee()
{
    knee_ = workbench::accuracyKnee(rounds_);
    kneeMarker_->clear();
    kneeLine_->clear();
    if (knee_.found) {
        const double remaining = std::max(0.01, 100.0 * (1.0 - knee_.sparsity));
        kneeMarker_->append(remaining, 100.0 * knee_.accuracy);
        kneeLine_->append(remaining, accuracyAxis_->min());
        kneeLine_->append(remaining, accuracyAxis_->max());
    }
    kneeLabel_->setVisible(knee_.measured);
    placeKneeLabel();
}

void SparsityChart::placeKneeLabel()
{
    if (!knee_.measured)
        return;
    // Beside the knee's line at the top of the plot: to its right, or to its left where the right has no room; on
    // two lines ("knee: 90 % pruned" / "1.0 pt below dense") where one line fits on neither side (a small chart, a
    // projector's large font); never past the plot's edges.
    const QRectF area = chart_->plotArea();
    const double left = area.left() + 4.0, right = area.right() - 4.0;
    const QString text = knee_.describe();
    kneeLabel_->setText(text);
    double line = left - 6.0;
    if (knee_.found) {
        const double remaining = std::max(0.01, 100.0 * (1.0 - knee_.sparsity));
        line = chart_->mapToPosition(QPointF(remaining, accuracyAxis_->max()), kneeLine_).x();
    }
    const double roomRight = right - (line + 6.0);
    const double roomLeft = knee_.found ? (line - 6.0) - left : 0.0;
    if (kneeLabel_->boundingRect().width() > std::max(roomRight, roomLeft))
        kneeLabel_->setText(QString(text).replace(QStringLiteral(", "), QStringLiteral("\n")));
    const double width = kneeLabel_->boundingRect().width();
    double x = line + 6.0;
    if (width > roomRight && (width <= roomLeft || roomLeft > roomRight))
        x = line - 6.0 - width;
    kneeLabel_->setPos(std::clamp(x, left, std::max(left, right - width)), area.top() + 4.0);
}

void SparsityChart::colourKnee()
{
    const QColor text = palette().color(QPalette::Text);
    QColor faint = text;
    faint.setAlpha(150);
    QPen line(faint);
    line.setWidthF(1.5);
    line.setStyle(Qt::DashLine);
    kneeLine_->setPen(line);
    QPen ring(text);
    ring.setWidthF(2.0);
    kneeMarker_->setPen(ring);
    kneeMarker_->setBrush(Qt::NoBrush);
    kneeLabel_->setBrush(text);
}

void SparsityChart::changeEvent(QEvent* event)
{
    if (event->type() == QEvent::PaletteChange) {
        colourKnee();
    } else if (event->type() == QEvent::FontChange) {
        kneeLabel_->setFont(font()); // presentation mode's larger fonts
        placeKneeLabel();
    }
    QWidget::changeEvent(event);
}

void SparsityChart::setOverlays(const QList<QPair<QString, QList<workbench::RoundStats>>>& runs)
{
    for (QXYSeries* series : std::as_const(overlays_)) {
        chart_->removeSeries(series);
        delete series;
    }
    for (QXYSeries* series : std::as_const(overlayKneeMarkers_)) {
        chart_->removeSeries(series);
        delete series;
    }
    overlays_.clear();
    overlayKneeMarkers_.clear();
    overlayKnees_.clear();
    // Colours that stay apart from the current run's orange and green.
    static const QColor palette[] = {QColor(0x1f, 0x77, 0xb4), QColor(0x94, 0x67, 0xbd), QColor(0x8c, 0x56, 0x4b),
                                     QColor(0xe3, 0x77, 0xc2), QColor(0x7f, 0x7f, 0x7f), QColor(0x17, 0xbe, 0xcf)};
    for (const auto& [label, rounds] : runs) {
        auto* series = new QLineSeries;
        series->setName(label);
        QPen pen(palette[overlays_.size() % std::size(palette)]);
        pen.setWidthF(validation_->pen().widthF());
        pen.setStyle(Qt::DashLine);
        series->setPen(pen);
        series->setPointsVisible(true);
        for (const workbench::RoundStats& r : rounds) {
            const double remaining = std::max(0.01, 100.0 * (1.0 - r.sparsity));
            series->append(remaining, 100.0 * (r.hasTest ? r.testAccuracy : r.validationAccuracy));
            remainingAxis_->setMin(std::min(remainingAxis_->min(), std::max(0.01, remaining / 2.0)));
        }
        chart_->addSeries(series);
        series->attachAxis(remainingAxis_);
        series->attachAxis(accuracyAxis_);
        overlays_.append(series);
        // Its knee, as the current run's: a ring on its own line (at the accuracy that line draws) and the sparsity
        // in its legend entry, so that a class compares where each method falls off.
        const workbench::AccuracyKnee knee = workbench::accuracyKnee(rounds);
        overlayKnees_.append(knee);
        if (!knee.found)
            continue;
        series->setName(tr("%1 · knee %2 %").arg(label).arg(100.0 * knee.sparsity, 0, 'f', 0));
        const auto at = std::find_if(rounds.cbegin(), rounds.cend(),
                                     [&](const workbench::RoundStats& r) { return r.round == knee.round; });
        if (at == rounds.cend())
            continue;
        auto* ring = new QScatterSeries;
        ring->setName(tr("knee of %1").arg(label));
        ring->setMarkerShape(QScatterSeries::MarkerShapeCircle);
        ring->setMarkerSize(kneeMarker_->markerSize());
        ring->setBrush(Qt::NoBrush);
        QPen ringPen(pen.color());
        ringPen.setWidthF(2.5);
        ring->setPen(ringPen);
        ring->append(std::max(0.01, 100.0 * (1.0 - at->sparsity)),
                     100.0 * (at->hasTest ? at->testAccuracy : at->validationAccuracy));
        chart_->addSeries(ring);
        ring->attachAxis(remainingAxis_);
        ring->attachAxis(accuracyAxis_);
        for (QLegendMarker* marker : chart_->legend()->markers(ring))
            marker->setVisible(false);
        overlayKneeMarkers_.append(ring);
    }
    // Overlaid runs make a long legend: a column beside the plot keeps every label readable.
    chart_->legend()->setAlignment(overlays_.isEmpty() && bands_.isEmpty() ? Qt::AlignBottom : Qt::AlignRight);
}

void SparsityChart::setBands(const QList<QPair<QString, QList<workbench::RepeatRound>>>& variants)
{
    for (QAreaSeries* band : std::as_const(bands_)) {
        chart_->removeSeries(band);
        delete band->lowerSeries();
        delete band->upperSeries();
        delete band;
    }
    for (QLineSeries* mean : std::as_const(bandMeans_)) {
        chart_->removeSeries(mean);
        delete mean;
    }
    bands_.clear();
    bandMeans_.clear();
    static const QColor palette[] = {QColor(0x1f, 0x77, 0xb4), QColor(0x94, 0x67, 0xbd), QColor(0x8c, 0x56, 0x4b),
                                     QColor(0xe3, 0x77, 0xc2), QColor(0x7f, 0x7f, 0x7f), QColor(0x17, 0xbe, 0xcf)};
    for (const auto& [label, rounds] : variants) {
        const QColor color = palette[bands_.size() % std::size(palette)];
        bool anyTest = false;
        for (const workbench::RepeatRound& r : rounds)
            anyTest = anyTest || r.test.n > 0;
        auto* lower = new QLineSeries;
        auto* upper = new QLineSeries;
        auto* mean = new QLineSeries;
        int seeds = 0;
        for (const workbench::RepeatRound& r : rounds) {
            const workbench::Spread& accuracy = anyTest ? r.test : r.validation;
            if (accuracy.n == 0)
                continue;
            seeds = std::max(seeds, accuracy.n);
            const double remaining = std::max(0.01, 100.0 * (1.0 - r.sparsity.mean));
            lower->append(remaining, 100.0 * accuracy.min);
            upper->append(remaining, 100.0 * accuracy.max);
            mean->append(remaining, 100.0 * accuracy.mean);
            remainingAxis_->setMin(std::min(remainingAxis_->min(), std::max(0.01, remaining / 2.0)));
        }
        auto* band = new QAreaSeries(upper, lower);
        band->setName(tr("%1 min–max").arg(label));
        QColor fill = color;
        fill.setAlpha(60);
        band->setBrush(fill);
        band->setPen(Qt::NoPen);
        chart_->addSeries(band);
        band->attachAxis(remainingAxis_);
        band->attachAxis(accuracyAxis_);
        for (QLegendMarker* marker : chart_->legend()->markers(band))
            marker->setVisible(false);                     // the mean's entry names the band
        mean->setName(tr("%1 ×%2").arg(label).arg(seeds)); // short: the legend column is narrow; "×3": 3 seeds
        QPen pen(color);
        pen.setWidthF(validation_->pen().widthF());
        mean->setPen(pen);
        mean->setPointsVisible(true);
        chart_->addSeries(mean);
        mean->attachAxis(remainingAxis_);
        mean->attachAxis(accuracyAxis_);
        bands_.append(band);
        bandMeans_.append(mean);
    }
    chart_->legend()->setAlignment(overlays_.isEmpty() && bands_.isEmpty() ? Qt::AlignBottom : Qt::AlignRight);
}

QList<QPointF> SparsityChart::bandMean(int i) const
{
    return bandMeans_.value(i) ? bandMeans_[i]->points() : QList<QPointF>{};
}

QList<QPointF> SparsityChart::bandLower(int i) const
{
    return bands_.value(i) ? bands_[i]->lowerSeries()->points() : QList<QPointF>{};
}

QList<QPointF> SparsityChart::bandUpper(int i) const
{
    return bands_.value(i) ? bands_[i]->upperSeries()->points() : QList<QPointF>{};
}

void SparsityChart::clear()
{
    validation_->clear();
    test_->clear();
    remainingAxis_->setRange(1, 100);
    rounds_.clear();
    updateKnee();
}

int SparsityChart::plottedRounds() const
{
    return int(validation_->count());
}

} // namespace prunelab::ui

namespace prunelab::ui {

QString SparsityChart::toCsv() const
{
    QString csv = QStringLiteral("weights_remaining_percent,validation_accuracy_percent,test_accuracy_percent\n");
    const QList<QPointF> validation = validation_->points();
    const QList<QPointF> test = test_->points();
    for (qsizetype i = 0; i < validation.size(); ++i)
        csv += QStringLiteral("%1,%2,%3\n")
                   .arg(validation[i].x(), 0, 'g', 6)
                   .arg(validation[i].y(), 0, 'g', 6)
                   .arg(i < test.size() ? QString::number(test[i].y(), 'g', 6) : QString());
    if (!overlays_.isEmpty()) {
        csv += QStringLiteral("\nrun,weights_remaining_percent,accuracy_percent\n");
        for (const QLineSeries* series : overlays_) {
            QString name = series->name();
            name.replace(QLatin1Char('"'), QLatin1String("\"\""));
            for (const QPointF& p : series->points())
                csv += QStringLiteral("\"%1\",%2,%3\n").arg(name).arg(p.x(), 0, 'g', 6).arg(p.y(), 0, 'g', 6);
        }
    }
    return csv;
}

} // namespace prunelab::ui
