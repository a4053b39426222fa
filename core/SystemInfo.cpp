#include "SystemInfo.h"

#include "Errors.h"
#include "Kernels.h"
#include "Sgemm.h"

#include <torch/torch.h>

#include <QFile>
#include <QFileInfo>
#include <QJsonArray>

#include <chrono>
#include <functional>
#include <thread>

namespace aestudio {
namespace {

// The loaded BLAS is whatever Debian's alternatives pointed libblas.so.3 at when torch was loaded; /proc/self/maps
// tells the truth after a GEMM has run.
QString loadedBlas()
{
    const torch::Tensor a = torch::ones({8, 8});
    (void)torch::mm(a, a);
    QFile maps(QStringLiteral("/proc/self/maps"));
    if (!maps.open(QIODevice::ReadOnly | QIODevice::Text))
        return QStringLiteral("unknown");
    const QList<QByteArray> lines = maps.readAll().split('\n');
    for (const QByteArray &line : lines) {
        const int slash = line.indexOf('/');
        if (slash < 0)
            continue;
        const QString path = QString::fromLocal8Bit(line.mid(slash));
        const QString file = QFileInfo(path).fileName();
        if (file.startsWith(QLatin1String("libblas.so")) || file.startsWith(QLatin1String("libopenblas"))
            || file.startsWith(QLatin1String("libmkl_core")) || file.startsWith(QLatin1String("libblis")))
            return path;
    }
    return QStringLiteral("built into libtorch (no separate libblas loaded)");
}

} // namespace

QString SystemInfo::resolveDevice(const QString &requested)
{
    if (requested == QLatin1String("cpu"))
        return requested;
    const bool cuda = torch::cuda::is_available();
    if (requested == QLatin1String("auto"))
        return cuda ? QStringLiteral("cuda:0") : QStringLiteral("cpu");
    if (!cuda)
        throw ConfigError(QStringLiteral("device '%1' requested, but no CUDA device is available").arg(requested));
    const int index = requested == QLatin1String("cuda") ? 0 : requested.section(QLatin1Char(':'), 1).toInt();
    if (index < 0 || index >= int(torch::cuda::device_count()))
        throw ConfigError(QStringLiteral("device '%1' does not exist (%2 CUDA device(s))")
                              .arg(requested)
                              .arg(torch::cuda::device_count()));
    return QStringLiteral("cuda:%1").arg(index);
}

int SystemInfo::hardwareThreads()
{
    return int(std::max(1u, std::thread::hardware_concurrency()));
}

SystemInfo SystemInfo::collect()
{
    SystemInfo s;
    s.studioVersion = QStringLiteral(AESTUDIO_VERSION);
    s.torchVersion = QStringLiteral(TORCH_VERSION);
    s.qtVersion = QString::fromLatin1(qVersion());
    s.blasLibrary = loadedBlas();
    s.stepGemm = QString::fromUtf8(gemm::backendName());
    if (kernels::forwardUnitsRuns(64)) // the units layout's forward GEMMs (StepEngine)
        s.stepGemm += QStringLiteral(", forward x W^T up to 64 rows: own AVX-512 kernel");
    // Debian's netlib reference BLAS lives in .../blas/libblas.so.3; OpenBLAS in .../openblas-*/.
    s.referenceBlas = s.blasLibrary.contains(QLatin1String("/blas/libblas.so"));
    s.threads = hardwareThreads();
    s.torchDefaultThreads = at::get_num_threads();
    s.parallelInfo = QString::fromStdString(at::get_parallel_info()).trimmed();
    s.devices << QStringLiteral("cpu");
    if (torch::cuda::is_available()) {
        for (std::size_t i = 0; i < torch::cuda::device_count(); ++i)
            s.devices << QStringLiteral("cuda:%1").arg(i);
    }
    return s;
}

SystemInfo::SgemmPeak SystemInfo::measureSgemmGflops(int threads, int n)
{
    at::set_num_threads(threads);
    // A generator of its own: the global one belongs to model initialisation (seededModel).
    const at::Generator generator = at::detail::createCPUGenerator(1);
    const torch::Tensor a = torch::rand({n, n}, generator), b = torch::rand({n, n}, generator);
    torch::Tensor c = torch::empty({n, n});
    const auto bestGflops = [&](const std::function<void()> &product) {
        product(); // warm-up: threads, caches, JIT kernels
        double best = 1e30;
        for (int i = 0; i < 8; ++i) {
            const auto t0 = std::chrono::steady_clock::now();
            product();
            best = std::min(best, std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
        }
        return 2.0 * double(n) * n * n / best / 1e9;
    };
    SgemmPeak peak;
    peak.torchBlas = bestGflops([&] { torch::mm_out(c, a, b); });
    peak.stepGemm = bestGflops([&] {
        gemm::sgemm(gemm::Op::None, gemm::Op::None, n, n, n, 1.0f, a.data_ptr<float>(), n, b.data_ptr<float>(), n, 0.0f,
                    c.data_ptr<float>(), n);
    });
    return peak;
}

void SystemInfo::setThreadsForCallingThread(int threads)
{
    if (at::get_num_threads() != threads)
        at::set_num_threads(threads);
}

QJsonObject SystemInfo::toJson() const
{
    return QJsonObject{{QStringLiteral("aestudio"), studioVersion},
                       {QStringLiteral("torch"), torchVersion},
                       {QStringLiteral("qt"), qtVersion},
                       {QStringLiteral("blas"), blasLibrary},
                       {QStringLiteral("step_gemm"), stepGemm},
                       {QStringLiteral("threads"), threads},
                       {QStringLiteral("devices"), QJsonArray::fromStringList(devices)}};
}

QString SystemInfo::blasWarning() const
{
    if (!referenceBlas)
        return {};
    return QStringLiteral("warning: the reference BLAS (%1) is active; training is ~9x slower. Install "
                          "libopenblas0-openmp (apt-get install libopenblas0-openmp).")
        .arg(blasLibrary);
}

} // namespace aestudio
