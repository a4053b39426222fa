// Turns a folder of the user's own images into an IDX dataset in the store, so every command finds it by name like
// MNIST: one sub-folder per class (the folder names become the labels, sorted), or a flat folder (label 0). A
// folder that already holds the four IDX files is registered where it is, and nothing is copied.
#pragma once

#include <cstdint>
#include <functional>

#include <QImage>
#include <QString>
#include <QStringList>

namespace aestudio {

struct ImportOptions {
    QString imagesDir;
    QString name;
    bool invert = false;       // dark ink on a light background
    double testFraction = 0.2; // of the images, held out as the test set
    std::uint64_t seed = 0;    // for the train/test shuffle
};

struct ImportResult {
    QString directory; // where the IDX files are (the linked folder for a registration)
    bool linked = false;
    int imported = 0;
    int skipped = 0;
    int trainCount = 0;
    int testCount = 0;
    QStringList classes;
    QStringList skippedExamples; // the first few: "name: why"
    QString summary() const;     // "imported N, skipped M (a.txt: not an image, ...)"
};

namespace ImageImport {

// Grayscale, aspect kept, fitted into 28x28 and centred, contrast stretched to 0..255; transparent pixels count as
// background. Returns a null image for a null input.
QImage toDatasetImage(const QImage &image, bool invert);

// `progress(done, total)` is called as files are read; `stopRequested` is polled between files. Throws
// DatasetError/ConfigError (bad name, name taken, no images, too many classes) and WriteError; a file that is not an
// image or is corrupt is only counted and named in the result.
ImportResult run(const ImportOptions &options, const std::function<void(int, int)> &progress = {},
                 const std::function<bool()> &stopRequested = {});

} // namespace ImageImport
} // namespace aestudio
