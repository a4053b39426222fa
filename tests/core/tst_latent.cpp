// The latent space made visible: PCA recovers known axes, points map back through the plane, decoded images stay in
// [0,1], interpolation ends on its endpoints, and `aestudio-cli embed` writes one row per validation image.
#include "DatasetCatalog.h"
#include "Errors.h"
#include "InferenceModel.h"
#include "LatentSpace.h"
#include "RunDirectory.h"
#include "TinyIdx.h"
#include "TrainingRun.h"

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <cmath>

using namespace aestudio;
using namespace aestudio::testing;

namespace {

double dot(const float *a, const std::vector<double> &b)
{
    double s = 0;
    for (std::size_t i = 0; i < b.size(); ++i)
        s += a[i] * b[i];
    return s;
}

} // namespace

class TestLatent : public QObject {
    Q_OBJECT
private:
    QTemporaryDir m_dir;
    QString m_checkpoint;
    TrainingConfig m_config;

private Q_SLOTS:
    void initTestCase()
    {
        const QString data = m_dir.filePath(QStringLiteral("data"));
        writeDataset(data, 360, 40, true);
        m_config.dataset = data;
        m_config.model.latent = 6;
        m_config.batchSize = 32;
        m_config.epochs = 2;
        m_config.threads = 1;
        m_config.device = QStringLiteral("cpu");
        const RunDirectory folder = RunDirectory::createNew(m_config, QStringLiteral("latent"), m_dir.path());
        TrainingRun run(m_config, folder);
        TrainingObserver quiet;
        RunControl control;
        QVERIFY(!run.run(quiet, control).failed);
        m_checkpoint = folder.file(QStringLiteral("checkpoint.aes"));
    }

    void pcaRecoversTheAxesOfARankTwoSet()
    {
        // Codes in 6-D on a plane: the mean plus 3*x*u + y*v with u, v orthonormal and (x, y) a centred grid, so
        // the two coefficients are exactly uncorrelated and the principal axes are exactly u and v.
        const int dim = 6, side = 21, n = side * side;
        const std::vector<double> u{0.5, 0.5, 0.5, 0.5, 0, 0}, v{0, 0, 0, 0, 0.6, -0.8};
        const std::vector<double> mean{1, -2, 0.5, 0, 3, 1};
        std::vector<float> codes(std::size_t(n * dim));
        for (int i = 0; i < n; ++i) {
            const double a = 3 * (i % side - (side - 1) / 2.0), b = i / side - (side - 1) / 2.0;
            for (int j = 0; j < dim; ++j)
                codes[std::size_t(i * dim + j)]
                    = float(mean[std::size_t(j)] + a * u[std::size_t(j)] + b * v[std::size_t(j)]);
        }
        const LatentProjection p = LatentSpace::project(codes, n, dim);
        QCOMPARE(p.count, n);
        QCOMPARE(int(p.points.size()), 2 * n);
        QVERIFY2(std::abs(dot(p.axes.data(), u)) > 0.9999, qPrintable(QString::number(dot(p.axes.data(), u))));
        QVERIFY2(std::abs(dot(p.axes.data() + dim, v)) > 0.9999,
                 qPrintable(QString::number(dot(p.axes.data() + dim, v))));
        QVERIFY(std::abs(p.explained[0] + p.explained[1] - 1.0) < 1e-6); // rank 2: the plane holds everything
        QVERIFY(p.explained[0] > 0.85);
        for (int j = 0; j < dim; ++j)
            QVERIFY(std::abs(p.mean[std::size_t(j)] - mean[std::size_t(j)]) < 1e-4);
        // A point of this set maps back onto itself through the plane.
        const std::vector<float> back = LatentSpace::fromPlane(p, p.points[0], p.points[1]);
        for (int j = 0; j < dim; ++j)
            QVERIFY(std::abs(back[std::size_t(j)] - codes[std::size_t(j)]) < 1e-4);
    }

    void planePointsDecodeToImagesAndRoundTripToTheProjection()
    {
        const auto model = InferenceModel::fromCheckpoint(m_checkpoint);
        QCOMPARE(model->latentDim(), 6);
        const DatasetSplit data = DatasetCatalog::load(m_config);
        const int n = data.validation.count();
        const std::vector<float> codes = model->encode(data.validation.pixels.data(), n);
        QCOMPARE(int(codes.size()), n * 6);
        const LatentProjection p = LatentSpace::project(codes, n, 6);
        QCOMPARE(int(p.dimVariance.size()), 6);
        // A point of empty space decodes to a 28x28 image in [0,1].
        const std::vector<float> code = LatentSpace::fromPlane(p, 2.5, -1.0);
        const std::vector<float> image = model->decode(code.data(), 1);
        QCOMPARE(int(image.size()), 784);
        for (float v : image)
            QVERIFY(v >= 0.0f && v <= 1.0f);
        // The round trip of a real code is its projection onto the plane: mean + sum_k ((c - mean).a_k) a_k.
        for (int i : {0, 7, n - 1}) {
            const float *c = codes.data() + std::size_t(i) * 6;
            const std::vector<float> back
                = LatentSpace::fromPlane(p, p.points[std::size_t(2 * i)], p.points[std::size_t(2 * i + 1)]);
            for (int j = 0; j < 6; ++j) {
                double expected = p.mean[std::size_t(j)];
                for (int k = 0; k < 2; ++k) {
                    double along = 0;
                    for (int m = 0; m < 6; ++m)
                        along += (c[m] - p.mean[std::size_t(m)]) * p.axes[std::size_t(k * 6 + m)];
                    expected += along * p.axes[std::size_t(k * 6 + j)];
                }
                QVERIFY2(std::abs(back[std::size_t(j)] - expected) < 1e-3,
                         qPrintable(QStringLiteral("%1 vs %2").arg(back[std::size_t(j)]).arg(expected)));
            }
        }
        // Interpolation ends on its endpoints, and so do their decodings.
        const std::vector<float> path = LatentSpace::interpolate(codes.data(), codes.data() + 6, 6, 10);
        QCOMPARE(int(path.size()), 60);
        for (int j = 0; j < 6; ++j) {
            QCOMPARE(path[std::size_t(j)], codes[std::size_t(j)]);
            QCOMPARE(path[std::size_t(54 + j)], codes[std::size_t(6 + j)]);
        }
        const std::vector<float> strip = model->decode(path.data(), 10);
        const std::vector<float> ends = model->decode(codes.data(), 2);
        for (int k = 0; k < 784; ++k) {
            QVERIFY(std::abs(strip[std::size_t(k)] - ends[std::size_t(k)]) < 1e-6);
            QVERIFY(std::abs(strip[std::size_t(9 * 784 + k)] - ends[std::size_t(784 + k)]) < 1e-6);
        }
    }

    void tooFewCodesAreRefused()
    {
        QVERIFY_THROWS_EXCEPTION(StudioError, LatentSpace::project({1.0f, 2.0f}, 1, 2));
        QVERIFY_THROWS_EXCEPTION(StudioError, LatentSpace::project({1.0f, 2.0f, 3.0f}, 2, 2)); // wrong size
    }

    void embedWritesOneRowPerValidationImage()
    {
        const QString out = m_dir.filePath(QStringLiteral("points.csv"));
        QProcess cli;
        cli.start(
            QStringLiteral(AESTUDIO_CLI_PATH),
            {QStringLiteral("embed"), QStringLiteral("--checkpoint"), m_checkpoint, QStringLiteral("--out"), out});
        QVERIFY(cli.waitForFinished(120'000));
        const QString stdoutText = QString::fromUtf8(cli.readAllStandardOutput());
        QVERIFY2(cli.exitCode() == 0, qPrintable(QString::fromUtf8(cli.readAllStandardError())));
        QVERIFY2(stdoutText.contains(QLatin1String("explained variance: PC1 ")), qPrintable(stdoutText));
        QFile f(out);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QList<QByteArray> lines = f.readAll().trimmed().split('\n');
        QCOMPARE(lines.first(), QByteArray("index,label,pc1,pc2"));
        QCOMPARE(lines.size() - 1, 60); // 360 training images: 1/6 validation
        const QList<QByteArray> row = lines[1].split(',');
        QCOMPARE(row.size(), 4);
        bool ok = false;
        row[2].toDouble(&ok);
        QVERIFY(ok);
    }
};

QTEST_GUILESS_MAIN(TestLatent)
#include "tst_latent.moc"
