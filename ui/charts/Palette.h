#pragma once

#include <QPalette>

class QChartView;

namespace prunelab::ui {

/// Light and dark: the window follows the system's palette (a dark desktop theme gives a dark window), and View →
/// Dark palette forces the dark one. Qt Charts keep colours of their own, so every chart view is made to follow the
/// palette of the widget it is in: background, titles, legends, axes and grid lines are redrawn from it whenever
/// the palette changes.
namespace palette {

/// Fusion's dark palette: dark grey windows, near-black bases, light text, a blue highlight.
QPalette dark();
/// Whether a palette is dark (its base is darker than mid grey).
bool isDark(const QPalette& palette);
/// Makes `view`'s chart follow its palette now and on every later palette change.
void follow(QChartView* view);
/// Applies `view`'s palette to its chart once (after axes or series were replaced).
void apply(QChartView* view);

} // namespace palette

} // namespace prunelab::ui
