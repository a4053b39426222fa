#include "StudioTypes.h"

namespace aestudio {

ProbeImages ProbeImages::firstOf(const ImageSet &set, int count)
{
    ImageSet first = set.first(count);
    ProbeImages probes;
    probes.count = first.count();
    probes.pixels = std::move(first.pixels);
    probes.labels = std::move(first.labels);
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
