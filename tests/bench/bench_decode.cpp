// Decode-and-resize throughput of the dataset loader (core/bench/DecodeBench.h), the same as
// `prunelab-cli bench decode`. Usage: bench_decode [--images N] [--size S] [--keep DIR] [--no-reference] [--json]
// --images 33984 is the Kaggle Alzheimer set's size.

#include "core/bench/DecodeBench.h"

#include <QCoreApplication>

#include <iostream>

int main(int argc, char* argv[])
{
    QCoreApplication app(argc, argv);
    prunelab::bench::DecodeBenchOptions options;
    bool json = false;
    const QStringList args = app.arguments();
    for (int i = 1; i < args.size(); ++i) {
        if (args[i] == QLatin1String("--images") && i + 1 < args.size())
            options.images = args[++i].toInt();
        else if (args[i] == QLatin1String("--size") && i + 1 < args.size())
            options.size = args[++i].toInt();
        else if (args[i] == QLatin1String("--keep") && i + 1 < args.size())
            options.keep = args[++i].toStdString();
        else if (args[i] == QLatin1String("--no-reference"))
            options.reference = false;
        else if (args[i] == QLatin1String("--json"))
            json = true;
    }
    const prunelab::bench::BenchReport report = prunelab::bench::runDecodeBench(options);
    if (json)
        std::cout << report.json() << std::endl;
    else
        for (const std::string& line : report.lines)
            std::cout << line << std::endl;
    return 0;
}
