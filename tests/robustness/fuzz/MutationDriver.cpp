// Drives one fuzz target's LLVMFuzzerTestOneInput without libFuzzer (gcc builds, ctest): the seed corpus of
// tests/robustness/HostileCorpus, mutated by a seeded generator (bit flips, interesting integers, inserted, deleted,
// duplicated and spliced bytes, truncation) for a bounded time. The same seed gives the same inputs in the same
// order. A crash or a failed check stops the run; the input that caused it is written to
// fuzz-<target>-crash.bin in the working folder first (from a signal handler), to replay with --replay FILE.
//
//   fuzz_idx_reader [--seconds S] [--seed N] [--runs N] [--replay FILE] [--write-seeds DIR]
//
// PRUNELAB_FUZZ_SECONDS overrides the default of 4 seconds.
#include "tests/robustness/HostileCorpus.h"

#include <QByteArray>
#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>

#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <random>

#include <fcntl.h>
#include <unistd.h>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace {

const QByteArray* current = nullptr;
char crashPath[512];

extern "C" void saveInput(int signal)
{
    if (current) {
        const int fd = ::open(crashPath, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (fd >= 0) {
            [[maybe_unused]] const ssize_t n = ::write(fd, current->constData(), size_t(current->size()));
            ::close(fd);
        }
        const char note[] = "fuzz driver: the input that crashed is saved; replay with --replay\n";
        [[maybe_unused]] const ssize_t n = ::write(2, note, sizeof(note) - 1);
    }
    std::signal(signal, SIG_DFL);
    std::raise(signal);
}

QByteArray mutate(QByteArray input, const QList<QByteArray>& seeds, std::mt19937_64& rng)
{
    static const quint32 interesting[] = {0,          1,          0x7f,   0x80,      0xff,       0x100,
                                          0x7fff,     0x8000,     0xffff, 0x10000,   0x7fffffff, 0x80000000,
                                          0xffffffff, 0xfffffffe, 100000, 65535 * 2, 4096,       0x01000000};
    const auto below = [&](qsizetype n) { return n <= 0 ? qsizetype(0) : qsizetype(rng() % quint64(n)); };
    const int steps = 1 + int(rng() % 4);
    for (int step = 0; step < steps; ++step) {
        switch (rng() % 9) {
        case 0: // flip a bit
            if (!input.isEmpty())
                input[below(input.size())] ^= char(1 << (rng() % 8));
            break;
        case 1: // a random byte
            if (!input.isEmpty())
                input[below(input.size())] = char(rng());
            break;
        case 2: { // an interesting 1, 2 or 4-byte integer, either byte order
            if (input.isEmpty())
                break;
            const quint32 v = interesting[rng() % (sizeof(interesting) / sizeof(interesting[0]))];
            const int width = 1 << (rng() % 3);
            const bool big = rng() % 2;
            const qsizetype at = below(input.size());
            for (int i = 0; i < width && at + i < input.size(); ++i)
                input[at + i] = char(v >> (8 * (big ? width - 1 - i : i)));
            break;
        }
        case 3: { // insert random bytes
            QByteArray bytes(1 + below(16), '\0');
            for (char& c : bytes)
                c = char(rng());
            input.insert(below(input.size() + 1), bytes);
            break;
        }
        case 4: // delete a run
            if (!input.isEmpty()) {
                const qsizetype at = below(input.size());
                input.remove(at, 1 + below(std::min<qsizetype>(64, input.size() - at)));
            }
            break;
        case 5: // duplicate a run
            if (!input.isEmpty()) {
                const qsizetype at = below(input.size());
                input.insert(below(input.size() + 1), input.mid(at, 1 + below(64)));
            }
            break;
        case 6: // truncate
            input.truncate(below(input.size() + 1));
            break;
        case 7: { // splice with another seed
            const QByteArray& other = seeds[below(seeds.size())];
            input = input.left(below(input.size() + 1)) + other.mid(below(other.size() + 1));
            break;
        }
        case 8: // copy a run over another place (structure-preserving for length fields)
            if (input.size() > 8) {
                const qsizetype from = below(input.size());
                const QByteArray run = input.mid(from, 1 + below(8));
                input.replace(below(input.size() - run.size() + 1), run.size(), run);
            }
            break;
        }
    }
    return input.left(1 << 20);
}

int run(const QByteArray& input)
{
    current = &input;
    LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(input.constData()), size_t(input.size()));
    current = nullptr;
    return 0;
}

} // namespace

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    const QString target = QStringLiteral(PRUNELAB_FUZZ_TARGET);
    double seconds = qEnvironmentVariableIsSet("PRUNELAB_FUZZ_SECONDS")
                         ? qEnvironmentVariable("PRUNELAB_FUZZ_SECONDS").toDouble()
                         : 4.0;
    quint64 seed = 20240601;
    qint64 maxRuns = -1;
    const QStringList args = app.arguments();
    for (qsizetype i = 1; i + 1 < args.size(); i += 2) {
        const QString& option = args[i];
        const QString& value = args[i + 1];
        if (option == QLatin1String("--seconds")) {
            seconds = value.toDouble();
        } else if (option == QLatin1String("--seed")) {
            seed = value.toULongLong();
        } else if (option == QLatin1String("--runs")) {
            maxRuns = value.toLongLong();
        } else if (option == QLatin1String("--replay")) {
            QFile f(value);
            if (!f.open(QIODevice::ReadOnly)) {
                std::fprintf(stderr, "cannot read %s\n", qPrintable(value));
                return 2;
            }
            return run(f.readAll());
        } else if (option == QLatin1String("--write-seeds")) {
            QDir().mkpath(value);
            int n = 0;
            for (const QByteArray& s : prunelab::robustness::corpus::seeds(target)) {
                QFile f(QDir(value).filePath(QStringLiteral("seed-%1").arg(n++)));
                if (!f.open(QIODevice::WriteOnly) || f.write(s) != s.size())
                    return 2;
            }
            std::printf("%d seeds for %s in %s\n", n, qPrintable(target), qPrintable(value));
            return 0;
        } else {
            std::fprintf(stderr, "unknown option %s\n", qPrintable(option));
            return 2;
        }
    }
    const QByteArray path =
        QFile::encodeName(QDir::current().filePath(QStringLiteral("fuzz-%1-crash.bin").arg(target)));
    std::snprintf(crashPath, sizeof(crashPath), "%s", path.constData());
    for (int s : {SIGSEGV, SIGABRT, SIGBUS, SIGFPE, SIGILL})
        std::signal(s, saveInput);

    const QList<QByteArray> seeds = prunelab::robustness::corpus::seeds(target);
    if (seeds.isEmpty()) {
        std::fprintf(stderr, "no seeds for %s\n", qPrintable(target));
        return 2;
    }
    for (const QByteArray& s : seeds)
        run(s);
    std::mt19937_64 rng(seed);
    QElapsedTimer timer;
    timer.start();
    qint64 runs = 0;
    qint64 slowest = 0;
    while ((maxRuns < 0 || runs < maxRuns) && timer.elapsed() < qint64(seconds * 1000)) {
        const QByteArray input = mutate(seeds[qsizetype(rng() % quint64(seeds.size()))], seeds, rng);
        const qint64 start = timer.elapsed();
        run(input);
        const qint64 took = timer.elapsed() - start;
        slowest = std::max(slowest, took);
        if (took > 5000) { // a hang in the making: one input must not take seconds
            QFile f(QString::fromLocal8Bit(crashPath));
            if (f.open(QIODevice::WriteOnly))
                f.write(input);
            std::fprintf(stderr, "fuzz %s: one input took %lld ms (saved to %s)\n", qPrintable(target),
                         static_cast<long long>(took), crashPath);
            return 1;
        }
        ++runs;
    }
    std::printf("fuzz %s: %d seeds and %lld mutated inputs in %.1f s (seed %llu), slowest %lld ms: no crash\n",
                qPrintable(target), int(seeds.size()), static_cast<long long>(runs), double(timer.elapsed()) / 1000.0,
                static_cast<unsigned long long>(seed), static_cast<long long>(slowest));
    return 0;
}
