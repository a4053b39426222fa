// What the engine runs on: library versions, the BLAS actually loaded, threads and devices. Shown by
// `aestudio-cli info`, the About box, and written into every run's config.json.
#pragma once

#include <QJsonObject>
#include <QString>
#include <QStringList>

namespace aestudio {

struct SystemInfo {
    QString studioVersion;
    QString torchVersion;
    QString qtVersion;
    QString blasLibrary;     // resolved path of the loaded libblas, or a description
    bool referenceBlas = false; // Debian's netlib BLAS: ~9x slower training
    int threads = 0;         // what training uses by default: one per hardware thread
    int torchDefaultThreads = 0;
    QString parallelInfo;    // ATen's description of OpenMP/MKL threading
    QStringList devices;     // "cpu", "cuda:0 (name)"...

    static SystemInfo collect();
    // Best of several n x n float matrix products on `threads` threads, in GFLOP/s: the machine's GEMM peak.
    static double measureSgemmGflops(int threads, int n = 1024);
    // Intra-op threads for torch work started from the calling thread (OpenMP counts are per thread). Preview
    // threads use 1, so they never field a second OpenMP team against the trainer's on a small machine.
    static void setThreadsForCallingThread(int threads);
    QJsonObject toJson() const;
    // One-line warning when the reference BLAS is active, else empty.
    QString blasWarning() const;
};

} // namespace aestudio
