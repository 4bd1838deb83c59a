// Helpers of the CLI suites that run prunelab-cli as a child process (tst_cli_resume, tst_cli_structured,
// tst_cli_grid, tst_cli_repeat; tst_cli_export keeps its own plain runner: it links no workbench).
#pragma once

#include "core/workbench/Session.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>

#include <functional>

namespace prunelab::clitest {

using workbench::Session;

inline QString cli()
{
    return QStringLiteral(PRUNELAB_CLI);
}

/// What a plain (not --json) prunelab-cli run printed and how it ended.
struct CliResult {
    int exitCode = -1; ///< -1 when it crashed or did not finish within 5 minutes
    QString out;
    QString err;
};

inline CliResult runPlain(const QStringList& arguments)
{
    QProcess process;
    process.start(cli(), arguments);
    process.waitForFinished(300000);
    return {process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1,
            QString::fromUtf8(process.readAllStandardOutput()), QString::fromUtf8(process.readAllStandardError())};
}

/// Runs prunelab-cli with --json; calls `onEvent` for every event line as it arrives (true = kill it now).
struct CliRun {
    int exitCode = -1;
    QProcess::ExitStatus status = QProcess::NormalExit;
    QList<QJsonObject> events;
    QString session;
    QString errors;
};

inline CliRun runCli(const QStringList& arguments, const QString& killDuringWrite = {},
                     const std::function<bool(const QJsonObject&)>& killWhen = {})
{
    CliRun result;
    QProcess process;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    if (!killDuringWrite.isEmpty())
        env.insert(QStringLiteral("PRUNELAB_TEST_KILL_DURING_WRITE"), killDuringWrite);
    process.setProcessEnvironment(env);
    QByteArray pending;
    QObject::connect(&process, &QProcess::readyReadStandardOutput, [&] {
        pending += process.readAllStandardOutput();
        qsizetype newline;
        while ((newline = pending.indexOf('\n')) >= 0) {
            const QJsonObject event = QJsonDocument::fromJson(pending.left(newline)).object();
            pending.remove(0, newline + 1);
            result.events.append(event);
            if (event.value(QStringLiteral("event")).toString() == QLatin1String("session"))
                result.session = event.value(QStringLiteral("session")).toString();
            if (killWhen && killWhen(event) && process.state() == QProcess::Running)
                process.kill(); // SIGKILL
        }
    });
    process.start(cli(), arguments + QStringList{QStringLiteral("--json")});
    process.waitForStarted();
    while (process.state() != QProcess::NotRunning)
        process.waitForFinished(100);
    result.exitCode = process.exitCode();
    result.status = process.exitStatus();
    result.errors = QString::fromUtf8(process.readAllStandardError());
    return result;
}

inline QList<QJsonObject> epochEvents(const Session& s)
{
    QList<QJsonObject> events;
    for (QJsonObject e : s.metrics())
        if (e.value(QStringLiteral("event")).toString() == QLatin1String("epoch")) {
            e.remove(QStringLiteral("seconds"));
            events.append(e);
        }
    return events;
}

} // namespace prunelab::clitest
