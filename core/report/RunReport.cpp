#include "RunReport.h"

#include "AtomicFile.h"
#include "Checkpoint.h"
#include "DatasetCatalog.h"
#include "Errors.h"
#include "ImageFormat.h"
#include "InferenceModel.h"
#include "RunRecord.h"

#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QLocale>
#include <QPainter>

#include <algorithm>
#include <numeric>

namespace aestudio {
namespace {

// The images the robustness curve measures and the most the error views look at, as in the studio.
constexpr int kRobustnessImages = 500;
constexpr int kErrorImages = 10000;
constexpr int kProbes = 16;

QString number(qint64 n)
{
    return QLocale(QLocale::English).toString(n);
}

QString noiseText(const NoiseSpec &noise)
{
    return noise.isClean() ? QStringLiteral("none (clean inputs)") : noise.describe();
}

QString epochLine(const EpochMetrics &m)
{
    return QStringLiteral("epoch %1: val loss %2, PSNR %3 dB (global), %4 dB (mean of images)")
        .arg(m.epoch)
        .arg(m.valLoss, 0, 'f', 5)
        .arg(m.valPsnrGlobalDb, 0, 'f', 2)
        .arg(m.valPsnrDb, 0, 'f', 2);
}

// The optimiser and the data split, as a run's and a sweep's settings both state them.
QString optimiserText(const TrainingConfig &c)
{
    return QStringLiteral("Adam, lr %1 (%2), batch %3, MSE loss")
        .arg(QString::number(c.learningRate), c.lrSchedule, QString::number(c.batchSize));
}

QString splitText(const TrainingConfig &c)
{
    return QStringLiteral("validation fraction %1, seed %2, %3")
        .arg(c.validationFraction, 0, 'f', 4)
        .arg(c.seed)
        .arg(c.limit > 0 ? QStringLiteral("first %1 training images").arg(number(c.limit))
                         : QStringLiteral("all training images"));
}

// The settings every config.json holds, in reading order.
void addSettings(RunReport &report, const TrainingConfig &c, const QJsonObject &recipe)
{
    const QJsonObject dataset = recipe.value(QStringLiteral("dataset")).toObject();
    const QString name = dataset.value(QStringLiteral("name")).toString(c.dataset);
    report.facts.append({QStringLiteral("Dataset"),
                         QStringLiteral("%1: %2 train / %3 validation / %4 test images")
                             .arg(name, number(dataset.value(QStringLiteral("train_images")).toInteger()),
                                  number(dataset.value(QStringLiteral("validation_images")).toInteger()),
                                  number(dataset.value(QStringLiteral("test_images")).toInteger()))});
    for (const QJsonValue &f : dataset.value(QStringLiteral("files")).toArray()) {
        const QJsonObject file = f.toObject();
        report.datasetFiles << QStringLiteral("%1  sha256 %2")
                                   .arg(QFileInfo(file.value(QStringLiteral("path")).toString()).fileName(),
                                        file.value(QStringLiteral("sha256")).toString());
    }
    report.facts.append({QStringLiteral("Architecture"),
                         QStringLiteral("%1 (%2 layers per side), ReLU, Sigmoid output, %3 parameters")
                             .arg(c.model.describe())
                             .arg(c.model.depth())
                             .arg(number(c.model.parameterCount()))});
    report.facts.append({QStringLiteral("Dropout p"), QString::number(c.model.dropout)});
    report.facts.append({QStringLiteral("L2 weight decay"), QString::number(c.weightDecay)});
    report.facts.append({QStringLiteral("Training noise"), noiseText(c.noise)});
    report.facts.append({QStringLiteral("Optimiser"), optimiserText(c)});
    report.facts.append(
        {QStringLiteral("Epochs"),
         c.patience > 0 ? QStringLiteral("%1, early stop after %2 without improvement").arg(c.epochs).arg(c.patience)
                        : QString::number(c.epochs)});
    report.facts.append({QStringLiteral("Split"), splitText(c)});
    const QJsonObject sys = recipe.value(QStringLiteral("system")).toObject();
    // The run's own thread count; the recipe's system.threads is the machine's (what "auto" uses).
    const int machine = sys.value(QStringLiteral("threads")).toInt();
    const int used = c.threads > 0 ? c.threads : machine;
    report.facts.append(
        {QStringLiteral("Device"),
         QStringLiteral("%1 (asked: %2), %3 thread%4 (%5; the machine has %6)")
             .arg(sys.value(QStringLiteral("device")).toString(), c.device, QString::number(used),
                  used == 1 ? QString() : QStringLiteral("s"),
                  c.threads > 0 ? QStringLiteral("asked") : QStringLiteral("auto"), QString::number(machine))});
    QStringList libs;
    const QPair<const char *, const char *> names[]
        = {{"aestudio", "Autoencoder Studio"}, {"torch", "LibTorch"}, {"qt", "Qt"}, {"step_gemm", "training GEMM"}};
    for (const auto &[key, name] : names)
        if (sys.contains(QLatin1String(key)))
            libs << QStringLiteral("%1 %2").arg(QLatin1String(name), sys.value(QLatin1String(key)).toString());
    if (sys.contains(QStringLiteral("blas")))
        libs << QStringLiteral("BLAS %1").arg(QFileInfo(sys.value(QStringLiteral("blas")).toString()).fileName());
    report.facts.append({QStringLiteral("Libraries"), libs.join(QStringLiteral(", "))});
}

// Without noise the noisy row is the original again: the rows shown are original, reconstruction, error.
QImage withoutNoisyRow(const QImage &rows4)
{
    QImage out(rows4.width(), 3 * kImageSide, rows4.format());
    QPainter p(&out);
    p.drawImage(0, 0, rows4.copy(0, 0, rows4.width(), kImageSide));
    p.drawImage(0, kImageSide, rows4.copy(0, 2 * kImageSide, rows4.width(), 2 * kImageSide));
    return out;
}

// The probes as rows (original, noisy unless clean, reconstruction, error); 28 px tiles.
QImage probeRows(const Reconstruction &r, bool clean)
{
    QVector<ErrorViews::Ranked> all;
    for (int i = 0; i < r.count; ++i)
        all.append({i, 0.0});
    const QImage rows = ErrorViews::worstStrip(r, all, 1);
    return clean ? withoutNoisyRow(rows) : rows;
}

void gatherRun(RunReport &report, const QString &folder, int worstK)
{
    const RunRecord rec = RunRecord::read(folder);
    if (!rec.readable())
        throw FormatError(QStringLiteral("%1: %2").arg(folder, rec.problem));
    if (rec.history.isEmpty() || !rec.bestEpoch())
        throw StudioError(
            QStringLiteral("%1: no finished epoch with a finite validation loss, so nothing to report").arg(folder));
    const TrainingConfig &c = rec.config;
    report.history = rec.history;
    const EpochMetrics &best = *rec.bestEpoch();
    const EpochMetrics &last = rec.history.back();
    report.bestEpoch = best.epoch;
    report.title = QStringLiteral("Autoencoder report: %1").arg(rec.name);
    // One multi-argument arg(): a '%4' inside a stranger's dataset name is text, not a placeholder.
    report.subtitle
        = QStringLiteral("%1 on %2 · %3 after %4 of %5 epochs · started %6%7")
              .arg(c.model.describe(), rec.datasetName, RunRecord::statusName(rec.status), QString::number(last.epoch),
                   QString::number(c.epochs), rec.started.toString(QStringLiteral("yyyy-MM-dd HH:mm")),
                   rec.host.isEmpty() ? QString() : QStringLiteral(" on %1").arg(rec.host));
    addSettings(report, c, rec.recipe);
    report.facts.append({QStringLiteral("Best epoch"), epochLine(best)});
    report.facts.append({QStringLiteral("Final epoch"), epochLine(last)});
    double seconds = 0;
    for (const EpochMetrics &m : rec.history)
        seconds += m.seconds;
    report.facts.append(
        {QStringLiteral("Training time"),
         QStringLiteral("%1 s (%2 s per epoch)").arg(seconds, 0, 'f', 1).arg(seconds / rec.history.size(), 0, 'f', 2)});
    report.trainingNoiseLevel = c.noise.level;

    // The models: the last checkpoint (with the stored probe grids of every epoch) and the best weights.
    const QString lastPath = QDir(folder).filePath(QStringLiteral("checkpoint.aes"));
    const QString bestPath = QDir(folder).filePath(QStringLiteral("best.aes"));
    CheckpointInfo lastInfo, bestInfo;
    std::shared_ptr<const InferenceModel> lastModel, bestModel;
    auto load = [&report](const QString &path, CheckpointInfo *info) -> std::shared_ptr<const InferenceModel> {
        if (!QFileInfo(path).isFile())
            return nullptr;
        try {
            return InferenceModel::fromCheckpoint(path, info);
        } catch (const StudioError &e) {
            report.notes << QStringLiteral("%1 was not used: %2").arg(QFileInfo(path).fileName(), e.message());
            return nullptr;
        }
    };
    lastModel = load(lastPath, &lastInfo);
    bestModel = load(bestPath, &bestInfo);
    if (!bestModel && lastModel) {
        bestModel = lastModel;
        bestInfo = lastInfo;
    }
    // The epoch of the weights the robustness curve and the error views use, as that checkpoint says.
    const int modelEpoch = bestInfo.epoch;
    if (!lastModel && !bestModel)
        report.notes << QStringLiteral("No usable checkpoint in the folder: grids and error views are left out.");

    std::optional<DatasetSplit> data;
    if (bestModel) {
        try {
            data = DatasetCatalog::load(c.dataset, SplitOptions::of(c));
        } catch (const StudioError &e) {
            report.notes << QStringLiteral("The dataset is not on this machine (%1): the robustness curve and error "
                                           "views are left out.")
                                .arg(e.message());
        }
    }

    // Probe grids: the stored snapshot of that epoch, else the model re-run on the same probes.
    auto gridOf = [&](const EpochMetrics &m, const std::shared_ptr<const InferenceModel> &model) {
        for (const ProbeSnapshot &s : lastInfo.snapshots)
            if (s.epoch == m.epoch && s.isValid())
                return probeRows(s.toReconstruction(), c.noise.isClean());
        if (model && data)
            return probeRows(model->reconstructProbes(data->validation, kProbes, c.noise), c.noise.isClean());
        return QImage();
    };
    QVector<QPair<const EpochMetrics *, std::shared_ptr<const InferenceModel>>> shown{{&best, bestModel}};
    if (last.epoch != best.epoch)
        shown.append({&last, lastInfo.epoch == last.epoch ? lastModel : nullptr});
    for (const auto &[m, model] : shown) {
        const QImage image = gridOf(*m, model);
        if (image.isNull()) {
            report.notes << QStringLiteral("No stored probe grid for epoch %1.").arg(m->epoch);
            continue;
        }
        report.grids.append({QStringLiteral("%1 epoch %2: %3 dB (global) on the validation set")
                                 .arg(m == &best ? QStringLiteral("Best") : QStringLiteral("Final"))
                                 .arg(m->epoch)
                                 .arg(m->valPsnrGlobalDb, 0, 'f', 2),
                             image});
    }
    if (!bestModel || !data)
        return;

    const NoiseType type = c.noise.isClean() ? NoiseType::Gaussian : c.noise.type;
    report.robustnessXLabel
        = QStringLiteral("%1 %2 at evaluation")
              .arg(noiseTypeName(type), type == NoiseType::Gaussian ? QStringLiteral("σ") : QStringLiteral("rate"));
    report.robustness = RobustnessCurve::measure(*bestModel, data->validation.first(kRobustnessImages), type);
    report.robustness.label = QStringLiteral("epoch %1").arg(modelEpoch);

    const int n = std::min(kErrorImages, data->validation.count());
    const Reconstruction r
        = bestModel->reconstruct(data->validation.pixels.data(), n, c.noise, InferenceModel::kProbeNoiseSeed);
    const std::vector<std::uint8_t> labels(data->validation.labels.begin(), data->validation.labels.begin() + n);
    const QStringList names = DatasetCatalog::classNames(c.dataset);
    const QVector<ErrorViews::Ranked> worst = ErrorViews::worstK(r.psnrDb, worstK);
    report.worstStrip = ErrorViews::worstStrip(r, worst, 1);
    if (c.noise.isClean())
        report.worstStrip = withoutNoisyRow(report.worstStrip);
    for (const ErrorViews::Ranked &w : worst) {
        const int label = labels[std::size_t(w.index)];
        report.worstLabels
            << QStringLiteral("%1\n%2 dB").arg(ErrorViews::className(label, names), QString::number(w.psnrDb, 'f', 1));
    }
    report.classes = ErrorViews::perClass(r.psnrDb, labels, names);
    report.errorCaption
        = QStringLiteral("The model of epoch %1 (%2) on %3 validation images %4; PSNR (mean of images)")
              .arg(QString::number(modelEpoch),
                   modelEpoch == best.epoch ? QStringLiteral("the best") : QStringLiteral("no best.aes"), number(n),
                   c.noise.isClean() ? QStringLiteral("on clean inputs")
                                     : QStringLiteral("at %1 noise").arg(c.noise.describe()));
}

void gatherSweep(RunReport &report, const QString &folder)
{
    report.isSweep = true;
    report.cells = Sweep::readFinished(folder);
    if (report.cells.isEmpty())
        throw StudioError(QStringLiteral("%1: no finished cell yet, so nothing to report").arg(folder));
    const SweepSpec grid = SweepSpec::ofResults(report.cells);
    const TrainingConfig &c = grid.base;
    report.title = QStringLiteral("Sweep report: %1").arg(QDir(folder).dirName());
    report.subtitle = QStringLiteral("%1 finished cells on %2").arg(report.cells.size()).arg(c.dataset);
    QStringList depths, latents;
    for (int d : grid.depths)
        depths << QString::number(d);
    for (int l : grid.latents)
        latents << QString::number(l);
    report.facts.append({QStringLiteral("Dataset"), c.dataset});
    report.facts.append({QStringLiteral("Grid"),
                         QStringLiteral("depths %1 × latents %2 × dropout %3 × L2 %4")
                             .arg(depths.join(QStringLiteral(", ")), latents.join(QStringLiteral(", ")),
                                  SweepSpec::formatList(grid.dropouts), SweepSpec::formatList(grid.weightDecays))});
    report.facts.append({QStringLiteral("Training noise"), noiseText(c.noise)});
    report.facts.append({QStringLiteral("Optimiser"), optimiserText(c)});
    QStringList epochs;
    for (const SweepResult &r : report.cells)
        if (!epochs.contains(QString::number(r.config.epochs)))
            epochs << QString::number(r.config.epochs);
    report.facts.append({QStringLiteral("Epochs"), epochs.join(QStringLiteral(", "))});
    report.facts.append({QStringLiteral("Split"), splitText(c)});
    // The seed report measured MNIST and Fashion-MNIST: only those two datasets get its numbers beside ours.
    if (c.dataset != QLatin1String("mnist") && c.dataset != QLatin1String("fashion-mnist"))
        return;
    report.seedReference = c.dataset;
    const SeedReference::Table seed = SeedReference::table(report.seedReference);
    const bool seedGrid = std::all_of(report.cells.begin(), report.cells.end(), [&seed](const SweepResult &r) {
        return seed.value(r.rowLabel()).contains(r.config.model.latent);
    });
    if (seedGrid)
        report.seed = seed;
}

} // namespace

RunReport RunReport::fromFolder(const QString &folder, int worstK)
{
    if (worstK < 1 || worstK > 64)
        throw ConfigError(QStringLiteral("the worst-K strip shows 1 to 64 images, not %1").arg(worstK));
    if (!QFileInfo(folder).isDir())
        throw ConfigError(QStringLiteral("%1: no such folder").arg(folder));
    RunReport report;
    report.folder = QDir(folder).absolutePath();
    report.created = QDateTime::currentDateTime();
    if (QFileInfo(QDir(folder).filePath(QStringLiteral("sweep.json"))).isFile())
        gatherSweep(report, folder);
    else if (RunRecord::looksLikeRun(folder))
        gatherRun(report, folder, worstK);
    else
        throw ConfigError(QStringLiteral("%1 holds neither a run (config.json) nor a sweep (sweep.json)").arg(folder));
    return report;
}

namespace {

// A chart against the epochs with the best epoch marked, as both training charts are.
LinePlot epochPlot(const QString &title, const QString &yLabel, int bestEpoch, const QString &markerLabel = {})
{
    LinePlot plot;
    plot.title = title;
    plot.xLabel = QStringLiteral("epoch");
    plot.yLabel = yLabel;
    plot.integerX = true;
    plot.markerX = bestEpoch;
    plot.markerLabel = markerLabel;
    return plot;
}

} // namespace

LinePlot RunReport::lossPlot() const
{
    LinePlot plot = epochPlot(QStringLiteral("Loss (MSE against the clean image)"), QStringLiteral("MSE"), bestEpoch,
                              QStringLiteral("best epoch %1").arg(bestEpoch));
    PlotSeries train{QStringLiteral("train"), {}, LinePlot::colour(0)};
    PlotSeries val{QStringLiteral("validation"), {}, LinePlot::colour(1)};
    for (const EpochMetrics &m : history) {
        train.points.append({double(m.epoch), m.trainLoss});
        val.points.append({double(m.epoch), m.valLoss});
    }
    plot.series = {train, val};
    return plot;
}

LinePlot RunReport::psnrPlot() const
{
    LinePlot plot = epochPlot(QStringLiteral("Validation PSNR"), QStringLiteral("PSNR (dB)"), bestEpoch);
    PlotSeries global{QStringLiteral("PSNR (global)"), {}, LinePlot::colour(0)};
    PlotSeries mean{QStringLiteral("PSNR (mean of images)"), {}, LinePlot::colour(2)};
    PlotSeries noisy{QStringLiteral("noisy input"), {}, QColor(136, 138, 133), Qt::DashLine, 1.0};
    for (const EpochMetrics &m : history) {
        global.points.append({double(m.epoch), m.valPsnrGlobalDb});
        mean.points.append({double(m.epoch), m.valPsnrDb});
        if (trainingNoiseLevel > 0)
            noisy.points.append({double(m.epoch), m.noisyPsnrDb});
    }
    plot.series = {global, mean};
    if (!noisy.points.isEmpty())
        plot.series.append(noisy);
    return plot;
}

QStringList RunReport::rowLabels() const
{
    if (trainingNoiseLevel > 0)
        return {QStringLiteral("original"), QStringLiteral("noisy input"), QStringLiteral("reconstruction"),
                QStringLiteral("|error|")};
    return {QStringLiteral("original"), QStringLiteral("reconstruction"), QStringLiteral("|error|")};
}

QString RunReport::seedProtocolNote() const
{
    if (seed.isEmpty())
        return {};
    const bool likeForLike = std::all_of(cells.begin(), cells.end(), [](const SweepResult &r) {
        return r.config.epochs == (r.regularised() ? 15 : 20) && r.config.limit == 0;
    });
    if (likeForLike)
        return {};
    return QStringLiteral("Not like for like: the seed trained 20 epochs (15 with dropout) on every training image; "
                          "these cells trained fewer epochs or on fewer images (see the cell table), so they are not "
                          "expected to reach its numbers.");
}

LinePlot RunReport::robustnessPlot() const
{
    LinePlot plot;
    plot.title = QStringLiteral("Robustness: PSNR against evaluation noise");
    plot.xLabel = robustnessXLabel;
    plot.yLabel = QStringLiteral("PSNR (dB, mean of images)");
    PlotSeries model{robustness.label, {}, LinePlot::colour(0)};
    PlotSeries noisy{QStringLiteral("noisy input"), {}, QColor(136, 138, 133), Qt::DashLine, 1.0};
    for (const RobustnessPoint &p : robustness.points) {
        model.points.append({p.level, p.psnrDb});
        if (p.level > 0)
            noisy.points.append({p.level, p.noisyPsnrDb});
    }
    plot.series = {model, noisy};
    if (trainingNoiseLevel > 0) {
        plot.markerX = trainingNoiseLevel;
        plot.markerLabel = QStringLiteral("trained at %1").arg(trainingNoiseLevel);
    }
    return plot;
}

LinePlot RunReport::sweepPlot() const
{
    LinePlot plot;
    plot.title = QStringLiteral("Best validation loss by latent dim");
    plot.legendBeside = true;
    plot.markers = true;
    for (const SweepResult &r : cells)
        if (!plot.xTicks.contains(double(r.config.model.latent)))
            plot.xTicks.append(double(r.config.model.latent));
    std::sort(plot.xTicks.begin(), plot.xTicks.end());
    plot.xLabel = QStringLiteral("latent dim");
    plot.yLabel = QStringLiteral("MSE");
    plot.integerX = true;
    const SweepPivot pivot = SweepPivot::of(cells);
    for (int i = 0; i < pivot.rows.size(); ++i) {
        PlotSeries ours{pivot.rows[i], {}, LinePlot::colour(i)};
        PlotSeries theirs{seed.isEmpty() ? QString() : QStringLiteral("%1 (seed)").arg(pivot.rows[i]),
                          {},
                          LinePlot::colour(i),
                          Qt::DashLine,
                          1.0};
        for (int latent : pivot.latents) {
            if (pivot.cells[pivot.rows[i]].contains(latent))
                ours.points.append({double(latent), pivot.cells[pivot.rows[i]][latent]});
            if (seed.value(pivot.rows[i]).contains(latent))
                theirs.points.append({double(latent), seed[pivot.rows[i]][latent]});
        }
        plot.series.append(ours);
        if (!theirs.points.isEmpty())
            plot.series.append(theirs);
    }
    return plot;
}

RunReport::Table RunReport::pivotTable() const
{
    Table t;
    const SweepPivot pivot = SweepPivot::of(cells);
    t.header << QStringLiteral("Model");
    for (int latent : pivot.latents)
        t.header << QStringLiteral("latent %1").arg(latent);
    t.header << QStringLiteral("best latent");
    for (const QString &row : pivot.rows) {
        QStringList line{row};
        QVector<bool> best{false};
        const int bestLatent = pivot.bestLatent(row);
        for (int latent : pivot.latents) {
            QString text;
            if (pivot.cells[row].contains(latent))
                text = QString::number(pivot.cells[row][latent], 'f', 5);
            if (seed.value(row).contains(latent))
                text += QStringLiteral(" (%1)").arg(seed[row][latent]);
            line << text;
            best << (latent == bestLatent);
        }
        line << (bestLatent > 0 ? QString::number(bestLatent) : QString());
        best << false;
        t.rows.append(line);
        t.best.append(best);
    }
    return t;
}

RunReport::Table RunReport::cellsTable() const
{
    Table t;
    t.header = {QStringLiteral("Cell"),
                QStringLiteral("epochs"),
                QStringLiteral("best epoch"),
                QStringLiteral("best val loss"),
                QStringLiteral("val PSNR (global)"),
                QStringLiteral("test PSNR (global)"),
                QStringLiteral("seconds")};
    const auto bestCell = std::min_element(cells.begin(), cells.end(),
                                           [](const auto &a, const auto &b) { return a.bestValLoss < b.bestValLoss; });
    for (auto it = cells.begin(); it != cells.end(); ++it) {
        t.rows.append({it->name, QString::number(it->config.epochs), QString::number(it->bestEpoch),
                       QString::number(it->bestValLoss, 'f', 5), QString::number(it->valPsnrGlobalDb, 'f', 2),
                       QString::number(it->testPsnrGlobalDb, 'f', 2), QString::number(it->seconds, 'f', 1)});
        QVector<bool> best(t.header.size(), false);
        best[3] = it == bestCell;
        t.best.append(best);
    }
    return t;
}

QString RunReport::beatenLine() const
{
    if (seed.isEmpty())
        return {};
    int beaten = 0;
    for (const SweepResult &r : cells)
        beaten += r.bestValLoss < seed[r.rowLabel()][r.config.model.latent];
    return QStringLiteral("Cells with a lower validation loss than the seed report's %1 table (in brackets): %2 of %3")
        .arg(seedReference)
        .arg(beaten)
        .arg(cells.size());
}

void RunReport::write(const QString &path, QPageSize::PageSizeId page) const
{
    const QString suffix = QFileInfo(path).suffix().toLower();
    if (suffix == QLatin1String("pdf"))
        AtomicFile::write(path, pdf(page));
    else if (suffix == QLatin1String("html") || suffix == QLatin1String("htm"))
        AtomicFile::write(path, html());
    else
        throw ConfigError(QStringLiteral("%1: a report is written as .pdf or .html").arg(path));
}

} // namespace aestudio
