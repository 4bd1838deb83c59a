#include "core/engine/runtime/Runtime.h"

#include <ATen/Context.h>
#include <ATen/Parallel.h>

#include <dlfcn.h>
#include <malloc.h>

#include <algorithm>
#include <mutex>

namespace prunelab::engine {

namespace {

using SetThreads = void (*)(int);
using GetThreads = int (*)();

template <typename Function> Function openBlasSymbol(const char* name)
{
    return reinterpret_cast<Function>(dlsym(RTLD_DEFAULT, name));
}

} // namespace

void prepareTrainingRuntime()
{
    static std::once_flag once;
    std::call_once(once, [] {
#ifdef M_MMAP_THRESHOLD
        // 1 GiB: a block below this comes from (and goes back to) the heap, whose top is trimmed only past 2 GiB.
        mallopt(M_MMAP_THRESHOLD, 1 << 30);
        mallopt(M_TRIM_THRESHOLD, int((2u << 30) - 1));
        mallopt(M_TOP_PAD, 64 << 20);
#endif
        at::globalContext().setFlushDenormal(true);
    });
}

void releaseFreeMemory()
{
#ifdef M_MMAP_THRESHOLD
    malloc_trim(0);
#endif
}

int setBlasThreads(int threads)
{
    static const auto set = openBlasSymbol<SetThreads>("openblas_set_num_threads");
    const int previous = blasThreads();
    if (set != nullptr && threads > 0)
        set(threads);
    return previous;
}

int blasThreads()
{
    static const auto get = openBlasSymbol<GetThreads>("openblas_get_num_threads");
    return get != nullptr ? get() : -1;
}

ThreadPlan planThreads(bool hasConvolution, double macsPerStep, int cores)
{
    cores = std::max(1, cores);
    if (hasConvolution)
        return {cores, 1};
    return {1, macsPerStep < 1.0e8 ? 1 : cores};
}

ScopedThreads::ScopedThreads(const ThreadPlan& plan) : intraOp_(at::get_num_threads()), blas_(blasThreads())
{
    if (plan.intraOp != intraOp_)
        at::set_num_threads(plan.intraOp);
    setBlasThreads(plan.blas);
}

ScopedThreads::~ScopedThreads()
{
    if (at::get_num_threads() != intraOp_)
        at::set_num_threads(intraOp_);
    if (blas_ > 0)
        setBlasThreads(blas_);
}

} // namespace prunelab::engine
