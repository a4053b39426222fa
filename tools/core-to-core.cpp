// What data written on one core costs another (docs/performance.md, session 7): the round trip of a cache line
// between two pinned threads, and the time to read 256 KB that the other core has just written against 256 KB this
// core wrote. On this VM the two cores sit on different chiplets, which is why the training step keeps each
// layer's weights, gradient and moments on one core (StepEngine.h). From the repository root:
//   g++ -O3 -march=native -pthread tools/core-to-core.cpp -o /tmp/core-to-core && /tmp/core-to-core [cpuA cpuB]
#include <pthread.h>
#include <sched.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <thread>
#include <vector>

namespace {

void pin(int cpu)
{
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
}

double seconds(std::chrono::steady_clock::time_point since)
{
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
}

} // namespace

int main(int argc, char **argv)
{
    const int a = argc > 2 ? std::atoi(argv[1]) : 0, b = argc > 2 ? std::atoi(argv[2]) : 1;
    alignas(64) static std::atomic<int> flag{0};
    const int trips = 200000;
    std::thread other([&] {
        pin(b);
        for (int i = 0; i < trips; ++i) {
            while (flag.load(std::memory_order_acquire) != 2 * i + 1) {
            }
            flag.store(2 * i + 2, std::memory_order_release);
        }
    });
    pin(a);
    const auto t0 = std::chrono::steady_clock::now();
    for (int i = 0; i < trips; ++i) {
        flag.store(2 * i + 1, std::memory_order_release);
        while (flag.load(std::memory_order_acquire) != 2 * i + 2) {
        }
    }
    const double roundTrip = seconds(t0) / trips;
    other.join();
    std::printf("cpu %d <-> cpu %d: a cache line's round trip %.0f ns\n", a, b, roundTrip * 1e9);

    // 256 KB, as the activations a layer's threads exchange at batch 64; written by cpu b or by cpu a, then summed
    // on cpu a (an unsigned sum, which vectorises without fast-math).
    std::vector<int> buffer(64 * 1024);
    double remote = 0, local = 0;
    unsigned sum = 0;
    const int reps = 300;
    for (int r = 0; r < reps; ++r)
        for (const bool fromOther : {true, false}) {
            const auto write = [&buffer, r] {
                for (std::size_t i = 0; i < buffer.size(); ++i)
                    buffer[i] = int(i) + r;
            };
            if (fromOther) {
                std::thread writer([&] {
                    pin(b);
                    write();
                });
                writer.join();
            } else {
                write();
            }
            const auto t1 = std::chrono::steady_clock::now();
            for (const int x : buffer)
                sum += unsigned(x);
            (fromOther ? remote : local) += seconds(t1);
        }
    std::printf("reading 256 KB on cpu %d: written by cpu %d %.1f us, by cpu %d itself %.1f us (checksum %u)\n", a, b,
                remote / reps * 1e6, a, local / reps * 1e6, sum % 1000);
    return 0;
}
