"""Output formats: `text` (`path:line:col: DC101 message`), `json`, `github`."""

from typing import Final

from ._finding import Finding

FORMATS: Final = ("text", "json", "github")


def _github_escape(text: str, *, property_value: bool = False) -> str:
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if property_value:
        text = text.replace(":", "%3A").replace(",", "%2C")
    return text


def _github(finding: Finding) -> str:
    properties = [f"file={_github_escape(finding.path, property_value=True)}"]
    message = finding.message
    if finding.cell is None:
        properties += [f"line={finding.line}", f"col={finding.col}"]
    else:
        # A notebook has no line numbers of its own; say where in the cell instead.
        message = f"cell {finding.cell}, line {finding.line}, col {finding.col}: {message}"
    properties.append(f"title={_github_escape('dimcheck ' + finding.code, property_value=True)}")
    return f"::error {','.join(properties)}::{_github_escape(message)}"


def format_findings(findings: list[Finding], output_format: str) -> str:
    """All findings in one output format, ready to print (ends with a newline unless empty).

    **Arguments:**

    - `findings`: what to print.
    - `output_format`: `"text"`, `"json"` (a list of objects with `path`, `cell`,
      `line`, `col`, `code`, `message`) or `"github"` (workflow commands that
      GitHub Actions shows as annotations).
    """
    if output_format == "json":
        import json  # only this format needs it: `dimcheck lint` starts without it

        items = [
            {
                "path": f.path,
                "cell": f.cell,
                "line": f.line,
                "col": f.col,
                "code": f.code,
                "message": f.message,
            }
            for f in findings
        ]
        return json.dumps(items, indent=2) + "\n"
    if output_format == "github":
        lines = [_github(f) for f in findings]
    elif output_format == "text":
        lines = [str(f) for f in findings]
    else:
        raise ValueError(
            f"output format must be one of {', '.join(FORMATS)}: got {output_format!r}"
        )
    return "".join(line + "\n" for line in lines)
