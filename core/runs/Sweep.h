// Grids of training runs (the seed study's latent sweep and its generalisations): expansion into runs, one run
// folder each, resumable (finished runs are skipped, interrupted ones continue from their checkpoint), several at
// once with the threads split between them, and the results as CSV and as a Table 1.1-style markdown table.
#pragma once

#include "DatasetCatalog.h"
#include "RunDirectory.h"
#include "TrainingConfig.h"
#include "TrainingTypes.h"

#include <QMap>
#include <QVector>

#include <functional>
#include <memory>
#include <optional>
#include <utility>

namespace aestudio {

struct JobLayout;
struct SweepResult;
struct SweepPlan;

struct SweepSpec {
    TrainingConfig base; // dataset, noise, batch size, lr, seed, limit, ...
    QVector<int> depths; // see seedStudy() for the seed report's grid
    QVector<int> latents;
    QVector<double> dropouts{0.0};
    QVector<double> weightDecays{0.0};
    int epochs = 20;
    int epochsRegularised = 0; // for runs with dropout or weight decay; 0 = same as epochs
    int jobs = 1;              // runs at once; 0 = measure which is faster, one run or one run per thread (JobLayout)
    int threads = 0;           // in total, split between jobs; 0 = one per hardware thread
    // A folder that holds another grid is refused, unless this is set: then the new runs are added to it and the
    // old finished runs stay in the results.
    bool extend = false;

    struct Run {
        QString name; // folder name, e.g. "d3-l15-p0.2-wd0"
        TrainingConfig config;
    };
    QVector<Run> runs() const;

    // The seed study's Table 1.1, the one place it is spelled: depths 3 and 5, latents 15/30/50/100, dropout 0 and
    // 0.2, no L2, 20 epochs (15 for the regularised runs), plain autoencoders on clean inputs.
    static SweepSpec seedStudy(const TrainingConfig &base);
    // "3, 5" -> {3, 5}; throws ConfigError naming `what` for a non-number or an empty list.
    static QVector<double> parseList(const QString &text, const QString &what);
    static QString formatList(const QVector<double> &values);
    // The grid that made these results (each list sorted, each value once), with the first run's settings as base.
    static SweepSpec ofResults(const QVector<SweepResult> &results);
    static SweepSpec ofRuns(const QVector<Run> &runs); // the same from the runs' recipes (a plan's cells)
};

struct SweepResult {
    QString name;
    TrainingConfig config;
    int bestEpoch = 0;
    double bestValLoss = 0.0;
    double valPsnrDb = 0.0; // at the best epoch
    double valPsnrGlobalDb = 0.0;
    double testMse = 0.0, testPsnrDb = 0.0, testPsnrGlobalDb = 0.0; // best weights on the test set
    double seconds = 0.0;
    bool skipped = false; // already finished by an earlier invocation

    QJsonObject toJson() const;
    static SweepResult fromJson(const QJsonObject &json);
    bool regularised() const { return config.model.dropout > 0.0 || config.weightDecay > 0.0; }
    QString rowLabel() const; // "Non-Regularized 3 layers", "Regularized 5 layers (p=0.2)"
};

// The Table 1.1 pivot of finished results: one row per model type, one column per latent dim, the best validation
// loss in each cell; shared by table.md and the studio's pivot table.
struct SweepPivot {
    QStringList rows;     // in order of first appearance
    QVector<int> latents; // ascending
    QMap<QString, QMap<int, double>> cells;
    int bestLatent(const QString &row) const; // the column with the lowest loss, or -1
    static SweepPivot of(const QVector<SweepResult> &results);
};

// With jobs > 1, these are called from several worker threads at once (one per running cell): an observer that
// keeps state or prints must lock.
class SweepObserver {
public:
    virtual ~SweepObserver() = default;
    virtual void layoutChosen(const JobLayout &) { } // once, before the first run starts
    virtual void runStarted(int /*index*/, const SweepSpec::Run &) { }
    virtual void runProgress(int /*index*/, const BatchProgress &) { }
    virtual void runEpoch(int /*index*/, const EpochMetrics &) { }
    virtual void runFinished(int /*index*/, const SweepResult &) { }
};

class Sweep {
public:
    Sweep(SweepSpec spec, QString outDir);
    // Claims the folder (sweep.json: refuses another grid unless extending) and writes plan.json, the cells any
    // machine can run (SweepCells): this grid's cells at the indices of spec.runs(), then those of earlier grids an
    // extension keeps, so the folder's plan lists all of it. Returns this grid's cells, the ones to run. `kept`
    // receives the finished runs of the earlier grids.
    SweepPlan prepare(QVector<SweepResult> *kept = nullptr) const;
    // Prepares, then runs every cell not finished yet. Throws StudioError when a run fails; finished runs keep their
    // folders.
    QVector<SweepResult> run(SweepObserver &observer, RunControl &control);
    // Several sweeps' unfinished runs in one pool of workers, longest first, with one layout (JobLayout) chosen from
    // the first sweep's jobs and threads; each sweep's own observer hears about its runs. Returns each sweep's
    // results, as run() would. The seed study runs its table and its denoising model this way.
    static QVector<QVector<SweepResult>> runTogether(const QVector<std::pair<Sweep *, SweepObserver *>> &sweeps,
                                                     RunControl &control);
    QString outDir() const { return m_outDir; }

    static QByteArray resultsCsv(const QVector<SweepResult> &results);
    // The finished runs of a sweep folder, in its grid's order (sweep.json), each marked skipped: a past sweep read
    // back without running anything. Throws StudioError when the folder holds no sweep.
    static QVector<SweepResult> readFinished(const QString &outDir);
    // Rows = model type, columns = latent dim, then the best latent; the best cell of each row in bold. `reference`
    // maps row label -> latent -> value printed beside ours (the seed's Table 1.1), when given.
    static QString tableMarkdown(const QVector<SweepResult> &results,
                                 const QMap<QString, QMap<int, double>> &reference = {});
    // results.csv and table.md in `folder`.
    static void writeSummary(const QString &folder, const QVector<SweepResult> &results);

private:
    // `earlier` receives the cells of earlier grids that an extension keeps (their recipes from the old plan.json,
    // else from their results).
    QVector<SweepResult> claimFolder(const QStringList &names, QVector<SweepSpec::Run> &earlier) const;
    QVector<int> unfinished(const QVector<SweepSpec::Run> &runs, QVector<SweepResult> &results,
                            SweepObserver &observer) const;
    SweepSpec m_spec;
    QString m_outDir;
};

} // namespace aestudio
