#!/usr/bin/env python3
"""The man pages and --help agree: every command that `prunelab-cli --help` lists has its part in prunelab-cli(1),
every option of `prunelab-cli COMMAND --help` is there with its text, no command is in the page that --help does not
list, and every option of `prunelab --help` is in prunelab(1). The pages are read as man(1) renders them.

usage: check_manpages.py PRUNELAB_CLI PRUNELAB GENERATED_DIR
"""
import os
import re
import subprocess
import sys

cli, gui, generated = sys.argv[1:4]
env = dict(os.environ, LC_ALL="C.UTF-8", MANWIDTH="200", QT_QPA_PLATFORM="offscreen")
problems = []


def run(*args):
    return subprocess.run(args, env=env, check=True, capture_output=True, text=True).stdout


def flat(text):
    """Words only: roff's typography (hyphens, quotes, ellipses) and line breaks do not count."""
    text = text.replace("\u2010", "-").replace("\u2212", "-").replace("\u2018", "'").replace("\u2019", "'")
    text = text.replace("…", "...").replace("×", "x").replace("\u00b7", ".").replace("—", "-").replace("–", "-")
    return " ".join(text.split())


def rendered(page):
    return flat(run("man", "-l", os.path.join(generated, page + ".1")))


def options(help_text):
    """(names, description) of each option in a Qt --help text."""
    entries, part = [], None
    for line in help_text.splitlines():
        if line in ("Options:", "Arguments:"):
            part = line
            continue
        if part != "Options:" or not line.strip():
            continue
        m = re.match(r"^  (\S.*?)(?:\s{2,}(\S.*))?$", line)
        if m and not line.startswith("   "):
            entries.append([m.group(1), m.group(2) or ""])
        elif entries:
            entries[-1][1] += " " + line.strip()
    return entries


def commands(usage):
    """The command words of each line of `prunelab-cli --help` (run, dataset summarize, session rename ...)."""
    found, inside = [], False
    for line in usage.splitlines():
        if line == "commands:":
            inside = True
        elif inside and not line.strip():
            break
        elif inside and re.match(r"^  [a-z]", line):
            words = []
            for word in line.split():
                if not re.fullmatch(r"[a-z]+", word):
                    break
                words.append(word)
            if words not in found:
                found.append(words)
    return found


def check_options(page_text, help_text, where, skip_help=False):
    for names, description in options(help_text):
        if skip_help and names in ("-h, --help", "--help-all"):
            continue  # every command's; prunelab-cli(1) says so once, under OPTIONS
        for name in re.findall(r"--[a-z0-9-]+", names):
            if name not in page_text:
                problems.append(f"{where}: option {name} is in --help but not in the man page")
        if flat(description) not in page_text:
            problems.append(f"{where}: the text of {names!r} differs from the man page: {flat(description)!r}")


def subsections(page):
    """The COMMANDS section of a rendered page: heading (indented 3 columns) -> its text, flattened."""
    parts, heading, inside = {}, None, False
    for line in run("man", "-l", os.path.join(generated, page + ".1")).splitlines():
        if re.match(r"^[A-Z]", line):
            inside = line.strip() == "COMMANDS"
            heading = None
        elif inside and re.match(r"^   \S", line):
            heading = line.strip()
            parts[heading] = ""
        elif inside and heading:
            parts[heading] += " " + line
    return {h: flat(t) for h, t in parts.items()}


cli_page = rendered("prunelab-cli")
cli_parts = subsections("prunelab-cli")
cli_commands = commands(run(cli, "--help"))
if len(cli_commands) < 10:
    problems.append(f"prunelab-cli --help lists only {cli_commands}")
for words in cli_commands:
    name = " ".join(words)
    help_text = run(cli, *words, "--help")
    if not help_text.startswith("Usage: prunelab-cli " + words[0]):
        problems.append(f"prunelab-cli {name} --help: unexpected usage line {help_text.splitlines()[0]!r}")
    # "session rename" is documented under "session", "completion bash" under "completion".
    heading = name if name in cli_parts else words[0]
    if heading not in cli_parts:
        problems.append(f"prunelab-cli {name}: listed by --help, missing from prunelab-cli(1)")
        continue
    check_options(cli_parts[heading], help_text, f"prunelab-cli {name}", skip_help=True)

# Nothing in the page's COMMANDS that --help does not list.
listed = {" ".join(words) for words in cli_commands} | {words[0] for words in cli_commands}
for heading in cli_parts:
    if heading not in listed:
        problems.append(f"prunelab-cli(1) documents '{heading}', which prunelab-cli --help does not list")

gui_page = rendered("prunelab")
check_options(gui_page, run(gui, "--help"), "prunelab")
for section in ("SYNOPSIS", "OPTIONS", "FILES", "EXAMPLES", "SEE ALSO"):
    if section not in gui_page:
        problems.append(f"prunelab(1) has no {section} section")
for section in ("SYNOPSIS", "COMMANDS", "EXIT STATUS", "ENVIRONMENT", "FILES", "EXAMPLES"):
    if section not in cli_page:
        problems.append(f"prunelab-cli(1) has no {section} section")

for p in problems:
    print(p)
print(f"{len(cli_commands)} commands and prunelab's options checked against the man pages: "
      f"{'ok' if not problems else str(len(problems)) + ' problems'}")
sys.exit(1 if problems else 0)
