//! Happy paths, capture chains, native-typed templating, folders, `when`, exit codes.

use crate::support::{TestServer, output, runner, temp_dir, write};

fn run_collection(
    server: &TestServer,
    name: &str,
    yaml: &str,
    extra: &[&str],
) -> crate::support::Output {
    let dir = temp_dir(name);
    write(&dir, "c.yaml", yaml);
    let mut cmd = runner(&dir);
    cmd.args(["run", "c.yaml", "--var"])
        .arg(format!("base={}", server.url))
        .args(extra);
    output(&mut cmd)
}

#[test]
fn capture_then_reuse_chain() {
    let s = TestServer::start();
    let out = run_collection(
        &s,
        "chain",
        r#"
name: chain
secrets: [app_token, AccessToken]
auth: { bearer: "{{ AccessToken }}" }
items:
  - name: Log in
    method: POST
    url: "{{ base }}/login"
    auth: none
    form: { authCode: "{{ app_token }}" }
    capture:
      AccessToken: $.AccessToken
    expect:
      status: 200
      json:
        $.AccessToken: { type: string }
  - name: Who am I
    url: "{{ base }}/me"
    expect:
      status: 200
      json:
        $.user: ada
"#,
        &["--var", "app_token=app-secret-123"],
    );
    insta::assert_snapshot!(out.all(), @r"
    exit: 0
    --- stdout
    chain (c.yaml)
      ✓ Log in  POST /login  200  [TIME]
      ✓ Who am I  GET /me  200  [TIME]
    2 passed, 0 failed, 0 skipped in [TIME]
    --- stderr
    ");
    let reqs = s.requests();
    assert_eq!(reqs[0].body, "authCode=app-secret-123");
    assert!(
        !reqs[0].headers.iter().any(|(k, _)| k == "authorization"),
        "login sends no auth"
    );
    let auth = reqs[1]
        .headers
        .iter()
        .find(|(k, _)| k == "authorization")
        .map(|(_, v)| v.clone());
    assert_eq!(auth.as_deref(), Some("Bearer tok-9f8e7d6c5b4a"));
}

#[test]
fn native_typed_json_templating() {
    let s = TestServer::start();
    let out = run_collection(
        &s,
        "native",
        r#"
name: native
items:
  - name: read
    url: "{{ base }}/json"
    capture: { id: $.id, owner: $.owner, price: $.price, tags: $.tags, flag: $.active }
  - name: send
    method: POST
    url: "{{ base }}/echo"
    json:
      id: "{{ id }}"
      owner: "{{ owner }}"
      price: "{{ price }}"
      tags: "{{ tags }}"
      flag: "{{ flag }}"
      label: "id-{{ id }}"
      sum: "{{ id + 1 }}"
    expect:
      json:
        $.body.id: { equals: "{{ id }}", type: integer }
        $.body.owner: "{{ owner }}"
        $.body.owner.first: Ada
        $.body.price: 19.5
        $.body.tags: ["a", "b", "c"]
        $.body.flag: true
        $.body.label: id-42
        $.body.sum: 43
"#,
        &[],
    );
    assert_eq!(out.code, 0, "{}", out.all());
    let sent: serde_json::Value = serde_json::from_str(&s.requests()[1].body).unwrap();
    assert_eq!(sent["id"], 42);
    assert_eq!(sent["owner"]["last"], "Lovelace");
    assert_eq!(sent["label"], "id-42");
    assert_eq!(sent["flag"], true);
}

#[test]
fn when_skips_and_reports_skipped() {
    let s = TestServer::start();
    let out = run_collection(
        &s,
        "when",
        r#"
name: when
variables: { mode: fast }
items:
  - name: read
    url: "{{ base }}/json"
    capture: { id: $.id }
  - name: only when id is 42
    url: "{{ base }}/items/{{ id }}"
    when: id == 42
  - name: never
    url: "{{ base }}/status/500"
    when: "{{ mode == 'slow' }}"
"#,
        &[],
    );
    insta::assert_snapshot!(out.all(), @r"
    exit: 0
    --- stdout
    when (c.yaml)
      ✓ read  GET /json  200  [TIME]
      ✓ only when id is 42  GET /items/42  200  [TIME]
      - never  skipped (`when` is false)
    2 passed, 0 failed, 1 skipped in [TIME]
    --- stderr
    ");
    assert_eq!(s.hits("/status/500"), 0);
}

#[test]
fn folders_inherit_auth_headers_and_variables() {
    let s = TestServer::start();
    let out = run_collection(
        &s,
        "folders",
        r#"
name: folders
headers: { Accept: application/json, X-Level: collection }
auth: { basic: { username: ada, password: "{{ pw }}" } }
variables: { pw: secret, who: collection }
items:
  - name: Outer
    headers: { X-Level: folder, X-Folder: "{{ who }}" }
    variables: { who: folder }
    items:
      - name: Inner
        auth: { bearer: inner-token }
        items:
          - name: deep
            url: "{{ base }}/echo"
      - name: plain
        url: "{{ base }}/echo"
        auth: none
  - name: top
    url: "{{ base }}/echo?who={{ who }}"
"#,
        &[],
    );
    assert_eq!(out.code, 0, "{}", out.all());
    assert!(
        out.stdout.contains("✓ Outer / Inner / deep"),
        "{}",
        out.stdout
    );
    let reqs = s.requests();
    let h = |i: usize, name: &str| {
        reqs[i]
            .headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
    };
    assert_eq!(h(0, "x-level").as_deref(), Some("folder"));
    assert_eq!(h(0, "x-folder").as_deref(), Some("folder"));
    assert_eq!(h(0, "accept").as_deref(), Some("application/json"));
    assert_eq!(h(0, "authorization").as_deref(), Some("Bearer inner-token"));
    assert_eq!(h(1, "authorization"), None);
    assert_eq!(h(2, "x-level").as_deref(), Some("collection"));
    assert_eq!(
        h(2, "authorization").as_deref(),
        Some("Basic YWRhOnNlY3JldA==")
    );
    assert_eq!(reqs[2].uri, "/echo?who=collection");
}

#[test]
fn query_lists_form_and_raw_bodies() {
    let s = TestServer::start();
    let out = run_collection(
        &s,
        "bodies",
        r#"
name: bodies
items:
  - name: query
    url: "{{ base }}/echo"
    query: { tag: [a, b], page: 1, q: "x y&z" }
  - name: form
    method: post
    url: "{{ base }}/echo"
    form: { a: "1", b: "two words" }
  - name: raw
    method: PUT
    url: "{{ base }}/echo"
    headers: { Content-Type: application/xml }
    body: "<a>{{ 1 + 1 }}</a>"
"#,
        &[],
    );
    assert_eq!(out.code, 0, "{}", out.all());
    let reqs = s.requests();
    assert_eq!(reqs[0].uri, "/echo?tag=a&tag=b&page=1&q=x+y%26z");
    assert_eq!(reqs[1].method, "POST");
    assert_eq!(reqs[1].body, "a=1&b=two+words");
    assert_eq!(reqs[2].body, "<a>2</a>");
    assert!(
        reqs[2]
            .headers
            .contains(&("content-type".into(), "application/xml".into()))
    );
}

#[test]
fn exit_code_1_on_failed_assertion_and_later_requests_still_run() {
    let s = TestServer::start();
    let out = run_collection(
        &s,
        "fail",
        r#"
name: fail
items:
  - name: wrong status
    url: "{{ base }}/status/404"
    expect: { status: 200 }
  - name: still runs
    url: "{{ base }}/json"
    expect: { status: 2xx }
"#,
        &[],
    );
    insta::assert_snapshot!(out.all(), @r"
    exit: 1
    --- stdout
    fail (c.yaml)
      ✗ wrong status  GET /status/404  404  [TIME]
          ✗ status equals: expected 200, got 404
            at c.yaml:6:23
      ✓ still runs  GET /json  200  [TIME]
    1 passed, 1 failed, 0 skipped in [TIME]
    --- stderr
    ");
}

#[test]
fn bail_stops_at_first_failure() {
    let s = TestServer::start();
    let out = run_collection(
        &s,
        "bail",
        "name: b\nitems:\n  - name: a\n    url: \"{{ base }}/status/500\"\n    expect: { status: 200 }\n  - name: b\n    url: \"{{ base }}/json\"\n",
        &["--bail"],
    );
    assert_eq!(out.code, 1);
    assert_eq!(s.hits("/json"), 0);
}

#[test]
fn exit_code_3_on_connection_refused_and_it_wins_over_1() {
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let s = TestServer::start();
    let dir = temp_dir("refused");
    write(
        &dir,
        "c.yaml",
        &format!(
            "name: r\nitems:\n  - name: fails\n    url: {}/status/500\n    expect: {{ status: 200 }}\n  - name: refused\n    url: http://127.0.0.1:{port}/x\n",
            s.url
        ),
    );
    let out = output(runner(&dir).args(["run", "c.yaml"]));
    assert_eq!(out.code, 3, "{}", out.all());
    assert!(out.stdout.contains("! refused  GET /x"), "{}", out.stdout);
    assert!(
        out.stdout
            .contains("error: could not connect to [SERVER]: Connection refused"),
        "{}",
        out.stdout
    );
}

#[test]
fn exit_code_3_on_timeout() {
    let s = TestServer::start();
    let out = run_collection(
        &s,
        "timeout",
        "name: t\nitems:\n  - name: slow\n    url: \"{{ base }}/slow?ms=3000\"\n    timeout: 200ms\n",
        &[],
    );
    assert_eq!(out.code, 3, "{}", out.all());
    assert!(out.stdout.contains("timed out"), "{}", out.stdout);
}

#[test]
fn exit_code_2_before_sending_anything() {
    let s = TestServer::start();
    let out = run_collection(
        &s,
        "undef",
        "name: u\nitems:\n  - name: ok\n    url: \"{{ base }}/json\"\n  - name: typo\n    url: \"{{ bsae }}/json\"\n",
        &[],
    );
    assert_eq!(out.code, 2, "{}", out.all());
    assert_eq!(
        s.requests().len(),
        0,
        "nothing is sent when input is invalid"
    );
    assert!(out.stderr.contains("c.yaml:6:14"), "{}", out.stderr);
}

#[test]
fn retries_after_429_with_retry_after() {
    let s = TestServer::start();
    let out = run_collection(
        &s,
        "rate",
        "name: r\nitems:\n  - name: limited\n    url: \"{{ base }}/rate\"\n    expect: { status: 200, json: { $.after: 2 } }\n",
        &[],
    );
    assert_eq!(out.code, 0, "{}", out.all());
    assert!(
        out.stdout.contains("(retried 2× after 429)"),
        "{}",
        out.stdout
    );
    assert_eq!(s.hits("/rate"), 3);
}

#[test]
fn failed_capture_fails_the_request_and_dependants_are_not_sent() {
    let s = TestServer::start();
    let out = run_collection(
        &s,
        "capfail",
        r#"
name: capfail
items:
  - name: read
    url: "{{ base }}/json"
    capture: { token: $.no_such_field }
  - name: use
    url: "{{ base }}/echo?t={{ token }}"
"#,
        &[],
    );
    insta::assert_snapshot!(out.all());
    assert_eq!(s.hits("/echo"), 0);
}

#[test]
fn captures_from_headers_regex_body_status_and_expressions() {
    let s = TestServer::start();
    let out = run_collection(
        &s,
        "capkinds",
        r#"
name: capkinds
items:
  - name: text
    url: "{{ base }}/text"
    capture:
      ct: { header: content-type }
      word: { regex: "<html>(\\w+)</html>" }
      whole: { body: true }
      code: { status: true }
      is_html: { expr: "response.status == 200 and 'hello' in response.body" }
      ct2: { expr: "response.headers['content-type']" }
  - name: check
    method: POST
    url: "{{ base }}/echo"
    json: { ct: "{{ ct }}", word: "{{ word }}", whole: "{{ whole }}", code: "{{ code }}", is_html: "{{ is_html }}", ct2: "{{ ct2 }}" }
    expect:
      json:
        $.body: { equals: { ct: text/html, word: hello, whole: "<html>hello</html>", code: 200, is_html: true, ct2: text/html } }
"#,
        &[],
    );
    assert_eq!(out.code, 0, "{}", out.all());
}

#[test]
fn variables_are_templates_and_cycles_are_errors() {
    let s = TestServer::start();
    let dir = temp_dir("vartpl");
    write(
        &dir,
        "c.yaml",
        "name: v\nvariables:\n  base_url: \"http://127.0.0.1:{{ port }}\"\nitems:\n  - name: a\n    url: \"{{ base_url }}/json\"\n",
    );
    let port = s.url.rsplit(':').next().unwrap();
    let out = output(runner(&dir).args(["run", "c.yaml", "--var", &format!("port={port}")]));
    assert_eq!(out.code, 0, "{}", out.all());

    write(
        &dir,
        "cycle.yaml",
        "name: v\nvariables:\n  a: \"{{ b }}\"\n  b: \"x{{ a }}\"\nitems:\n  - name: a\n    url: \"http://127.0.0.1:1/{{ a }}\"\n",
    );
    let out = output(runner(&dir).args(["run", "cycle.yaml"]));
    assert_eq!(out.code, 2, "{}", out.all());
    assert!(
        out.stdout.contains("cycle: a → b → a") || out.stdout.contains("cycle: b → a → b"),
        "{}",
        out.all()
    );
}

#[test]
fn include_reuses_another_collections_items() {
    let s = TestServer::start();
    let dir = temp_dir("include");
    write(
        &dir,
        "shared/login.yaml",
        "name: Login\nsecrets: [AccessToken]\nvariables: { app_token: wrong }\nitems:\n  - name: Log in\n    method: POST\n    auth: none\n    url: \"{{ base }}/login\"\n    form: { authCode: \"{{ app_token }}\" }\n    capture: { AccessToken: $.AccessToken }\n",
    );
    write(
        &dir,
        "main.yaml",
        "name: main\nauth: { bearer: \"{{ AccessToken }}\" }\nitems:\n  - include: shared/login.yaml\n    variables: { app_token: app-secret-123 }\n  - name: me\n    url: \"{{ base }}/me\"\n    expect: { status: 200 }\n",
    );
    let out = output(runner(&dir).args(["run", "main.yaml", "--var", &format!("base={}", s.url)]));
    assert_eq!(out.code, 0, "{}", out.all());
    assert!(out.stdout.contains("✓ Login / Log in"), "{}", out.stdout);

    write(
        &dir,
        "loop.yaml",
        "name: loop\nitems:\n  - include: loop.yaml\n",
    );
    let out = output(runner(&dir).args(["run", "loop.yaml"]));
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("includes itself"), "{}", out.stderr);
}

#[test]
fn redirects_are_not_followed() {
    let s = TestServer::start();
    let out = run_collection(
        &s,
        "redir",
        "name: r\nitems:\n  - name: r\n    url: \"{{ base }}/redirect\"\n    expect: { status: 302, headers: { Location: /json } }\n",
        &[],
    );
    assert_eq!(out.code, 0, "{}", out.all());
    assert_eq!(s.hits("/json"), 0);
}

#[test]
fn exit_code_3_on_a_tls_failure() {
    // TLS spoken to a plain-HTTP port: the handshake fails.
    let s = TestServer::start();
    let https = s.url.replace("http://", "https://");
    let dir = temp_dir("tls");
    write(
        &dir,
        "c.yaml",
        &format!("name: t\nitems:\n  - name: tls\n    url: {https}/json\n"),
    );
    let out = output(runner(&dir).args(["run", "c.yaml"]));
    assert_eq!(out.code, 3, "{}", out.all());
    assert!(out.stdout.contains("! tls  GET /json"), "{}", out.stdout);
}
