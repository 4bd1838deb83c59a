#pragma once

#include <QList>
#include <QStringList>
#include <QWidget>

namespace prunelab::ui {

/// A confusion matrix as a heatmap: rows are the true classes, columns the predicted ones, each cell coloured by its
/// share of the row (recall) and labelled with the count. The diagonal is what the model got right.
class ConfusionMatrixWidget : public QWidget {
    Q_OBJECT
public:
    explicit ConfusionMatrixWidget(QWidget* parent = nullptr);

    void setMatrix(const QList<QList<qint64>>& confusion, const QStringList& classNames, const QString& title);
    void clear();
    int classCount() const { return int(confusion_.size()); }
    /// true_class, predicted_class, count.
    QString toCsv() const;

    QSize sizeHint() const override { return {480, 420}; }
    QSize minimumSizeHint() const override { return {300, 200}; } // four classes stay legible; fits 720 lines

protected:
    void paintEvent(QPaintEvent* event) override;

private:
    QList<QList<qint64>> confusion_;
    QStringList classNames_;
    QString title_;
};

} // namespace prunelab::ui
