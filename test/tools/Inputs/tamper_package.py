"""Changes a compiled package the way a faulty tool would, then brings the
manifest's checksums up to date, so that the loader's other checks (not the
checksum) have to catch the change.

    tamper_package.py PACKAGE ACTION...

Each ACTION is one of:
  weights-overlap    the second tensor's bytes start where the first's do
  weights-duplicate  the header names the first tensor twice
  weights-dtype      the first F32 tensor is declared I32 (same size)
  weights-shape      the first tensor of rank > 1 is declared flat
  unit-id            the second unit takes the first one's id
  old-manifest       no dtypes and no weights.tensors, as packages were
                     written before lcp recorded them
"""
import hashlib
import json
import struct
import sys

package, actions = sys.argv[1], sys.argv[2:]
weights_path = package + "/weights.safetensors"
manifest_path = package + "/manifest.json"


def read_weights():
    data = open(weights_path, "rb").read()
    (size,) = struct.unpack("<Q", data[:8])
    return json.loads(data[8:8 + size]), data[8 + size:]


def write_weights(header_text, body):
    header_text += " " * ((8 - len(header_text) % 8) % 8)
    with open(weights_path, "wb") as f:
        f.write(struct.pack("<Q", len(header_text)))
        f.write(header_text.encode())
        f.write(body)


manifest = json.load(open(manifest_path))
for action in actions:
    if action.startswith("weights-"):
        header, body = read_weights()
        names = sorted((n for n in header if n != "__metadata__"),
                       key=lambda n: header[n]["data_offsets"])
        first, second = header[names[0]], header[names[1]]
        if action == "weights-overlap":
            begin = first["data_offsets"][0]
            size = second["data_offsets"][1] - second["data_offsets"][0]
            second["data_offsets"] = [begin, begin + size]
        elif action == "weights-dtype":
            t = next(t for t in header.values() if t["dtype"] == "F32")
            t["dtype"] = "I32"
        elif action == "weights-shape":
            t = next(t for n, t in header.items() if len(t["shape"]) > 1)
            count = 1
            for d in t["shape"]:
                count *= d
            t["shape"] = [count]
        text = json.dumps(header, separators=(",", ":"))
        if action == "weights-duplicate":
            entry = json.dumps({names[0]: first}, separators=(",", ":"))[1:-1]
            text = "{" + entry + "," + text[1:]
        write_weights(text, body)
        manifest["files"]["weights.safetensors"] = hashlib.sha256(
            open(weights_path, "rb").read()).hexdigest()
    elif action == "unit-id":
        manifest["units"][1]["id"] = manifest["units"][0]["id"]
    elif action == "old-manifest":
        manifest["weights"].pop("tensors", None)
        for t in (manifest["inputs"] + manifest["outputs"] +
                  [o for u in manifest["units"] for o in u["outputs"]]):
            t.pop("dtype", None)
    else:
        sys.exit("unknown action " + action)
json.dump(manifest, open(manifest_path, "w"), indent=2, sort_keys=True)
