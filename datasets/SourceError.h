#pragma once

#include <QDir>
#include <QString>

#include <stdexcept>

namespace prunelab::datasets {

/// Refuses a whole source: std::runtime_error with "<file>: <problem>", the file in the platform's spelling.
[[noreturn]] inline void throwSourceError(const QString& path, const QString& problem)
{
    throw std::runtime_error(QStringLiteral("%1: %2").arg(QDir::toNativeSeparators(path), problem).toStdString());
}

} // namespace prunelab::datasets
