// Reads MNIST-style IDX files (raw or gzip) into uint8 buffers, validating every header field against the payload
// before trusting it, so a truncated, padded or hostile file is rejected with a message naming the file.
#pragma once

#include <cstdint>
#include <vector>

#include "ImageFormat.h"

#include <QString>

namespace aestudio {

struct IdxImages {
    int count = 0;                    // every image is kImageSide x kImageSide (checked)
    int declaredCount = 0;            // the item count in the header; more than `count` when the read was limited
    std::vector<std::uint8_t> pixels; // count * rows * cols, row-major
};

namespace IdxReader {

// Far above any real dataset (MNIST has 70k images); checked before allocating so a lying header cannot exhaust memory.
constexpr std::int64_t kMaxItems = 10'000'000;

// maxItems < 0 reads every item and insists the payload ends exactly where the header says. maxItems >= 0 reads only
// the first min(declared, maxItems) items and inflates nothing past them (for --limit on a large file).
IdxImages readImages(const QString &path, std::int64_t maxItems = -1);
std::vector<std::uint8_t> readLabels(const QString &path, std::int64_t maxItems = -1,
                                     std::int64_t *declaredCount = nullptr);

} // namespace IdxReader
} // namespace aestudio
