#include "ui/MaskHeatmapWidget.h"

#include "ui/ChartContextMenu.h"

#include <QPainter>
#include <QTimer>

#include <algorithm>
#include <cmath>

namespace prunelab::ui {

namespace {

/// Kept share 0 (all pruned) → near black, 1 (all kept) → a light yellow, through the "inferno"-like ramp.
QRgb keptColour(float kept)
{
    const double t = std::clamp(double(kept), 0.0, 1.0);
    const int r = int(std::lround(20 + 235 * std::pow(t, 0.6)));
    const int g = int(std::lround(10 + 225 * t * t));
    const int b = int(std::lround(40 + 120 * t * (1.0 - t) * 2.0 + 40 * t));
    return qRgb(std::min(r, 255), std::min(g, 255), std::min(b, 255));
}

} // namespace

MaskHeatmapWidget::MaskHeatmapWidget(QWidget* parent) : QWidget(parent)
{
    setAccessibleName(tr("Pruning mask heatmap of the chosen layer"));
    setToolTip(tr("Share of weights kept per block of the weight matrix: dark = pruned, light = kept.\n"
                  "Rows are output units, columns are inputs."));
    setAutoFillBackground(true);
    ChartContextMenu::install(this, QStringLiteral("mask-heatmap"), [this] { return toCsv(); });
    refreshTimer_ = new QTimer(this);
    refreshTimer_->setInterval(40);
    connect(refreshTimer_, &QTimer::timeout, this, &MaskHeatmapWidget::refresh);
    refreshTimer_->start();
    clear();
}

void MaskHeatmapWidget::addRound(const workbench::RoundStats& stats)
{
    if (stats.layers.isEmpty())
        return;
    layers_ = stats.layers;
    round_ = stats.round;
    dirty_ = true;
}

void MaskHeatmapWidget::setLayer(int layer)
{
    layer_ = std::max(0, layer);
    dirty_ = true;
}

void MaskHeatmapWidget::clear()
{
    layers_.clear();
    round_ = -1;
    dirty_ = true;
    refresh();
}

void MaskHeatmapWidget::refresh()
{
    if (!dirty_)
        return;
    dirty_ = false;
    image_ = QImage();
    if (layer_ < layers_.size()) {
        const workbench::LayerStats& layer = layers_[layer_];
        if (layer.maskRows > 0 && layer.maskCols > 0 &&
            layer.maskImage.size() >= qsizetype(layer.maskRows) * layer.maskCols) {
            image_ = QImage(layer.maskCols, layer.maskRows, QImage::Format_RGB32);
            for (int y = 0; y < layer.maskRows; ++y) {
                auto* line = reinterpret_cast<QRgb*>(image_.scanLine(y));
                for (int x = 0; x < layer.maskCols; ++x)
                    line[x] = keptColour(layer.maskImage[qsizetype(y) * layer.maskCols + x]);
            }
        }
        caption_ = tr("Mask of %1 after round %2: %3 % pruned (%4 of %5 weights kept)")
                       .arg(layer.name)
                       .arg(round_)
                       .arg(layer.sparsity * 100.0, 0, 'f', 1)
                       .arg(layer.kept)
                       .arg(layer.total);
    } else {
        caption_ = tr("Mask heatmap: appears after the first round (dark = pruned)");
    }
    update();
}

void MaskHeatmapWidget::paintEvent(QPaintEvent*)
{
    QPainter painter(this);
    painter.fillRect(rect(), palette().window());
    const QFontMetrics metrics(font());
    const int captionHeight = metrics.height() * 2 + 6;
    painter.setPen(palette().windowText().color());
    painter.drawText(QRect(6, 2, width() - 12, captionHeight), Qt::AlignLeft | Qt::AlignVCenter | Qt::TextWordWrap,
                     caption_);
    const int legendHeight = metrics.height() + 10;
    const QRect area(6, captionHeight + 4, width() - 12, height() - captionHeight - legendHeight - 10);
    if (area.width() < 10 || area.height() < 10)
        return;
    if (!image_.isNull()) {
        // Keep the matrix's shape when it is not too elongated; cells stay crisp (no smoothing).
        QSize target = image_.size().scaled(area.size(), Qt::KeepAspectRatio);
        if (target.width() < area.width() / 3 || target.height() < area.height() / 3)
            target = area.size();
        const QRect cell(area.topLeft() +
                             QPoint((area.width() - target.width()) / 2, (area.height() - target.height()) / 2),
                         target);
        painter.drawImage(cell, image_);
        painter.setPen(QPen(palette().mid().color(), 1));
        painter.drawRect(cell.adjusted(0, 0, -1, -1));
    } else {
        painter.setPen(QPen(palette().mid().color(), 1, Qt::DashLine));
        painter.drawRect(area.adjusted(0, 0, -1, -1));
    }
    // Colour legend: pruned … kept.
    const int barY = height() - legendHeight;
    const QRect bar(6 + metrics.horizontalAdvance(tr("pruned")) + 8, barY + 3, std::max(40, width() / 3),
                    metrics.height() - 4);
    painter.setPen(palette().windowText().color());
    painter.drawText(QPoint(6, barY + metrics.ascent()), tr("pruned"));
    for (int x = 0; x < bar.width(); ++x) {
        painter.setPen(QColor(keptColour(float(x) / float(std::max(1, bar.width() - 1)))));
        painter.drawLine(bar.left() + x, bar.top(), bar.left() + x, bar.bottom());
    }
    painter.setPen(palette().windowText().color());
    painter.drawText(QPoint(bar.right() + 8, barY + metrics.ascent()), tr("all kept"));
}

QString MaskHeatmapWidget::toCsv() const
{
    QString csv = QStringLiteral("layer,round,row,column,kept_fraction\n");
    if (layer_ >= layers_.size())
        return csv;
    const workbench::LayerStats& layer = layers_[layer_];
    for (int y = 0; y < layer.maskRows; ++y)
        for (int x = 0; x < layer.maskCols; ++x)
            csv += QStringLiteral("%1,%2,%3,%4,%5\n")
                       .arg(layer.name)
                       .arg(round_)
                       .arg(y)
                       .arg(x)
                       .arg(double(layer.maskImage.value(qsizetype(y) * layer.maskCols + x)), 0, 'g', 6);
    return csv;
}

} // namespace prunelab::ui
