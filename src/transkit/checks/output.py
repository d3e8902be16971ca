"""Findings as JSON and as SARIF 2.1.0 (for code-scanning views in CI)."""

from __future__ import annotations

import json

from .. import __version__
from ..project import Project
from . import CheckReport, check_classes

SARIF_LEVEL = {"error": "error", "warning": "warning", "info": "note"}


def to_json(report: CheckReport) -> str:
    return json.dumps({
        "findings": [{"check": f.check, "severity": f.severity, "message": f.message,
                      "path": f.path, "line": f.line, "lang": f.lang, "doc": f.doc,
                      "source": f.source} for f in report.findings],
        "summary": {"catalogues": report.files, "translations": report.units,
                    "errors": report.count("error"), "warnings": report.count("warning"),
                    "notes": report.count("info")},
    }, ensure_ascii=False, indent=2)


def to_sarif(report: CheckReport, project: Project) -> str:
    config = project.config
    registry = check_classes()
    index = {check.id: i for i, check in enumerate(registry)}
    rules = [{
        "id": check.id,
        "name": "".join(part.capitalize() for part in check.id.split("-")),
        "shortDescription": {"text": check.description},
        "defaultConfiguration": {"level": SARIF_LEVEL[
            config.checks.severity.get(check.id, check.severity)]},
    } for check in registry]
    results = []
    for finding in report.findings:
        location: dict[str, object] = {"artifactLocation": {"uri": finding.path,
                                                            "uriBaseId": "%SRCROOT%"}}
        if finding.line:
            location["region"] = {"startLine": finding.line}
        results.append({
            "ruleId": finding.check,
            "ruleIndex": index[finding.check],
            "level": SARIF_LEVEL[finding.severity],
            "message": {"text": finding.message},
            "locations": [{"physicalLocation": location}],
        })
    return json.dumps({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "transkit", "version": __version__,
                                "informationUri": "https://pypi.org/project/transkit/",
                                "rules": rules}},
            "originalUriBaseIds": {"%SRCROOT%": {"uri": project.root.as_uri() + "/"}},
            "results": results,
        }],
    }, ensure_ascii=False, indent=2)
