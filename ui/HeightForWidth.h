#pragma once

class QWidget;

namespace prunelab::ui {

/// For a pane whose layout holds word-wrapped text and that sits in a QSplitter (which asks a pane for its minimum
/// size, never for its height at a given width): keeps the pane's minimum height at what its layout needs for its
/// current width, so that a label's wrapped lines are never drawn over their neighbours (a projector's large font at
/// 1024×768). The pane owns the helper.
void followHeightForWidth(QWidget* pane);

} // namespace prunelab::ui
