#pragma once

#include "core/engine/pruning/MethodCatalogue.h"

#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

#include <stdexcept>

namespace prunelab::workbench {

/// A recipe the user got wrong: `keyPath` names the field (`train.lr`), what() says what was expected.
class RecipeError : public std::runtime_error {
public:
    RecipeError(const QString& keyPath, const QString& message)
        : std::runtime_error(message.toStdString()), keyPath_(keyPath)
    {}
    const QString& keyPath() const { return keyPath_; }

private:
    QString keyPath_;
};

/// One experiment, as ../shared/CLI.md defines the JSON: dataset, model, training and pruning, with the seed.
/// Values are validated when parsed; every default is written out by toJson(), so a stored recipe says exactly
/// what ran.
struct Recipe {
    static constexpr int kSchemaVersion = 1;

    QString name = QStringLiteral("experiment");
    quint64 seed = 42;
    /// Repeated runs: the recipe (each variant of a compare list) run once per seed, as a comparison whose entries
    /// are the seeds (variants/seed-<s>, or variants/<label>/seed-<s> with a compare list). 1: one run.
    int repeats = 1;
    /// The seeds of the repetitions, as many as `repeats`; empty: seed, seed + 1, …
    QList<quint64> seeds;
    /// The seed of each repetition (one entry, `seed`, when repeats is 1).
    QList<quint64> repeatSeeds() const;
    /// Whether the recipe runs as a comparison: a compare list, or more than one repetition.
    bool runsAsComparison() const { return !compare.isEmpty() || repeats > 1; }
    /// This recipe for one repetition: seed `s`, one run (repeats 1, no seed list), the name with "-seed-<s>".
    Recipe withSeed(quint64 s) const;
    QString device = QStringLiteral("auto");

    struct Dataset {
        QString source = QStringLiteral("demo"); ///< demo | fashion-mnist | a path
        int imageWidth = 0;                      ///< 0: the source's own size (demo: 64)
        int imageHeight = 0;
        QString color = QStringLiteral("auto");   ///< auto | gray | rgb
        double validationFraction = 0.1;          ///< split.val
        bool testGiven = true;                    ///< split.test == "given": the source's own test files
        double testFraction = 0.0;                ///< split.test as a fraction when not given
        int limitPerClass = 0;                    ///< 0 = all
        int demoPerClass = 0;                     ///< demo only: images per class, 0 = the Kaggle imbalance at 1/32
        QString balance = QStringLiteral("none"); ///< none | oversample | undersample | class-weights (training images)
        QString splitFile;                        ///< split.file: a saved split (JSON) to use instead of drawing one
        int niftiAxis = 2;                        ///< nifti.axis: 0 sagittal, 1 coronal, 2 axial
        int niftiMiddleSlices = 0;                ///< nifti.middle_slices: > 0 keeps the middle N slices
        QList<int> niftiSlices;                   ///< nifti.slices: [first, last], inclusive; empty = all
        QList<double> niftiWindow{1.0, 99.0};     ///< nifti.window: intensity percentiles mapped to 0 and 255
        bool augmentFlip = false;                 ///< augment.flip: mirror training images left-right at random
        double augmentRotate = 0.0;               ///< augment.rotate: degrees, uniform in [−d, d]
        double augmentBrightness = 0.0;           ///< augment.brightness: factor in [1 − b, 1 + b]
    } dataset;

    struct Model {
        QString arch = QStringLiteral("mlp"); ///< mlp | lenet5 | vgg | resnet | densenet
        QList<int> hidden{300, 100};
        QString init = QStringLiteral("default");
        QList<double> initRange{-0.05, 0.05};
        QString layout = QStringLiteral("vgg11");
        double width = 1.0; ///< vgg, resnet: channel multiplier
        bool batchNorm = true;
        int depth = 20;             ///< resnet: 18, 34 or 6n+2
        int growth = 12;            ///< densenet: channels each dense layer adds
        QList<int> blocks{6, 6, 6}; ///< densenet: dense layers per block
        double compression = 0.5;   ///< densenet: share of channels a transition keeps
    } model;

    struct Train {
        QString optimizer = QStringLiteral("adam");
        double lr = 1e-3;
        double weightDecay = 0.0;
        double momentum = 0.9;
        int batchSize = 64;
        int epochs = 5;
        QString lrSchedule = QStringLiteral("constant");
        int stepEpochs = 10;
        double stepGamma = 0.1;
        int earlyStopping = 0;
        bool restoreBest = false;
        QString normalize = QStringLiteral("auto"); ///< auto (ImageNet for RGB, dataset for gray) | imagenet | dataset
        bool classWeights = false;                  ///< weight the loss by inverse class frequency
    } train;

    struct Prune {
        QString method = QLatin1String(engine::defaultMethod().name);     ///< a name of engine::methods()
        QString schedule = QLatin1String(engine::defaultSchedule().name); ///< a name of engine::schedules()
        double sparsity = 0.8;
        int rounds = 5;
        double rate = 0.2;
        double outputRate = -1.0; ///< -1: same as rate
        QList<double> thresholds{0.5, 1.0};
        QList<double> sparsities{0.5, 0.8, 0.9};
        QString rewind = QStringLiteral("init");
        QString control = QStringLiteral("none");
        int fineTuneEpochs = 2;
        double fineTuneLr = 0.0;      ///< 0: train.lr
        double annealT0 = 0.5;        ///< annealed: initial temperature, in units of the mean |w|
        double annealCoupling = 0.25; ///< annealed: neighbour coupling J, same units
        int annealSweeps = 40;        ///< annealed: Gibbs sweeps per round
        double q = 0.9;               ///< geometric: hidden layer of width h keeps max(1, round(h·q^t)) after round t
        int roundTo = 1;              ///< structured: kept units or channels rounded up to a multiple of this
        int calibrationImages = 512;  ///< neuron-taylor, interval-adjoint: training images the criteria look at
        QString adjoint =
            QStringLiteral("logits"); ///< interval-adjoint: y in ∂y/∂a is the sum of the logits, or the loss
        int startEpoch = 1;           ///< gradual: dense epochs before the first pruning step
        int endEpoch = 3;             ///< gradual: the sparsity reaches prune.sparsity by the end of this epoch
        int frequency = 10;           ///< gradual: optimiser steps between two pruning steps
        double initialSparsity = 0.0; ///< gradual: s_i, the sparsity of the first pruning step
        double maxDrop = 1.0;         ///< sensitivity: accuracy drop (points) the proposed per-layer sparsities allow
        /// The catalogue methods' own values (engine::MethodInfo::parameters), every one of them, by key: prune.<key>
        /// (nm-magnitude: "nm" = [n, m]).
        engine::MethodParameters parameters = engine::withDefaults({});
    } prune;

    /// A comparison (the strategy study): the recipe is run once per variant, on the same data and model, each variant
    /// changing the fields in `set` (dotted paths, as --set). Empty: one run.
    struct Variant {
        QString label;   ///< names the variant's session folder and its line in the comparison
        QJsonObject set; ///< dotted path -> value, e.g. {"prune.schedule": "one-shot"}
    };
    QList<Variant> compare;
    /// The recipe variant `index` runs: this one with the variant's fields applied and no compare list.
    Recipe variant(qsizetype index) const;

    /// Parses and validates; throws RecipeError naming the key path for a wrong type, an out-of-range value,
    /// an unknown key or an unknown name.
    static Recipe fromJson(const QJsonObject& json);
    /// Every field, with the schema version.
    QJsonObject toJson() const;

    /// Applies `key.path=value` to a recipe's JSON (value read as JSON when it parses, else as a string).
    /// Throws RecipeError when the path does not lead into an object.
    static void applyOverride(QJsonObject& json, const QString& assignment);

    /// The built-in presets of ../shared/CLI.md that this version can run.
    static QStringList presetNames();
    /// The GUI's default recipe: accuracy-cliff, the lesson in under a minute on a 2-core PC (dense training, then a
    /// sweep to 99 % sparsity). quick-demo is the fast first look.
    static QString defaultPresetName();
    /// A preset's JSON; throws RecipeError for an unknown name.
    static QJsonObject presetJson(const QString& name);
    /// A preset name or a path to a JSON file; throws RecipeError naming the file and the problem.
    static QJsonObject loadJson(const QString& presetOrPath);
    /// The geometric schedule's retention table for hidden widths `hidden` (the interval-adjoint workflow's retain.txt,
    /// as GeometricRetention::toText writes it): a pure function, so the GUI shows it before anything trains. A line
    /// saying what is wrong instead when the widths, q or rounds are out of range.
    static QString retentionTable(const QList<int>& hidden, double q, int rounds);
};

} // namespace prunelab::workbench
