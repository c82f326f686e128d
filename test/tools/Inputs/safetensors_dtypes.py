"""Prints the dtypes of a safetensors file and checks its layout: every
tensor starts at a multiple of its element size, and the tensors cover the
data with no gaps (as safetensors readers require)."""
import json
import struct
import sys

WIDTH = {"F32": 4, "I32": 4, "I16": 2, "I8": 1}

data = open(sys.argv[1], "rb").read()
(size,) = struct.unpack("<Q", data[:8])
header = json.loads(data[8:8 + size])
header.pop("__metadata__", None)
end = 0
for name, t in sorted(header.items(), key=lambda kv: kv[1]["data_offsets"]):
    begin, stop = t["data_offsets"]
    count = 1
    for d in t["shape"]:
        count *= d
    assert begin == end, (name, "gap or overlap", begin, end)
    assert begin % WIDTH[t["dtype"]] == 0, (name, "misaligned", begin)
    assert stop - begin == count * WIDTH[t["dtype"]], (name, "size")
    end = stop
assert 8 + size + end == len(data), "trailing bytes"
print("dtypes", " ".join(sorted({t["dtype"] for t in header.values()})))
