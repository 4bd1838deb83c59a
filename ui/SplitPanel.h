#pragma once

#include "core/workbench/Recipe.h"
#include "datasets/ImageSet.h"

#include <QGroupBox>
#include <QList>

#include <array>
#include <memory>

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QSpinBox;
class QTableWidget;

namespace prunelab::ui {

/// The Dataset page's "Split and balance": validation and test shares (or the source's own test files), class
/// balancing and a limit per class, with the images per class each choice gives — training before and after
/// balancing, validation, test — computed by the very function a run uses (workbench::recipeDataFrom: stratified, whole
/// volumes and exact duplicates kept on one side, the recipe's seed), on a worker thread. The choices are part of
/// the recipe: the window keeps this panel and the Run page's recipe in step.
class SplitPanel : public QGroupBox {
    Q_OBJECT
public:
    explicit SplitPanel(QWidget* parent = nullptr);
    ~SplitPanel() override;

    void setData(std::shared_ptr<const datasets::ImageSet> images, std::shared_ptr<const datasets::ImageSet> test);
    /// Shows the recipe's split, balance, limit and seed (no choicesChanged()).
    void setChoices(const workbench::Recipe& recipe);
    /// The seed the split is drawn with (the Run page's).
    void setSeed(quint64 seed);
    /// Writes the panel's choices into `recipe`'s dataset section.
    void applyChoices(workbench::Recipe& recipe) const;

    /// Per class: training images, training images after balancing, validation, test (after the last count).
    using Counts = QList<std::array<qint64, 4>>;
    const Counts& counts() const { return counts_; }
    bool isCounting() const { return counting_; }

signals:
    void choicesChanged();
    /// New counts are on screen.
    void counted();

private:
    void recount();
    void show(const Counts& counts, const QString& problem);

    std::shared_ptr<const datasets::ImageSet> images_;
    std::shared_ptr<const datasets::ImageSet> test_;
    workbench::Recipe recipe_; ///< the seed and the fields the panel does not show
    Counts counts_;
    bool counting_ = false;
    bool recountPending_ = false;
    QObject* watcher_ = nullptr;

    QDoubleSpinBox* validation_ = nullptr;
    QDoubleSpinBox* testShare_ = nullptr;
    QCheckBox* givenTest_ = nullptr;
    QComboBox* balance_ = nullptr;
    QSpinBox* limit_ = nullptr;
    QTableWidget* table_ = nullptr;
    QLabel* note_ = nullptr;
};

} // namespace prunelab::ui
