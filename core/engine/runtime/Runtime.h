#pragma once

namespace prunelab::engine {

/// Process-wide settings that decide how fast LibTorch trains on a small CPU machine. Idempotent and cheap; the
/// Trainer calls it, so do the benchmarks.
///
/// - glibc's allocator returns freed blocks above its mmap threshold (at most 32 MiB by default) to the kernel, so
///   every gradient, activation and optimiser temporary of a large layer is a fresh mapping whose pages fault in
///   again at each step. Measured on the MRI threshold sweep's MLP (12.6 M weights in its first layer): 80 % of a step
///   was page faults and zero-filling. Raising the mmap and trim thresholds keeps those blocks in the heap for reuse.
/// - Pruned weights decay towards zero; denormal floats would slow every multiply that touches them.
void prepareTrainingRuntime();

/// Hands the heap's free pages back to the system (malloc_trim). The raised thresholds keep freed blocks for reuse
/// while a model trains; the Trainer calls this when a fit ends, so a GUI that trained on a large set does not keep
/// that memory between runs.
void releaseFreeMemory();

/// OpenBLAS's own worker threads (not LibTorch's intra-op threads): returns the previous count, or -1 when the BLAS
/// in use is not OpenBLAS (looked up at run time, so the reference BLAS and MKL builds still link).
int setBlasThreads(int threads);
/// OpenBLAS's current thread count, or -1 when the BLAS is not OpenBLAS.
int blasThreads();

/// How many threads LibTorch's operators (intra-op, OpenMP) and OpenBLAS each get while one model trains.
struct ThreadPlan {
    int intraOp = 1;
    int blas = 1;
};

/// Measured on the 2-core machine (`prunelab-cli bench train`): the two pools spinning side by side make an MLP
/// twice slower, so an MLP trains with one intra-op thread and gives OpenBLAS all cores only when its products are
/// large (the MRI threshold sweep's MLP at batch 64, 0.8 G multiply-adds per step: 1.7× faster on two; LeNet-300-100 at
/// batch 60, 16 M: 17 % faster on one). A network with convolutions spends its time in LibTorch's own convolution
/// kernels: all cores to them (LeNet-5 1.4×, a small VGG 1.6× faster) and one to OpenBLAS.
ThreadPlan planThreads(bool hasConvolution, double macsPerStep, int cores);

/// Applies a plan for its lifetime and restores the previous thread counts after.
class ScopedThreads {
public:
    explicit ScopedThreads(const ThreadPlan& plan);
    ~ScopedThreads();
    ScopedThreads(const ScopedThreads&) = delete;
    ScopedThreads& operator=(const ScopedThreads&) = delete;

private:
    int intraOp_;
    int blas_;
};

} // namespace prunelab::engine
