//! Bad input: every kind gives a located message and the documented exit code, never a panic.

use crate::support::{TestServer, output, runner, temp_dir, write};

fn check(name: &str, yaml: &str) -> String {
    let dir = temp_dir(name);
    write(&dir, "c.yaml", yaml);
    let out = output(runner(&dir).args(["run", "c.yaml"]));
    assert!(!out.stderr.contains("panicked"), "{}", out.all());
    out.all()
}

#[test]
fn malformed_yaml() {
    insta::assert_snapshot!(check(
        "malformed",
        "name: x\nitems:\n  - name: a\n   url: http://x\n"
    ));
}

#[test]
fn empty_file() {
    insta::assert_snapshot!(check("empty", ""));
}

#[test]
fn unknown_key_with_suggestion() {
    insta::assert_snapshot!(check(
        "unknown",
        "name: x\nitems:\n  - name: a\n    url: http://x\n    expect:\n      statsu: 200\n"
    ));
}

#[test]
fn wrong_types() {
    insta::assert_snapshot!(check("types1", "name: x\nitems: 3\n"));
    insta::assert_snapshot!(check(
        "types2",
        "name: x\nitems:\n  - name: a\n    url: [1, 2]\n"
    ));
    insta::assert_snapshot!(check(
        "types3",
        "name: x\nitems:\n  - name: a\n    url: http://x\n    expect: { json: { $.a: { type: strnig } } }\n"
    ));
}

#[test]
fn huge_numbers() {
    insta::assert_snapshot!(check(
        "huge",
        "name: x\nitems:\n  - name: a\n    url: http://x\n    expect: { status: 99999999999999999999999 }\n"
    ));
}

#[test]
fn template_syntax_error() {
    insta::assert_snapshot!(check(
        "tplsyntax",
        "name: x\nitems:\n  - name: a\n    url: \"http://x/{{ a + }}\"\n"
    ));
}

#[test]
fn bad_regex() {
    insta::assert_snapshot!(check(
        "regex",
        "name: x\nitems:\n  - name: a\n    url: http://x\n    capture: { v: { regex: \"(unclosed\" } }\n"
    ));
}

#[test]
fn unknown_method_and_missing_url() {
    insta::assert_snapshot!(check(
        "method",
        "name: x\nitems:\n  - name: a\n    method: POTS\n    url: http://x\n"
    ));
    insta::assert_snapshot!(check(
        "nourl",
        "name: x\nitems:\n  - name: a\n    method: GET\n"
    ));
}

#[test]
fn invalid_utf8_file() {
    let dir = temp_dir("utf8file");
    std::fs::write(dir.join("c.yaml"), b"name: \xff\xfe\nitems: []\n").unwrap();
    let out = output(runner(&dir).args(["run", "c.yaml"]));
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("not valid UTF-8"), "{}", out.stderr);
}

#[test]
fn missing_file_and_bad_flags() {
    let dir = temp_dir("missing");
    let out = output(runner(&dir).args(["run", "nope.yaml"]));
    assert_eq!(
        (out.code, out.stderr.trim()),
        (2, "nope.yaml: no such file or directory")
    );
    write(&dir, "c.yaml", "name: x\nitems: []\n");
    let out = output(runner(&dir).args(["run", "c.yaml", "--var", "novalue"]));
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("expected KEY=VALUE"));
    let out = output(runner(&dir).args(["run", "c.yaml", "--timeout", "soon"]));
    assert_eq!(out.code, 2);
    let out = output(runner(&dir).args(["run", "--nope"]));
    assert_eq!(out.code, 2);
}

#[test]
fn non_json_and_invalid_utf8_responses() {
    let s = TestServer::start();
    let dir = temp_dir("nonjson");
    write(
        &dir,
        "c.yaml",
        &format!(
            "name: x\nitems:\n  - name: html\n    url: {0}/text\n    expect: {{ json: {{ $.a: 1 }} }}\n  - name: bytes\n    url: {0}/bytes\n    expect: {{ json: {{ $.a: 1 }}, body: {{ contains: \"{{\" }} }}\n",
            s.url
        ),
    );
    let out = output(runner(&dir).args(["run", "c.yaml"]));
    insta::assert_snapshot!(out.all());
}

#[test]
fn literal_urls_are_checked_before_sending() {
    insta::assert_snapshot!(check(
        "ftpurl",
        "name: x\nitems:\n  - name: a\n    url: ftp://example.com/file\n"
    ));
}

#[test]
fn very_long_lines_are_shown_as_a_window() {
    let out = check(
        "longline",
        &format!(
            "name: x\nitems:\n  - name: a\n    url: http://x\n    json: {}{}\n",
            "[".repeat(5000),
            "]".repeat(5000)
        ),
    );
    assert!(out.contains("recursion limit"), "{out}");
    assert!(out.lines().all(|l| l.chars().count() < 200), "{out}");
}

#[test]
fn a_byte_order_mark_is_not_part_of_the_yaml() {
    let dir = temp_dir("bom");
    std::fs::write(
        dir.join("c.yaml"),
        "\u{feff}name: bom\nitems:\n  - include: inc.yaml\n",
    )
    .unwrap();
    std::fs::write(dir.join("inc.yaml"), "\u{feff}name: inc\nitems: []\n").unwrap();
    let out = output(runner(&dir).args(["validate", "c.yaml"]));
    assert_eq!(out.code, 0, "{}", out.all());
}

#[test]
fn a_trailing_newline_difference_is_pointed_out() {
    let s = TestServer::start();
    let dir = temp_dir("trailing");
    write(
        &dir,
        "c.yaml",
        &format!(
            "name: t\nitems:\n  - name: t\n    url: {}/text\n    expect:\n      body: |\n        <html>hello</html>\n",
            s.url
        ),
    );
    let out = output(runner(&dir).args(["run", "c.yaml"]));
    assert_eq!(out.code, 1);
    assert!(
        out.stdout.contains("differ only in trailing whitespace"),
        "{}",
        out.stdout
    );
}
