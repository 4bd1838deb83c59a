#include "ui/MaskHeatmapWidget.h"

#include "ui/charts/ChartContextMenu.h"

#include <QCheckBox>
#include <QKeyEvent>
#include <QMouseEvent>
#include <QPainter>
#include <QTimer>
#include <QToolTip>
#include <QWheelEvent>

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
    setWhatsThis(tr("Share of weights kept per block of the weight matrix: dark = pruned, light = kept. Rows are "
                    "output units, columns are inputs; a small convolution shows each filter's kernels. Wheel to "
                    "zoom, drag to pan, double-click to see it whole; Ctrl+click a row of the first layer to see that "
                    "neuron in the input map."));
    setAutoFillBackground(true);
    setMouseTracking(true);          // the tooltip names the weight under the cursor
    setFocusPolicy(Qt::StrongFocus); // + − 0 and the arrows
    setCursor(Qt::OpenHandCursor);
    ChartContextMenu::install(this, QStringLiteral("mask-heatmap"), [this] { return toCsv(); });
    refreshTimer_ = new QTimer(this);
    refreshTimer_->setInterval(40);
    connect(refreshTimer_, &QTimer::timeout, this, &MaskHeatmapWidget::refresh);
    refreshTimer_->start();
    orderCheck_ = new QCheckBox(tr("&Order by kept share"), this);
    orderCheck_->setObjectName(QStringLiteral("heatmapOrderCheck"));
    orderCheck_->setAccessibleName(tr("Order the heatmap's rows and columns by kept share"));
    orderCheck_->setToolTip(tr("Sort the outputs (rows) and inputs (columns) by the share of their weights kept, most "
                               "kept first: kept and pruned weights form blocks instead of a smear. The tooltip still "
                               "names each weight's own output and input."));
    orderCheck_->setFocusPolicy(Qt::TabFocus);
    connect(orderCheck_, &QCheckBox::toggled, this, &MaskHeatmapWidget::setOrdered);
    clear();
}

void MaskHeatmapWidget::setOrdered(bool ordered)
{
    if (orderCheck_->isChecked() != ordered)
        orderCheck_->setChecked(ordered); // comes back here through toggled
    if (ordered_ == ordered)
        return;
    ordered_ = ordered;
    dirty_ = true;
    refresh();
}

QList<double> MaskHeatmapWidget::shownRowShares() const
{
    QList<double> shares;
    if (image_.isNull() || kernelGrid_ || layer_ >= layers_.size())
        return shares;
    const workbench::LayerStats& layer = layers_[layer_];
    const QList<float>& cells = showsOrdered_ ? layer.orderedMaskImage : layer.maskImage;
    for (int y = 0; y < layer.maskRows; ++y) {
        double sum = 0.0;
        for (int x = 0; x < layer.maskCols; ++x)
            sum += double(cells.value(qsizetype(y) * layer.maskCols + x));
        shares.append(sum / double(std::max(1, layer.maskCols)));
    }
    return shares;
}

void MaskHeatmapWidget::resizeEvent(QResizeEvent* event)
{
    QWidget::resizeEvent(event);
    const QSize hint = orderCheck_->sizeHint();
    orderCheck_->setGeometry(width() - hint.width() - 6, height() - hint.height() - 2, hint.width(), hint.height());
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
    const bool sameShape = !image_.isNull();
    const QSize before = image_.size();
    image_ = QImage();
    kernelGrid_ = false;
    showsOrdered_ = false;
    stretched_ = false;
    if (layer_ < layers_.size()) {
        const workbench::LayerStats& layer = layers_[layer_];
        const int rows = layer.maskRows, cols = layer.maskCols;
        if (rows > 0 && cols > 0 && layer.maskImage.size() >= qsizetype(rows) * cols) {
            const QList<qint64>& shape = layer.shape;
            kernelGrid_ = shape.size() == 4 && shape[0] == rows && shape[1] * shape[2] * shape[3] == cols &&
                          shape[2] * shape[3] > 1;
            if (kernelGrid_) {
                // Filter f, channel c: a kh × kw tile at row f, column c, a one-pixel gap between tiles. With one input
                // channel (a first layer on grey images) the filters wrap into a square-ish block instead of a column.
                kernelChannels_ = int(shape[1]);
                kernelHeight_ = int(shape[2]);
                kernelWidth_ = int(shape[3]);
                gridColumns_ = kernelChannels_ > 1 ? kernelChannels_ : int(std::ceil(std::sqrt(double(rows))));
                const int gridRows = kernelChannels_ > 1 ? rows : (rows + gridColumns_ - 1) / gridColumns_;
                image_ = QImage(gridColumns_ * (kernelWidth_ + 1) - 1, gridRows * (kernelHeight_ + 1) - 1,
                                QImage::Format_RGB32);
                image_.fill(palette().color(QPalette::Mid));
                for (int f = 0; f < rows; ++f)
                    for (int c = 0; c < kernelChannels_; ++c) {
                        const QPoint tile = tileOf(f, c);
                        for (int y = 0; y < kernelHeight_; ++y)
                            for (int x = 0; x < kernelWidth_; ++x)
                                image_.setPixel(
                                    tile.x() * (kernelWidth_ + 1) + x, tile.y() * (kernelHeight_ + 1) + y,
                                    keptColour(layer.maskImage[qsizetype(f) * cols +
                                                               (c * kernelHeight_ + y) * kernelWidth_ + x]));
                    }
            } else {
                showsOrdered_ = ordered_ && layer.orderedMaskImage.size() >= qsizetype(rows) * cols &&
                                !layer.orderedRows.isEmpty() && !layer.orderedColumns.isEmpty();
                const QList<float>& cells = showsOrdered_ ? layer.orderedMaskImage : layer.maskImage;
                // Averaged blocks of a big matrix all keep about the same share (20 ± 10 % at 80 % pruned): the
                // colours span the shares there are, and the legend names them.
                const auto [lowest, highest] =
                    std::minmax_element(cells.begin(), cells.begin() + qsizetype(rows) * cols);
                lowShare_ = double(*lowest);
                highShare_ = double(*highest);
                stretched_ = highShare_ - lowShare_ > 1e-6 && highShare_ - lowShare_ < 0.999;
                if (!stretched_)
                    lowShare_ = 0.0, highShare_ = 1.0;
                image_ = QImage(cols, rows, QImage::Format_RGB32);
                for (int y = 0; y < rows; ++y) {
                    auto* line = reinterpret_cast<QRgb*>(image_.scanLine(y));
                    for (int x = 0; x < cols; ++x)
                        line[x] = keptColour(
                            float((double(cells[qsizetype(y) * cols + x]) - lowShare_) / (highShare_ - lowShare_)));
                }
            }
        }
        caption_ = tr("Mask of %1 after round %2: %3 % pruned (%4 of %5 weights kept)")
                       .arg(layer.name)
                       .arg(round_)
                       .arg(layer.sparsity * 100.0, 0, 'f', 1)
                       .arg(layer.kept)
                       .arg(layer.total);
        if (kernelGrid_)
            caption_ +=
                kernelChannels_ > 1
                    ? tr("; a row per filter, a %1×%2 kernel per input channel").arg(kernelHeight_).arg(kernelWidth_)
                    : tr("; each %1×%2 tile one filter's kernel").arg(kernelHeight_).arg(kernelWidth_);
        if (showsOrdered_)
            caption_ += tr("; rows and columns ordered by kept share, most kept first");
    } else {
        caption_ = tr("Mask heatmap: appears after the first round (dark = pruned)");
    }
    if (!sameShape || image_.size() != before) // a new layer: shown whole; the next round of the same: as it was
        resetView();
    update();
}

QPoint MaskHeatmapWidget::tileOf(int filter, int channel) const
{
    return kernelChannels_ > 1 ? QPoint(channel, filter) : QPoint(filter % gridColumns_, filter / gridColumns_);
}

QRect MaskHeatmapWidget::drawingArea() const
{
    const QFontMetrics metrics(font());
    const int captionHeight = metrics.height() * 2 + 6; // two lines of caption above, the colour legend below
    const int legendHeight = metrics.height() + 10;
    return QRect(6, captionHeight + 4, width() - 12, height() - captionHeight - legendHeight - 10);
}

QRectF MaskHeatmapWidget::fittedRect() const
{
    const QRect area = drawingArea();
    if (image_.isNull() || area.width() < 10 || area.height() < 10)
        return area;
    // Keep the matrix's shape when it is not too elongated; cells stay crisp (no smoothing).
    QSize target = image_.size().scaled(area.size(), Qt::KeepAspectRatio);
    if (!kernelGrid_ && (target.width() < area.width() / 3 || target.height() < area.height() / 3))
        target = area.size();
    return QRectF(area.topLeft() +
                      QPointF((area.width() - target.width()) / 2.0, (area.height() - target.height()) / 2.0),
                  QSizeF(target));
}

QRectF MaskHeatmapWidget::shownRect() const
{
    const QRectF fitted = fittedRect();
    return QRectF(fitted.topLeft() + pan_, fitted.size() * zoom_);
}

void MaskHeatmapWidget::zoomBy(double factor, QPointF anchor)
{
    const double zoom = std::clamp(zoom_ * factor, 1.0, 64.0);
    const QRectF shown = shownRect();
    // The point under the anchor stays under it.
    const QPointF relative = (anchor - shown.topLeft()) / zoom_;
    zoom_ = zoom;
    pan_ = anchor - relative * zoom_ - fittedRect().topLeft();
    if (zoom_ == 1.0)
        pan_ = {};
    update();
}

void MaskHeatmapWidget::panBy(QPointF delta)
{
    if (zoom_ == 1.0)
        return;
    pan_ += delta;
    // Never lose the image entirely: a quarter of the area stays covered.
    const QRectF fitted = fittedRect();
    const QSizeF size = fitted.size() * zoom_;
    pan_.setX(std::clamp(pan_.x(), fitted.width() * 0.75 - size.width(), fitted.width() * 0.25));
    pan_.setY(std::clamp(pan_.y(), fitted.height() * 0.75 - size.height(), fitted.height() * 0.25));
    update();
}

void MaskHeatmapWidget::resetView()
{
    zoom_ = 1.0;
    pan_ = {};
    update();
}

QString MaskHeatmapWidget::describeAt(QPointF position) const
{
    const QRectF shown = shownRect();
    if (image_.isNull() || layer_ >= layers_.size() || !shown.contains(position))
        return {};
    const workbench::LayerStats& layer = layers_[layer_];
    const int px = int((position.x() - shown.left()) / shown.width() * image_.width());
    const int py = int((position.y() - shown.top()) / shown.height() * image_.height());
    if (kernelGrid_) {
        const int tileRow = py / (kernelHeight_ + 1), y = py % (kernelHeight_ + 1);
        const int tileColumn = px / (kernelWidth_ + 1), x = px % (kernelWidth_ + 1);
        const int f = kernelChannels_ > 1 ? tileRow : tileRow * gridColumns_ + tileColumn;
        const int c = kernelChannels_ > 1 ? tileColumn : 0;
        if (y == kernelHeight_ || x == kernelWidth_ || f >= layer.maskRows || c >= kernelChannels_)
            return {};
        const float kept =
            layer.maskImage.value(qsizetype(f) * layer.maskCols + (c * kernelHeight_ + y) * kernelWidth_ + x);
        return tr("filter %1, input channel %2, kernel position (%3, %4): %5")
            .arg(f)
            .arg(c)
            .arg(y)
            .arg(x)
            .arg(kept > 0.5f ? tr("kept") : tr("pruned"));
    }
    const int row = std::clamp(py, 0, layer.maskRows - 1), col = std::clamp(px, 0, layer.maskCols - 1);
    const float kept = layer.maskImage.value(qsizetype(row) * layer.maskCols + col);
    if (showsOrdered_) {
        // The weight under the cursor in the sorted full matrix, named by its own output and input.
        const double fx = std::clamp((position.x() - shown.left()) / shown.width(), 0.0, 1.0 - 1e-9);
        const double fy = std::clamp((position.y() - shown.top()) / shown.height(), 0.0, 1.0 - 1e-9);
        const qint32 output = layer.orderedRows.value(qsizetype(fy * double(layer.orderedRows.size())));
        const qint32 input = layer.orderedColumns.value(qsizetype(fx * double(layer.orderedColumns.size())));
        const float share = layer.orderedMaskImage.value(qsizetype(row) * layer.maskCols + col);
        const bool perWeight =
            layer.orderedRows.size() == layer.maskRows && layer.orderedColumns.size() == layer.maskCols;
        return perWeight
                   ? tr("output %1, input %2: %3").arg(output).arg(input).arg(share > 0.5f ? tr("kept") : tr("pruned"))
                   : tr("output %1, input %2 (ordered block row %3, column %4: %5 % of its weights kept)")
                         .arg(output)
                         .arg(input)
                         .arg(row)
                         .arg(col)
                         .arg(double(share) * 100.0, 0, 'f', 1);
    }
    const bool cellPerWeight =
        layer.shape.size() == 2 && layer.shape[0] == layer.maskRows && layer.shape[1] == layer.maskCols;
    return cellPerWeight ? tr("output %1, input %2: %3").arg(row).arg(col).arg(kept > 0.5f ? tr("kept") : tr("pruned"))
                         : tr("block row %1, column %2: %3 % of its weights kept")
                               .arg(row)
                               .arg(col)
                               .arg(double(kept) * 100.0, 0, 'f', 1);
}

void MaskHeatmapWidget::wheelEvent(QWheelEvent* event)
{
    if (image_.isNull())
        return;
    zoomBy(std::pow(1.25, event->angleDelta().y() / 120.0), event->position());
    event->accept();
}

int MaskHeatmapWidget::unitAt(QPointF position) const
{
    const QRectF shown = shownRect();
    if (image_.isNull() || kernelGrid_ || layer_ >= layers_.size() || !shown.contains(position))
        return -1;
    const workbench::LayerStats& layer = layers_[layer_];
    const double fy = std::clamp((position.y() - shown.top()) / shown.height(), 0.0, 1.0 - 1e-9);
    if (showsOrdered_)
        return layer.orderedRows.value(qsizetype(fy * double(layer.orderedRows.size())), -1);
    const qint64 rows = layer.shape.isEmpty() ? layer.maskRows : layer.shape.first();
    return int(fy * double(rows)); // the plain image's blocks are runs of consecutive rows
}

void MaskHeatmapWidget::mousePressEvent(QMouseEvent* event)
{
    if (event->button() != Qt::LeftButton)
        return QWidget::mousePressEvent(event);
    if (event->modifiers() & Qt::ControlModifier) {
        if (const int unit = unitAt(event->position()); unit >= 0)
            emit unitChosen(layer_, unit);
        return;
    }
    dragging_ = true;
    dragFrom_ = event->position();
    setCursor(Qt::ClosedHandCursor);
}

void MaskHeatmapWidget::mouseMoveEvent(QMouseEvent* event)
{
    if (dragging_) {
        panBy(event->position() - dragFrom_);
        dragFrom_ = event->position();
        return;
    }
    const QString text = describeAt(event->position());
    if (text.isEmpty())
        QToolTip::hideText();
    else
        QToolTip::showText(event->globalPosition().toPoint(), text, this);
}

void MaskHeatmapWidget::mouseReleaseEvent(QMouseEvent* event)
{
    if (event->button() == Qt::LeftButton) {
        dragging_ = false;
        setCursor(Qt::OpenHandCursor);
    }
}

void MaskHeatmapWidget::mouseDoubleClickEvent(QMouseEvent*)
{
    resetView();
}

void MaskHeatmapWidget::keyPressEvent(QKeyEvent* event)
{
    const QPointF centre = shownRect().center();
    const double step = 24.0;
    switch (event->key()) {
    case Qt::Key_Plus:
    case Qt::Key_Equal:
        zoomBy(1.25, centre);
        break;
    case Qt::Key_Minus:
        zoomBy(0.8, centre);
        break;
    case Qt::Key_0:
        resetView();
        break;
    case Qt::Key_Left:
        panBy({step, 0});
        break;
    case Qt::Key_Right:
        panBy({-step, 0});
        break;
    case Qt::Key_Up:
        panBy({0, step});
        break;
    case Qt::Key_Down:
        panBy({0, -step});
        break;
    default:
        QWidget::keyPressEvent(event);
    }
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
    const QRect area = drawingArea();
    if (area.width() < 10 || area.height() < 10)
        return;
    if (!image_.isNull()) {
        painter.save();
        painter.setClipRect(area);
        const QRectF shown = shownRect();
        painter.drawImage(shown, image_); // cells stay crisp: no smoothing
        painter.setPen(QPen(palette().mid().color(), 1));
        painter.drawRect(shown.adjusted(0, 0, -1, -1));
        painter.restore();
        if (zoom_ > 1.0)
            painter.drawText(area.adjusted(4, 2, -4, -2), Qt::AlignRight | Qt::AlignTop,
                             tr("%1× (double-click: whole mask)").arg(zoom_, 0, 'f', 1));
    } else {
        painter.setPen(QPen(palette().mid().color(), 1, Qt::DashLine));
        painter.drawRect(area.adjusted(0, 0, -1, -1));
    }
    // Colour legend: pruned … kept, or the kept shares at both ends when the colours span fewer.
    const int barY = height() - legendHeight;
    const QString low = stretched_ ? tr("%1 % kept").arg(lowShare_ * 100.0, 0, 'f', 0) : tr("pruned");
    const QString high = stretched_ ? tr("%1 %").arg(highShare_ * 100.0, 0, 'f', 0) : tr("all kept");
    // The bar leaves room on the right for the "order by kept share" box.
    const int room =
        width() - orderCheck_->width() - metrics.horizontalAdvance(low) - metrics.horizontalAdvance(high) - 40;
    const QRect bar(6 + metrics.horizontalAdvance(low) + 8, barY + 3, std::max(40, std::min(width() / 3, room)),
                    metrics.height() - 4);
    painter.setPen(palette().windowText().color());
    painter.drawText(QPoint(6, barY + metrics.ascent()), low);
    for (int x = 0; x < bar.width(); ++x) {
        painter.setPen(QColor(keptColour(float(x) / float(std::max(1, bar.width() - 1)))));
        painter.drawLine(bar.left() + x, bar.top(), bar.left() + x, bar.bottom());
    }
    painter.setPen(palette().windowText().color());
    painter.drawText(QPoint(bar.right() + 8, barY + metrics.ascent()), high);
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
