#include "ui/SessionsPage.h"

#include "core/workbench/RunJob.h"
#include "core/workbench/SessionExporter.h"
#include "ui/WholeCells.h"
#include "ui/charts/ChartExport.h"

#include <QComboBox>
#include <QDialog>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QFutureWatcher>
#include <QLineEdit>
#include <QtConcurrent/QtConcurrentRun>

#include <QFileDialog>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QInputDialog>
#include <QJsonDocument>
#include <QLabel>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSplitter>
#include <QTableWidget>
#include <QVBoxLayout>

#include <set>

namespace prunelab::ui {

namespace {

enum Column { Name, Recipe, Created, Status, Rounds, TestAccuracy, Pruned, Columns };

QTableWidgetItem* item(const QString& text, Qt::Alignment alignment = Qt::AlignLeft | Qt::AlignVCenter)
{
    auto* cell = new QTableWidgetItem(text);
    cell->setTextAlignment(alignment);
    return cell;
}

QString percent(double fraction)
{
    return QStringLiteral("%1 %").arg(100.0 * fraction, 0, 'f', 1);
}

} // namespace

SessionsPage::SessionsPage(QWidget* parent) : QWidget(parent)
{
    ChartExport::installRenderer(); // the page's plots and report exports draw these charts
    rootLabel_ = new QLabel;
    rootLabel_->setObjectName(QStringLiteral("sessionsRootLabel"));
    rootLabel_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    rootLabel_->setWordWrap(true); // a long sessions path wraps at its slashes instead of widening the window
    auto* change = new QPushButton(tr("Change folder…"));
    change->setAccessibleName(tr("Choose the folder that holds the sessions"));
    connect(change, &QPushButton::clicked, this, &SessionsPage::chooseRoot);
    auto* reload = new QPushButton(tr("Refresh"));
    reload->setShortcut(QKeySequence::Refresh);
    connect(reload, &QPushButton::clicked, this, &SessionsPage::refresh);
    auto* top = new QHBoxLayout;
    top->addWidget(rootLabel_, 1);
    top->addWidget(change);
    top->addWidget(reload);

    table_ = new QTableWidget(0, Columns);
    table_->setObjectName(QStringLiteral("sessionsTable"));
    table_->setAccessibleName(tr("Saved sessions"));
    table_->setHorizontalHeaderLabels(
        {tr("Session"), tr("Recipe"), tr("Created"), tr("Status"), tr("Rounds"), tr("Test accuracy"), tr("Pruned")});
    table_->verticalHeader()->hide();
    table_->setEditTriggers(QAbstractItemView::NoEditTriggers);
    table_->setSelectionBehavior(QAbstractItemView::SelectRows);
    table_->setSelectionMode(QAbstractItemView::ExtendedSelection);
    showWholeCells(table_); // session names in full; many columns scroll sideways on a narrow screen
    connect(table_, &QTableWidget::itemSelectionChanged, this, [this] {
        updateButtons();
        showDetails();
    });
    connect(table_, &QTableWidget::cellDoubleClicked, this,
            [this](int row, int) { emit reopenRequested(sessions_.value(row).path); });

    reopen_ = new QPushButton(tr("&Reopen"));
    reopen_->setObjectName(QStringLiteral("reopenSessionButton"));
    reopen_->setToolTip(tr("Show the session's charts and results (double-click a row does the same)"));
    connect(reopen_, &QPushButton::clicked, this, [this] { emit reopenRequested(selectedPaths().value(0)); });
    compare_ = new QPushButton(tr("&Compare"));
    compare_->setObjectName(QStringLiteral("compareSessionsButton"));
    compare_->setToolTip(tr("Overlay the selected sessions' accuracy against weights remaining on the Run page"));
    connect(compare_, &QPushButton::clicked, this, [this] { emit compareRequested(selectedPaths()); });
    resume_ = new QPushButton(tr("Re&sume"));
    resume_->setObjectName(QStringLiteral("resumeSessionButton"));
    resume_->setToolTip(tr("Continue an interrupted session after its last completed round"));
    connect(resume_, &QPushButton::clicked, this, [this] { emit resumeRequested(selectedPaths().value(0)); });
    rename_ = new QPushButton(tr("Re&name…"));
    rename_->setObjectName(QStringLiteral("renameSessionButton"));
    connect(rename_, &QPushButton::clicked, this, &SessionsPage::askRename);
    delete_ = new QPushButton(tr("&Delete…"));
    delete_->setObjectName(QStringLiteral("deleteSessionButton"));
    connect(delete_, &QPushButton::clicked, this, &SessionsPage::askDelete);
    validate_ = new QPushButton(tr("&Validate"));
    validate_->setObjectName(QStringLiteral("validateSessionButton"));
    validate_->setToolTip(tr("Reload the last round's saved model and check that it reproduces the recorded accuracy"));
    connect(validate_, &QPushButton::clicked, this, [this] { validateSession(selectedPaths().value(0)); });
    export_ = new QPushButton(tr("E&xport…"));
    export_->setObjectName(QStringLiteral("exportSessionButton"));
    export_->setToolTip(tr("Write a report, plots, CSV, a model for Python or C++, or a zip bundle of the session"));
    connect(export_, &QPushButton::clicked, this, qOverload<>(&SessionsPage::askExport));
    auto* buttons = new QHBoxLayout;
    for (QPushButton* b : {reopen_, compare_, resume_, validate_, export_, rename_, delete_})
        buttons->addWidget(b);
    buttons->addStretch(1);

    details_ = new QLabel;
    details_->setObjectName(QStringLiteral("sessionDetails"));
    details_->setWordWrap(true);
    details_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    recipe_ = new QPlainTextEdit;
    recipe_->setObjectName(QStringLiteral("sessionRecipe"));
    recipe_->setAccessibleName(tr("The recipe the selected session ran"));
    recipe_->setReadOnly(true);
    recipe_->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    auto* right = new QWidget;
    auto* rightLayout = new QVBoxLayout(right);
    rightLayout->setContentsMargins(0, 0, 0, 0);
    rightLayout->addWidget(details_);
    actionResult_ = new QLabel;
    actionResult_->setObjectName(QStringLiteral("sessionActionResult"));
    actionResult_->setWordWrap(true);
    actionResult_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    rightLayout->addWidget(actionResult_);
    rightLayout->addWidget(recipe_, 1);

    auto* left = new QWidget;
    auto* leftLayout = new QVBoxLayout(left);
    leftLayout->setContentsMargins(0, 0, 0, 0);
    leftLayout->addWidget(table_, 1);
    leftLayout->addLayout(buttons);
    auto* splitter = new QSplitter(Qt::Horizontal);
    splitter->addWidget(left);
    splitter->addWidget(right);
    splitter->setStretchFactor(0, 3);
    splitter->setStretchFactor(1, 2);

    auto* layout = new QVBoxLayout(this);
    layout->addLayout(top);
    layout->addWidget(splitter, 1);
    sideJob_ = new workbench::RunJob(this);
    connect(sideJob_, &workbench::RunJob::finished, this, [this](const workbench::RunSummary& summary) {
        const bool ok = summary.outcome == workbench::RunSummary::Outcome::Completed;
        if (sideJobExports_) {
            sideJobExports_ = false;
            finishAction(ok, summary.message);
            emit exported(ok ? QStringList{exportOut_} : QStringList{}, ok ? QString() : summary.message);
        } else {
            finishAction(ok, summary.message);
            emit validated(ok, summary.message);
        }
    });
    setRoot(store_.root());
}

QStringList SessionsPage::exportFormats()
{
    return {QStringLiteral("report"),      QStringLiteral("bundle"),
            QStringLiteral("plots"),       QStringLiteral("csv"),
            QStringLiteral("state-dict"),  QStringLiteral("masks"),
            QStringLiteral("torchscript"), QStringLiteral("compact-torchscript")};
}

void SessionsPage::finishAction(bool ok, const QString& message)
{
    busy_ = false;
    actionResult_->setText(ok ? message.toHtmlEscaped()
                              : tr("<span style='color:#c62828'><b>%1</b></span>").arg(message.toHtmlEscaped()));
    updateButtons();
}

bool SessionsPage::validateSession(const QString& path, int round)
{
    if (busy_ || path.isEmpty())
        return false;
    try {
        sideJob_->validateSession(path, round);
    } catch (const std::exception& e) {
        finishAction(false, QString::fromLocal8Bit(e.what()));
        return false;
    }
    busy_ = true;
    sideJobExports_ = false;
    actionResult_->setText(tr("Validating %1…").arg(path.toHtmlEscaped()));
    updateButtons();
    sideJob_->start();
    return true;
}

bool SessionsPage::exportSession(const QString& path, const QString& format, const QString& roundSpec,
                                 const QString& out)
{
    if (busy_ || path.isEmpty() || out.isEmpty() || !exportFormats().contains(format))
        return false;
    int round = 0;
    try {
        round = workbench::SessionExporter(workbench::Session::open(path)).resolveRound(roundSpec);
    } catch (const std::exception& e) {
        finishAction(false, QString::fromLocal8Bit(e.what()));
        emit exported({}, QString::fromLocal8Bit(e.what()));
        return false;
    }
    busy_ = true;
    actionResult_->setText(tr("Exporting %1 of round %2 to %3…").arg(format).arg(round).arg(out.toHtmlEscaped()));
    updateButtons();
    if (format.endsWith(QLatin1String("torchscript"))) {
        // Rebuilt from the recipe and the round's checked weights, with the data's normalisation: a job of its own.
        sideJobExports_ = true;
        exportOut_ = out;
        sideJob_->exportTorchScript(path, round, out, format == QLatin1String("compact-torchscript"));
        sideJob_->start();
        return true;
    }
    QStringList written;
    QString error;
    if (format == QLatin1String("plots") || format == QLatin1String("report")) {
        // Drawn by the GUI's own chart classes, which live on this thread: small files, rendered offscreen.
        try {
            written = workbench::SessionExporter(workbench::Session::open(path)).exportTo(format, out, round);
        } catch (const std::exception& e) {
            error = QString::fromLocal8Bit(e.what());
        }
        finishAction(error.isEmpty(), error.isEmpty() ? tr("Wrote %1").arg(written.join(QStringLiteral(", "))) : error);
        emit exported(written, error);
        return error.isEmpty();
    }
    // Models, CSV and the bundle can be large: written on a worker thread.
    using Result = std::pair<QStringList, QString>;
    auto* watcher = new QFutureWatcher<Result>(this);
    connect(watcher, &QFutureWatcher<Result>::finished, this, [this, watcher] {
        watcher->deleteLater();
        const Result result = watcher->result();
        finishAction(result.second.isEmpty(), result.second.isEmpty()
                                                  ? tr("Wrote %1").arg(result.first.join(QStringLiteral(", ")))
                                                  : result.second);
        emit exported(result.first, result.second);
    });
    watcher->setFuture(QtConcurrent::run([path, format, out, round]() -> Result {
        try {
            return {workbench::SessionExporter(workbench::Session::open(path)).exportTo(format, out, round), {}};
        } catch (const std::exception& e) {
            return {{}, QString::fromLocal8Bit(e.what())};
        }
    }));
    return true;
}

void SessionsPage::askExport(const QString& path)
{
    if (path.isEmpty())
        return;
    QDialog dialog(this);
    dialog.setWindowTitle(tr("Export session"));
    auto* format = new QComboBox;
    const QStringList descriptions{tr("report: HTML and PDF (curves, rounds, confusion matrix, recipe)"),
                                   tr("bundle: the whole session as one .zip"),
                                   tr("plots: PNG and SVG of the charts, into a folder"),
                                   tr("csv: every plotted series, into a folder"),
                                   tr("state-dict: the model's tensors for torch.load (.pt)"),
                                   tr("masks: the pruning masks for torch.load (.pt)"),
                                   tr("torchscript: the masked model for torch.jit.load (.pt)"),
                                   tr("compact-torchscript: the smaller model, pruned units removed (.pt)")};
    for (int i = 0; i < descriptions.size(); ++i)
        format->addItem(descriptions[i], exportFormats()[i]);
    auto* round = new QComboBox;
    round->addItems({QStringLiteral("last"), QStringLiteral("best")});
    for (int k : workbench::Session::open(path, false).savedRounds())
        round->addItem(QString::number(k));
    auto* out = new QLineEdit;
    auto* browse = new QPushButton(tr("Browse…"));
    connect(browse, &QPushButton::clicked, &dialog, [&] {
        const QString kind = format->currentData().toString();
        const QString chosen = kind == QLatin1String("plots") || kind == QLatin1String("csv")
                                   ? QFileDialog::getExistingDirectory(&dialog, tr("Folder to write into"))
                                   : QFileDialog::getSaveFileName(&dialog, tr("File to write"));
        if (!chosen.isEmpty())
            out->setText(chosen);
    });
    auto* where = new QHBoxLayout;
    where->addWidget(out, 1);
    where->addWidget(browse);
    auto* form = new QFormLayout;
    form->addRow(tr("What"), format);
    form->addRow(tr("Round"), round);
    form->addRow(tr("Where"), where);
    auto* box = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel);
    connect(box, &QDialogButtonBox::accepted, &dialog, &QDialog::accept);
    connect(box, &QDialogButtonBox::rejected, &dialog, &QDialog::reject);
    auto* layout = new QVBoxLayout(&dialog);
    layout->addLayout(form);
    layout->addWidget(box);
    if (dialog.exec() == QDialog::Accepted && !out->text().isEmpty())
        exportSession(path, format->currentData().toString(), round->currentText(), out->text());
}

void SessionsPage::setRoot(const QString& root)
{
    store_ = workbench::SessionStore(root);
    rootLabel_->setText(tr("Sessions in <b>%1</b>").arg(store_.root().toHtmlEscaped()));
    refresh();
}

void SessionsPage::setDataset(std::shared_ptr<const datasets::ImageSet> dataset)
{
    sideJob_->setDataset(std::move(dataset));
}

void SessionsPage::setRunningSession(const QString& path)
{
    if (path.isEmpty() && !running_.isEmpty())
        justFinished_ = running_; // selected when the page next reads the folder: the run just watched
    running_ = path;
    // Reading every session's JSON files costs time on the GUI thread: only when the page is on screen (it reads
    // the folder again when shown).
    if (isVisible())
        refresh();
}

void SessionsPage::showEvent(QShowEvent* event)
{
    QWidget::showEvent(event);
    refresh();
}

void SessionsPage::refresh()
{
    QStringList selected = selectedPaths();
    sessions_ = store_.list();
    if (!justFinished_.isEmpty()) {
        // A comparison's variant is not a row of its own: its comparison folder is.
        for (const workbench::SessionInfo& s : std::as_const(sessions_))
            if (justFinished_ == s.path || justFinished_.startsWith(s.path + QLatin1Char('/')))
                selected = {s.path};
        justFinished_.clear();
    }
    const QSignalBlocker block(table_);
    table_->clearSelection();
    table_->setRowCount(int(sessions_.size()));
    const Qt::Alignment right = Qt::AlignRight | Qt::AlignVCenter;
    for (int row = 0; row < sessions_.size(); ++row) {
        const workbench::SessionInfo& s = sessions_[row];
        auto* name = item(s.name);
        name->setData(Qt::UserRole, s.path);
        name->setToolTip(s.path);
        table_->setItem(row, Name, name);
        table_->setItem(row, Recipe, item(s.recipeName));
        table_->setItem(row, Created, item(QLocale().toString(s.created, QLocale::ShortFormat)));
        auto* status = item(s.path == running_ ? tr("running now") : s.status);
        if (!s.message.isEmpty())
            status->setToolTip(s.message);
        table_->setItem(row, Status, status);
        table_->setItem(row, Rounds,
                        item(s.variants > 0 ? tr("%1 of %2 variants").arg(s.variantsCompleted).arg(s.variants)
                                            : tr("%1 of %2").arg(std::max(0, s.completedRound + 1)).arg(s.rounds + 1),
                             right));
        table_->setItem(row, TestAccuracy, item(s.testAccuracy >= 0 ? percent(s.testAccuracy) : tr("—"), right));
        table_->setItem(row, Pruned, item(s.completedRound >= 0 ? percent(s.sparsity) : tr("—"), right));
    }
    // Keep the selection; on a fresh page, select the newest session so its recipe is on screen.
    select(selected.isEmpty() && !sessions_.isEmpty() ? QStringList{sessions_.first().path} : selected);
    updateButtons();
    showDetails();
}

void SessionsPage::select(const QStringList& paths)
{
    table_->clearSelection();
    for (int row = 0; row < sessions_.size(); ++row)
        if (paths.contains(sessions_[row].path))
            table_->selectionModel()->select(table_->model()->index(row, 0),
                                             QItemSelectionModel::Select | QItemSelectionModel::Rows);
}

QStringList SessionsPage::selectedPaths() const
{
    std::set<int> rows;
    for (const QModelIndex& index : table_->selectionModel()->selectedRows())
        rows.insert(index.row());
    QStringList paths;
    for (int row : rows)
        if (row < sessions_.size())
            paths.append(sessions_[row].path);
    return paths;
}

void SessionsPage::updateButtons()
{
    const QStringList paths = selectedPaths();
    const bool one = paths.size() == 1;
    const bool busy = !running_.isEmpty();
    const workbench::SessionInfo* s = nullptr;
    for (const workbench::SessionInfo& info : sessions_)
        if (one && info.path == paths.first())
            s = &info;
    reopen_->setEnabled(one);
    compare_->setEnabled(!paths.isEmpty());
    resume_->setEnabled(s && !busy && s->status != QLatin1String("completed") && s->status != QLatin1String("damaged"));
    validate_->setEnabled(s && !busy_ && s->completedRound >= 0);
    export_->setEnabled(s && !busy_ && s->completedRound >= 0);
    rename_->setEnabled(one && !paths.contains(running_));
    delete_->setEnabled(!paths.isEmpty() && !paths.contains(running_));
}

void SessionsPage::showDetails()
{
    const QStringList paths = selectedPaths();
    if (paths.size() != 1) {
        details_->setText(paths.isEmpty() ? tr("Select a session to see its recipe.")
                                          : tr("%1 sessions selected.").arg(paths.size()));
        recipe_->clear();
        return;
    }
    for (const workbench::SessionInfo& s : sessions_) {
        if (s.path != paths.first())
            continue;
        QString text = tr("<b>%1</b><br>%2").arg(s.name.toHtmlEscaped(), s.path.toHtmlEscaped());
        if (!s.message.isEmpty())
            text += tr("<br>%1").arg(s.message.toHtmlEscaped());
        details_->setText(text);
        try {
            recipe_->setPlainText(QString::fromUtf8(
                QJsonDocument(workbench::Session::open(s.path).recipeJson()).toJson(QJsonDocument::Indented)));
        } catch (const std::exception& e) {
            recipe_->setPlainText(QString::fromLocal8Bit(e.what()));
        }
    }
}

void SessionsPage::chooseRoot()
{
    const QString folder = QFileDialog::getExistingDirectory(this, tr("Folder that holds the sessions"), store_.root());
    if (folder.isEmpty())
        return;
    setRoot(folder);
    emit rootChanged(folder);
}

bool SessionsPage::renameSession(const QString& path, const QString& newName)
{
    try {
        const workbench::Session renamed = store_.rename(workbench::Session::open(path), newName);
        refresh();
        select({renamed.path()});
        return true;
    } catch (const std::exception& e) {
        emit sessionError(QString::fromLocal8Bit(e.what()));
        return false;
    }
}

bool SessionsPage::deleteSessions(const QStringList& paths)
{
    bool ok = true;
    for (const QString& path : paths) {
        if (path == running_) {
            emit sessionError(tr("%1 is running: cancel the run before deleting it").arg(path));
            ok = false;
            continue;
        }
        try {
            store_.remove(workbench::Session::open(path, false));
        } catch (const std::exception& e) {
            emit sessionError(QString::fromLocal8Bit(e.what()));
            ok = false;
        }
    }
    refresh();
    return ok;
}

void SessionsPage::askRename()
{
    const QStringList paths = selectedPaths();
    if (paths.size() != 1)
        return;
    const workbench::Session session = workbench::Session::open(paths.first(), false);
    bool ok = false;
    const QString name = QInputDialog::getText(this, tr("Rename session"), tr("New name (the date stays):"),
                                               QLineEdit::Normal, session.name(), &ok);
    if (ok && !name.trimmed().isEmpty())
        renameSession(paths.first(), name);
}

void SessionsPage::askDelete()
{
    const QStringList paths = selectedPaths();
    if (paths.isEmpty())
        return;
    const auto answer = QMessageBox::question(
        this, tr("Delete sessions"),
        paths.size() == 1 ? tr("Delete the session %1 and every file in it?").arg(paths.first())
                          : tr("Delete these %1 sessions and every file in them?").arg(paths.size()),
        QMessageBox::Yes | QMessageBox::Cancel, QMessageBox::Cancel);
    if (answer == QMessageBox::Yes)
        deleteSessions(paths);
}

} // namespace prunelab::ui
