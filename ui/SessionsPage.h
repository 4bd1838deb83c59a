#pragma once

#include "core/workbench/SessionStore.h"

#include "datasets/ImageSet.h"

#include <QWidget>

#include <memory>

class QLabel;
class QPlainTextEdit;
class QPushButton;
class QTableWidget;

namespace prunelab::workbench {
class RunJob;
}

namespace prunelab::ui {

/// The Sessions page: every run saved under the sessions folder, newest first, with its recipe and headline
/// numbers. Reopen shows a session's charts and results; Compare overlays the chosen sessions' accuracy against
/// weights remaining on the Run page; Resume continues an interrupted session; Validate reloads a saved model and
/// checks the recorded test accuracy; Export writes a report, plots, CSV, models or a bundle; Rename and Delete ask
/// first. Validation, TorchScript export and file exports run off the GUI thread (their own job, or a worker).
class SessionsPage : public QWidget {
    Q_OBJECT
public:
    explicit SessionsPage(QWidget* parent = nullptr);

    void setRoot(const QString& root);
    /// The dataset open in the window: validation and TorchScript export use it when it is the session's very
    /// data (same fingerprint), else they load the session's recorded source.
    void setDataset(std::shared_ptr<const datasets::ImageSet> dataset);
    QString root() const { return store_.root(); }
    /// The session the job is writing (empty: none): it cannot be deleted, renamed or resumed meanwhile.
    void setRunningSession(const QString& path);
    const QList<workbench::SessionInfo>& sessions() const { return sessions_; }
    /// Selects the sessions with these folders (and no other).
    void select(const QStringList& paths);
    QStringList selectedPaths() const;

    /// What the buttons do once confirmed; each returns false and says why in sessionError() when it cannot.
    bool renameSession(const QString& path, const QString& newName);
    bool deleteSessions(const QStringList& paths);
    /// Checks that round `round` (-1: the last) reproduces its recorded accuracy; validated() tells.
    bool validateSession(const QString& path, int round = -1);
    /// Writes `format` (exportFormats()) of round `round` ("last", "best" or K) to `out`; exported() tells.
    bool exportSession(const QString& path, const QString& format, const QString& round, const QString& out);
    static QStringList exportFormats();
    /// The export dialog for `path` (the Export buttons of this page and of the Results page).
    void askExport(const QString& path);
    bool isBusy() const { return busy_; }

public slots:
    /// Reads the folder again (also when the page is shown and when a run ends).
    void refresh();

signals:
    void reopenRequested(const QString& path);
    void compareRequested(const QStringList& paths);
    void resumeRequested(const QString& path);
    void rootChanged(const QString& root);
    void sessionError(const QString& message);
    void validated(bool reproduced, const QString& message);
    /// The files written, or an error (files empty).
    void exported(const QStringList& files, const QString& error);

protected:
    void showEvent(QShowEvent* event) override;

private:
    void updateButtons();
    void showDetails();
    void chooseRoot();
    void askRename();
    void askDelete();
    void askExport() { askExport(selectedPaths().value(0)); }
    void finishAction(bool ok, const QString& message);

    workbench::SessionStore store_;
    QList<workbench::SessionInfo> sessions_;
    QString running_;
    workbench::RunJob* sideJob_ = nullptr; ///< validation and TorchScript export, apart from the training job
    bool busy_ = false;
    bool sideJobExports_ = false;
    QString exportOut_;

    QLabel* rootLabel_ = nullptr;
    QTableWidget* table_ = nullptr;
    QPlainTextEdit* recipe_ = nullptr;
    QLabel* details_ = nullptr;
    QLabel* actionResult_ = nullptr;
    QPushButton* validate_ = nullptr;
    QPushButton* export_ = nullptr;
    QPushButton* reopen_ = nullptr;
    QPushButton* compare_ = nullptr;
    QString justFinished_; ///< the session of the run that ended last, selected at the next refresh
    QPushButton* resume_ = nullptr;
    QPushButton* rename_ = nullptr;
    QPushButton* delete_ = nullptr;
};

} // namespace prunelab::ui
