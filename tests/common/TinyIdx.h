// Test fixtures: writes small IDX datasets (raw or gzip) with learnable synthetic digits, and hand-made bad files.
#pragma once

#include <QByteArray>
#include <QString>

#include <cstdint>
#include <vector>

namespace aestudio::testing {

// 28x28 images of a bar whose angle depends on the label, with seeded jitter: structured enough that an
// autoencoder's loss falls within a couple of epochs.
std::vector<std::uint8_t> syntheticImages(int count, std::uint64_t seed, std::vector<std::uint8_t> *labels);

QByteArray idxImagesBytes(const std::vector<std::uint8_t> &pixels, int count, int rows = 28, int cols = 28);
QByteArray idxLabelsBytes(const std::vector<std::uint8_t> &labels);
QByteArray gzip(const QByteArray &raw);
void writeBytes(const QString &path, const QByteArray &bytes);

// Writes the four standard files (train/t10k images/labels) into `dir`.
void writeDataset(const QString &dir, int trainCount, int testCount, bool gz, std::uint64_t seed = 1);

} // namespace aestudio::testing
