#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""
A stand-in SQS backend for tests/netns/121 when moto_server is not
installed: ListQueues, CreateQueue, GetQueueUrl and SendMessage in both of
SQS's protocols (Query, as the Debian aws CLI v2 speaks it; JSON, as newer
botocore does), answered as SQS answers. It logs one JSON line per request
(action, Host, X-Forwarded-For, x-amzn-vpce-id, whether signed) to LOG, so
that the test sees what crossed vpce's front.

usage: sqs_backend.py PORT LOG
"""
import hashlib
import json
import sys
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

PORT, LOG = int(sys.argv[1]), sys.argv[2]
ACCOUNT = "123456789012"
queues = []


def url(host, name):
    return "https://%s/%s/%s" % (host.split(":")[0], ACCOUNT, name)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def answer(self, status, ctype, body):
        data = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0"))).decode()
        target = self.headers.get("X-Amz-Target")
        if target:
            action, params = target.split(".")[-1], json.loads(body or "{}")
        else:
            form = parse_qs(body)
            action, params = form.get("Action", [""])[0], {k: v[0] for k, v in form.items()}
        host = self.headers.get("Host", "")
        with open(LOG, "a") as f:
            f.write(json.dumps({"action": action, "host": host,
                                "forwarded_for": self.headers.get("X-Forwarded-For"),
                                "vpce": self.headers.get("x-amzn-vpce-id"),
                                "signed": "Authorization" in self.headers}) + "\n")
        name = params.get("QueueName") or (params.get("QueueUrl") or "").rsplit("/", 1)[-1]
        result = None
        if action == "ListQueues":
            result = {"QueueUrls": [url(host, q) for q in queues]}
        elif action in ("CreateQueue", "GetQueueUrl"):
            if action == "CreateQueue" and name not in queues:
                queues.append(name)
            result = {"QueueUrl": url(host, name)}
        elif action == "SendMessage":
            md5 = hashlib.md5(params.get("MessageBody", "").encode()).hexdigest()
            result = {"MD5OfMessageBody": md5, "MessageId": str(uuid.uuid4())}
        if result is None:
            return self.answer(400, "text/plain", "unsupported")
        if target:
            return self.answer(200, "application/x-amz-json-1.0", json.dumps(result))
        inner = ""
        for k, v in result.items():
            k = "QueueUrl" if k == "QueueUrls" else k  # Query's lists are flattened
            for one in v if isinstance(v, list) else [v]:
                inner += "<%s>%s</%s>" % (k, one, k)
        self.answer(200, "text/xml",
                    "<%sResponse><%sResult>%s</%sResult><ResponseMetadata><RequestId>%s"
                    "</RequestId></ResponseMetadata></%sResponse>"
                    % (action, action, inner, action, uuid.uuid4(), action))


ThreadingHTTPServer(("127.0.0.1", PORT), Handler).serve_forever()
