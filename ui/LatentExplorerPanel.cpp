#include "LatentExplorerPanel.h"

#include "AtomicFile.h"
#include "Errors.h"
#include "FileDialogs.h"
#include "ImageGrid.h"
#include "InferenceModel.h"
#include "LatentScatter.h"
#include "SystemInfo.h"

#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QPainter>
#include <QPixmap>
#include <QPushButton>
#include <QVBoxLayout>

namespace aestudio {
namespace {

constexpr int kSteps = 10;

std::vector<float> unitFloats(const std::uint8_t *pixels, int count)
{
    std::vector<float> out(std::size_t(count) * kPixelsPerImage);
    for (std::size_t i = 0; i < out.size(); ++i)
        out[i] = pixels[i] / 255.0f;
    return out;
}

} // namespace

LatentExplorerPanel::LatentExplorerPanel(std::shared_ptr<SnapshotStore> snapshots, QWidget *parent)
    : QWidget(parent), m_snapshots(std::move(snapshots)), m_scatter(new LatentScatter), m_status(new QLabel),
      m_preview(new QLabel), m_previewCaption(new QLabel), m_strip(new QLabel), m_dims(new QLabel),
      m_export(new QPushButton(tr("Export strip…")))
{
    m_status->setObjectName(QStringLiteral("latentStatus"));
    m_status->setWordWrap(true);
    m_preview->setFixedSize(4 * kImageSide + 4, 4 * kImageSide + 4);
    m_preview->setAlignment(Qt::AlignCenter);
    m_preview->setFrameShape(QFrame::StyledPanel);
    m_previewCaption->setWordWrap(true);
    m_strip->setMinimumHeight(2 * kImageSide + 4);
    m_strip->setText(tr("Click two images in the scatter (A, then B) to see 10 decoded steps between their codes."));
    m_strip->setWordWrap(true);
    m_export->setEnabled(false);
    m_dims->setMinimumHeight(120);

    auto *side = new QVBoxLayout;
    side->addWidget(new QLabel(tr("Under the pointer")));
    side->addWidget(m_preview);
    side->addWidget(m_previewCaption);
    auto *dimsBox = new QGroupBox(tr("Variance of each latent dimension"));
    auto *dimsLayout = new QVBoxLayout(dimsBox);
    dimsLayout->addWidget(m_dims);
    side->addWidget(dimsBox);
    side->addStretch(1);
    auto *top = new QHBoxLayout;
    top->addWidget(m_scatter, 1);
    top->addLayout(side);
    auto *stripRow = new QHBoxLayout;
    stripRow->addWidget(m_strip, 1);
    stripRow->addWidget(m_export, 0, Qt::AlignTop);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_status);
    layout->addLayout(top, 1);
    layout->addLayout(stripRow);

    connect(m_scatter, &LatentScatter::hoveredPoint, this, &LatentExplorerPanel::previewPoint);
    connect(m_scatter, &LatentScatter::hoveredPlane, this, &LatentExplorerPanel::previewPlane);
    connect(m_scatter, &LatentScatter::clickedPoint, this, &LatentExplorerPanel::pick);
    connect(m_export, &QPushButton::clicked, this, [this] {
        const QString path
            = FileDialogs::saveFile(this, tr("Export strip"), QStringLiteral("latent-strip.png"), tr("PNG (*.png)"));
        if (path.isEmpty())
            return;
        try {
            exportStrip(path);
        } catch (const StudioError &e) {
            m_status->setText(e.message());
        }
    });
    m_status->setText(tr("Train or open a model: its latent space appears here."));
}

void LatentExplorerPanel::setImages(const ProbeImages &images, const QStringList &classNames)
{
    m_images = images;
    m_classes = classNames;
    refresh();
}

void LatentExplorerPanel::refresh()
{
    const auto model = m_snapshots->latest();
    if (!model || m_images.count < 2)
        return;
    const ProbeImages images = m_images;
    m_projectJob.start(
        [model, images](const std::function<bool()> &) {
            SystemInfo::setThreadsForCallingThread(1);
            return LatentSpace::project(model->encode(images.pixels.data(), images.count), images.count,
                                        model->latentDim());
        },
        [this, key = static_cast<const void *>(model.get())](const LatentProjection &p) { showProjection(p, key); },
        [this](const QString &message) {
            m_status->setText(tr("The latent space could not be computed: %1").arg(message));
        });
}

void LatentExplorerPanel::showProjection(const LatentProjection &p, const void *model)
{
    if (model != m_projectedModel) { // picks belong to the old model's codes
        m_picked[0] = m_picked[1] = -1;
        m_scatter->setPicked(-1, -1);
    }
    m_projection = p;
    m_projectedModel = model;
    m_scatter->setPoints(p.points, m_images.labels, m_classes);
    m_status->setText(tr("PCA of %1 validation images' %2-dimensional codes: PC1 holds %3% of their variance, PC2 "
                         "%4%. Hover a dot for its image, empty space to decode it; click two dots to interpolate.")
                          .arg(p.count)
                          .arg(p.dim)
                          .arg(100 * p.explained[0], 0, 'f', 1)
                          .arg(100 * p.explained[1], 0, 'f', 1));
    showDimensions();
    Q_EMIT projected();
}

void LatentExplorerPanel::showDimensions()
{
    const auto &v = m_projection.dimVariance;
    QImage bars(260, 110, QImage::Format_RGB32);
    bars.fill(Qt::white);
    QPainter p(&bars);
    const double top = v.empty() ? 1.0 : std::max(1e-12, *std::max_element(v.begin(), v.end()));
    const double w = v.empty() ? 0 : 250.0 / double(v.size());
    for (std::size_t i = 0; i < v.size(); ++i) {
        const double h = 100.0 * v[i] / top;
        p.fillRect(QRectF(5 + i * w, 105 - h, std::max(1.0, w - 1), h), QColor(78, 121, 167));
    }
    p.end();
    m_dims->setPixmap(QPixmap::fromImage(bars));
    m_dims->setToolTip(tr("One bar per latent dimension: how much it varies across the images. Near-zero bars are "
                          "dimensions the model does not use."));
}

void LatentExplorerPanel::previewPoint(int index)
{
    if (index < 0 || index >= m_images.count)
        return;
    const std::vector<float> image = unitFloats(m_images.pixels.data() + std::size_t(index) * kPixelsPerImage, 1);
    m_previewImage = ImageGrid::render({image.data()}, 1, 4);
    m_preview->setPixmap(QPixmap::fromImage(m_previewImage));
    m_previewCaption->setText(tr("Image %1 · %2")
                                  .arg(index)
                                  .arg(m_classes.value(m_images.labels[std::size_t(index)],
                                                       QString::number(m_images.labels[std::size_t(index)]))));
    Q_EMIT previewShown();
}

void LatentExplorerPanel::previewPlane(double pc1, double pc2)
{
    const auto model = m_snapshots->latest();
    if (!model || m_projection.count == 0)
        return;
    const std::vector<float> code = LatentSpace::fromPlane(m_projection, pc1, pc2);
    // Newest wins: while the pointer moves, only the latest position is decoded and shown.
    m_decodeJob.start([model, code](const std::function<bool()> &) { return model->decode(code.data(), 1); },
                      [this, pc1, pc2](const std::vector<float> &image) {
                          m_previewImage = ImageGrid::render({image.data()}, 1, 4);
                          m_preview->setPixmap(QPixmap::fromImage(m_previewImage));
                          m_previewCaption->setText(
                              tr("Decoded at PC1 %1, PC2 %2").arg(pc1, 0, 'f', 2).arg(pc2, 0, 'f', 2));
                          Q_EMIT previewShown();
                      });
}

void LatentExplorerPanel::pick(int index)
{
    const auto model = m_snapshots->latest();
    if (!model || index < 0 || index >= m_images.count)
        return;
    if (m_picked[0] < 0 || m_picked[1] >= 0) {
        m_picked[0] = index;
        m_picked[1] = -1;
    } else {
        m_picked[1] = index;
    }
    m_scatter->setPicked(m_picked[0], m_picked[1]);
    if (m_picked[1] < 0)
        return;
    const int a = m_picked[0], b = m_picked[1];
    const ProbeImages images = m_images;
    m_decodeJob.start(
        [model, images, a, b](const std::function<bool()> &) {
            std::vector<std::uint8_t> both(2 * kPixelsPerImage);
            std::copy_n(images.pixels.data() + std::size_t(a) * kPixelsPerImage, kPixelsPerImage, both.data());
            std::copy_n(images.pixels.data() + std::size_t(b) * kPixelsPerImage, kPixelsPerImage,
                        both.data() + kPixelsPerImage);
            const std::vector<float> codes = model->encode(both.data(), 2);
            const int dim = model->latentDim();
            const std::vector<float> path = LatentSpace::interpolate(codes.data(), codes.data() + dim, dim, kSteps);
            return model->decode(path.data(), kSteps);
        },
        [this](const std::vector<float> &strip) {
            m_stripImage = ImageGrid::render({strip.data()}, kSteps, 2);
            m_strip->setPixmap(QPixmap::fromImage(m_stripImage));
            m_export->setEnabled(true);
            Q_EMIT stripShown();
        });
}

void LatentExplorerPanel::exportStrip(const QString &path) const
{
    if (m_stripImage.isNull())
        throw StudioError(tr("Pick two images first: there is no strip to export yet."));
    AtomicFile::writeImage(path, m_stripImage);
}

} // namespace aestudio
