#include "SweepPlan.h"

#include "AtomicFile.h"
#include "Checkpoint.h"
#include "Errors.h"
#include "RunRecord.h"
#include "TrainingRun.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLockFile>

namespace aestudio {
namespace {

const QString kResultFile = QStringLiteral("result.json");
const QString kFormat = QStringLiteral("aestudio-sweep-plan");
constexpr qint64 kMaxPlanBytes = 16 << 20;

bool validCellName(const QString &name)
{
    return !name.isEmpty() && name.size() <= 100 && !name.startsWith(QLatin1Char('.'))
        && std::all_of(name.begin(), name.end(), [](QChar c) {
               return c.isLetterOrNumber() || c == QLatin1Char('-') || c == QLatin1Char('.') || c == QLatin1Char('_');
           });
}

// Forwards one cell's reports to the sweep's observer with the cell's index.
class CellObserver : public TrainingObserver {
public:
    CellObserver(int index, SweepObserver &outer) : m_index(index), m_outer(outer) { }
    void batchProgress(const BatchProgress &p) override { m_outer.runProgress(m_index, p); }
    void epochFinished(const EpochMetrics &m) override { m_outer.runEpoch(m_index, m); }

private:
    int m_index;
    SweepObserver &m_outer;
};

} // namespace

SweepPlan SweepPlan::of(const SweepSpec &spec)
{
    SweepPlan plan;
    plan.cells = spec.runs();
    plan.dataset = spec.base.dataset;
    return plan;
}

QString SweepPlan::fileIn(const QString &folder)
{
    return QDir(folder).filePath(QStringLiteral("plan.json"));
}

QJsonObject SweepPlan::toJson() const
{
    QJsonArray cellsJson;
    for (int i = 0; i < cells.size(); ++i) {
        QJsonObject recipe = cells[i].config.toJson();
        recipe.remove(QStringLiteral("threads")); // each task's own (--threads, Slurm's CPUs per task)
        cellsJson.append(QJsonObject{
            {QStringLiteral("index"), i}, {QStringLiteral("name"), cells[i].name}, {QStringLiteral("recipe"), recipe}});
    }
    return QJsonObject{{QStringLiteral("format"), kFormat},
                       {QStringLiteral("version"), kVersion},
                       {QStringLiteral("dataset"), dataset},
                       {QStringLiteral("cells"), cellsJson}};
}

SweepPlan SweepPlan::fromJson(const QJsonObject &json)
{
    if (json.value(QStringLiteral("format")).toString() != kFormat)
        throw ConfigError(QStringLiteral("not a sweep plan (no \"format\": \"%1\")").arg(kFormat));
    if (json.value(QStringLiteral("version")).toInt() != kVersion)
        throw ConfigError(QStringLiteral("sweep plan version %1 is not supported (this build reads %2)")
                              .arg(json.value(QStringLiteral("version")).toInt())
                              .arg(kVersion));
    SweepPlan plan;
    plan.dataset = json.value(QStringLiteral("dataset")).toString();
    const QJsonArray cells = json.value(QStringLiteral("cells")).toArray();
    if (cells.isEmpty() || cells.size() > 100000)
        throw ConfigError(QStringLiteral("the plan has %1 cells").arg(cells.size()));
    for (int i = 0; i < cells.size(); ++i) {
        const QJsonObject cell = cells[i].toObject();
        SweepSpec::Run run;
        run.name = cell.value(QStringLiteral("name")).toString();
        static const QStringList reserved{QStringLiteral("slurm"), QStringLiteral("plan.json"),
                                          QStringLiteral("sweep.json"), QStringLiteral("results.csv"),
                                          QStringLiteral("table.md")};
        if (cell.value(QStringLiteral("index")).toInt(-1) != i || !validCellName(run.name)
            || reserved.contains(run.name))
            throw ConfigError(QStringLiteral("cell %1 has a bad index or folder name").arg(i));
        for (const SweepSpec::Run &earlier : std::as_const(plan.cells))
            if (earlier.name == run.name)
                throw ConfigError(QStringLiteral("cell %1 reuses the folder name %2").arg(i).arg(run.name));
        try {
            run.config = TrainingConfig::fromJson(cell.value(QStringLiteral("recipe")).toObject());
        } catch (const ConfigError &e) {
            throw ConfigError(QStringLiteral("cell %1 (%2): %3").arg(i).arg(run.name, e.message()));
        }
        plan.cells << run;
    }
    return plan;
}

SweepPlan SweepPlan::read(const QString &path)
{
    const QString problem = unreadableFileReason(path);
    if (!problem.isEmpty())
        throw ConfigError(QStringLiteral("%1: %2").arg(path, problem));
    QFile file(path);
    if (file.size() > kMaxPlanBytes || !file.open(QIODevice::ReadOnly))
        throw ConfigError(QStringLiteral("%1: cannot read a plan from it").arg(path));
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(file.readAll(), &error);
    if (!doc.isObject())
        throw ConfigError(QStringLiteral("%1: not JSON (%2)").arg(path, error.errorString()));
    try {
        return fromJson(doc.object());
    } catch (const ConfigError &e) {
        throw ConfigError(QStringLiteral("%1: %2").arg(path, e.message()));
    }
}

void SweepPlan::write(const QString &folder) const
{
    AtomicFile::writeJson(fileIn(folder), toJson());
}

QString SweepCellStatus::stateName(State s)
{
    switch (s) {
    case State::Queued:
        return QStringLiteral("queued");
    case State::Running:
        return QStringLiteral("running");
    case State::Done:
        return QStringLiteral("done");
    case State::Failed:
        return QStringLiteral("failed");
    case State::Stopped:
        return QStringLiteral("stopped");
    }
    return {};
}

bool SweepCells::sameRecipe(const TrainingConfig &a, const TrainingConfig &b)
{
    QJsonObject x = a.toJson(), y = b.toJson();
    x.remove(QStringLiteral("threads"));
    y.remove(QStringLiteral("threads"));
    return x == y;
}

std::optional<SweepResult> SweepCells::readResult(const QString &outDir, const QString &name)
{
    QFile done(QDir(outDir).filePath(name + QLatin1Char('/') + kResultFile));
    if (done.size() > (1 << 20) || !done.open(QIODevice::ReadOnly))
        return std::nullopt;
    SweepResult r = SweepResult::fromJson(QJsonDocument::fromJson(done.readAll()).object());
    r.name = name;
    return r;
}

SweepResult SweepCells::run(const QString &outDir, const SweepPlan &plan, int index, int threads,
                            SweepObserver &observer, RunControl &control, std::shared_ptr<const DatasetSplit> data)
{
    if (index < 0 || index >= plan.cells.size())
        throw ConfigError(
            QStringLiteral("cell %1 is not in the plan (it has cells 0 to %2)").arg(index).arg(plan.cells.size() - 1));
    const SweepSpec::Run &cell = plan.cells[index];
    std::optional<SweepResult> done;
    try {
        done = readResult(outDir, cell.name);
    } catch (const StudioError &) {
        // a damaged result.json: train the cell again (its checkpoint, if any, is resumed)
    }
    if (done) {
        if (!sameRecipe(done->config, cell.config))
            throw ConfigError(QStringLiteral("%1 holds a finished run %2 with other settings; choose another output "
                                             "folder")
                                  .arg(outDir, cell.name));
        done->skipped = true;
        return *done;
    }
    const RunDirectory dir(QDir(outDir).filePath(cell.name));
    // One trainer per cell, even when a task is submitted twice or requeued while the old one still runs.
    QDir().mkpath(dir.path());
    QLockFile lock(dir.file(QStringLiteral("cell.lock")));
    lock.setStaleLockTime(0); // held for as long as the cell trains
    if (!lock.tryLock(0)) {
        qint64 pid = 0;
        QString host, app;
        lock.getLockInfo(&pid, &host, &app);
        throw TrainingError(QStringLiteral("%1 is being trained by another process (pid %2 on %3)")
                                .arg(cell.name)
                                .arg(pid)
                                .arg(host.isEmpty() ? QStringLiteral("?") : host));
    }
    TrainingConfig config = cell.config;
    config.threads = threads;
    TrainingRun::Options options;
    options.data = data ? std::move(data) : std::make_shared<const DatasetSplit>(DatasetCatalog::load(config));
    const QString checkpoint = dir.file(QStringLiteral("checkpoint.aes"));
    if (QFileInfo::exists(checkpoint)) {
        // Checkpoints are written atomically, so one that does not load is not a crash's leftover: say so rather
        // than silently training the run again from scratch.
        const CheckpointInfo info = Checkpoint::readInfo(checkpoint);
        if (!sameRecipe(info.config, cell.config))
            throw ConfigError(QStringLiteral("%1 holds an unfinished run with other settings; choose another output "
                                             "folder")
                                  .arg(dir.path()));
        options.resumeFrom = checkpoint;
    }
    TrainingRun training(config, dir, options);
    observer.runStarted(index, cell);
    CellObserver forward(index, observer);
    const Trainer::Outcome outcome = training.run(forward, control);
    if (outcome.failed)
        throw TrainingError(QStringLiteral("%1: %2").arg(cell.name, outcome.error));
    SweepResult r;
    r.name = cell.name;
    r.config = cell.config;
    if (outcome.summary.stopped)
        return r;
    const Trainer &trainer = training.trainer();
    r.bestEpoch = outcome.summary.bestEpoch;
    r.bestValLoss = outcome.summary.bestValLoss;
    for (const EpochMetrics &m : trainer.history()) {
        r.seconds += m.seconds;
        if (m.epoch == r.bestEpoch) {
            r.valPsnrDb = m.valPsnrDb;
            r.valPsnrGlobalDb = m.valPsnrGlobalDb;
        }
    }
    const QualityMetrics test = trainer.bestSnapshot()->evaluate(options.data->test, config.noise, 0);
    r.testMse = test.mse;
    r.testPsnrDb = test.psnrMeanDb;
    r.testPsnrGlobalDb = test.psnrGlobalDb;
    AtomicFile::writeJson(dir.file(kResultFile), r.toJson()); // last: its presence means "finished"
    return r;
}

QVector<SweepCellStatus> SweepCells::status(const QString &outDir, const SweepPlan &plan)
{
    QVector<SweepCellStatus> out;
    for (int i = 0; i < plan.cells.size(); ++i) {
        SweepCellStatus s;
        s.index = i;
        s.name = plan.cells[i].name;
        s.epochs = plan.cells[i].config.epochs;
        const QString folder = QDir(outDir).filePath(s.name);
        try {
            s.result = readResult(outDir, s.name);
        } catch (const StudioError &) {
            s.detail = QStringLiteral("its result.json is damaged; running it again redoes it");
        }
        if (s.result) {
            s.state = SweepCellStatus::State::Done;
            s.epochsDone = s.epochs;
        } else if (RunRecord::looksLikeRun(folder)) {
            const RunRecord record = RunRecord::read(folder);
            s.epochsDone = record.epochsDone();
            switch (record.status) {
            case RunRecord::Status::Running:
                s.state = SweepCellStatus::State::Running;
                if (!record.host.isEmpty())
                    s.detail = QStringLiteral("on %1").arg(record.host);
                break;
            case RunRecord::Status::Failed:
                s.state = SweepCellStatus::State::Failed;
                s.detail = record.error;
                break;
            case RunRecord::Status::Crashed:
            case RunRecord::Status::Stopped:
                s.state = SweepCellStatus::State::Stopped;
                s.detail = QStringLiteral("stopped after epoch %1; running it again resumes it").arg(s.epochsDone);
                break;
            default: // finished training but no result.json: killed while measuring the test set
                s.state = SweepCellStatus::State::Stopped;
                s.detail = QStringLiteral("trained, result not written; running it again finishes it");
            }
        }
        out << s;
    }
    return out;
}

SweepCells::Collection SweepCells::collect(const QString &outDir)
{
    const SweepPlan plan = SweepPlan::read(SweepPlan::fileIn(outDir));
    Collection c;
    for (const SweepCellStatus &s : status(outDir, plan)) {
        if (s.state != SweepCellStatus::State::Done) {
            c.missing << s;
            continue;
        }
        SweepResult r = *s.result;
        r.skipped = true;
        c.finished << r;
    }
    // Runs an --extend'ed folder kept from its earlier grid (in sweep.json, not in this plan) stay in the results.
    try {
        for (SweepResult &r : Sweep::readFinished(outDir)) {
            const bool planned = std::any_of(plan.cells.begin(), plan.cells.end(),
                                             [&](const SweepSpec::Run &cell) { return cell.name == r.name; });
            if (!planned)
                c.finished << r;
        }
    } catch (const StudioError &) {
        // no sweep.json: a plan alone
    }
    Sweep::writeSummary(outDir, c.finished);
    return c;
}

} // namespace aestudio
