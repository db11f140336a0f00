#!/usr/bin/env python3
"""Copy a `flexcim prune` container for a FlexCiM macro of another P or G.

  scripts/pruned_for_macro.py PRUNE_DIR_OR_FILE OUT_DIR --sel-group G [--subs P] [--layer B.NAME]

Writes OUT_DIR/pruned.flexcim: the same masks, weights and scales, with the
header's macro G (and P with --subs) changed and the digest recomputed;
with --layer only that layer is listed (the payload is kept as it is, so
every offset stays valid). A mask legal at select group G' is legal at
every G that divides G' (fewer columns share a pair select), so `flexcim
map --stimulus-layer` can then write the same layer's stimulus for the
FlexCiM design at G (docs/CODESIGN.md "Designs at simulated activity").
`map` re-encodes every listed layer on the new macro and checks it against
its GEMV, so a layer the new macro cannot hold is refused there (exit 1),
never measured. Used by scripts/codesign_sweep.sh (SWEEP_STIMULUS_PRUNE).
Container layout (flow_pruner/pruned_container.cpp): "FLXPRUNE", u32
version, u32 header length, JSON header, u32 payload length, payload,
SHA-256 of everything before it.
"""
import argparse
import hashlib
import json
import os
import struct
import sys

MAGIC = b"FLXPRUNE"
DIGEST_BYTES = 32


def usage_error(message):
    print(f"pruned_for_macro: {message}", file=sys.stderr)
    sys.exit(2)


def fail(message):
    print(f"pruned_for_macro: {message}", file=sys.stderr)
    sys.exit(1)


def power_of_two(v):
    return v >= 1 and not v & (v - 1)


def main():
    parser = argparse.ArgumentParser(description=__doc__.strip().splitlines()[0])
    parser.add_argument("source", help="a `flexcim prune` output directory or its pruned.flexcim")
    parser.add_argument("out_dir", help="written: OUT_DIR/pruned.flexcim")
    parser.add_argument("--sel-group", type=int, required=True, help="G of the new macro")
    parser.add_argument("--subs", type=int, help="P of the new macro (default: the container's)")
    parser.add_argument("--layer", help="keep only this layer (block.name, e.g. 3.wq)")
    a = parser.parse_args()
    source = os.path.join(a.source, "pruned.flexcim") if os.path.isdir(a.source) else a.source
    try:
        with open(source, "rb") as f:
            data = f.read()
    except OSError as e:
        fail(f"{source}: {e.strerror}")
    if len(data) < len(MAGIC) + 12 + DIGEST_BYTES or data[:8] != MAGIC:
        fail(f"{source}: not a flexcim-pruned container")
    body, digest = data[:-DIGEST_BYTES], data[-DIGEST_BYTES:]
    if hashlib.sha256(body).digest() != digest:
        fail(f"{source}: digest mismatch")
    version, header_len = struct.unpack_from("<II", data, 8)
    header = json.loads(data[16:16 + header_len])
    macro = header["macro"]
    if not header.get("hardware_legal", False):
        fail(f"{source}: its masks are not hardware-legal (--free-masks): no G makes them legal")
    if not power_of_two(a.sel_group) or macro["G"] % a.sel_group:
        usage_error(f"--sel-group {a.sel_group}: must be a power of two dividing the container's G = {macro['G']}")
    if a.subs is not None and not power_of_two(a.subs):
        usage_error(f"--subs {a.subs}: must be a power of two")
    was = f"P={macro['P']} G={macro['G']}"
    macro["G"] = a.sel_group
    if a.subs is not None:
        macro["P"] = a.subs
    if a.layer:
        kept = [l for l in header["layers"] if f"{l['block']}.{l['name']}" == a.layer]
        if not kept:
            usage_error(f"--layer {a.layer}: no such layer in {source}")
        header["layers"] = kept
    new_header = json.dumps(header, separators=(",", ":"), sort_keys=True).encode()
    rest = data[16 + header_len:len(data) - DIGEST_BYTES]  # payload length and payload
    new_body = data[:8] + struct.pack("<II", version, len(new_header)) + new_header + rest
    os.makedirs(a.out_dir, exist_ok=True)
    out = os.path.join(a.out_dir, "pruned.flexcim")
    with open(out + ".tmp", "wb") as f:
        f.write(new_body + hashlib.sha256(new_body).digest())
    os.replace(out + ".tmp", out)
    layers = a.layer or f"{len(header['layers'])} layers"
    print(f"{out}: {source} ({layers}) at P={macro['P']} G={macro['G']} (was {was})")


if __name__ == "__main__":
    main()
