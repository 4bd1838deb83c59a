#pragma once

#include <map>
#include <string>
#include <vector>

namespace prunelab::bench {

/// The Python reference a benchmark measures against in the same run: Debian's python3 with python3-torch, running a
/// script compiled into PruneLab (core/bench/python/*.py). PruneLab itself never needs Python; without it a
/// benchmark still prints its own figures and says why the reference is missing.
struct PythonResult {
    bool ran = false;
    std::map<std::string, double> values; ///< the numbers of the JSON line the script printed last
    std::string error;                    ///< why it did not run (no python3, no torch, the script's last error line)
};

/// `script`: one of trainReferenceScript(), pruneReferenceScript(), decodeReferenceScript(); `environment`: extra
/// NAME=value settings for the child (glibc allocator tunables, OMP_NUM_THREADS, …).
PythonResult runPython(const std::string& script, const std::vector<std::string>& arguments,
                       const std::vector<std::string>& environment = {});

const std::string& trainReferenceScript();
const std::string& pruneReferenceScript();
const std::string& decodeReferenceScript();

/// $PRUNELAB_PYTHON, else /usr/bin/python3 when it exists (Debian's, where python3-torch installs), else python3.
std::string pythonExecutable();

/// A fresh private directory under the system's temporary folder, removed with its contents by the destructor.
class TemporaryDirectory {
public:
    TemporaryDirectory();
    ~TemporaryDirectory();
    TemporaryDirectory(const TemporaryDirectory&) = delete;
    TemporaryDirectory& operator=(const TemporaryDirectory&) = delete;
    const std::string& path() const { return path_; }
    std::string file(const std::string& name) const { return path_ + "/" + name; }

private:
    std::string path_;
};

} // namespace prunelab::bench
