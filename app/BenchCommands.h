#pragma once

#include <QStringList>

namespace prunelab::cli {

/// `prunelab-cli bench train|infer|prune|decode|all [OPTIONS] [--json]` (core/bench): each benchmark against its
/// reference measured in the same run; `arguments` start with "bench".
int bench(const QStringList& arguments);

} // namespace prunelab::cli
