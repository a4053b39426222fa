// The autoencoder's shapes and ranges, the noise models, and PSNR against hand-computed values.
#include "AutoEncoder.h"
#include "CounterRandom.h"
#include "InferenceModelImpl.h"
#include "Kernels.h"
#include "FastMath.h"
#include "FlatAdam.h"
#include "FusedStep.h"
#include "Metrics.h"
#include "NoiseModel.h"
#include "Sgemm.h"

#include <QtTest>

#include <atomic>
#include <limits>
#include <random>
#include <thread>

using namespace aestudio;

namespace {

// A freshly initialised model of `depth` layers and a deep copy of it, for comparing two training paths.
std::pair<AutoEncoder, AutoEncoder> twinModels(int depth, int latent, std::uint64_t seed)
{
    ModelSpec spec;
    spec.hidden = ModelSpec::hiddenForDepth(depth);
    spec.latent = latent;
    torch::manual_seed(seed);
    AutoEncoder first(spec);
    AutoEncoder copy = cloneModel(first, torch::kCPU);
    return {first, copy};
}

// Whether dropout keeps element `index` of a layer's output: the counter formula the step's kernels implement, lane
// index mod 4 of the 64-bit hash of index / 4 below the threshold.
bool keptByCounter(const kernels::DropoutParams &p, std::uint64_t index)
{
    const std::uint32_t draw = std::uint32_t(counterrandom::mix(p.seed + (index >> 2)) >> (16 * (index & 3))) & 0xffffu;
    return draw < p.threshold;
}

// The smallest |input| of any ReLU of `model` on `input`. A ReLU's gradient jumps at 0, so two correct
// implementations whose GEMMs round differently can disagree on a mask bit, and so on whole gradients, when an input
// lies within rounding of 0.
double closestToAKink(AutoEncoder &model, const torch::Tensor &input)
{
    torch::NoGradGuard noGrad;
    torch::Tensor x = input;
    double closest = std::numeric_limits<double>::infinity();
    for (torch::nn::Sequential seq : {model->encoder, model->decoder})
        for (auto &module : *seq) {
            if (std::dynamic_pointer_cast<torch::nn::ReLUImpl>(module.ptr()))
                closest = std::min(closest, x.abs().min().item<double>());
            x = module.forward(x);
        }
    return closest;
}

} // namespace

class TestModel : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { torch::manual_seed(0); }
    void shapesAndRanges_data();
    void shapesAndRanges();
    void dropoutOnlyInTraining();
    void cloneHasSameOutputs();
    void gaussianNoiseIsSeededAndClamped();
    void saltPepperAndMaskingRates();
    void psnrHandComputed();
    void evaluateSetHandComputed();
    void engineEvaluationMatchesTorch();
    void seededModelIgnoresOtherThreads();
    void gatheredBatchMatchesTorch();
    void fusedStepMatchesAutograd_data();
    void fusedStepMatchesAutograd();
    void fusedDropoutKeepsTheRightFraction();
    void fusedStepIsTheSameOnAnyThreadCount_data();
    void fusedStepIsTheSameOnAnyThreadCount();
    void dropoutMasksFollowTheCounterFormula();
    void transposedActivationsMatchRows();
    void transposeWritesEveryElement();
    void forwardUnitsMatchesDoubleSums();
    void fusedTrainEqualsBackwardThenStep_data();
    void fusedTrainEqualsBackwardThenStep();
    void fusedTrainChangesNothingOnNaN();
    void flatAdamMatchesTorchAdam_data();
    void flatAdamMatchesTorchAdam();
    void fastMathMatchesCmath();
    void counterGaussianIsNormalAndThreadIndependent();
    void sgemmMatchesTorch_data();
    void sgemmMatchesTorch();
};

void TestModel::shapesAndRanges_data()
{
    QTest::addColumn<int>("depth");
    QTest::addColumn<int>("latent");
    QTest::addColumn<int>("params");
    // 784*256+256 + 256*128+128 + 128*15+15 + mirrored decoder
    QTest::addRow("3 layers, latent 15") << 3 << 15 << (200960 + 32896 + 1935) + (2048 + 33024 + 201488);
    QTest::addRow("3 layers, latent 100") << 3 << 100 << -1;
    QTest::addRow("5 layers, latent 30") << 5 << 30 << -1;
    QTest::addRow("5 layers, latent 7") << 5 << 7 << -1;
}

void TestModel::shapesAndRanges()
{
    QFETCH(int, depth);
    QFETCH(int, latent);
    QFETCH(int, params);
    ModelSpec spec;
    spec.hidden = ModelSpec::hiddenForDepth(depth);
    spec.latent = latent;
    spec.dropout = 0.2;
    QCOMPARE(spec.depth(), depth); // the seed's naming: "5 layers" is 4 hidden + the latent
    AutoEncoder model(spec);
    const torch::Tensor x = torch::rand({9, 784});
    const torch::Tensor z = model->encode(x);
    QCOMPARE(z.sizes().vec(), (std::vector<std::int64_t>{9, latent}));
    const torch::Tensor y = model->forward(x);
    QCOMPARE(y.sizes().vec(), (std::vector<std::int64_t>{9, 784}));
    QVERIFY(y.min().item<float>() >= 0.0f);
    QVERIFY(y.max().item<float>() <= 1.0f);
    QCOMPARE(model->decode(z).sizes().vec(), (std::vector<std::int64_t>{9, 784}));
    // Linear layers: hidden + latent on each side, plus the output layer.
    int linear = 0;
    for (const auto &m : model->modules(false))
        linear += m->as<torch::nn::Linear>() != nullptr;
    QCOMPARE(linear, 2 * (int(spec.hidden.size()) + 1));
    if (params > 0)
        QCOMPARE(parameterCount(model), std::int64_t(params));
}

void TestModel::dropoutOnlyInTraining()
{
    ModelSpec spec;
    spec.dropout = 0.5;
    AutoEncoder model(spec);
    const torch::Tensor x = torch::rand({4, 784});
    model->eval();
    QVERIFY(torch::equal(model->forward(x), model->forward(x)));
    model->train();
    QVERIFY(!torch::equal(model->forward(x), model->forward(x)));
}

void TestModel::cloneHasSameOutputs()
{
    AutoEncoder model(ModelSpec{});
    model->eval();
    AutoEncoder copy = cloneModel(model, torch::kCPU);
    const torch::Tensor x = torch::rand({3, 784});
    QVERIFY(torch::equal(model->forward(x), copy->forward(x)));
    {
        torch::NoGradGuard g;
        model->parameters().front().add_(1.0);
    }
    QVERIFY(!torch::equal(model->forward(x), copy->forward(x))); // a deep copy, not a view
}

void TestModel::gaussianNoiseIsSeededAndClamped()
{
    const torch::Tensor clean = torch::full({50, 784}, 0.5f);
    NoiseModel a({NoiseType::Gaussian, 0.5}, 42), b({NoiseType::Gaussian, 0.5}, 42), c({NoiseType::Gaussian, 0.5}, 43);
    const torch::Tensor na = a.apply(clean);
    QVERIFY(torch::equal(na, b.apply(clean)));
    QVERIFY(!torch::equal(na, c.apply(clean)));
    QVERIFY(na.min().item<float>() >= 0.0f && na.max().item<float>() <= 1.0f);
    QVERIFY(torch::equal(clean, torch::full({50, 784}, 0.5f))); // input untouched
    // Before clamping, std is 0.5; clamping at 0.5 +- 0.5 shrinks it to about 0.36.
    const double std = na.std().item<double>();
    QVERIFY2(std > 0.3 && std < 0.42, qPrintable(QString::number(std)));
    NoiseModel none({NoiseType::Gaussian, 0.0}, 1);
    QVERIFY(torch::equal(none.apply(clean), clean));
}

void TestModel::saltPepperAndMaskingRates()
{
    const torch::Tensor clean = torch::full({100, 784}, 0.5f);
    NoiseModel sp({NoiseType::SaltPepper, 0.2}, 1);
    const torch::Tensor s = sp.apply(clean);
    const double salt = (s == 1.0f).to(torch::kFloat64).mean().item<double>();
    const double pepper = (s == 0.0f).to(torch::kFloat64).mean().item<double>();
    QVERIFY2(std::abs(salt - 0.1) < 0.01 && std::abs(pepper - 0.1) < 0.01,
             qPrintable(QStringLiteral("salt %1 pepper %2").arg(salt).arg(pepper)));
    NoiseModel mask({NoiseType::Masking, 0.3}, 1);
    const torch::Tensor m = mask.apply(clean);
    QVERIFY(std::abs((m == 0.0f).to(torch::kFloat64).mean().item<double>() - 0.3) < 0.01);
    QVERIFY(((m == 0.0f) | (m == 0.5f)).all().item<bool>());
}

void TestModel::psnrHandComputed()
{
    QCOMPARE(psnrDb(0.01), 20.0);
    QCOMPARE(psnrDb(1.0), 0.0);
    QVERIFY(std::abs(psnrDb(0.25) - 6.0206) < 1e-4);
    QCOMPARE(psnrDb(0.0), 100.0); // floored, never infinite
}

void TestModel::evaluateSetHandComputed()
{
    // All weights zero: every output pixel is sigmoid(0) = 0.5, whatever the input.
    AutoEncoder model(ModelSpec{});
    {
        torch::NoGradGuard g;
        for (auto &p : model->parameters())
            p.zero_();
    }
    std::vector<std::uint8_t> pixels(2 * 784);
    std::fill(pixels.begin(), pixels.begin() + 784, 0); // image 0: black -> MSE 0.25
    std::fill(pixels.begin() + 784, pixels.end(), 102); // image 1: 0.4 -> MSE 0.01
    const QualityMetrics m = evaluateSet(model, pixelView(pixels.data(), 2), NoiseSpec{}, 0, torch::kCPU);
    QCOMPARE(m.images, 2);
    QVERIFY(std::abs(m.mse - 0.13) < 1e-6);
    QVERIFY(std::abs(m.psnrMeanDb - (6.0206 + 20.0) / 2) < 1e-3);
    QVERIFY(std::abs(m.psnrGlobalDb - 10 * std::log10(1 / 0.13)) < 1e-4);
    QCOMPARE(m.noisyMse, 0.0); // no noise: the input is the clean image
    QCOMPARE(m.noisyPsnrMeanDb, 100.0);
    QVERIFY(model->is_training()); // evaluation restored the mode it found
}

void TestModel::gatheredBatchMatchesTorch()
{
    // The trainer's batch: rows picked by the shuffle and scaled to [0,1] in one pass, bit-identical to the tensor
    // ops it replaced (index_select, to(float), mul_(1/255)).
    const torch::Tensor pixels = torch::randint(0, 256, {50, 784}, torch::kUInt8);
    const torch::Tensor rows = torch::tensor(std::vector<std::int64_t>{7, 0, 49, 7, 23});
    torch::Tensor got = torch::full({5, 784}, -1.0f);
    kernels::gatherScaledRows(pixels.data_ptr<std::uint8_t>(), rows.data_ptr<std::int64_t>(), 5, 784, 1.0f / 255.0f,
                              got.data_ptr<float>());
    const torch::Tensor want = toUnitFloat(pixels.index_select(0, rows), torch::kCPU);
    QVERIFY(torch::equal(got, want));
}

void TestModel::seededModelIgnoresOtherThreads()
{
    // Sweep runs start side by side while others build models (grid snapshots, checkpoints read back): a run's
    // initial weights must come from its seed alone.
    ModelSpec spec;
    const AutoEncoder reference = seededModel(spec, 42);
    std::atomic<bool> done{false};
    std::thread other([&] {
        while (!done) {
            AutoEncoder busy(spec); // draws from the global generator
            seedGlobalGenerator(7);
        }
    });
    bool allSame = true;
    for (int i = 0; i < 30 && allSame; ++i) {
        const AutoEncoder again = seededModel(spec, 42);
        const auto a = reference->parameters(), b = again->parameters();
        for (std::size_t k = 0; k < a.size(); ++k)
            allSame = allSame && torch::equal(a[k], b[k]);
    }
    done = true;
    other.join();
    QVERIFY(allSame);
}

void TestModel::engineEvaluationMatchesTorch()
{
    // Validation runs the CPU engine's forward pass (StepEngine::evaluate) instead of torch's. The same numbers:
    // per image, against torch in eval mode (no dropout), for a row count that is not a multiple of its 64-row
    // blocks, and bit-identical for 1 and 2 threads.
    ModelSpec spec;
    spec.hidden = ModelSpec::hiddenForDepth(5);
    spec.latent = 30;
    spec.dropout = 0.5; // must be off in evaluation, in both paths
    torch::manual_seed(3);
    AutoEncoder model(spec);
    const std::int64_t rows = 150;
    const torch::Tensor clean = torch::rand({rows, 784});
    const torch::Tensor noisy = (clean + 0.3 * torch::randn({rows, 784})).clamp(0, 1);
    model->eval();
    torch::Tensor expected;
    {
        torch::NoGradGuard g;
        expected = (model->forward(noisy) - clean).pow(2).sum(1).to(torch::kFloat64);
    }
    const std::vector<step::Layer> layers = engineLayers(model);
    QCOMPARE(layers.size(), std::size_t(10));
    std::vector<std::vector<double>> byThreads;
    for (const int threads : {1, 2}) {
        at::set_num_threads(threads);
        std::vector<double> got(std::size_t(rows), -1.0);
        step::evaluate(layers, noisy.data_ptr<float>(), clean.data_ptr<float>(), rows, got.data());
        for (std::int64_t r = 0; r < rows; ++r) {
            const double want = expected[r].item<double>();
            QVERIFY2(std::abs(got[std::size_t(r)] - want) <= 1e-4 * want,
                     qPrintable(QStringLiteral("row %1, %2 threads: %3 vs torch %4")
                                    .arg(r)
                                    .arg(threads)
                                    .arg(got[std::size_t(r)])
                                    .arg(want)));
        }
        byThreads.push_back(got);
    }
    QVERIFY(byThreads[0] == byThreads[1]);
    at::set_num_threads(1);

    // evaluateSet's aggregate from it: the mean of the per-image MSEs over uint8 images.
    const torch::Tensor pixels = torch::randint(0, 256, {rows, 784}, torch::kUInt8);
    const QualityMetrics m = evaluateSet(model, pixels, NoiseSpec{}, 0, torch::kCPU);
    torch::NoGradGuard g;
    const torch::Tensor unit = pixels.to(torch::kFloat32) / 255.0f;
    const double mse = (model->forward(unit) - unit).pow(2).mean().item<double>();
    QVERIFY2(std::abs(m.mse - mse) <= 1e-5 * mse, qPrintable(QStringLiteral("%1 vs %2").arg(m.mse).arg(mse)));
}

void TestModel::fusedStepMatchesAutograd_data()
{
    QTest::addColumn<int>("depth");
    QTest::addColumn<int>("batch");
    QTest::addColumn<int>("threads");
    QTest::addColumn<int>("latent");
    // Up to 64 rows the threads split each layer's units, beyond it the batch's rows (StepEngine); 3 threads and a
    // latent dim of 2 leave one thread without any unit of the latent layer.
    QTest::addRow("3 layers, batch 64, 2 threads") << 3 << 64 << 2 << 15;
    QTest::addRow("5 layers, batch 7, 2 threads") << 5 << 7 << 2 << 15;
    QTest::addRow("5 layers, batch 64, 3 threads, latent 2") << 5 << 64 << 3 << 2;
    QTest::addRow("3 layers, batch 64, 1 thread") << 3 << 64 << 1 << 15;
    QTest::addRow("3 layers, batch 100, 2 threads") << 3 << 100 << 2 << 15;
}

void TestModel::fusedStepMatchesAutograd()
{
    QFETCH(int, depth);
    QFETCH(int, batch);
    QFETCH(int, threads);
    QFETCH(int, latent);
    const int savedThreads = at::get_num_threads();
    at::set_num_threads(threads);
    const auto restore = qScopeGuard([savedThreads] { at::set_num_threads(savedThreads); });
    auto [reference, fused] = twinModels(depth, latent, 11);
    FlatAdam adam(fused->parameters(), FlatAdam::Options{}); // gives the fused path its gradient buffers
    FusedStep step(fused, 0.0, adam);
    // A batch with no ReLU input within 2e-6 of 0, where a last-bit difference between the engine's GEMMs and
    // torch's could flip a mask: the comparison is then of the maths, not of the rounding at a kink.
    torch::Tensor clean, noisy;
    for (int draw = 0;; ++draw) {
        clean = torch::rand({batch, 784});
        noisy = (clean + 0.3 * torch::randn({batch, 784})).clamp(0, 1);
        const double closest = closestToAKink(reference, noisy);
        if (closest > 2e-6)
            break;
        QVERIFY2(draw < 100, "no batch keeps every ReLU input 2e-6 away from 0");
    }

    const torch::Tensor loss = torch::mse_loss(reference->forward(noisy), clean);
    loss.backward();
    const float fusedLoss = step.forwardBackward(noisy, clean, 1);
    QVERIFY2(std::abs(fusedLoss - loss.item<float>()) < 1e-6,
             qPrintable(QStringLiteral("%1 vs %2").arg(fusedLoss).arg(loss.item<float>())));
    const auto a = reference->parameters(), b = fused->parameters();
    QCOMPARE(a.size(), b.size());
    for (std::size_t i = 0; i < a.size(); ++i) {
        const double scale = a[i].grad().abs().max().item<double>();
        const double diff = (a[i].grad() - b[i].grad()).abs().max().item<double>();
        QVERIFY2(diff <= 1e-4 * scale + 1e-9,
                 qPrintable(QStringLiteral("param %1: %2 (scale %3)").arg(i).arg(diff).arg(scale)));
    }
}

void TestModel::fusedDropoutKeepsTheRightFraction()
{
    ModelSpec spec;
    AutoEncoder model(spec);
    FlatAdam adam(model->parameters(), FlatAdam::Options{});
    FusedStep step(model, 0.5, adam);
    const torch::Tensor x = torch::rand({256, 784});
    // With p = 0.5 the loss differs between seeds (different masks) and repeats for the same seed.
    const float a = step.forwardBackward(x, x, 1), b = step.forwardBackward(x, x, 1), c = step.forwardBackward(x, x, 2);
    QCOMPARE(a, b);
    QVERIFY(a != c);
    // Gradient of the first layer's bias is zero exactly where units were dropped or inactive for every image;
    // with half the units dropped per image and 256 images, almost no unit is silent throughout.
    const torch::Tensor g = model->parameters()[1].grad();
    QVERIFY((g != 0).to(torch::kFloat64).mean().item<double>() > 0.9);
}

void TestModel::fusedStepIsTheSameOnAnyThreadCount_data()
{
    QTest::addColumn<int>("batch");
    QTest::addRow("batch 64 (threads split units)") << 64;
    QTest::addRow("batch 100 (threads split rows)") << 100;
}

// With dropout, every thread count must draw the same masks and so give the same loss and gradients up to the
// order of float sums: each element's draw follows from its place in the layer's output, not from where a thread
// keeps it. A mask that followed the split would change about a fifth of the kept units and the loss by far more
// than rounding.
void TestModel::fusedStepIsTheSameOnAnyThreadCount()
{
    QFETCH(int, batch);
    const int savedThreads = at::get_num_threads();
    const auto restore = qScopeGuard([savedThreads] { at::set_num_threads(savedThreads); });
    torch::manual_seed(5);
    const torch::Tensor clean = torch::rand({batch, 784});
    const torch::Tensor noisy = (clean + 0.3 * torch::randn({batch, 784})).clamp(0, 1);
    float firstLoss = 0;
    std::vector<torch::Tensor> firstGrads;
    for (const int threads : {1, 2, 3}) {
        at::set_num_threads(threads);
        auto model = twinModels(5, 15, 13).first;
        FlatAdam adam(model->parameters(), FlatAdam::Options{});
        FusedStep step(model, 0.3, adam);
        const float loss = step.forwardBackward(noisy, clean, 9);
        if (threads == 1) {
            firstLoss = loss;
            for (const auto &p : model->parameters())
                firstGrads.push_back(p.grad().clone());
            continue;
        }
        QVERIFY2(std::abs(loss - firstLoss) <= 1e-6f * firstLoss,
                 qPrintable(QStringLiteral("%1 threads: loss %2, 1 thread %3").arg(threads).arg(loss).arg(firstLoss)));
        const auto params = model->parameters();
        for (std::size_t i = 0; i < params.size(); ++i) {
            const double scale = firstGrads[i].abs().max().item<double>();
            const double diff = (params[i].grad() - firstGrads[i]).abs().max().item<double>();
            QVERIFY2(diff <= 1e-4 * scale + 1e-9, qPrintable(QStringLiteral("%1 threads, param %2: %3 (scale %4)")
                                                                 .arg(threads)
                                                                 .arg(i)
                                                                 .arg(diff)
                                                                 .arg(scale)));
        }
    }
}

void TestModel::fusedTrainEqualsBackwardThenStep_data()
{
    QTest::addColumn<int>("depth");
    QTest::addColumn<int>("batch");
    QTest::addColumn<double>("dropout");
    QTest::addColumn<double>("weightDecay");
    QTest::addRow("3 layers, batch 64, dropout 0.2, L2") << 3 << 64 << 0.2 << 1e-3;
    QTest::addRow("5 layers, batch 5") << 5 << 5 << 0.0 << 0.0;
    QTest::addRow("3 layers, batch 100, dropout 0.2") << 3 << 100 << 0.2 << 0.0;
}

// The fused update (Adam applied per slice inside the backward pass, by whichever thread computed the slice's
// gradient) must equal computing all gradients first and then FlatAdam::step(), step after step.
void TestModel::fusedTrainEqualsBackwardThenStep()
{
    QFETCH(int, depth);
    QFETCH(int, batch);
    QFETCH(double, dropout);
    QFETCH(double, weightDecay);
    auto [separate, fused] = twinModels(depth, 15, 21);
    FlatAdam::Options options;
    options.weightDecay = weightDecay;
    FlatAdam adamA(separate->parameters(), options), adamB(fused->parameters(), options);
    FusedStep stepA(separate, dropout, adamA), stepB(fused, dropout, adamB);
    for (int i = 0; i < 5; ++i) {
        const torch::Tensor clean = torch::rand({batch, 784});
        const torch::Tensor noisy = (clean + 0.5 * torch::randn({batch, 784})).clamp(0, 1);
        const float lossA = stepA.forwardBackward(noisy, clean, std::uint64_t(i));
        adamA.step();
        const float lossB = stepB.train(noisy, clean, std::uint64_t(i));
        QCOMPARE(lossB, lossA);
    }
    QCOMPARE(adamB.steps(), std::int64_t(5));
    const auto a = separate->parameters(), b = fused->parameters();
    double worst = 0;
    for (std::size_t i = 0; i < a.size(); ++i)
        worst = std::max(worst, (a[i] - b[i]).abs().max().item<double>());
    QVERIFY2(worst == 0.0, qPrintable(QStringLiteral("max |difference| %1").arg(worst)));
    QVERIFY((a[0] - cloneModel(fused, torch::kCPU)->parameters()[0]).abs().max().item<double>() == 0.0);
}

void TestModel::fusedTrainChangesNothingOnNaN()
{
    ModelSpec spec;
    AutoEncoder model(spec);
    FlatAdam adam(model->parameters(), FlatAdam::Options{});
    FusedStep step(model, 0.2, adam);
    const torch::Tensor x = torch::rand({16, 784});
    QVERIFY(std::isfinite(step.train(x, x, 1)));
    QCOMPARE(adam.steps(), std::int64_t(1));
    std::vector<torch::Tensor> before;
    for (const auto &p : model->parameters())
        before.push_back(p.clone());
    const torch::Tensor bad = x.clone();
    bad[3][5] = std::numeric_limits<float>::quiet_NaN();
    QVERIFY(std::isnan(step.train(bad, x, 2)));
    QCOMPARE(adam.steps(), std::int64_t(1));
    const auto after = model->parameters();
    for (std::size_t i = 0; i < before.size(); ++i)
        QVERIFY(torch::equal(before[i], after[i]));
}

void TestModel::flatAdamMatchesTorchAdam_data()
{
    QTest::addColumn<double>("weightDecay");
    QTest::addColumn<double>("dropout");
    QTest::addRow("plain") << 0.0 << 0.0;
    QTest::addRow("L2 1e-3, dropout") << 1e-3 << 0.2;
}

void TestModel::flatAdamMatchesTorchAdam()
{
    QFETCH(double, weightDecay);
    QFETCH(double, dropout);
    ModelSpec spec;
    spec.dropout = dropout;
    torch::manual_seed(3);
    AutoEncoder reference(spec);
    AutoEncoder fused = cloneModel(reference, torch::kCPU);
    torch::optim::Adam torchAdam(reference->parameters(), torch::optim::AdamOptions(1e-3).weight_decay(weightDecay));
    FlatAdam::Options options;
    options.weightDecay = weightDecay;
    FlatAdam flatAdam(fused->parameters(), options);
    const torch::Tensor x = torch::rand({32, 784});
    for (int step = 0; step < 8; ++step) {
        // Same dropout masks on both sides: reseed before each forward.
        torch::manual_seed(100 + step);
        torchAdam.zero_grad();
        torch::mse_loss(reference->forward(x), x).backward();
        torchAdam.step();
        torch::manual_seed(100 + step);
        flatAdam.zeroGrad();
        torch::mse_loss(fused->forward(x), x).backward();
        flatAdam.step();
    }
    QCOMPARE(flatAdam.steps(), std::int64_t(8));
    const auto a = reference->parameters(), b = fused->parameters();
    double worst = 0;
    for (std::size_t i = 0; i < a.size(); ++i)
        worst = std::max(worst, (a[i] - b[i]).abs().max().item<double>());
    QVERIFY2(worst < 1e-5, qPrintable(QStringLiteral("max |difference| %1").arg(worst)));
    // And the parameters really moved (the test would pass trivially if neither optimizer stepped).
    AutoEncoder untouched = [&] {
        torch::manual_seed(3);
        return AutoEncoder(spec);
    }();
    QVERIFY((untouched->parameters()[0] - b[0]).abs().max().item<double>() > 1e-4);
}

void TestModel::fastMathMatchesCmath()
{
    double expErr = 0, logErr = 0, trigErr = 0;
    for (int i = 0; i <= 200000; ++i) {
        const float x = -87.0f + 175.0f * float(i) / 200000.0f;
        expErr = std::max(expErr, std::abs(double(fastmath::exp(x)) / std::exp(double(x)) - 1.0));
        const float y = std::ldexp(1.0f + float(i) / 200000.0f, i % 200 - 100); // mantissas x exponents
        logErr = std::max(logErr, std::abs(double(fastmath::log(y)) - std::log(double(y))));
        const float u = float(i) / 200000.0f;
        const fastmath::SinCos sc = fastmath::sinCos2Pi(u);
        trigErr = std::max(
            {trigErr, std::abs(sc.sin - std::sin(2.0 * M_PI * u)), std::abs(sc.cos - std::cos(2.0 * M_PI * u))});
    }
    const QString report = QStringLiteral("exp rel %1, log abs %2, sincos abs %3").arg(expErr).arg(logErr).arg(trigErr);
    qInfo("%s", qPrintable(report));
    QVERIFY2(expErr < 1e-6 && logErr < 1e-5 && trigErr < 1e-6, qPrintable(report));
    QCOMPARE(fastmath::exp(-200.0f) > 0.0f, true); // clamped, never a denormal or zero
    QVERIFY(std::isfinite(fastmath::exp(200.0f)));
}

void TestModel::counterGaussianIsNormalAndThreadIndependent()
{
    const std::int64_t n = 1 << 20;
    std::vector<float> two(n), one(n), prefix(1000);
    at::set_num_threads(2);
    counterrandom::fillGaussian(two.data(), n, 1.0f, 1234);
    at::set_num_threads(1);
    counterrandom::fillGaussian(one.data(), n, 1.0f, 1234);
    counterrandom::fillGaussian(prefix.data(), std::int64_t(prefix.size()), 1.0f, 1234);
    at::set_num_threads(2);
    QVERIFY(one == two);                                            // any thread split gives the same numbers
    QVERIFY(std::equal(prefix.begin(), prefix.end(), one.begin())); // value i depends only on (key, i)
    // Filled in parts (the training step's threads, each its own rows of a batch of 64 images), the noisy batch is
    // the one addGaussianClamped gives; part boundaries fall inside noise blocks.
    {
        const std::int64_t values = 64 * 784;
        std::vector<float> clean(static_cast<std::size_t>(values)), whole(clean.size()), parts(clean.size(), -1.0f);
        for (std::size_t i = 0; i < clean.size(); ++i)
            clean[i] = float(i % 256) / 255.0f;
        counterrandom::addGaussianClamped(clean.data(), whole.data(), values, 0.5f, 99);
        for (const std::int64_t rows : {std::int64_t(0), std::int64_t(21), std::int64_t(32), std::int64_t(33)}) {
            const std::int64_t cut = rows * 784;
            counterrandom::addGaussianClampedRange(clean.data(), parts.data(), 0.5f, 99, 0, cut);
            counterrandom::addGaussianClampedRange(clean.data(), parts.data(), 0.5f, 99, cut, values);
            QVERIFY2(parts == whole, qPrintable(QStringLiteral("parts cut at row %1").arg(rows)));
            std::fill(parts.begin(), parts.end(), -1.0f);
        }
    }
    double sum = 0, sumSq = 0, sumQuad = 0;
    std::int64_t beyond2 = 0, beyond3 = 0;
    for (float v : one) {
        sum += v;
        sumSq += double(v) * v;
        sumQuad += double(v) * v * v * v;
        beyond2 += std::abs(v) > 2.0f;
        beyond3 += std::abs(v) > 3.0f;
    }
    const double mean = sum / n, var = sumSq / n - mean * mean, kurtosis = sumQuad / n / (var * var);
    const double p2 = double(beyond2) / n, p3 = double(beyond3) / n;
    const QString report = QStringLiteral("mean %1 var %2 kurtosis %3 P(|z|>2) %4 P(|z|>3) %5")
                               .arg(mean)
                               .arg(var)
                               .arg(kurtosis)
                               .arg(p2)
                               .arg(p3);
    qInfo("%s", qPrintable(report));
    // Standard errors at n = 2^20: mean 0.001, var 0.0014, tail fractions 0.0002 and 0.00005.
    QVERIFY2(std::abs(mean) < 0.005 && std::abs(var - 1.0) < 0.007 && std::abs(kurtosis - 3.0) < 0.05
                 && std::abs(p2 - 0.0455) < 0.001 && std::abs(p3 - 0.0027) < 0.0003,
             qPrintable(report));
    std::vector<float> other(n);
    counterrandom::fillGaussian(other.data(), n, 1.0f, 1235);
    QVERIFY(other != one);
}

void TestModel::sgemmMatchesTorch_data()
{
    QTest::addColumn<bool>("transA");
    QTest::addColumn<bool>("transB");
    QTest::addColumn<float>("beta");
    QTest::addRow("NN") << false << false << 0.0f;
    QTest::addRow("NT") << false << true << 0.0f;
    QTest::addRow("TN") << true << false << 0.0f;
    QTest::addRow("TT, beta 1") << true << true << 1.0f;
}

void TestModel::sgemmMatchesTorch()
{
    QFETCH(bool, transA);
    QFETCH(bool, transB);
    QFETCH(float, beta);
    const std::int64_t m = 37, n = 130, k = 65;
    torch::manual_seed(5);
    const torch::Tensor a = transA ? torch::randn({k, m}) : torch::randn({m, k});
    const torch::Tensor b = transB ? torch::randn({n, k}) : torch::randn({k, n});
    const torch::Tensor c0 = torch::randn({m, n});
    torch::Tensor c = c0.clone();
    gemm::sgemm(transA ? gemm::Op::Transpose : gemm::Op::None, transB ? gemm::Op::Transpose : gemm::Op::None, m, n, k,
                0.5f, a.data_ptr<float>(), a.size(1), b.data_ptr<float>(), b.size(1), beta, c.data_ptr<float>(), n);
    const torch::Tensor expected = 0.5 * torch::mm(transA ? a.t() : a, transB ? b.t() : b) + beta * c0;
    const double err = (c - expected).abs().max().item<double>();
    QVERIFY2(err < 1e-4, qPrintable(QStringLiteral("%1 via %2").arg(err).arg(QString::fromUtf8(gemm::backendName()))));
}

// The dropout mask is a pure function of (seed, element index): element i keeps its value when 16-bit lane i mod 4
// of mix(seed + i / 4) is below the threshold. Resumed runs and every thread count rely on it, so the vectorised
// kernel must give exactly this, for any row length and row range (widths not a multiple of 4 or of the chunk).
void TestModel::transposeWritesEveryElement()
{
    // Shapes around the 8x8 tiles: whole tiles, ragged right columns, ragged bottom rows, both, and one row.
    for (const auto &[rows, cols] : {std::pair{16, 24}, std::pair{8, 13}, std::pair{13, 8}, std::pair{21, 19},
                                     std::pair{1, 9}, std::pair{64, 784}}) {
        const std::int64_t lds = cols + 3, ldd = rows + 5;
        std::vector<float> src(std::size_t(rows * lds)), dst(std::size_t(cols * ldd), -1.0f);
        for (std::size_t i = 0; i < src.size(); ++i)
            src[i] = float(i);
        kernels::transpose(src.data(), lds, rows, cols, dst.data(), ldd);
        for (std::int64_t r = 0; r < rows; ++r)
            for (std::int64_t c = 0; c < cols; ++c)
                QVERIFY2(dst[std::size_t(c * ldd + r)] == src[std::size_t(r * lds + c)],
                         qPrintable(QStringLiteral("%1x%2 at (%3,%4)").arg(rows).arg(cols).arg(r).arg(c)));
        for (std::int64_t c = 0; c < cols; ++c) // the padding between dst's rows is left alone
            for (std::int64_t r = rows; r < ldd; ++r)
                QCOMPARE(dst[std::size_t(c * ldd + r)], -1.0f);
    }
}

void TestModel::forwardUnitsMatchesDoubleSums()
{
    if (!kernels::forwardUnitsRuns(64))
        QSKIP("this CPU has no AVX-512: the step uses oneDNN's sgemm for the forward GEMMs instead");
    std::mt19937 gen(7);
    std::uniform_real_distribution<float> uniform(-1.0f, 1.0f);
    // Every ldz; unit counts that leave each remainder of the 6- and 8-unit tiles; depths below, at and across the
    // 256-deep blocks; and adding to what zT holds.
    for (const std::int64_t ldz : {16, 32, 48, 64})
        for (const std::int64_t units : {1, 5, 7, 13, 64})
            for (const std::int64_t depth : {3, 256, 300})
                for (const bool accumulate : {false, true}) {
                    const std::int64_t ldw = depth + 2;
                    std::vector<float> xT(std::size_t(depth * ldz)), w(std::size_t(units * ldw)),
                        zT(std::size_t(units * ldz));
                    for (float &v : xT)
                        v = uniform(gen);
                    for (float &v : w)
                        v = uniform(gen);
                    for (float &v : zT)
                        v = uniform(gen);
                    const std::vector<float> before = zT;
                    QVERIFY(kernels::forwardUnits(xT.data(), ldz, w.data(), ldw, units, depth, zT.data(), accumulate));
                    for (std::int64_t n = 0; n < units; ++n)
                        for (std::int64_t m = 0; m < ldz; ++m) {
                            double want = accumulate ? before[std::size_t(n * ldz + m)] : 0.0;
                            for (std::int64_t k = 0; k < depth; ++k)
                                want += double(xT[std::size_t(k * ldz + m)]) * w[std::size_t(n * ldw + k)];
                            const double got = zT[std::size_t(n * ldz + m)];
                            QVERIFY2(std::abs(got - want) <= 1e-5 * std::sqrt(double(depth)) + 1e-6,
                                     qPrintable(QStringLiteral("ldz %1, %2 units, depth %3, unit %4 row %5: %6 vs %7")
                                                    .arg(ldz)
                                                    .arg(units)
                                                    .arg(depth)
                                                    .arg(n)
                                                    .arg(m)
                                                    .arg(got)
                                                    .arg(want)));
                        }
                }
    QVERIFY(!kernels::forwardUnits(nullptr, 40, nullptr, 1, 1, 1, nullptr, false)); // not a multiple of 16
}

void TestModel::dropoutMasksFollowTheCounterFormula()
{
    for (const std::int64_t cols : {15, 64, 255, 256, 300, 513}) {
        const std::int64_t rows = 5;
        std::vector<float> z(std::size_t(rows * cols), 1.0f), a(z.size(), -1.0f), bias(std::size_t(cols), 0.5f);
        const kernels::DropoutParams p{0x1234567890abcdefull + std::uint64_t(cols), 52429u, 1.25f, true}; // keep 0.8
        kernels::biasReluDropoutRows(z.data() + cols, cols, a.data() + cols, cols, bias.data(), cols, 1, rows, cols, 0,
                                     p);
        for (std::int64_t i = cols; i < rows * cols; ++i) {
            const float expected = keptByCounter(p, std::uint64_t(i)) ? p.scale : 0.0f;
            if (a[std::size_t(i)] != 1.5f * expected)
                QFAIL(qPrintable(QStringLiteral("cols %1, element %2: a %3, formula %4")
                                     .arg(cols)
                                     .arg(i)
                                     .arg(a[std::size_t(i)])
                                     .arg(1.5f * expected)));
        }
        for (std::int64_t i = 0; i < cols; ++i) // row 0 is outside the range: untouched
            QCOMPARE(a[std::size_t(i)], -1.0f);
        // The same output kept as column blocks, each its own row-major [rows, width] matrix (the step's units
        // layout), gives each element the same mask as the whole matrix.
        const std::int64_t split = cols / 3;
        for (const auto &[first, width] : {std::pair{std::int64_t(0), split}, std::pair{split, cols - split}}) {
            std::vector<float> zb(std::size_t(rows * width), 1.0f), ab(zb.size());
            kernels::biasReluDropoutRows(zb.data() + width, width, ab.data() + width, width, bias.data() + first, width,
                                         1, rows, cols, first, p);
            for (std::int64_t r = 1; r < rows; ++r)
                for (std::int64_t c = 0; c < width; ++c)
                    if (ab[std::size_t(r * width + c)] != a[std::size_t(r * cols + first + c)])
                        QFAIL(qPrintable(QStringLiteral("cols %1, block at column %2: row %3 column %4 differs")
                                             .arg(cols)
                                             .arg(first)
                                             .arg(r)
                                             .arg(first + c)));
        }
    }
}

// The kernels that read pre-activations stored transposed (as forwardUnits leaves them) give the same activations,
// dZ and loss as the row-wise ones, for every row count (the transposes go 8 rows at a time); and the backward pass's
// mask, read back from the activations, is the one the forward pass applied.
void TestModel::transposedActivationsMatchRows()
{
    std::mt19937 gen(7);
    std::normal_distribution<float> normal;
    std::uniform_real_distribution<float> uniform;
    for (const std::int64_t width : {1, 7, 15, 64, 392})
        for (const std::int64_t rows : {1, 5, 8, 13, 64}) {
            const std::int64_t ldz = (rows + 15) / 16 * 16, layerCols = 2 * width + 3, first = width + 3;
            std::vector<float> z(std::size_t(rows * width)), zT(std::size_t(width * ldz), 99.0f),
                bias(static_cast<std::size_t>(width)), target(std::size_t(rows * layerCols));
            for (float &v : z)
                v = normal(gen);
            for (float &v : bias)
                v = 0.1f * normal(gen);
            for (float &v : target)
                v = uniform(gen);
            for (std::int64_t r = 0; r < rows; ++r)
                for (std::int64_t c = 0; c < width; ++c)
                    zT[std::size_t(c * ldz + r)] = z[std::size_t(r * width + c)];
            const QString where = QStringLiteral("width %1, rows %2").arg(width).arg(rows);
            for (const bool dropping : {true, false}) {
                const kernels::DropoutParams p{0xfeedull + std::uint64_t(width * rows), 45875u, 1.0f / 0.7f, dropping};
                std::vector<float> want(z.size()), got(z.size(), -7.0f);
                kernels::biasReluDropoutRows(z.data(), width, want.data(), width, bias.data(), width, 0, rows,
                                             layerCols, first, p);
                kernels::biasReluDropoutTransposed(zT.data(), ldz, got.data(), bias.data(), width, rows, layerCols,
                                                   first, p);
                QVERIFY2(got == want, qPrintable(where));
                // Each element's mask, applied to a gradient of ones, by the formula and read back from a.
                std::vector<float> masked(z.size(), 1.0f);
                kernels::maskByActivation(masked.data(), want.data(), kernels::keptScale(p), 0, rows * width);
                for (std::int64_t r = 0; r < rows; ++r)
                    for (std::int64_t c = 0; c < width; ++c) {
                        const std::size_t i = std::size_t(r * width + c);
                        const bool kept = !dropping || keptByCounter(p, std::uint64_t(r * layerCols + first + c));
                        const float mask = z[i] + bias[std::size_t(c)] > 0.0f && kept ? kernels::keptScale(p) : 0.0f;
                        if (masked[i] != mask)
                            QFAIL(qPrintable(QStringLiteral("%1, row %2 column %3: mask %4, formula %5")
                                                 .arg(where)
                                                 .arg(r)
                                                 .arg(c)
                                                 .arg(masked[i])
                                                 .arg(mask)));
                    }
            }
            std::vector<float> dzWant(z.size()), dzGot(z.size(), -7.0f);
            const float twoOverN = 2.0f / float(rows * layerCols);
            const double lossWant = kernels::sigmoidMseRows(z.data(), width, bias.data(), target.data() + first,
                                                            layerCols, dzWant.data(), width, 0, rows, twoOverN);
            const double lossGot = kernels::sigmoidMseTransposed(zT.data(), ldz, bias.data(), target.data() + first,
                                                                 layerCols, dzGot.data(), width, rows, twoOverN);
            QVERIFY2(dzGot == dzWant, qPrintable(where));
            QCOMPARE(lossGot, lossWant);
            QVERIFY(lossWant > 0.0);
        }
}

QTEST_GUILESS_MAIN(TestModel)
#include "tst_model.moc"
