// The output folder of one training run: config.json, metrics.csv, checkpoint.aes, best.aes and grid.png.
// Shared by `aestudio-cli train`, sweeps and the studio's "Export all", so every run folder looks the same.
#pragma once

#include "InferenceModel.h"
#include "Trainer.h"

#include <QImage>
#include <QString>

namespace aestudio {

class RunDirectory {
public:
    static constexpr int kGridColumns = 16;
    static constexpr int kGridScale = 4;

    explicit RunDirectory(const QString &path); // creates the folder; throws StudioError
    QString path() const { return m_path; }
    QString file(const QString &name) const;

    void writeRecipe(const Trainer &trainer) const;            // config.json
    void writeProgress(const Trainer &trainer) const;          // metrics.csv, checkpoint.aes, best.aes
    void writeGrid(const Trainer &trainer) const;              // grid.png on validation probes

    // Original / noisy / reconstructed rows of the first `columns` images of `images`, noised with `noise`.
    static Reconstruction probe(const InferenceModel &model, const ImageSet &images, const NoiseSpec &noise,
                                int columns = kGridColumns);
    static QImage gridImage(const Reconstruction &r, int scale = kGridScale);

    // Fixed seed of the probe noise, so grids of successive epochs differ only by the model.
    static constexpr std::uint64_t kProbeNoiseSeed = 20240311;

private:
    QString m_path;
};

} // namespace aestudio
