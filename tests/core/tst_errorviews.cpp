// Where a model fails: the error heatmap's colours land on the right pixels, worst-K is the K lowest PSNR images in
// order (against a brute-force reference), and per-class PSNR sums back to the global mean by class counts.
#include "ErrorViews.h"
#include "ImageFormat.h"

#include <QtTest>

#include <algorithm>
#include <random>

using namespace aestudio;

class TestErrorViews : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void perfectReconstructionIsAllZeroColour();
    void knownErrorLandsOnItsPixels();
    void worstKMatchesBruteForce();
    void perClassSumsBackToTheMean();
};

void TestErrorViews::perfectReconstructionIsAllZeroColour()
{
    std::vector<float> images(3 * kPixelsPerImage);
    std::mt19937 rng(1);
    std::uniform_real_distribution<float> u(0, 1);
    for (float &v : images)
        v = u(rng);
    const QImage map = ErrorViews::heatmap(images.data(), images.data(), 3, 3, 2);
    QCOMPARE(map.size(), QSize(3 * 28 * 2, 28 * 2));
    for (int y = 0; y < map.height(); ++y)
        for (int x = 0; x < map.width(); ++x)
            QCOMPARE(map.pixel(x, y), ErrorViews::viridis(0.0f));
    QCOMPARE(ErrorViews::viridis(0.0f), qRgb(0x44, 0x01, 0x54)); // viridis' dark end
    QCOMPARE(ErrorViews::viridis(1.0f), qRgb(0xFD, 0xE7, 0x25)); // and its bright end
}

void TestErrorViews::knownErrorLandsOnItsPixels()
{
    std::vector<float> clean(2 * kPixelsPerImage, 0.25f), recon = clean;
    recon[5 * 28 + 7] = 0.25f + ErrorViews::kHeatmapMax; // image 0, row 5, column 7: full-scale error
    recon[kPixelsPerImage + 20 * 28 + 3] = 0.0f;         // image 1, row 20, column 3: half scale
    const QImage map = ErrorViews::heatmap(clean.data(), recon.data(), 2, 2, 1);
    QCOMPARE(map.pixel(7, 5), ErrorViews::viridis(1.0f));
    QCOMPARE(map.pixel(28 + 3, 20), ErrorViews::viridis(0.5f));
    QCOMPARE(map.pixel(8, 5), ErrorViews::viridis(0.0f));
    int lit = 0;
    for (int y = 0; y < map.height(); ++y)
        for (int x = 0; x < map.width(); ++x)
            lit += map.pixel(x, y) != ErrorViews::viridis(0.0f);
    QCOMPARE(lit, 2);
}

void TestErrorViews::worstKMatchesBruteForce()
{
    std::mt19937 rng(7);
    std::uniform_real_distribution<double> u(5, 30);
    std::vector<double> psnr(500);
    for (double &v : psnr)
        v = std::round(u(rng) * 10) / 10; // ties happen
    const QVector<ErrorViews::Ranked> worst = ErrorViews::worstK(psnr, 16);
    QCOMPARE(worst.size(), 16);
    std::vector<std::pair<double, int>> all;
    for (int i = 0; i < int(psnr.size()); ++i)
        all.push_back({psnr[std::size_t(i)], i});
    std::sort(all.begin(), all.end());
    for (int i = 0; i < 16; ++i) {
        QCOMPARE(worst[i].index, all[std::size_t(i)].second);
        QCOMPARE(worst[i].psnrDb, all[std::size_t(i)].first);
    }
    QCOMPARE(ErrorViews::worstK(psnr, 1000).size(), 500);
    QVERIFY(ErrorViews::worstK({}, 16).isEmpty());
}

void TestErrorViews::perClassSumsBackToTheMean()
{
    std::mt19937 rng(3);
    std::uniform_real_distribution<double> u(10, 25);
    std::vector<double> psnr(300);
    std::vector<std::uint8_t> labels(300);
    double total = 0;
    for (std::size_t i = 0; i < psnr.size(); ++i) {
        psnr[i] = u(rng);
        labels[i] = std::uint8_t(i % 7 == 0 ? 2 : i % 3); // uneven classes 0, 1, 2
        total += psnr[i];
    }
    const QVector<ErrorViews::ClassPsnr> classes = ErrorViews::perClass(psnr, labels, {QStringLiteral("zero")});
    QCOMPARE(classes.size(), 3);
    QCOMPARE(classes[0].name, QStringLiteral("zero"));
    QCOMPARE(classes[1].name, QStringLiteral("1")); // no name given: the label
    double weighted = 0;
    int count = 0;
    for (const auto &c : classes) {
        weighted += c.meanPsnrDb * c.count;
        count += c.count;
    }
    QCOMPARE(count, 300);
    QVERIFY(std::abs(weighted / count - total / 300) < 1e-9);
    const QByteArray csv = ErrorViews::perClassCsv(classes);
    QCOMPARE(csv.count('\n'), 4);
    QVERIFY(csv.startsWith("label,class,images,mean_psnr_db\n0,\"zero\","));
}

QTEST_GUILESS_MAIN(TestErrorViews)
#include "tst_errorviews.moc"
