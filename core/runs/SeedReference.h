// The numbers of ../shared/reference/seed-report.txt that the studio compares itself with, spelled once: Table 1.1
// (best validation loss per model type and latent dim) and the denoising PSNR, for MNIST and Fashion-MNIST.
#pragma once

#include <QMap>
#include <QString>

namespace aestudio::SeedReference {

using Table = QMap<QString, QMap<int, double>>; // row label ("Non-Regularized 3 layers") -> latent -> val loss

// "mnist" or "fashion-mnist": which of the report's tables a dataset compares with (anything else: Fashion-MNIST).
QString referenceFor(const QString &dataset);
Table table(const QString &reference);
// The report's denoising validation PSNR ("about 17" on MNIST, "around 15" on Fashion-MNIST).
double denoisePsnrDb(const QString &reference);

} // namespace aestudio::SeedReference
