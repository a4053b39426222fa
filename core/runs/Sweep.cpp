#include "Sweep.h"

#include "JobLayout.h"
#include "SweepPlan.h"
#include "AtomicFile.h"

#include "Checkpoint.h"
#include "Errors.h"
#include "InferenceModel.h"
#include "SystemInfo.h"
#include "Trainer.h"
#include "TrainingRun.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSet>

#include <algorithm>
#include <atomic>
#include <mutex>
#include <thread>

namespace aestudio {
namespace {

const QString kGridFile = QStringLiteral("sweep.json"); // the names of the runs this folder holds

// The run names of an opened sweep.json.
QStringList gridNames(QFile &grid)
{
    QStringList names;
    for (const auto &v : QJsonDocument::fromJson(grid.readAll()).object().value(QStringLiteral("runs")).toArray())
        names << v.toString();
    return names;
}

QString number(double v)
{
    return QString::number(v, 'g', 6);
}

} // namespace

QVector<SweepSpec::Run> SweepSpec::runs() const
{
    QVector<Run> out;
    for (int depth : depths)
        for (double wd : weightDecays)
            for (double p : dropouts)
                for (int latent : latents) {
                    Run r;
                    r.config = base;
                    r.config.model.hidden = ModelSpec::hiddenForDepth(depth);
                    r.config.model.latent = latent;
                    r.config.model.dropout = p;
                    r.config.weightDecay = wd;
                    const bool regularised = p > 0.0 || wd > 0.0;
                    r.config.epochs = regularised && epochsRegularised > 0 ? epochsRegularised : epochs;
                    r.config.validate();
                    r.name = QStringLiteral("d%1-l%2-p%3-wd%4").arg(depth).arg(latent).arg(number(p), number(wd));
                    // A value listed twice ("--latents 2,2") is one run: one folder, one row.
                    if (std::none_of(out.begin(), out.end(), [&r](const Run &o) { return o.name == r.name; }))
                        out << r;
                }
    return out;
}

SweepSpec SweepSpec::seedStudy(const TrainingConfig &base)
{
    SweepSpec s;
    s.base = base;
    s.base.noise.level = 0.0; // Table 1.1 trains plain autoencoders on clean inputs
    s.depths = {3, 5};
    s.latents = {15, 30, 50, 100};
    s.dropouts = {0.0, 0.2};
    s.weightDecays = {0.0};
    s.epochs = 20;
    s.epochsRegularised = 15;
    return s;
}

QVector<double> SweepSpec::parseList(const QString &text, const QString &what)
{
    QVector<double> out;
    for (const QString &part : text.split(QLatin1Char(','), Qt::SkipEmptyParts)) {
        bool ok = false;
        const double v = part.trimmed().toDouble(&ok);
        if (!ok)
            throw ConfigError(QStringLiteral("%1: '%2' is not a number").arg(what, part.trimmed()));
        out << v;
    }
    if (out.isEmpty())
        throw ConfigError(QStringLiteral("%1: give at least one value").arg(what));
    return out;
}

QString SweepSpec::formatList(const QVector<double> &values)
{
    QStringList parts;
    for (double v : values)
        parts << QString::number(v, 'g', 6);
    return parts.join(QLatin1Char(','));
}

QJsonObject SweepResult::toJson() const
{
    return QJsonObject{{QStringLiteral("name"), name},
                       {QStringLiteral("config"), config.toJson()},
                       {QStringLiteral("best_epoch"), bestEpoch},
                       {QStringLiteral("best_val_loss"), bestValLoss},
                       {QStringLiteral("val_psnr_db"), valPsnrDb},
                       {QStringLiteral("val_psnr_global_db"), valPsnrGlobalDb},
                       {QStringLiteral("test_mse"), testMse},
                       {QStringLiteral("test_psnr_db"), testPsnrDb},
                       {QStringLiteral("test_psnr_global_db"), testPsnrGlobalDb},
                       {QStringLiteral("seconds"), seconds}};
}

SweepResult SweepResult::fromJson(const QJsonObject &json)
{
    SweepResult r;
    r.name = json.value(QStringLiteral("name")).toString();
    r.config = TrainingConfig::fromJson(json.value(QStringLiteral("config")).toObject());
    r.bestEpoch = json.value(QStringLiteral("best_epoch")).toInt();
    r.bestValLoss = json.value(QStringLiteral("best_val_loss")).toDouble();
    r.valPsnrDb = json.value(QStringLiteral("val_psnr_db")).toDouble();
    r.valPsnrGlobalDb = json.value(QStringLiteral("val_psnr_global_db")).toDouble();
    r.testMse = json.value(QStringLiteral("test_mse")).toDouble();
    r.testPsnrDb = json.value(QStringLiteral("test_psnr_db")).toDouble();
    r.testPsnrGlobalDb = json.value(QStringLiteral("test_psnr_global_db")).toDouble();
    r.seconds = json.value(QStringLiteral("seconds")).toDouble();
    return r;
}

QString SweepResult::rowLabel() const
{
    QString label = QStringLiteral("%1 %2 layers")
                        .arg(regularised() ? QStringLiteral("Regularized") : QStringLiteral("Non-Regularized"))
                        .arg(config.model.depth());
    QStringList details;
    if (config.model.dropout > 0.0 && std::abs(config.model.dropout - 0.2) > 1e-9)
        details << QStringLiteral("p=%1").arg(number(config.model.dropout));
    if (config.weightDecay > 0.0)
        details << QStringLiteral("L2=%1").arg(number(config.weightDecay));
    if (!details.isEmpty())
        label += QStringLiteral(" (%1)").arg(details.join(QStringLiteral(", ")));
    return label;
}

Sweep::Sweep(SweepSpec spec, QString outDir) : m_spec(std::move(spec)), m_outDir(std::move(outDir))
{
}

SweepSpec SweepSpec::ofResults(const QVector<SweepResult> &results)
{
    QVector<Run> runs;
    for (const SweepResult &r : results)
        runs.append({r.name, r.config});
    return ofRuns(runs);
}

SweepSpec SweepSpec::ofRuns(const QVector<Run> &runs)
{
    SweepSpec grid;
    if (runs.isEmpty())
        return grid;
    grid.base = runs.first().config;
    grid.depths.clear();
    grid.latents.clear();
    grid.dropouts.clear();
    grid.weightDecays.clear();
    auto add = [](auto &list, auto v) {
        if (!list.contains(v))
            list.append(v);
    };
    grid.epochs = runs.first().config.epochs;
    grid.epochsRegularised = 0;
    for (const Run &r : runs) {
        add(grid.depths, r.config.model.depth());
        add(grid.latents, r.config.model.latent);
        add(grid.dropouts, r.config.model.dropout);
        add(grid.weightDecays, r.config.weightDecay);
        if (r.config.model.dropout == 0 && r.config.weightDecay == 0)
            grid.epochs = r.config.epochs;
        else if (r.config.epochs != grid.epochs)
            grid.epochsRegularised = r.config.epochs;
    }
    std::sort(grid.depths.begin(), grid.depths.end());
    std::sort(grid.latents.begin(), grid.latents.end());
    std::sort(grid.dropouts.begin(), grid.dropouts.end());
    std::sort(grid.weightDecays.begin(), grid.weightDecays.end());
    return grid;
}

QVector<SweepResult> Sweep::readFinished(const QString &outDir)
{
    QStringList names;
    QFile grid(QDir(outDir).filePath(kGridFile));
    if (grid.size() < (1 << 20) && grid.open(QIODevice::ReadOnly))
        names = gridNames(grid);
    if (names.isEmpty())
        throw StudioError(QStringLiteral("%1 holds no sweep (no %2)").arg(outDir, kGridFile));
    QVector<SweepResult> results;
    for (const QString &name : std::as_const(names)) {
        if (name.contains(QLatin1Char('/')))
            continue; // not a name of ours
        std::optional<SweepResult> r;
        try {
            r = SweepCells::readResult(outDir, name);
        } catch (const StudioError &) {
            continue; // a damaged result: that cell reads as not finished, the others still open
        }
        if (!r)
            continue; // not finished
        r->skipped = true;
        results << *r;
    }
    return results;
}

// One folder, one grid: another grid is refused unless extending, which keeps the old finished runs (returned).
QVector<SweepResult> Sweep::claimFolder(const QStringList &names, QVector<SweepSpec::Run> &earlier) const
{
    const QString gridPath = QDir(m_outDir).filePath(kGridFile);
    QStringList previousNames;
    if (QFileInfo::exists(gridPath)) {
        QFile grid(gridPath);
        if (!grid.open(QIODevice::ReadOnly))
            throw StudioError(QStringLiteral("%1: cannot read (%2)").arg(gridPath, grid.errorString()));
        previousNames = gridNames(grid);
    }
    QStringList oldOnly;
    for (const QString &n : previousNames)
        if (!names.contains(n))
            oldOnly << n;
    if (!previousNames.isEmpty() && (!oldOnly.isEmpty() || previousNames.size() != names.size()) && !m_spec.extend)
        throw ConfigError(QStringLiteral("%1 holds another sweep (%2 runs, this one has %3); choose another output "
                                         "folder, or add these runs to it (aestudio-cli sweep --extend)")
                              .arg(m_outDir)
                              .arg(previousNames.size())
                              .arg(names.size()));
    // The earlier cells' recipes, read before this grid's plan replaces the file.
    SweepPlan previous;
    try {
        if (!oldOnly.isEmpty() && QFileInfo::exists(SweepPlan::fileIn(m_outDir)))
            previous = SweepPlan::read(SweepPlan::fileIn(m_outDir));
    } catch (const ConfigError &) {
        // a damaged plan: the finished cells' recipes still come from their results
    }
    QJsonArray allNames;
    for (const QString &n : names + oldOnly)
        allNames.append(n);
    AtomicFile::writeJson(gridPath, QJsonObject{{QStringLiteral("runs"), allNames}});
    QVector<SweepResult> kept;
    earlier.clear();
    for (const QString &n : oldOnly) {
        std::optional<SweepResult> r = SweepCells::readResult(m_outDir, n);
        const auto planned = std::find_if(previous.cells.begin(), previous.cells.end(),
                                          [&n](const SweepSpec::Run &cell) { return cell.name == n; });
        if (planned != previous.cells.end())
            earlier << *planned;
        else if (r)
            earlier << SweepSpec::Run{n, r->config};
        if (r) {
            r->skipped = true;
            kept << *r;
        }
    }
    return kept;
}

// Fills `results` with the runs an earlier invocation finished (reported at once) and returns the others.
QVector<int> Sweep::unfinished(const QVector<SweepSpec::Run> &runs, QVector<SweepResult> &results,
                               SweepObserver &observer) const
{
    QVector<int> pending;
    for (int i = 0; i < runs.size(); ++i) {
        std::optional<SweepResult> done;
        try {
            done = SweepCells::readResult(m_outDir, runs[i].name);
        } catch (const StudioError &) {
            // unreadable result: run it again
        }
        if (!done) {
            pending << i;
            continue;
        }
        const SweepResult &previous = *done;
        if (!SweepCells::sameRecipe(previous.config, runs[i].config))
            throw ConfigError(QStringLiteral("%1 holds a finished run %2 with other settings; choose another "
                                             "output folder")
                                  .arg(m_outDir, runs[i].name));
        results[i] = previous;
        results[i].skipped = true;
        observer.runFinished(i, results[i]);
    }
    return pending;
}

SweepPlan Sweep::prepare(QVector<SweepResult> *kept) const
{
    const SweepPlan plan = SweepPlan::of(m_spec);
    if (plan.cells.isEmpty())
        throw ConfigError(QStringLiteral("the sweep has no runs (empty list of depths, latents or dropouts)"));
    if (!QDir().mkpath(m_outDir))
        throw StudioError(QStringLiteral("%1: cannot create the output folder").arg(m_outDir));
    QStringList names;
    for (const auto &r : plan.cells)
        names << r.name;
    QVector<SweepSpec::Run> earlier;
    const QVector<SweepResult> old = claimFolder(names, earlier);
    if (kept)
        *kept = old;
    SweepPlan folderPlan = plan;
    folderPlan.cells += earlier;
    folderPlan.write(m_outDir);
    return plan;
}

QVector<SweepResult> Sweep::run(SweepObserver &observer, RunControl &control)
{
    return runTogether({{this, &observer}}, control).first();
}

QVector<QVector<SweepResult>> Sweep::runTogether(const QVector<std::pair<Sweep *, SweepObserver *>> &sweeps,
                                                 RunControl &control)
{
    // Each sweep's plan, finished runs and data (loaded once per distinct split).
    struct Part {
        SweepPlan plan;
        QVector<SweepResult> results, kept;
        std::shared_ptr<const DatasetSplit> data;
    };
    QVector<Part> parts(sweeps.size());
    struct Task {
        int part, index;
        double cost;
    };
    QVector<Task> tasks;
    for (int s = 0; s < sweeps.size(); ++s) {
        Sweep &sweep = *sweeps[s].first;
        Part &part = parts[s];
        part.plan = sweep.prepare(&part.kept);
        part.results.resize(part.plan.cells.size());
        const QVector<int> pending = sweep.unfinished(part.plan.cells, part.results, *sweeps[s].second);
        if (pending.isEmpty())
            continue;
        for (int p = 0; p < s && !part.data; ++p)
            if (parts[p].data && parts[p].data->mismatch(sweep.m_spec.base).isEmpty())
                part.data = parts[p].data;
        if (!part.data)
            part.data = std::make_shared<const DatasetSplit>(DatasetCatalog::load(sweep.m_spec.base));
        for (const int index : pending) {
            const TrainingConfig &c = part.plan.cells[index].config;
            tasks << Task{s, index, double(c.epochs) * c.model.trainingFlopsPerSample()};
        }
    }
    const auto collect = [&parts] {
        QVector<QVector<SweepResult>> out;
        for (const Part &part : parts)
            out << part.results + part.kept;
        return out;
    };
    if (tasks.isEmpty())
        return collect();
    // Longest first, so the last runs to finish are short ones and no thread idles long at the end.
    std::stable_sort(tasks.begin(), tasks.end(), [](const Task &a, const Task &b) { return a.cost > b.cost; });

    const SweepSpec &lead = sweeps.first().first->m_spec;
    const Part &first = parts[tasks.first().part];
    const JobLayout layout = JobLayout::choose(lead.jobs, SystemInfo::threadsFor(lead.threads), tasks.size(),
                                               first.plan.cells[tasks.first().index].config, first.data, control);
    for (const auto &[sweep, observer] : sweeps)
        observer->layoutChosen(layout);
    std::atomic<int> next{0};
    std::mutex errorMutex;
    QString firstError;
    auto worker = [&] {
        for (;;) {
            const int slot = next.fetch_add(1);
            if (slot >= tasks.size() || control.stopRequested())
                return;
            const Task &task = tasks[slot];
            Part &part = parts[task.part];
            SweepObserver &observer = *sweeps[task.part].second;
            try {
                part.results[task.index] = SweepCells::run(sweeps[task.part].first->m_outDir, part.plan, task.index,
                                                           layout.threadsPerJob, observer, control, part.data);
                if (!control.stopRequested())
                    observer.runFinished(task.index, part.results[task.index]);
            } catch (const std::exception &e) {
                std::lock_guard<std::mutex> lock(errorMutex);
                if (firstError.isEmpty())
                    firstError = describeError(e);
                control.requestStop();
                return;
            }
        }
    };
    std::vector<std::thread> pool;
    for (int j = 1; j < layout.jobs; ++j)
        pool.emplace_back(worker);
    worker();
    for (auto &t : pool)
        t.join();
    if (!firstError.isEmpty())
        throw TrainingError(firstError);
    return collect();
}

QByteArray Sweep::resultsCsv(const QVector<SweepResult> &results)
{
    QByteArray csv = "name,depth,latent,dropout,weight_decay,noise,epochs,best_epoch,best_val_loss,val_psnr_mean_db,"
                     "val_psnr_global_db,test_mse,test_psnr_mean_db,test_psnr_global_db,seconds\n";
    for (const SweepResult &r : results) {
        if (r.bestEpoch == 0)
            continue; // not run (stopped sweep)
        const TrainingConfig &c = r.config;
        csv += r.name.toUtf8() + ',' + QByteArray::number(c.model.depth()) + ',' + QByteArray::number(c.model.latent)
            + ',' + QByteArray::number(c.model.dropout, 'g', 6) + ',' + QByteArray::number(c.weightDecay, 'g', 6) + ','
            + QByteArray::number(c.noise.level, 'g', 6) + ',' + QByteArray::number(c.epochs) + ','
            + QByteArray::number(r.bestEpoch) + ',' + QByteArray::number(r.bestValLoss, 'g', 8) + ','
            + QByteArray::number(r.valPsnrDb, 'f', 4) + ',' + QByteArray::number(r.valPsnrGlobalDb, 'f', 4) + ','
            + QByteArray::number(r.testMse, 'g', 8) + ',' + QByteArray::number(r.testPsnrDb, 'f', 4) + ','
            + QByteArray::number(r.testPsnrGlobalDb, 'f', 4) + ',' + QByteArray::number(r.seconds, 'f', 1) + '\n';
    }
    return csv;
}

int SweepPivot::bestLatent(const QString &row) const
{
    const QMap<int, double> values = cells.value(row);
    int best = -1;
    for (auto it = values.begin(); it != values.end(); ++it)
        if (best < 0 || it.value() < values[best])
            best = it.key();
    return best;
}

SweepPivot SweepPivot::of(const QVector<SweepResult> &results)
{
    SweepPivot pivot;
    for (const SweepResult &r : results) {
        if (r.bestEpoch == 0)
            continue; // not run (stopped sweep)
        const QString row = r.rowLabel();
        if (!pivot.rows.contains(row))
            pivot.rows << row;
        if (!pivot.latents.contains(r.config.model.latent))
            pivot.latents << r.config.model.latent;
        pivot.cells[row][r.config.model.latent] = r.bestValLoss;
    }
    std::sort(pivot.latents.begin(), pivot.latents.end());
    return pivot;
}

QString Sweep::tableMarkdown(const QVector<SweepResult> &results, const QMap<QString, QMap<int, double>> &reference)
{
    const SweepPivot pivot = SweepPivot::of(results);
    QString md = QStringLiteral("| Auto-encoder type |");
    for (int l : pivot.latents)
        md += QStringLiteral(" %1 |").arg(l);
    md += QStringLiteral(" Best latent dimension |\n|---|");
    for (int i = 0; i < pivot.latents.size(); ++i)
        md += QStringLiteral("---|");
    md += QStringLiteral("---|\n");
    for (const QString &row : pivot.rows) {
        const auto &values = pivot.cells[row];
        const int best = pivot.bestLatent(row);
        md += QStringLiteral("| %1 |").arg(row);
        for (int l : pivot.latents) {
            if (!values.contains(l)) {
                md += QStringLiteral(" – |");
                continue;
            }
            QString cell = QString::number(values[l], 'f', 4);
            if (l == best)
                cell = QStringLiteral("**%1**").arg(cell);
            if (reference.contains(row) && reference[row].contains(l))
                cell += QStringLiteral(" (seed %1)").arg(QString::number(reference[row][l], 'f', 4));
            md += QLatin1Char(' ') + cell + QStringLiteral(" |");
        }
        md += QStringLiteral(" %1 |\n").arg(best);
    }
    return md;
}

void Sweep::writeSummary(const QString &folder, const QVector<SweepResult> &results)
{
    AtomicFile::write(QDir(folder).filePath(QStringLiteral("results.csv")), resultsCsv(results));
    AtomicFile::write(QDir(folder).filePath(QStringLiteral("table.md")), tableMarkdown(results).toUtf8());
}

} // namespace aestudio
