#pragma once

#include "CliCommands.h"

#include <QCommandLineOption>
#include <QCommandLineParser>
#include <QCoreApplication>
#include <QTextStream>

#include <exception>

#include <unistd.h>

namespace prunelab::cli {

inline QCommandLineOption option(const char* name, const char* description, const char* valueName = nullptr)
{
    // The descriptions are UTF-8 ("…", "×"): read as Latin-1 they printed as "â¦" in --help.
    return valueName ? QCommandLineOption(QString::fromLatin1(name), QString::fromUtf8(description),
                                          QString::fromLatin1(valueName))
                     : QCommandLineOption(QString::fromLatin1(name), QString::fromUtf8(description));
}

/// --sessions DIR, of the commands that make or list sessions.
inline QCommandLineOption sessionsOption()
{
    return option("sessions",
                  "Folder of sessions (default: the one chosen in the GUI's Preferences, else "
                  "~/.local/share/PruneLab/sessions).",
                  "dir");
}

/// Colour on the terminal `fd` unless NO_COLOR is set and not empty (no-color.org) or TERM is dumb; never in a pipe
/// or a file.
inline bool colourOn(int fd)
{
    return ::isatty(fd) == 1 && qEnvironmentVariableIsEmpty("NO_COLOR") && qgetenv("TERM") != "dumb";
}

/// "prunelab-cli: " before every error on stderr, in bold red where colourOn(stderr).
inline QString errorPrefix()
{
    return colourOn(STDERR_FILENO) ? QStringLiteral("\033[1;31mprunelab-cli:\033[0m ")
                                   : QStringLiteral("prunelab-cli: ");
}

/// The one way a command reports an error: "prunelab-cli: " and the message (which names the file and the problem)
/// on stderr; returns `exitCode` so that a command ends with `return fail(e, RunFailed);`.
inline int fail(const std::exception& error, int exitCode, const char* context = "")
{
    QTextStream(stderr) << errorPrefix() << context << error.what() << Qt::endl;
    return exitCode;
}

/// Where `COMMAND --help` goes: the command's words for its usage line ("dataset summarize"), and a string that
/// captures the text instead of stdout while the man page or the completion is made from it (CliManual.cpp).
struct HelpOutput {
    QString words;
    QString* capture = nullptr;
};
inline HelpOutput helpOutput;

/// The parser's help with the usage line naming the command: "Usage: prunelab-cli run [options] …" (Qt's own names
/// argv[0], perhaps a path, and not the command).
inline QString helpText(const QCommandLineParser& parser)
{
    QString text = parser.helpText();
    const QString qtUsage = QStringLiteral("Usage: ") + QCoreApplication::arguments().value(0);
    if (text.startsWith(qtUsage))
        text.replace(0, qtUsage.size(), QStringLiteral("Usage: prunelab-cli ") + helpOutput.words);
    return text;
}

/// Parses `arguments` (the command name first); prints help or the parser's error. Returns -1 to go on.
inline int parseOrExit(QCommandLineParser& parser, const QStringList& arguments)
{
    parser.addHelpOption();
    if (!parser.parse(arguments)) {
        QTextStream(stderr) << errorPrefix() << parser.errorText() << '\n';
        return BadUsage;
    }
    if (parser.isSet(QStringLiteral("help"))) {
        if (helpOutput.capture)
            *helpOutput.capture = helpText(parser);
        else
            QTextStream(stdout) << helpText(parser);
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
        QTextStream(stderr) << errorPrefix() << "--" << name << " must be a whole number from " << low << " to " << high
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
        QTextStream(stderr) << errorPrefix() << "--" << name << " must be a number from " << low << " to " << high
                            << ", got '" << parser.value(QString::fromLatin1(name)) << "'\n";
        return false;
    }
    *value = v;
    return true;
}

} // namespace prunelab::cli
