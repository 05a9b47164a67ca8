r"""A netCDF-3 (64-bit offset, "CDF-2") writer whose variables are filled slice by slice.

A sweep's results can be far larger than memory, so they cannot be handed to a writer whole.
In the classic netCDF formats every fixed-size variable is stored contiguously, in C order,
at an offset that the header states; the header depends only on the names, types and shapes.
So once the header is written, the values of the consecutive C-order points
:math:`i_0, \dots, i_1 - 1` of a variable of trailing size :math:`w` and item size :math:`b`
are the bytes from :math:`\text{begin} + i_0 w b` to :math:`\text{begin} + i_1 w b`: a chunk
of a sweep is one ``seek`` and one ``write`` per variable, whatever the grid's dimension.

Only what sweeps need is written: fixed dimensions, variables of type byte (int8), int
(int32) and double (float64), text and double attributes. The file reads with any netCDF
reader (``xarray.open_dataset``, ``scipy.io.netcdf_file``, netCDF4, ncdump). The format is
Unidata's "NetCDF Classic and 64-bit Offset Format" specification; values are big-endian.

Examples
--------
>>> import os, tempfile
>>> import numpy as np
>>> from scipy.io import netcdf_file
>>> path = os.path.join(tempfile.mkdtemp(), "t.nc")
>>> with open(path, "wb") as handle:
...     w = Netcdf3Writer(handle, {"x": 3, "y": 2}, {"title": "demo"})
...     w.variable("x", ("x",), np.float64)
...     w.variable("z", ("x", "y"), np.float64, {"units": "m"})
...     w.write_header()
...     w.write("x", 0, np.array([0.0, 0.5, 1.0]))
...     w.write("z", 0, np.arange(4.0))     # points 0..1 of the 3 x 2 grid
...     w.write("z", 2, np.array([4.0, 5.0]))  # point 2
>>> with netcdf_file(path, mmap=False) as f:
...     f.variables["z"][:].tolist(), f.title
([[0.0, 1.0], [2.0, 3.0], [4.0, 5.0]], b'demo')
"""

from __future__ import annotations

import struct
from collections.abc import Mapping
from typing import Any, BinaryIO

import numpy as np

__all__ = ["Netcdf3Writer", "netcdf_dtype"]

_DIMENSION, _VARIABLE, _ATTRIBUTE = 0x0A, 0x0B, 0x0C
_TYPES = {np.dtype(np.int8): 1, np.dtype(np.int32): 4, np.dtype(np.float64): 6}
_CHAR = 2
#: The largest byte size a CDF-2 header can state for a variable (larger ones must be last).
_MAX_VSIZE = 2**32 - 4


def netcdf_dtype(dtype) -> np.dtype:
    """The classic-format type that holds values of ``dtype``: int8 for bools and bytes,
    int32 for other integers (values are checked when written), float64 for the rest."""
    dtype = np.dtype(dtype)
    if dtype.kind == "b" or dtype == np.int8:
        return np.dtype(np.int8)
    if dtype.kind in "iu":
        return np.dtype(np.int32)
    if dtype.kind == "f":
        return np.dtype(np.float64)
    # builtin: the private writer's own check; sweep() reports dtypes first
    raise TypeError(f"netCDF-3 cannot hold values of dtype {dtype}")


def _pad(n: int) -> bytes:
    return b"\0" * (-n % 4)


def _name(text: str) -> bytes:
    raw = text.encode("utf-8")
    return struct.pack(">i", len(raw)) + raw + _pad(len(raw))


def _attributes(attrs: Mapping[str, Any]) -> bytes:
    if not attrs:
        return b"\0" * 8
    out = [struct.pack(">ii", _ATTRIBUTE, len(attrs))]
    for key, value in attrs.items():
        out.append(_name(key))
        if isinstance(value, str):
            raw = value.encode("utf-8")
            out.append(struct.pack(">ii", _CHAR, len(raw)) + raw + _pad(len(raw)))
        else:
            values = np.atleast_1d(np.asarray(value, dtype=">f8"))
            out.append(struct.pack(">ii", _TYPES[np.dtype(np.float64)], values.size))
            out.append(values.tobytes())
    return b"".join(out)


class Netcdf3Writer:
    """Declare dimensions and variables, write the header, then fill variables by slices.

    Parameters
    ----------
    handle : binary file
        Opened for writing (and seeking); the caller closes it.
    dims : mapping of str to int
        Dimension names and lengths, in order.
    attrs : mapping, optional
        Global attributes (str or numbers).
    """

    def __init__(self, handle: BinaryIO, dims: Mapping[str, int], attrs=None):
        self.handle = handle
        self.dims = {str(k): int(v) for k, v in dims.items()}
        self.attrs = dict(attrs or {})
        self.vars: dict[str, dict[str, Any]] = {}
        self._header = False

    def variable(
        self, name: str, dims: tuple[str, ...], dtype, attrs=None, *, point_dims: int = 1
    ) -> None:
        """Declare a variable over ``dims`` holding ``dtype`` (see :func:`netcdf_dtype`).

        Its leading ``point_dims`` dimensions index the *points* that :meth:`write` counts
        (for a sweep's outcome: the grid's dimensions; a trailing axis stays within a point).
        """
        if self._header:
            # builtin: misuse of this private writer, a bug in its caller
            raise RuntimeError("variables must be declared before write_header()")
        for d in dims:
            if d not in self.dims:
                # builtin: misuse of this private writer, a bug in its caller
                raise ValueError(f"variable {name!r}: unknown dimension {d!r}")
        stored = netcdf_dtype(dtype)
        count = int(np.prod([self.dims[d] for d in dims], dtype=np.int64))
        width = int(np.prod([self.dims[d] for d in dims[point_dims:]], dtype=np.int64))
        self.vars[name] = {
            "dims": tuple(dims),
            "dtype": stored,
            "attrs": dict(attrs or {}),
            "nbytes": count * stored.itemsize,
            "width": width,
        }

    def write_header(self) -> None:
        """Write the header (the variables' offsets follow from their sizes)."""
        names = list(self.vars)
        too_large = [n for n in names if self.vars[n]["nbytes"] > _MAX_VSIZE]
        if len(too_large) > 1 or (too_large and too_large[0] != names[-1]):
            # the format states sizes in 32 bits: only the last variable may be larger
            big = too_large[-1]
            names.remove(big)
            names.append(big)
            if len(too_large) > 1:
                # builtin: sweep() re-raises this as a SweepError with its advice
                raise ValueError(
                    f"netCDF-3 holds at most one variable over 4 GiB; {too_large} are larger: "
                    "write CSV, or sweep a smaller grid"
                )
        self.vars = {n: self.vars[n] for n in names}
        dim_index = {d: i for i, d in enumerate(self.dims)}

        def header(begins: list[int]) -> bytes:
            out = [b"CDF\x02", struct.pack(">i", 0)]
            if self.dims:
                out.append(struct.pack(">ii", _DIMENSION, len(self.dims)))
                for d, n in self.dims.items():
                    out.append(_name(d) + struct.pack(">i", n))
            else:
                out.append(b"\0" * 8)
            out.append(_attributes(self.attrs))
            if self.vars:
                out.append(struct.pack(">ii", _VARIABLE, len(self.vars)))
            else:
                out.append(b"\0" * 8)
            for (name, v), begin in zip(self.vars.items(), begins, strict=True):
                out.append(_name(name))
                out.append(struct.pack(">i", len(v["dims"])))
                out.extend(struct.pack(">i", dim_index[d]) for d in v["dims"])
                out.append(_attributes(v["attrs"]))
                vsize = v["nbytes"] + (-v["nbytes"] % 4)
                out.append(
                    struct.pack(
                        ">iIq",
                        _TYPES[v["dtype"]],
                        vsize if vsize <= _MAX_VSIZE else 2**32 - 1,
                        begin,
                    )
                )
            return b"".join(out)

        size = len(header([0] * len(self.vars)))  # offsets are fixed-width fields
        begins, offset = [], size
        for v in self.vars.values():
            begins.append(offset)
            offset += v["nbytes"] + (-v["nbytes"] % 4)
        for v, begin in zip(self.vars.values(), begins, strict=True):
            v["begin"] = begin
        self.handle.seek(0)
        self.handle.write(header(begins))
        # the file's full length now, so that unwritten values read as zeros, not as a
        # truncated file (every value is written by the caller in the end)
        self.handle.truncate(offset)
        self._header = True

    def write(self, name: str, start: int, values: np.ndarray) -> None:
        """Write the values of the consecutive points ``start, start + 1, ...`` of variable
        ``name`` (points in C order over its ``point_dims`` leading dimensions; ``values``
        holds whole points, in C order)."""
        if not self._header:
            # builtin: misuse of this private writer, a bug in its caller
            raise RuntimeError("write_header() first")
        v = self.vars[name]
        values = np.asarray(values)
        stored = v["dtype"]
        if stored == np.int32 and values.dtype.kind in "iu" and values.size:
            lo, hi = int(values.min()), int(values.max())
            if lo < -(2**31) or hi >= 2**31:
                # builtin: sweep() re-raises this as a SweepError with its advice
                raise ValueError(
                    f"variable {name!r}: integers {lo}..{hi} do not fit netCDF-3's int32"
                )
        data = np.ascontiguousarray(values, dtype=stored.newbyteorder(">"))
        per_point = v["width"] * stored.itemsize
        offset = v["begin"] + int(start) * per_point
        if offset + data.nbytes > v["begin"] + v["nbytes"]:
            # builtin: misuse of this private writer, a bug in its caller
            raise ValueError(f"variable {name!r}: write past its end")
        self.handle.seek(offset)
        self.handle.write(memoryview(data.reshape(-1)).cast("B"))
