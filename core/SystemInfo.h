// What the engine runs on: library versions, the BLAS actually loaded, threads and devices. Shown by
// `aestudio-cli info`, the About box, and written into every run's config.json.
#pragma once

#include <QJsonObject>
#include <QString>
#include <QStringList>

#include <algorithm>

namespace aestudio {

struct SystemInfo {
    QString studioVersion;
    QString torchVersion;
    QString qtVersion;
    QString blasLibrary;        // resolved path of the loaded libblas, or a description
    bool referenceBlas = false; // Debian's netlib BLAS: ~9x slower training
    QString stepGemm;           // what the CPU training step's GEMMs use: "oneDNN 2.6.3" or libtorch's BLAS, and
                                // whether its forward GEMMs run in kernels::forwardUnits
    int threads = 0;            // what training uses by default: one per hardware thread
    int torchDefaultThreads = 0;
    QString parallelInfo; // ATen's description of OpenMP/MKL threading
    QStringList devices;  // "cpu", "cuda:0 (name)"...

    static SystemInfo collect();
    // Best of several n x n float matrix products on `threads` threads, in GFLOP/s, through libtorch's BLAS and
    // through the training step's own GEMM (oneDNN where built with it). The machine's peak is the larger.
    struct SgemmPeak {
        double torchBlas = 0;
        double stepGemm = 0;
        double best() const { return std::max(torchBlas, stepGemm); }
    };
    static SgemmPeak measureSgemmGflops(int threads, int n = 1024);
    // Intra-op threads for torch work started from the calling thread (OpenMP counts are per thread). Preview
    // threads use 1, so they never field a second OpenMP team against the trainer's on a small machine.
    static void setThreadsForCallingThread(int threads);
    // The one meaning of a thread setting: 0 means one per hardware thread, anything else is taken as given.
    static int hardwareThreads();
    // "auto" -> "cuda:0" when CUDA is available, else "cpu". Throws ConfigError for unavailable CUDA devices.
    static QString resolveDevice(const QString &requested);
    static int threadsFor(int requested) { return requested > 0 ? requested : hardwareThreads(); }
    QJsonObject toJson() const;
    // One-line warning when the reference BLAS is active, else empty.
    QString blasWarning() const;
};

} // namespace aestudio
