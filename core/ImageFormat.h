// The one image format the studio trains on: 28x28 grayscale, 784 bytes per image, row-major. Every size that
// derives from it is spelled with these constants.
#pragma once

namespace aestudio {

constexpr int kImageSide = 28;
constexpr int kPixelsPerImage = kImageSide * kImageSide;

} // namespace aestudio
