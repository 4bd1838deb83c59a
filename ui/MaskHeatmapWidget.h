#pragma once

#include "core/workbench/RunTypes.h"

#include <QImage>
#include <QList>
#include <QWidget>

class QCheckBox;
class QTimer;

namespace prunelab::ui {

/// One layer's pruning mask as a heatmap: each cell is the share of weights kept in that block of the weight matrix
/// (LayerStats::maskImage, downsampled by the job), light where weights are kept, dark where they are pruned.
/// Rows are output units, columns inputs. A convolution whose mask came whole is drawn as a grid of kernels: one row
/// per filter, one kh × kw tile per input channel (one input channel: the filters' kernels side by side). The wheel (or
/// + and −) zooms around the cursor, dragging (or the arrow keys) pans, a double click (or 0) shows the whole mask
/// again; the cell under the cursor is named in a tooltip. Updated on a coalescing timer (~25 Hz). A big matrix
/// averaged down is often a uniform smear: "Order by kept share" (a check box in the corner) draws it with its rows and
/// columns sorted by their kept share (LayerStats::orderedMaskImage), so that kept and pruned weights form blocks; the
/// tooltip still names the original output and input under the cursor. Kernel grids are never reordered.
class MaskHeatmapWidget : public QWidget {
    Q_OBJECT
public:
    explicit MaskHeatmapWidget(QWidget* parent = nullptr);

    void addRound(const workbench::RoundStats& stats);
    void setLayer(int layer);
    void clear();

    /// Cells of the mask currently drawn (0 before the first pruning round has been drawn).
    int paintedCells() const { return image_.isNull() ? 0 : image_.width() * image_.height(); }
    /// row, column, kept_fraction for the shown layer.
    QString toCsv() const;
    /// Whether the shown layer is drawn as a grid of convolution kernels.
    bool showsKernelGrid() const { return kernelGrid_; }
    double zoom() const { return zoom_; }
    /// Zooms by `factor` around `anchor` (widget coordinates), within 1× … 64×.
    void zoomBy(double factor, QPointF anchor);
    void panBy(QPointF delta);
    void resetView();
    /// Rows and columns sorted by kept share, most kept first (matrix-drawn layers that come with the ordering).
    void setOrdered(bool ordered);
    bool isOrdered() const { return ordered_; }
    /// Whether the drawn image is the ordered one.
    bool showsOrdered() const { return showsOrdered_; }
    /// The mean kept share of each drawn row, top to bottom (the ordered view's are non-increasing).
    QList<double> shownRowShares() const;
    /// The tooltip's text at `position` (widget coordinates); empty outside the mask.
    QString describe(QPointF position) const { return describeAt(position); }
    /// The output unit (original row of the weight matrix) under `position`, -1 outside it or on a kernel grid.
    int unitAt(QPointF position) const;

signals:
    /// Ctrl+click on a row: unit `unit` of layer `layer` (the Run page shows a first layer's neuron in the input map).
    void unitChosen(int layer, int unit);

public:
    QSize sizeHint() const override { return {360, 300}; }
    QSize minimumSizeHint() const override { return {240, 200}; }

protected:
    void paintEvent(QPaintEvent* event) override;
    void wheelEvent(QWheelEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void mouseReleaseEvent(QMouseEvent* event) override;
    void mouseDoubleClickEvent(QMouseEvent* event) override;
    void keyPressEvent(QKeyEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;

private:
    void refresh();
    /// Between the caption and the colour legend: where the mask is drawn.
    QRect drawingArea() const;
    /// Where the whole image goes at zoom 1 (inside the drawing area), and where it is with the zoom and pan.
    QRectF fittedRect() const;
    /// The kernel grid's tile (column, row) of filter `filter`, input channel `channel`.
    QPoint tileOf(int filter, int channel) const;
    QRectF shownRect() const;
    /// The caption's text for the weight under `position`, empty outside the image.
    QString describeAt(QPointF position) const;

    QList<workbench::LayerStats> layers_;
    int round_ = -1;
    int layer_ = 0;
    bool dirty_ = false;
    QImage image_;
    bool kernelGrid_ = false;
    int kernelHeight_ = 0, kernelWidth_ = 0, kernelChannels_ = 0;
    int gridColumns_ = 0; ///< tiles per row of the kernel grid
    QString caption_;
    double zoom_ = 1.0;
    QPointF pan_; ///< offset of the zoomed image, widget pixels
    QPointF dragFrom_;
    bool dragging_ = false;
    QTimer* refreshTimer_ = nullptr;
    QCheckBox* orderCheck_ = nullptr;
    bool ordered_ = false;
    bool showsOrdered_ = false;
    bool stretched_ = false;                  ///< the colours span lowShare_ … highShare_, not 0 … 1
    double lowShare_ = 0.0, highShare_ = 1.0; ///< kept shares at the two ends of the colour scale
};

} // namespace prunelab::ui
