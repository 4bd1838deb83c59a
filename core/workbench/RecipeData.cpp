#include "core/workbench/RecipeData.h"

#include "core/workbench/UserSettings.h"

#include <stdexcept>

namespace prunelab::workbench {

datasets::LoadOptions loadOptions(const Recipe& recipe)
{
    const Recipe::Dataset& d = recipe.dataset;
    datasets::LoadOptions options;
    options.width = d.imageWidth;
    options.height = d.imageHeight;
    options.color = datasets::colorModeFromName(d.color);
    options.demoSeed = recipe.seed;
    options.demoPerClass = d.demoPerClass;
    const UserSettings settings; // the cache folder and its size limit, as set in the GUI's Preferences
    options.cacheDirectory = settings.activeCacheDirectory();
    options.cacheLimitBytes = settings.cacheLimitBytes();
    options.nifti.axis = d.niftiAxis;
    options.nifti.middleSlices = d.niftiMiddleSlices;
    options.nifti.firstSlice = d.niftiSlices.value(0, -1);
    options.nifti.lastSlice = d.niftiSlices.value(1, -1);
    options.nifti.windowLow = d.niftiWindow.value(0);
    options.nifti.windowHigh = d.niftiWindow.value(1);
    return options;
}

RecipeData loadRecipeData(const Recipe& recipe, const datasets::DatasetLoader::Progress& progress,
                          const std::atomic<bool>* cancel)
{
    const Recipe::Dataset& d = recipe.dataset;
    datasets::LoadedDataset loaded = datasets::DatasetLoader(loadOptions(recipe)).load(d.source, progress, cancel);
    RecipeData data;
    data.summary = std::move(loaded.summary);
    data.fromCache = loaded.fromCache;
    if (d.limitPerClass > 0) {
        data.train = std::make_shared<datasets::ImageSet>(loaded.images.firstPerClass(d.limitPerClass));
        // Counts and duplicates of the images kept; what was skipped, and the sizes found, still hold.
        datasets::DatasetSummary kept =
            datasets::DatasetSummary::describe(*data.train, datasets::DatasetSummary::pixelHashes(*data.train));
        kept.source = data.summary.source;
        kept.skipped = data.summary.skipped;
        kept.sizes = data.summary.sizes;
        kept.channels = data.summary.channels;
        kept.volumes = data.summary.volumes;
        data.summary = std::move(kept);
    } else {
        data.train = std::make_shared<datasets::ImageSet>(std::move(loaded.images));
    }
    if (!loaded.test.isEmpty())
        data.test = std::make_shared<datasets::ImageSet>(std::move(loaded.test));
    if (data.train->isEmpty())
        throw std::runtime_error(d.source.toStdString() + ": no images to train on");
    planSplit(recipe, data);
    return data;
}

RecipeData recipeDataFrom(const Recipe& recipe, std::shared_ptr<const datasets::ImageSet> images,
                          std::shared_ptr<const datasets::ImageSet> test)
{
    RecipeData data;
    data.train = recipe.dataset.limitPerClass > 0
                     ? std::make_shared<datasets::ImageSet>(images->firstPerClass(recipe.dataset.limitPerClass))
                     : std::move(images);
    data.summary = datasets::DatasetSummary::describe(*data.train, datasets::DatasetSummary::pixelHashes(*data.train));
    data.test = std::move(test); // planSplit keeps it only when split.test is "given"
    planSplit(recipe, data);
    return data;
}

void planSplit(const Recipe& recipe, RecipeData& data)
{
    const Recipe::Dataset& d = recipe.dataset;
    const bool ownTest = data.test && d.testGiven;
    if (!ownTest)
        data.test.reset();
    if (!d.splitFile.isEmpty()) {
        data.split = datasets::DatasetSplit::load(d.splitFile, data.train->count());
    } else {
        datasets::SplitOptions options;
        options.validation = d.validationFraction;
        options.test = ownTest || d.testGiven ? 0.0 : d.testFraction;
        options.seed = recipe.seed;
        // Slices of one volume, and exact duplicates, go to one side together: the same brain or picture in
        // training and test inflates accuracy.
        if (!data.train->groups.empty())
            options.groups = data.train->groups;
        else if (data.summary.total == data.train->count())
            options.groups = datasets::duplicateGroupIds(data.train->count(), data.summary.duplicateGroups);
        data.split = datasets::splitStratified(*data.train, options);
    }
    data.trainIndices =
        datasets::balanceIndices(*data.train, data.split.train, datasets::balanceFromName(d.balance), recipe.seed);
}

} // namespace prunelab::workbench
