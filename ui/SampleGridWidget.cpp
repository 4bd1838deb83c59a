#include "ui/SampleGridWidget.h"

#include <QGridLayout>
#include <QImage>
#include <QLabel>
#include <QLayoutItem>
#include <QPixmap>

namespace prunelab::ui {

QImage toQImage(const datasets::ImageSet& set, qsizetype index)
{
    const uint8_t* src = set.image(index);
    if (set.channels == 1) {
        QImage image(set.width, set.height, QImage::Format_Grayscale8);
        for (int y = 0; y < set.height; ++y)
            std::copy_n(src + qsizetype(y) * set.width, set.width, image.scanLine(y));
        return image;
    }
    QImage image(set.width, set.height, QImage::Format_RGB888);
    const qsizetype plane = qsizetype(set.width) * set.height;
    for (int y = 0; y < set.height; ++y) {
        uchar* line = image.scanLine(y);
        for (int x = 0; x < set.width; ++x) {
            const qsizetype p = qsizetype(y) * set.width + x;
            for (int c = 0; c < 3; ++c)
                line[3 * x + c] = src[qsizetype(std::min(c, set.channels - 1)) * plane + p];
        }
    }
    return image;
}

SampleGridWidget::SampleGridWidget(QWidget* parent) : QWidget(parent)
{
    grid_ = new QGridLayout(this);
    grid_->setSpacing(4);
}

void SampleGridWidget::setDataset(const datasets::ImageSet& set, int perClass)
{
    while (QLayoutItem* item = grid_->takeAt(0)) {
        delete item->widget();
        delete item;
    }
    shown_ = 0;
    const QList<qsizetype> counts = set.classCounts();
    const QList<qsizetype> samples = set.samplesPerClass(perClass);
    const int thumb = 64;
    for (qsizetype c = 0; c < set.classNames.size(); ++c) {
        auto* name = new QLabel(QStringLiteral("<b>%1</b><br>%2 images").arg(set.classNames[c]).arg(counts[c]), this);
        name->setMinimumWidth(150);
        grid_->addWidget(name, int(c), 0);
        int column = 1;
        for (qsizetype index : samples) {
            if (set.labels[size_t(index)] != c)
                continue;
            auto* label = new QLabel(this);
            label->setPixmap(QPixmap::fromImage(toQImage(set, index)).scaled(thumb, thumb, Qt::KeepAspectRatio,
                                                                            Qt::SmoothTransformation));
            label->setToolTip(QStringLiteral("%1\n%2×%3").arg(set.files.value(index)).arg(set.width).arg(set.height));
            grid_->addWidget(label, int(c), column++);
            ++shown_;
        }
    }
}

} // namespace prunelab::ui
