"""The block models: data files made by benchmarks/train.py (see its docstring and LICENSE notes)."""
