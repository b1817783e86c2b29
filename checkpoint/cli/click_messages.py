"""The words click itself prints that a person meets: the usage line and help headings, and its refusals of a
mistyped command line. Marked here so `pybabel extract` puts them in our catalog, where click finds them through
the standard library's gettext (checkpoint/cli/language.py points it at our catalog).

A curated list rather than all of click's messages: most of the others are for programmers who misdeclare an
option, and every msgid in the catalog must be translated. Each must be written exactly as click's source writes
it; tests/checkpoint/test_cli_click_language.py fails when a click upgrade rewords one.
"""

from __future__ import annotations


def N_(message: str) -> str:  # gettext's conventional name for "mark, do not translate here"
    """Mark a message for extraction; click translates it when it prints it."""
    return message


def N_plural(singular: str, plural: str) -> tuple[str, str]:
    """Mark a message with a plural form (click asks `ngettext` for it) for extraction (`-k N_plural:1,2`)."""
    return singular, plural


SINGULAR = (
    # The help page
    N_("Usage:"),
    N_("Options"),
    N_("Commands"),
    N_("Show this message and exit."),
    N_("Show the version and exit."),
    N_("default: {default}"),
    N_("env var: {var}"),
    N_("(dynamic)"),
    # A mistyped command line
    N_("Error: {message}"),
    N_("Try '{command} {option}' for help."),
    N_("No such option {name!r}."),
    N_("No such command {name!r}."),
    N_("Missing command."),
    N_("Missing argument"),
    N_("Missing option"),
    N_("Missing parameter"),
    N_("Option {name!r} does not take a value."),
    N_("Invalid value: {message}"),
    N_("Invalid value for {param_hint}: {message}"),
    # What is wrong with a value
    N_("{value!r} is not a valid {number_type}."),
    N_("{value} is not in the range {range}."),
    N_("{value!r} is not a valid boolean. Recognized values: {states}"),
    N_("{value!r} is not a valid UUID."),
    N_("file"),
    N_("directory"),
    N_("path"),
    N_("{name} {filename!r} does not exist."),
    N_("{name} {filename!r} is a file."),
    N_("{name} {filename!r} is a directory."),
    N_("{name} {filename!r} is not readable."),
    N_("{name} {filename!r} is not writable."),
    N_("Could not open file {filename!r}: {message}"),
    # Questions and interruptions
    N_("Aborted!"),
    N_("Do you want to continue?"),
    N_("Repeat for confirmation"),
    N_("Error: The two entered values do not match."),
    N_("Error: invalid input"),
)

PLURAL = (
    N_plural("Got unexpected extra argument ({args})", "Got unexpected extra arguments ({args})"),
    N_plural("Option {name!r} requires an argument.", "Option {name!r} requires {nargs} arguments."),
    N_plural("{value!r} is not {choice}.", "{value!r} is not one of {choices}."),
    N_plural("{value!r} does not match the format {format}.", "{value!r} does not match the formats {formats}."),
    N_plural("Did you mean {possibility}?", "(Did you mean one of: {possibilities}?)"),
)

# The msgids (a plural message's is its singular) click must still ask for.
CLICK_MESSAGES = (*SINGULAR, *(singular for singular, _plural in PLURAL))
