#!/usr/bin/python3
"""A small CRI client, as the kubelet talks to containerd: one RuntimeService call per command,
its reply printed as JSON. Messages come from cri-subset.proto (compiled by protoc into the
folder named by CRI_PB_DIR); calls go through grpcio's generic unary stubs.

usage: cri-client.py SOCKET METHOD JSON-REQUEST"""
import json
import os
import sys

sys.path.insert(0, os.environ["CRI_PB_DIR"])
import grpc  # noqa: E402
from google.protobuf import json_format  # noqa: E402

import cri_subset_pb2 as pb  # noqa: E402


def main():
    socket, method, request = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
    req_type = getattr(pb, method + "Request")
    resp_type = getattr(pb, method + "Response")
    channel = grpc.insecure_channel("unix://" + socket)
    call = channel.unary_unary("/runtime.v1.RuntimeService/" + method,
                               request_serializer=req_type.SerializeToString,
                               response_deserializer=resp_type.FromString)
    try:
        reply = call(json_format.ParseDict(request, req_type()), timeout=120)
    except grpc.RpcError as e:
        print(json.dumps({"error": e.details(), "code": str(e.code())}))
        return 1
    print(json_format.MessageToJson(reply, preserving_proto_field_name=True, indent=None))
    return 0


if __name__ == "__main__":
    sys.exit(main())
