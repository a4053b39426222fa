// The folder of one training run: config.json, metrics.csv, checkpoint.aes, best.aes, grid.png, run.json (how the
// run stands: running, stopped, finished or failed) and label.json (the user's name and note). TrainingRun writes
// it for the CLI, sweeps and the studio alike, and RunRecord reads it back, so every run folder looks the same.
#pragma once

#include "InferenceModel.h"
#include "Trainer.h"

#include <QDateTime>
#include <QString>

namespace aestudio {

class RunDirectory {
public:
    static constexpr int kGridColumns = 16;
    static constexpr int kGridScale = 4;

    explicit RunDirectory(const QString &path); // creates the folder; throws StudioError
    QString path() const { return m_path; }
    QString file(const QString &name) const;

    // Where runs go when no folder is named: $AESTUDIO_RUNS_DIR, else $XDG_DATA_HOME/aestudio/runs (by default
    // ~/.local/share/aestudio/runs).
    static QString defaultRoot();
    // A new, empty folder <root>/<yyyy-MM-dd-HHmmss>-<dataset>-d<depth>-l<latent>[-name], made with mkdir so two
    // runs started in the same second get "-2", "-3", ... and never share one.
    static RunDirectory createNew(const TrainingConfig &config, const QString &name = {}, const QString &root = {});

    void writeRecipe(const Trainer &trainer) const;   // config.json
    void writeProgress(const Trainer &trainer) const; // checkpoint.aes, best.aes, then metrics.csv
    void writeGrid(const Trainer &trainer) const;
    // The three-row grid (clean, noisy, reconstructed) of the first kGridColumns images, as every run folder has it.
    static void writeProbeGrid(const QString &path, const InferenceModel &model, const ImageSet &images,
                               const NoiseSpec &noise); // grid.png on validation probes
    // run.json: state ("running", "stopped", "finished", "failed"), the error, this process and host (so a reader
    // can tell a crashed run from a live one), and when the run started and was last written.
    void writeStatus(const QString &state, const QDateTime &started, const QString &error = {}) const;
    void writeLabel(const QString &name, const QString &note) const; // label.json

private:
    QString m_path;
};

} // namespace aestudio
