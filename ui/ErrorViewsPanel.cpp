#include "ErrorViewsPanel.h"

#include "AtomicFile.h"
#include "Errors.h"
#include "FileDialogs.h"
#include "ImageFormat.h"
#include "ImageGridPanel.h"
#include "TileZoomDialog.h"
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
QImage stripOf(const Reconstruction &r, const QVector<ErrorViews::Ranked> &worst, const QStringList &names)
{
    const int k = int(worst.size());
    QImage out(std::max(1, k) * kTile, 4 * kTile + kLabelHeight, QImage::Format_RGB32);
    out.fill(QColor(32, 32, 32));
    QPainter p(&out);
    p.drawImage(0, 0, ErrorViews::worstStrip(r, worst, kScale));
    QFont font = p.font();
    font.setPixelSize(10);
    p.setFont(font);
    p.setPen(Qt::white);
    for (int i = 0; i < k; ++i) {
        p.drawText(QRect(i * kTile, 4 * kTile, kTile, kLabelHeight / 2), Qt::AlignCenter,
                   p.fontMetrics().elidedText(names.value(i), Qt::ElideRight, kTile - 2));
        p.drawText(QRect(i * kTile, 4 * kTile + kLabelHeight / 2, kTile, kLabelHeight / 2), Qt::AlignCenter,
                   QStringLiteral("%1 dB").arg(worst[i].psnrDb, 0, 'f', 1));
    }
    return out;
}

// Horizontal bars, worst class on top, the value at each bar's end.
QImage chartOf(const QVector<ErrorViews::ClassPsnr> &classes)
{
    constexpr int kRow = 18, kWidth = 420;
    QImage out(kWidth, std::max(1, int(classes.size())) * kRow + 8, QImage::Format_RGB32);
    out.fill(Qt::white);
    QPainter p(&out);
    QFont font = p.font();
    font.setPixelSize(11);
    p.setFont(font);
    ErrorViews::paintClassBars(p, QRectF(0, 4, kWidth, out.height() - 8), classes);
    return out;
}

} // namespace

ErrorViewsPanel::ErrorViewsPanel(std::shared_ptr<SnapshotStore> snapshots, std::function<NoiseSpec()> noise,
                                 QWidget *parent)
    : QWidget(parent), m_snapshots(std::move(snapshots)), m_noise(std::move(noise)), m_k(new QSpinBox),
      m_strip(new ProbeGridView), m_chart(new QLabel), m_caption(new QLabel),
      m_export(new QPushButton(tr("Export CSV…")))
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
    auto *legend = new QLabel(tr("The validation images it reconstructs worst: original, noisy input, "
                                 "reconstruction, error (viridis, dark = exact)"));
    legend->setWordWrap(true); // else its one line sets the page's width, and a narrow window scrolls sideways
    layout->addWidget(legend);
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
    m_strip->setObjectName(QStringLiteral("worstStrip"));
    connect(m_strip, &ProbeGridView::tileClicked, this, [this](QPoint cell) { zoomWorst(cell.x(), cell.y()); });
}

void ErrorViewsPanel::zoomWorst(int rank, int row)
{
    if (rank < 0 || rank >= m_result.worst.size() || row < 0 || row > 3) // the label band under the tiles: nothing
        return;
    auto cut = [&](int r) { return ZoomTile::cut(m_result.strip, rank, r, kScale); };
    const ZoomTile tile{tr("Worst %1: %2, %3 dB")
                            .arg(QString::number(rank + 1), m_result.worstNames.value(rank),
                                 QString::number(m_result.worst[rank].psnrDb, 'f', 1)),
                        cut(0), cut(1), cut(2), cut(3)};
    if (!m_zoom)
        m_zoom = new TileZoomDialog(this);
    m_zoom->showTile(tile, row);
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
    for (const ErrorViews::Ranked &w : out.worst)
        out.worstNames << ErrorViews::className(images.labels[std::size_t(w.index)], classNames);
    out.strip = stripOf(r, out.worst, out.worstNames);
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
            QStringList tips;
            for (int row = 0; row < 5; ++row)
                for (int i = 0; i < r.worst.size(); ++i)
                    tips << tr("worst %1: %2, %3 dB — click to enlarge")
                                .arg(QString::number(i + 1), r.worstNames.value(i),
                                     QString::number(r.worst[i].psnrDb, 'f', 2));
            m_strip->setGrid(r.strip, int(r.worst.size()), kTile, tips);
            m_chart->setPixmap(QPixmap::fromImage(r.classChart));
            m_caption->setText(r.noise.isClean()
                                   ? tr("%1 validation images without noise").arg(r.images)
                                   : tr("%1 validation images at %2").arg(r.images).arg(r.noise.describe()));
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
