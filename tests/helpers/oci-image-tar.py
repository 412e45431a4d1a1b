#!/usr/bin/env python3
"""Writes an OCI image archive (oci-layout, index.json, blobs) holding one uncompressed layer made
from a rootfs folder, for `ctr images import` and `docker load`: the clients' tests run the test's
own busybox, with no registry and no network.

usage: oci-image-tar.py ROOTFS NAME:TAG OUT.tar [CMD...]   (default command: sh)"""
import hashlib
import io
import json
import sys
import tarfile


def blob(data):
    return "sha256:" + hashlib.sha256(data).hexdigest(), data


def main():
    rootfs, ref, out = sys.argv[1:4]
    cmd = sys.argv[4:] or ["sh"]
    name, tag = ref.rsplit(":", 1)
    layer_io = io.BytesIO()
    with tarfile.open(fileobj=layer_io, mode="w", format=tarfile.PAX_FORMAT) as t:
        t.add(rootfs, arcname=".")
    layer_digest, layer = blob(layer_io.getvalue())
    config_digest, config = blob(json.dumps({
        "architecture": "amd64", "os": "linux",
        "config": {"Cmd": cmd, "Env": ["PATH=/bin"], "WorkingDir": "/"},
        "rootfs": {"type": "layers", "diff_ids": [layer_digest]},
    }).encode())
    manifest_digest, manifest = blob(json.dumps({
        "schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": config_digest,
                   "size": len(config)},
        "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar", "digest": layer_digest,
                    "size": len(layer)}],
    }).encode())
    index = json.dumps({
        "schemaVersion": 2,
        "manifests": [{"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": manifest_digest,
                       "size": len(manifest),
                       "annotations": {"io.containerd.image.name": ref, "org.opencontainers.image.ref.name": tag}}],
    }).encode()
    # docker load reads manifest.json (the docker-archive form) beside the OCI layout.
    docker_manifest = json.dumps([{"Config": "blobs/sha256/" + config_digest[7:], "RepoTags": [ref],
                                   "Layers": ["blobs/sha256/" + layer_digest[7:]]}]).encode()
    with tarfile.open(out, "w") as t:
        def add(path, data):
            info = tarfile.TarInfo(path)
            info.size = len(data)
            t.addfile(info, io.BytesIO(data))
        add("oci-layout", b'{"imageLayoutVersion":"1.0.0"}')
        add("index.json", index)
        add("manifest.json", docker_manifest)
        for digest, data in ((layer_digest, layer), (config_digest, config), (manifest_digest, manifest)):
            add("blobs/sha256/" + digest[7:], data)


if __name__ == "__main__":
    main()
