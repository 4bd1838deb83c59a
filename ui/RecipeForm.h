#pragma once

#include "core/workbench/Recipe.h"

#include <QWidget>

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QFormLayout;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QPushButton;
class QSpinBox;

namespace prunelab::ui {

/// The recipe a run starts from, as a form: a preset or a recipe file to begin with (Open…, Save…), then the
/// model (architecture, hidden widths or VGG layout, initialisation, device), the training (epochs, optimiser,
/// learning rate, batch size, seed) and the pruning (method with a line saying what it does, schedule, rounds,
/// target sparsity, fine-tuning, and the geometric schedule's table before anything trains). Fields the form does
/// not show (augmentation, LR schedule, rewinding, a compare list, …) are kept as the chosen recipe has them, and
/// the form's recipe is checked by the same validator as `prunelab-cli validate`: what is wrong shows under the
/// form, naming the field.
class RecipeForm : public QWidget {
    Q_OBJECT
public:
    explicit RecipeForm(QWidget* parent = nullptr);

    /// The recipe set last with the form's values over it.
    workbench::Recipe recipe() const;
    void setRecipe(const workbench::Recipe& recipe);
    /// Empty when the form's recipe is valid, else the validator's message with the key path.
    QString problem() const { return problem_; }
    /// The dataset page's split, balance and limit per class (the form does not show them) into the recipe.
    void setDatasetChoices(const workbench::Recipe::Dataset& dataset);
    /// While a run goes on the fields are read-only.
    void setRunning(bool running);

    /// The preset's one-line description: the seed workflow it reproduces and how.
    static QString presetDescription(const QString& name);

signals:
    /// A preset or a recipe file was chosen (not emitted for the form's own edits): its dataset may need loading.
    void recipeChosen(const prunelab::workbench::Recipe& recipe);
    /// The seed changed (the split it draws changes with it).
    void seedChanged(quint64 seed);
    /// The form's recipe became valid or invalid.
    void validityChanged(bool valid);
    void message(const QString& text);
    void error(const QString& title, const QString& text);

private:
    void choosePreset(int index);
    void openRecipeFile();
    void saveRecipeFile();
    void updateFields();
    /// Fills the layout list for the chosen architecture (VGG layouts, ResNet depths, DenseNet sizes) and selects
    /// what `chosenModel_` asks for, adding it when it is none of the listed ones.
    void fillLayouts();
    void validate();

    workbench::Recipe base_ =
        workbench::Recipe::fromJson(workbench::Recipe::presetJson(workbench::Recipe::defaultPresetName()));
    double shownSparsity_ = -1.0; ///< what setRecipe put in the sparsity field: unchanged, the recipe's own values stay
    bool running_ = false;
    QString problem_;

    QComboBox* preset_ = nullptr;
    QLabel* presetNote_ = nullptr; ///< the preset's description, or the recipe file; and a compare list's variants
    QPushButton* open_ = nullptr;
    QPushButton* save_ = nullptr;
    QComboBox* arch_ = nullptr;
    QLineEdit* hidden_ = nullptr;
    QComboBox* vggLayout_ = nullptr; ///< the layout of the chosen architecture: VGG layout, ResNet depth, DenseNet size
    workbench::Recipe::Model chosenModel_; ///< the layouts chosen per architecture, kept while another is shown
    QDoubleSpinBox* vggWidth_ = nullptr;
    QCheckBox* batchNorm_ = nullptr;
    QComboBox* init_ = nullptr;
    QComboBox* device_ = nullptr;
    QSpinBox* epochs_ = nullptr;
    QComboBox* optimizer_ = nullptr;
    QDoubleSpinBox* learningRate_ = nullptr;
    QSpinBox* batchSize_ = nullptr;
    QSpinBox* seed_ = nullptr;
    QSpinBox* repeats_ = nullptr; ///< repeats: runs with seed, seed + 1, …
    QComboBox* method_ = nullptr;
    QLabel* methodHelp_ = nullptr;
    QComboBox* schedule_ = nullptr;
    QLabel* scheduleHelp_ = nullptr;
    QSpinBox* rounds_ = nullptr;
    QDoubleSpinBox* q_ = nullptr;    ///< geometric retention factor
    QSpinBox* startEpoch_ = nullptr; ///< gradual: prune.start_epoch, prune.end_epoch, prune.frequency
    QSpinBox* endEpoch_ = nullptr;
    QSpinBox* frequency_ = nullptr;
    QWidget* gradualRow_ = nullptr; ///< the three above, a row of the pruning form shown for gradual only
    QFormLayout* pruneForm_ = nullptr;
    QPlainTextEdit* retentionPreview_ = nullptr; ///< the geometric schedule's table, before anything trains
    QDoubleSpinBox* sparsity_ = nullptr;
    QSpinBox* fineTuneEpochs_ = nullptr;
    QLabel* problemLabel_ = nullptr;
};

} // namespace prunelab::ui
