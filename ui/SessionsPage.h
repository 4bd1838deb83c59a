#pragma once

#include "core/workbench/SessionStore.h"

#include <QWidget>

class QLabel;
class QPlainTextEdit;
class QPushButton;
class QTableWidget;

namespace prunelab::ui {

/// The Sessions page: every run saved under the sessions folder, newest first, with its recipe and headline
/// numbers. Reopen shows a session's charts and results; Compare overlays the chosen sessions' accuracy against
/// weights remaining on the Run page; Resume continues an interrupted session; Rename and Delete ask first.
class SessionsPage : public QWidget {
    Q_OBJECT
public:
    explicit SessionsPage(QWidget* parent = nullptr);

    void setRoot(const QString& root);
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

public slots:
    /// Reads the folder again (also when the page is shown and when a run ends).
    void refresh();

signals:
    void reopenRequested(const QString& path);
    void compareRequested(const QStringList& paths);
    void resumeRequested(const QString& path);
    void rootChanged(const QString& root);
    void sessionError(const QString& message);

protected:
    void showEvent(QShowEvent* event) override;

private:
    void updateButtons();
    void showDetails();
    void chooseRoot();
    void askRename();
    void askDelete();

    workbench::SessionStore store_;
    QList<workbench::SessionInfo> sessions_;
    QString running_;

    QLabel* rootLabel_ = nullptr;
    QTableWidget* table_ = nullptr;
    QPlainTextEdit* recipe_ = nullptr;
    QLabel* details_ = nullptr;
    QPushButton* reopen_ = nullptr;
    QPushButton* compare_ = nullptr;
    QPushButton* resume_ = nullptr;
    QPushButton* rename_ = nullptr;
    QPushButton* delete_ = nullptr;
};

} // namespace prunelab::ui
