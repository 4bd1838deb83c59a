#pragma once

#include "core/workbench/Recipe.h"
#include "datasets/ImageSet.h"

#include <memory>

namespace prunelab::workbench {

/// The images a recipe trains on, and its given test set when the source has one (IDX t10k files).
struct RecipeData {
    std::shared_ptr<const datasets::ImageSet> train;
    std::shared_ptr<const datasets::ImageSet> test; ///< null when the source has no test files of its own
};

/// Loads `recipe.dataset.source`: `demo`, `fashion-mnist` (the Debian package's copy) or a folder of IDX files,
/// applying limit_per_class to the training images. Throws std::runtime_error naming the source and the problem.
RecipeData loadRecipeData(const Recipe& recipe);

} // namespace prunelab::workbench
