"""Run the `drop:` and `keep:` examples written inside every rule.

Each example runs against its own rule alone: a drop example must lose every
block (or, for a selector, match an element), a keep example must lose none.
"""
from __future__ import annotations

from dataclasses import dataclass

from cleannews.document import Block, Document
from cleannews.engine.apply import apply_rules
from cleannews.engine.ruleset import Active, Rule


@dataclass
class Failure:
    rule: Rule
    expected: str  # "drop" or "keep"
    example: str
    detail: str

    def __str__(self) -> str:
        return (f"{self.rule.path}:{self.rule.line}: rule {self.rule.id!r}: {self.expected} example "
                f"{self.example!r}: {self.detail}")


def check_rule(rule: Rule) -> list[Failure]:
    failures = []
    for expected, examples in (("drop", rule.drop), ("keep", rule.keep)):
        for example in examples:
            detail = _selector(rule, example, expected) if rule.kind == "selector" else _text(rule, example, expected)
            if detail:
                failures.append(Failure(rule, expected, example, detail))
    return failures


def _text(rule: Rule, example: str, expected: str) -> str | None:
    doc = Document(source="<example>", kind="text")
    doc.blocks = [Block(text=line.strip(), raw=line) for line in example.split("\n") if line.strip()]
    apply_rules(doc, Active([rule]))
    kept = [b.text for b in doc.blocks if b.kept]
    if expected == "drop" and kept:
        return f"the rule did not fire on {kept[0]!r}"
    if expected == "keep" and len(kept) < len(doc.blocks):
        lost = next(b.text for b in doc.blocks if not b.kept)
        return f"the rule removed {lost!r}"
    return None


def _selector(rule: Rule, example: str, expected: str) -> str | None:
    import lxml.html

    from cleannews.errors import InputError

    root = lxml.html.fragment_fromstring(example, create_parent="div")
    try:
        hits = rule.select(root, source="<example>")
    except InputError as exc:  # as a page would: the example's failure, not the run's
        return exc.reason
    if expected == "drop" and not hits:
        return "the selector matched no element"
    if expected == "keep" and hits:
        return f"the selector matched <{hits[0].tag}>"
    return None
