#pragma once

#include "core/workbench/Recipe.h"
#include "datasets/DatasetLoader.h"
#include "datasets/DatasetSplit.h"
#include "datasets/DatasetSummary.h"
#include "datasets/ImageSet.h"

#include <atomic>
#include <memory>
#include <vector>

namespace prunelab::workbench {

/// The images a recipe trains on, how they are split, and what is in them.
struct RecipeData {
    std::shared_ptr<const datasets::ImageSet> train; ///< every image of the source (after limit_per_class)
    std::shared_ptr<const datasets::ImageSet> test;  ///< the source's own test images (IDX t10k), or null
    datasets::DatasetSummary summary;
    datasets::DatasetSplit split;        ///< indices into *train; split.test is used when `test` is null
    std::vector<qsizetype> trainIndices; ///< split.train after dataset.balance
    bool fromCache = false;
};

/// The loader options a recipe asks for (image size, colour, demo seed and size), with the pixel cache folder and
/// size limit of UserSettings.
datasets::LoadOptions loadOptions(const Recipe& recipe);

/// Loads `recipe.dataset.source` (any source DatasetLoader reads), applies limit_per_class and plans the split.
/// Throws std::runtime_error naming the source and the problem; datasets::LoadCancelled when cancelled.
RecipeData loadRecipeData(const Recipe& recipe, const datasets::DatasetLoader::Progress& progress = {},
                          const std::atomic<bool>* cancel = nullptr);

/// Fills `data.split` and `data.trainIndices` for data.train: the saved split of dataset.split.file, or a stratified
/// split from the recipe's seed that keeps exact duplicates together; then dataset.balance on the training part.
void planSplit(const Recipe& recipe, RecipeData& data);

/// The images open in the window (and the source's own test images, or null) as a run uses them: cut to the
/// recipe's limit per class as a loaded source would be, described (duplicates by their pixels), split and
/// balanced. What RunJob trains on and what the GUI's split panel counts.
RecipeData recipeDataFrom(const Recipe& recipe, std::shared_ptr<const datasets::ImageSet> images,
                          std::shared_ptr<const datasets::ImageSet> test);

} // namespace prunelab::workbench
