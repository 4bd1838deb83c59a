#pragma once

// Private to the workbench: a run's files in its session folder, written and read back in one place. A round's
// folder rounds/<k>/ holds model.pt, masks.pt (k > 0), initial.pt and rewind.pt (k = 0), train.csv and
// validation.json (the round's values and every file's SHA-256), written model first and validation.json last;
// reading a file back checks its SHA-256 against validation.json. Includes LibTorch.

#include "core/engine/PruningSchedule.h"
#include "core/workbench/RunTypes.h"
#include "core/workbench/Session.h"

#include <QJsonObject>

namespace prunelab::workbench {

class SessionRecorder {
public:
    explicit SessionRecorder(Session session) : session_(std::move(session)) {}

    /// Writes rounds/<k>/ for the round `report` (its values as `stats`), the weights from `model` and `state`.
    void saveRound(const engine::RoundReport& report, const engine::ScheduleState& state, const RoundStats& stats,
                   engine::ClassifierImpl& model) const;
    /// The round's validation.json.
    QJsonObject roundRecord(int round) const;
    /// Loads round `round`'s model.pt into `model`; returns its validation.json. Throws SessionError naming the
    /// rounds saved when it has none.
    QJsonObject loadRoundModel(int round, engine::ClassifierImpl& model) const;
    /// Everything a schedule needs to go on after the completed round `round`: θ0, the rewind point, the dense and
    /// the last model, the masks, the rounds' values and (`withBest`, a sweep) the best round's weights and masks.
    /// Leaves `model` holding round `round`'s weights.
    engine::ScheduleState loadResumeState(int round, engine::ClassifierImpl& model, torch::Device device,
                                          bool withBest) const;

    /// Makes this new, empty session start after round `round` (-1: the last completed) of `source`: rounds
    /// 0…round copied byte for byte with their events, origin.json, and `recipe` (with the source's data
    /// fingerprint) as recipe.json, written last. Throws SessionError when the round is not a completed one of
    /// `source` or this session is not new.
    void startFrom(const Session& source, int round, QJsonObject recipe) const;

    /// state.json: `status`, the last completed round and its accuracy and sparsity, and the planned rounds.
    void writeState(const QString& status, int lastCompleted, int rounds, const QString& message = {}) const;
    /// state.json says failed with the message, and the summary goes to metrics.jsonl; nothing thrown if the disk
    /// refuses.
    void recordFailure(const RunSummary& summary) const;

private:
    /// Reads a model or mask file after checking it is the one the session recorded under `shaKey`.
    QByteArray readChecked(const QString& file, const QJsonObject& record, const QString& shaKey) const;
    void loadWeights(const QString& file, const QJsonObject& record, const QString& shaKey,
                     engine::ClassifierImpl& model) const;
    engine::MaskSet loadMasks(int round, engine::ClassifierImpl& model, torch::Device device) const;

    Session session_;
};

} // namespace prunelab::workbench
