#pragma once

#include "CliCommands.h"

#include <QCommandLineOption>
#include <QCommandLineParser>
#include <QTextStream>

namespace prunelab::cli {

inline QCommandLineOption option(const char* name, const char* description, const char* valueName = nullptr)
{
    return valueName ? QCommandLineOption(QString::fromLatin1(name), QString::fromLatin1(description),
                                          QString::fromLatin1(valueName))
                     : QCommandLineOption(QString::fromLatin1(name), QString::fromLatin1(description));
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

} // namespace prunelab::cli
