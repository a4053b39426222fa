#include "StudioTypes.h"

namespace aestudio {

ProbeImages ProbeImages::firstOf(const ImageSet &set, int count)
{
    ProbeImages probes;
    probes.count = std::min(count, set.count());
    probes.pixels.assign(set.pixels.begin(), set.pixels.begin() + std::ptrdiff_t(probes.count) * kPixelsPerImage);
    probes.labels.assign(set.labels.begin(), set.labels.begin() + probes.count);
    return probes;
}

ProbeImages ProbeImages::first(int n) const
{
    ProbeImages out;
    out.count = std::clamp(n, 0, count);
    out.pixels.assign(pixels.begin(), pixels.begin() + std::ptrdiff_t(out.count) * kPixelsPerImage);
    out.labels.assign(labels.begin(), labels.begin() + out.count);
    return out;
}

void registerStudioMetaTypes()
{
    qRegisterMetaType<BatchProgress>();
    qRegisterMetaType<QVector<BatchProgress>>();
    qRegisterMetaType<EpochMetrics>();
    qRegisterMetaType<TrainingSummary>();
    qRegisterMetaType<ProbeImages>();
    qRegisterMetaType<PreviewResult>();
    qRegisterMetaType<SweepResult>();
    qRegisterMetaType<ProbeSnapshot>();
    qRegisterMetaType<QVector<ProbeSnapshot>>();
}

} // namespace aestudio
