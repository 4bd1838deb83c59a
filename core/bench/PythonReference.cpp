#include "core/bench/PythonReference.h"

#include "core/bench/PythonScripts.h" // generated from core/bench/python/*.py

#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <stdexcept>

namespace prunelab::bench {

namespace {

std::string quoted(const std::string& value)
{
    std::string out = "'";
    for (char c : value)
        out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return out + "'";
}

// The numbers of a flat JSON object line: "key": number.
std::map<std::string, double> numbersOf(const std::string& line)
{
    std::map<std::string, double> values;
    static const std::regex pair("\"([A-Za-z0-9_]+)\"\\s*:\\s*(-?[0-9.eE+-]+)");
    for (auto it = std::sregex_iterator(line.begin(), line.end(), pair); it != std::sregex_iterator(); ++it)
        values[(*it)[1].str()] = std::strtod((*it)[2].str().c_str(), nullptr);
    return values;
}

} // namespace

std::string pythonExecutable()
{
    if (const char* chosen = std::getenv("PRUNELAB_PYTHON"); chosen != nullptr && *chosen != '\0')
        return chosen;
    return std::filesystem::exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3";
}

const std::string& trainReferenceScript()
{
    static const std::string script = scripts::trainReference;
    return script;
}

const std::string& pruneReferenceScript()
{
    static const std::string script = scripts::pruneReference;
    return script;
}

const std::string& decodeReferenceScript()
{
    static const std::string script = scripts::decodeReference;
    return script;
}

TemporaryDirectory::TemporaryDirectory()
{
    std::string pattern = (std::filesystem::temp_directory_path() / "prunelab-bench-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr)
        throw std::runtime_error("cannot create a temporary folder under " +
                                 std::filesystem::temp_directory_path().string());
    path_ = pattern;
}

TemporaryDirectory::~TemporaryDirectory()
{
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
}

PythonResult runPython(const std::string& script, const std::vector<std::string>& arguments,
                       const std::vector<std::string>& environment)
{
    PythonResult result;
    TemporaryDirectory folder;
    const std::string file = folder.file("reference.py");
    std::ofstream(file) << script;
    std::string command = "env";
    for (const std::string& setting : environment)
        command += " " + quoted(setting);
    command += " " + quoted(pythonExecutable()) + " " + quoted(file);
    for (const std::string& argument : arguments)
        command += " " + quoted(argument);
    command += " 2>" + quoted(folder.file("stderr.txt"));
    FILE* pipe = popen(command.c_str(), "r");
    if (pipe == nullptr) {
        result.error = "cannot start " + pythonExecutable();
        return result;
    }
    std::string output;
    std::array<char, 4096> buffer{};
    size_t n = 0;
    while ((n = fread(buffer.data(), 1, buffer.size(), pipe)) > 0)
        output.append(buffer.data(), n);
    const int status = pclose(pipe);
    if (status != 0) {
        std::ifstream errors(folder.file("stderr.txt"));
        std::string line, last;
        while (std::getline(errors, line))
            if (!line.empty())
                last = line;
        result.error = pythonExecutable() + " failed" + (last.empty() ? std::string() : ": " + last);
        return result;
    }
    const size_t lastLine = output.find_last_of('{');
    result.values = numbersOf(lastLine == std::string::npos ? output : output.substr(lastLine));
    result.ran = !result.values.empty();
    if (!result.ran)
        result.error = "the reference printed no figures";
    return result;
}

} // namespace prunelab::bench
