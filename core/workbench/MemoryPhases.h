#pragma once

// Private to the workbench: the peak resident size of each phase of a run, for `prunelab-cli bench memory`.

namespace prunelab::workbench::run {

/// Where a run is: each phase's peak resident size is measured from its start to the next phase's.
enum class MemoryPhase {
    Load,  ///< from the process's start: reading and decoding the images (or their pixel cache)
    Split, ///< the split, the data's fingerprint, the session's data files, the statistics, the model
    Train, ///< the dense training (round 0)
    Prune, ///< pruning and fine-tuning (the rounds after 0)
    Save,  ///< each round's files, and the results at the end
};

const char* memoryPhaseName(MemoryPhase phase); ///< "load", "split", "train", "prune", "save"

/// Ends the current phase and starts `next`. Only when the environment names a file in PRUNELAB_MEMORY_PHASES
/// (`bench memory` sets it for the run it measures); otherwise it does nothing. The ended phase's peak is the
/// kernel's high-water mark (VmHWM) since the phase began; one line "<phase> <KiB>" is appended to the file, then
/// the mark is reset to the current resident size (writing "5" to /proc/self/clear_refs), so the next phase's peak
/// is its own. A phase met more than once (save after each round) has one line each time.
void enterMemoryPhase(MemoryPhase next);

/// Ends the current phase without starting another (the end of the run).
void endMemoryPhases();

} // namespace prunelab::workbench::run
