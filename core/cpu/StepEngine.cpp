#include "StepEngine.h"

#include "CounterRandom.h"
#include "Sgemm.h"

#include <omp.h>
#if defined(__SSE__)
#include <xmmintrin.h>
#endif

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <mutex>
#include <thread>
#include <utility>

namespace aestudio::step {
namespace {

using gemm::Op;

std::atomic<bool> g_profiling{false};
std::mutex g_profileMutex;
Profile g_profile;

// One thread's share of the profile, added to the total when the step ends.
struct ThreadClock {
    bool on = g_profiling.load(std::memory_order_relaxed);
    double gemm = 0, barrier = 0, adam = 0, prepare = 0;
    std::chrono::steady_clock::time_point start
        = on ? std::chrono::steady_clock::now() : std::chrono::steady_clock::time_point{};
    template <typename F> void time(double &into, F &&work)
    {
        if (!on) {
            work();
            return;
        }
        const auto t0 = std::chrono::steady_clock::now();
        work();
        into += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    }
    ~ThreadClock()
    {
        if (!on)
            return;
        const double total = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        std::lock_guard<std::mutex> lock(g_profileMutex);
        g_profile.threadSeconds += total;
        g_profile.gemmSeconds += gemm;
        g_profile.barrierSeconds += barrier;
        g_profile.adamSeconds += adam;
        g_profile.prepareSeconds += prepare;
    }
};

// Denormal floats (magnitude below 1.2e-38) read and written as zero by this thread while the engine runs on it,
// as torch.set_flush_denormal(True) does; the thread's previous mode comes back afterwards. Adam's first moment of a
// weight whose gradient stays exactly zero (a pixel that is black in every image, a ReLU unit that never fires)
// shrinks by 0.9 a step and turns denormal after about 700 steps, and small products in the backward GEMMs can be too;
// arithmetic on denormals takes slow paths. Measured with `bench --profile`: 6-14% more samples/s. Values that
// small change no weight: Adam divides the moment by sqrt(v) + 1e-8.
class FlushDenormals {
public:
#if defined(__SSE__)
    FlushDenormals() : m_saved(_mm_getcsr())
    {
        _mm_setcsr(m_saved | kFlushToZero | kDenormalsAreZero);
    }
    ~FlushDenormals()
    {
        _mm_setcsr(m_saved);
    }

private:
    static constexpr unsigned kFlushToZero = 0x8000, kDenormalsAreZero = 0x0040;
    unsigned m_saved;
#endif
};

// [begin, end) of `count` items for part `part` of `parts`: contiguous, sizes differ by at most one.
struct Range {
    std::int64_t begin, end;
    std::int64_t size() const { return end - begin; }
};
Range share(std::int64_t count, int part, int parts)
{
    return {count * part / parts, count * (part + 1) / parts};
}

// A barrier in two halves for the units layout: arrive() once this thread's share of a phase is written, wait()
// before it reads the others' shares. What a thread does in between (its weight gradient and Adam's update, which
// need nothing from the others) fills the time it would otherwise spend waiting for a slower thread. Every arrive()
// is followed by its wait() before the next arrive().
class SplitBarrier {
public:
    explicit SplitBarrier(int threads) : m_threads(threads) { }
    unsigned arrive()
    {
        // This thread saw the previous phase end in its last wait(), so this load gives the current phase.
        const unsigned phase = m_phase.load(std::memory_order_relaxed);
        if (m_arrived.fetch_add(1, std::memory_order_acq_rel) + 1 == m_threads) {
            m_arrived.store(0, std::memory_order_relaxed);
            m_phase.store(phase + 1, std::memory_order_release); // publishes every arrived thread's writes
        }
        return phase;
    }
    void wait(unsigned phase) const
    {
        // Spin briefly (the other cores are normally busy with the same step), then give the core away, so more
        // threads than cores still make progress.
        for (int spins = 0; m_phase.load(std::memory_order_acquire) == phase; ++spins) {
            if (spins < kSpins)
                pause();
            else
                std::this_thread::yield();
        }
    }

private:
    // About 75 us of spinning on this machine (a pause takes ~18 ns, a yield ~1.2 us): longer than a step's usual
    // wait, and short enough that with more threads than cores a thread waiting here soon lets others run.
    static constexpr int kSpins = 4000;
    static void pause()
    {
#if defined(__SSE2__)
        _mm_pause();
#endif
    }
    alignas(64) std::atomic<int> m_arrived{0};
    alignas(64) std::atomic<unsigned> m_phase{0};
    const int m_threads;
};

// Where a layer's [batch rows, out] outputs (z, a, dz) live. The rows layout keeps one row-major matrix. The
// units layout keeps `blocks` column blocks, one per thread, one after the other: block k holds the columns of
// share(out, k, blocks) as a row-major [batch rows, its width] matrix. Threads that wrote interleaved column slices
// of one matrix ran every element-wise pass 10x slower on this machine's 2 cores (docs/performance.md, session 8):
// each core's prefetcher pulls the lines beside its own slice, which the other core is about to write.
struct Block {
    std::int64_t offset; // of its first element in the layer's buffer
    std::int64_t width;  // its row stride
    Range columns;       // of the layer's output
};
Block blockOf(std::int64_t out, std::int64_t rows, int block, int blocks)
{
    const Range columns = share(out, block, blocks);
    return {rows * columns.begin, columns.size(), columns};
}

// Calls visit(data, stride, columns) for each non-empty column block of layer li's input: the batch for the first
// layer, else the layer below's activations stored as `blocks` blocks. With `first`, that block comes first, then
// between(), then the others (for the first layer, whose batch is one block, between() comes before it).
template <typename Visit, typename Between>
void forEachInputBlock(const std::vector<Layer> &layers, std::size_t li, const Batch &batch, int blocks, Visit &&visit,
                       int first, Between &&between)
{
    if (li == 0) {
        between();
        visit(batch.input, layers[0].in, Range{0, layers[0].in});
        return;
    }
    const Layer &below = layers[li - 1];
    const auto visitBlock = [&](int k) {
        const Block b = blockOf(below.out, batch.rows, k, blocks);
        if (b.width > 0)
            visit(below.a + b.offset, b.width, b.columns);
    };
    if (first >= 0)
        visitBlock(first);
    between();
    for (int k = 0; k < blocks; ++k)
        if (k != first)
            visitBlock(k);
}
template <typename Visit>
void forEachInputBlock(const std::vector<Layer> &layers, std::size_t li, const Batch &batch, int blocks, Visit &&visit)
{
    forEachInputBlock(layers, li, batch, blocks, std::forward<Visit>(visit), -1, [] {});
}

// Layer li's bias and activation over rows `rows` of block b of its outputs (the output layer also its loss and dZ);
// returns the squared error summed there for the output layer, else 0. The pre-activations are read from l.z, or,
// when zT is given, from there: all the block's rows, stored transposed (zT[c * ldz + r]).
double activate(Layer &l, std::size_t li, const Batch &batch, const kernels::DropoutParams &dropout, std::uint64_t seed,
                Range rows, const Block &b, const float *zT = nullptr, std::int64_t ldz = 0)
{
    const float *bias = l.bias + b.columns.begin;
    switch (l.activation) {
    case Activation::ReluDropout: {
        kernels::DropoutParams p = dropout;
        p.seed = counterrandom::mix(seed ^ (std::uint64_t(li + 1) << 56));
        if (zT)
            kernels::biasReluDropoutTransposed(zT, ldz, l.a + b.offset, bias, b.width, batch.rows, l.out,
                                               b.columns.begin, p);
        else
            kernels::biasReluDropoutRows(l.z + b.offset + rows.begin * b.width, b.width,
                                         l.a + b.offset + rows.begin * b.width, b.width, bias, b.width, rows.begin,
                                         rows.end, l.out, b.columns.begin, p);
        return 0.0;
    }
    case Activation::Identity:
        if (zT)
            kernels::transpose(zT, ldz, b.width, batch.rows, l.z + b.offset, b.width);
        kernels::biasRows(l.z + b.offset, bias, b.width, rows.begin, rows.end);
        return 0.0;
    case Activation::Sigmoid: {
        const float twoOverN = 2.0f / float(batch.rows * l.out);
        if (zT)
            return kernels::sigmoidMseTransposed(zT, ldz, bias, batch.target + b.columns.begin, l.out, l.dz + b.offset,
                                                 b.width, batch.rows, twoOverN);
        return kernels::sigmoidMseRows(l.z + b.offset + rows.begin * b.width, b.width, bias,
                                       batch.target + b.columns.begin, l.out, l.dz + b.offset, b.width, rows.begin,
                                       rows.end, twoOverN);
    }
    }
    return 0.0;
}

// The weight and bias gradients of `units` of layer li from the whole batch's dZ there (dz: those units' columns,
// rows dzStride apart) and its input stored as `blocks` blocks (1 for a layer below computed whole), then (with `adam`)
// Adam's update of those parameters while they are in cache.
void updateUnits(std::vector<Layer> &layers, std::size_t li, const Batch &batch, int blocks, const float *dz,
                 std::int64_t dzStride, Range units, const FusedAdam *adam, ThreadClock &clock)
{
    Layer &l = layers[li];
    forEachInputBlock(layers, li, batch, blocks, [&](const float *x, std::int64_t stride, Range columns) {
        clock.time(clock.gemm, [&] {
            gemm::sgemm(Op::Transpose, Op::None, units.size(), columns.size(), batch.rows, 1.0f, dz, dzStride, x,
                        stride, 0.0f, l.gradWeight + units.begin * l.in + columns.begin, l.in);
        });
    });
    kernels::columnSums(dz, dzStride, l.gradBias + units.begin, batch.rows, units.size());
    if (adam)
        clock.time(clock.adam, [&] {
            kernels::adamRange(adam->param, adam->grad, adam->expAvg, adam->expAvgSq, l.flatWeight + units.begin * l.in,
                               l.flatWeight + units.end * l.in, adam->coefficients);
            kernels::adamRange(adam->param, adam->grad, adam->expAvg, adam->expAvgSq, l.flatBias + units.begin,
                               l.flatBias + units.end, adam->coefficients);
        });
}

// dZ of the layer below layer l, for `count` rows and the columns `columns` of it (a row-major [count, columns]
// block at `dzBelow`, its activations at `aBelow`): dZ W over those columns, then the layer below's ReLU/dropout mask.
void backIntoBelow(const Layer &l, const Layer &below, const float *dz, std::int64_t count, Range columns,
                   float *dzBelow, const float *aBelow, const kernels::DropoutParams &dropout, ThreadClock &clock)
{
    clock.time(clock.gemm, [&] {
        gemm::sgemm(Op::None, Op::None, count, columns.size(), l.out, 1.0f, dz, l.out, l.weight + columns.begin, l.in,
                    0.0f, dzBelow, columns.size());
    });
    if (below.activation == Activation::ReluDropout)
        kernels::maskByActivation(dzBelow, aBelow, kernels::keptScale(dropout), 0, count * columns.size());
}

void forwardRows(std::vector<Layer> &layers, const Batch &batch, const kernels::DropoutParams &dropout,
                 std::uint64_t seed, Range rows, double &lossSum, ThreadClock &clock)
{
    const float *input = batch.input;
    for (std::size_t li = 0; li < layers.size(); ++li) {
        Layer &l = layers[li];
        if (rows.size() > 0)
            clock.time(clock.gemm, [&] {
                gemm::sgemm(Op::None, Op::Transpose, rows.size(), l.out, l.in, 1.0f, input + rows.begin * l.in, l.in,
                            l.weight, l.in, 0.0f, l.z + rows.begin * l.out, l.out);
            });
        const double squaredError = activate(l, li, batch, dropout, seed, rows, blockOf(l.out, batch.rows, 0, 1));
        if (l.activation == Activation::Sigmoid)
            lossSum = squaredError;
        input = l.a;
    }
}

float runByRows(std::vector<Layer> &layers, const Batch &batch, const kernels::DropoutParams &dropout,
                std::uint64_t seed, const FusedAdam *adam)
{
    const int threads = omp_in_parallel() ? 1 : omp_get_max_threads();
    std::vector<double> partialLoss(std::size_t(threads), 0.0);
    double loss = 0.0;
    const std::int64_t outputs = batch.rows * layers.back().out;

#pragma omp parallel num_threads(threads)
    {
        const FlushDenormals flush;
        const int t = omp_get_thread_num(), nt = omp_get_num_threads();
        ThreadClock clock;
        const Range rows = share(batch.rows, t, nt);
        // This thread's rows of the batch: its forward and backward chain read no others until the barrier below.
        if (batch.prepare && rows.size() > 0)
            clock.time(clock.prepare, [&] { batch.prepare(rows.begin, rows.end); });
        forwardRows(layers, batch, dropout, seed, rows, partialLoss[std::size_t(t)], clock);
        // The rows phase goes on into the backward pass: every layer's dz for this thread's rows, dA = dz W then the
        // ReLU/dropout mask, from the last layer down. It needs only this thread's rows and the weights, which
        // nobody changes before the barrier below, so the whole backward chain costs no barrier at all. Only
        // scratch buffers are written; on a non-finite loss they are simply never used.
        for (std::size_t li = layers.size(); li-- > 1;) {
            Layer &l = layers[li];
            Layer &prev = layers[li - 1];
            if (rows.size() == 0)
                break;
            backIntoBelow(l, prev, l.dz + rows.begin * l.out, rows.size(), Range{0, l.in}, prev.dz + rows.begin * l.in,
                          prev.a + rows.begin * l.in, dropout, clock);
        }
        // One barrier: every row of every dz is complete, the loss can be summed, and nobody reads weights any more.
        clock.time(clock.barrier, [] {
#pragma omp barrier
        });
#pragma omp single
        {
            for (int i = 0; i < nt; ++i)
                loss += partialLoss[std::size_t(i)];
            loss /= double(outputs);
        } // implicit barrier: every thread sees the loss
        if (std::isfinite(loss)) {
            // The units phase: each layer's weight gradient for this thread's slice of its output units, then, while
            // that slice is in cache, Adam's update of it. Slices of different layers need no barrier between them.
            for (std::size_t li = layers.size(); li-- > 0;) {
                Layer &l = layers[li];
                const Range units = share(l.out, t, nt);
                if (units.size() == 0)
                    continue;
                updateUnits(layers, li, batch, 1, l.dz + units.begin, l.out, units, adam, clock);
            }
        }
    }
    return float(loss);
}

float runByUnits(std::vector<Layer> &layers, const Batch &batch, const kernels::DropoutParams &dropout,
                 std::uint64_t seed, const FusedAdam *adam)
{
    const int threads = omp_in_parallel() ? 1 : omp_get_max_threads();
    const std::int64_t rows = batch.rows, outputs = rows * layers.back().out;
    const std::size_t count = layers.size();
    // The small layers in the middle (the latent layer and its neighbours: 128 x 64, 64 x 30, ...) are computed
    // whole by every thread, each into its own copy of the layer's outputs, instead of a block of units each. It
    // costs each thread the few FLOPs of the others' units, and saves, per such layer, a barrier in the forward and
    // one in the backward pass, and the reads across cores of a block of outputs and parts of dA that small layers
    // are all latency. Never the first or last layer (the batch and the loss), and only with several threads.
    constexpr std::int64_t kMostWholeWeights = 128 * 128;
    std::vector<char> whole(count, 0);
    for (std::size_t li = 1; threads > 1 && li + 1 < count; ++li)
        whole[li] = layers[li].in * layers[li].out <= kMostWholeWeights;
    const auto inputBlocks = [&](std::size_t li, int nt) { return li > 0 && whole[li - 1] ? 1 : nt; };
    // Each thread's view of the layers: the same weights, and for a layer computed whole, thread 0 keeps its outputs
    // in the layer's own buffers, every other thread in its own (z, a, dz: [rows, out] each; the latent layer's a is
    // its z).
    const auto copies = [](const Layer &l) { return l.activation == Activation::Identity ? 2 : 3; };
    std::int64_t wholeFloats = 0;
    for (std::size_t li = 0; li < count; ++li)
        if (whole[li])
            wholeFloats += copies(layers[li]) * rows * layers[li].out;
    thread_local std::vector<float> wholeBuffer;
    wholeBuffer.resize(std::size_t(std::max(0, threads - 1) * wholeFloats));
    std::vector<std::vector<Layer>> views(std::size_t(threads), layers);
    for (int t = 1; t < threads; ++t) {
        float *next = wholeBuffer.data() + (t - 1) * wholeFloats;
        for (std::size_t li = 0; li < count; ++li) {
            if (!whole[li])
                continue;
            Layer &l = views[std::size_t(t)][li];
            const std::int64_t size = rows * l.out;
            l.z = next;
            l.a = copies(l) == 2 ? l.z : next + size;
            l.dz = next + (copies(l) - 1) * size;
            next += copies(l) * size;
        }
    }
    std::int64_t widestIn = 0; // of the layers whose dA is needed: all but the first
    for (std::size_t li = 1; li < count; ++li)
        widestIn = std::max(widestIn, layers[li].in);
    // Each thread's part of dA = dZ W for its own rows of W, one row-major [rows, in] matrix written by one GEMM
    // (thread k adds up its columns of every part; two GEMMs, one per block of columns, took 5% longer at batch 64: N =
    // 128 is a slow shape for oneDNN here), in two sets that the layers which write parts take in turn, so a thread
    // writing the next such layer's part never overwrites one another thread is still adding up: it would first have
    // to pass the barrier of the layer in between, which the slower thread reaches only after its sum. Kept per
    // calling thread (the trainer's), as a fresh buffer every step would be fresh pages every step (260 KB for 5
    // layers, batch 64 and 2 threads); only the pointers below enter the parallel region.
    thread_local std::vector<float> partBuffer;
    partBuffer.resize(std::size_t(2 * threads * rows * widestIn));
    std::vector<float *> partOf(std::size_t(2 * threads)); // [set * threads + thread]
    for (std::size_t i = 0; i < partOf.size(); ++i)
        partOf[i] = partBuffer.data() + std::int64_t(i) * rows * widestIn;
    // Per thread, the pointers to the parts it adds up (one per thread), set before each sum; each thread's group
    // at least a cache line away from the next one's, as all threads write theirs at the same time.
    const std::size_t addendStride = std::size_t(8 * ((threads + 7) / 8) + 8);
    std::vector<const float *> addendBuffer(std::size_t(threads) * addendStride);
    std::vector<double> partialLoss(std::size_t(threads), 0.0);
    double loss = 0.0;
    SplitBarrier split(threads);

#pragma omp parallel num_threads(threads)
    {
        const FlushDenormals flush;
        const int t = omp_get_thread_num(), nt = omp_get_num_threads();
        std::vector<Layer> &view = views[std::size_t(t)];
        ThreadClock clock;
        // The split barrier counts `threads` arrivals; should OpenMP give fewer threads, OpenMP's own barrier (the
        // whole team agrees on nt, so on which one).
        const bool splitting = nt == threads;
        const auto arrive = [&] { return splitting ? split.arrive() : 0u; };
        const auto wait = [&](unsigned phase) {
            clock.time(clock.barrier, [&] {
                if (splitting) {
                    split.wait(phase);
                } else {
#pragma omp barrier
                }
            });
        };
        // This thread's block of layer li's outputs: all of them for a layer computed whole.
        const auto blockAt = [&](std::size_t li) {
            return whole[li] ? blockOf(view[li].out, rows, 0, 1) : blockOf(view[li].out, rows, t, nt);
        };
        // The phase of the barrier after the last shared write (the batch, then each layer's outputs); a thread
        // waits on it only when it needs the others' share.
        unsigned phase = 0;
        bool others = true; // whether the others' share is already known to be written
        const auto waitForOthers = [&] {
            if (!others)
                wait(phase);
            others = true;
        };
        if (batch.prepare) { // this thread's rows of the batch; every thread's first GEMM reads all of them
            const Range mine = share(rows, t, nt);
            if (mine.size() > 0)
                clock.time(clock.prepare, [&] { batch.prepare(mine.begin, mine.end); });
            phase = arrive();
            others = false;
        }
        // The forward GEMMs, x W^T for this thread's rows of W, on AVX-512 by kernels::forwardUnits: each input
        // block transposed into xT, the layer's output gathered transposed in zT, which its activation reads.
        // oneDNN's sgemm, which copies W into panels on every such call, ran them at 101-116 GFLOP/s a thread
        // inside the step; this, transposes included, at 141-168 (docs/performance.md, session 9).
        const std::int64_t ldz = (rows + 15) / 16 * 16;
        const bool transposedInput = kernels::forwardUnitsRuns(ldz);
        thread_local std::vector<float> xT, zT;
        if (transposedInput) {
            std::int64_t widestOut = 0; // of this thread's blocks
            for (std::size_t li = 0; li < count; ++li)
                widestOut = std::max(widestOut, blockAt(li).width);
            xT.resize(std::size_t(std::max(widestIn, layers.front().in) * ldz));
            zT.resize(std::size_t(widestOut * ldz));
        }
        // Forward: every layer for the whole batch, this thread computing its own block of the layer's output units
        // (its rows of W) from each block of the input. It starts on its own block of the input, which needs no
        // barrier, and waits for the others' blocks only after that: a thread a little behind costs the others
        // nothing while they have their own block to multiply. A layer computed whole adds up the input's blocks
        // in one order on every thread, so that all threads' copies of its outputs are the same.
        for (std::size_t li = 0; li < count; ++li) {
            Layer &l = view[li];
            const Block mine = blockAt(li);
            if (mine.width > 0) {
                float beta = 0.0f; // the first input block sets z, the others add to it
                const auto multiply = [&](const float *x, std::int64_t stride, Range columns) {
                    clock.time(clock.gemm, [&] {
                        const float *w = l.weight + mine.columns.begin * l.in + columns.begin;
                        if (transposedInput) {
                            kernels::transpose(x, stride, rows, columns.size(), xT.data(), ldz);
                            for (std::int64_t k = 0; k < columns.size() && rows < ldz; ++k)
                                std::fill(xT.data() + k * ldz + rows, xT.data() + (k + 1) * ldz, 0.0f);
                            kernels::forwardUnits(xT.data(), ldz, w, l.in, mine.width, columns.size(), zT.data(),
                                                  beta != 0.0f);
                        } else {
                            gemm::sgemm(Op::None, Op::Transpose, rows, mine.width, columns.size(), 1.0f, x, stride, w,
                                        l.in, beta, l.z + mine.offset, mine.width);
                        }
                    });
                    beta = 1.0f;
                };
                const int blocks = inputBlocks(li, nt);
                forEachInputBlock(view, li, batch, blocks, multiply, whole[li] || blocks == 1 ? -1 : t, waitForOthers);
                // Straight from zT: the row-major z is never written, only the activations (or, for the latent
                // layer, z itself, which is its activation).
                const double squaredError = activate(l, li, batch, dropout, seed, {0, rows}, mine,
                                                     transposedInput ? zT.data() : nullptr, ldz);
                if (l.activation == Activation::Sigmoid)
                    partialLoss[std::size_t(t)] = squaredError;
            }
            if (!whole[li]) { // a layer computed whole is this thread's alone: nobody waits for it
                waitForOthers();
                phase = arrive();
                others = false;
            }
        }
        waitForOthers(); // every partial loss is written
        // Every thread adds the partial losses in the same order, so all agree on the loss and on whether it is finite.
        double stepLoss = 0.0;
        for (int i = 0; i < nt; ++i)
            stepLoss += partialLoss[std::size_t(i)];
        stepLoss /= double(outputs);
        if (t == 0)
            loss = stepLoss;
        // Backward, from the last layer down, each thread on its own units: dZ for its block is complete. It
        // multiplies dZ by its own rows of W into its part of dA (so no thread reads another's rows of W), then the
        // weight gradient of its rows and, while they are in cache, Adam's update of them: nobody else reads these
        // rows, so no barrier guards the update. It arrives at the layer's barrier as soon as its part is written and
        // waits there only after the update, which so fills the time a slower thread takes over its part. Past the
        // barrier, each thread adds up all parts of dA for its own block of the layer below (all of it, for a layer
        // computed whole) and applies that layer's mask (read from its activations): its dZ there.
        // A layer computed whole has all of dZ in this thread's copy: it multiplies dZ by all rows of W straight
        // into its block of the layer below's dZ, with no barrier. Every thread reads all of that W, so the layer's
        // weight gradients and Adam's update of this thread's rows of it wait until every thread has passed the
        // next barrier (`pending`: such layers from pendingLow up to the last seen).
        std::size_t pendingLow = count, pendingHigh = 0;
        int partSet = 0;
        if (std::isfinite(stepLoss))
            for (std::size_t li = count; li-- > 0;) {
                Layer &l = view[li];
                if (whole[li]) { // li > 0: never the first layer
                    Layer &below = view[li - 1];
                    const Block own = blockAt(li - 1);
                    if (own.width > 0)
                        backIntoBelow(l, below, l.dz, rows, own.columns, below.dz + own.offset, below.a + own.offset,
                                      dropout, clock);
                    pendingLow = li;
                    pendingHigh = std::max(pendingHigh, li + 1);
                    continue;
                }
                const Block mine = blockAt(li);
                const float *dz = l.dz + mine.offset;
                float *const *set = partOf.data() + std::size_t(partSet) * std::size_t(threads);
                if (li > 0) { // this thread's part of dA, one row-major [rows, l.in] matrix
                    float *part = set[t];
                    if (mine.width > 0)
                        clock.time(clock.gemm, [&] {
                            gemm::sgemm(Op::None, Op::None, rows, l.in, mine.width, 1.0f, dz, mine.width,
                                        l.weight + mine.columns.begin * l.in, l.in, 0.0f, part, l.in);
                        });
                    else
                        std::fill(part, part + rows * l.in, 0.0f);
                    partSet ^= 1;
                }
                const bool pending = pendingLow < pendingHigh;
                // This thread's part is written: arrive, update its own units while the others finish theirs.
                const unsigned phase = li > 0 || pending ? arrive() : 0u;
                if (mine.width > 0)
                    updateUnits(view, li, batch, inputBlocks(li, nt), dz, mine.width, mine.columns, adam, clock);
                if (li == 0 && !pending)
                    break;
                wait(phase);
                for (std::size_t pi = pendingLow; pi < pendingHigh; ++pi) {
                    const Range units = share(view[pi].out, t, nt);
                    if (units.size() > 0)
                        updateUnits(view, pi, batch, inputBlocks(pi, nt), view[pi].dz + units.begin, view[pi].out,
                                    units, adam, clock);
                }
                pendingLow = count;
                pendingHigh = 0;
                if (li == 0)
                    break;
                Layer &below = view[li - 1];
                const Block own = blockAt(li - 1);
                const float **addends = addendBuffer.data() + std::size_t(t) * addendStride;
                for (int k = 0; k < nt; ++k)
                    addends[k] = set[k] + own.columns.begin;
                kernels::sumParts(addends, nt, l.in,
                                  below.activation == Activation::ReluDropout ? below.a + own.offset : nullptr,
                                  kernels::keptScale(dropout), rows, own.width, below.dz + own.offset);
            }
    }
    return float(loss);
}

} // namespace

float run(std::vector<Layer> &layers, const Batch &batch, const kernels::DropoutParams &dropout, std::uint64_t seed,
          const FusedAdam *adam)
{
    // Measured on 2 threads (docs/performance.md, session 7), units against rows: batch 64 +6% (3 layers) and +12%
    // (5 layers), batch 128 -2%, batch 256 -12%. The units layout moves O(batch x width) floats between the cores,
    // the rows layout O(parameters); with more rows the first grows and the GEMMs amortise the second. Since each
    // thread keeps its units as a block (session 8) batch 256 reads the same either way (81.6% against 80.8% of
    // the SGEMM peak, medians of 6 alternating quick benches), so the switch stays where it was.
    constexpr std::int64_t kMostRowsByUnits = 64;
    return batch.rows <= kMostRowsByUnits ? runByUnits(layers, batch, dropout, seed, adam)
                                          : runByRows(layers, batch, dropout, seed, adam);
}

void evaluate(const std::vector<Layer> &layers, const float *input, const float *target, std::int64_t rows,
              double *rowSquaredError)
{
    constexpr std::int64_t kBlock = 64; // rows per GEMM: the shape the GEMMs run fastest at here
    std::int64_t widest = 0;
    for (const Layer &l : layers)
        widest = std::max(widest, l.out);
    const int threads = omp_in_parallel() ? 1 : omp_get_max_threads();
    const std::int64_t blocks = (rows + kBlock - 1) / kBlock;
#pragma omp parallel num_threads(threads)
    {
        const FlushDenormals flush;
        std::vector<float> ping(std::size_t(kBlock * widest)), pong(std::size_t(kBlock * widest));
#pragma omp for schedule(static)
        for (std::int64_t b = 0; b < blocks; ++b) {
            const std::int64_t r0 = b * kBlock, n = std::min(kBlock, rows - r0);
            const float *in = input + r0 * layers.front().in;
            float *out = ping.data();
            for (const Layer &l : layers) {
                gemm::sgemm(Op::None, Op::Transpose, n, l.out, l.in, 1.0f, in, l.in, l.weight, l.in, 0.0f, out, l.out);
                switch (l.activation) {
                case Activation::ReluDropout:
                    kernels::biasReluRows(out, l.bias, l.out, 0, n);
                    break;
                case Activation::Identity:
                    kernels::biasRows(out, l.bias, l.out, 0, n);
                    break;
                case Activation::Sigmoid:
                    kernels::sigmoidSquaredErrorRows(out, l.bias, target + r0 * l.out, l.out, 0, n,
                                                     rowSquaredError + r0);
                    break;
                }
                in = out;
                out = out == ping.data() ? pong.data() : ping.data();
            }
        }
    }
}

void setProfiling(bool on)
{
    g_profiling = on;
}

Profile profile()
{
    std::lock_guard<std::mutex> lock(g_profileMutex);
    return g_profile;
}

void resetProfile()
{
    std::lock_guard<std::mutex> lock(g_profileMutex);
    g_profile = {};
}

} // namespace aestudio::step
