#include "core/workbench/RecipeData.h"

#include "datasets/DemoMriGenerator.h"
#include "datasets/IdxReader.h"

#include <QDir>
#include <QFileInfo>

#include <stdexcept>

namespace prunelab::workbench {

RecipeData loadRecipeData(const Recipe& recipe)
{
    const Recipe::Dataset& d = recipe.dataset;
    RecipeData data;
    if (d.source == QLatin1String("demo")) {
        datasets::DemoOptions options;
        options.seed = recipe.seed;
        if (d.imageWidth > 0) {
            if (d.imageWidth != d.imageHeight)
                throw std::runtime_error("demo images are square: set dataset.image_size to [N, N]");
            options.size = d.imageWidth;
        }
        if (d.demoPerClass > 0)
            options.perClass = QList<int>(options.perClass.size(), d.demoPerClass);
        data.train = std::make_shared<datasets::ImageSet>(datasets::DemoMriGenerator().generate(options));
    } else {
        const QString folder = d.source == QLatin1String("fashion-mnist") ? datasets::IdxReader::debianFashionMnistFolder() : d.source;
        if (d.source == QLatin1String("fashion-mnist") && !QFileInfo::exists(folder))
            throw std::runtime_error("fashion-mnist: the Debian package dataset-fashion-mnist is not installed (" +
                                     folder.toStdString() + " is missing)");
        if (!QFileInfo(folder).isDir())
            throw std::runtime_error(folder.toStdString() +
                                     ": this version reads the demo, fashion-mnist and folders of IDX files");
        datasets::IdxDataset idx = datasets::IdxReader::readFolder(folder);
        if (d.imageWidth > 0 && (d.imageWidth != idx.train.width || d.imageHeight != idx.train.height))
            throw std::runtime_error(QStringLiteral("%1: images are %2×%3; resizing IDX images comes in a later version")
                                         .arg(folder)
                                         .arg(idx.train.width)
                                         .arg(idx.train.height)
                                         .toStdString());
        data.train = std::make_shared<datasets::ImageSet>(std::move(idx.train));
        data.test = std::make_shared<datasets::ImageSet>(std::move(idx.test));
    }
    if (d.limitPerClass > 0)
        data.train = std::make_shared<datasets::ImageSet>(data.train->firstPerClass(d.limitPerClass));
    if (data.train->isEmpty())
        throw std::runtime_error(d.source.toStdString() + ": no images to train on");
    // Colour conversion comes with the image-folder sources; until then a mismatch is refused, not ignored.
    const bool grey = data.train->channels == 1;
    if ((d.color == QLatin1String("rgb") && grey) || (d.color == QLatin1String("gray") && !grey))
        throw std::runtime_error(QStringLiteral("dataset.color is %1 but %2 holds %3 images; converting them comes in a later version")
                                     .arg(d.color, d.source, grey ? QStringLiteral("grey") : QStringLiteral("colour"))
                                     .toStdString());
    return data;
}

} // namespace prunelab::workbench
