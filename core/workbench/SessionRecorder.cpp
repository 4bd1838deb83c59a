#include "core/workbench/SessionRecorder.h"

#include "core/workbench/ModelFiles.h"

#include <torch/torch.h>

#include <QDir>

namespace prunelab::workbench {

namespace {

// The files of rounds/<k>/ and the keys of their fingerprints in validation.json.
const QString kRecord = QStringLiteral("validation.json");
const QString kModel = QStringLiteral("model.pt");
const QString kMasks = QStringLiteral("masks.pt");
const QString kInitial = QStringLiteral("initial.pt");
const QString kRewind = QStringLiteral("rewind.pt");
const QString kTrainCsv = QStringLiteral("train.csv");
const QString kModelSha = QStringLiteral("model_sha256");
const QString kMasksSha = QStringLiteral("masks_sha256");
const QString kInitialSha = QStringLiteral("initial_sha256");
const QString kRewindSha = QStringLiteral("rewind_sha256");

QString inRound(int round, const QString& file)
{
    return Session::roundFolder(round) + QLatin1Char('/') + file;
}

QByteArray trainCsv(const std::vector<engine::EpochReport>& epochs)
{
    QByteArray csv = "epoch,epochs,train_loss,train_accuracy,val_loss,val_accuracy,learning_rate,seconds\n";
    for (const engine::EpochReport& e : epochs)
        csv += QStringLiteral("%1,%2,%3,%4,%5,%6,%7,%8\n")
                   .arg(e.epoch)
                   .arg(e.epochs)
                   .arg(e.train.loss, 0, 'g', 17)
                   .arg(e.train.accuracy, 0, 'g', 17)
                   .arg(e.validation.loss, 0, 'g', 17)
                   .arg(e.validation.accuracy, 0, 'g', 17)
                   .arg(e.learningRate, 0, 'g', 17)
                   .arg(e.seconds, 0, 'f', 3)
                   .toUtf8();
    return csv;
}

/// The values of a round a resumed schedule needs (its outcome lists the completed rounds first).
engine::RoundReport reportFromJson(const QJsonObject& o)
{
    engine::RoundReport r;
    r.round = o.value(QStringLiteral("round")).toInt();
    r.sparsity = o.value(QStringLiteral("sparsity")).toDouble();
    r.validation.accuracy = o.value(QStringLiteral("val_accuracy")).toDouble();
    r.validation.loss = o.value(QStringLiteral("val_loss")).toDouble();
    if (o.contains(QStringLiteral("test_accuracy"))) {
        r.test.accuracy = o.value(QStringLiteral("test_accuracy")).toDouble();
        r.test.loss = o.value(QStringLiteral("test_loss")).toDouble();
        r.test.samples = 1;
    }
    return r;
}

} // namespace

void SessionRecorder::saveRound(const engine::RoundReport& report, const engine::ScheduleState& state,
                                const RoundStats& stats, engine::ClassifierImpl& model) const
{
    const int k = report.round;
    QJsonObject record = toJson(stats);
    record.remove(QStringLiteral("event"));
    // Wall-clock latency differs between two runs of the same recipe: the round's event keeps it, its
    // validation.json keeps what a resumed or repeated run reproduces exactly.
    for (const char* key : {"latency_ms", "pruned_latency_ms", "pruned_latency_path"})
        record.remove(QLatin1String(key));
    const auto saveWeights = [&](const QString& file, const engine::WeightCopy* weights) {
        QByteArray bytes;
        if (weights != nullptr) { // weights other than the model's own: lend them the model's names
            const engine::WeightCopy now = engine::copyWeights(model);
            engine::loadWeights(model, *weights);
            bytes = ModelFiles::stateDict(model);
            engine::loadWeights(model, now);
        } else {
            bytes = ModelFiles::stateDict(model);
        }
        session_.writeFile(inRound(k, file), bytes);
        return ModelFiles::fingerprint(bytes);
    };
    if (k == 0) {
        record.insert(kInitialSha, saveWeights(kInitial, &state.initial));
        if (!state.rewind.empty())
            record.insert(kRewindSha, saveWeights(kRewind, &state.rewind));
    }
    record.insert(kModelSha, saveWeights(kModel, nullptr));
    if (k > 0) {
        const QByteArray masks = ModelFiles::masks(state.masks);
        session_.writeFile(inRound(k, kMasks), masks);
        record.insert(kMasksSha, ModelFiles::fingerprint(masks));
    }
    session_.writeFile(inRound(k, kTrainCsv), trainCsv(report.epochs));
    session_.writeJson(inRound(k, kRecord), record); // last: the round is complete once its record is there
}

QJsonObject SessionRecorder::roundRecord(int round) const
{
    return session_.readJson(inRound(round, kRecord));
}

QByteArray SessionRecorder::readChecked(const QString& file, const QJsonObject& record, const QString& shaKey) const
{
    const QByteArray bytes = session_.readFile(file);
    if (ModelFiles::fingerprint(bytes) != record.value(shaKey).toString())
        throw SessionError(
            session_.filePath(file).toStdString() +
            " is not the file this session wrote (its SHA-256 differs from the one recorded): refusing to load it");
    return bytes;
}

void SessionRecorder::loadWeights(const QString& file, const QJsonObject& record, const QString& shaKey,
                                  engine::ClassifierImpl& model) const
{
    ModelFiles::loadStateDict(model, readChecked(file, record, shaKey), session_.filePath(file));
}

engine::MaskSet SessionRecorder::loadMasks(int round, engine::ClassifierImpl& model, torch::Device device) const
{
    const QString file = inRound(round, kMasks);
    return ModelFiles::loadMasks(readChecked(file, roundRecord(round), kMasksSha), session_.filePath(file), model,
                                 device);
}

QJsonObject SessionRecorder::loadRoundModel(int round, engine::ClassifierImpl& model) const
{
    const QList<int> saved = session_.savedRounds();
    if (round < 0 || !saved.contains(round)) {
        QStringList have;
        for (int n : saved)
            have << QString::number(n);
        throw SessionError("round " + std::to_string(round) + " has no saved model in " +
                           session_.path().toStdString() + " (saved rounds: " +
                           (have.isEmpty() ? std::string("none") : have.join(QStringLiteral(", ")).toStdString()) +
                           ")");
    }
    const QJsonObject record = roundRecord(round);
    loadWeights(inRound(round, kModel), record, kModelSha, model);
    return record;
}

engine::ScheduleState SessionRecorder::loadResumeState(int round, engine::ClassifierImpl& model, torch::Device device,
                                                       bool withBest) const
{
    engine::ScheduleState state;
    const QJsonObject dense = roundRecord(0);
    loadWeights(inRound(0, kInitial), dense, kInitialSha, model);
    state.initial = engine::copyWeights(model);
    if (dense.contains(kRewindSha)) {
        loadWeights(inRound(0, kRewind), dense, kRewindSha, model);
        state.rewind = engine::copyWeights(model);
    }
    loadWeights(inRound(0, kModel), dense, kModelSha, model);
    state.dense = engine::copyWeights(model);
    for (int n = 0; n <= round; ++n) {
        state.rounds.push_back(reportFromJson(roundRecord(n)));
        if (n > 0 && state.rounds.back().validation.accuracy > state.bestAccuracy) {
            state.bestAccuracy = state.rounds.back().validation.accuracy;
            state.bestRound = n;
        }
    }
    if (withBest && state.bestRound > 0) {
        loadWeights(inRound(state.bestRound, kModel), roundRecord(state.bestRound), kModelSha, model);
        state.best = engine::copyWeights(model);
        state.bestMasks = loadMasks(state.bestRound, model, device);
    }
    if (round > 0)
        state.masks = loadMasks(round, model, device);
    loadWeights(inRound(round, kModel), roundRecord(round), kModelSha, model);
    state.completedRound = round;
    return state;
}

void SessionRecorder::startFrom(const Session& source, int round, QJsonObject recipe) const
{
    const int completed = source.completedRound();
    const int k = round >= 0 ? round : completed;
    const QList<int> saved = source.savedRounds();
    bool complete = k >= 0 && k <= completed;
    for (int n = 0; complete && n <= k; ++n)
        complete = saved.contains(n);
    if (!complete)
        throw SessionError("round " + std::to_string(k) + " is not a completed round of " +
                           source.path().toStdString() +
                           (completed >= 0 ? " (completed rounds: 0 to " + std::to_string(completed) + ")"
                                           : " (it has no completed round)"));
    if (session_.exists(QStringLiteral("recipe.json")) || !session_.savedRounds().isEmpty())
        throw SessionError(session_.path().toStdString() + " is not a new session: refusing to write rounds into it");
    // The copies first, recipe.json last: until it exists the folder is not a session anything would resume.
    for (const QString& file : {QStringLiteral("dataset.json"), QStringLiteral("split.json")})
        if (source.exists(file))
            session_.writeFile(file, source.readFile(file));
    for (int n = 0; n <= k; ++n) {
        const QString folder = Session::roundFolder(n) + QLatin1Char('/');
        for (const QString& file : QDir(source.filePath(folder)).entryList(QDir::Files, QDir::Name))
            session_.writeFile(folder + file, source.readFile(folder + file));
    }
    session_.writeFile(QStringLiteral("metrics.jsonl"), source.exists(QStringLiteral("metrics.jsonl"))
                                                            ? source.readFile(QStringLiteral("metrics.jsonl"))
                                                            : QByteArray());
    session_.truncateMetricsAfterRound(k);
    session_.writeJson(QStringLiteral("origin.json"),
                       QJsonObject{{"session", source.path()}, {"round", k}, {"recipe", source.recipeJson()}});
    session_.appendMetric({{"event", "started_from"}, {"session", source.path()}, {"round", k}});
    session_.writeState({{"status", "running"}, {"completed_round", k}});
    recipe.insert(QStringLiteral("dataset_fingerprint"), source.datasetFingerprint());
    session_.writeJson(QStringLiteral("recipe.json"), recipe);
}

void SessionRecorder::writeState(const QString& status, int lastCompleted, int rounds, const QString& message) const
{
    QJsonObject state{{"status", status}, {"completed_round", lastCompleted}, {"rounds", rounds}};
    if (!message.isEmpty())
        state.insert(QStringLiteral("message"), message);
    if (lastCompleted >= 0) {
        const QJsonObject last = roundRecord(lastCompleted);
        for (const char* key : {"val_accuracy", "test_accuracy", "sparsity"})
            if (last.contains(QLatin1String(key)))
                state.insert(QLatin1String(key), last.value(QLatin1String(key)));
    }
    session_.writeState(state);
}

void SessionRecorder::recordFailure(const RunSummary& summary) const
{
    try { // record the failure too, if the disk lets us
        QJsonObject state = session_.state();
        state.insert(QStringLiteral("status"), QStringLiteral("failed"));
        state.insert(QStringLiteral("message"), summary.message);
        session_.writeState(state);
        session_.appendMetric(toJson(summary));
    } catch (const std::exception&) {
    }
}

} // namespace prunelab::workbench
