// Renders rows of 28x28 float images into one grayscale QImage, scaled nearest-neighbour so pixels stay crisp.
// Built in core (or on a worker) as a QImage; only the GUI turns it into a QPixmap.
#pragma once

#include "InferenceModel.h"
#include "ProbeSnapshot.h"

#include <QImage>
#include <QStringList>

#include <vector>

namespace aestudio {

namespace ImageGrid {

// `image` enlarged `scale` times, nearest-neighbour (crisp pixels); as it is for scale <= 1.
QImage scaledUp(const QImage &image, int scale);
// Each row holds `columns` images of 784 floats in [0,1], all of them read; a null row renders black.
QImage render(const std::vector<const float *> &rows, int columns, int scale);
// `count` consecutive images of 784 floats laid out `columns` to a row; the last row's missing tiles render black.
// Only the `count` images are read.
QImage tiles(const float *images, int count, int columns, int scale);
// Three rows: the clean images, their noisy versions and the reconstructions.
QImage ofReconstruction(const Reconstruction &r, int scale);
// Stacks images vertically, each under a caption line, on a dark background.
QImage stackWithCaptions(const QList<QImage> &images, const QStringList &captions);
// The time scrubber's strip: the probes and their noisy versions, then one row of reconstructions per stored epoch,
// each captioned with its epoch and mean PSNR. `noise` names the noisy row ("gaussian 0.30", or no noise).
QImage ofEpochs(const QVector<ProbeSnapshot> &snapshots, const NoiseSpec &noise, int scale);

} // namespace ImageGrid
} // namespace aestudio
