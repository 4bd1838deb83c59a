#pragma once

#include <QDialog>

class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QPushButton;

namespace prunelab::ui {

/// Edit → Preferences…: where sessions are saved, how large the decoded-pixel cache may grow, how much it holds and
/// where, and a button that clears it (after asking; on a worker thread). OK saves the values to
/// workbench::UserSettings, which prunelab-cli reads too; Cancel leaves them as they were (a cleared cache stays
/// cleared).
class PreferencesDialog : public QDialog {
    Q_OBJECT
public:
    explicit PreferencesDialog(QWidget* parent = nullptr);

    /// The sessions folder shown (empty: the default).
    QString sessionsRoot() const;
    qint64 cacheLimitBytes() const;
    /// Clears the cache on a worker without asking; cacheCleared() follows. The Clear cache button asks first.
    void clearCache();
    bool isClearing() const { return clearing_; }

    void accept() override;

signals:
    void cacheCleared(qint64 bytesFreed);

private:
    void browseSessions();
    void askClearCache();
    void showCacheUsage();

    QLineEdit* sessionsEdit_ = nullptr;
    QDoubleSpinBox* limitSpin_ = nullptr;
    QLabel* usageLabel_ = nullptr;
    QPushButton* clearButton_ = nullptr;
    QLabel* clearedLabel_ = nullptr;
    QString cacheDirectory_;
    bool clearing_ = false;
};

} // namespace prunelab::ui
