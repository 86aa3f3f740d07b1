//! `validate`, `list`, directories.

use crate::support::{TestServer, output, runner, temp_dir, write};

#[test]
fn validate_reports_undefined_variables_and_bad_jsonpaths_with_file_line() {
    let dir = temp_dir("validate");
    write(
        &dir,
        "a.yaml",
        "name: a\nitems:\n  - name: x\n    url: \"{{ host }}/x\"\n",
    );
    write(
        &dir,
        "b.yaml",
        "name: b\nitems:\n  - name: x\n    url: http://x\n    expect:\n      json:\n        $.a[: 1\n",
    );
    let out = output(runner(&dir).args(["validate", "a.yaml"]));
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("undefined variable `host`") && out.stderr.contains("a.yaml:4:14"),
        "{}",
        out.stderr
    );
    let out = output(runner(&dir).args(["validate", "b.yaml"]));
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("invalid JSONPath") && out.stderr.contains("b.yaml:7:"),
        "{}",
        out.stderr
    );
    let out = output(runner(&dir).args(["validate", "a.yaml", "--var", "host=http://h"]));
    assert_eq!(out.code, 0, "{}", out.all());
    assert_eq!(out.stdout, "ok: a (a.yaml): 1 requests\n");
}

#[test]
fn list_shows_the_tree() {
    let dir = temp_dir("list");
    write(
        &dir,
        "c.yaml",
        "name: tree\nitems:\n  - name: login\n    method: POST\n    url: \"{{ base }}/login\"\n  - name: Persons\n    items:\n      - name: first\n        url: \"{{ base }}/p\"\n      - name: Deep\n        items:\n          - name: d\n            url: http://x/d\n  - name: last\n    url: http://x/last\n",
    );
    let out = output(runner(&dir).args(["list", "c.yaml"]));
    insta::assert_snapshot!(out.stdout, @r"
    tree (c.yaml)
      POST    login  {{ base }}/login
      Persons/
        GET     first  {{ base }}/p
        Deep/
          GET     d  http://x/d
      GET     last  http://x/last
    ");
}

#[test]
fn a_directory_runs_every_yaml_in_name_order() {
    let s = TestServer::start();
    let dir = temp_dir("dir");
    write(
        &dir,
        "suite/b.yaml",
        "name: second\nitems:\n  - name: b\n    url: \"{{ base }}/items/2\"\n",
    );
    write(
        &dir,
        "suite/a.yaml",
        "name: first\nitems:\n  - name: a\n    url: \"{{ base }}/items/1\"\n",
    );
    write(&dir, "suite/notes.txt", "ignored");
    let out = output(runner(&dir).args(["run", "suite", "--var", &format!("base={}", s.url)]));
    assert_eq!(out.code, 0, "{}", out.all());
    let first = out.stdout.find("first (").unwrap();
    let second = out.stdout.find("second (").unwrap();
    assert!(first < second);
    assert!(
        out.stdout
            .contains("all 2 collections: 2 passed, 0 failed, 0 skipped"),
        "{}",
        out.stdout
    );
}

#[test]
fn output_streams_through_a_pipe_while_the_run_goes_on() {
    use std::io::{BufRead, BufReader};
    let s = TestServer::start();
    let dir = temp_dir("stream");
    write(
        &dir,
        "c.yaml",
        &format!(
            "name: stream\nitems:\n  - name: first\n    url: {0}/slow?ms=5\n  - name: second\n    url: {0}/json\n    delay: 3s\n",
            s.url
        ),
    );
    let mut child = runner(&dir)
        .args(["run", "c.yaml"])
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    let deadline = std::time::Instant::now() + std::time::Duration::from_millis(2500);
    let mut seen = Vec::new();
    while std::time::Instant::now() < deadline {
        if let Ok(l) = rx.recv_timeout(std::time::Duration::from_millis(100)) {
            seen.push(l);
        }
        if seen.iter().any(|l| l.contains("✓ first")) {
            break;
        }
    }
    let _ = child.wait();
    assert!(
        seen.iter().any(|l| l.contains("✓ first")),
        "the first result must arrive before the slow second request ends: {seen:?}"
    );
}
