#include "ui/SampleGridWidget.h"

#include "ui/TextBreaks.h"

#include <QDialog>
#include <QFileInfo>
#include <QGridLayout>
#include <QImage>
#include <QLabel>
#include <QLayoutItem>
#include <QMouseEvent>
#include <QPixmap>
#include <QVBoxLayout>

#include <algorithm>
#include <functional>

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

namespace {

/// A thumbnail that opens the enlarged view when clicked.
class Thumbnail : public QLabel {
public:
    Thumbnail(std::function<void()> onClick, QWidget* parent) : QLabel(parent), onClick_(std::move(onClick))
    {
        setCursor(Qt::PointingHandCursor);
    }

protected:
    void mousePressEvent(QMouseEvent* event) override
    {
        if (event->button() == Qt::LeftButton)
            onClick_();
        QLabel::mousePressEvent(event);
    }

private:
    std::function<void()> onClick_;
};

} // namespace

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
    images_.clear();
    const QList<qsizetype> counts = set.classCounts();
    const QList<qsizetype> samples = set.samplesPerClass(perClass);
    const int thumb = 64;
    for (qsizetype c = 0; c < set.classNames.size(); ++c) {
        auto* name = new QLabel(
            QStringLiteral("<b>%1</b><br>%2 images").arg(breakable(set.classNames[c]).toHtmlEscaped()).arg(counts[c]),
            this);
        name->setMinimumWidth(150);
        name->setWordWrap(true); // "Moderate|Demented" on two lines beside its samples when the column is narrow
        grid_->addWidget(name, int(c), 0);
        int column = 1;
        for (qsizetype index : samples) {
            if (set.labels[size_t(index)] != c)
                continue;
            const int position = shown_;
            auto* label = new Thumbnail([this, position] { enlarge(position); }, this);
            label->setObjectName(QStringLiteral("sampleThumbnail"));
            label->setAccessibleName(tr("%1 sample %2; click to enlarge").arg(set.classNames[c]).arg(column));
            const QImage image = toQImage(set, index);
            images_.append({image, set.files.value(index), set.classNames[c]});
            label->setPixmap(
                QPixmap::fromImage(image).scaled(thumb, thumb, Qt::KeepAspectRatio, Qt::SmoothTransformation));
            label->setToolTip(QStringLiteral("%1\n%2×%3").arg(set.files.value(index)).arg(set.width).arg(set.height));
            grid_->addWidget(label, int(c), column++);
            ++shown_;
        }
    }
}

QWidget* SampleGridWidget::enlarge(int shown)
{
    if (shown < 0 || shown >= images_.size())
        return nullptr;
    const Shown& s = images_[shown];
    auto* dialog = new QDialog(this);
    dialog->setObjectName(QStringLiteral("sampleDialog"));
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setWindowTitle(tr("%1: %2").arg(s.className, QFileInfo(s.file).fileName()));
    auto* picture = new QLabel;
    const int side = std::max(256, 3 * std::max(s.image.width(), s.image.height()));
    // Small images are enlarged without smoothing, so their pixels stay visible.
    picture->setPixmap(QPixmap::fromImage(s.image).scaled(
        side, side, Qt::KeepAspectRatio, s.image.width() < 96 ? Qt::FastTransformation : Qt::SmoothTransformation));
    QString text = tr("<b>%1</b><br>%2<br>stored as %3×%4 %5")
                       .arg(s.className.toHtmlEscaped(), s.file.toHtmlEscaped())
                       .arg(s.image.width())
                       .arg(s.image.height())
                       .arg(s.image.format() == QImage::Format_Grayscale8 ? tr("grey") : tr("colour"));
    const QFileInfo info(s.file.section(QLatin1Char('#'), 0, 0));
    if (info.isFile())
        text += tr("<br>file: %1 KB").arg(double(info.size()) / 1024.0, 0, 'f', 1);
    auto* caption = new QLabel(text);
    caption->setObjectName(QStringLiteral("sampleCaption"));
    caption->setTextInteractionFlags(Qt::TextSelectableByMouse);
    caption->setWordWrap(true);
    auto* layout = new QVBoxLayout(dialog);
    layout->addWidget(picture, 0, Qt::AlignHCenter);
    layout->addWidget(caption);
    dialog->show();
    return dialog;
}

} // namespace prunelab::ui
