#pragma once

#include <QString>

namespace prunelab::ui {

/// A class name that a word-wrapped label may break between its words, "VeryMildDemented" and "very_mild" alike
/// (a zero-width space before each inner capital and after each _ or -): on a projector's large font a long class
/// name wraps under its picture instead of being cut or widening the window.
inline QString breakable(const QString& name)
{
    QString text;
    for (qsizetype i = 0; i < name.size(); ++i) {
        if (i > 0 && name[i].isUpper() && name[i - 1].isLower())
            text += QChar(0x200B);
        text += name[i];
        if ((name[i] == QLatin1Char('_') || name[i] == QLatin1Char('-')) && i + 1 < name.size())
            text += QChar(0x200B);
    }
    return text;
}

} // namespace prunelab::ui
