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
    setProperty("elidedTexts", QStringList()); // texts the last paint had to shorten (none, unless far too small)
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
    QStringList shortened; // what did not fit even so: the presentation test reads it
    const int titleHeight = metrics.height() + 8;
    QFont bold = font();
    bold.setBold(true);
    painter.setFont(bold);
    const QString title = QFontMetrics(bold).elidedText(title_, Qt::ElideRight, width() - 4);
    if (title != title_)
        shortened << title_;
    painter.drawText(QRect(0, 2, width(), titleHeight), Qt::AlignCenter, title);
    painter.setFont(font());
    const int n = int(confusion_.size());
    if (n == 0) {
        setProperty("elidedTexts", shortened);
        return;
    }

    const int axisTitle = metrics.height() + 4;
    const int top = titleHeight + axisTitle + metrics.height() + 6; // "predicted" + column labels
    // Row labels in full; the side of a cell from what is left. When a class name is wider than its column, the
    // columns are numbered and each row names its number ("2  ModerateDemented"): never "Mod…".
    const auto layout = [&](const QStringList& rowLabels, int& labelWidth, int& side) {
        labelWidth = metrics.horizontalAdvance(tr("true"));
        for (const QString& label : rowLabels)
            labelWidth = std::max(labelWidth, metrics.horizontalAdvance(label));
        labelWidth += 12;
        side = std::max(10, std::min(width() - axisTitle - labelWidth - 10, height() - top - 10) / n);
    };
    QStringList rowLabels = classNames_;
    QStringList columnLabels = classNames_;
    int labelWidth = 0, side = 0;
    layout(rowLabels, labelWidth, side);
    const bool numbered = std::any_of(classNames_.cbegin(), classNames_.cend(),
                                      [&](const QString& name) { return metrics.horizontalAdvance(name) > side - 4; });
    if (numbered) {
        for (int i = 0; i < n; ++i) {
            rowLabels[i] = tr("%1  %2").arg(i + 1).arg(classNames_.value(i));
            columnLabels[i] = QString::number(i + 1);
        }
        layout(rowLabels, labelWidth, side);
    }
    const int left = axisTitle + labelWidth;
    const QRect grid(left, top, side * n, side * n);

    // The counts and shares in a font that fits the cell: smaller on a small widget, never cut.
    QFont cellFont = font();
    const auto fits = [&](const QFont& f) {
        const QFontMetrics m(f);
        return m.horizontalAdvance(QStringLiteral("100.0 %")) <= side - 4 && 2 * m.height() <= side - 2;
    };
    while (!fits(cellFont) && cellFont.pointSizeF() > 6.0)
        cellFont.setPointSizeF(cellFont.pointSizeF() * 0.9);
    const bool twoLines = fits(cellFont);

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
        painter.setFont(font());
        painter.drawText(QRect(axisTitle, top + t * side, labelWidth - 6, side), Qt::AlignRight | Qt::AlignVCenter,
                         rowLabels.value(t));
        painter.setFont(cellFont);
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
            const QString percent = QStringLiteral("%1 %").arg(100.0 * share, 0, 'f', share >= 0.995 ? 0 : 1);
            // Too small for two lines (many classes in a small pane): the count alone, the share in the tooltip
            // and the CSV.
            const QString label = twoLines ? QStringLiteral("%1\n%2").arg(count).arg(percent) : QString::number(count);
            if (QFontMetrics(cellFont).horizontalAdvance(QString::number(count)) > side - 2)
                shortened << QString::number(count);
            painter.drawText(cell, Qt::AlignCenter, label);
        }
    }
    painter.setPen(text);
    painter.setFont(font());
    for (int p = 0; p < n; ++p)
        painter.drawText(QRect(grid.left() + p * side, top - metrics.height() - 4, side, metrics.height()),
                         Qt::AlignCenter, columnLabels.value(p));
    setProperty("elidedTexts", shortened);
}

} // namespace prunelab::ui
