// Reconstruction quality in the units the seed report uses: MSE on [0,1] pixels and PSNR in dB with MAX = 1.
#pragma once

#include <algorithm>
#include <cmath>

namespace aestudio {

// Floor on MSE so a perfect reconstruction gives a large finite PSNR (100 dB) instead of infinity.
constexpr double kMinMse = 1e-10;

inline double psnrDb(double mse)
{
    return 10.0 * std::log10(1.0 / std::max(mse, kMinMse));
}

// Whether a PSNR is that floor: a clean input's against itself (MSE 0), so no measurement of any noise.
inline bool isPsnrFloor(double db)
{
    return db >= psnrDb(0.0);
}

struct QualityMetrics {
    double mse = 0.0;          // mean over images of per-image MSE (= overall pixel MSE)
    double psnrMeanDb = 0.0;   // mean of per-image PSNR
    double psnrGlobalDb = 0.0; // 10*log10(1/mse), comparable to the seed's numbers
    double noisyMse = 0.0;     // the noisy input against the clean image: the baseline to beat
    double noisyPsnrMeanDb = 0.0;
    double noisyPsnrGlobalDb = 0.0;
    int images = 0;
};

} // namespace aestudio
