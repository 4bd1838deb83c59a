#pragma once

class QTableView;

namespace prunelab::ui {

/// How a table whose columns fit their contents meets a pane narrower than its columns.
enum class TableWidth {
    Scroll, ///< the table scrolls sideways (many columns, as the rounds table)
    Hold,   ///< the table asks its layout or splitter for the width of all its columns (a few columns that belong
            ///< together, as the before/after table)
};

/// Every column as wide as its widest cell and its title, so that no cell is ever drawn elided ("Mil…", "0.…"), at
/// any font size (presentation mode's larger font included); the last column takes what room is left. With
/// TableWidth::Hold the table's minimum width follows its columns. The table owns the helper.
void showWholeCells(QTableView* table, TableWidth width = TableWidth::Scroll);

} // namespace prunelab::ui
