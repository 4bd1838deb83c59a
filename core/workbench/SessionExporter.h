#pragma once

#include "core/workbench/Session.h"

#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

namespace prunelab::workbench {

/// `prunelab-cli export`: turns a session folder into files for other tools (../shared/CLI.md, "Exported files").
/// Every file is written atomically; failures throw SessionError naming the file.
class SessionExporter {
public:
    explicit SessionExporter(Session session);

    /// The formats this version writes (torchscript and compact-torchscript are not among them yet). `plots` and
    /// the PDF of `report` are drawn by the GUI's chart classes: ui/ChartExport writes them, not write().
    static QStringList formats();
    /// Formats of the contract that this version refuses with a message saying so.
    static QStringList unavailableFormats();

    /// `K`, `best` (the round with the best validation accuracy for a sweep, else the last), `last` or empty (last).
    int resolveRound(const QString& spec) const;

    /// Writes `format` for `round` to `out` (a file, or a folder for csv); returns the files written.
    QStringList write(const QString& format, const QString& out, int round) const;

    /// The per-round records (rounds/<k>/validation.json), round 0 first.
    QList<QJsonObject> roundRecords() const;
    /// The HTML report: recipe, dataset, curves, per-round table, confusion matrix and classification report.
    /// The curves are inline SVG, or with `chartImages` the images chart:training and chart:sparsity (the GUI's
    /// charts, which ui/ChartExport adds for the PDF).
    QString reportHtml(int round, bool chartImages = false) const;
    /// CSV files of every plotted series: curves.csv (per epoch), rounds.csv (per round, accuracy vs
    /// sparsity), layers.csv (per layer and round), confusion.csv (of `round`). Relative name → contents.
    QList<std::pair<QString, QByteArray>> csvFiles(int round) const;

private:
    QStringList copyModelFile(const QString& file, const QString& shaKey, const QString& out, int round) const;
    QStringList bundle(const QString& out) const;
    Session session_;
};

} // namespace prunelab::workbench
