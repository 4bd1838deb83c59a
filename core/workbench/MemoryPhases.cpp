#include "core/workbench/MemoryPhases.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <string>

namespace prunelab::workbench::run {

namespace {

struct Recorder {
    std::mutex mutex;
    std::string file; ///< empty: not recording
    MemoryPhase current = MemoryPhase::Load;
    bool ended = false;

    Recorder()
    {
        if (const char* path = std::getenv("PRUNELAB_MEMORY_PHASES"))
            file = path;
    }

    /// VmHWM of /proc/self/status in KiB, -1 when it cannot be read.
    static long highWaterKiB()
    {
        std::FILE* status = std::fopen("/proc/self/status", "r");
        if (status == nullptr)
            return -1;
        char line[256];
        long kib = -1;
        while (std::fgets(line, sizeof line, status) != nullptr)
            if (std::strncmp(line, "VmHWM:", 6) == 0) {
                kib = std::strtol(line + 6, nullptr, 10);
                break;
            }
        std::fclose(status);
        return kib;
    }

    void close(MemoryPhase phase)
    {
        const long kib = highWaterKiB();
        if (std::FILE* out = std::fopen(file.c_str(), "a")) {
            std::fprintf(out, "%s %ld\n", memoryPhaseName(phase), kib);
            std::fclose(out);
        }
        // Linux 4.0 and later: the high-water mark starts again from the current resident size.
        if (std::FILE* clear = std::fopen("/proc/self/clear_refs", "w")) {
            std::fputs("5", clear);
            std::fclose(clear);
        }
    }
};

Recorder& recorder()
{
    static Recorder instance;
    return instance;
}

} // namespace

const char* memoryPhaseName(MemoryPhase phase)
{
    switch (phase) {
    case MemoryPhase::Load:
        return "load";
    case MemoryPhase::Split:
        return "split";
    case MemoryPhase::Train:
        return "train";
    case MemoryPhase::Prune:
        return "prune";
    case MemoryPhase::Save:
        return "save";
    }
    return "?";
}

void enterMemoryPhase(MemoryPhase next)
{
    Recorder& r = recorder();
    if (r.file.empty())
        return;
    std::lock_guard<std::mutex> lock(r.mutex);
    if (r.ended || next == r.current)
        return;
    r.close(r.current);
    r.current = next;
}

void endMemoryPhases()
{
    Recorder& r = recorder();
    if (r.file.empty())
        return;
    std::lock_guard<std::mutex> lock(r.mutex);
    if (r.ended)
        return;
    r.close(r.current);
    r.ended = true;
}

} // namespace prunelab::workbench::run
