"""Every operation of a service's OpenAPI document, as a request filled with one person's values.

The document is the list: an operation added to a service is called without anyone adding it
here. Values come from the schema (its examples, formats, patterns and bounds), and wherever a
parameter or a property names a personal item (a name, a kana reading, a date of birth, an
address, an individual number, a resident code) the person's own value is put in its place.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from shared.values import individual_number_check_digit, resident_code_check_digit

METHOD_ORDER = ("post", "put", "patch", "get", "delete")
RETIRING_SUFFIXES = ("/resident-code-changes",)


@dataclass(frozen=True)
class Person:
    """Values chosen to be found nowhere else: any of them in a log line is a leak."""

    family_name: str = "鷲ノ宮"
    given_name: str = "澄香"
    family_name_kana: str = "ワシノミヤ"
    given_name_kana: str = "スミカ"
    date_of_birth: str = "1958-02-27"
    address_line: str = "霞が関9丁目8-7 翠嵐荘"
    individual_number: str = field(
        default_factory=lambda: _with_check("48201739561", individual_number_check_digit)
    )
    resident_code: str = field(default_factory=lambda: _with_check("7130495862", resident_code_check_digit))

    def values(self) -> tuple[str, ...]:
        return (
            self.family_name,
            self.given_name,
            self.family_name_kana,
            self.given_name_kana,
            self.date_of_birth,
            self.address_line.split()[0],
            self.address_line.split()[1],
            self.individual_number,
            self.resident_code,
        )

    def for_key(self, key: str) -> Any | None:
        """The person's value for a parameter or property of this name, or None."""
        if "resident_code" in key:
            return [self.resident_code] if key.endswith("codes") else self.resident_code
        if "individual_number" in key:
            return self.individual_number
        if "birth" in key or key == "effective_date":  # a birth takes effect on the date of birth
            return self.date_of_birth
        if key == "address_lines":
            return [self.address_line]
        if "kana" in key:
            return self.given_name_kana if "given" in key else self.family_name_kana
        if key in ("family_name", "former_family_name"):
            return self.family_name
        if key == "given_name":
            return self.given_name
        if key.endswith("name") and key not in ("event_name",):
            return f"{self.family_name} {self.given_name}"
        if key.endswith(("address", "address_line")):
            return self.address_line
        return None


def _with_check(digits: str, check_digit: Any) -> str:
    return digits + str(check_digit(digits))


@dataclass(frozen=True)
class Call:
    method: str
    path: str
    template: str
    query: dict[str, Any]
    body: Any | None


class Operations:
    """Builds a `Call` for each operation of one OpenAPI document."""

    def __init__(self, document: Mapping[str, Any], person: Person) -> None:
        self.document = document
        self.person = person
        self.schemas: Mapping[str, Any] = document.get("components", {}).get("schemas", {})

    def calls(self) -> Iterator[Call]:
        operations = [
            (template, method, operation)
            for template, item in self.document["paths"].items()
            for method, operation in item.items()
            if method in METHOD_ORDER
        ]
        # A resident-code change retires the person's code: it goes last, after every read of it.
        operations.sort(
            key=lambda entry: (entry[0].endswith(RETIRING_SUFFIXES), METHOD_ORDER.index(entry[1]))
        )
        for template, method, operation in operations:
            yield self.call(template, method, operation)

    def call(self, template: str, method: str, operation: Mapping[str, Any]) -> Call:
        path = template
        query: dict[str, Any] = {}
        for parameter in operation.get("parameters", []):
            name = parameter["name"]
            if not parameter.get("required") and self.person.for_key(name) is None:
                continue  # optional filters narrow the answer; a page token is the service's own
            value = self.value(parameter.get("schema", {}), name)
            if parameter["in"] == "path":
                path = path.replace("{" + name + "}", quote(str(value), safe=""))
            elif parameter["in"] == "query":
                query[name] = value
        body = None
        content = operation.get("requestBody", {}).get("content", {})
        if "application/json" in content:
            body = self.value(content["application/json"].get("schema", {}), "")
        return Call(method.upper(), path, template, query, body)

    def value(self, schema: Mapping[str, Any], key: str) -> Any:
        personal = self.person.for_key(key)
        schema = self.resolve(schema)
        if personal is not None and not _is_object(schema):
            return personal
        for combined in ("oneOf", "anyOf", "allOf"):
            if combined in schema:
                options = [self.resolve(option) for option in schema[combined]]
                chosen = next((option for option in options if option.get("type") != "null"), options[0])
                return self.value(chosen, key)
        if "const" in schema:
            return schema["const"]
        if "enum" in schema:
            return schema["enum"][0]
        if "examples" in schema and not _is_object(schema):
            return schema["examples"][0]
        if "default" in schema and schema["default"] is not None:
            return schema["default"]
        return self._by_type(schema, key)

    def _by_type(self, schema: Mapping[str, Any], key: str) -> Any:
        kind = schema.get("type")
        if kind == "object" or "properties" in schema:
            # The required properties, and every optional one that holds a personal item: other
            # optional ones are often allowed only together with others.
            required = set(schema.get("required", ()))
            return {
                name: self.value(sub, name)
                for name, sub in schema.get("properties", {}).items()
                if name in required or self.person.for_key(name) is not None
            }
        if kind == "array":
            return [self.value(schema.get("items", {}), key.removesuffix("s"))] * max(
                1, schema.get("minItems", 1)
            )
        if kind == "integer":
            return max(1, schema.get("minimum", 1))
        if kind == "number":
            return max(1, schema.get("minimum", 1))
        if kind == "boolean":
            return True
        return self._string(schema)

    def _string(self, schema: Mapping[str, Any]) -> str:
        text_format = schema.get("format")
        if text_format == "date":
            return "2025-04-01"
        if text_format == "date-time":
            return "2025-04-01T00:00:00Z"
        pattern = schema.get("pattern")
        candidates = (
            self.person.resident_code,
            self.person.individual_number,
            "131016",
            "13",
            "cooperator",
            "x",
        )
        if pattern:
            return next((text for text in candidates if re.search(pattern, text)), "x")
        length: int = max(1, schema.get("minLength", 1))
        return "x" * length

    def resolve(self, schema: Mapping[str, Any]) -> Mapping[str, Any]:
        while "$ref" in schema:
            schema = self.schemas[schema["$ref"].rsplit("/", 1)[-1]]
        return schema


def _is_object(schema: Mapping[str, Any]) -> bool:
    return schema.get("type") == "object" or "properties" in schema


def request_headers(token: str, person: Person) -> dict[str, str]:
    """What a well-behaved caller sends with every request: a purpose naming the person, too."""
    return {
        "Authorization": f"Bearer {token}",
        "X-Purpose": quote(f"{person.family_name}様の年金確認"),
        "Idempotency-Key": str(uuid.uuid4()),
        "If-Match": '"v1"',
    }
