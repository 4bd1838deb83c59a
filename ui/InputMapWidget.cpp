#include "ui/InputMapWidget.h"

#include "ui/Named.h"
#include "ui/charts/ChartContextMenu.h"

#include <QComboBox>
#include <QGridLayout>
#include <QLabel>
#include <QMouseEvent>
#include <QPainter>
#include <QSlider>
#include <QSpinBox>
#include <QTimer>
#include <QToolTip>

#include <algorithm>
#include <array>
#include <cmath>
#include <functional>

namespace prunelab::ui {

namespace {

/// Kept share 0 … 1 through a viridis-like ramp (dark violet → blue → green → yellow): light means kept, readable on
/// the light and the dark palette alike, and in grey print.
QRgb keptRamp(double t)
{
    static constexpr std::array<std::array<int, 3>, 6> stops{
        {{{68, 1, 84}}, {{65, 68, 135}}, {{42, 120, 142}}, {{34, 168, 132}}, {{122, 209, 81}}, {{253, 231, 37}}}};
    const double x = std::clamp(t, 0.0, 1.0) * double(stops.size() - 1);
    const size_t i = std::min(size_t(x), stops.size() - 2);
    const double f = x - double(i);
    const auto mix = [&](int c) { return int(std::lround(stops[i][c] + (stops[i + 1][c] - stops[i][c]) * f)); };
    return qRgb(mix(0), mix(1), mix(2));
}

/// A weight in [−1, 1] of its neuron's largest: red for positive, blue for negative, `zero` (the background) for 0.
QRgb diverging(double v, QColor zero)
{
    const QColor target = v >= 0 ? QColor(214, 39, 40) : QColor(31, 119, 220);
    const double a = std::pow(std::min(1.0, std::abs(v)), 0.7); // small weights still show
    const auto mix = [a](int from, int to) { return int(std::lround(from + (to - from) * a)); };
    return qRgb(mix(zero.red(), target.red()), mix(zero.green(), target.green()), mix(zero.blue(), target.blue()));
}

QString percent(double share)
{
    return InputMapWidget::tr("%1 %").arg(share * 100.0, 0, 'f', 0);
}

} // namespace

InputMapWidget::InputMapWidget(QWidget* parent) : QWidget(parent)
{
    setAccessibleName(tr("Input map: share of each pixel's weights kept, beside a sample image"));
    setWhatsThis(tr("For a first fully connected layer that reads the image: each pixel's share of weights the "
                    "pruning mask keeps (dark = all pruned, yellow = all kept), beside a sample image of the dataset, "
                    "and the chosen neuron's kept weights as an image (red positive, blue negative)."));
    setAutoFillBackground(true);
    setMouseTracking(true);
    ChartContextMenu::install(this, QStringLiteral("input-map"), [this] { return toCsv(); });

    controls_ = new QWidget(this);
    auto* row = new QGridLayout(controls_);
    row->setContentsMargins(0, 0, 0, 0);
    sample_ = named(new QComboBox, "inputMapSampleCombo", tr("Sample image shown beside the input map"));
    sample_->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    neuronSpin_ = named(new QSpinBox, "inputMapNeuronSpin", tr("Neuron whose kept weights are shown"));
    neuronSlider_ =
        named(new QSlider(Qt::Horizontal), "inputMapNeuronSlider", tr("Neuron whose kept weights are shown"));
    neuronSpin_->setRange(0, 0);
    neuronSlider_->setRange(0, 0);
    auto* sampleLabel = new QLabel(tr("S&ample:"), controls_);
    sampleLabel->setBuddy(sample_);
    sampleLabel->setObjectName(QStringLiteral("inputMapSampleLabel"));
    auto* neuronLabel = new QLabel(tr("&Neuron:"), controls_);
    neuronLabel->setBuddy(neuronSpin_);
    neuronLabel->setObjectName(QStringLiteral("inputMapNeuronLabel"));
    setProperty("elidedTexts", QStringList()); // texts the last paint had to shorten: the presentation test reads it
    arrange();
    connect(neuronSpin_, &QSpinBox::valueChanged, neuronSlider_, &QSlider::setValue);
    connect(neuronSlider_, &QSlider::valueChanged, neuronSpin_, &QSpinBox::setValue);
    connect(neuronSpin_, &QSpinBox::valueChanged, this, [this] {
        neuronChosen_ = true;
        dirty_ = true;
        refresh(); // one neuron's picture is cheap: at once, so that a drag on the slider follows the hand
    });
    connect(sample_, &QComboBox::currentIndexChanged, this, qOverload<>(&QWidget::update));

    refreshTimer_ = new QTimer(this);
    refreshTimer_->setInterval(40);
    connect(refreshTimer_, &QTimer::timeout, this, &InputMapWidget::refresh);
    refreshTimer_->start();
    clear();
}

void InputMapWidget::addRound(const workbench::RoundStats& stats)
{
    if (stats.layers.isEmpty())
        return;
    layer_ = stats.layers.first();
    round_ = stats.round;
    dirty_ = true;
}

void InputMapWidget::setSamples(const QList<QImage>& images, const QStringList& names)
{
    samples_ = images;
    sample_->clear();
    for (qsizetype i = 0; i < images.size(); ++i)
        sample_->addItem(names.value(i, tr("image %1").arg(i + 1)));
    update();
}

void InputMapWidget::setNeuron(int neuron)
{
    neuronChosen_ = true;
    neuronSpin_->setValue(neuron);
}

int InputMapWidget::neuron() const
{
    return neuronSpin_->value();
}

QImage InputMapWidget::sampleImage() const
{
    return samples_.value(sample_->currentIndex());
}

void InputMapWidget::clear()
{
    neuronChosen_ = false;
    layer_ = {};
    round_ = -1;
    dirty_ = true;
    refresh();
}

void InputMapWidget::refresh()
{
    if (!dirty_)
        return;
    dirty_ = false;
    shownRound_ = round_;
    keptImage_ = QImage();
    neuronImage_ = QImage();
    const int h = layer_.inputHeight, w = layer_.inputWidth;
    const bool hasMap = h > 0 && w > 0 && layer_.inputKept.size() == qsizetype(h) * w;
    const int units = hasMap && layer_.neuronHeight * layer_.neuronWidth > 0
                          ? int(layer_.neuronWeights.size() / (qsizetype(layer_.neuronHeight) * layer_.neuronWidth))
                          : 0;
    {
        const QSignalBlocker blockSpin(neuronSpin_), blockSlider(neuronSlider_);
        neuronSpin_->setRange(0, std::max(0, units - 1));
        neuronSlider_->setRange(0, std::max(0, units - 1));
        neuronSlider_->setValue(neuronSpin_->value());
    }
    if (!neuronChosen_ && units > 0) {
        // Until someone picks one: the neuron that keeps the most of its picture, a telling first look.
        const int cells = layer_.neuronHeight * layer_.neuronWidth;
        int best = 0, bestKept = -1;
        for (int u = 0; u < units; ++u) {
            const auto begin = layer_.neuronWeights.cbegin() + qsizetype(u) * cells;
            const int kept = int(std::count_if(begin, begin + cells, [](qint8 q) { return q != 0; }));
            if (kept > bestKept)
                best = u, bestKept = kept;
        }
        const QSignalBlocker blockSpin(neuronSpin_), blockSlider(neuronSlider_);
        neuronSpin_->setValue(best);
        neuronSlider_->setValue(best);
    }
    neuronSpin_->setEnabled(units > 0);
    neuronSlider_->setEnabled(units > 0);
    if (hasMap) {
        // The colours span the shares this map has (the legend names both ends): pruned to 80 %, pixels keep
        // between about 10 and 40 %, which a 0 … 100 % scale would draw as one dark blue.
        const auto [lowest, highest] = std::minmax_element(layer_.inputKept.begin(), layer_.inputKept.end());
        scaleLow_ = double(*lowest);
        scaleHigh_ = std::max(double(*highest), scaleLow_ + 0.01);
        keptImage_ = QImage(w, h, QImage::Format_RGB32);
        for (int y = 0; y < h; ++y) {
            auto* line = reinterpret_cast<QRgb*>(keptImage_.scanLine(y));
            for (int x = 0; x < w; ++x)
                line[x] =
                    keptRamp((double(layer_.inputKept[qsizetype(y) * w + x]) - scaleLow_) / (scaleHigh_ - scaleLow_));
        }
        double mean = 0.0;
        for (float v : layer_.inputKept)
            mean += double(v) / double(layer_.inputKept.size());
        caption_ = tr("What %1 keeps of the %2×%3 image after round %4: %5 of each pixel's weights on average")
                       .arg(layer_.name)
                       .arg(w)
                       .arg(h)
                       .arg(round_)
                       .arg(percent(mean));
        // Beside the pictures (a projector's lower row) the layer is named by the Layer box above: the short form.
        shortCaption_ = tr("After round %1 a pixel keeps %2 of its weights, on average").arg(round_).arg(percent(mean));
        if (layer_.inputChannels > 1) {
            caption_ += tr(" (%1 channels averaged)").arg(layer_.inputChannels);
            shortCaption_ += tr(" (%1 channels averaged)").arg(layer_.inputChannels);
        }
    } else if (round_ >= 0) {
        caption_ = shortCaption_ =
            tr("Input map: only for a model whose first layer is fully connected to the image (an MLP); "
               "%1 is not. The mask heatmap shows its kernels.")
                .arg(layer_.name);
    } else {
        caption_ = shortCaption_ = tr("Input map: appears after the dense training, for an MLP on images");
    }
    const int n = neuronSpin_->value();
    if (units > 0 && n < units) {
        const int nh = layer_.neuronHeight, nw = layer_.neuronWidth;
        neuronScale_ = layer_.neuronScales.value(n);
        neuronImage_ = QImage(nw, nh, QImage::Format_RGB32);
        const QColor zero = palette().color(QPalette::Base);
        const qsizetype offset = qsizetype(n) * nh * nw;
        for (int y = 0; y < nh; ++y) {
            auto* line = reinterpret_cast<QRgb*>(neuronImage_.scanLine(y));
            for (int x = 0; x < nw; ++x)
                line[x] = diverging(layer_.neuronWeights[offset + qsizetype(y) * nw + x] / 127.0, zero);
        }
    }
    update();
}

bool InputMapWidget::sideBySide() const
{
    return width() >= 520 && width() * 10 >= height() * 22;
}

void InputMapWidget::arrange()
{
    auto* grid = static_cast<QGridLayout*>(controls_->layout());
    auto* sampleLabel = controls_->findChild<QLabel*>(QStringLiteral("inputMapSampleLabel"));
    auto* neuronLabel = controls_->findChild<QLabel*>(QStringLiteral("inputMapNeuronLabel"));
    for (QWidget* w :
         {static_cast<QWidget*>(sampleLabel), static_cast<QWidget*>(sample_), static_cast<QWidget*>(neuronLabel),
          static_cast<QWidget*>(neuronSpin_), static_cast<QWidget*>(neuronSlider_)})
        grid->removeWidget(w);
    for (int c = 0; c < 6; ++c)
        grid->setColumnStretch(c, 0);
    sideBySide_ = sideBySide();
    if (sideBySide_) { // Sample: [combo] / Neuron: [spin] / [slider]
        grid->addWidget(sampleLabel, 0, 0);
        grid->addWidget(sample_, 0, 1);
        grid->addWidget(neuronLabel, 1, 0);
        grid->addWidget(neuronSpin_, 1, 1);
        grid->addWidget(neuronSlider_, 2, 0, 1, 2);
        grid->setColumnStretch(1, 1);
    } else { // Sample: [combo]  Neuron: [spin] [slider────]
        grid->addWidget(sampleLabel, 0, 0);
        grid->addWidget(sample_, 0, 1);
        grid->addItem(new QSpacerItem(12, 1), 0, 2);
        grid->addWidget(neuronLabel, 0, 3);
        grid->addWidget(neuronSpin_, 0, 4);
        grid->addWidget(neuronSlider_, 0, 5);
        grid->setColumnStretch(5, 1);
    }
    // Beside the pictures: the sample's name in full (the combo's own width), at most two fifths of the row.
    const int columnWidth = sideBySide_
                                ? std::min(std::max(width() * 3 / 10, controls_->sizeHint().width()), width() * 2 / 5)
                                : width() - 12;
    controls_->setGeometry(6, 4, columnWidth, controls_->sizeHint().height());
    update();
}

void InputMapWidget::resizeEvent(QResizeEvent* event)
{
    QWidget::resizeEvent(event);
    arrange();
}

QRect InputMapWidget::captionRect() const
{
    const QRect controls = controls_->geometry();
    if (sideBySide_) // the left column under the controls, as many lines as it takes
        return QRect(controls.left(), controls.bottom() + 8, controls.width(), height() - controls.bottom() - 12);
    // One line when the caption fits (presentation mode needs every line for the pictures), at most two.
    const QFontMetrics metrics(font());
    const int needed =
        metrics.boundingRect(QRect(0, 0, std::max(40, width() - 12), 1000), Qt::TextWordWrap, caption_).height();
    return QRect(6, controls.bottom() + 4, width() - 12, std::min(needed, metrics.height() * 2) + 4);
}

QList<QRect> InputMapWidget::panels() const
{
    const QRect controls = controls_->geometry();
    const int left = sideBySide_ ? controls.right() + 16 : 6;
    const int top = sideBySide_ ? 4 : captionRect().bottom() + 6;
    const int bottom = height() - 4;
    const int gap = 10;
    const int width = (this->width() - 6 - left - 2 * gap) / 3;
    QList<QRect> result;
    for (int i = 0; i < 3; ++i)
        result.append(QRect(left + i * (width + gap), top, width, bottom - top));
    return result;
}

int InputMapWidget::titleLines() const
{
    const QFontMetrics metrics(font());
    const int room = std::max(1, panels().constFirst().width());
    int lines = 1;
    for (const QString& title : {tr("Sample: %1").arg(sample_->currentText()), tr("Weights kept per pixel"),
                                 tr("Neuron %1: kept weights").arg(neuron())})
        lines = std::max(lines, metrics.boundingRect(QRect(0, 0, room, 1000), Qt::TextWordWrap, title).height() /
                                    std::max(1, metrics.lineSpacing()));
    return std::min(lines, 3);
}

QRect InputMapWidget::imageRect(const QRect& panel, QSize image) const
{
    const QFontMetrics metrics(font());
    // Title above (what the colours mean, on one line or two), the legend's colour bar below (its ends named).
    const QRect area = panel.adjusted(0, titleLines() * metrics.height() + 4, 0, -(metrics.height() + 10));
    if (image.isEmpty() || area.width() < 8 || area.height() < 8)
        return area;
    const QSize fitted = image.scaled(area.size(), Qt::KeepAspectRatio);
    return QRect(area.left() + (area.width() - fitted.width()) / 2, area.top(), fitted.width(), fitted.height());
}

void InputMapWidget::paintEvent(QPaintEvent*)
{
    QPainter painter(this);
    painter.fillRect(rect(), palette().window());
    const QFontMetrics metrics(font());
    const QColor text = palette().windowText().color();
    painter.setPen(text);
    QStringList shortened;
    const QRect caption = captionRect();
    const QString& captionText = sideBySide_ ? shortCaption_ : caption_;
    if (metrics.boundingRect(caption, Qt::TextWordWrap, captionText).height() > caption.height() + 1)
        shortened << captionText;
    painter.drawText(caption, Qt::AlignLeft | (sideBySide_ ? Qt::AlignTop : Qt::AlignVCenter) | Qt::TextWordWrap,
                     captionText);
    setProperty("elidedTexts", shortened);
    const QList<QRect> panel = panels();
    if (panel[0].height() < metrics.height() * 4 || panel[0].width() < 40)
        return;
    const int lines = titleLines();
    const QSize shape = keptImage_.isNull() ? QSize(1, 1) : keptImage_.size();

    const auto title = [&](const QRect& p, const QString& t) {
        painter.setPen(text);
        const QRect box(p.left(), p.top(), p.width(), lines * metrics.height());
        if (metrics.boundingRect(QRect(box.topLeft(), QSize(box.width(), 1000)), Qt::TextWordWrap, t).height() >
            box.height() + 1) {
            shortened << t;
            setProperty("elidedTexts", shortened);
        }
        painter.drawText(box, Qt::AlignHCenter | Qt::AlignBottom | Qt::TextWordWrap, t);
    };
    const auto frame = [&](const QRect& r) {
        painter.setPen(QPen(palette().mid().color(), 1));
        painter.setBrush(Qt::NoBrush);
        painter.drawRect(r.adjusted(0, 0, -1, -1));
    };
    // A colour bar under an image with its two ends named (the panel's title says what the colours mean).
    const auto legend = [&](const QRect& image, const QRect& p, const std::function<QRgb(double)>& colour,
                            const QString& left, const QString& right) {
        const int y = image.bottom() + 6;
        const int leftWidth = metrics.horizontalAdvance(left), rightWidth = metrics.horizontalAdvance(right);
        const QRect bar(p.left() + leftWidth + 4, y, std::max(20, p.width() - leftWidth - rightWidth - 8),
                        metrics.height() - 4);
        painter.setPen(text);
        painter.drawText(QPoint(p.left(), y + metrics.ascent() - 2), left);
        painter.drawText(QPoint(bar.right() + 4, y + metrics.ascent() - 2), right);
        for (int x = 0; x < bar.width(); ++x) {
            painter.setPen(QColor(colour(double(x) / double(std::max(1, bar.width() - 1)))));
            painter.drawLine(bar.left() + x, bar.top(), bar.left() + x, bar.bottom());
        }
    };

    // 1. The sample, at the map's shape so that the two line up.
    const QImage sample = sampleImage();
    title(panel[0], sample.isNull() ? tr("Sample image") : tr("Sample: %1").arg(sample_->currentText()));
    const QRect sampleRect = imageRect(panel[0], keptImage_.isNull() && !sample.isNull() ? sample.size() : shape);
    if (!sample.isNull()) {
        painter.setRenderHint(QPainter::SmoothPixmapTransform, true);
        painter.drawImage(sampleRect, sample);
        painter.setRenderHint(QPainter::SmoothPixmapTransform, false);
    }
    frame(sampleRect);

    // 2. The input map: crisp pixels.
    title(panel[1], tr("Weights kept per pixel"));
    const QRect mapRect = imageRect(panel[1], shape);
    if (!keptImage_.isNull())
        painter.drawImage(mapRect, keptImage_);
    frame(mapRect);
    legend(mapRect, panel[1], keptRamp, percent(scaleLow_), percent(scaleHigh_));

    // 3. The chosen neuron's kept weights.
    title(panel[2], tr("Neuron %1: kept weights").arg(neuron()));
    const QRect neuronRect = imageRect(panel[2], shape);
    if (!neuronImage_.isNull())
        painter.drawImage(neuronRect, neuronImage_);
    frame(neuronRect);
    const QColor zero = palette().color(QPalette::Base);
    const QString scale = QString::number(double(neuronScale_), 'g', 2);
    legend(
        neuronRect, panel[2], [zero](double t) { return diverging(2.0 * t - 1.0, zero); }, QStringLiteral("−") + scale,
        QStringLiteral("+") + scale);
}

void InputMapWidget::mouseMoveEvent(QMouseEvent* event)
{
    if (keptImage_.isNull())
        return QToolTip::hideText();
    const QList<QRect> panel = panels();
    for (int i = 1; i < 3; ++i) {
        const QRect r = imageRect(panel[i], keptImage_.size());
        if (!r.contains(event->position().toPoint()))
            continue;
        const int x = std::clamp(int((event->position().x() - r.left()) / r.width() * layer_.inputWidth), 0,
                                 layer_.inputWidth - 1);
        const int y = std::clamp(int((event->position().y() - r.top()) / r.height() * layer_.inputHeight), 0,
                                 layer_.inputHeight - 1);
        QString tip = tr("pixel (row %1, column %2): %3 of its weights kept")
                          .arg(y)
                          .arg(x)
                          .arg(percent(double(layer_.inputKept.value(qsizetype(y) * layer_.inputWidth + x))));
        if (i == 2 && !neuronImage_.isNull()) {
            const int ny = y * layer_.neuronHeight / layer_.inputHeight,
                      nx = x * layer_.neuronWidth / layer_.inputWidth;
            const double v = layer_.neuronWeights.value(qsizetype(neuron()) * layer_.neuronHeight * layer_.neuronWidth +
                                                        qsizetype(ny) * layer_.neuronWidth + nx) /
                             127.0 * double(neuronScale_);
            tip = tr("neuron %1, pixel (row %2, column %3): kept weight %4 (block mean)")
                      .arg(neuron())
                      .arg(y)
                      .arg(x)
                      .arg(v, 0, 'g', 3);
        }
        QToolTip::showText(event->globalPosition().toPoint(), tip, this);
        return;
    }
    QToolTip::hideText();
}

void InputMapWidget::changeEvent(QEvent* event)
{
    QWidget::changeEvent(event);
    if (event->type() == QEvent::FontChange)
        arrange(); // presentation mode's larger font: the controls' column widens
    if (event->type() == QEvent::PaletteChange) {
        dirty_ = true; // zero weights take the background colour of the new palette
        refresh();
    }
}

QString InputMapWidget::toCsv() const
{
    QString csv = QStringLiteral("layer,round,pixel_row,pixel_column,kept_fraction\n");
    for (int y = 0; y < layer_.inputHeight; ++y)
        for (int x = 0; x < layer_.inputWidth; ++x)
            csv += QStringLiteral("%1,%2,%3,%4,%5\n")
                       .arg(layer_.name)
                       .arg(round_)
                       .arg(y)
                       .arg(x)
                       .arg(double(layer_.inputKept.value(qsizetype(y) * layer_.inputWidth + x)), 0, 'g', 6);
    return csv;
}

} // namespace prunelab::ui
