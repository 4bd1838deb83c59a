#pragma once

#include "datasets/ImageSet.h"

#include <QImage>
#include <QList>
#include <QWidget>

class QGridLayout;

namespace prunelab::ui {

/// A few images of every class, one row per class with its name and count (the seed notebook's 4×5 grid). Click an
/// image to see it enlarged with its file name and sizes.
class SampleGridWidget : public QWidget {
    Q_OBJECT
public:
    explicit SampleGridWidget(QWidget* parent = nullptr);
    void setDataset(const datasets::ImageSet& set, int perClass = 5);
    int shownImages() const { return shown_; }
    /// Opens the enlarged view of the `shown`-th image of the grid (what a click does); returns the dialog.
    QWidget* enlarge(int shown);

private:
    QGridLayout* grid_ = nullptr;
    struct Shown {
        QImage image;
        QString file;
        QString className;
    };
    QList<Shown> images_;
    int shown_ = 0;
};

/// A gray or planar-RGB uint8 image of the set as a QImage (deep copy).
QImage toQImage(const datasets::ImageSet& set, qsizetype index);

} // namespace prunelab::ui
