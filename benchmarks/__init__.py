"""irgames' speed against its peers (nashpy, pygambit, QuantEcon), in one run, with ratios.

Run ``python -m benchmarks [--quick] [--json PATH] [--plot PATH]`` from the repository root;
see ``benchmarks/README.md``.
"""
