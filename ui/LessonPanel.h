#pragma once

#include <QList>
#include <QString>
#include <QWidget>

class QLabel;
class QPushButton;

namespace prunelab::ui {

/// Lesson mode (View → Lesson mode, `--lesson`): a bar above the pages that walks a class through Data → Train →
/// Prune → Compare. Each step has a title, two or three sentences a student can read aloud, an optional detail (the
/// Prune step shows the form's own explanation of the chosen method and schedule), Back and Next, and one action
/// button that does the step's work (open the demo, start the run, start the comparison). The panel only says what
/// a step is and asks for it: the window switches pages and starts runs (pageRequested, actionRequested). Its fonts
/// follow the window's (larger in presentation mode) and its colours the palette.
class LessonPanel : public QWidget {
    Q_OBJECT
public:
    enum class Step { Data, Train, Prune, Compare };

    explicit LessonPanel(QWidget* parent = nullptr);

    int stepCount() const { return int(steps_.size()); }
    int currentStep() const { return current_; }
    Step step(int index) const { return steps_.value(index).step; }
    /// A short name for file names and tests: "data", "train", "prune", "compare".
    QString stepKey(int index) const { return steps_.value(index).key; }
    /// The page (tab index of the window) a step shows.
    int stepPage(int index) const { return steps_.value(index).page; }
    /// Sets the step's extra text (the Prune step: what the chosen method and schedule do); empty hides it.
    void setDetail(const QString& text);

public slots:
    void setCurrentStep(int index);
    void next();
    void back();

signals:
    /// The step changed: the window shows `page` (and fills the step's detail).
    void stepChanged(int index, int page);
    /// The step's action button was pressed.
    void actionRequested(prunelab::ui::LessonPanel::Step step);
    /// The close button: the window leaves lesson mode.
    void closeRequested();

protected:
    void changeEvent(QEvent* event) override;

private:
    struct StepText {
        Step step;
        QString key;
        QString title;
        QString text;
        QString action;
        QString actionTip;
        int page;
    };
    void showStep(int index);
    void updateTitleFont();

    QList<StepText> steps_;
    int current_ = 0;
    QLabel* indicator_ = nullptr;
    QLabel* title_ = nullptr;
    QLabel* text_ = nullptr;
    QLabel* detail_ = nullptr;
    QPushButton* back_ = nullptr;
    QPushButton* next_ = nullptr;
    QPushButton* action_ = nullptr;
    QPushButton* close_ = nullptr;
    bool settingFont_ = false;
};

} // namespace prunelab::ui
