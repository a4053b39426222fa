#include "ErrorViewsPanel.h"

#include "AtomicFile.h"
#include "Errors.h"
#include "FileDialogs.h"
#include "ImageFormat.h"
#include "ImageGrid.h"
#include "SystemInfo.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QPainter>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>

namespace aestudio {
namespace {

constexpr int kScale = 2;
constexpr int kTile = kImageSide * kScale;
constexpr int kLabelHeight = 30;

// K columns, four rows (original, noisy, reconstruction, error), class and dB under each column.
QImage stripOf(const Reconstruction &r, const QVector<ErrorViews::Ranked> &worst, const ProbeImages &images,
               const QStringList &classNames)
{
    const int k = int(worst.size());
    // The worst images of one row of `r`, in order.
    auto pick = [&worst](const std::vector<float> &all) {
        std::vector<float> out;
        for (const ErrorViews::Ranked &w : worst) {
            const auto at = all.begin() + std::ptrdiff_t(w.index) * kPixelsPerImage;
            out.insert(out.end(), at, at + kPixelsPerImage);
        }
        return out;
    };
    const std::vector<float> clean = pick(r.clean), noisy = pick(r.noisy), recon = pick(r.reconstructed);
    QImage out(std::max(1, k) * kTile, 4 * kTile + kLabelHeight, QImage::Format_RGB32);
    out.fill(QColor(32, 32, 32));
    if (k == 0)
        return out;
    QPainter p(&out);
    p.drawImage(0, 0, ImageGrid::render({clean.data(), noisy.data(), recon.data()}, k, kScale));
    p.drawImage(0, 3 * kTile, ErrorViews::heatmap(clean.data(), recon.data(), k, k, kScale));
    QFont font = p.font();
    font.setPixelSize(10);
    p.setFont(font);
    p.setPen(Qt::white);
    for (int i = 0; i < k; ++i) {
        const int label = images.labels[std::size_t(worst[i].index)];
        const QString name = label < classNames.size() ? classNames[label] : QString::number(label);
        p.drawText(QRect(i * kTile, 4 * kTile, kTile, kLabelHeight / 2), Qt::AlignCenter,
                   p.fontMetrics().elidedText(name, Qt::ElideRight, kTile - 2));
        p.drawText(QRect(i * kTile, 4 * kTile + kLabelHeight / 2, kTile, kLabelHeight / 2), Qt::AlignCenter,
                   QStringLiteral("%1 dB").arg(worst[i].psnrDb, 0, 'f', 1));
    }
    return out;
}

// Horizontal bars, worst class on top, the value at each bar's end.
QImage chartOf(QVector<ErrorViews::ClassPsnr> classes)
{
    std::sort(classes.begin(), classes.end(), [](const auto &a, const auto &b) { return a.meanPsnrDb < b.meanPsnrDb; });
    constexpr int kRow = 18, kNames = 110, kWidth = 420;
    QImage out(kWidth, std::max(1, int(classes.size())) * kRow + 8, QImage::Format_RGB32);
    out.fill(Qt::white);
    QPainter p(&out);
    QFont font = p.font();
    font.setPixelSize(11);
    p.setFont(font);
    double top = 1;
    for (const auto &c : classes)
        top = std::max(top, c.meanPsnrDb);
    for (int i = 0; i < classes.size(); ++i) {
        const int y = 4 + i * kRow;
        p.setPen(Qt::black);
        p.drawText(QRect(0, y, kNames - 6, kRow), Qt::AlignRight | Qt::AlignVCenter, classes[i].name);
        const int w = int((kWidth - kNames - 60) * std::max(0.0, classes[i].meanPsnrDb) / top);
        p.fillRect(QRect(kNames, y + 3, w, kRow - 6),
                   QColor(ErrorViews::viridis(float(i) / std::max(1, int(classes.size()) - 1) * 0.8f)));
        p.drawText(QRect(kNames + w + 4, y, 56, kRow), Qt::AlignLeft | Qt::AlignVCenter,
                   QStringLiteral("%1 dB").arg(classes[i].meanPsnrDb, 0, 'f', 2));
    }
    return out;
}

} // namespace

ErrorViewsPanel::ErrorViewsPanel(std::shared_ptr<SnapshotStore> snapshots, std::function<NoiseSpec()> noise,
                                 QWidget *parent)
    : QWidget(parent), m_snapshots(std::move(snapshots)), m_noise(std::move(noise)), m_k(new QSpinBox),
      m_strip(new QLabel), m_chart(new QLabel), m_caption(new QLabel), m_export(new QPushButton(tr("Export CSV…")))
{
    m_k->setRange(1, 64);
    m_k->setValue(16);
    m_k->setPrefix(tr("worst "));
    m_caption->setWordWrap(true);
    m_export->setObjectName(QStringLiteral("exportClassCsv"));
    m_export->setEnabled(false);
    auto *controls = new QHBoxLayout;
    controls->addWidget(m_k);
    controls->addWidget(m_caption, 1);
    controls->addWidget(m_export);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(controls);
    layout->addWidget(new QLabel(tr("The validation images it reconstructs worst: original, noisy input, "
                                    "reconstruction, error (viridis, dark = exact)")));
    layout->addWidget(m_strip);
    layout->addWidget(new QLabel(tr("Mean PSNR per class, hardest first")));
    layout->addWidget(m_chart);
    layout->addStretch(1);
    m_debounce.setSingleShot(true);
    m_debounce.setInterval(300);
    connect(&m_debounce, &QTimer::timeout, this, &ErrorViewsPanel::refresh);
    connect(m_k, &QSpinBox::valueChanged, this, &ErrorViewsPanel::refreshSoon);
    connect(m_export, &QPushButton::clicked, this, [this] {
        const QString path = FileDialogs::saveFile(this, tr("Export per-class PSNR"),
                                                   QStringLiteral("per-class-psnr.csv"), tr("CSV (*.csv)"));
        if (path.isEmpty())
            return;
        try {
            exportCsv(path);
        } catch (const StudioError &e) {
            m_caption->setText(tr("Error: %1").arg(e.message()));
        }
    });
    m_caption->setText(tr("Train or open a model to see where it fails."));
}

void ErrorViewsPanel::setImages(const ProbeImages &images, const QStringList &classNames)
{
    m_images = images;
    m_classNames = classNames;
    refreshSoon();
}

void ErrorViewsPanel::showEvent(QShowEvent *e)
{
    QWidget::showEvent(e);
    refreshSoon();
}

void ErrorViewsPanel::refreshSoon()
{
    if (isVisible())
        m_debounce.start();
}

ErrorViewsPanel::Result ErrorViewsPanel::compute(const InferenceModel &model, const ProbeImages &images,
                                                 const QStringList &classNames, const NoiseSpec &noise, int k)
{
    Result out;
    out.noise = noise;
    out.images = images.count;
    const Reconstruction r
        = model.reconstruct(images.pixels.data(), images.count, noise, InferenceModel::kProbeNoiseSeed);
    out.worst = ErrorViews::worstK(r.psnrDb, k);
    out.classes = ErrorViews::perClass(r.psnrDb, images.labels, classNames);
    out.strip = stripOf(r, out.worst, images, classNames);
    out.classChart = chartOf(out.classes);
    return out;
}

void ErrorViewsPanel::refresh()
{
    const std::shared_ptr<const InferenceModel> model = m_snapshots->latest();
    if (!model || m_images.isEmpty())
        return;
    const ProbeImages images = m_images;
    const QStringList names = m_classNames;
    const NoiseSpec noise = m_noise();
    const int k = m_k->value();
    m_caption->setText(tr("Measuring %1 validation images…").arg(images.count));
    m_job.start(
        [model, images, names, noise, k](const std::function<bool()> &) {
            SystemInfo::setThreadsForCallingThread(1);
            return compute(*model, images, names, noise, k);
        },
        [this](const Result &r) {
            m_result = r;
            m_strip->setPixmap(QPixmap::fromImage(r.strip));
            m_chart->setPixmap(QPixmap::fromImage(r.classChart));
            m_caption->setText(tr("%1 validation images at %2").arg(r.images).arg(r.noise.describe()));
            m_export->setEnabled(!r.classes.isEmpty());
            Q_EMIT updated();
        },
        [this](const QString &message) { m_caption->setText(tr("Error: %1").arg(message)); });
}

void ErrorViewsPanel::exportCsv(const QString &path) const
{
    AtomicFile::write(path, ErrorViews::perClassCsv(m_result.classes));
}

} // namespace aestudio
