#include "core/workbench/RunContext.h"

#include "core/engine/runtime/Device.h"
#include "core/workbench/MemoryPhases.h"
#include "core/workbench/RunSettings.h"

#include <torch/torch.h>

#include <QCryptographicHash>
#include <QJsonArray>

namespace prunelab::workbench::run {

namespace {

/// SHA-256 over an image set's shape, pixels and labels: the session records it, resume and validate check it.
void addToHash(QCryptographicHash& hash, const datasets::ImageSet& set)
{
    const qint64 shape[4] = {set.count(), set.channels, set.height, set.width};
    hash.addData(QByteArrayView(reinterpret_cast<const char*>(shape), sizeof shape));
    hash.addData(QByteArrayView(reinterpret_cast<const char*>(set.pixels.data()), qsizetype(set.pixels.size())));
    hash.addData(QByteArrayView(reinterpret_cast<const char*>(set.labels.data()),
                                qsizetype(set.labels.size() * sizeof(int64_t))));
    hash.addData(set.classNames.join(QLatin1Char('\n')).toUtf8());
}

/// The fingerprint a session records: the images, and the source's own test images when the split uses them.
QString fingerprintOf(const Recipe& recipe, const datasets::ImageSet& images, const datasets::ImageSet* test)
{
    QCryptographicHash hash(QCryptographicHash::Sha256);
    addToHash(hash, images);
    if (test != nullptr && recipe.dataset.testGiven)
        addToHash(hash, *test);
    return QString::fromLatin1(hash.result().toHex());
}

QString splitFingerprint(std::initializer_list<const engine::TensorDataset*> parts)
{
    QCryptographicHash hash(QCryptographicHash::Sha256);
    for (const engine::TensorDataset* part : parts) {
        const torch::Tensor images =
            part->images.defined() ? part->images.contiguous().cpu() : torch::empty({0}, torch::kUInt8);
        const torch::Tensor labels =
            part->labels.defined() ? part->labels.contiguous().cpu() : torch::empty({0}, torch::kLong);
        hash.addData(QByteArrayView(static_cast<const char*>(images.data_ptr()), qsizetype(images.nbytes())));
        hash.addData(QByteArrayView(static_cast<const char*>(labels.data_ptr()), qsizetype(labels.nbytes())));
    }
    return QString::fromLatin1(hash.result().toHex());
}

/// The window's images when they serve (a new run; a continued one only on the very data recorded), else loaded.
RecipeData dataFor(const Recipe& recipe, const Session& session, std::shared_ptr<const datasets::ImageSet> given,
                   std::shared_ptr<const datasets::ImageSet> givenTest, SessionUse use, const Worker& worker)
{
    if (given && session.isValid() && use != SessionUse::Record &&
        fingerprintOf(recipe, *given, givenTest.get()) != session.datasetFingerprint()) {
        worker.log(QObject::tr("the dataset open in the window is not the one %1 was recorded with: loading %2")
                       .arg(session.path(), recipe.dataset.source));
        given.reset();
    }
    if (given)
        return recipeDataFrom(recipe, given, givenTest);
    worker.log(QObject::tr("loading %1…").arg(recipe.dataset.source));
    RecipeData data = loadRecipeData(recipe, {}, worker.cancel);
    for (const datasets::SkippedFile& skipped : data.summary.skipped)
        worker.log(QObject::tr("skipped %1: %2").arg(skipped.file, skipped.reason));
    return data;
}

/// recipe.json with the data's fingerprint, dataset.json, split.json, an empty metrics.jsonl and state.json.
void recordData(const Context& c)
{
    QJsonObject stored = c.recipe.toJson();
    stored.insert(QStringLiteral("dataset_fingerprint"), c.fingerprint);
    c.session.writeJson(QStringLiteral("recipe.json"), stored);
    const datasets::ImageSet& images = *c.data.train;
    c.session.writeJson(
        QStringLiteral("dataset.json"),
        QJsonObject{{"source", c.recipe.dataset.source},
                    {"description", images.sourceDescription},
                    {"classes", QJsonArray::fromStringList(images.classNames)},
                    {"image_size", QJsonArray{images.width, images.height}},
                    {"channels", images.channels},
                    {"images", images.count()},
                    {"test_images_given", c.data.test && c.recipe.dataset.testGiven ? c.data.test->count() : 0},
                    {"train", qint64(c.train.size())},
                    {"validation", qint64(c.validation.size())},
                    {"test", qint64(c.test.size())},
                    {"fingerprint", c.fingerprint},
                    {"split_fingerprint", splitFingerprint({&c.train, &c.validation, &c.test})}});
    // The exact split, reusable by another run with dataset.split.file.
    c.session.writeJson(QStringLiteral("split.json"), c.data.split.toJson());
    c.session.writeFile(QStringLiteral("metrics.jsonl"), {});
    c.session.writeState({{"status", "running"}, {"completed_round", -1}});
}

/// ImageNet statistics for RGB (the MRI threshold sweep), the training images' own for grey, unless the recipe says.
engine::Normalizer normalizerFor(const Recipe& recipe, const datasets::ImageSet& images,
                                 const engine::TensorDataset& train)
{
    const bool imagenet = recipe.train.normalize == QLatin1String("imagenet") ||
                          (recipe.train.normalize == QLatin1String("auto") && images.channels == 3);
    if (imagenet && images.channels != 3)
        throw std::invalid_argument("train.normalize imagenet needs RGB images");
    return imagenet ? engine::Normalizer({0.485, 0.456, 0.406}, {0.229, 0.224, 0.225})
                    : engine::Normalizer::fromData(train);
}

} // namespace

engine::ClassifierPtr Context::buildModel() const
{
    return engine::buildModel(spec, channels, height, width, classes);
}

Context prepare(const Recipe& recipe, const Session& session, torch::Device device,
                std::shared_ptr<const datasets::ImageSet> given, std::shared_ptr<const datasets::ImageSet> givenTest,
                SessionUse use, const Worker& worker)
{
    Context c;
    c.recipe = recipe;
    c.session = session;
    c.device = device;
    c.data = dataFor(recipe, session, std::move(given), std::move(givenTest), use, worker);
    enterMemoryPhase(MemoryPhase::Split);
    c.all = settings::wrap(*c.data.train);
    const auto rows = [&](const std::vector<qsizetype>& indices) {
        // Views into the one loaded set (its row numbers), not copies of its pixels: `bench memory`.
        return engine::rowsOf(c.all, torch::tensor(std::vector<int64_t>(indices.begin(), indices.end()), torch::kLong));
    };
    c.train = rows(c.data.trainIndices);
    c.validation = rows(c.data.split.validation);
    c.test = c.data.test ? settings::wrap(*c.data.test) : rows(c.data.split.test);
    worker.log(QObject::tr("%1: training on %2 images, validating on %3, testing on %4; device %5")
                   .arg(c.data.train->sourceDescription)
                   .arg(c.train.size())
                   .arg(c.validation.size())
                   .arg(c.test.size())
                   .arg(QString::fromStdString(engine::describeDevice(device))));
    if (c.train.size() == 0)
        throw std::runtime_error(recipe.dataset.source.toStdString() + ": no training images after the split");

    // The session records what the data was; a resumed or validated run must see the very same images. A session
    // killed before its data was loaded has a recipe but no fingerprint and no round: it starts afresh.
    c.fingerprint = fingerprintOf(recipe, *c.data.train, c.data.test.get());
    const bool record =
        use == SessionUse::Record || (use == SessionUse::Continue && session.isValid() &&
                                      session.datasetFingerprint().isEmpty() && session.completedRound() < 0);
    if (session.isValid() && record)
        recordData(c);
    else if (session.isValid() && session.datasetFingerprint() != c.fingerprint)
        throw SessionError("the data of " + recipe.dataset.source.toStdString() +
                           " differs from the data this session was recorded with (dataset fingerprint "
                           "changed): the rounds cannot be continued or reproduced on it");

    c.normalizer = normalizerFor(recipe, *c.data.train, c.train);
    c.spec = settings::modelSpec(recipe.model);
    c.channels = c.data.train->channels;
    c.height = c.data.train->height;
    c.width = c.data.train->width;
    c.classes = c.all.classCount;
    torch::manual_seed(recipe.seed);
    c.model = c.buildModel();
    c.trainer = std::make_unique<engine::Trainer>(c.model, c.normalizer, device);
    enterMemoryPhase(MemoryPhase::Train);
    return c;
}

} // namespace prunelab::workbench::run
