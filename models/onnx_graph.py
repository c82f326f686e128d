"""Minimal ONNX reader (no `onnx` package needed): nodes and initializers.

Reads just enough of ModelProto to list a graph's nodes (op type, name,
inputs, outputs, int/float/ints attributes), the shapes of its initializers,
its opset and its graph inputs/outputs; ``read_weights`` reads the values
of its float initializers. Large weight blobs are skipped
without being copied (memoryview), so a 550 MB VGG16 reads in seconds.

Also the zoo's op-set check (``check_ops``) and its ONNX-side parameter count
(``conv_gemm_params``): weights and biases of Conv and Gemm nodes, i.e. what
lcp counts after the exporter has folded BatchNorm into the convs.
"""

# Ops the zoo's exports may contain (Pad only directly before Conv/pools).
ALLOWED_OPS = frozenset([
    "Conv", "Relu", "MaxPool", "AveragePool", "GlobalAveragePool", "Gemm",
    "MatMul", "Add", "Mul", "Concat", "Flatten", "Reshape", "LRN",
    "BatchNormalization", "Clip", "Softmax", "Dropout", "Identity",
    "Constant", "Pad"])
PAD_CONSUMERS = frozenset(["Conv", "MaxPool", "AveragePool"])


def _varint(buf, pos):
    result = shift = 0
    while True:
        byte = buf[pos]
        pos += 1
        result |= (byte & 0x7F) << shift
        if byte < 0x80:
            return result, pos
        shift += 7


def _fields(buf):
    """Yield (field_number, wire_type, value) of one protobuf message."""
    pos, end = 0, len(buf)
    while pos < end:
        key, pos = _varint(buf, pos)
        number, wire = key >> 3, key & 7
        if wire == 0:
            value, pos = _varint(buf, pos)
        elif wire == 1:
            value, pos = buf[pos:pos + 8], pos + 8
        elif wire == 2:
            length, pos = _varint(buf, pos)
            value, pos = buf[pos:pos + length], pos + length
        elif wire == 5:
            value, pos = buf[pos:pos + 4], pos + 4
        else:
            raise ValueError("unsupported protobuf wire type %d" % wire)
        yield number, wire, value


def _packed_varints(buf):
    pos, out = 0, []
    while pos < len(buf):
        v, pos = _varint(buf, pos)
        out.append(v)
    return out


def _attribute(buf):
    import struct
    name, value, ints = None, None, []
    for n, w, v in _fields(buf):
        if n == 1:
            name = bytes(v).decode()
        elif n == 2 and w == 5:                      # f
            value = struct.unpack("<f", bytes(v))[0]
        elif n == 3 and w == 0:                      # i
            value = v - (1 << 64) if v >= 1 << 63 else v
        elif n == 8:                                 # ints
            ints += _packed_varints(v) if w == 2 else [v]
    if value is None and ints:
        value = [i - (1 << 64) if i >= 1 << 63 else i for i in ints]
    return name, value


def read_model(path):
    """{'opset', 'nodes', 'initializers', 'inputs', 'outputs'} of a model.

    nodes: [{'op', 'name', 'inputs', 'outputs', 'attrs'}] in graph order;
    initializers: {name: dims}; inputs/outputs: [(name, dims)].
    """
    with open(path, "rb") as f:
        model = memoryview(f.read())
    graph, opset = None, None
    for number, wire, value in _fields(model):
        if number == 7 and wire == 2:
            graph = value
        elif number == 8 and wire == 2:              # opset_import
            domain, version = "", None
            for n, w, v in _fields(value):
                if n == 1:
                    domain = bytes(v).decode()
                elif n == 2:
                    version = v
            if domain in ("", "ai.onnx"):
                opset = version
    nodes, inits, inputs, outputs = [], {}, [], []
    for number, wire, value in _fields(graph):
        if number == 1 and wire == 2:                # node
            node = {"op": "", "name": "", "inputs": [], "outputs": [],
                    "attrs": {}}
            for n, w, v in _fields(value):
                if n == 1:
                    node["inputs"].append(bytes(v).decode())
                elif n == 2:
                    node["outputs"].append(bytes(v).decode())
                elif n == 3:
                    node["name"] = bytes(v).decode()
                elif n == 4:
                    node["op"] = bytes(v).decode()
                elif n == 5:
                    key, val = _attribute(v)
                    node["attrs"][key] = val
            nodes.append(node)
        elif number == 5 and wire == 2:              # initializer
            name, dims = "", []
            for n, w, v in _fields(value):
                if n == 1:
                    dims += _packed_varints(v) if w == 2 else [v]
                elif n == 8:
                    name = bytes(v).decode()
            inits[name] = dims
        elif number in (11, 12) and wire == 2:       # input / output
            name, dims = "", []
            for n, w, v in _fields(value):
                if n == 1:
                    name = bytes(v).decode()
                elif n == 2:                         # TypeProto
                    for n2, w2, v2 in _fields(v):
                        if n2 != 1:
                            continue                 # tensor_type
                        for n3, w3, v3 in _fields(v2):
                            if n3 != 2:
                                continue             # shape
                            for n4, w4, v4 in _fields(v3):
                                dim = None
                                for n5, w5, v5 in _fields(v4):
                                    dim = (v5 if n5 == 1
                                           else bytes(v5).decode())
                                dims.append(dim)
            (inputs if number == 11 else outputs).append((name, dims))
    # Graph inputs also list initializers in old exports; keep real inputs.
    inputs = [(n, d) for n, d in inputs if n not in inits]
    return {"opset": opset, "nodes": nodes, "initializers": inits,
            "inputs": inputs, "outputs": outputs}


def read_weights(path):
    """{name: float32 NumPy array} of a model's float initializers."""
    import numpy as np
    with open(path, "rb") as f:
        model = memoryview(f.read())
    graph = next(v for n, w, v in _fields(model) if n == 7 and w == 2)
    weights = {}
    for number, wire, value in _fields(graph):
        if number != 5 or wire != 2:
            continue
        name, dims, dtype, raw, floats = "", [], 1, None, []
        for n, w, v in _fields(value):
            if n == 1:
                dims += _packed_varints(v) if w == 2 else [v]
            elif n == 2:
                dtype = v
            elif n == 4:                             # float_data
                floats.append(np.frombuffer(bytes(v), "<f4") if w == 2
                              else np.array([v], "<u4").view("<f4"))
            elif n == 8:
                name = bytes(v).decode()
            elif n == 9:
                raw = bytes(v)
        if dtype != 1:                               # FLOAT only
            continue
        data = (np.frombuffer(raw, "<f4") if raw is not None
                else np.concatenate(floats) if floats
                else np.zeros(0, "<f4"))
        weights[name] = data.reshape(dims).astype(np.float32)
    return weights


def op_types(model):
    return sorted({n["op"] for n in model["nodes"]})


def check_ops(model):
    """List of problems: ops outside ALLOWED_OPS, Pads not before Conv/pool."""
    problems = []
    extra = sorted(set(op_types(model)) - ALLOWED_OPS)
    if extra:
        problems.append("ops outside the zoo's op set: " + ", ".join(extra))
    consumers = {}
    for node in model["nodes"]:
        for name in node["inputs"]:
            consumers.setdefault(name, []).append(node["op"])
    for node in model["nodes"]:
        if node["op"] != "Pad":
            continue
        users = consumers.get(node["outputs"][0], [])
        if not users or any(u not in PAD_CONSUMERS for u in users):
            problems.append("Pad %s feeds %s, not only Conv/pool"
                            % (node["name"], users))
    return problems


def _numel(dims):
    total = 1
    for d in dims:
        total *= d
    return total


def conv_gemm_params(model):
    """Weights + biases of Conv and Gemm nodes (constant inputs 1 and 2)."""
    inits, total = model["initializers"], 0
    for node in model["nodes"]:
        if node["op"] in ("Conv", "Gemm"):
            for name in node["inputs"][1:3]:
                if name in inits:
                    total += _numel(inits[name])
    return total
