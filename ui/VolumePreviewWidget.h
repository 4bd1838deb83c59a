#pragma once

#include <QImage>
#include <QList>
#include <QWidget>

#include <memory>

class QComboBox;
class QLabel;
class QSlider;

namespace prunelab::datasets {
class VolumePreview;
}

namespace prunelab::ui {

/// One volume the preview can show, and which of its slices became samples of the dataset.
struct PreviewVolume {
    QString name;            ///< what the list shows: "AD/sub-01.nii.gz"
    QString path;            ///< the file
    int sampleAxis = 2;      ///< the axis the dataset sliced across (0 sagittal, 1 coronal, 2 axial)
    QList<int> sampleSlices; ///< the slices that are samples, ascending
};

/// Browses NIfTI volumes slice by slice: a volume list, the axis, a slice slider with the slices that became samples
/// marked under it, and the slice windowed as the dataset's samples are. A volume is read on a worker thread; moving
/// the slider only re-windows one slice of the volume held in memory.
class VolumePreviewWidget : public QWidget {
    Q_OBJECT
public:
    explicit VolumePreviewWidget(QWidget* parent = nullptr);
    /// Waits for a volume still being read.
    ~VolumePreviewWidget() override;

    /// Shows the first volume at the middle of its sample slices. `note` says where the volumes come from.
    void setVolumes(const QList<PreviewVolume>& volumes, double lowPercentile, double highPercentile,
                    const QString& note);
    int volumeCount() const { return int(volumes_.size()); }
    bool isReading() const { return reading_; }
    int currentAxis() const;
    int currentSlice() const;
    /// The slice shown, at its own size (empty while reading or after an error).
    QImage currentImage() const { return image_; }
    /// Whether the slice shown is one of the dataset's samples.
    bool currentSliceIsSample() const;

signals:
    /// A volume has been read (or failed to) and its slice is on screen.
    void volumeShown();

private:
    void readVolume(int index);
    void volumeRead();
    void axisChanged();
    void showSlice();

    QList<PreviewVolume> volumes_;
    double low_ = 1.0;
    double high_ = 99.0;
    std::shared_ptr<const datasets::VolumePreview> volume_;
    int volumeIndex_ = -1;
    bool reading_ = false;
    /// Counts reads and volume lists: a read that finishes after another began, or after the list changed, is dropped
    /// (two datasets both start at index 0, so the index alone cannot tell them apart).
    int readGeneration_ = 0;
    QImage image_;

    QLabel* note_ = nullptr;
    QComboBox* volumeBox_ = nullptr;
    QComboBox* axisBox_ = nullptr;
    QSlider* slider_ = nullptr;
    QWidget* bandBar_ = nullptr;
    QWidget* picture_ = nullptr;
    QLabel* caption_ = nullptr;
};

} // namespace prunelab::ui
