"""`make clients` runs in CI, and reads its generators' warnings as they print them."""

from __future__ import annotations

import re

from deploy.local.platform import ROOT
from tests.clients.run import java_warnings, python_warnings, typescript_warnings

PYTHON_OUTPUT = """Generating /tmp/out/jichi_client
Warning(s) encountered while generating. Client was generated, but some pieces may be missing

WARNING parsing GET /funds/v1/party-subsidies/allocations/{year} within party_subsidies.

Cannot parse response for status code 200 (Could not find reference in parsed models or enums)

{
  "$ref": "#/components/schemas/StoredSubsidyAllocation"
}

Unable to parse schema /components/schemas/ElectionVotes-Output

Unable to parse this part of your OpenAPI document: : Attempted to generate duplicate models

{
  "title": "ElectionVotes"
}

If you believe this was a mistake or this tool is missing a feature you need, please open an issue
"""

JAVA_OUTPUT = """[main] WARN  o.o.codegen.DefaultCodegen - OpenAPI 3.1 support is still in beta.
[main] INFO  o.o.codegen.DefaultGenerator - Generating with dryRun=false
[main] INFO  o.o.codegen.InlineModelResolver - Inline schema created as WARN_value.
[main] WARN  o.o.codegen.utils.ModelUtils - Failed to get the schema name: null
[main] WARN  o.o.codegen.DefaultCodegen - Unknown type found in the schema: uint64
[main] ERROR o.o.codegen.DefaultGenerator - Could not generate model 'Yen'
"""


def test_ci_runs_make_clients() -> None:
    assert re.search(r"^make clients$", (ROOT / ".ci" / "run").read_text(), re.MULTILINE)


def test_python_warnings_are_one_line_each_without_the_quoted_schema() -> None:
    assert python_warnings(PYTHON_OUTPUT) == [
        "WARNING parsing GET /funds/v1/party-subsidies/allocations/{year} within party_subsidies. / "
        "Cannot parse response for status code 200 (Could not find reference in parsed models or enums)",
        "Unable to parse schema /components/schemas/ElectionVotes-Output / "
        "Unable to parse this part of your OpenAPI document: : Attempted to generate duplicate models",
    ]
    assert python_warnings("Generating /tmp/out/jichi_client\n") == []


def test_java_warnings_leave_out_the_notices_every_3_1_document_gets() -> None:
    assert java_warnings(JAVA_OUTPUT) == [
        "Unknown type found in the schema: uint64",
        "Could not generate model 'Yen'",
    ]


def test_typescript_warnings_are_anything_but_the_banner_and_the_file_written() -> None:
    output = "✨ openapi-typescript 7.13.0\n⚠️ schema Foo has no type\n🚀 jichi.json → jichi.ts [1.2s]\n"
    assert typescript_warnings(output) == ["⚠️ schema Foo has no type"]
