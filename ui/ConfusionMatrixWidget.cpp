#include "ui/ConfusionMatrixWidget.h"

#include "ui/charts/ChartContextMenu.h"

#include <QPainter>

#include <algorithm>

namespace prunelab::ui {

ConfusionMatrixWidget::ConfusionMatrixWidget(QWidget* parent) : QWidget(parent)
{
    setAccessibleName(tr("Confusion matrix"));
    setToolTip(tr("Rows: true class. Columns: predicted class. Colour: share of the row; the diagonal is correct."));
    ChartContextMenu::install(this, QStringLiteral("confusion-matrix"), [this] { return toCsv(); });
    clear();
}

void ConfusionMatrixWidget::setMatrix(const QList<QList<qint64>>& confusion, const QStringList& classNames,
                                      const QString& title)
{
    confusion_ = confusion;
    classNames_ = classNames;
    title_ = title;
    update();
}

void ConfusionMatrixWidget::clear()
{
    confusion_.clear();
    classNames_.clear();
    title_ = tr("Confusion matrix: appears when a round has been evaluated");
    update();
}

QString ConfusionMatrixWidget::toCsv() const
{
    QString csv = QStringLiteral("true_class,predicted_class,count\n");
    for (qsizetype t = 0; t < confusion_.size(); ++t)
        for (qsizetype p = 0; p < confusion_[t].size(); ++p)
            csv += QStringLiteral("%1,%2,%3\n")
                       .arg(classNames_.value(t, QString::number(t)), classNames_.value(p, QString::number(p)))
                       .arg(confusion_[t][p]);
    return csv;
}

void ConfusionMatrixWidget::paintEvent(QPaintEvent*)
{
    QPainter painter(this);
    painter.setRenderHint(QPainter::Antialiasing);
    painter.fillRect(rect(), palette().base());
    const QFontMetrics metrics(font());
    const QColor text = palette().text().color();
    painter.setPen(text);
    const int titleHeight = metrics.height() + 8;
    QFont bold = font();
    bold.setBold(true);
    painter.setFont(bold);
    painter.drawText(QRect(0, 2, width(), titleHeight), Qt::AlignCenter, title_);
    painter.setFont(font());
    const int n = int(confusion_.size());
    if (n == 0)
        return;

    int labelWidth = metrics.horizontalAdvance(tr("true"));
    for (const QString& name : classNames_)
        labelWidth = std::max(labelWidth, metrics.horizontalAdvance(name));
    labelWidth += 12;
    const int axisTitle = metrics.height() + 4;
    const int top = titleHeight + axisTitle + metrics.height() + 6; // "predicted" + column labels
    const int left = axisTitle + labelWidth;
    const int side = std::max(10, std::min(width() - left - 10, height() - top - 10) / n);
    const QRect grid(left, top, side * n, side * n);

    painter.drawText(QRect(left, titleHeight, grid.width(), axisTitle), Qt::AlignCenter, tr("predicted class"));
    painter.save();
    painter.translate(metrics.height() / 2 + 2, top + grid.height() / 2);
    painter.rotate(-90);
    painter.drawText(QRect(-grid.height() / 2, -metrics.height() / 2, grid.height(), metrics.height()), Qt::AlignCenter,
                     tr("true class"));
    painter.restore();

    for (int t = 0; t < n; ++t) {
        qint64 rowTotal = 0;
        for (qint64 v : confusion_[t])
            rowTotal += v;
        painter.setPen(text);
        painter.drawText(QRect(axisTitle, top + t * side, labelWidth - 6, side), Qt::AlignRight | Qt::AlignVCenter,
                         classNames_.value(t));
        for (int p = 0; p < n; ++p) {
            const qint64 count = confusion_[t].value(p);
            const double share = rowTotal > 0 ? double(count) / double(rowTotal) : 0.0;
            // White → deep blue with the row share; counts in white on dark cells.
            const QColor fill =
                QColor::fromRgbF(float(1.0 - 0.85 * share), float(1.0 - 0.65 * share), float(1.0 - 0.25 * share));
            const QRect cell(grid.left() + p * side, grid.top() + t * side, side, side);
            painter.fillRect(cell, fill);
            painter.setPen(QPen(QColor(0xcc, 0xcc, 0xcc), 1));
            painter.drawRect(cell);
            painter.setPen(share > 0.5 ? Qt::white : Qt::black);
            painter.drawText(cell, Qt::AlignCenter,
                             QStringLiteral("%1\n%2 %").arg(count).arg(100.0 * share, 0, 'f', share >= 0.995 ? 0 : 1));
        }
    }
    painter.setPen(text);
    for (int p = 0; p < n; ++p) {
        const QString name = metrics.elidedText(classNames_.value(p), Qt::ElideRight, side - 4);
        painter.drawText(QRect(grid.left() + p * side, top - metrics.height() - 4, side, metrics.height()),
                         Qt::AlignCenter, name);
    }
}

} // namespace prunelab::ui
