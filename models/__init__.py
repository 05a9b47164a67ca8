"""The theories of international relations, one module per formal game.

Installed as ``irgames.models``.
"""
