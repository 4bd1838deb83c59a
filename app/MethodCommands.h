#pragma once

#include <QStringList>

namespace prunelab::cli {

/// `prunelab-cli methods [--json]`: the pruning methods and schedules a recipe can name, one line each.
int methods(const QStringList& arguments);

} // namespace prunelab::cli
