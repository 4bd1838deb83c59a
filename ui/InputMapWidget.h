#pragma once

#include "core/workbench/RunTypes.h"

#include <QImage>
#include <QList>
#include <QStringList>
#include <QWidget>

class QComboBox;
class QLabel;
class QSlider;
class QSpinBox;
class QTimer;

namespace prunelab::ui {

/// What pruning keeps of the image, for a first Linear layer that reads it (an MLP on images): side by side, a sample
/// image of the dataset, the input map (for each pixel, the share of its weights the mask keeps:
/// LayerStats::inputKept, dark = least kept, yellow = most kept, the legend naming both shares) and the kept weights
/// of one chosen neuron (at first the one that keeps the most) as an image
/// (weight × mask, red positive, blue negative, the background colour zero). On brain slices the map keeps the brain
/// and drops the background. Updated on a coalescing timer like the mask heatmap; a model whose first layer is a
/// convolution says so instead.
class InputMapWidget : public QWidget {
    Q_OBJECT
public:
    explicit InputMapWidget(QWidget* parent = nullptr);

    void addRound(const workbench::RoundStats& stats);
    /// Images of the dataset to show beside the map (one per class, say), with a name each for the chooser.
    void setSamples(const QList<QImage>& images, const QStringList& names);
    void setNeuron(int neuron);
    void clear();

    int neuron() const;
    /// The round whose map is drawn (-1: none yet); a round that arrived is drawn on the next timer tick.
    int shownRound() const { return shownRound_; }
    /// The images drawn (null before a round with an input map arrived): the map, one pixel per input pixel, and
    /// the chosen neuron's kept weights.
    QImage keptImage() const { return keptImage_; }
    QImage neuronImage() const { return neuronImage_; }
    QImage sampleImage() const;
    /// The share kept per input pixel, as the round reported it (empty without an input map).
    QList<float> keptShares() const { return layer_.inputKept; }
    /// pixel_row, pixel_column, kept_fraction of the map shown.
    QString toCsv() const;

    QSize sizeHint() const override { return {520, 300}; }
    QSize minimumSizeHint() const override { return {300, 200}; }

protected:
    void paintEvent(QPaintEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void changeEvent(QEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;

private:
    void refresh();
    /// Wide and short (a projector's lower row): the controls and the caption in a column on the left, the pictures
    /// as large as the height allows on the right. Otherwise the controls and the caption above the pictures.
    bool sideBySide() const;
    /// Places the controls for the layout sideBySide() chooses: one row above, or stacked in the left column.
    void arrange();
    /// The caption's place: above the panels (one line or two), or the left column under the controls.
    QRect captionRect() const;
    /// The three panels (sample, map, neuron) beside or below the controls, each with room for its title and legend.
    QList<QRect> panels() const;
    /// Lines the panels' titles take when they wrap to the panels' width: one to three.
    int titleLines() const;
    /// Where `image` is drawn inside `panel`, keeping its aspect ratio.
    QRect imageRect(const QRect& panel, QSize image) const;

    workbench::LayerStats layer_;
    int round_ = -1;
    int shownRound_ = -1;
    bool neuronChosen_ = false; ///< someone chose the neuron; until then the one keeping the most is shown
    bool dirty_ = false;
    QImage keptImage_;
    QImage neuronImage_;
    float neuronScale_ = 0.0f;
    double scaleLow_ = 0.0, scaleHigh_ = 1.0; ///< the kept shares at the two ends of the map's colour scale
    QString caption_;
    QString shortCaption_; ///< the caption beside the pictures, where the Layer box above names the layer
    QList<QImage> samples_;
    QWidget* controls_ = nullptr;
    bool sideBySide_ = false; ///< how arrange() last placed the controls
    QComboBox* sample_ = nullptr;
    QSpinBox* neuronSpin_ = nullptr;
    QSlider* neuronSlider_ = nullptr;
    QTimer* refreshTimer_ = nullptr;
};

} // namespace prunelab::ui
