// A sweep folder as cells that can run anywhere that sees the folder: plan.json holds every cell's index, folder
// name and full recipe, written before anything trains. One cell runs with SweepCells::run (aestudio-cli sweep-cell,
// one Slurm array task each): idempotent, resumed from its checkpoint when partial, writing only its own folder and
// only through temp files and renames, so several nodes can share the folder. SweepCells::collect builds
// results.csv and table.md from whatever cells are finished and says why the others are not.
#pragma once

#include "Sweep.h"

#include <optional>

namespace aestudio {

struct SweepPlan {
    static constexpr int kVersion = 1;
    QVector<SweepSpec::Run> cells; // index = position
    QString dataset;               // the cells' shared dataset, for display

    static SweepPlan of(const SweepSpec &spec);
    QJsonObject toJson() const;
    static SweepPlan fromJson(const QJsonObject &json); // validates every recipe; throws ConfigError
    static QString fileIn(const QString &folder);       // folder/plan.json
    // Reads a plan (a regular file under 16 MB); throws ConfigError naming the file.
    static SweepPlan read(const QString &path);
    void write(const QString &folder) const; // atomically
};

struct SweepCellStatus {
    enum class State { Queued, Running, Done, Failed, Stopped };
    int index = 0;
    QString name;
    State state = State::Queued;
    QString detail; // why it failed, where it runs, "resumes at epoch 3", the scheduler's word
    int epochsDone = 0;
    int epochs = 0;
    std::optional<SweepResult> result; // a done cell's result.json, read once here
    static QString stateName(State s); // "queued", "running", "done", "failed", "stopped"
};

namespace SweepCells {

// Reusing a run (finished or not) is only right for the same recipe; threads do not change the maths.
bool sameRecipe(const TrainingConfig &a, const TrainingConfig &b);
// A finished cell's result.json, or nothing; throws StudioError when it does not parse.
std::optional<SweepResult> readResult(const QString &outDir, const QString &name);

// Runs cell `index` of `plan` in `outDir`: returns at once (skipped = true) when it is finished, resumes its
// checkpoint when partial. `data` may be null (loaded here). Throws ConfigError for a bad index or a folder with
// another recipe, TrainingError when training fails. A stop leaves a partial cell (result bestEpoch 0).
SweepResult run(const QString &outDir, const SweepPlan &plan, int index, int threads, SweepObserver &observer,
                RunControl &control, std::shared_ptr<const DatasetSplit> data = {});

// Each cell's state from its folder alone (result.json, run.json, checkpoint).
QVector<SweepCellStatus> status(const QString &outDir, const SweepPlan &plan);

struct Collection {
    QVector<SweepResult> finished;    // in plan order
    QVector<SweepCellStatus> missing; // every cell not finished, with its state and reason
};
// Reads plan.json, writes results.csv and table.md from the finished cells (also while some are missing).
Collection collect(const QString &outDir);

} // namespace SweepCells
} // namespace aestudio
