// Finds the known datasets on disk and loads one into a seeded train/validation split plus the official test set.
// Pixels stay uint8 in memory (47 MB for Fashion-MNIST); the trainer converts them to float one batch at a time.
#pragma once

#include <cstdint>
#include <algorithm>
#include <vector>

#include "ImageFormat.h"

#include <QString>
#include <QStringList>

namespace aestudio {

struct ImageSet {
    std::vector<std::uint8_t> pixels; // count * 784
    std::vector<std::uint8_t> labels; // count
    int count() const { return int(labels.size()); }
    const std::uint8_t *image(int i) const { return pixels.data() + std::size_t(i) * kPixelsPerImage; }
    // The first n images (or all, when there are fewer), with their labels.
    ImageSet first(int n) const
    {
        ImageSet out;
        n = std::clamp(n, 0, count());
        out.pixels.assign(pixels.begin(), pixels.begin() + std::ptrdiff_t(n) * kPixelsPerImage);
        out.labels.assign(labels.begin(), labels.begin() + n);
        return out;
    }
};

struct DatasetFiles {
    QString trainImages, trainLabels, testImages, testLabels;
    QStringList all() const { return {trainImages, trainLabels, testImages, testLabels}; }
};

struct DatasetLocation {
    QString name;      // "fashion-mnist", "mnist", or the folder path the user gave
    QString directory; // where the four files were found; empty when not found
    QStringList searched;
    bool isPath = false; // nameOrPath was taken as a folder, not a dataset name
    bool found() const { return !directory.isEmpty(); }
};

struct TrainingConfig;

struct SplitOptions {
    double validationFraction = 1.0 / 6.0;
    std::uint64_t seed = 0;
    int limit = 0; // cap on official training images before splitting; 0 = all

    // The one place a run's split settings are read from its config.
    static SplitOptions of(const TrainingConfig &config);
    bool operator==(const SplitOptions &o) const
    {
        return validationFraction == o.validationFraction && seed == o.seed && limit == o.limit;
    }
};

struct DatasetSplit {
    QString name;
    QString source;       // what load() was given: a known name or a folder
    SplitOptions options; // how it was split
    DatasetFiles files;
    ImageSet train, validation, test;

    // Why this split is not the one `config` asks for (another dataset, fraction, seed or limit), or empty.
    QString mismatch(const TrainingConfig &config) const;
};

namespace DatasetCatalog {

QStringList knownNames(); // the ones the studio can download: {"fashion-mnist", "mnist", "kmnist"}
// Every name --dataset accepts without a path: the known ones, then those downloaded or imported into the store.
QStringList availableNames();
// Search order: $AESTUDIO_DATA_DIR/<name>, the XDG data dir, then (Fashion-MNIST only) Debian's package.
QStringList searchDirectories(const QString &name);
// `nameOrPath` is a known name, the name of an imported dataset, or a folder holding the four IDX files (raw or .gz).
DatasetLocation locate(const QString &nameOrPath);
bool hasIdxFiles(const QString &directory);
// The class names, by label: the built-in ones of a known dataset, else the classes.txt (one name per line) beside
// the files or in the dataset's store folder. Empty when there are none.
QStringList classNames(const QString &nameOrPath);
// Throws DatasetError naming the folder and the missing file.
DatasetFiles filesIn(const QString &directory);
DatasetSplit load(const QString &nameOrPath, const SplitOptions &options);
DatasetSplit load(const TrainingConfig &config); // config.dataset split as SplitOptions::of(config) says
// Hex SHA-256 of a file's bytes as stored (compressed or not), for run recipes.
QString sha256(const QString &path);

} // namespace DatasetCatalog

// Deterministic permutation of [0, n) from a seed; shared by the split and the epoch shuffles.
std::vector<int> seededPermutation(int n, std::uint64_t seed);

} // namespace aestudio
