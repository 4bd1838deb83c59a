#pragma once

#include <QLatin1String>
#include <QString>

namespace prunelab::ui {

/// Gives a control the object name tests find it by and the accessible name a screen reader says; returns it.
template <typename W> W* named(W* widget, const char* objectName, const QString& accessibleName)
{
    widget->setObjectName(QLatin1String(objectName));
    widget->setAccessibleName(accessibleName);
    return widget;
}

} // namespace prunelab::ui
