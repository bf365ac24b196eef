"""Generated rule files for the rules-scaling benchmark: phrases and patterns across categories and sites."""
from __future__ import annotations

import random
from pathlib import Path

import yaml

CATEGORIES = ["paywall", "newsletter", "donation", "cookie", "social", "related", "navigation",
              "caption", "copyright", "comments", "ads", "signin", "promo", "boilerplate"]
VERBS = ["subscribe", "join", "follow", "support", "read", "watch", "listen", "download", "register",
         "sign up", "get", "try", "unlock", "share", "explore", "discover", "upgrade", "claim"]
NOUNS = ["newsletter", "briefing", "podcast", "digest", "membership", "app", "edition", "bulletin",
         "offer", "deal", "channel", "alerts", "club", "report", "weekly", "magazine", "archive", "plan"]
ADJS = ["daily", "weekly", "free", "premium", "exclusive", "morning", "evening", "unlimited", "special",
        "digital", "new", "best", "local", "global", "insider", "early", "vip", "pro"]


def generate(count: int, folder: Path, seed: int = 9, per_file: int = 500) -> Path:
    """`count` rules in `folder`: a third exact phrases, a third start/contains phrases, a third
    patterns; one in five scoped to a made-up site, the rest to English pages or every language."""
    rnd = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    rules = []
    for n in range(count):
        verb, noun, adj = rnd.choice(VERBS), rnd.choice(NOUNS), rnd.choice(ADJS)
        tag = f"x{n}q"  # keeps every generated rule distinct (and off real text)
        phrase = f"{verb} to our {adj} {noun} {tag}"
        rule = {"id": f"gen.{n}", "category": rnd.choice(CATEGORIES),
                "description": "generated for the speed benchmark",
                "drop": [phrase.capitalize()], "keep": [f"The {noun} reported on {adj} prices."]}
        kind = n % 3
        if kind == 0:
            rule["phrases"] = [phrase, f"{verb} {tag}"]
        elif kind == 1:
            rule["phrases"] = [f"{verb} to our {adj} {noun} {tag}"]
            rule["match"] = rnd.choice(["start", "contains", "end"])
            rule["drop"] = [phrase]
        else:
            rule["pattern"] = rf"^{verb} (?:to )?(?:our |the )?{adj} {noun} {tag}\b"
        if n % 5 == 4:
            rule["sites"] = [f"site{n % 97}.example"]
        elif n % 2:
            rule["languages"] = ["en"]
        rules.append(rule)
    for i in range(0, len(rules), per_file):
        (folder / f"gen{i // per_file:03d}.yaml").write_text(
            yaml.safe_dump({"rules": rules[i:i + per_file]}, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return folder
