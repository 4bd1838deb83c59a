#include "core/workbench/Recipe.h"

#include "core/engine/models/ArchitectureChecks.h"
#include "core/engine/pruning/GeometricRetention.h"
#include "core/engine/pruning/MethodCatalogue.h"

#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QSet>

#include <cmath>

namespace prunelab::workbench {

namespace {

QStringList names(const std::vector<std::string>& list)
{
    QStringList out;
    for (const std::string& name : list)
        out.append(QString::fromStdString(name));
    return out;
}

QString show(const QJsonValue& v)
{
    switch (v.type()) {
    case QJsonValue::String:
        return QLatin1Char('"') + v.toString() + QLatin1Char('"');
    case QJsonValue::Double:
        return QString::number(v.toDouble(), 'g', 12);
    case QJsonValue::Bool:
        return v.toBool() ? QStringLiteral("true") : QStringLiteral("false");
    case QJsonValue::Null:
        return QStringLiteral("null");
    case QJsonValue::Array:
        return QStringLiteral("a list");
    case QJsonValue::Object:
        return QStringLiteral("an object");
    case QJsonValue::Undefined:
        break;
    }
    return QStringLiteral("nothing");
}

/// A key as a person can read it in a message: control characters (a NUL would end the message) as \uXXXX.
QString printable(const QString& key)
{
    QString out;
    for (const QChar c : key)
        out += c.unicode() < 0x20 || c.unicode() == 0x7f
                   ? QStringLiteral("\\u%1").arg(c.unicode(), 4, 16, QLatin1Char('0'))
                   : QString(c);
    return out;
}

/// Reads one JSON object, field by field, with the key path for every message, and refuses keys it never read.
class Reader {
public:
    Reader(QJsonObject object, QString path) : object_(std::move(object)), path_(std::move(path)) {}

    QString pathOf(const QString& key) const { return path_.isEmpty() ? key : path_ + QLatin1Char('.') + key; }
    bool has(const QString& key) const { return object_.contains(key); }

    double number(const QString& key, double fallback, double low, double high, bool lowOpen = false)
    {
        const QJsonValue v = take(key);
        if (v.isUndefined())
            return fallback;
        if (!v.isDouble() || !std::isfinite(v.toDouble()))
            fail(key, QStringLiteral("must be a number, got %1").arg(show(v)));
        const double x = v.toDouble();
        if ((lowOpen ? x <= low : x < low) || x > high)
            fail(key, QStringLiteral("must be %1 %2 and <= %3, got %4")
                          .arg(lowOpen ? QStringLiteral(">") : QStringLiteral(">="))
                          .arg(low)
                          .arg(high)
                          .arg(show(v)));
        return x;
    }

    int integer(const QString& key, int fallback, int low, int high)
    {
        const QJsonValue v = take(key);
        if (v.isUndefined())
            return fallback;
        const double x = v.toDouble();
        if (!v.isDouble() || x != std::floor(x) || x < low || x > high)
            fail(key, QStringLiteral("must be a whole number from %1 to %2, got %3").arg(low).arg(high).arg(show(v)));
        return int(x);
    }

    bool boolean(const QString& key, bool fallback)
    {
        const QJsonValue v = take(key);
        if (v.isUndefined())
            return fallback;
        if (!v.isBool())
            fail(key, QStringLiteral("must be true or false, got %1").arg(show(v)));
        return v.toBool();
    }

    QString string(const QString& key, const QString& fallback)
    {
        const QJsonValue v = take(key);
        if (v.isUndefined())
            return fallback;
        if (!v.isString() || v.toString().isEmpty())
            fail(key, QStringLiteral("must be a non-empty string, got %1").arg(show(v)));
        return v.toString();
    }

    QString choice(const QString& key, const QString& fallback, const QStringList& allowed,
                   const QStringList& later = {})
    {
        const QString value = string(key, fallback);
        if (later.contains(value))
            fail(key, QStringLiteral("'%1' is not available in this version yet; available: %2")
                          .arg(value, allowed.join(QStringLiteral(", "))));
        if (!allowed.contains(value))
            fail(key, QStringLiteral("must be one of %1, got \"%2\"").arg(allowed.join(QStringLiteral(", ")), value));
        return value;
    }

    QList<double> numbers(const QString& key, const QList<double>& fallback, double low, double high, int minCount,
                          int maxCount)
    {
        const QJsonValue v = take(key);
        if (v.isUndefined())
            return fallback;
        if (!v.isArray() || v.toArray().size() < minCount || v.toArray().size() > maxCount)
            fail(key,
                 QStringLiteral("must be a list of %1 to %2 numbers, got %3").arg(minCount).arg(maxCount).arg(show(v)));
        QList<double> out;
        const QJsonArray array = v.toArray();
        for (qsizetype i = 0; i < array.size(); ++i) {
            const QJsonValue item = array[i];
            if (!item.isDouble() || !std::isfinite(item.toDouble()) || item.toDouble() < low || item.toDouble() > high)
                fail(QStringLiteral("%1[%2]").arg(key).arg(i),
                     QStringLiteral("must be a number from %1 to %2, got %3").arg(low).arg(high).arg(show(item)));
            out.append(item.toDouble());
        }
        return out;
    }

    QList<int> integers(const QString& key, const QList<int>& fallback, int low, int high, int minCount, int maxCount)
    {
        QList<int> out;
        for (double x : numbers(key, {}, low, high, minCount, maxCount)) {
            if (x != std::floor(x))
                fail(key, QStringLiteral("must hold whole numbers, got %1").arg(x));
            out.append(int(x));
        }
        return has(key) || !out.isEmpty() ? out : fallback;
    }

    Reader child(const QString& key)
    {
        const QJsonValue v = take(key);
        if (!v.isUndefined() && !v.isObject())
            fail(key, QStringLiteral("must be an object, got %1").arg(show(v)));
        return Reader(v.toObject(), pathOf(key));
    }

    QJsonValue take(const QString& key)
    {
        read_.insert(key);
        return object_.value(key);
    }

    /// Refuses every key that was never read: a typo must not silently fall back to a default.
    void finish() const
    {
        for (auto it = object_.begin(); it != object_.end(); ++it) {
            if (!read_.contains(it.key())) {
                QStringList known(read_.begin(), read_.end());
                known.sort();
                throw RecipeError(pathOf(it.key()),
                                  QStringLiteral("%1 is not a known key; known here: %2")
                                      .arg(printable(pathOf(it.key())), known.join(QStringLiteral(", "))));
            }
        }
    }

    [[noreturn]] void fail(const QString& key, const QString& message) const
    {
        throw RecipeError(pathOf(key), pathOf(key) + QLatin1Char(' ') + message);
    }

private:
    QJsonObject object_;
    QString path_;
    QSet<QString> read_;
};

QJsonArray toArray(const QList<double>& values)
{
    QJsonArray a;
    for (double v : values)
        a.append(v);
    return a;
}

QJsonArray toArray(const QList<int>& values)
{
    QJsonArray a;
    for (int v : values)
        a.append(v);
    return a;
}

} // namespace

namespace {

/// The recipe's `dataset` section (source, size, split, balance, NIfTI slicing, augmentation).
void readDataset(Reader& root, Recipe& r)
{
    Reader d = root.child(QStringLiteral("dataset"));
    r.dataset.source = d.string(QStringLiteral("source"), r.dataset.source);
    const QList<int> size = d.integers(QStringLiteral("image_size"), {0, 0}, 0, 4096, 2, 2);
    r.dataset.imageWidth = size[0];
    r.dataset.imageHeight = size[1];
    if ((size[0] == 0) != (size[1] == 0) || (size[0] != 0 && (size[0] < 8 || size[1] < 8)))
        d.fail(QStringLiteral("image_size"),
               QStringLiteral("must be [width, height] of at least 8 pixels, or [0, 0] for the source's own size"));
    r.dataset.color = d.choice(QStringLiteral("color"), r.dataset.color,
                               {QStringLiteral("auto"), QStringLiteral("gray"), QStringLiteral("rgb")});
    r.dataset.balance = d.choice(QStringLiteral("balance"), r.dataset.balance,
                                 {QStringLiteral("none"), QStringLiteral("oversample"), QStringLiteral("undersample"),
                                  QStringLiteral("class-weights")});
    r.dataset.limitPerClass = d.integer(QStringLiteral("limit_per_class"), 0, 0, 10'000'000);
    r.dataset.demoPerClass = d.integer(QStringLiteral("demo_per_class"), 0, 0, 100'000);
    Reader split = d.child(QStringLiteral("split"));
    r.dataset.validationFraction = split.number(QStringLiteral("val"), r.dataset.validationFraction, 0.0, 0.9, true);
    const QJsonValue test = split.take(QStringLiteral("test"));
    if (test.isUndefined() || test == QJsonValue(QStringLiteral("given"))) {
        r.dataset.testGiven = true;
    } else if (test.isDouble() && test.toDouble() >= 0.0 && test.toDouble() < 0.9) {
        r.dataset.testGiven = false;
        r.dataset.testFraction = test.toDouble();
    } else {
        split.fail(QStringLiteral("test"),
                   QStringLiteral("must be \"given\" or a fraction in [0, 0.9), got %1").arg(show(test)));
    }
    const double train = split.number(QStringLiteral("train"),
                                      1.0 - r.dataset.validationFraction - r.dataset.testFraction, 0.0, 1.0, true);
    if (std::abs(train + r.dataset.validationFraction + r.dataset.testFraction - 1.0) > 1e-6)
        split.fail(QStringLiteral("train"), QStringLiteral("plus val and test must add up to 1"));
    r.dataset.splitFile = split.string(QStringLiteral("file"), QString());
    split.finish();
    Reader nifti = d.child(QStringLiteral("nifti"));
    r.dataset.niftiAxis = nifti.integer(QStringLiteral("axis"), r.dataset.niftiAxis, 0, 2);
    r.dataset.niftiMiddleSlices = nifti.integer(QStringLiteral("middle_slices"), 0, 0, 100'000);
    r.dataset.niftiSlices = nifti.integers(QStringLiteral("slices"), {}, 0, 100'000, 2, 2);
    if (r.dataset.niftiSlices.size() == 2 && r.dataset.niftiSlices[0] > r.dataset.niftiSlices[1])
        nifti.fail(QStringLiteral("slices"), QStringLiteral("must be [first, last] with first <= last"));
    r.dataset.niftiWindow = nifti.numbers(QStringLiteral("window"), r.dataset.niftiWindow, 0.0, 100.0, 2, 2);
    if (r.dataset.niftiWindow[0] >= r.dataset.niftiWindow[1])
        nifti.fail(QStringLiteral("window"), QStringLiteral("must be [low, high] percentiles with low < high"));
    nifti.finish();
    Reader augment = d.child(QStringLiteral("augment"));
    r.dataset.augmentFlip = augment.boolean(QStringLiteral("flip"), false);
    r.dataset.augmentRotate = augment.number(QStringLiteral("rotate"), 0.0, 0.0, 45.0);
    r.dataset.augmentBrightness = augment.number(QStringLiteral("brightness"), 0.0, 0.0, 0.9);
    augment.finish();
    d.finish();
}

/// The recipe's `model` section; refuses a model too large for the images.
void readModel(Reader& root, Recipe& r)
{
    Reader m = root.child(QStringLiteral("model"));
    r.model.arch = m.choice(QStringLiteral("arch"), r.model.arch,
                            {QStringLiteral("mlp"), QStringLiteral("lenet5"), QStringLiteral("vgg"),
                             QStringLiteral("resnet"), QStringLiteral("densenet")});
    r.model.hidden = m.integers(QStringLiteral("hidden"), r.model.hidden, 1, 100'000, 0, 32);
    r.model.init =
        m.choice(QStringLiteral("init"), r.model.init,
                 {QStringLiteral("default"), QStringLiteral("xavier-normal"), QStringLiteral("xavier-uniform"),
                  QStringLiteral("kaiming-normal"), QStringLiteral("uniform")});
    r.model.initRange = m.numbers(QStringLiteral("init_range"), r.model.initRange, -1e6, 1e6, 2, 2);
    if (!(r.model.initRange[0] < r.model.initRange[1]))
        m.fail(QStringLiteral("init_range"), QStringLiteral("must be [low, high] with low < high"));
    r.model.layout =
        m.choice(QStringLiteral("layout"), r.model.layout,
                 {QStringLiteral("vgg11"), QStringLiteral("vgg13"), QStringLiteral("vgg16"), QStringLiteral("vgg19")});
    r.model.width = m.number(QStringLiteral("width"), r.model.width, 0.0, 4.0, true);
    r.model.batchNorm = m.boolean(QStringLiteral("batch_norm"), r.model.batchNorm);
    r.model.depth = m.integer(QStringLiteral("depth"), r.model.depth, 8, 200);
    r.model.growth = m.integer(QStringLiteral("growth"), r.model.growth, 1, 256);
    r.model.blocks = m.integers(QStringLiteral("blocks"), r.model.blocks, 1, 256, 1, 8);
    r.model.compression = m.number(QStringLiteral("compression"), r.model.compression, 0.0, 1.0, true);
    // The graph networks' shapes are checked here, before any data is read: on the recipe's image size when it has
    // one (the source decides otherwise, and the run refuses the model then), else on a size any image passes.
    const int checkHeight = r.dataset.imageHeight > 0 ? r.dataset.imageHeight : 4096;
    const int checkWidth = r.dataset.imageWidth > 0 ? r.dataset.imageWidth : 4096;
    if (r.model.arch == QLatin1String("resnet")) {
        const std::string problem = engine::resnetProblem(r.model.depth, r.model.width, checkHeight, checkWidth);
        if (!problem.empty())
            m.fail(QStringLiteral("depth"), QString::fromStdString(problem));
    }
    if (r.model.arch == QLatin1String("densenet")) {
        const std::string problem =
            engine::densenetProblem(r.model.growth, std::vector<int64_t>(r.model.blocks.begin(), r.model.blocks.end()),
                                    r.model.compression, checkHeight, checkWidth);
        if (!problem.empty())
            m.fail(QStringLiteral("blocks"), QString::fromStdString(problem));
    }
    if (r.model.arch == QLatin1String("mlp")) {
        // Every width is allowed alone, but not every product: refuse a network that cannot be allocated
        // (weights, gradients and optimiser state) before anything tries to, with the key that asks for it.
        double weights = 0;
        double in = double(r.dataset.imageWidth) * r.dataset.imageHeight * 3; // 0 when the source decides
        for (int width : r.model.hidden) {
            weights += in * width;
            in = width;
        }
        constexpr double kMaxWeights = 1e9;
        if (weights > kMaxWeights)
            m.fail(QStringLiteral("hidden"), QStringLiteral("asks for %1 weights (with the image size), more than the "
                                                            "%2 PruneLab trains")
                                                 .arg(weights, 0, 'g', 3)
                                                 .arg(kMaxWeights, 0, 'g', 3));
    }
    m.finish();
}

/// The recipe's `train` section.
void readTrain(Reader& root, Recipe& r)
{
    Reader t = root.child(QStringLiteral("train"));
    r.train.optimizer = t.choice(QStringLiteral("optimizer"), r.train.optimizer,
                                 {QStringLiteral("sgd"), QStringLiteral("adam"), QStringLiteral("adamw")});
    r.train.lr = t.number(QStringLiteral("lr"), r.train.lr, 0.0, 10.0, true);
    r.train.weightDecay = t.number(QStringLiteral("weight_decay"), r.train.weightDecay, 0.0, 1.0);
    r.train.momentum = t.number(QStringLiteral("momentum"), r.train.momentum, 0.0, 1.0);
    r.train.batchSize = t.integer(QStringLiteral("batch_size"), r.train.batchSize, 1, 65536);
    r.train.epochs = t.integer(QStringLiteral("epochs"), r.train.epochs, 0, 100'000);
    r.train.lrSchedule = t.choice(QStringLiteral("lr_schedule"), r.train.lrSchedule,
                                  {QStringLiteral("constant"), QStringLiteral("step"), QStringLiteral("cosine")});
    r.train.stepEpochs = t.integer(QStringLiteral("step_epochs"), r.train.stepEpochs, 1, 100'000);
    r.train.stepGamma = t.number(QStringLiteral("step_gamma"), r.train.stepGamma, 0.0, 1.0, true);
    r.train.earlyStopping = t.integer(QStringLiteral("early_stopping"), r.train.earlyStopping, 0, 100'000);
    r.train.restoreBest = t.boolean(QStringLiteral("restore_best"), r.train.restoreBest);
    r.train.normalize = t.choice(QStringLiteral("normalize"), r.train.normalize,
                                 {QStringLiteral("auto"), QStringLiteral("imagenet"), QStringLiteral("dataset")});
    r.train.classWeights = t.boolean(QStringLiteral("class_weights"), r.train.classWeights);
    t.finish();
}

/// Every catalogue method's own values (prune.<key>, each checked against its range), then the chosen method's
/// own check of them.
void readMethodParameters(Reader& p, const engine::MethodInfo& method, Recipe& r)
{
    for (const engine::MethodParameter& parameter : engine::allParameters()) {
        const QString key = QLatin1String(parameter.key);
        const std::vector<double>& current = r.prune.parameters.at(parameter.key);
        const int count = int(parameter.defaults.size());
        const QList<double> values =
            p.numbers(key, QList<double>(current.begin(), current.end()), parameter.min, parameter.max, count, count);
        for (double v : values)
            if (parameter.integer && v != std::floor(v))
                p.fail(key, QStringLiteral("must hold whole numbers, got %1").arg(v));
        r.prune.parameters[parameter.key] = std::vector<double>(values.begin(), values.end());
    }
    if (method.check != nullptr && !method.parameters.empty())
        if (const std::string problem = method.check(r.prune.parameters); !problem.empty())
            p.fail(QLatin1String(method.parameters.front().key), QString::fromStdString(problem));
}

/// The recipe's `prune` section: names from the engine's method catalogue, and what each method and schedule needs.
void readPrune(Reader& root, Recipe& r)
{
    Reader p = root.child(QStringLiteral("prune"));
    r.prune.method = p.choice(QStringLiteral("method"), r.prune.method, names(engine::methodNames()));
    r.prune.schedule = p.choice(QStringLiteral("schedule"), r.prune.schedule, names(engine::scheduleNames()));
    r.prune.sparsity = p.number(QStringLiteral("sparsity"), r.prune.sparsity, 0.0, 0.999);
    r.prune.rounds = p.integer(QStringLiteral("rounds"), r.prune.rounds, 1, 1000);
    r.prune.rate = p.number(QStringLiteral("rate"), r.prune.rate, 0.0, 0.99, true);
    r.prune.outputRate = p.number(QStringLiteral("output_rate"), r.prune.outputRate, -1.0, 0.99);
    r.prune.thresholds = p.numbers(QStringLiteral("thresholds"), r.prune.thresholds, 0.0, 1e6, 1, 100);
    r.prune.sparsities = p.numbers(QStringLiteral("sparsities"), r.prune.sparsities, 0.0, 0.999, 1, 100);
    r.prune.rewind = p.string(QStringLiteral("rewind"), r.prune.rewind);
    if (r.prune.rewind != QLatin1String("init") && r.prune.rewind != QLatin1String("none") &&
        !QRegularExpression(QStringLiteral("^epoch:[1-9][0-9]*$")).match(r.prune.rewind).hasMatch())
        p.fail(QStringLiteral("rewind"),
               QStringLiteral("must be init, none or epoch:K, got \"%1\"").arg(r.prune.rewind));
    if (r.prune.rewind.startsWith(QLatin1String("epoch:")) && r.prune.rewind.mid(6).toInt() > r.train.epochs)
        p.fail(QStringLiteral("rewind"),
               QStringLiteral("epoch %1 is after train.epochs (%2)").arg(r.prune.rewind.mid(6)).arg(r.train.epochs));
    r.prune.control =
        p.choice(QStringLiteral("control"), r.prune.control,
                 {QStringLiteral("none"), QStringLiteral("random-reinit"), QStringLiteral("random-mask")});
    r.prune.fineTuneEpochs = p.integer(QStringLiteral("fine_tune_epochs"), r.prune.fineTuneEpochs, 0, 100'000);
    r.prune.fineTuneLr = p.number(QStringLiteral("fine_tune_lr"), r.prune.fineTuneLr, 0.0, 10.0);
    r.prune.annealT0 = p.number(QStringLiteral("anneal_t0"), r.prune.annealT0, 0.0, 100.0);
    r.prune.annealCoupling = p.number(QStringLiteral("anneal_coupling"), r.prune.annealCoupling, 0.0, 100.0);
    r.prune.annealSweeps = p.integer(QStringLiteral("anneal_sweeps"), r.prune.annealSweeps, 1, 10000);
    r.prune.q = p.number(QStringLiteral("q"), r.prune.q, 0.0, 0.999, true);
    r.prune.roundTo = p.integer(QStringLiteral("round_to"), r.prune.roundTo, 1, 1024);
    r.prune.calibrationImages =
        p.integer(QStringLiteral("calibration_images"), r.prune.calibrationImages, 1, 1'000'000);
    r.prune.adjoint =
        p.choice(QStringLiteral("adjoint"), r.prune.adjoint, {QStringLiteral("logits"), QStringLiteral("loss")});
    r.prune.startEpoch = p.integer(QStringLiteral("start_epoch"), r.prune.startEpoch, 0, 100'000);
    r.prune.endEpoch = p.integer(QStringLiteral("end_epoch"), r.prune.endEpoch, 1, 100'000);
    r.prune.frequency = p.integer(QStringLiteral("frequency"), r.prune.frequency, 1, 1'000'000'000);
    r.prune.initialSparsity = p.number(QStringLiteral("initial_sparsity"), r.prune.initialSparsity, 0.0, 0.999);
    r.prune.maxDrop = p.number(QStringLiteral("max_drop"), r.prune.maxDrop, 0.0, 100.0);
    const engine::MethodInfo& method = engine::method(r.prune.method.toStdString());
    const engine::ScheduleInfo& schedule = engine::schedule(r.prune.schedule.toStdString());
    readMethodParameters(p, method, r);
    if (schedule.kind == engine::ScheduleKind::Gradual) {
        if (r.prune.startEpoch >= r.prune.endEpoch)
            p.fail(QStringLiteral("start_epoch"), QStringLiteral("must be before prune.end_epoch (%1), got %2")
                                                      .arg(r.prune.endEpoch)
                                                      .arg(r.prune.startEpoch));
        if (r.prune.endEpoch > r.train.epochs)
            p.fail(
                QStringLiteral("end_epoch"),
                QStringLiteral("must be at most train.epochs (%1), got %2").arg(r.train.epochs).arg(r.prune.endEpoch));
        if (r.prune.initialSparsity > r.prune.sparsity)
            p.fail(QStringLiteral("initial_sparsity"), QStringLiteral("must be at most prune.sparsity (%1), got %2")
                                                           .arg(r.prune.sparsity)
                                                           .arg(r.prune.initialSparsity));
        if (method.sweepsThresholds)
            p.fail(QStringLiteral("method"),
                   QStringLiteral("%1 removes by threshold: prune.schedule gradual needs a method that aims at a "
                                  "sparsity")
                       .arg(r.prune.method));
    }
    if (schedule.structuredOnly && !method.structured)
        p.fail(QStringLiteral("schedule"),
               QStringLiteral("%1 removes whole neurons: it needs prune.method %2, got \"%3\"")
                   .arg(QLatin1String(schedule.name), QString::fromStdString(engine::orList(engine::methodNames(true))),
                        r.prune.method));
    // A method with a sparsity of its own prunes once: no schedule that aims at a target or sweeps values.
    const auto prunesOnce = [](const engine::ScheduleInfo& s) {
        return s.kind == engine::ScheduleKind::None || s.kind == engine::ScheduleKind::OneShot ||
               s.kind == engine::ScheduleKind::Lottery;
    };
    if (method.fixedSparsity && !prunesOnce(schedule)) {
        QStringList allowed;
        for (const engine::ScheduleInfo& s : engine::schedules())
            if (prunesOnce(s))
                allowed.append(QLatin1String(s.name));
        p.fail(QStringLiteral("schedule"),
               QStringLiteral("%1 keeps n of every m weights, a sparsity of its own: it "
                              "needs prune.schedule %2, got \"%3\"")
                   .arg(r.prune.method, allowed.join(QStringLiteral(", ")), r.prune.schedule));
    }
    p.finish();
}

/// The recipe's `compare` list; every variant must be a valid recipe itself.
void readCompare(Reader& root, const QJsonValue& compare, Recipe& r)
{
    if (!compare.isArray())
        root.fail(QStringLiteral("compare"),
                  QStringLiteral("must be a list of {\"label\": …, \"set\": {…}}, got %1").arg(show(compare)));
    const QJsonArray variants = compare.toArray();
    QSet<QString> labels;
    for (qsizetype i = 0; i < variants.size(); ++i) {
        const QString path = QStringLiteral("compare[%1]").arg(i);
        if (!variants[i].isObject())
            throw RecipeError(
                path, QStringLiteral("%1 must be an object with label and set, got %2").arg(path, show(variants[i])));
        Reader v(variants[i].toObject(), path);
        Recipe::Variant variant;
        variant.label = v.string(QStringLiteral("label"), QString());
        if (!QRegularExpression(QStringLiteral("^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")).match(variant.label).hasMatch())
            v.fail(QStringLiteral("label"),
                   QStringLiteral("must be 1 to 64 letters, digits, '.', '_' or '-', got \"%1\"").arg(variant.label));
        if (labels.contains(variant.label))
            v.fail(QStringLiteral("label"), QStringLiteral("\"%1\" is used twice").arg(variant.label));
        labels.insert(variant.label);
        const QJsonValue set = v.take(QStringLiteral("set"));
        if (!set.isObject())
            v.fail(QStringLiteral("set"),
                   QStringLiteral("must be an object of key paths and values, got %1").arg(show(set)));
        variant.set = set.toObject();
        v.finish();
        r.compare.append(variant);
    }
    for (qsizetype i = 0; i < r.compare.size(); ++i) { // every variant must be a valid recipe itself
        try {
            r.variant(i);
        } catch (const RecipeError& e) {
            const QString path = QStringLiteral("compare[%1].set").arg(i);
            throw RecipeError(
                path + QLatin1Char('.') + e.keyPath(),
                QStringLiteral("%1 (%2): %3").arg(path, r.compare[i].label, QString::fromStdString(e.what())));
        }
    }
}

} // namespace

Recipe Recipe::fromJson(const QJsonObject& json)
{
    Recipe r;
    Reader root(json, QString());
    const int schema = root.integer(QStringLiteral("schema"), kSchemaVersion, 1, 1000);
    if (schema != kSchemaVersion)
        root.fail(QStringLiteral("schema"),
                  QStringLiteral("is %1, this PruneLab reads schema %2").arg(schema).arg(kSchemaVersion));
    r.name = root.string(QStringLiteral("name"), r.name);
    r.seed = quint64(root.number(QStringLiteral("seed"), double(r.seed), 0, 4294967295.0));
    if (double(r.seed) != std::floor(double(r.seed)))
        root.fail(QStringLiteral("seed"), QStringLiteral("must be a whole number"));
    const bool repeatsGiven = root.has(QStringLiteral("repeats"));
    r.repeats = root.integer(QStringLiteral("repeats"), 1, 1, 100);
    if (root.has(QStringLiteral("seeds"))) {
        const QList<double> seeds = root.numbers(QStringLiteral("seeds"), {}, 0, 4294967295.0, 2, 100);
        for (qsizetype i = 0; i < seeds.size(); ++i) {
            const quint64 s = quint64(seeds[i]);
            if (seeds[i] != std::floor(seeds[i]))
                root.fail(QStringLiteral("seeds[%1]").arg(i), QStringLiteral("must be a whole number"));
            if (r.seeds.contains(s))
                root.fail(QStringLiteral("seeds"), QStringLiteral("lists seed %1 twice").arg(s));
            r.seeds.append(s);
        }
        if (!repeatsGiven)
            r.repeats = int(r.seeds.size());
        else if (r.repeats != r.seeds.size())
            root.fail(QStringLiteral("seeds"), QStringLiteral("lists %1 seeds, but repeats is %2: give one seed per "
                                                              "repetition, or leave seeds out (seed, seed + 1, …)")
                                                   .arg(r.seeds.size())
                                                   .arg(r.repeats));
    }
    r.device = root.string(QStringLiteral("device"), r.device);
    // A session's recipe.json also records the data it ran on; running that file again checks nothing against it.
    root.take(QStringLiteral("dataset_fingerprint"));
    const QJsonValue compare = root.take(QStringLiteral("compare"));
    if (r.device != QLatin1String("auto") && r.device != QLatin1String("cpu") &&
        !r.device.startsWith(QLatin1String("cuda")))
        root.fail(QStringLiteral("device"),
                  QStringLiteral("must be auto, cpu, cuda or cuda:N, got \"%1\"").arg(r.device));

    readDataset(root, r);
    readModel(root, r);
    readTrain(root, r);
    readPrune(root, r);
    root.finish();

    if (!compare.isUndefined())
        readCompare(root, compare, r);
    return r;
}

Recipe Recipe::variant(qsizetype index) const
{
    const Variant& v = compare.at(index);
    Recipe base = *this;
    base.compare.clear();
    QJsonObject json = base.toJson();
    for (auto it = v.set.begin(); it != v.set.end(); ++it) {
        const QByteArray value = QJsonDocument(QJsonArray{it.value()}).toJson(QJsonDocument::Compact);
        applyOverride(json, it.key() + QLatin1Char('=') + QString::fromUtf8(value.mid(1, value.size() - 2)));
    }
    Recipe result = fromJson(json);
    result.name = name + QLatin1Char('-') + v.label;
    return result;
}

QList<quint64> Recipe::repeatSeeds() const
{
    if (!seeds.isEmpty())
        return seeds;
    QList<quint64> list;
    for (int i = 0; i < repeats; ++i)
        list.append(seed + quint64(i));
    return list;
}

Recipe Recipe::withSeed(quint64 s) const
{
    Recipe r = *this;
    r.seed = s;
    r.repeats = 1;
    r.seeds.clear();
    r.compare.clear();
    r.name = name + QStringLiteral("-seed-") + QString::number(s);
    return r;
}

namespace {

/// The `dataset` section as toJson() writes it: NIfTI slicing and augmentation only when they differ from the
/// defaults, so other recipes stay short.
QJsonObject datasetJson(const Recipe::Dataset& dataset)
{
    QJsonObject split{
        {"val", dataset.validationFraction},
        // rounded: 1 − 0.2 − 0.1 reads 0.7, not 0.7000000000000001
        {"train",
         std::round((1.0 - dataset.validationFraction - (dataset.testGiven ? 0.0 : dataset.testFraction)) * 1e12) /
             1e12}};
    split.insert(QStringLiteral("test"),
                 dataset.testGiven ? QJsonValue(QStringLiteral("given")) : QJsonValue(dataset.testFraction));
    if (!dataset.splitFile.isEmpty())
        split.insert(QStringLiteral("file"), dataset.splitFile);
    QJsonObject d{{"source", dataset.source},
                  {"image_size", toArray(QList<int>{dataset.imageWidth, dataset.imageHeight})},
                  {"color", dataset.color},
                  {"balance", dataset.balance},
                  {"split", split},
                  {"limit_per_class", dataset.limitPerClass},
                  {"demo_per_class", dataset.demoPerClass}};
    QJsonObject nifti;
    if (dataset.niftiAxis != 2)
        nifti.insert(QStringLiteral("axis"), dataset.niftiAxis);
    if (dataset.niftiMiddleSlices > 0)
        nifti.insert(QStringLiteral("middle_slices"), dataset.niftiMiddleSlices);
    if (!dataset.niftiSlices.isEmpty())
        nifti.insert(QStringLiteral("slices"), toArray(dataset.niftiSlices));
    if (dataset.niftiWindow != QList<double>{1.0, 99.0})
        nifti.insert(QStringLiteral("window"), toArray(dataset.niftiWindow));
    if (!nifti.isEmpty())
        d.insert(QStringLiteral("nifti"), nifti);
    if (dataset.augmentFlip || dataset.augmentRotate > 0 || dataset.augmentBrightness > 0)
        d.insert(QStringLiteral("augment"), QJsonObject{{"flip", dataset.augmentFlip},
                                                        {"rotate", dataset.augmentRotate},
                                                        {"brightness", dataset.augmentBrightness}});
    return d;
}

} // namespace

QJsonObject Recipe::toJson() const
{
    QJsonObject json{
        {"schema", kSchemaVersion},
        {"name", name},
        {"seed", double(seed)},
        {"device", device},
        {"dataset", datasetJson(dataset)},
        {"model", QJsonObject{{"arch", model.arch},
                              {"hidden", toArray(model.hidden)},
                              {"init", model.init},
                              {"init_range", toArray(model.initRange)},
                              {"layout", model.layout},
                              {"width", model.width},
                              {"batch_norm", model.batchNorm},
                              {"depth", model.depth},
                              {"growth", model.growth},
                              {"blocks", toArray(model.blocks)},
                              {"compression", model.compression}}},
        {"train", QJsonObject{{"optimizer", train.optimizer},
                              {"lr", train.lr},
                              {"weight_decay", train.weightDecay},
                              {"momentum", train.momentum},
                              {"batch_size", train.batchSize},
                              {"epochs", train.epochs},
                              {"lr_schedule", train.lrSchedule},
                              {"step_epochs", train.stepEpochs},
                              {"step_gamma", train.stepGamma},
                              {"early_stopping", train.earlyStopping},
                              {"restore_best", train.restoreBest},
                              {"normalize", train.normalize},
                              {"class_weights", train.classWeights}}},
        {"prune", QJsonObject{{"method", prune.method},
                              {"schedule", prune.schedule},
                              {"sparsity", prune.sparsity},
                              {"rounds", prune.rounds},
                              {"rate", prune.rate},
                              {"output_rate", prune.outputRate},
                              {"thresholds", toArray(prune.thresholds)},
                              {"sparsities", toArray(prune.sparsities)},
                              {"rewind", prune.rewind},
                              {"control", prune.control},
                              {"fine_tune_epochs", prune.fineTuneEpochs},
                              {"fine_tune_lr", prune.fineTuneLr},
                              {"anneal_t0", prune.annealT0},
                              {"anneal_coupling", prune.annealCoupling},
                              {"anneal_sweeps", prune.annealSweeps},
                              {"q", prune.q},
                              {"round_to", prune.roundTo},
                              {"calibration_images", prune.calibrationImages},
                              {"adjoint", prune.adjoint},
                              {"start_epoch", prune.startEpoch},
                              {"end_epoch", prune.endEpoch},
                              {"frequency", prune.frequency},
                              {"initial_sparsity", prune.initialSparsity},
                              {"max_drop", prune.maxDrop}}},
    };
    QJsonObject pruneJson = json.value(QStringLiteral("prune")).toObject();
    for (const auto& [key, values] : prune.parameters)
        pruneJson.insert(QString::fromStdString(key), toArray(QList<double>(values.begin(), values.end())));
    json.insert(QStringLiteral("prune"), pruneJson);
    if (repeats > 1) // written only for repeated runs, like compare, so a single run's recipe.json stays as it was
        json.insert(QStringLiteral("repeats"), repeats);
    if (!seeds.isEmpty()) {
        QJsonArray list;
        for (quint64 s : seeds)
            list.append(double(s));
        json.insert(QStringLiteral("seeds"), list);
    }
    if (!compare.isEmpty()) {
        QJsonArray variants;
        for (const Variant& v : compare)
            variants.append(QJsonObject{{"label", v.label}, {"set", v.set}});
        json.insert(QStringLiteral("compare"), variants);
    }
    return json;
}

void Recipe::applyOverride(QJsonObject& json, const QString& assignment)
{
    const qsizetype eq = assignment.indexOf(QLatin1Char('='));
    if (eq <= 0)
        throw RecipeError(assignment, QStringLiteral("--set needs KEY=VALUE, got \"%1\"").arg(assignment));
    const QString path = assignment.left(eq).trimmed();
    const QString text = assignment.mid(eq + 1);
    const QStringList keys = path.split(QLatin1Char('.'));
    if (keys.contains(QString()))
        throw RecipeError(path, QStringLiteral("--set: \"%1\" is not a key path like train.epochs").arg(path));

    // The value as JSON when it parses (numbers, true, lists), else as a plain string.
    QJsonValue value(text);
    QJsonParseError error{};
    const QJsonDocument doc = QJsonDocument::fromJson(QByteArray("[") + text.toUtf8() + "]", &error);
    if (error.error == QJsonParseError::NoError && doc.array().size() == 1)
        value = doc.array().first();

    // Walk down copying objects (QJsonObject is a value type), then write back up.
    std::vector<QJsonObject> chain{json};
    for (qsizetype i = 0; i + 1 < keys.size(); ++i) {
        const QJsonValue next = chain.back().value(keys[i]);
        if (!next.isUndefined() && !next.isObject())
            throw RecipeError(
                path,
                QStringLiteral("--set %1: %2 is not an object").arg(path, keys.mid(0, i + 1).join(QLatin1Char('.'))));
        chain.push_back(next.toObject());
    }
    chain.back().insert(keys.last(), value);
    for (qsizetype i = keys.size() - 2; i >= 0; --i)
        chain[size_t(i)].insert(keys[i], chain[size_t(i) + 1]);
    json = chain.front();
}

QStringList Recipe::presetNames()
{
    // The GUI's default first, then the fast first look; the form lists them in this order.
    return {QStringLiteral("accuracy-cliff"),
            QStringLiteral("quick-demo"),
            QStringLiteral("global-layer-random-compare"),
            QStringLiteral("prune-at-init-compare"),
            QStringLiteral("mri-threshold-sweep"),
            QStringLiteral("interval-adjoint-structured"),
            QStringLiteral("lottery-ticket-lenet"),
            QStringLiteral("lecture-global-magnitude"),
            QStringLiteral("pruning-strategies-compare"),
            QStringLiteral("pruning-strategies-densenet")};
}

QString Recipe::defaultPresetName()
{
    return QStringLiteral("accuracy-cliff");
}

QJsonObject Recipe::presetJson(const QString& name)
{
    if (!presetNames().contains(name))
        throw RecipeError(
            QString(),
            QStringLiteral("no preset named \"%1\"; presets: %2").arg(name, presetNames().join(QStringLiteral(", "))));
    QFile file(QStringLiteral(":/presets/%1.json").arg(name));
    if (!file.open(QIODevice::ReadOnly))
        throw RecipeError(QString(), QStringLiteral("preset %1 is missing from this build").arg(name));
    return QJsonDocument::fromJson(file.readAll()).object();
}

QJsonObject Recipe::loadJson(const QString& presetOrPath)
{
    if (presetNames().contains(presetOrPath))
        return presetJson(presetOrPath);
    QFile file(presetOrPath);
    if (!file.exists())
        throw RecipeError(QString(), QStringLiteral("%1: neither a preset (%2) nor a file")
                                         .arg(presetOrPath, presetNames().join(QStringLiteral(", "))));
    if (file.size() > 1 << 20)
        throw RecipeError(QString(), QStringLiteral("%1: larger than 1 MiB, not a recipe").arg(presetOrPath));
    if (!file.open(QIODevice::ReadOnly))
        throw RecipeError(QString(), QStringLiteral("%1: cannot open: %2").arg(presetOrPath, file.errorString()));
    QJsonParseError error{};
    const QJsonDocument doc = QJsonDocument::fromJson(file.readAll(), &error);
    if (error.error != QJsonParseError::NoError)
        throw RecipeError(QString(), QStringLiteral("%1: not valid JSON at byte %2: %3")
                                         .arg(presetOrPath)
                                         .arg(error.offset)
                                         .arg(error.errorString()));
    if (!doc.isObject())
        throw RecipeError(QString(), QStringLiteral("%1: a recipe is a JSON object").arg(presetOrPath));
    return doc.object();
}

QString Recipe::retentionTable(const QList<int>& hidden, double q, int rounds)
{
    try {
        const std::vector<int64_t> widths(hidden.begin(), hidden.end());
        return QString::fromStdString(
            engine::GeometricRetention::toText(engine::GeometricRetention::table(widths, q, rounds)));
    } catch (const std::invalid_argument& e) {
        return QString::fromStdString(e.what());
    }
}

} // namespace prunelab::workbench
