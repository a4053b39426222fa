// Sweeps (shape of results.csv and table.md, resume) and the robustness curve, on tiny synthetic data.
#include "Errors.h"
#include "InferenceModel.h"
#include "JobLayout.h"
#include "RobustnessCurve.h"
#include "Sweep.h"
#include "SweepPlan.h"
#include "SystemInfo.h"
#include "TinyIdx.h"
#include "Trainer.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

using namespace aestudio;
using namespace aestudio::testing;

namespace {
struct CountingObserver : SweepObserver {
    int started = 0, finished = 0, skipped = 0;
    void runStarted(int, const SweepSpec::Run &) override { ++started; }
    void runFinished(int, const SweepResult &r) override
    {
        ++finished;
        skipped += r.skipped;
    }
};
} // namespace

class TestExperiments : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void specExpandsTheGrid();
    void tinySweepWritesResultsAndTable();
    void autoLayoutIsMeasuredAndReported();
    void resumeSkipsFinishedRuns();
    void unfinishedRunWithAnotherRecipeIsRefused();
    void robustnessFallsWithNoise();

private:
    SweepSpec tinySpec() const;
    QTemporaryDir m_dir;
    QString m_data;
};

void TestExperiments::initTestCase()
{
    m_data = m_dir.filePath(QStringLiteral("data"));
    writeDataset(m_data, 360, 60, true);
}

SweepSpec TestExperiments::tinySpec() const
{
    SweepSpec s;
    s.base.dataset = m_data;
    s.base.batchSize = 32;
    s.base.device = QStringLiteral("cpu");
    s.depths = {3};
    s.latents = {8, 16};
    s.dropouts = {0.0};
    s.epochs = 1;
    s.threads = 2;
    return s;
}

void TestExperiments::specExpandsTheGrid()
{
    const SweepSpec s = SweepSpec::seedStudy({});
    const auto runs = s.runs();
    QCOMPARE(runs.size(), 2 * 4 * 2);
    QCOMPARE(runs.first().name, QStringLiteral("d3-l15-p0-wd0"));
    QCOMPARE(runs.first().config.epochs, 20);
    const auto regularised
        = std::find_if(runs.begin(), runs.end(), [](const auto &r) { return r.config.model.dropout > 0; });
    QCOMPARE(regularised->config.epochs, 15);
    QCOMPARE(runs.last().config.model.hidden, ModelSpec::hiddenForDepth(5));
    // A value listed twice is one run (one folder, one results row), not two.
    SweepSpec twice = s;
    twice.latents = {15, 30, 15};
    twice.dropouts = {0.0, 0.0};
    QCOMPARE(twice.runs().size(), 2 * 2);
}

void TestExperiments::tinySweepWritesResultsAndTable()
{
    const QString out = m_dir.filePath(QStringLiteral("sweep"));
    Sweep sweep(tinySpec(), out);
    CountingObserver obs;
    RunControl control;
    const QVector<SweepResult> results = sweep.run(obs, control);
    QCOMPARE(results.size(), 2);
    QCOMPARE(obs.started, 2);
    for (const SweepResult &r : results) {
        QCOMPARE(r.bestEpoch, 1);
        QVERIFY(r.bestValLoss > 0 && r.testMse > 0);
        QVERIFY(QFile::exists(QDir(out).filePath(r.name + QStringLiteral("/best.aes"))));
        QVERIFY(QFile::exists(QDir(out).filePath(r.name + QStringLiteral("/result.json"))));
    }
    const QList<QByteArray> csv = Sweep::resultsCsv(results).trimmed().split('\n');
    QCOMPARE(csv.size(), 3);
    QCOMPARE(csv[0].split(',').size(), 15);
    QCOMPARE(csv[1].split(',').size(), 15);

    const QString table = Sweep::tableMarkdown(results);
    const QStringList lines = table.trimmed().split(QLatin1Char('\n'));
    QCOMPARE(lines.size(), 3); // header, separator, one model type
    QCOMPARE(lines[0], QStringLiteral("| Auto-encoder type | 8 | 16 | Best latent dimension |"));
    const int best = results[0].bestValLoss < results[1].bestValLoss ? 8 : 16;
    QVERIFY2(lines[2].endsWith(QStringLiteral(" %1 |").arg(best)), qPrintable(lines[2]));
    QCOMPARE(lines[2].count(QStringLiteral("**")), 2); // exactly one bold cell
    QVERIFY(lines[2].startsWith(QStringLiteral("| Non-Regularized 3 layers |")));

    // With a reference, its values appear beside ours.
    const QString withSeed = Sweep::tableMarkdown(results, {{QStringLiteral("Non-Regularized 3 layers"), {{8, 0.5}}}});
    QVERIFY(withSeed.contains(QStringLiteral("(seed 0.5000)")));
}

void TestExperiments::autoLayoutIsMeasuredAndReported()
{
    if (SystemInfo::threadsFor(2) < 2)
        QSKIP("one hardware thread: there is only one layout to choose");
    struct LayoutObserver : CountingObserver {
        QVector<JobLayout> layouts;
        int startedBeforeLayout = 0;
        void layoutChosen(const JobLayout &l) override
        {
            layouts << l;
            startedBeforeLayout = started;
        }
    };
    for (const int jobs : {0, 1}) {
        SweepSpec spec = tinySpec();
        spec.jobs = jobs;
        Sweep sweep(spec, m_dir.filePath(QStringLiteral("layout-%1").arg(jobs)));
        LayoutObserver obs;
        RunControl control;
        const QVector<SweepResult> results = sweep.run(obs, control);
        QCOMPARE(results.size(), 2);
        QCOMPARE(obs.finished, 2);
        QCOMPARE(obs.layouts.size(), 1); // told once, before any run started
        QCOMPARE(obs.startedBeforeLayout, 0);
        const JobLayout &l = obs.layouts.first();
        QCOMPARE(l.jobs * l.threadsPerJob, 2);
        if (jobs == 0) { // auto: both layouts timed on the first run, the choice follows the numbers
            QVERIFY(l.measured);
            QVERIFY(l.oneJobSamplesPerSecond > 0 && l.manyJobsSamplesPerSecond > 0);
            QCOMPARE(l.jobs, l.manyJobsSamplesPerSecond > 1.03 * l.oneJobSamplesPerSecond ? 2 : 1);
            QVERIFY2(l.describe().contains(QStringLiteral("measured")), qPrintable(l.describe()));
        } else { // asked for: nothing measured
            QVERIFY(!l.measured);
            QCOMPARE(l.jobs, 1);
            QCOMPARE(l.describe(), QStringLiteral("1 run at a time, 2 threads"));
        }
    }
}

void TestExperiments::resumeSkipsFinishedRuns()
{
    const QString out = m_dir.filePath(QStringLiteral("resume"));
    SweepSpec spec = tinySpec();
    {
        // Stop the first sweep during its first run: nothing is finished.
        Sweep sweep(spec, out);
        struct StopAtOnce : CountingObserver {
            RunControl *control = nullptr;
            void runStarted(int i, const SweepSpec::Run &r) override
            {
                CountingObserver::runStarted(i, r);
                control->requestStop();
            }
        } obs;
        RunControl control;
        obs.control = &control;
        sweep.run(obs, control);
        QCOMPARE(obs.finished, 0);
    }
    {
        Sweep sweep(spec, out);
        CountingObserver obs;
        RunControl control;
        sweep.run(obs, control);
        QCOMPARE(obs.started, 2);
        QCOMPARE(obs.skipped, 0);
    }
    spec.latents = {8, 16, 24}; // one new cell: another grid, refused unless extending
    CountingObserver obs;
    RunControl control;
    {
        Sweep refused(spec, out);
        QVERIFY_THROWS_EXCEPTION(ConfigError, refused.run(obs, control));
        QCOMPARE(obs.started, 0);
    }
    spec.extend = true;
    Sweep again(spec, out);
    const auto results = again.run(obs, control);
    QCOMPARE(obs.started, 1);
    QCOMPARE(obs.skipped, 2);
    QCOMPARE(results.size(), 3);
    QVERIFY(results[2].bestEpoch == 1 && !results[2].skipped);
    {
        // Extending with a grid that leaves cells out keeps their rows.
        SweepSpec only = spec;
        only.latents = {24};
        Sweep narrow(only, out);
        CountingObserver o;
        const auto kept = narrow.run(o, control);
        QCOMPARE(kept.size(), 3);
        QCOMPARE(o.started, 0);
        // The folder's plan still lists every cell, this grid's first: sweep-status, sweep-collect, sweep-cell and
        // the studio read the folder through it.
        const SweepPlan plan = SweepPlan::read(SweepPlan::fileIn(out));
        QCOMPARE(plan.cells.size(), 3);
        QCOMPARE(plan.cells[0].name, only.runs().first().name);
        for (const SweepCellStatus &c : SweepCells::status(out, plan))
            QVERIFY2(c.state == SweepCellStatus::State::Done, qPrintable(c.name + QLatin1Char(' ') + c.detail));
        QCOMPARE(SweepCells::collect(out).finished.size(), 3);
        QVERIFY(SweepCells::collect(out).missing.isEmpty());
    }

    // The same folder with another recipe is refused rather than silently mixed.
    spec.base.noise.level = 0.3;
    Sweep other(spec, out);
    QVERIFY_THROWS_EXCEPTION(ConfigError, other.run(obs, control));
}

void TestExperiments::unfinishedRunWithAnotherRecipeIsRefused()
{
    // A sweep stopped after the first epoch of its first run leaves a checkpoint and no result; continuing it with
    // other settings must not train on top of that checkpoint.
    const QString out = m_dir.filePath(QStringLiteral("unfinished"));
    SweepSpec spec = tinySpec();
    spec.epochs = 2;
    struct StopAfterEpoch : CountingObserver {
        RunControl *control = nullptr;
        int stopped = -1; // the run that was stopped (runs go longest first, not in grid order)
        void runEpoch(int i, const EpochMetrics &) override
        {
            stopped = i;
            control->requestStop();
        }
    } obs;
    RunControl control;
    obs.control = &control;
    Sweep(spec, out).run(obs, control);
    QVERIFY(obs.stopped >= 0);
    const QString stoppedRun = spec.runs()[obs.stopped].name;
    QVERIFY(QFile::exists(QDir(out).filePath(stoppedRun + QStringLiteral("/checkpoint.aes"))));
    spec.base.noise.level = 0.3;
    CountingObserver again;
    RunControl go;
    try {
        Sweep(spec, out).run(again, go);
        QFAIL("an unfinished run was continued with other settings");
    } catch (const StudioError &e) {
        QVERIFY2(e.message().contains(QStringLiteral("other settings")), e.what());
    }
    // A checkpoint that does not load is reported, not silently replaced by a fresh run.
    spec.base.noise.level = 0.0;
    writeBytes(QDir(out).filePath(stoppedRun + QStringLiteral("/checkpoint.aes")), "broken");
    RunControl fresh; // the failed sweep above stopped `go`
    try {
        Sweep(spec, out).run(again, fresh);
        QFAIL("a broken checkpoint was silently replaced");
    } catch (const StudioError &e) {
        QVERIFY2(e.message().contains(QStringLiteral("checkpoint.aes")), e.what());
    }
}

void TestExperiments::robustnessFallsWithNoise()
{
    TrainingConfig c;
    c.dataset = m_data;
    c.epochs = 14;
    c.batchSize = 16;
    c.noise = {NoiseType::Gaussian, 0.0}; // a plain autoencoder: it has never seen noise, so noise must hurt it
    c.threads = 2;
    c.device = QStringLiteral("cpu");
    auto data = std::make_shared<const DatasetSplit>(DatasetCatalog::load(m_data, SplitOptions{}));
    Trainer trainer(c, data);
    struct : TrainingObserver {
    } quiet;
    RunControl control;
    QVERIFY(!trainer.run(quiet, control).failed);
    const RobustnessCurve curve = RobustnessCurve::measure(*trainer.snapshot(), data->test, NoiseType::Gaussian, 11);
    QCOMPARE(curve.points.size(), 11);
    for (int i = 1; i < curve.points.size(); ++i) {
        QVERIFY(curve.points[i].level > curve.points[i - 1].level); // monotone sigma
        QVERIFY2(curve.points[i].noisyPsnrDb < curve.points[i - 1].noisyPsnrDb || i == 1, "noisy input PSNR must fall");
    }
    QCOMPARE(curve.points.last().level, 1.0);
    QVERIFY2(curve.points.last().psnrDb < curve.points.first().psnrDb - 1.0,
             qPrintable(QStringLiteral("%1 -> %2").arg(curve.points.first().psnrDb).arg(curve.points.last().psnrDb)));
    const QList<QByteArray> csv = curve.toCsv().trimmed().split('\n');
    QCOMPARE(csv.size(), 12);
    QCOMPARE(csv[0], QByteArray("level,psnr_mean_db,psnr_global_db,noisy_psnr_mean_db"));
    const QImage plot = RobustnessCurve::plot({curve}, QStringLiteral("sigma"), 0.5);
    QCOMPARE(plot.size(), QSize(900, 560));
    QVERIFY_THROWS_EXCEPTION(ConfigError,
                             RobustnessCurve::measure(*trainer.snapshot(), data->test, NoiseType::Gaussian, 1));
}

// QTEST_MAIN, not GUILESS: the robustness plot draws text, and fonts need a QGuiApplication (offscreen in CTest).
QTEST_MAIN(TestExperiments)
#include "tst_experiments.moc"
