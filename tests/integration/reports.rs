//! Reporters: JUnit, JSON and HTML files, `--dry-run`, `--print curl`; secrets in every output.

use serde_json::Value;

use crate::support::{TestServer, filter, output, runner, temp_dir, write};

const MIXED: &str = r#"
name: mixed
secrets: [app_token, AccessToken]
auth: { bearer: "{{ AccessToken }}" }
items:
  - name: Log in
    method: POST
    url: "{{ base }}/login"
    auth: none
    form: { authCode: "{{ app_token }}" }
    capture: { AccessToken: $.AccessToken }
    expect: { status: 200 }
  - name: Items
    items:
      - name: passes
        url: "{{ base }}/json"
        expect:
          status: 200
          json: { $.name: Widget }
      - name: fails with a diff
        url: "{{ base }}/json"
        expect:
          json:
            $.owner: { first: Ada, last: Byron }
            $.id: 43
      - name: skipped
        when: "false"
        url: "{{ base }}/json"
  - name: echoes the token
    method: POST
    url: "{{ base }}/echo"
    json: { token: "{{ AccessToken }}", app: "{{ app_token }}" }
    expect: { status: 200, json: { $.body.token: nope } }
  - name: refused
    url: "http://127.0.0.1:{{ closed_port }}/x"
"#;

fn closed_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    l.local_addr().unwrap().port()
}

struct Run {
    out: crate::support::Output,
    dir: std::path::PathBuf,
}

fn run_mixed(extra: &[&str]) -> Run {
    let s = TestServer::start();
    let dir = temp_dir("reports");
    write(&dir, "mixed.yaml", MIXED);
    let port = closed_port().to_string();
    let out = output(
        runner(&dir)
            .args([
                "run",
                "mixed.yaml",
                "--var",
                &format!("base={}", s.url),
                "--var",
                "app_token=app-secret-123",
            ])
            .args(["--var", &format!("closed_port={port}")])
            .args(extra),
    );
    Run { out, dir }
}

fn read(dir: &std::path::Path, name: &str) -> String {
    std::fs::read_to_string(dir.join(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// Times and ports normalised for snapshots.
fn normalise_junit(xml: &str) -> String {
    let re = regex::Regex::new(r#"time="[0-9.]+""#).unwrap();
    filter(&re.replace_all(xml, r#"time="[T]""#))
}

fn normalise_json(v: &mut Value) {
    match v {
        Value::Object(m) => {
            for (k, x) in m.iter_mut() {
                if k == "duration_ms" {
                    *x = Value::from(0);
                } else {
                    normalise_json(x);
                }
            }
            if m.get("name").and_then(Value::as_str) == Some("date") {
                m.insert("value".into(), Value::from("[DATE]"));
            }
        }
        Value::Array(a) => a.iter_mut().for_each(normalise_json),
        Value::String(s) => *s = filter(s),
        _ => {}
    }
}

#[test]
fn junit_json_and_html_reports_of_a_mixed_run() {
    let r = run_mixed(&[
        "-r",
        "junit",
        "-r",
        "json=out/run.json",
        "--reporter",
        "html=report.html",
    ]);
    assert_eq!(r.out.code, 3, "{}", r.out.all());
    assert!(
        r.out.stdout.contains("junit report: runner-report.xml"),
        "{}",
        r.out.stdout
    );
    assert!(
        r.out.stdout.contains("json report: out/run.json") || r.out.stderr.contains("out/run.json"),
        "{}",
        r.out.all()
    );
    insta::assert_snapshot!(
        "junit_mixed",
        normalise_junit(&read(&r.dir, "runner-report.xml"))
    );
    let mut json: Value = serde_json::from_str(&read(&r.dir, "out/run.json")).unwrap();
    normalise_json(&mut json);
    insta::assert_json_snapshot!("json_mixed", json);
    let html = read(&r.dir, "report.html");
    assert!(html.starts_with("<!doctype html>"));
    assert!(
        !html.contains("http://") || !html.contains("<link") && !html.contains("src=\"http"),
        "no network fetches"
    );
    assert!(
        html.contains("class=\"del\"") && html.contains("Byron"),
        "the diff is highlighted"
    );
    assert_eq!(html.matches("<details class=\"req").count(), 6);
}

#[test]
fn a_report_path_that_cannot_be_written_fails_before_sending() {
    let r = run_mixed(&["-r", "junit=mixed.yaml/x.xml"]);
    assert_eq!(r.out.code, 2);
    assert!(
        r.out.stderr.contains("cannot write mixed.yaml/x.xml"),
        "{}",
        r.out.stderr
    );
    let r = run_mixed(&["-r", "yaml"]);
    assert_eq!(r.out.code, 2);
    assert!(
        r.out.stderr.contains("unknown reporter `yaml`"),
        "{}",
        r.out.stderr
    );
}

#[test]
fn secrets_appear_in_no_reporter_output() {
    let r = run_mixed(&["-v", "-r", "junit", "-r", "json", "-r", "html"]);
    let mut outputs = vec![("terminal", r.out.all())];
    for f in [
        "runner-report.xml",
        "runner-report.json",
        "runner-report.html",
    ] {
        outputs.push((f, read(&r.dir, f)));
    }
    let curl = run_mixed(&["--print", "curl"]);
    outputs.push(("curl", curl.out.all()));
    for (name, text) in outputs {
        for secret in ["app-secret-123", "tok-9f8e7d6c5b4a"] {
            assert!(!text.contains(secret), "{secret} leaked into {name}");
        }
        assert!(text.contains("***"), "{name} shows the mask");
    }
}

#[test]
fn dry_run_sends_nothing_and_shows_placeholders() {
    let s = TestServer::start();
    let dir = temp_dir("dryrun");
    write(&dir, "c.yaml", MIXED);
    let out = output(runner(&dir).args([
        "run",
        "c.yaml",
        "--dry-run",
        "--var",
        &format!("base={}", s.url),
        "--var",
        "app_token=app-secret-123",
        "--var",
        "closed_port=1",
    ]));
    assert_eq!(out.code, 0, "{}", out.all());
    assert_eq!(s.requests().len(), 0, "a dry run sends nothing");
    insta::assert_snapshot!("dry_run", out.stdout);
}

#[test]
fn printed_curl_commands_run_and_send_the_same_requests() {
    if std::process::Command::new("curl")
        .arg("--version")
        .output()
        .is_err()
    {
        panic!("curl is needed for this test (apt-get install curl)");
    }
    let s = TestServer::start();
    let dir = temp_dir("curl");
    write(
        &dir,
        "c.yaml",
        "name: c\nitems:\n  - name: post\n    method: POST\n    url: \"{{ base }}/echo?q=it's\"\n    headers: { X-Quote: \"a 'quoted' value\" }\n    json: { msg: \"it's {{ word }}\" }\n",
    );
    let out = output(runner(&dir).args([
        "run",
        "c.yaml",
        "--dry-run",
        "--print",
        "curl",
        "--reveal-secrets",
        "--var",
        &format!("base={}", s.url),
        "--var",
        "word=fine",
    ]));
    assert_eq!(out.code, 0, "{}", out.all());
    assert!(
        out.stdout.starts_with("# post\ncurl -X POST"),
        "{}",
        out.stdout
    );
    let script = out
        .stdout
        .trim_end()
        .replace("[SERVER]", s.url.trim_start_matches("http://"));
    let sh = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!("{script} -s -o /dev/null"))
        .output()
        .unwrap();
    assert!(
        sh.status.success(),
        "{}",
        String::from_utf8_lossy(&sh.stderr)
    );
    let got = &s.requests()[0];
    assert_eq!(got.method, "POST");
    assert_eq!(got.uri, "/echo?q=it%27s");
    assert_eq!(got.body, r#"{"msg":"it's fine"}"#);
    assert!(
        got.headers
            .contains(&("x-quote".into(), "a 'quoted' value".into()))
    );
}

#[test]
fn reporters_unit_render_from_events() {
    use runner::event::{Event, RunId, Summary};
    use runner::report::collect::{Collected, Format};
    let mut c = Collected::default();
    let id = RunId {
        collection: "c & <d>".into(),
        file: "f.yaml".into(),
        iteration: 0,
    };
    c.add(&Event::RunStarted {
        id: id.clone(),
        total: 0,
    });
    c.add(&Event::RunFinished {
        id,
        summary: Summary::default(),
    });
    let xml = runner::report::junit::Junit.render(&c);
    assert!(
        xml.contains(r#"<testsuite name="c &amp; &lt;d&gt;" file="f.yaml" tests="0""#),
        "{xml}"
    );
}
