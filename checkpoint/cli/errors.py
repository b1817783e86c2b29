"""How the CLI reports failures: one line on stderr saying what was wrong and what to do, and an exit code."""

from __future__ import annotations

import importlib

import click
from pydantic import ValidationError

from checkpoint.i18n import _

# Exit codes a script can rely on.
EXIT_OK = 0
EXIT_INTERNAL = 1
EXIT_USAGE = 2  # click's own code for bad arguments
EXIT_BAD_INPUT = 3  # the input (an image, a file, a document) cannot be used
EXIT_UNAVAILABLE = 4  # a model, a file or a service the command needs is missing


class Unavailable(click.ClickException):
    """Something the command needs (a database, a key, a file) is not there."""

    exit_code = EXIT_UNAVAILABLE


class PartlyRefused(click.ClickException):
    """The command did part of its work and refused the rest (rows of an import): a script must not go on."""

    exit_code = EXIT_BAD_INPUT


# "module:Exception" — the base class of each package's user-caused errors; one line per package.
USER_ERRORS = [
    "edge.errors:EdgeError",
    "matcher.errors:MatcherError",
    "benchmarks.lfw:DatasetError",
    "api.errors:ApiError",
    "watchlists.errors:WatchlistError",
    "checkpoint.policy.errors:KioskError",
]


def user_error_types() -> tuple[type[BaseException], ...]:
    """Exception bases that mean "the user's input or set-up is wrong", not a bug."""
    types = []
    for target in USER_ERRORS:
        module, name = target.split(":")
        types.append(getattr(importlib.import_module(module), name))
    return tuple(types)


def exit_code_for(exc: BaseException) -> int:
    from edge.errors import ModelUnavailable
    from matcher.calibration import CalibrationError

    if isinstance(exc, ModelUnavailable | CalibrationError | FileNotFoundError):
        return EXIT_UNAVAILABLE
    return EXIT_BAD_INPUT


def run_with_clean_errors(group: click.Group, argv: list[str]) -> int:
    """Run the CLI and return its exit code: the one a command asked for, or the one its failure deserves."""
    try:
        # Not standalone, so that user errors raised by commands reach the handlers below. Click then returns the
        # code of `ctx.exit(n)` instead of exiting, and what the command returned otherwise (None: success).
        returned = group.main(args=argv, prog_name="checkpoint", standalone_mode=False)
    except SystemExit as exc:  # sys.exit(n) inside a command
        return _system_exit_code(exc)
    except click.exceptions.Abort:
        click.echo("checkpoint: " + _("interrupted"), err=True)
        return 130
    except click.exceptions.NoArgsIsHelpError as exc:
        exc.show()  # a group named without a subcommand: its help is the answer
        return exc.exit_code
    except click.UsageError as exc:
        command = exc.ctx.command_path if exc.ctx is not None else "checkpoint"
        usage = _("Run '%(command)s --help' for usage.") % {"command": command}
        click.echo(f"{command}: {_one_line(exc.format_message())} {usage}", err=True)
        return exc.exit_code
    except click.ClickException as exc:
        click.echo(f"checkpoint: {_one_line(exc.format_message())}", err=True)
        return exc.exit_code
    except user_error_types() as exc:
        click.echo(f"checkpoint: {exc}", err=True)
        return exit_code_for(exc)
    except FileNotFoundError as exc:
        click.echo(f"checkpoint: {exc}", err=True)
        return EXIT_UNAVAILABLE
    except ValidationError as exc:
        # Settings are validated when first read; name the variable to fix rather than print a traceback.
        problems = "; ".join(
            f"CHECKPOINT_{'_'.join(str(p) for p in e['loc']).upper()}: {e['msg']}" for e in exc.errors()
        )
        message = _("invalid configuration (%(problems)s). Fix the variable or the TOML file") % {"problems": problems}
        click.echo(f"checkpoint: {message}", err=True)
        return EXIT_USAGE
    return returned if isinstance(returned, int) else EXIT_OK


def _system_exit_code(exc: SystemExit) -> int:
    """What Python itself would exit with: None is success, a message is printed and means failure."""
    if exc.code is None or isinstance(exc.code, int):
        return exc.code or EXIT_OK
    click.echo(f"checkpoint: {exc.code}", err=True)
    return EXIT_INTERNAL


def _one_line(message: str) -> str:
    """Click's messages on one line, ending in a full stop, so the next sentence reads on."""
    text = " ".join(message.split())
    return text if text.endswith((".", "?", "!")) else text + "."
