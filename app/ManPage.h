#pragma once

// A manual page made from the programs' own --help: prunelab(1) and prunelab-cli(1) are generated at build time by
// `prunelab --man` and `prunelab-cli --man`, so the page and --help come from one source and cannot drift.

#include <QList>
#include <QString>
#include <QStringList>

namespace prunelab::app {

struct ManPage {
    /// A term and its text: an option, an argument, an exit status, a file.
    struct Entry {
        QString term;
        QString text;
    };
    /// A titled part of a section: one command of prunelab-cli.
    struct Subsection {
        QString title;
        QStringList synopsis; ///< bold lines under the title
        QStringList paragraphs;
        QList<Entry> entries;
    };
    struct Section {
        QString title;
        QStringList paragraphs;
        QList<Entry> entries;
        QList<Subsection> subsections;
        QStringList examples; ///< shown verbatim, one line each
    };

    QString name;    ///< prunelab-cli
    QString section; ///< 1
    QString version;
    QString summary; ///< the NAME line after the dash
    QStringList synopsis;
    QList<Section> sections;

    /// The page in roff (man(7) macros), ready for `man -l`.
    QString toRoff() const;
};

/// What Qt's QCommandLineParser::helpText() says: its description lines, its options and its arguments.
struct ParsedHelp {
    QString usage;           ///< the line after "Usage: "
    QStringList description; ///< lines between the usage line and "Options:"
    QList<ManPage::Entry> options;
    QList<ManPage::Entry> arguments;
};
ParsedHelp parseHelpText(const QString& helpText);

} // namespace prunelab::app
