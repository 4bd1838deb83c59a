#pragma once

#include "datasets/ImageSet.h"

#include <QWidget>

class QGridLayout;

namespace prunelab::ui {

/// A few images of every class, one row per class with its name and count (the seed notebook's 4×5 grid).
class SampleGridWidget : public QWidget {
    Q_OBJECT
public:
    explicit SampleGridWidget(QWidget* parent = nullptr);
    void setDataset(const datasets::ImageSet& set, int perClass = 5);
    int shownImages() const { return shown_; }

private:
    QGridLayout* grid_ = nullptr;
    int shown_ = 0;
};

/// A gray or planar-RGB uint8 image of the set as a QImage (deep copy).
QImage toQImage(const datasets::ImageSet& set, qsizetype index);

} // namespace prunelab::ui
