#pragma once

#include "CliCommands.h"

#include <QCommandLineOption>
#include <QCommandLineParser>
#include <QTextStream>

#include <exception>

namespace prunelab::cli {

inline QCommandLineOption option(const char* name, const char* description, const char* valueName = nullptr)
{
    return valueName ? QCommandLineOption(QString::fromLatin1(name), QString::fromLatin1(description),
                                          QString::fromLatin1(valueName))
                     : QCommandLineOption(QString::fromLatin1(name), QString::fromLatin1(description));
}

/// The one way a command reports an error: "prunelab-cli: " and the message (which names the file and the problem)
/// on stderr; returns `exitCode` so that a command ends with `return fail(e, RunFailed);`.
inline int fail(const std::exception& error, int exitCode, const char* context = "")
{
    QTextStream(stderr) << "prunelab-cli: " << context << error.what() << Qt::endl;
    return exitCode;
}

/// Parses `arguments` (the command name first); prints help or the parser's error. Returns -1 to go on.
inline int parseOrExit(QCommandLineParser& parser, const QStringList& arguments)
{
    parser.addHelpOption();
    if (!parser.parse(arguments)) {
        QTextStream(stderr) << "prunelab-cli: " << parser.errorText() << '\n';
        return BadUsage;
    }
    if (parser.isSet(QStringLiteral("help"))) {
        QTextStream(stdout) << parser.helpText();
        return Success;
    }
    return -1;
}

/// The value of --NAME as a whole number in [low, high], left as it is when the option is absent. On a bad value
/// prints "--NAME must be a whole number from LOW to HIGH, got '…'" and returns false.
inline bool readWholeNumber(const QCommandLineParser& parser, const char* name, qint64 low, qint64 high, qint64* value)
{
    if (!parser.isSet(QString::fromLatin1(name)))
        return true;
    bool ok = false;
    const qint64 v = parser.value(QString::fromLatin1(name)).toLongLong(&ok);
    if (!ok || v < low || v > high) {
        QTextStream(stderr) << "prunelab-cli: --" << name << " must be a whole number from " << low << " to " << high
                            << ", got '" << parser.value(QString::fromLatin1(name)) << "'\n";
        return false;
    }
    *value = v;
    return true;
}

/// The same for a number with decimals.
inline bool readNumber(const QCommandLineParser& parser, const char* name, double low, double high, double* value)
{
    if (!parser.isSet(QString::fromLatin1(name)))
        return true;
    bool ok = false;
    const double v = parser.value(QString::fromLatin1(name)).toDouble(&ok);
    if (!ok || v < low || v > high) {
        QTextStream(stderr) << "prunelab-cli: --" << name << " must be a number from " << low << " to " << high
                            << ", got '" << parser.value(QString::fromLatin1(name)) << "'\n";
        return false;
    }
    *value = v;
    return true;
}

} // namespace prunelab::cli
