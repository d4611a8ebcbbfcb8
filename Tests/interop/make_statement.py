# Copied from the shared validation scripts (validators/make_statement.py): builds an in-toto
# Statement v1 around a BOM with two fixed subjects.  usage: python make_statement.py BOM.json > statement.json
import json, hashlib, sys
bom = json.load(open(sys.argv[1]))
stmt = {
    "_type": "https://in-toto.io/Statement/v1",
    "subject": [
        {"name": "support-agent-2.3.0.tar.gz",
         "digest": {"sha256": "0be8a603f4495047526e09f396ffa6dd43e5a0e0320768dd32f856033e9e3a7f"}},
        {"name": "pkg:huggingface/acme/distilbert-support-intent@2b39484bf0b20c6872985ff5e733eedd65d66efe",
         "digest": {"sha256": "fc46b2c8a0f992ae74d09381bf34e2dadd957263ed0a7f2666a8a062dbab50f1"}},
    ],
    "predicateType": "https://cyclonedx.org/bom",
    "predicate": bom,
}
sys.stdout.write(json.dumps(stmt, separators=(",", ":"), sort_keys=False))
