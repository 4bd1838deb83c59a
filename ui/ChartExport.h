#pragma once

#include <QImage>
#include <QString>
#include <QStringList>

namespace prunelab::ui {

/// A finished session's charts rendered offscreen by the GUI's own chart classes (TrainingChart, SparsityChart),
/// fed from the session's metrics.jsonl: what `prunelab-cli export --format plots` and the PDF report write.
/// Needs a QApplication (QT_QPA_PLATFORM=offscreen is enough: no display).
class ChartExport {
public:
    /// training.png/.svg (loss and accuracy per epoch, pruning rounds marked) and sparsity.png/.svg (accuracy
    /// against weights remaining) in `folder`; returns the files written. Throws workbench::SessionError.
    static QStringList writePlots(const QString& sessionPath, const QString& folder);
    /// The report of `round` as a PDF: the HTML report's tables with the two charts as images.
    static void writeReportPdf(const QString& sessionPath, int round, const QString& file);

    static QImage trainingImage(const QString& sessionPath);
    static QImage sparsityImage(const QString& sessionPath);
};

} // namespace prunelab::ui
