#!/usr/bin/python3
"""tests/docs_cli.t - docs/CONFIG.md section 2 documents exactly the command line
that the binary's help describes.

The truth is `parksim --help` and `parksim COMMAND --help`. For each command:
- every option the help names (short or long; "-o, --output" is one option)
  is in that command's synopsis line in CONFIG.md's "## 2 The command line"
  code block, and every option of the synopsis line is in the help;
- the exit codes the help gives equal those of the command's row in the
  exit-code table of section 2 (| `parksim CMD` | 0 ...; 1 ...; ... |).
--help itself is documented once, as `parksim [COMMAND] --help`. A command
whose --help printed the general usage would be compared as the general usage.

Binaries: $PARKSIM (default <repo>/bin/parksim).
"""
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from taplib import PARKSIM, REPO, ok, run_main  # noqa: E402

COMMANDS = ["", "run", "sweep", "validate", "calibrate", "abc", "keys"]
OPT = re.compile(r"(?<![\w-])(--[a-z][a-z-]*|-[a-zA-Z])(?![\w-])")


def help_text(cmd):
    p = subprocess.run([PARKSIM] + ([cmd] if cmd else []) + ["--help"], capture_output=True, text=True)
    return p.returncode, p.stdout


def aliases(text):
    """Pairs written as '-o, --output' in a help's option list."""
    return {m.group(1): m.group(2) for m in re.finditer(r"^\s+(-[a-zA-Z]), (--[a-z][a-z-]*)", text, re.M)}


def canon(opts, alias):
    return {alias.get(o, o) for o in opts}


def help_codes(text):
    """The exit codes a help states: the digits of its sentences from 'Exit' on."""
    i = text.find("Exit")
    return set(re.findall(r"\b(\d)\b", text[i:])) if i >= 0 else set()


def doc_section(doc):
    m = re.search(r"^## 2 The command line\n(.*?)^## 3 ", doc, re.M | re.S)
    return m.group(1) if m else ""


def doc_synopsis(sec):
    """{command: set of options} from the first code block of section 2."""
    m = re.search(r"^```\n(.*?)^```", sec, re.M | re.S)
    out, cur = {}, None
    for line in (m.group(1) if m else "").splitlines():
        if line.startswith("parksim"):
            words = line.split()
            cur = words[1] if len(words) > 1 and re.match(r"^[a-z]+$", words[1]) else ""
            out.setdefault(cur, set())
        elif not line.startswith(" ") or cur is None:
            continue
        line = re.sub(r"\(section [^)]*\)|\(docs/[^)]*\)", "", line)
        out[cur] |= set(OPT.findall(line))
    return out


def doc_codes(sec):
    """{command: set of codes} from the table rows | `parksim CMD` ... | codes |."""
    out = {}
    for row in re.findall(r"^\|(.*)\|\s*$", sec, re.M):
        cells = [c.strip() for c in row.split("|")]
        if len(cells) < 2 or "parksim" not in cells[0]:
            continue
        codes = set(re.findall(r"(?:^|;)\s*\**(\d)\**\s", cells[1] + " "))
        for name in re.findall(r"`parksim( [a-z]+)?`", cells[0]):
            out[name.strip()] = codes
    return out


def main(tmp):
    with open(os.path.join(REPO, "docs", "CONFIG.md"), encoding="utf-8") as f:
        sec = doc_section(f.read())
    ok(bool(sec), "docs/CONFIG.md has the section '## 2 The command line'")
    syn, codes = doc_synopsis(sec), doc_codes(sec)
    general = help_text("")[1]
    texts = {}
    for cmd in COMMANDS:
        rc, text = help_text(cmd)
        if cmd and text == general:
            cmd_as = ""  # no help of its own: the general usage
        else:
            cmd_as = cmd
        texts[cmd] = (rc, text, cmd_as)
    run_alias = aliases(texts["run"][1])
    for cmd in COMMANDS:
        rc, text, cmd_as = texts[cmd]
        name = "parksim" + (" " + cmd if cmd else "")
        alias = dict(run_alias, **aliases(text))
        # The general usage names its own options on its "Options:" line (the
        # rest names commands, and --resume in the meaning of exit code 3).
        m = re.search(r"^Options:(.*)$", text, re.M) if cmd_as == "" else None
        hopts = set(OPT.findall(m.group(1) if m else text))
        if "other options" in text and "as for run" in text:
            hopts |= set(OPT.findall(texts["run"][1]))
        hopts = canon(hopts, alias) - ({"--help"} if cmd else set())
        if cmd and cmd_as == "":
            hopts = set()  # its help is the general usage: nothing of its own
        dopts = canon(syn.get(cmd, set()), alias) - ({"--help"} if cmd else set())
        ok(rc == 0 and cmd in syn and hopts == dopts,
           "%s: the options of its help and of its synopsis in CONFIG.md agree (%s)" % (name, " ".join(sorted(hopts))),
           "in the help, not in CONFIG.md: %s" % " ".join(sorted(hopts - dopts)),
           "in CONFIG.md, not in the help: %s" % " ".join(sorted(dopts - hopts)),
           "synopsis found for this command: %s" % (cmd in syn))
        if cmd_as != cmd:
            continue
        hc = help_codes(text)
        if re.search(r"Exit codes as for run", text):
            hc = help_codes(texts["run"][1])
        ok(hc and hc == codes.get(cmd), "%s: the exit codes of its help (%s) are those of CONFIG.md's table (%s)"
           % (name, " ".join(sorted(hc)), " ".join(sorted(codes.get(cmd, set())))))


if __name__ == "__main__":
    sys.exit(run_main(main, "parksim-docs-cli-"))
