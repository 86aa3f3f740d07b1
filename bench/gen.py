#!/usr/bin/env python3
"""Writes the benchmark flow for N requests in runner's YAML and Hurl's format.

The flow: 1 login (captures a token) + N requests. Every request sends the captured token,
checks the status and one JSONPath; request 1 creates an item and captures its id, and the
last request sends that id back in a JSON body and checks it.
Usage: gen.py BASE_URL N OUT_DIR
"""
import sys, os

base, n, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
os.makedirs(out, exist_ok=True)

y = [f"name: bench {n}", "variables:", f"  base: {base}", "auth:", '  bearer: "{{ token }}"', "items:",
     "  - name: login", "    method: POST", '    url: "{{ base }}/login"', "    auth: none",
     "    capture:", "      token: $.token", "    expect:", "      status: 200"]
h = [f"POST {base}/login", "HTTP 200", "[Captures]", 'token: jsonpath "$.token"', ""]
for i in range(1, n + 1):
    if i == 1:
        y += [f"  - name: r{i}", "    method: POST", '    url: "{{ base }}/items"', "    json: { name: widget }",
              "    capture:", "      item_id: $.id", "    expect:", "      status: 200", "      json:", "        $.id: { gt: 0 }"]
        h += [f"POST {base}/items", "Authorization: Bearer {{token}}", '{"name": "widget"}', "HTTP 200",
              "[Captures]", 'item_id: jsonpath "$.id"', "[Asserts]", 'jsonpath "$.id" > 0', ""]
    elif i == n:
        y += [f"  - name: r{i}", "    method: POST", '    url: "{{ base }}/echo"', '    json: { ref: "{{ item_id }}" }',
              "    expect:", "      status: 200", "      json:", '        $.ref: "{{ item_id }}"']
        h += [f"POST {base}/echo", "Authorization: Bearer {{token}}", '{"ref": {{item_id}}}', "HTTP 200",
              "[Asserts]", 'jsonpath "$.ref" == {{item_id}}', ""]
    else:
        y += [f"  - name: r{i}", f'    url: "{{{{ base }}}}/items/{i}"', "    expect:", "      status: 200", "      json:", f"        $.id: {i}"]
        h += [f"GET {base}/items/{i}", "Authorization: Bearer {{token}}", "HTTP 200", "[Asserts]", f'jsonpath "$.id" == {i}', ""]

open(f"{out}/flow-{n}.yaml", "w").write("\n".join(y) + "\n")
open(f"{out}/flow-{n}.hurl", "w").write("\n".join(h) + "\n")
