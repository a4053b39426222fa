#include "ConsoleProgress.h"

#include "Metrics.h"

#include <cstdio>
#include <unistd.h>

namespace aestudio::cli {
LiveLine::LiveLine() : m_tty(isatty(fileno(stderr)) != 0)
{
}

void LiveLine::show(const QString &text)
{
    if (m_tty) {
        std::fprintf(stderr, "\r\033[K%s", qPrintable(text));
        std::fflush(stderr);
        m_open = true;
        return;
    }
    const auto now = std::chrono::steady_clock::now();
    if (now - m_lastPlain >= std::chrono::seconds(5)) {
        m_lastPlain = now;
        std::fprintf(stderr, "%s\n", qPrintable(text));
    }
}

void LiveLine::note(const QString &text)
{
    clear();
    std::fprintf(stderr, "%s\n", qPrintable(text));
}

void LiveLine::clear()
{
    if (m_open) {
        std::fputs("\r\033[K", stderr);
        m_open = false;
    }
}

void ConsoleProgress::batchProgress(const BatchProgress &p)
{
    const QString line = QStringLiteral("epoch %1/%2  batch %3/%4  loss %5  %6 samples/s  ETA %7")
                             .arg(p.epoch)
                             .arg(p.epochs)
                             .arg(p.batch)
                             .arg(p.batches)
                             .arg(p.loss, 0, 'f', 5)
                             .arg(p.samplesPerSecond, 0, 'f', 0)
                             .arg(formatDuration(p.etaSeconds));
    m_line.show(line);
}

void ConsoleProgress::epochFinished(const EpochMetrics &m)
{
    m_line.clear();
    // Without noise the input is the clean image, and its PSNR is the 100 dB floor rather than a measurement
    // (the studio's PSNR chart leaves that point out by the same test).
    const QString input = isPsnrFloor(m.noisyPsnrDb)
        ? QStringLiteral("clean input")
        : QStringLiteral("noisy input %1 dB").arg(m.noisyPsnrDb, 0, 'f', 2);
    std::printf(
        "epoch %d: train_loss %.5f  val_loss %.5f  val_psnr_global %.2f dB (mean of images %.2f dB, %s)  %.1f s\n",
        m.epoch, m.trainLoss, m.valLoss, m.valPsnrGlobalDb, m.valPsnrDb, qPrintable(input), m.seconds);
    std::fflush(stdout);
}

void ConsoleProgress::trainingFinished(const TrainingSummary &s)
{
    m_line.clear();
    const char *how = s.stopped ? "stopped" : s.earlyStopped ? "stopped early (patience)" : "finished";
    std::printf("%s after %d epoch(s) in %s; best val_loss %.5f at epoch %d\n", how, s.epochsCompleted,
                qPrintable(formatDuration(s.seconds)), s.bestValLoss, s.bestEpoch);
    std::fflush(stdout);
}

} // namespace aestudio::cli
