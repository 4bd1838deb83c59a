#include "ui/VolumePreviewWidget.h"

#include "datasets/VolumePreview.h"
#include "ui/HeightForWidth.h"

#include <QComboBox>
#include <QFutureWatcher>
#include <QHBoxLayout>
#include <QLabel>
#include <QPainter>
#include <QSlider>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

#include <algorithm>

namespace prunelab::ui {

namespace {

struct ReadResult {
    std::shared_ptr<const datasets::VolumePreview> volume;
    QString error;
    int index = -1;
};

using ReadWatcher = QFutureWatcher<ReadResult>;

const char* const kAxisNames[] = {QT_TRANSLATE_NOOP("VolumePreviewWidget", "sagittal"),
                                  QT_TRANSLATE_NOOP("VolumePreviewWidget", "coronal"),
                                  QT_TRANSLATE_NOOP("VolumePreviewWidget", "axial")};

/// A strip as wide as the slider: every slice that became a sample is a green mark, the current slice a dark one.
class SampleBand : public QWidget {
public:
    SampleBand()
    {
        setMinimumHeight(10);
        setMaximumHeight(10);
        setToolTip(VolumePreviewWidget::tr("Green: slices that are samples of the dataset"));
    }
    void set(int count, QList<int> samples, int current)
    {
        count_ = count;
        samples_ = std::move(samples);
        current_ = current;
        update();
    }

protected:
    void paintEvent(QPaintEvent*) override
    {
        QPainter painter(this);
        painter.fillRect(rect(), palette().color(QPalette::Mid));
        if (count_ <= 0)
            return;
        // The slider's handle runs about half a handle width in from each end.
        const double margin = 6.0, span = std::max(1.0, width() - 2 * margin);
        const auto x = [&](int slice) { return margin + span * (count_ > 1 ? double(slice) / (count_ - 1) : 0.5); };
        const double w = std::max(1.0, span / count_);
        for (int s : samples_)
            painter.fillRect(QRectF(x(s) - w / 2, 0, w, height()), QColor(46, 160, 67));
        painter.fillRect(QRectF(x(current_) - 1, 0, 2, height()), palette().color(QPalette::WindowText));
    }

private:
    int count_ = 0;
    QList<int> samples_;
    int current_ = 0;
};

/// The slice, scaled to fit the room it is given, keeping its aspect ratio.
class SlicePicture : public QWidget {
public:
    SlicePicture()
    {
        setMinimumSize(160, 160);
        setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Expanding);
    }
    void set(const QImage& image)
    {
        image_ = image;
        update();
    }

protected:
    void paintEvent(QPaintEvent*) override
    {
        if (image_.isNull())
            return;
        QPainter painter(this);
        painter.setRenderHint(QPainter::SmoothPixmapTransform);
        const QSize fitted = image_.size().scaled(size(), Qt::KeepAspectRatio);
        painter.drawImage(QRect(QPoint((width() - fitted.width()) / 2, (height() - fitted.height()) / 2), fitted),
                          image_);
    }

private:
    QImage image_;
};

} // namespace

VolumePreviewWidget::VolumePreviewWidget(QWidget* parent) : QWidget(parent)
{
    note_ = new QLabel;
    note_->setWordWrap(true);
    volumeBox_ = new QComboBox;
    volumeBox_->setObjectName(QStringLiteral("previewVolumeBox"));
    volumeBox_->setAccessibleName(tr("Volume to preview"));
    axisBox_ = new QComboBox;
    axisBox_->setObjectName(QStringLiteral("previewAxisBox"));
    axisBox_->setAccessibleName(tr("Slice axis"));
    for (const char* name : kAxisNames)
        axisBox_->addItem(tr(name));
    slider_ = new QSlider(Qt::Horizontal);
    slider_->setObjectName(QStringLiteral("sliceSlider"));
    slider_->setAccessibleName(tr("Slice"));
    auto* band = new SampleBand;
    bandBar_ = band;
    picture_ = new SlicePicture;
    picture_->setObjectName(QStringLiteral("slicePicture"));
    picture_->setAccessibleName(tr("The slice"));
    caption_ = new QLabel;
    caption_->setObjectName(QStringLiteral("sliceCaption"));
    caption_->setWordWrap(true);

    auto* choose = new QHBoxLayout;
    choose->addWidget(volumeBox_, 1);
    choose->addWidget(axisBox_);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(note_);
    layout->addLayout(choose);
    layout->addWidget(slider_);
    layout->addWidget(bandBar_);
    layout->addWidget(picture_, 1);
    layout->addWidget(caption_);
    followHeightForWidth(this); // the caption's wrapped lines stay under the slice, not over it

    connect(volumeBox_, &QComboBox::currentIndexChanged, this, [this](int index) {
        if (index >= 0 && index != volumeIndex_)
            readVolume(index);
    });
    connect(axisBox_, &QComboBox::currentIndexChanged, this, &VolumePreviewWidget::axisChanged);
    connect(slider_, &QSlider::valueChanged, this, &VolumePreviewWidget::showSlice);
}

VolumePreviewWidget::~VolumePreviewWidget()
{
    for (auto* watcher : findChildren<ReadWatcher*>()) {
        watcher->disconnect(this);
        watcher->waitForFinished();
    }
}

void VolumePreviewWidget::setVolumes(const QList<PreviewVolume>& volumes, double lowPercentile, double highPercentile,
                                     const QString& note)
{
    volumes_ = volumes;
    ++readGeneration_;
    reading_ = false;
    low_ = lowPercentile;
    high_ = highPercentile;
    volume_.reset();
    volumeIndex_ = -1;
    image_ = {};
    note_->setText(note);
    note_->setVisible(!note.isEmpty());
    {
        const QSignalBlocker block(volumeBox_);
        volumeBox_->clear();
        for (const PreviewVolume& v : volumes)
            volumeBox_->addItem(v.name, v.path);
        volumeBox_->setVisible(volumes.size() > 1);
    }
    if (!volumes.isEmpty())
        readVolume(0);
}

int VolumePreviewWidget::currentAxis() const
{
    return axisBox_->currentIndex();
}

int VolumePreviewWidget::currentSlice() const
{
    return slider_->value();
}

bool VolumePreviewWidget::currentSliceIsSample() const
{
    if (volumeIndex_ < 0 || volumeIndex_ >= volumes_.size())
        return false;
    const PreviewVolume& v = volumes_[volumeIndex_];
    return currentAxis() == v.sampleAxis && v.sampleSlices.contains(currentSlice());
}

void VolumePreviewWidget::readVolume(int index)
{
    volumeIndex_ = index;
    const int generation = ++readGeneration_;
    volume_.reset();
    image_ = {};
    reading_ = true;
    slider_->setEnabled(false);
    static_cast<SlicePicture*>(picture_)->set({});
    caption_->setText(tr("Reading %1…").arg(volumes_[index].name.toHtmlEscaped()));
    const PreviewVolume entry = volumes_[index];
    {
        const QSignalBlocker block(axisBox_);
        axisBox_->setCurrentIndex(entry.sampleAxis);
    }
    auto* watcher = new ReadWatcher(this);
    connect(watcher, &ReadWatcher::finished, this, [this, watcher, generation] {
        watcher->deleteLater();
        const ReadResult result = watcher->result();
        if (generation != readGeneration_)
            return; // another volume, or another dataset's volumes, came meanwhile
        reading_ = false;
        if (!result.volume) {
            caption_->setText(tr("<b>%1</b> could not be read: %2")
                                  .arg(volumes_[result.index].name.toHtmlEscaped(), result.error.toHtmlEscaped()));
            emit volumeShown();
            return;
        }
        volume_ = result.volume;
        volumeRead();
    });
    watcher->setFuture(QtConcurrent::run([entry, index, low = low_, high = high_] {
        ReadResult result;
        result.index = index;
        try {
            result.volume = std::make_shared<const datasets::VolumePreview>(entry.path, low, high);
        } catch (const std::exception& e) {
            result.error = QString::fromLocal8Bit(e.what());
        }
        return result;
    }));
}

void VolumePreviewWidget::volumeRead()
{
    const PreviewVolume& v = volumes_[volumeIndex_];
    {
        const QSignalBlocker block(axisBox_);
        axisBox_->setCurrentIndex(v.sampleAxis);
    }
    axisChanged();
    emit volumeShown();
}

void VolumePreviewWidget::axisChanged()
{
    if (!volume_)
        return;
    const PreviewVolume& v = volumes_[volumeIndex_];
    const int axis = currentAxis();
    const int count = volume_->slices(axis);
    const QSignalBlocker block(slider_);
    slider_->setRange(0, std::max(0, count - 1));
    slider_->setEnabled(count > 0);
    // Start where the samples are: the middle of the sample slices on their axis, else the middle of the volume.
    slider_->setValue(axis == v.sampleAxis && !v.sampleSlices.isEmpty() ? v.sampleSlices[v.sampleSlices.size() / 2]
                                                                        : count / 2);
    showSlice();
}

void VolumePreviewWidget::showSlice()
{
    if (!volume_)
        return;
    const PreviewVolume& v = volumes_[volumeIndex_];
    const int axis = currentAxis(), index = currentSlice(), count = volume_->slices(axis);
    const datasets::GreyImage grey = volume_->slice(axis, index);
    QImage image(grey.width, grey.height, QImage::Format_Grayscale8);
    for (int y = 0; y < grey.height; ++y)
        std::copy_n(grey.pixels.data() + qsizetype(y) * grey.width, grey.width, image.scanLine(y));
    image_ = image;
    static_cast<SlicePicture*>(picture_)->set(image_);

    const QList<int> samples = axis == v.sampleAxis ? v.sampleSlices : QList<int>{};
    static_cast<SampleBand*>(bandBar_)->set(count, samples, index);
    QString where;
    if (samples.isEmpty())
        where = tr("the dataset slices this volume across the %1 axis").arg(tr(kAxisNames[v.sampleAxis]));
    else if (samples.contains(index))
        where = tr("<span style='color:#2e7d32'><b>a sample of the dataset</b></span> (%1 sample slices, %2–%3)")
                    .arg(samples.size())
                    .arg(samples.first())
                    .arg(samples.last());
    else
        where =
            tr("not a sample (%1 sample slices, %2–%3)").arg(samples.size()).arg(samples.first()).arg(samples.last());
    caption_->setText(tr("%1 slice %2 (0–%3), window %4–%5: %6")
                          .arg(tr(kAxisNames[axis]))
                          .arg(index)
                          .arg(count - 1)
                          .arg(double(volume_->windowLow()), 0, 'g', 4)
                          .arg(double(volume_->windowHigh()), 0, 'g', 4)
                          .arg(where));
}

} // namespace prunelab::ui
