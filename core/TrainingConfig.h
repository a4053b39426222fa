// The full recipe of a training run: plain data, validated in one place, serialised to JSON for config.json,
// checkpoints and QSettings. Nothing here touches torch, so the GUI can edit it freely.
#pragma once

#include <cstdint>

#include <QJsonObject>
#include <QString>
#include <QVector>

namespace aestudio {

enum class NoiseType { Gaussian, SaltPepper, Masking };

QString noiseTypeName(NoiseType type);            // "gaussian", "salt-pepper", "masking"
NoiseType noiseTypeFromName(const QString &name); // throws ConfigError on unknown names

struct NoiseSpec {
    NoiseType type = NoiseType::Gaussian;
    double level = 0.0; // sigma for Gaussian, corruption rate for the others
    bool isClean() const { return level <= 0.0; }
    void validate() const;    // throws ConfigError: sigma in [0, 10], rates in [0, 1], never NaN
    QString describe() const; // "gaussian 0.30", as captions and exports name it
    QString label() const;    // describe(), or "no noise" for a clean input
};

struct ModelSpec {
    QVector<int> hidden{256, 128};
    int latent = 15;
    double dropout = 0.0;
    static QVector<int> hiddenForDepth(int depth);       // 3 -> {256,128}, 5 -> {512,256,128,64}; throws otherwise
    int depth() const { return int(hidden.size()) + 1; } // the seed's naming: layers per side, latent included
    QString describe() const;                            // "784-256-128-15"
    // Weights and biases of encoder and decoder, computed from the shape alone (nothing is built).
    std::int64_t parameterCount() const;
    // FLOPs of one training sample's forward and backward passes (2 per multiply-add, backward twice forward): the
    // model's work, for throughput as a share of the machine's GEMM peak.
    double trainingFlopsPerSample() const;
    // A bound that every sane dense autoencoder here stays far below (the 5-layer model with latent 4096 has 6M),
    // so a crafted header cannot make a loader allocate gigabytes.
    static constexpr std::int64_t kMaxParameters = 50'000'000;
    // Same layer sizes (dropout is a training setting and may differ): the weights of one fit the other.
    bool sameArchitecture(const ModelSpec &o) const { return hidden == o.hidden && latent == o.latent; }
};

struct TrainingConfig {
    QString dataset = QStringLiteral("fashion-mnist");
    ModelSpec model;
    NoiseSpec noise;
    double weightDecay = 0.0;
    int epochs = 10;
    int batchSize = 64;
    double learningRate = 1e-3;
    // "constant", or "cosine": the rate decays per step along half a cosine to 1% of learningRate at the last epoch.
    QString lrSchedule = QStringLiteral("constant");
    double learningRateAt(std::int64_t step, std::int64_t totalSteps) const;
    std::uint64_t seed = 0;
    int limit = 0;
    int threads = 0; // 0 = one per hardware thread
    double validationFraction = 1.0 / 6.0;
    int patience = 0;                        // early-stopping patience in epochs; 0 = off
    QString device = QStringLiteral("auto"); // "auto", "cpu", "cuda", "cuda:N"

    void validate() const; // throws ConfigError naming the bad value
    QJsonObject toJson() const;
    static TrainingConfig fromJson(const QJsonObject &json); // validates
};

} // namespace aestudio
