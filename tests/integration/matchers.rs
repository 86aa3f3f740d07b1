//! Every matcher operator, passing and failing, against the same JSON response.

use crate::support::{TestServer, output, runner, temp_dir, write};

const PASSING: &str = r#"
name: matchers pass
items:
  - name: all pass
    url: "{{ base }}/json"
    expect:
      status: { equals: 200, one_of: [200, 201], gte: 200, lt: 300 }
      headers:
        content-type: { contains: json, matches: "^application/", not_contains: xml, exists: true }
        X-Missing: { exists: false }
      json:
        $.id: { equals: 42, not_equals: 43, type: integer, gt: 41, gte: 42, lt: 43, lte: 42, one_of: [1, 42] }
        $.price: { type: number, equals: 19.50 }
        $.name: { matches: "^Wid", contains: dget, not_contains: zz, length: 6, type: string }
        $.tags: { type: array, length: { gte: 3, lt: 4 }, contains: b, not_contains: z }
        $.owner: { type: object, contains: first, length: 2 }
        $.nothing: { type: null, exists: true }
        $.absent: { exists: false }
        $.active: true
        $.items[*].sku: ["x1", "x2"]
        $.items[?@.qty > 3].sku: ["x2"]
        $..qty: { length: 2 }
        $.big: { type: integer, gt: 1e19 }
      body: { contains: Widget }
      duration: { lt: 30s, gte: 0ms }
"#;

const FAILING: &str = r#"
name: matchers fail
items:
  - name: all fail
    url: "{{ base }}/json"
    expect:
      status: [201, 204]
      headers:
        content-type: { contains: xml }
      json:
        $.id: { equals: 43, not_equals: 42, type: string, gt: 42, gte: 43, lt: 42, lte: 41, one_of: [1, 2] }
        $.name: { matches: "^X", not_contains: Wid, length: 3, exists: false }
        $.absent: { exists: true }
        $.owner: { equals: { first: Ada, last: Byron } }
        $.text: "line one\nline 2\nline three"
        $.tags: { contains: z, length: { gt: 5 } }
      body: { matches: "^nope" }
      duration: { lt: 0ms }
"#;

#[test]
fn every_operator_passes() {
    let s = TestServer::start();
    let dir = temp_dir("match-pass");
    write(&dir, "c.yaml", PASSING);
    let out = output(runner(&dir).args(["run", "c.yaml", "--var", &format!("base={}", s.url)]));
    assert_eq!(out.code, 0, "{}", out.all());
}

#[test]
fn every_operator_fails_and_all_are_reported() {
    let s = TestServer::start();
    let dir = temp_dir("match-fail");
    write(&dir, "c.yaml", FAILING);
    let out = output(runner(&dir).args(["run", "c.yaml", "--var", &format!("base={}", s.url)]));
    assert_eq!(out.code, 1);
    let failures = out
        .stdout
        .lines()
        .filter(|l| l.trim_start().starts_with("✗ ") && !l.contains("all fail"))
        .count();
    assert_eq!(
        failures, 21,
        "every operator is evaluated and reported:\n{}",
        out.stdout
    );
    insta::assert_snapshot!(out.stdout);
}
