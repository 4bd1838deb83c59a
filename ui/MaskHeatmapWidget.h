#pragma once

#include "core/workbench/RunTypes.h"

#include <QImage>
#include <QList>
#include <QWidget>

class QTimer;

namespace prunelab::ui {

/// One layer's pruning mask as a heatmap: each cell is the share of weights kept in that block of the weight matrix
/// (LayerStats::maskImage, downsampled by the job), light where weights are kept, dark where they are pruned.
/// Rows are output units, columns inputs. Updated on a coalescing timer (~25 Hz).
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

    QSize sizeHint() const override { return {360, 300}; }
    QSize minimumSizeHint() const override { return {240, 200}; }

protected:
    void paintEvent(QPaintEvent* event) override;

private:
    void refresh();

    QList<workbench::LayerStats> layers_;
    int round_ = -1;
    int layer_ = 0;
    bool dirty_ = false;
    QImage image_;
    QString caption_;
    QTimer* refreshTimer_ = nullptr;
};

} // namespace prunelab::ui
