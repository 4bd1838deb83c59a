#include "ui/HeightForWidth.h"

#include <QEvent>
#include <QLayout>
#include <QWidget>

namespace prunelab::ui {

namespace {

class HeightForWidthFollower : public QObject {
public:
    explicit HeightForWidthFollower(QWidget* pane) : QObject(pane), pane_(pane) { pane->installEventFilter(this); }

    bool eventFilter(QObject* watched, QEvent* event) override
    {
        if (watched == pane_ && (event->type() == QEvent::Resize || event->type() == QEvent::LayoutRequest))
            fit();
        return false;
    }

private:
    void fit()
    {
        const QLayout* layout = pane_->layout();
        if (layout == nullptr || !layout->hasHeightForWidth())
            return;
        const int needed = layout->totalHeightForWidth(pane_->width());
        if (needed > 0 && needed != pane_->minimumHeight())
            pane_->setMinimumHeight(needed);
    }

    QWidget* pane_;
};

} // namespace

void followHeightForWidth(QWidget* pane)
{
    new HeightForWidthFollower(pane);
}

} // namespace prunelab::ui
