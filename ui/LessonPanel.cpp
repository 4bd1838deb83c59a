#include "ui/LessonPanel.h"

#include "ui/Named.h"

#include <QEvent>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QVBoxLayout>

namespace prunelab::ui {

namespace {
constexpr int kDatasetPage = 0;
constexpr int kRunPage = 1;
} // namespace

LessonPanel::LessonPanel(QWidget* parent) : QWidget(parent)
{
    setObjectName(QStringLiteral("lessonPanel"));
    setAccessibleName(tr("Lesson"));
    // Written for a teacher with the demo: brain MRI slices in four classes of simulated atrophy.
    steps_ = {
        {Step::Data, QStringLiteral("data"), tr("The data: slices of a brain"),
         tr("Each picture is one slice of a brain MRI scan. The four classes are four stages of simulated atrophy: "
            "from one class to the next the brain tissue shrinks and the dark, fluid-filled spaces grow. The network "
            "will have to tell the four stages apart from the pixels alone."),
         tr("Open the demo"), tr("Load the brain MRI demo dataset"), kDatasetPage},
        {Step::Train, QStringLiteral("train"), tr("Training: the network learns"),
         tr("Start trains a network on most of the slices and tests it after every epoch on slices it has never "
            "seen (validation). Watch the loss fall and the accuracy rise: guessing would score 25 %. When the "
            "validation curve flattens, more training no longer helps."),
         tr("Start"), tr("Start the run on the Run page (Ctrl+R)"), kRunPage},
        {Step::Prune, QStringLiteral("prune"), tr("Pruning: how many weights does it need?"),
         tr("After training, pruning sets the weights that matter least to zero and retrains the network briefly. "
            "The accuracy-vs-weights chart gets one point per pruning step; further right means fewer weights left. "
            "Up to the point where the curve falls off a cliff, most of the network was not needed."),
         tr("Start"), tr("Train and prune with the form's recipe (Ctrl+R)"), kRunPage},
        {Step::Compare, QStringLiteral("compare"), tr("Comparing: which weights to remove?"),
         tr("Which weights go is a choice. Global magnitude pruning removes the smallest weights anywhere in the "
            "network, layer-wise pruning takes the same share from every layer, and random pruning is the baseline "
            "any method must beat. The comparison runs each on the same slices and overlays their curves."),
         tr("Start the comparison"), tr("Run the methods one after the other and overlay their accuracy curves"),
         kRunPage},
    };

    indicator_ = named(new QLabel, "lessonStepIndicator", tr("Lesson step"));
    title_ = named(new QLabel, "lessonStepTitle", tr("Lesson step title"));
    title_->setTextFormat(Qt::PlainText);
    title_->setWordWrap(true);
    text_ = named(new QLabel, "lessonStepText", tr("What this step shows"));
    text_->setTextFormat(Qt::PlainText);
    text_->setWordWrap(true);
    detail_ = named(new QLabel, "lessonStepDetail", tr("What the chosen method does"));
    detail_->setTextFormat(Qt::PlainText);
    detail_->setWordWrap(true);
    detail_->setForegroundRole(QPalette::PlaceholderText); // readable in light and dark palettes
    detail_->hide();
    for (QLabel* label : {title_, text_, detail_})
        label->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred); // wraps to the width it is given

    back_ = named(new QPushButton(tr("Back")), "lessonBackButton", tr("Previous lesson step"));
    next_ = named(new QPushButton(tr("Next")), "lessonNextButton", tr("Next lesson step"));
    action_ = named(new QPushButton, "lessonActionButton", tr("Do this step"));
    close_ = named(new QPushButton(tr("End lesson")), "lessonCloseButton", tr("Leave lesson mode"));
    connect(back_, &QPushButton::clicked, this, &LessonPanel::back);
    connect(next_, &QPushButton::clicked, this, &LessonPanel::next);
    connect(action_, &QPushButton::clicked, this, [this] { emit actionRequested(steps_[current_].step); });
    connect(close_, &QPushButton::clicked, this, &LessonPanel::closeRequested);

    // One row for the step and its buttons, then the text: the pages keep the height (a projector has 768 lines).
    auto* heading = new QHBoxLayout;
    heading->addWidget(indicator_);
    heading->addSpacing(12);
    heading->addWidget(title_, 1);
    heading->addWidget(action_);
    heading->addSpacing(12);
    heading->addWidget(back_);
    heading->addWidget(next_);
    heading->addWidget(close_);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(8, 4, 8, 4);
    layout->setSpacing(2);
    layout->addLayout(heading);
    layout->addWidget(text_);
    layout->addWidget(detail_);
    setAutoFillBackground(true);
    setBackgroundRole(QPalette::AlternateBase);
    updateTitleFont();
    showStep(0);
}

void LessonPanel::setCurrentStep(int index)
{
    if (index < 0 || index >= stepCount())
        return;
    showStep(index);
}

void LessonPanel::next()
{
    setCurrentStep(current_ + 1);
}

void LessonPanel::back()
{
    setCurrentStep(current_ - 1);
}

void LessonPanel::setDetail(const QString& text)
{
    detail_->setText(text);
    detail_->setVisible(!text.isEmpty());
}

void LessonPanel::showStep(int index)
{
    current_ = index;
    const StepText& s = steps_[index];
    indicator_->setText(tr("Step %1 of %2").arg(index + 1).arg(stepCount()));
    title_->setText(s.title);
    text_->setText(s.text);
    action_->setText(s.action);
    action_->setToolTip(s.actionTip);
    back_->setEnabled(index > 0);
    next_->setEnabled(index + 1 < stepCount());
    setDetail({});
    emit stepChanged(index, s.page);
}

void LessonPanel::changeEvent(QEvent* event)
{
    QWidget::changeEvent(event);
    if (event->type() == QEvent::FontChange && !settingFont_)
        updateTitleFont(); // presentation mode changed the window's font
}

void LessonPanel::updateTitleFont()
{
    settingFont_ = true;
    QFont heading = font();
    heading.setBold(true);
    heading.setPointSizeF(heading.pointSizeF() * 1.25);
    title_->setFont(heading);
    QFont bold = font();
    bold.setBold(true);
    indicator_->setFont(bold);
    settingFont_ = false;
}

} // namespace prunelab::ui
