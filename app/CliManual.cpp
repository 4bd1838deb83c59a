#include "CliManual.h"
#include "BenchCommands.h"
#include "CliCommands.h"
#include "CliOptions.h"
#include "DatasetCommands.h"
#include "ManPage.h"

#include "core/engine/pruning/MethodCatalogue.h"
#include "core/workbench/Recipe.h"
#include "core/workbench/SessionExporter.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QRegularExpression>
#include <QTextStream>

namespace prunelab::cli {

const QList<Command>& commands()
{
    static const QList<Command> table{
        {{"run"},
         {"run RECIPE.json|PRESET [--set KEY=VALUE]... [--sessions DIR] [--name NAME] [--json|--quiet]",
          "run [RECIPE] --from SESSION_DIR [--round K] [--set KEY=VALUE]...",
          "run RECIPE --grid KEY=V1,V2,... [--grid ...] [--shard I/N]",
          "run RECIPE|PRESET --repeat K [--set KEY=VALUE]..."},
         "run an experiment in a new session: train, prune round by round, measure; --from starts after round K "
         "of an earlier session; --grid runs every combination of values as one comparison; --repeat runs it with K "
         "seeds and reports mean ± std",
         &run},
        {{"resume"},
         {"resume SESSION_DIR [--json|--quiet]"},
         "continue a session after its last completed round (after Ctrl-C or a kill)",
         &resume},
        {{"validate"},
         {"validate SESSION_DIR [--round K] [--json]"},
         "reload a saved model and reproduce its recorded test accuracy",
         &validate},
        {{"export"},
         {"export SESSION_DIR --format FORMAT --out PATH [--round K|best|last]"},
         "write a round's model (torchscript, compact-torchscript, state-dict, masks), its data (csv), plots, a "
         "report or a zip bundle",
         &exportSession},
        {{"merge"}, {"merge SESSION... --out DIR"}, "combine the shards of a grid into one comparison", &merge},
        {{"list"}, {"list [--sessions DIR] [--json|--paths]"}, "the sessions, newest first", &list},
        {{"session"},
         {"session rename SESSION_DIR NAME", "session delete SESSION_DIR"},
         "rename or delete a session folder",
         &session},
        {{"train"},
         {"train --demo [--epochs N] [--sparsity F] [--method M] [--schedule S] [--rounds N] ..."},
         "the quick-demo preset on the demo MRI dataset, recipe fields as flags",
         &train},
        {{"presets"}, {"presets [show NAME]"}, "list the built-in presets, or print one as JSON", &presets},
        {{"methods"}, {"methods [--json]"}, "the pruning methods and schedules a recipe can name", &methods},
        {{"dataset", "summarize"},
         {"dataset summarize SOURCE [--json]"},
         "classes, counts, sizes, duplicates and skipped files of a dataset",
         &datasetSummarize},
        {{"dataset", "export"},
         {"dataset export SOURCE OUT"},
         "write a dataset as PNG class folders, or a .zip of them",
         &datasetExport},
        {{"dataset", "demo"},
         {"dataset demo OUTDIR [--per-class N] [--seed S] [--image-size N]"},
         "write the demo dataset as class folders of PNG images",
         &datasetDemo},
        {{"bench"},
         {"bench train|infer|prune|decode|memory|lesson|all [--model M] [--no-reference] [--json]"},
         "speed and memory against PyTorch / torchvision, measured in the same run",
         &bench},
        {{"completion"},
         {"completion bash"},
         "print the bash completion script (installed with the package; or: source <(prunelab-cli completion bash))",
         &completion},
    };
    return table;
}

const Command* findCommand(const QStringList& arguments, int* wordCount)
{
    for (const Command& c : commands()) {
        if (arguments.size() >= c.words.size() && arguments.mid(0, c.words.size()) == c.words) {
            *wordCount = int(c.words.size());
            return &c;
        }
    }
    return nullptr;
}

QString usage()
{
    QString text = QStringLiteral("usage: prunelab-cli COMMAND [OPTIONS]\n       prunelab-cli --help | --version | "
                                  "--man\n\ncommands:\n");
    for (const Command& c : commands()) {
        for (const QString& synopsis : c.synopses)
            text += QStringLiteral("  ") + synopsis + QLatin1Char('\n');
        text += QString(24, QLatin1Char(' ')) + c.summary + QLatin1Char('\n');
    }
    text += QStringLiteral("\noptions:\n"
                           "  -h, --help            this list\n"
                           "  -v, --version         the version\n"
                           "  --man                 the manual page prunelab-cli(1), in roff\n"
                           "\nRun 'prunelab-cli COMMAND --help' for a command's options; 'man prunelab-cli' for all "
                           "of them.\n");
    return text;
}

QString commandHelp(const Command& command)
{
    QString text;
    const HelpOutput saved = helpOutput;
    helpOutput = {command.words.join(QLatin1Char(' ')), &text};
    command.run({command.words.last(), QStringLiteral("--help")});
    helpOutput = saved;
    return text;
}

namespace {

using app::ManPage;

/// The --long names of a command's options ("--set"), from its --help.
QStringList optionNames(const app::ParsedHelp& help)
{
    static const QRegularExpression longName(QStringLiteral("--[a-z0-9-]+"));
    QStringList names;
    for (const ManPage::Entry& e : help.options) {
        for (auto it = longName.globalMatch(e.term); it.hasNext();)
            names << it.next().captured(0);
    }
    return names;
}

/// Every key a recipe has ("train.epochs", "prune.nm"), from the default recipe written out whole.
void collectKeys(const QJsonObject& object, const QString& prefix, QStringList& keys)
{
    for (auto it = object.begin(); it != object.end(); ++it) {
        const QString key = prefix + it.key();
        if (it.value().isObject())
            collectKeys(it.value().toObject(), key + QLatin1Char('.'), keys);
        else if (key != QLatin1String("schema_version"))
            keys << key;
    }
}

QStringList recipeKeys()
{
    QStringList keys;
    collectKeys(workbench::Recipe::fromJson(workbench::Recipe::presetJson(QStringLiteral("quick-demo"))).toJson(), {},
                keys);
    keys.sort();
    return keys;
}

template <typename List> QStringList catalogueNames(const List& list)
{
    QStringList names;
    for (const auto& entry : list)
        names << QString::fromLatin1(entry.name);
    return names;
}

bool isHelpOption(const QString& term)
{
    return term == QLatin1String("-h, --help") || term == QLatin1String("--help-all");
}

ManPage::Subsection commandSection(const Command& c)
{
    const app::ParsedHelp help = app::parseHelpText(commandHelp(c));
    ManPage::Subsection sub;
    sub.title = c.words.join(QLatin1Char(' '));
    for (const QString& synopsis : c.synopses)
        sub.synopsis << QStringLiteral("prunelab-cli ") + synopsis;
    // The command's own description (what COMMAND --help says; its line breaks kept), else its line of the list.
    QString summary = c.summary;
    summary[0] = summary[0].toUpper();
    sub.paragraphs << (help.description.isEmpty() ? summary + QLatin1Char('.')
                                                  : help.description.join(QLatin1Char('\n')));
    sub.entries = help.arguments;
    for (const ManPage::Entry& option : help.options)
        if (!isHelpOption(option.term)) // every command has them; OPTIONS says so once
            sub.entries << option;
    return sub;
}

} // namespace

QString manPage()
{
    ManPage page;
    page.name = QStringLiteral("prunelab-cli");
    page.section = QStringLiteral("1");
    page.version = QStringLiteral(PRUNELAB_VERSION);
    page.summary = QStringLiteral("train and prune neural networks on image datasets, headless");
    for (const Command& c : commands())
        for (const QString& synopsis : c.synopses)
            page.synopsis << QStringLiteral("prunelab-cli ") + synopsis;
    page.synopsis << QStringLiteral("prunelab-cli --help | --version | --man");

    ManPage::Section description{QStringLiteral("Description"), {}, {}, {}, {}};
    description.paragraphs
        << QStringLiteral("prunelab-cli runs what the PruneLab desktop workbench, prunelab(1), runs, without a "
                          "display: an experiment is a JSON recipe (dataset, preprocessing, model, optimiser, "
                          "schedule, pruning method, seed), or one of the built-in presets, and every run is a "
                          "session folder that survives Ctrl-C or a kill and can be resumed, validated, compared "
                          "and exported.")
        << QStringLiteral("On a terminal the run shows a progress bar with the time left; piped or redirected, it "
                          "prints plain lines; with --json, one JSON object per event. Errors go to standard error "
                          "as 'prunelab-cli: ' and the message, which names the file or recipe key and the "
                          "problem.");
    page.sections << description;

    ManPage::Section commandList{QStringLiteral("Commands"), {}, {}, {}, {}};
    for (const Command& c : commands())
        commandList.subsections << commandSection(c);
    page.sections << commandList;

    page.sections << ManPage::Section{
        QStringLiteral("Options"),
        {QStringLiteral("Without a command (every command also takes -h, --help for its own options, and --help-all "
                        "for Qt's as well):")},
        {{QStringLiteral("-h, --help"), QStringLiteral("The commands, one line each.")},
         {QStringLiteral("-v, --version"), QStringLiteral("The version.")},
         {QStringLiteral("--man"), QStringLiteral("This manual page, in roff.")}},
        {},
        {}};

    ManPage::Section presetSection{
        QStringLiteral("Presets"),
        {QStringLiteral("Built-in recipes that reproduce the workflows PruneLab's users come from; 'prunelab-cli "
                        "presets show NAME' prints one, and /usr/share/prunelab/presets holds them as files to "
                        "copy and edit.")},
        {},
        {},
        {}};
    for (const QString& name : workbench::Recipe::presetNames()) {
        const workbench::Recipe r = workbench::Recipe::fromJson(workbench::Recipe::presetJson(name));
        presetSection.entries << ManPage::Entry{
            name, QStringLiteral("%1 on %2, %3 pruning, %4 schedule.")
                      .arg(r.model.arch, r.dataset.source, r.prune.method, r.prune.schedule)};
    }
    page.sections << presetSection;

    page.sections << ManPage::Section{
        QStringLiteral("Exit status"),
        {},
        {{QStringLiteral("0"), QStringLiteral("Success.")},
         {QStringLiteral("1"), QStringLiteral("The run failed; the reason is on standard error.")},
         {QStringLiteral("2"), QStringLiteral("Bad usage or a bad recipe: the message names the option or the key.")},
         {QStringLiteral("130"),
          QStringLiteral("Cancelled by Ctrl-C, after the last completed round was saved ('resume' continues).")}},
        {},
        {}};
    page.sections << ManPage::Section{
        QStringLiteral("Environment"),
        {},
        {{QStringLiteral("NO_COLOR"),
          QStringLiteral("When set and not empty, no colour in the progress bar or the error prefix.")},
         {QStringLiteral("TERM"),
          QStringLiteral("With TERM=dumb the progress bar is drawn without terminal control sequences.")},
         {QStringLiteral("XDG_DATA_HOME, XDG_CONFIG_HOME, XDG_CACHE_HOME"),
          QStringLiteral("Where sessions, settings and the pixel cache go (see FILES).")},
         {QStringLiteral("QT_QPA_PLATFORM"),
          QStringLiteral("Set to offscreen by the commands that draw plots, when not set; no display is needed.")}},
        {},
        {}};
    page.sections << ManPage::Section{
        QStringLiteral("Files"),
        {},
        {{QStringLiteral("~/.local/share/PruneLab/sessions"),
          QStringLiteral("The sessions, one folder each (recipe.json, metrics.jsonl, state.json, rounds/, "
                         "results/); another folder chosen in the GUI's Preferences, or --sessions DIR.")},
         {QStringLiteral("~/.config/PruneLab/PruneLab.conf"),
          QStringLiteral("Settings shared with the GUI: the sessions folder and the cache size limit.")},
         {QStringLiteral("~/.cache/PruneLab/datasets"),
          QStringLiteral("Decoded pixels of the datasets opened before, so a large folder opens in seconds the "
                         "second time; safe to delete.")},
         {QStringLiteral("/usr/share/prunelab/presets"), QStringLiteral("The built-in presets as recipe files.")}},
        {},
        {}};
    page.sections << ManPage::Section{
        QStringLiteral("Examples"),
        {},
        {},
        {},
        {QStringLiteral("prunelab-cli presets"), QStringLiteral("prunelab-cli run quick-demo --set train.epochs=3"),
         QStringLiteral("prunelab-cli run lottery-ticket-lenet --quiet"),
         QStringLiteral("prunelab-cli resume SESSION_DIR"),
         QStringLiteral("prunelab-cli validate SESSION_DIR --round 1"),
         QStringLiteral("prunelab-cli export SESSION_DIR --format report --out report.html"),
         QStringLiteral("prunelab-cli run quick-demo --grid prune.sparsity=0.5,0.8,0.9 --shard 0/3")}};
    page.sections << ManPage::Section{
        QStringLiteral("See also"),
        {QStringLiteral("prunelab(1). The recipe format and exported files: "
                        "/usr/share/doc/prunelab/ or docs/recipe-and-cli.md in the source.")},
        {},
        {},
        {}};
    return page.toRoff();
}

QString bashCompletion()
{
    QString out;
    QTextStream s(&out);
    s << "# bash completion for prunelab-cli. Generated by 'prunelab-cli completion bash'; do not edit.\n\n";
    s << "_prunelab_cli_options() {\n    case \"$1\" in\n";
    QStringList commandWords;
    for (const Command& c : commands()) {
        commandWords << c.words.first();
        s << "    '" << c.words.join(QLatin1Char(' ')) << "') echo '"
          << optionNames(app::parseHelpText(commandHelp(c))).join(QLatin1Char(' ')) << "' ;;\n";
    }
    commandWords.removeDuplicates();
    s << "    esac\n}\n\n";
    s << "_prunelab_cli_commands='" << commandWords.join(QLatin1Char(' ')) << " --help --version --man'\n";
    s << "_prunelab_cli_presets='" << workbench::Recipe::presetNames().join(QLatin1Char(' ')) << "'\n";
    s << "_prunelab_cli_keys='" << recipeKeys().join(QLatin1Char(' ')) << "'\n";
    s << "_prunelab_cli_methods='" << catalogueNames(engine::methods()).join(QLatin1Char(' ')) << "'\n";
    s << "_prunelab_cli_schedules='" << catalogueNames(engine::schedules()).join(QLatin1Char(' ')) << "'\n";
    s << "_prunelab_cli_formats='torchscript compact-torchscript "
      << workbench::SessionExporter::formats().join(QLatin1Char(' ')) << "'\n";
    s << R"BASH(
# Offers the candidates that start with $cur, without the part before a '=' or ':' (bash splits words there).
_prunelab_cli_reply() {
    local candidate keep="${cur%"${cur##*[=:]}"}"
    for candidate in "$@"; do
        [[ $candidate == "$cur"* ]] && COMPREPLY+=("${candidate#"$keep"}")
    done
}

_prunelab_cli_prefixed() {
    local prefix="$1" value
    shift
    for value in "$@"; do echo "$prefix$value"; done
}

# Session folders: those of the sessions folder (prunelab-cli list --paths), and any folder.
_prunelab_cli_sessions() {
    local IFS=$'\n'
    _prunelab_cli_reply $(prunelab-cli list --paths 2>/dev/null)
    COMPREPLY+=($(compgen -d -- "$cur"))
}

_prunelab_cli() {
    local line="${COMP_LINE:0:COMP_POINT}"
    local cur="${line##*[[:space:]]}"
    local -a words
    read -ra words <<< "${line%"$cur"}"
    local prev="${words[${#words[@]}-1]}" command="${words[1]-}"
    [[ $command == dataset ]] && command="dataset ${words[2]-}"
    COMPREPLY=()
    if (( ${#words[@]} == 1 )); then
        _prunelab_cli_reply $_prunelab_cli_commands
        return
    fi
    if [[ $command == 'dataset ' ]]; then
        _prunelab_cli_reply summarize export demo
        return
    fi
    case "$prev" in
    --set|--grid)
        case "$cur" in
        prune.method=*) _prunelab_cli_reply $(_prunelab_cli_prefixed prune.method= $_prunelab_cli_methods) ;;
        prune.schedule=*) _prunelab_cli_reply $(_prunelab_cli_prefixed prune.schedule= $_prunelab_cli_schedules) ;;
        *=*) ;;
        *) _prunelab_cli_reply ${_prunelab_cli_keys// /= }=; compopt -o nospace 2>/dev/null ;;
        esac
        return ;;
    --sessions|--out|--keep) COMPREPLY=($(compgen -d -- "$cur")); return ;;
    --from) _prunelab_cli_sessions; return ;;
    --format) _prunelab_cli_reply $_prunelab_cli_formats; return ;;
    --method) _prunelab_cli_reply $_prunelab_cli_methods; return ;;
    --schedule) _prunelab_cli_reply $_prunelab_cli_schedules; return ;;
    --color) _prunelab_cli_reply auto gray rgb; return ;;
    --round) _prunelab_cli_reply best last; return ;;
    --device) _prunelab_cli_reply cpu cuda; return ;;
    esac
    if [[ $cur == -* ]]; then
        _prunelab_cli_reply $(_prunelab_cli_options "$command")
        return
    fi
    case "$command" in
    run) _prunelab_cli_reply $_prunelab_cli_presets; COMPREPLY+=($(compgen -f -X '!*.json' -- "$cur") $(compgen -d -- "$cur")) ;;
    resume|validate|export|merge) _prunelab_cli_sessions ;;
    session)
        if (( ${#words[@]} == 2 )); then _prunelab_cli_reply rename delete; else _prunelab_cli_sessions; fi ;;
    presets)
        if (( ${#words[@]} == 2 )); then _prunelab_cli_reply show; else _prunelab_cli_reply $_prunelab_cli_presets; fi ;;
    bench) _prunelab_cli_reply train infer prune decode memory all ;;
    completion) _prunelab_cli_reply bash ;;
    'dataset summarize'|'dataset export') _prunelab_cli_reply demo fashion-mnist; COMPREPLY+=($(compgen -f -- "$cur")) ;;
    'dataset demo') COMPREPLY=($(compgen -d -- "$cur")) ;;
    esac
}
complete -F _prunelab_cli prunelab-cli
)BASH";
    s.flush();
    return out;
}

int completion(const QStringList& arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Print a shell completion script. Debian's package installs it for bash; by hand: "
                       "source <(prunelab-cli completion bash)."));
    parser.addPositionalArgument(QStringLiteral("shell"), QStringLiteral("bash (the one supported)."),
                                 QStringLiteral("bash"));
    if (const int code = parseOrExit(parser, arguments); code >= 0)
        return code;
    if (parser.positionalArguments() != QStringList{QStringLiteral("bash")}) {
        QTextStream(stderr) << errorPrefix() << "completion needs 'bash' (the one shell supported)\n";
        return BadUsage;
    }
    QTextStream(stdout) << bashCompletion();
    return Success;
}

} // namespace prunelab::cli
