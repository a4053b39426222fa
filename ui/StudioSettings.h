// Remembers the last training recipe in QSettings. Every value read back is validated on its own; a garbage or
// out-of-range value falls back to its default without disturbing the others.
#pragma once

#include "Sweep.h"
#include "TrainingConfig.h"

class QMainWindow;
class QSettings;
class QSplitter;

namespace aestudio::StudioSettings {

// What a first start shows: the seed study's denoising recipe (3 layers, latent 15, dropout 0.2, σ 0.5, 20 epochs).
TrainingConfig defaults();
TrainingConfig loadConfig(QSettings &settings);
void saveConfig(QSettings &settings, const TrainingConfig &config);
// The Experiments form as last queued: the grid's lists, epochs, runs at once, and the dataset, noise and learning
// rate every run shares.
void saveSweepForm(QSettings &settings, const SweepSpec &spec);
// Each value on its own: one that no longer parses or is out of range keeps `spec`'s. False when none was saved.
bool loadSweepForm(QSettings &settings, SweepSpec &spec);
// The window's geometry, toolbar state and the Training page's splitter.
void saveWindow(QSettings &settings, const QMainWindow &window, const QSplitter &split);
void restoreWindow(QSettings &settings, QMainWindow *window, QSplitter *split);

// This machine's SGEMM peak (GFLOP/s) for `threads`, measured once (SystemInfo::measureSgemmGflops) and kept,
// keyed by the CPU and thread count; 0 until measured.
double sgemmPeak(QSettings &settings, int threads);
void setSgemmPeak(QSettings &settings, int threads, double gflops);

} // namespace aestudio::StudioSettings
