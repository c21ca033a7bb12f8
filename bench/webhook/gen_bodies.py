#!/usr/bin/env python3
"""Writes signed webhook requests for the ingestion benchmark: one file per wrk thread, one request per
line as "<X-Hub-Signature-256>\t<body>". Every request carries a fresh message id, so dedupe cannot
flatter the figure; senders cycle through a pool, as a busy network's would."""
import argparse
import hashlib
import hmac
import json


def body(i: int, senders: int) -> str:
    wa_id = "2547%08d" % (i % senders)
    return json.dumps({
        "object": "whatsapp_business_account",
        "entry": [{
            "id": "100000000000009",
            "changes": [{
                "field": "messages",
                "value": {
                    "messaging_product": "whatsapp",
                    "metadata": {"display_phone_number": "15550000000", "phone_number_id": "106540352242922"},
                    "contacts": [{"profile": {"name": "Bench Miner %d" % (i % senders)}, "wa_id": wa_id,
                                  "user_id": "KE.%020d" % (i % senders)}],
                    "messages": [{
                        "from": wa_id,
                        "from_user_id": "KE.%020d" % (i % senders),
                        "id": "wamid.HBgMMjU0NzAwMDAwMDAxFQIAEhggQkVOQ0g%012dAA==" % i,
                        "timestamp": str(1800000000 + i // 1000),
                        "type": "text",
                        "text": {"body": "Habari! The pit wall on the east side is cracking after the rain, "
                                         "we stopped work there. Request %d." % i},
                    }],
                },
            }],
        }],
    }, separators=(",", ":"))


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--secret", required=True)
    p.add_argument("--count", type=int, required=True, help="requests per file")
    p.add_argument("--files", type=int, default=2)
    p.add_argument("--senders", type=int, default=1000)
    p.add_argument("--prefix", required=True)
    a = p.parse_args()
    key = a.secret.encode()
    for f in range(a.files):
        with open("%s.%d" % (a.prefix, f), "w") as out:
            for n in range(a.count):
                b = body(f * a.count + n, a.senders)
                sig = hmac.new(key, b.encode(), hashlib.sha256).hexdigest()
                out.write("sha256=%s\t%s\n" % (sig, b))


if __name__ == "__main__":
    main()
