#include "ui/WholeCells.h"

#include <QEvent>
#include <QHeaderView>
#include <QScrollBar>
#include <QTableView>

#include <algorithm>

namespace prunelab::ui {

namespace {

/// Keeps a table's minimum width at its columns' (and its row titles', frame's and scroll bar's) width.
class ColumnWidthHolder : public QObject {
public:
    explicit ColumnWidthHolder(QTableView* table) : QObject(table), table_(table)
    {
        connect(table->horizontalHeader(), &QHeaderView::sectionResized, this, &ColumnWidthHolder::hold);
        connect(table->horizontalHeader(), &QHeaderView::sectionCountChanged, this, &ColumnWidthHolder::hold);
        table->installEventFilter(this);
        hold();
    }

    bool eventFilter(QObject* watched, QEvent* event) override
    {
        if (watched == table_ && (event->type() == QEvent::FontChange || event->type() == QEvent::StyleChange ||
                                  event->type() == QEvent::Show))
            hold();
        return false;
    }

private:
    void hold()
    {
        const QHeaderView* header = table_->horizontalHeader();
        const QAbstractItemView* view = table_; // QTableView hides sizeHintForColumn, QAbstractItemView does not
        int width = 2 * table_->frameWidth();
        for (int column = 0; column < header->count(); ++column)
            if (!header->isSectionHidden(column)) // what ResizeToContents gives it (the stretched last one more)
                width += std::max(view->sizeHintForColumn(column), header->sectionSizeHint(column));
        if (table_->verticalHeader()->isVisible())
            width += table_->verticalHeader()->width();
        if (table_->verticalScrollBarPolicy() != Qt::ScrollBarAlwaysOff)
            width += table_->verticalScrollBar()->sizeHint().width();
        if (width != table_->minimumWidth())
            table_->setMinimumWidth(width);
    }

    QTableView* table_;
};

} // namespace

void showWholeCells(QTableView* table, TableWidth width)
{
    QHeaderView* header = table->horizontalHeader();
    header->setSectionResizeMode(QHeaderView::ResizeToContents);
    header->setStretchLastSection(true);
    table->setTextElideMode(Qt::ElideRight); // only ever reached when a column is narrower than its text: a fault
    if (width == TableWidth::Hold)
        new ColumnWidthHolder(table);
}

} // namespace prunelab::ui
